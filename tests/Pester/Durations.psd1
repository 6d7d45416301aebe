# Seconds each Pester file took per test kernel, each kernel on a processor of its own (build.ps1 Test prints
# them at its end). build.ps1 plans the test kernels' jobs by them; update them when a file's time changes much.
@{
    '6.1' = @{
        'Differential.Tests.ps1'   = 80
        'Fidelity.Tests.ps1'       = 35
        'LvsInfo.Tests.ps1'        = 7
        'Namespace.Tests.ps1'      = 4
        'Settings.Tests.ps1'       = 30
        'Traffic.Tests.ps1'        = 37
    }
    '6.12' = @{
        'Differential.Tests.ps1'   = 44
        'Fidelity.Tests.ps1'       = 13
        'LvsInfo.Tests.ps1'        = 4
        'Namespace.Tests.ps1'      = 2
        'Settings.Tests.ps1'       = 25
        'SharedTable.Tests.ps1'    = 169
        'Traffic.Tests.ps1'        = 21
    }
    '7.2' = @{
        'Batch.Tests.ps1'                = 3
        'Concurrency.Tests.ps1'          = 14
        'Differential.Tests.ps1'         = 44
        'Fidelity.Tests.ps1'             = 7
        'Harness.Tests.ps1'              = 15
        'Help.Tests.ps1'                 = 55
        'HighAvailability.Tests.ps1'     = 55
        'HostKernel.Tests.ps1'           = 65
        'InfrastructureTest.Tests.ps1'   = 4
        'Interruption.Tests.ps1'         = 56
        'LvsInfo.Tests.ps1'              = 1
        'Namespace.Tests.ps1'            = 2
        'Operations.Tests.ps1'           = 17
        'Package.Tests.ps1'              = 10
        'Pipeline.Tests.ps1'             = 33
        'Privilege.Tests.ps1'            = 27
        'RealServer.Tests.ps1'           = 7
        'Rules.Tests.ps1'                = 11
        'Scale.Tests.ps1'                = 69
        'Service.Tests.ps1'              = 8
        'Settings.Tests.ps1'             = 27
        'SharedTable.Tests.ps1'          = 99
        'Systemd.Tests.ps1'              = 30
        'Timeout.Tests.ps1'              = 2
        'Traffic.Tests.ps1'              = 14
        'Transport.Tests.ps1'            = 7
        'Validation.Tests.ps1'           = 8
        'Watch.Tests.ps1'                = 41
    }
}
