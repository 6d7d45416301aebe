# The package build.ps1 Test makes (build.ps1 Package): installed as a user would, with PSResourceGet.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    $script:repository = Join-Path (Split-Path (Split-Path $PSScriptRoot)) 'out/repository'
    $script:version = (Import-PowerShellDataFile $env:LVSADMIN_MODULE).ModuleVersion
    $script:package = Join-Path $script:repository "LvsAdmin.$script:version.nupkg"
}

Describe 'The LvsAdmin package' {
    It 'is a .nupkg with the manifest''s version, carrying Tmds.LibC for linux-x64 and linux-arm64' {
        $script:package | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($script:package)
        try { $entries = $zip.Entries.FullName } finally { $zip.Dispose() }
        $entries | Should -Contain 'LvsAdmin.psd1'
        $entries | Should -Contain 'runtimes/linux-x64/Tmds.LibC.dll'
        $entries | Should -Contain 'runtimes/linux-arm64/Tmds.LibC.dll'
        $entries | Should -Contain 'en-US/LvsAdmin.dll-Help.xml'
        $manifest = Import-PowerShellDataFile $env:LVSADMIN_MODULE
        $manifest.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
        $manifest.PrivateData.PSData.ProjectUri | Should -Not -BeNullOrEmpty
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Match ([regex]::Escape($script:version))
    }

    It 'installs with Install-PSResource into a fresh module path, imports by name, has help and answers' {
        $home_ = Join-Path ([IO.Path]::GetTempPath()) "lvs-package-home-$PID"
        New-Item -ItemType Directory -Force -Path $home_ | Out-Null
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name LvsAdminLocal -Uri '$script:repository' -Trusted
Install-PSResource -Name LvsAdmin -Version '$script:version' -Repository LvsAdminLocal -Scope CurrentUser -TrustRepository -Quiet
`$module = Import-Module LvsAdmin -PassThru
"base: `$(`$module.ModuleBase)"
"version: `$(`$module.Version)"
"synopsis: `$((Get-Help Get-LvsService).Synopsis)"
"ipvs: `$((Get-LvsInfo).Version)"
# Loaded at the first kernel call, from the folder of this machine's architecture.
"libc: `$(([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Tmds.LibC' }).Location)"
"@
        $path = Join-Path $home_ 'install.ps1'
        Set-Content -Path $path -Value $script
        # A user of its own: HOME is where PowerShell keeps the CurrentUser module path and repositories.
        $output = & /usr/bin/env "HOME=$home_" "PSModulePath=" ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $path 2>&1 | ForEach-Object { "$_" }
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $base = ($output | Where-Object { $_ -like 'base: *' }) -replace '^base: '
        $base | Should -BeLike "$home_/*LvsAdmin*"
        $output | Should -Contain "version: $script:version"
        $rid = if ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'Arm64') { 'linux-arm64' } else { 'linux-x64' }
        $output | Should -Contain "libc: $base/runtimes/$rid/Tmds.LibC.dll"
        $output | Should -Contain "synopsis: $((Get-Help Get-LvsService).Synopsis)"
        $output | Should -Contain "ipvs: $((Get-LvsInfo).Version)"
        Remove-Item $home_ -Recurse -Force
    }
}
