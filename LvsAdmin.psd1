@{
    RootModule           = 'LvsAdmin.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1d8a52-3c1e-4b7a-9d0e-2a5c7e4b9f13'
    Author               = 'LvsAdmin contributors'
    CompanyName          = 'LvsAdmin contributors'
    Copyright            = '(c) LvsAdmin contributors. MIT License.'
    Description          = 'Manage the Linux IP Virtual Server (IPVS, the LVS load balancer) from PowerShell: every ipvsadm capability as cmdlets over the kernel''s generic netlink protocol, emitting typed objects.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('LvsAdmin.Format.ps1xml')
    TypesToProcess       = @('LvsAdmin.Types.ps1xml')
    CmdletsToExport      = @(
        'Get-LvsInfo'
        'Get-LvsService'
        'New-LvsService'
        'Set-LvsService'
        'Remove-LvsService'
        'Clear-LvsService'
        'Get-LvsRealServer'
        'New-LvsRealServer'
        'Set-LvsRealServer'
        'Remove-LvsRealServer'
        'Reset-LvsStatistics'
        'Get-LvsTimeout'
        'Set-LvsTimeout'
        'Export-LvsRules'
        'Import-LvsRules'
        'Compare-LvsRules'
        'Get-LvsSyncDaemon'
        'Start-LvsSyncDaemon'
        'Stop-LvsSyncDaemon'
        'Get-LvsConnection'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('LVS', 'IPVS', 'ipvsadm', 'LoadBalancer', 'Linux', 'Netlink')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
