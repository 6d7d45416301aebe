# Seconds each Pester file took per test kernel, three kernels at once on two cores (build.ps1 Test prints
# them at its end). build.ps1 balances the test kernels' jobs by them; update them when a file's time changes much.
@{
    '6.1' = @{
        'Differential.Tests.ps1'       = 240
        'Fidelity.Tests.ps1'           = 55
        'LvsInfo.Tests.ps1'            = 7
        'Namespace.Tests.ps1'          = 7
        'Settings.Tests.ps1'           = 81
        'SharedTable.Tests.ps1'        = 300
        'Traffic.Tests.ps1'            = 108
    }
    '6.12' = @{
        'Differential.Tests.ps1'       = 77
        'Fidelity.Tests.ps1'           = 10
        'LvsInfo.Tests.ps1'            = 1
        'Namespace.Tests.ps1'          = 1
        'Settings.Tests.ps1'           = 27
        'SharedTable.Tests.ps1'        = 137
        'Traffic.Tests.ps1'            = 21
    }
    '7.2' = @{
        'Batch.Tests.ps1'              = 9
        'Concurrency.Tests.ps1'        = 47
        'Differential.Tests.ps1'       = 123
        'Fidelity.Tests.ps1'           = 14
        'Harness.Tests.ps1'            = 28
        'Help.Tests.ps1'               = 92
        'HighAvailability.Tests.ps1'   = 96
        'HostKernel.Tests.ps1'         = 106
        'InfrastructureTest.Tests.ps1' = 6
        'Interruption.Tests.ps1'       = 116
        'LvsInfo.Tests.ps1'            = 2
        'Namespace.Tests.ps1'          = 3
        'Operations.Tests.ps1'         = 24
        'Package.Tests.ps1'            = 17
        'Pipeline.Tests.ps1'           = 46
        'Privilege.Tests.ps1'          = 27
        'RealServer.Tests.ps1'         = 6
        'Rules.Tests.ps1'              = 31
        'Scale.Tests.ps1'              = 81
        'Service.Tests.ps1'            = 10
        'Settings.Tests.ps1'           = 30
        'SharedTable.Tests.ps1'        = 159
        'Systemd.Tests.ps1'            = 76
        'Timeout.Tests.ps1'            = 3
        'Traffic.Tests.ps1'            = 22
        'Transport.Tests.ps1'          = 16
        'Validation.Tests.ps1'         = 12
        'Watch.Tests.ps1'              = 69
    }
}
