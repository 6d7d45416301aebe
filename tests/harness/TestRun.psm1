# build.ps1 Test: xunit, then the Pester files shared among test kernels run at once, one closing line,
# and a check that the run left the machine and the work tree as it found them.
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'Harness.psm1')
Import-Module (Join-Path $PSScriptRoot '../kernel/TestKernel.psm1')

$script:Root = Split-Path (Split-Path $PSScriptRoot)
$script:PesterVersion = '6.2.0'
# Each Pester file's measured duration per test kernel (build.ps1 Test prints them): the jobs are
# balanced by them. A kernel without figures of its own takes 6.1's; a file missing counts as the longest.
$script:Durations = Import-PowerShellDataFile (Join-Path $script:Root 'tests/Pester/Durations.psd1')
# When several kernels run, the whole suite runs on the first of these among them (the fastest) and the
# files where kernels differ run on every one: the differential test against ipvsadm (with fewer random
# rules), defaults and limits, settings and info, namespaces, traffic and the sync daemon; the newest of
# them before 7.1 also runs the listings under churn, whose proof (the order of the walk) holds before 7.1.
$script:WholeSuiteOrder = '7.2', '6.12', '6.1', 'Host'
$script:EveryKernelFiles = 'Differential.Tests.ps1', 'Fidelity.Tests.ps1', 'LvsInfo.Tests.ps1', 'Namespace.Tests.ps1',
    'Settings.Tests.ps1', 'Traffic.Tests.ps1'
