# Seconds each Pester file took per test kernel, each kernel on a processor of its own (build.ps1 Test prints
# them at its end). build.ps1 plans the test kernels' jobs by them; update them when a file's time changes much.
@{
    '6.1' = @{
        'Differential.Tests.ps1'   = 72
        'Fidelity.Tests.ps1'       = 34
        'LvsInfo.Tests.ps1'        = 7
        'Namespace.Tests.ps1'      = 5
        'Settings.Tests.ps1'       = 45
        'Traffic.Tests.ps1'        = 56
    }
    '6.12' = @{
        'Differential.Tests.ps1'   = 59
        'Fidelity.Tests.ps1'       = 13
        'LvsInfo.Tests.ps1'        = 2
        'Namespace.Tests.ps1'      = 2
        'Settings.Tests.ps1'       = 30
        'SharedTable.Tests.ps1'    = 182
        'Traffic.Tests.ps1'        = 25
    }
    '7.2' = @{
        'Batch.Tests.ps1'                = 6
        'Concurrency.Tests.ps1'          = 18
        'Differential.Tests.ps1'         = 45
        'Fidelity.Tests.ps1'             = 8
        'Harness.Tests.ps1'              = 15
        'Help.Tests.ps1'                 = 50
        'HighAvailability.Tests.ps1'     = 52
        'HostKernel.Tests.ps1'           = 77
        'InfrastructureTest.Tests.ps1'   = 5
        'Interruption.Tests.ps1'         = 65
        'LvsInfo.Tests.ps1'              = 1
        'Namespace.Tests.ps1'            = 1
        'Operations.Tests.ps1'           = 14
        'Package.Tests.ps1'              = 9
        'Pipeline.Tests.ps1'             = 30
        'Privilege.Tests.ps1'            = 17
        'RealServer.Tests.ps1'           = 4
        'Rules.Tests.ps1'                = 12
        'Scale.Tests.ps1'                = 53
        'Service.Tests.ps1'              = 4
        'Settings.Tests.ps1'             = 25
        'SharedTable.Tests.ps1'          = 105
        'Systemd.Tests.ps1'              = 34
        'Timeout.Tests.ps1'              = 1
        'Traffic.Tests.ps1'              = 15
        'Transport.Tests.ps1'            = 10
        'Validation.Tests.ps1'           = 9
        'Watch.Tests.ps1'                = 42
    }
}
