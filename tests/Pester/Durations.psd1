# Seconds each Pester file took per test kernel, each kernel on a processor of its own (build.ps1 Test prints
# them at its end). build.ps1 plans the test kernels' jobs by them; update them when a file's time changes much.
# Measured on the slower of the 2-core machines this project has run on (a run of the suite ~565 s there, ~265 s
# on the faster, where 6.x's ptrace kernels gained twice what 7.2 did): a plan balanced there also ends in time
# on the faster machine, and not the other way round. Harness and HostKernel: their tests added since, at
# twice the time they took on the faster machine.
@{
    '6.1' = @{
        'Differential.Tests.ps1' = 60
        'Fidelity.Tests.ps1'     = 32
        'LvsInfo.Tests.ps1'      = 5
        'Namespace.Tests.ps1'    = 4
        'Settings.Tests.ps1'     = 39
        'Traffic.Tests.ps1'      = 34
    }
    '6.12' = @{
        'Differential.Tests.ps1' = 50
        'Fidelity.Tests.ps1'     = 15
        'LvsInfo.Tests.ps1'      = 4
        'Namespace.Tests.ps1'    = 2
        'Settings.Tests.ps1'     = 25
        'SharedTable.Tests.ps1'  = 89
        'Traffic.Tests.ps1'      = 18
    }
    '7.2' = @{
        'Batch.Tests.ps1'              = 5
        'Concurrency.Tests.ps1'        = 18
        'Differential.Tests.ps1'       = 34
        'Fidelity.Tests.ps1'           = 9
        'Harness.Tests.ps1'            = 23
        'Help.Tests.ps1'               = 45
        'HighAvailability.Tests.ps1'   = 37
        'HostKernel.Tests.ps1'         = 93
        'InfrastructureTest.Tests.ps1' = 5
        'Interruption.Tests.ps1'       = 36
        'LvsInfo.Tests.ps1'            = 2
        'Namespace.Tests.ps1'          = 1
        'Operations.Tests.ps1'         = 16
        'Package.Tests.ps1'            = 12
        'Pipeline.Tests.ps1'           = 18
        'Privilege.Tests.ps1'          = 16
        'RealServer.Tests.ps1'         = 5
        'Rules.Tests.ps1'              = 18
        'Scale.Tests.ps1'              = 38
        'Service.Tests.ps1'            = 6
        'Settings.Tests.ps1'           = 13
        'SharedTable.Tests.ps1'        = 49
        'Systemd.Tests.ps1'            = 28
        'Timeout.Tests.ps1'            = 2
        'Traffic.Tests.ps1'            = 8
        'Transport.Tests.ps1'          = 7
        'Validation.Tests.ps1'         = 7
        'Watch.Tests.ps1'              = 40
    }
}
