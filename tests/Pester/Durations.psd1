# Seconds each Pester file took per test kernel, three kernels at once on two cores (build.ps1 Test prints
# them at its end). build.ps1 balances the test kernels' jobs by them; update them when a file's time changes much.
@{
    '6.1' = @{
        'Differential.Tests.ps1'       = 265
        'Fidelity.Tests.ps1'           = 77
        'LvsInfo.Tests.ps1'            = 5
        'Namespace.Tests.ps1'          = 5
        'Settings.Tests.ps1'           = 39
        'SharedTable.Tests.ps1'        = 257
        'Traffic.Tests.ps1'            = 116
    }
    '6.12' = @{
        'Differential.Tests.ps1'       = 152
        'Fidelity.Tests.ps1'           = 24
        'LvsInfo.Tests.ps1'            = 3
        'Namespace.Tests.ps1'          = 4
        'Settings.Tests.ps1'           = 19
        'SharedTable.Tests.ps1'        = 150
        'Traffic.Tests.ps1'            = 23
    }
    '7.2' = @{
        'Batch.Tests.ps1'              = 11
        'Concurrency.Tests.ps1'        = 46
        'Differential.Tests.ps1'       = 149
        'Fidelity.Tests.ps1'           = 17
        'Harness.Tests.ps1'            = 35
        'Help.Tests.ps1'               = 108
        'HighAvailability.Tests.ps1'   = 94
        'HostKernel.Tests.ps1'         = 116
        'InfrastructureTest.Tests.ps1' = 6
        'Interruption.Tests.ps1'       = 138
        'LvsInfo.Tests.ps1'            = 2
        'Namespace.Tests.ps1'          = 2
        'Operations.Tests.ps1'         = 26
        'Package.Tests.ps1'            = 33
        'Pipeline.Tests.ps1'           = 45
        'Privilege.Tests.ps1'          = 27
        'RealServer.Tests.ps1'         = 12
        'Rules.Tests.ps1'              = 38
        'Scale.Tests.ps1'              = 89
        'Service.Tests.ps1'            = 14
        'Settings.Tests.ps1'           = 18
        'SharedTable.Tests.ps1'        = 100
        'Systemd.Tests.ps1'            = 78
        'Timeout.Tests.ps1'            = 3
        'Traffic.Tests.ps1'            = 30
        'Transport.Tests.ps1'          = 15
        'Validation.Tests.ps1'         = 14
        'Watch.Tests.ps1'              = 80
    }
}
