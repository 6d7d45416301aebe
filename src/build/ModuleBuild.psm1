# Build, Docs and Package: the module folder out/LvsAdmin, its help, and the package PSResourceGet installs.
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot '../../tests/harness/Harness.psm1')

$script:Root = Split-Path (Split-Path $PSScriptRoot)
$script:RuntimeIds = 'linux-x64', 'linux-arm64'

function Get-RuntimeId {
    switch ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture) {
        'X64' { 'linux-x64' }
        'Arm64' { 'linux-arm64' }
        default { throw "LvsAdmin supports linux-x64 and linux-arm64, not $_." }
    }
}

<#
.SYNOPSIS
    Publishes the cmdlets and assembles ModuleOut, an importable module folder, with its help.
#>
function Invoke-ModuleBuild {
    param([Parameter(Mandatory)] [string] $Out, [Parameter(Mandatory)] [string] $ModuleOut, [string] $Configuration = 'Release')
    Write-Step "Build ($Configuration, $(Get-RuntimeId))"
    $publish = Join-Path $Out 'publish'
    Remove-TreeSafely $publish
    Remove-TreeSafely $ModuleOut
    Invoke-Native dotnet @('publish', (Join-Path $script:Root 'src/LvsAdmin/LvsAdmin.csproj'), '-c', $Configuration,
        '-r', (Get-RuntimeId), '--self-contained', 'false', '-o', $publish, '-v', 'quiet', '-nologo', '--disable-build-servers') -TimeoutSeconds 900 | Out-Host
    New-Item -ItemType Directory -Path $ModuleOut | Out-Null
    Copy-Item (Join-Path $script:Root 'LvsAdmin.psd1') $ModuleOut
    foreach ($file in 'LvsAdmin.dll', 'LvsAdmin.Core.dll', 'LvsAdmin.Format.ps1xml', 'LvsAdmin.Types.ps1xml') {
        Copy-Item (Join-Path $publish $file) $ModuleOut
    }
    # The unit that restores a saved rule file at boot.
    Copy-Item (Join-Path $script:Root 'src/LvsAdmin/systemd') $ModuleOut -Recurse
    # Tmds.LibC of every architecture the module supports: it loads the one of the machine it runs on.
    $core = [xml](Get-Content -Raw (Join-Path $script:Root 'src/LvsAdmin.Core/LvsAdmin.Core.csproj'))
    $version = @($core.Project.ItemGroup.PackageReference | Where-Object Include -eq 'Tmds.LibC')[0].Version
    foreach ($rid in $script:RuntimeIds) {
        $target = New-Item -ItemType Directory -Force -Path (Join-Path $ModuleOut "runtimes/$rid")
        Copy-Item (Join-Path (Get-NuGetFolder) "tmds.libc/$version/runtimes/$rid/lib/netstandard2.0/Tmds.LibC.dll") $target
    }
    Invoke-HelpBuild -ModuleOut $ModuleOut
    Write-Host "Module: $ModuleOut"
}

<#
.SYNOPSIS
    Compiles docs/*.md (platyPS schema) and the cmdlets' metadata into en-US/ (MAML and about_LvsAdmin).
#>
function Invoke-HelpBuild {
    param([Parameter(Mandatory)] [string] $ModuleOut)
    Write-Step 'Docs: docs/*.md and the cmdlets'' metadata to en-US/'
    $help = Join-Path $script:Root 'en-US'
    New-Item -ItemType Directory -Force -Path $help | Out-Null
    Import-Module (Join-Path $ModuleOut 'LvsAdmin.psd1') -Force
    Import-Module (Join-Path $script:Root 'src/LvsAdmin.Help/LvsAdmin.Help.psm1') -Force
    $commands = @(Get-Command -Module LvsAdmin)
    $pages = @($commands | ForEach-Object {
            $page = Join-Path $script:Root "docs/$($_.Name).md"
            if (-not (Test-Path $page)) { throw "$($_.Name) has no help page: write docs/$($_.Name).md." }
            Read-HelpMarkdown -Path $page
        })
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    [IO.File]::WriteAllText((Join-Path $help 'LvsAdmin.dll-Help.xml'), (ConvertTo-Maml -Pages $pages -Commands $commands), $utf8)
    [IO.File]::WriteAllText((Join-Path $help 'about_LvsAdmin.help.txt'), (ConvertTo-AboutText -Path (Join-Path $script:Root 'docs/about_LvsAdmin.md')), $utf8)
    Remove-Module LvsAdmin, LvsAdmin.Help
    if (Test-Path $ModuleOut) { Copy-Item $help $ModuleOut -Recurse -Force }
}

<#
.SYNOPSIS
    Packs ModuleOut into Repository/LvsAdmin.<version>.nupkg (Compress-PSResource: no repository is
    registered, so the user's PSResourceGet store is never touched); returns the package file.
#>
function New-ModulePackage {
    param([Parameter(Mandatory)] [string] $ModuleOut, [Parameter(Mandatory)] [string] $Repository)
    New-Item -ItemType Directory -Force -Path $Repository | Out-Null
    $version = (Import-PowerShellDataFile (Join-Path $ModuleOut 'LvsAdmin.psd1')).ModuleVersion
    $package = Join-Path $Repository "LvsAdmin.$version.nupkg"
    Remove-Item $package -ErrorAction Ignore
    Write-Step "Package: LvsAdmin $version to $Repository"
    Compress-PSResource -Path $ModuleOut -DestinationPath $Repository
    if (-not (Test-Path $package)) { throw "Compress-PSResource wrote no $package." }
    Get-Item $package
}

Export-ModuleMember -Function Invoke-ModuleBuild, Invoke-HelpBuild, New-ModulePackage
