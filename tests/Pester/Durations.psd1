# Seconds each Pester file took per test kernel, each kernel on a processor of its own (build.ps1 Test prints
# them at its end). build.ps1 plans the test kernels' jobs by them; update them when a file's time changes much.
@{
    '6.1' = @{
        'Differential.Tests.ps1' = 68
        'Fidelity.Tests.ps1'     = 31
        'LvsInfo.Tests.ps1'      = 6
        'Namespace.Tests.ps1'    = 4
        'Settings.Tests.ps1'     = 36
        'Traffic.Tests.ps1'      = 36
    }
    '6.12' = @{
        'Differential.Tests.ps1' = 54
        'Fidelity.Tests.ps1'     = 14
        'LvsInfo.Tests.ps1'      = 4
        'Namespace.Tests.ps1'    = 2
        'Settings.Tests.ps1'     = 27
        'SharedTable.Tests.ps1'  = 127
        'Traffic.Tests.ps1'      = 18
    }
    '7.2' = @{
        'Batch.Tests.ps1'              = 5
        'Concurrency.Tests.ps1'        = 28
        'Differential.Tests.ps1'       = 43
        'Fidelity.Tests.ps1'           = 9
        'Harness.Tests.ps1'            = 15
        'Help.Tests.ps1'               = 54
        'HighAvailability.Tests.ps1'   = 52
        'HostKernel.Tests.ps1'         = 67
        'InfrastructureTest.Tests.ps1' = 7
        'Interruption.Tests.ps1'       = 46
        'LvsInfo.Tests.ps1'            = 2
        'Namespace.Tests.ps1'          = 1
        'Operations.Tests.ps1'         = 16
        'Package.Tests.ps1'            = 10
        'Pipeline.Tests.ps1'           = 27
        'Privilege.Tests.ps1'          = 29
        'RealServer.Tests.ps1'         = 6
        'Rules.Tests.ps1'              = 11
        'Scale.Tests.ps1'              = 45
        'Service.Tests.ps1'            = 6
        'Settings.Tests.ps1'           = 13
        'SharedTable.Tests.ps1'        = 62
        'Systemd.Tests.ps1'            = 28
        'Timeout.Tests.ps1'            = 1
        'Traffic.Tests.ps1'            = 11
        'Transport.Tests.ps1'          = 8
        'Validation.Tests.ps1'         = 11
        'Watch.Tests.ps1'              = 39
    }
}
