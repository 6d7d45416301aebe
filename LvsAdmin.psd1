@{
    RootModule           = 'LvsAdmin.dll'
    ModuleVersion        = '0.2.0'
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
        'Wait-LvsRealServer'
        'Test-LvsRealServer'
        'Watch-LvsRealServer'
        'Get-LvsSetting'
        'Set-LvsSetting'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Linux', 'PSEdition_Core', 'IPVS', 'LVS', 'ipvsadm', 'LoadBalancer', 'Netlink')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/LvsAdmin/LvsAdmin'
            ReleaseNotes = @'
0.2.0
- ipvsadm fidelity: a bare -p is 360 s; timeouts up to 31 days; -o only on UDP and firewall-mark
  services; firewall-mark real servers keep their ports; port names per protocol; listings in
  ipvsadm's exact order. A differential test against ipvsadm proves it on random input.
- Safe pipelines: an empty upstream acts on nothing; a service object names only the service.
- Imports that stop (-ErrorAction Stop, $ErrorActionPreference = 'Stop', Ctrl+C) restore the table
  they found: all or nothing. -Replace confirms removing services at High impact.
- Linux x64 and arm64 in one package.
'@
        }
    }
}
