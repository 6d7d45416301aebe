# Seconds each Pester file took per test kernel, each kernel on a processor of its own (build.ps1 Test prints
# them at its end). build.ps1 plans the test kernels' jobs by them; update them when a file's time changes much.
@{
    '6.1' = @{
        'Differential.Tests.ps1' = 63
        'Fidelity.Tests.ps1'     = 30
        'LvsInfo.Tests.ps1'      = 4
        'Namespace.Tests.ps1'    = 3
        'Settings.Tests.ps1'     = 31
        'Traffic.Tests.ps1'      = 29
    }
    '6.12' = @{
        'Differential.Tests.ps1' = 47
        'Fidelity.Tests.ps1'     = 16
        'LvsInfo.Tests.ps1'      = 3
        'Namespace.Tests.ps1'    = 2
        'Settings.Tests.ps1'     = 25
        'SharedTable.Tests.ps1'  = 96
        'Traffic.Tests.ps1'      = 17
    }
    '7.2' = @{
        'Batch.Tests.ps1'              = 4
        'Concurrency.Tests.ps1'        = 22
        'Differential.Tests.ps1'       = 39
        'Fidelity.Tests.ps1'           = 7
        'Harness.Tests.ps1'            = 16
        'Help.Tests.ps1'               = 50
        'HighAvailability.Tests.ps1'   = 39
        'HostKernel.Tests.ps1'         = 71
        'InfrastructureTest.Tests.ps1' = 5
        'Interruption.Tests.ps1'       = 46
        'LvsInfo.Tests.ps1'            = 1
        'Namespace.Tests.ps1'          = 1
        'Operations.Tests.ps1'         = 15
        'Package.Tests.ps1'            = 11
        'Pipeline.Tests.ps1'           = 23
        'Privilege.Tests.ps1'          = 15
        'RealServer.Tests.ps1'         = 5
        'Rules.Tests.ps1'              = 15
        'Scale.Tests.ps1'              = 40
        'Service.Tests.ps1'            = 6
        'Settings.Tests.ps1'           = 12
        'SharedTable.Tests.ps1'        = 52
        'Systemd.Tests.ps1'            = 29
        'Timeout.Tests.ps1'            = 2
        'Traffic.Tests.ps1'            = 8
        'Transport.Tests.ps1'          = 8
        'Validation.Tests.ps1'         = 7
        'Watch.Tests.ps1'              = 38
    }
}