$script:WalkProofKernels = '6.12', '6.1'
$script:WalkProofFiles = @('SharedTable.Tests.ps1')
$script:OtherKernelDifferentialRules = 400
# What a job takes besides its files: the kernel's boot, pwsh's start, Pester's discovery and results (measured ~24 s).
$script:JobStartSeconds = 24

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
    & setpriv --pdeathsig TERM timeout --kill-after=10 900 dotnet test (Join-Path $script:Root 'tests/LvsAdmin.Core.Tests/LvsAdmin.Core.Tests.csproj') -c $Configuration -nologo `
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

function Get-FileSeconds([string] $Kernel, [string] $File) {
    $figures = if ($script:Durations.Contains($Kernel)) { $script:Durations[$Kernel] } else { $script:Durations['6.1'] }
    if ($figures.Contains($File)) { return $figures[$File] }
    ($figures.Values | Measure-Object -Maximum).Maximum
}

<#
.SYNOPSIS
    The jobs of a run, each with its lane (lanes run at once, the jobs of a lane one after another): the
    other kernels' files (those where kernels differ) one kernel after another in the first lane, then the
    whole suite's files spread over the lanes so that they end about together (longest first, each to the
    lane with the least measured duration so far). Two kernels of 6.x side by side slowed each other down
    far more than their durations show; beside 7.2 they did not. The same files always give the same plan.
#>
function Get-TestPlan([object[]] $Kernels, [string[]] $Files, [int] $AtOnce) {
    $whole = $script:WholeSuiteOrder | Where-Object { $_ -in $Kernels.Name } | Select-Object -First 1
    $walkProof = $script:WalkProofKernels | Where-Object { $_ -in $Kernels.Name -and $_ -ne $whole } | Select-Object -First 1
    $lanes = @(1..$AtOnce | ForEach-Object { [pscustomobject]@{ Jobs = [System.Collections.Generic.List[object]]::new(); Whole = [System.Collections.Generic.List[string]]::new(); Seconds = 0.0 } })
    foreach ($kernel in $Kernels | Where-Object Name -ne $whole) {
        $own = @($Files | Where-Object { $_ -in $script:EveryKernelFiles -or ($kernel.Name -eq $walkProof -and $_ -in $script:WalkProofFiles) })
        if ($own) {
            $lanes[0].Jobs.Add([pscustomobject]@{ Name = $kernel.Name; Kernel = $kernel; Whole = $false; Files = $own })
            $lanes[0].Seconds += $script:JobStartSeconds + ($own | ForEach-Object { Get-FileSeconds $kernel.Name $_ } | Measure-Object -Sum).Sum
        }
    }
    # (Each lane's share of the whole suite is a job too, whose start every lane pays alike.)
    foreach ($file in $Files | Sort-Object @{ Expression = { Get-FileSeconds $whole $_ }; Descending = $true }, @{ Expression = { $_ } }) {
        $lane = $lanes | Sort-Object Seconds -Stable | Select-Object -First 1
        $lane.Whole.Add($file)
        $lane.Seconds += Get-FileSeconds $whole $file
    }
    $shares = @($lanes | Where-Object { $_.Whole.Count })
    $wholeKernel = $Kernels | Where-Object Name -eq $whole
    for ($i = 0; $i -lt $shares.Count; $i++) {
        $shares[$i].Jobs.Add([pscustomobject]@{
                Name = if ($shares.Count -gt 1) { "$whole-$($i + 1)" } else { $whole }; Kernel = $wholeKernel; Whole = $true; Files = @($shares[$i].Whole)
            })
    }
    for ($i = 0; $i -lt $lanes.Count; $i++) {
        foreach ($job in $lanes[$i].Jobs) { $job | Add-Member Lane $i -PassThru }
    }
}

<#
.SYNOPSIS
    Makes the run's kernels ready (packages installed, newer kernels fetched) in a thread of their own, so
    that apt and the network are waited for while the build works: Receive-Job hands back what
    Resolve-TestKernel gives, and what it said.
#>
function Start-KernelResolution([string] $Kernel) {
    $modules = (Join-Path $PSScriptRoot 'Harness.psm1'), (Join-Path $PSScriptRoot '../kernel/TestKernel.psm1')
    Start-ThreadJob -Name 'Resolve-TestKernel' -ArgumentList $modules, $Kernel -ScriptBlock {
        param([string[]] $Modules, [string] $Kernel)
        $ErrorActionPreference = 'Stop'
        foreach ($module in $Modules) { Import-Module $module }
        Resolve-TestKernel $Kernel -Default 'All'
    }
}

function Invoke-PesterTests {
    param([string] $ModuleOut, [string] $ResultsOut, [string] $Filter, [object[]] $Kernels, [int] $AtOnce)
    $pester = Get-PesterManifest
    $runner = Join-Path $script:Root 'tests/Invoke-LvsPester.ps1'
    $files = @(Get-ChildItem (Join-Path $script:Root 'tests/Pester') -Filter '*.Tests.ps1' | Where-Object Name -Match $Filter | ForEach-Object Name)
    if (-not $files) { throw "No Pester file matches '$Filter'." }
    # The host's kernel has every core already; user-mode Linux runs on one.
    if ($Kernels.Name -contains 'Host') { $AtOnce = 1 }
    $jobs = @(Get-TestPlan $Kernels $files $AtOnce)
    Write-Step "Pester in $(($Kernels | ForEach-Object { "$($_.Name): $($_.Description)" }) -join '; ')$(if ($jobs.Count -gt 1) { ", $($jobs.Count) jobs, $AtOnce at once" })"
    $started = Get-Date
    foreach ($job in $jobs) {
        $job | Add-Member ResultPath (Join-Path $ResultsOut $job.Name)
        Remove-TreeSafely $job.ResultPath
        if ($jobs.Count -gt 1) { Write-Host "[$($job.Name)] lane $($job.Lane + 1): $($job.Files -join ', ')" }
        $runArgs = "-PesterManifest '$pester' -ModuleManifest '$ModuleOut/LvsAdmin.psd1' -ResultPath '$($job.ResultPath)' -Files '$($job.Files -join ',')'"
        # The other kernels' differential test takes fewer random rules, unless the run names a number.
        $rules = if (-not $job.Whole -and -not $env:LVS_DIFF_RULES) { "LVS_DIFF_RULES=$script:OtherKernelDifferentialRules " }
        $job | Add-Member Script "$rules$(Get-PwshCommand) -NoProfile -NonInteractive -File '$runner' $runArgs`n"
        $job | Add-Member TimeoutSeconds 3000
    }
    $statuses = @(Wait-TestKernel -Kernel $jobs)
    # A kernel that panicked failed for user-mode Linux's own reasons (seen once on 6.12, in a fork), not for
    # a test's: its job runs once more, and what that run finds counts.
    $panicked = @(for ($i = 0; $i -lt $jobs.Count; $i++) { if ($statuses[$i] -eq -2) { $i } })
    if ($panicked.Count) {
        Write-Host "Running again, once: $(($panicked | ForEach-Object { $jobs[$_].Name }) -join ', ')"
        foreach ($i in $panicked) { Remove-TreeSafely $jobs[$i].ResultPath }
        $again = @(Wait-TestKernel -Kernel @($panicked | ForEach-Object { $jobs[$_] }))
        for ($j = 0; $j -lt $panicked.Count; $j++) { $statuses[$panicked[$j]] = $again[$j] }
    }
    $elapsed = (Get-Date) - $started
    $durations = [ordered]@{}
    $results = for ($i = 0; $i -lt $jobs.Count; $i++) {
        $job = $jobs[$i]
        $summary = Join-Path $job.ResultPath 'pester-summary.json'
        if (-not (Test-Path $summary)) {
            Write-Host "Pester in '$($job.Name)' wrote no summary (exit status $($statuses[$i])): see its output above."
            [pscustomobject]@{ Kernel = $job.Kernel.Name; Whole = $job.Whole; Passed = 0; Failed = 1; Skipped = 0; Release = $null; Version = $null }
            continue
        }
        $result = Get-Content $summary -Raw | ConvertFrom-Json
        foreach ($property in $result.Durations.PSObject.Properties) {
            if (-not $durations.Contains($property.Name)) { $durations[$property.Name] = [ordered]@{} }
            $durations[$property.Name][$job.Kernel.Name] = $property.Value
        }
        [pscustomobject]@{
            Kernel = $job.Kernel.Name; Whole = $job.Whole; Release = $result.KernelRelease; Version = $result.IpvsVersion
            Failures = @($result.Failures | Where-Object { $_ })
            Passed = [int]$result.Passed; Skipped = [int]$result.Skipped; Failed = [int]$result.Failed + [int]($statuses[$i] -ne 0 -and $result.Failed -eq 0)
        }
    }
    $names = @($Kernels.Name)
    Write-Host "Pester files, seconds each ($($names -join ', ')):"
    foreach ($file in $durations.Keys | Sort-Object { $durations[$_].Values | Measure-Object -Maximum | ForEach-Object Maximum } -Descending) {
        Write-Host ('  {0}  {1}' -f (($names | ForEach-Object { if ($durations[$file].Contains($_)) { '{0,7:0.0}' -f $durations[$file][$_] } else { '      -' } }) -join ' '), $file)
    }
    foreach ($group in $results | Group-Object Kernel) {
        $resolved = $Kernels | Where-Object Name -eq $group.Name
        $release = ($group.Group.Release | Where-Object { $_ } | Select-Object -First 1)
        $version = ($group.Group.Version | Where-Object { $_ } | Select-Object -First 1)
        Write-Host ("Kernel {0} ({1}; running {2}, IPVS {3}), {4}: {5} passed, {6} failed, {7} skipped" -f $group.Name, $resolved.Description, $release, $version,
            $(if ($group.Group[0].Whole) { 'every file of the run' } else { 'the files where kernels differ' }),
            ($group.Group | Measure-Object Passed -Sum).Sum, ($group.Group | Measure-Object Failed -Sum).Sum, ($group.Group | Measure-Object Skipped -Sum).Sum)
    }
    foreach ($result in $results | Where-Object { $_.PSObject.Properties['Failures'] -and $_.Failures }) {
        $result.Failures | ForEach-Object { Write-Host "Failed on kernel $($result.Kernel): $_" }
    }
    Write-Host ("The kernel part took {0:0.0} s" -f $elapsed.TotalSeconds)
    [pscustomobject]@{
        Passed  = [int]($results | Measure-Object Passed -Sum).Sum
        Failed  = [int]($results | Measure-Object Failed -Sum).Sum
        Skipped = [int]($results | Measure-Object Skipped -Sum).Sum
    }
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
        [string] $Kernel,
        [int] $AtOnce,
        [switch] $SkipKernel,
        [switch] $NoBuild
    )
    if ($SkipKernel -and $NoBuild) { throw '-SkipKernel skips the kernel tests and -NoBuild skips xunit (which builds): nothing is left to run.' }
    $machineBefore = Get-MachineState
    $treeBefore = Get-TrackedChanges
    New-Item -ItemType Directory -Force -Path $ResultsOut | Out-Null
    $totals = @()
    $kernelsReady = if (-not $SkipKernel) { Start-KernelResolution $Kernel }
    try {
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
            $kernels = @(Receive-Job $kernelsReady -Wait -ErrorAction SilentlyContinue -ErrorVariable said)
            # What apt and the rest wrote to stderr, shown as they wrote it; what stopped the job, thrown.
            $failed = $kernelsReady.State -eq 'Failed'
            $said | Select-Object -SkipLast ([int]$failed) | ForEach-Object { Write-Host "$_" }
            if ($failed) { throw $(if ($said) { $said[-1] } else { 'Making the test kernels ready failed.' }) }
            $totals += Invoke-PesterTests -ModuleOut $ModuleOut -ResultsOut $ResultsOut -Filter $Filter -Kernels $kernels -AtOnce $AtOnce
        }
    }
    finally {
        # A build that failed leaves apt to end first: nothing the run started goes on after it.
        if ($kernelsReady) { $kernelsReady | Wait-Job | Remove-Job }
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
