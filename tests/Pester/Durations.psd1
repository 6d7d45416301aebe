# Seconds each Pester file took per test kernel, two kernels at once (build.ps1 Test prints them at its
# end). build.ps1 balances the test kernels' jobs by them; update them when a file's time changes much.
@{
    '6.1' = @{
        'Settings.Tests.ps1'           = 15
        'Batch.Tests.ps1'              = 20
        'Concurrency.Tests.ps1'        = 92
        'Differential.Tests.ps1'       = 200
        'Fidelity.Tests.ps1'           = 60
        'Harness.Tests.ps1'            = 41
        'Help.Tests.ps1'               = 111
        'HighAvailability.Tests.ps1'   = 115
        'HostKernel.Tests.ps1'         = 116
        'InfrastructureTest.Tests.ps1' = 6
        'Interruption.Tests.ps1'       = 98
        'LvsInfo.Tests.ps1'            = 1
        'Namespace.Tests.ps1'          = 4
        'Operations.Tests.ps1'         = 45
        'Package.Tests.ps1'            = 17
        'Pipeline.Tests.ps1'           = 77
        'Privilege.Tests.ps1'          = 28
        'RealServer.Tests.ps1'         = 23
        'Rules.Tests.ps1'              = 44
        'Scale.Tests.ps1'              = 126
        'Service.Tests.ps1'            = 26
        'SharedTable.Tests.ps1'        = 121
        'Systemd.Tests.ps1'            = 90
        'Timeout.Tests.ps1'            = 7
        'Traffic.Tests.ps1'            = 68
        'Transport.Tests.ps1'          = 13
        'Validation.Tests.ps1'         = 25
        'Watch.Tests.ps1'              = 66
    }
    '6.12' = @{
        'Differential.Tests.ps1'       = 125
        'Fidelity.Tests.ps1'           = 19
        'LvsInfo.Tests.ps1'            = 1
        'Namespace.Tests.ps1'          = 2
        'Settings.Tests.ps1'           = 12
        'SharedTable.Tests.ps1'        = 141
        'Traffic.Tests.ps1'            = 34
    }
    '7.2' = @{
        'Batch.Tests.ps1'              = 6
        'Concurrency.Tests.ps1'        = 26
        'Differential.Tests.ps1'       = 74
        'Fidelity.Tests.ps1'           = 9
        'Harness.Tests.ps1'            = 17
        'Help.Tests.ps1'               = 68
        'HighAvailability.Tests.ps1'   = 61
        'HostKernel.Tests.ps1'         = 70
        'InfrastructureTest.Tests.ps1' = 3
        'Interruption.Tests.ps1'       = 57
        'LvsInfo.Tests.ps1'            = 1
        'Namespace.Tests.ps1'          = 1
        'Operations.Tests.ps1'         = 14
        'Package.Tests.ps1'            = 9
        'Pipeline.Tests.ps1'           = 29
        'Privilege.Tests.ps1'          = 29
        'RealServer.Tests.ps1'         = 4
        'Rules.Tests.ps1'              = 15
        'Scale.Tests.ps1'              = 49
        'Service.Tests.ps1'            = 5
        'Settings.Tests.ps1'           = 6
        'SharedTable.Tests.ps1'        = 57
        'Systemd.Tests.ps1'            = 53
        'Timeout.Tests.ps1'            = 2
        'Traffic.Tests.ps1'            = 18
        'Transport.Tests.ps1'          = 9
        'Validation.Tests.ps1'         = 6
        'Watch.Tests.ps1'              = 35
    }
}
