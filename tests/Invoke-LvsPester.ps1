<#
.SYNOPSIS
    Runs the Pester suite inside a kernel with IPVS and writes a summary for build.ps1.
.DESCRIPTION
    build.ps1 starts this in a child pwsh: in a fresh network namespace of a host with IPVS, or as
    the job of the user-mode Linux test kernel. It writes NUnit XML and pester-summary.json to
    ResultPath and exits non-zero when anything failed.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultPath,
    [string] $Filter
)

$ErrorActionPreference = 'Stop'
# Drains and probes show progress; in a log it is noise.
$ProgressPreference = 'SilentlyContinue'
Import-Module $PesterManifest
$env:LVSADMIN_MODULE = $ModuleManifest

$config = New-PesterConfiguration
$config.Run.Path = Join-Path $PSScriptRoot 'Pester'
if ($Filter) {
    $config.Run.Path = @(Get-ChildItem (Join-Path $PSScriptRoot 'Pester') -Filter '*.Tests.ps1' | Where-Object Name -Match $Filter | ForEach-Object FullName)
}
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultPath 'pester.xml'
$result = Invoke-Pester -Configuration $config

Import-Module $ModuleManifest
$version = try { (Get-LvsInfo).Version } catch { "unavailable: $_" }
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[ordered]@{
    Passed      = $result.PassedCount
    Failed      = $failed
    Skipped     = $result.SkippedCount
    IpvsVersion = $version
} | ConvertTo-Json | Set-Content (Join-Path $ResultPath 'pester-summary.json')
exit ([int]($failed -gt 0 -or $result.Result -ne 'Passed'))
