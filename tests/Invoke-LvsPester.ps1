<#
.SYNOPSIS
    Runs the Pester suite inside a kernel with IPVS and writes a summary for build.ps1.
.DESCRIPTION
    build.ps1 starts this in a child pwsh: in namespaces of its own on a host with IPVS, or as the
    job of a user-mode Linux test kernel. It writes NUnit XML and pester-summary.json (with each
    file's duration) to ResultPath and exits non-zero when anything failed.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Which files to run: a regular expression over their names, or their names, comma-separated
    # (build.ps1's share of the suite for this kernel).
    [string] $Filter,
    [string] $Files
)

$ErrorActionPreference = 'Stop'
# Drains and probes show progress; in a log it is noise.
$ProgressPreference = 'SilentlyContinue'
Import-Module $PesterManifest
$env:LVSADMIN_MODULE = $ModuleManifest

New-Item -ItemType Directory -Force -Path $ResultPath | Out-Null
$config = New-PesterConfiguration
$paths = @(Get-ChildItem (Join-Path $PSScriptRoot 'Pester') -Filter '*.Tests.ps1' | Where-Object Name -Match $Filter)
if ($Files) { $paths = @($paths | Where-Object Name -In ($Files -split ',')) }
$config.Run.Path = @($paths.FullName)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultPath 'pester.xml'
$result = Invoke-Pester -Configuration $config

Import-Module $ModuleManifest
$version = try { (Get-LvsInfo).Version } catch { "unavailable: $_" }
$durations = [ordered]@{}
foreach ($container in $result.Containers) { $durations[(Split-Path "$($container.Item)" -Leaf)] = [math]::Round($container.Duration.TotalSeconds, 1) }
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
# What failed, named again after the long log: a CI run's output may be kept only in part.
$failures = @(
    foreach ($item in @($result.Failed) + @($result.FailedBlocks) + @($result.FailedContainers)) {
        $name = if ($item.PSObject.Properties['ExpandedPath']) { $item.ExpandedPath } else { "$($item.Item)" }
        $message = @($item.ErrorRecord | ForEach-Object { "$($_.Exception.Message)" -split "`n" | Select-Object -First 1 }) -join '; '
        if (-not $message) { $message = 'its block failed' }
        "${name}: $message"
    }
)
[ordered]@{
    Passed      = $result.PassedCount
    Failed      = $failed
    Skipped     = $result.SkippedCount
    IpvsVersion = $version
    KernelRelease = "$(uname -r)"
    Durations   = $durations
    Failures    = $failures
} | ConvertTo-Json | Set-Content (Join-Path $ResultPath 'pester-summary.json')
exit ([int]($failed -gt 0 -or $result.Result -ne 'Passed'))
