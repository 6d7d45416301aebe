# Seconds each Pester file took per test kernel, each kernel on a processor of its own (build.ps1 Test prints
# them at its end). build.ps1 plans the test kernels' jobs by them; update them when a file's time changes much.
@{
    '6.1' = @{
        'Differential.Tests.ps1'   = 77
        'Fidelity.Tests.ps1'       = 38
        'LvsInfo.Tests.ps1'        = 7
        'Namespace.Tests.ps1'      = 5
        'Settings.Tests.ps1'       = 70
        'Traffic.Tests.ps1'        = 97
    }
    '6.12' = @{
        'Differential.Tests.ps1'   = 51
        'Fidelity.Tests.ps1'       = 16
        'LvsInfo.Tests.ps1'        = 2
        'Namespace.Tests.ps1'      = 2
        'Settings.Tests.ps1'       = 38
        'SharedTable.Tests.ps1'    = 146
        'Traffic.Tests.ps1'        = 24
    }
    '7.2' = @{
        'Batch.Tests.ps1'                = 4
        'Concurrency.Tests.ps1'          = 16
        'Differential.Tests.ps1'         = 56
        'Fidelity.Tests.ps1'             = 9
        'Harness.Tests.ps1'              = 13
        'Help.Tests.ps1'                 = 45
        'HighAvailability.Tests.ps1'     = 63
        'HostKernel.Tests.ps1'           = 55
        'InfrastructureTest.Tests.ps1'   = 5
        'Interruption.Tests.ps1'         = 82
        'LvsInfo.Tests.ps1'              = 1
        'Namespace.Tests.ps1'            = 1
        'Operations.Tests.ps1'           = 14
        'Package.Tests.ps1'              = 11
        'Pipeline.Tests.ps1'             = 30
        'Privilege.Tests.ps1'            = 40
        'RealServer.Tests.ps1'           = 6
        'Rules.Tests.ps1'                = 21
        'Scale.Tests.ps1'                = 58
        'Service.Tests.ps1'              = 8
        'Settings.Tests.ps1'             = 38
        'SharedTable.Tests.ps1'          = 95
        'Systemd.Tests.ps1'              = 50
        'Timeout.Tests.ps1'              = 1
        'Traffic.Tests.ps1'              = 21
        'Transport.Tests.ps1'            = 8
        'Validation.Tests.ps1'           = 13
        'Watch.Tests.ps1'                = 104
    }
}
