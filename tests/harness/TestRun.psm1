# build.ps1 Test: xunit, then the Pester files shared among test kernels run at once, one closing line,
# and a check that the run left the machine and the work tree as it found them.
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'Harness.psm1')
Import-Module (Join-Path $PSScriptRoot '../kernel/TestKernel.psm1')

$script:Root = Split-Path (Split-Path $PSScriptRoot)
$script:PesterVersion = '6.2.0'
# Each Pester file's duration in the 6.1 test kernel, measured (build.ps1 Test prints them): the shares are
# balanced by them. A file missing here counts as the longest.
$script:Durations = Import-PowerShellDataFile (Join-Path $script:Root 'tests/Pester/Durations.psd1')

function Get-PesterManifest {
    $manifest = Join-Path (Get-NuGetFolder) "pester/$script:PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $manifest)) {
        # The test project carries a PackageDownload of Pester: restoring it fetches the module.
        Invoke-Native dotnet @('restore', (Join-Path $script:Root 'tests/LvsAdmin.Core.Tests/LvsAdmin.Core.Tests.csproj'), '-v', 'quiet', '--disable-build-servers') -TimeoutSeconds 600 | Out-Host
    }
    if (-not (Test-Path $manifest)) { throw "Pester $script:PesterVersion was not restored to $manifest." }
    $manifest
}

function Invoke-XunitTests([string] $ResultsOut, [string] $Configuration) {
    Write-Step 'xunit (with the fuzzers'' corpora and regressions replayed)'
    $trx = Join-Path $ResultsOut 'xunit.trx'
    Remove-Item $trx -ErrorAction Ignore
    & timeout --kill-after=10 900 dotnet test (Join-Path $script:Root 'tests/LvsAdmin.Core.Tests/LvsAdmin.Core.Tests.csproj') -c $Configuration -nologo `
        --disable-build-servers --blame-hang-timeout 5min --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
    if ($LASTEXITCODE -in 124, 137) { throw 'dotnet test did not finish within 900 s and was stopped.' }
    if (-not (Test-Path $trx)) { throw 'xunit wrote no results: the test project did not build or run.' }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    [pscustomobject]@{
        Passed  = [int]$counters.passed
        Failed  = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        Skipped = [int]$counters.notExecuted
    }
}

<#
.SYNOPSIS
    Splits the Pester files into Count shares of about equal measured duration (longest first, each to
    the share with the least so far): the same files always give the same shares.
#>
function Split-PesterFiles([string[]] $Files, [int] $Count) {
    $longest = ($script:Durations.Values | Measure-Object -Maximum).Maximum
    $seconds = @{}
    foreach ($file in $Files) { $seconds[$file] = if ($script:Durations.Contains($file)) { $script:Durations[$file] } else { $longest } }
    $shares = @(1..$Count | ForEach-Object { [pscustomobject]@{ Files = [System.Collections.Generic.List[string]]::new(); Seconds = 0.0 } })
    foreach ($file in $Files | Sort-Object @{ Expression = { $seconds[$_] }; Descending = $true }, @{ Expression = { $_ } }) {
        $share = $shares | Sort-Object Seconds | Select-Object -First 1
        $share.Files.Add($file)
        $share.Seconds += $seconds[$file]
    }
    @($shares | Where-Object { $_.Files.Count })
}

function Invoke-PesterTests {
    param([string] $ModuleOut, [string] $ResultsOut, [string] $Filter, [int] $Kernels)
    $pester = Get-PesterManifest
    $runner = Join-Path $script:Root 'tests/Invoke-LvsPester.ps1'
    $files = @(Get-ChildItem (Join-Path $script:Root 'tests/Pester') -Filter '*.Tests.ps1' | Where-Object Name -Match $Filter | ForEach-Object Name)
    if (-not $files) { throw "No Pester file matches '$Filter'." }
    $hostKernel = Test-HostIpvs
    # One kernel per core for user-mode Linux, which runs on one; the host's kernel has all of them already.
    if ($hostKernel) { $Kernels = 1 }
    $shares = @(Split-PesterFiles $files ([math]::Min($Kernels, $files.Count)))
    $kernelName = Get-TestKernelName
    Write-Step "Pester in $kernelName$(if ($shares.Count -gt 1) { ", $($shares.Count) kernels at once" })"
    $started = Get-Date
    $jobs = for ($i = 0; $i -lt $shares.Count; $i++) {
        $name = if ($hostKernel) { 'host' } else { "uml-$($i + 1)" }
        $resultPath = Join-Path $ResultsOut $name
        Remove-TreeSafely $resultPath
        if ($shares.Count -gt 1) { Write-Host "[$name] $($shares[$i].Files -join ', ')" }
        $runArgs = "-PesterManifest '$pester' -ModuleManifest '$ModuleOut/LvsAdmin.psd1' -ResultPath '$resultPath' -Files '$($shares[$i].Files -join ',')'"
        [pscustomobject]@{
            ResultPath = $resultPath
            Kernel     = Start-TestKernel -Name $name -Script "$(Get-PwshCommand) -NoProfile -NonInteractive -File '$runner' $runArgs`n" -TimeoutSeconds 3000
        }
    }
    $statuses = @(Wait-TestKernel @($jobs.Kernel))
    $elapsed = (Get-Date) - $started
    $passed = 0; $failed = 0; $skipped = 0; $version = $null
    $durations = [ordered]@{}
    for ($i = 0; $i -lt $jobs.Count; $i++) {
        $summary = Join-Path $jobs[$i].ResultPath 'pester-summary.json'
        if (-not (Test-Path $summary)) {
            Write-Host "Pester in '$($jobs[$i].Kernel.Name)' wrote no summary (exit status $($statuses[$i])): see its output above."
            $failed++
            continue
        }
        $result = Get-Content $summary -Raw | ConvertFrom-Json
        $passed += [int]$result.Passed
        $skipped += [int]$result.Skipped
        $failed += [int]$result.Failed + [int]($statuses[$i] -ne 0 -and $result.Failed -eq 0)
        $version = $result.IpvsVersion
        foreach ($property in $result.Durations.PSObject.Properties) { $durations[$property.Name] = $property.Value }
    }
    Write-Host 'Pester files, seconds each:'
    foreach ($entry in $durations.GetEnumerator() | Sort-Object Value -Descending) { Write-Host ('  {0,7:0.0}  {1}' -f $entry.Value, $entry.Key) }
    Write-Host ("Kernel: {0}, IPVS {1}; the kernel part took {2:0.0} s" -f $kernelName, $version, $elapsed.TotalSeconds)
    [pscustomobject]@{ Passed = $passed; Failed = $failed; Skipped = $skipped }
}

