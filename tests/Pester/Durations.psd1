# Seconds each Pester file took in the 6.1 test kernel (build.ps1 Test prints them at its end). build.ps1
# balances the test kernels' shares by them; update them when a file's time changes much.
@{
    'Batch.Tests.ps1'              = 6
    'Concurrency.Tests.ps1'        = 66
    'Differential.Tests.ps1'       = 96
    'Fidelity.Tests.ps1'           = 16
    'Harness.Tests.ps1'            = 45
    'Help.Tests.ps1'               = 60
    'HighAvailability.Tests.ps1'   = 150
    'HostKernel.Tests.ps1'         = 120
    'InfrastructureTest.Tests.ps1' = 5
    'Interruption.Tests.ps1'       = 165
    'LvsInfo.Tests.ps1'            = 1
    'Namespace.Tests.ps1'          = 3
    'Operations.Tests.ps1'         = 62
    'Package.Tests.ps1'            = 19
    'Pipeline.Tests.ps1'           = 152
    'Privilege.Tests.ps1'          = 30
    'RealServer.Tests.ps1'         = 26
    'Rules.Tests.ps1'              = 55
    'Scale.Tests.ps1'              = 110
    'Service.Tests.ps1'            = 19
    'SharedTable.Tests.ps1'        = 85
    'Systemd.Tests.ps1'            = 60
    'Timeout.Tests.ps1'            = 3
    'Traffic.Tests.ps1'            = 40
    'Transport.Tests.ps1'          = 30
    'Validation.Tests.ps1'         = 12
    'Watch.Tests.ps1'              = 40
}
