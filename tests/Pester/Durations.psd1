# Seconds each Pester file took in the 6.1 test kernel, two kernels at once (build.ps1 Test prints them at
# its end). build.ps1 balances the test kernels' shares by them; update them when a file's time changes much.
@{
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
    'Operations.Tests.ps1'         = 59
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
