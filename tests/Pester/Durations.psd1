# Seconds each Pester file took in the 6.1 test kernel (build.ps1 Test prints them at its end). build.ps1
# balances the test kernels' shares by them; update them when a file's time changes much.
@{
    'Batch.Tests.ps1' = 60
}
