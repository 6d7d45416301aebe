# Seconds each Pester file took in the 6.1 test kernel, two kernels at once, in a clean Debian 12 root
# (build.ps1 Test prints them at its end). build.ps1 balances the test kernels' shares by them; update them
# when a file's time changes much.
@{
    'Batch.Tests.ps1'              = 10
    'Concurrency.Tests.ps1'        = 128
    'Differential.Tests.ps1'       = 235
    'Fidelity.Tests.ps1'           = 39
    'Harness.Tests.ps1'            = 33
    'Help.Tests.ps1'               = 140
    'HighAvailability.Tests.ps1'   = 178
    'HostKernel.Tests.ps1'         = 485
    'InfrastructureTest.Tests.ps1' = 3
    'Interruption.Tests.ps1'       = 169
    'LvsInfo.Tests.ps1'            = 1
    'Namespace.Tests.ps1'          = 5
    'Operations.Tests.ps1'         = 41
    'Package.Tests.ps1'            = 9
    'Pipeline.Tests.ps1'           = 106
    'Privilege.Tests.ps1'          = 17
    'RealServer.Tests.ps1'         = 29
    'Rules.Tests.ps1'              = 51
    'Scale.Tests.ps1'              = 135
    'Service.Tests.ps1'            = 18
    'Systemd.Tests.ps1'            = 36
    'Timeout.Tests.ps1'            = 3
    'Traffic.Tests.ps1'            = 41
    'Validation.Tests.ps1'         = 24
}