function Get-TrackedChanges {
    # Tracked files that differ from HEAD, each with a hash of its content now.
    if (-not (Test-Path (Join-Path $script:Root '.git'))) { return @{} }
    $changes = @{}
    foreach ($file in & git -C $script:Root diff --name-only HEAD) {
        $path = Join-Path $script:Root $file
        $changes[$file] = if (Test-Path $path) { (Get-FileHash $path).Hash } else { 'deleted' }
    }
    $changes
}

<#
.SYNOPSIS
    The whole test run; returns its totals (Passed, Failed, Skipped).
#>
function Invoke-TestRun {
    param(
        [scriptblock] $Build,
        [string] $ModuleOut,
        [string] $ResultsOut,
        [string] $Configuration,
        [string] $Filter,
        [int] $Kernels,
        [switch] $SkipKernel,
        [switch] $NoBuild
    )
    $machineBefore = Get-MachineState
    $treeBefore = Get-TrackedChanges
    New-Item -ItemType Directory -Force -Path $ResultsOut | Out-Null
    $totals = @()
    if ($NoBuild) {
        Write-Host 'xunit: not run (-NoBuild): only the kernel tests, with the module in out/LvsAdmin.'
    }
    else {
        & $Build | Out-Host
        $totals += Invoke-XunitTests $ResultsOut $Configuration
    }
    if ($SkipKernel) {
        Write-Host 'Pester: skipped (-SkipKernel): nothing was tested against a kernel.'
    }
    else {
        $totals += Invoke-PesterTests -ModuleOut $ModuleOut -ResultsOut $ResultsOut -Filter $Filter -Kernels $Kernels
    }
    $treeAfter = Get-TrackedChanges
    $changed = @($treeAfter.Keys + $treeBefore.Keys | Sort-Object -Unique | Where-Object { $treeAfter[$_] -ne $treeBefore[$_] })
    if ($changed) {
        Write-Host "The run changed tracked files (commit what the build makes, or fix the build): $($changed -join ', ')"
        $totals += [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $left = @(Compare-MachineState $machineBefore (Get-MachineState))
    if ($left) {
        Write-Host "The run left this on the machine:"
        $left | ForEach-Object { Write-Host "  $_" }
        $totals += [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    [pscustomobject]@{
        Passed  = [int]($totals | Measure-Object Passed -Sum).Sum
        Failed  = [int]($totals | Measure-Object Failed -Sum).Sum
        Skipped = [int]($totals | Measure-Object Skipped -Sum).Sum
    }
}

Export-ModuleMember -Function Invoke-TestRun
