# build.ps1 Fuzz: AFL++ over SharpFuzz-instrumented LvsAdmin.Core, one round per target.
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot '../harness/Harness.psm1')

<#
.SYNOPSIS
    Fuzzes each target for the given seconds; returns one result per target (Passed when it found nothing).
#>
function Invoke-Fuzz {
    param([Parameter(Mandatory)] [string] $Out, [int] $SecondsPerTarget = 120)
    $fuzzOut = Join-Path $Out 'fuzz'
    Remove-TreeSafely $fuzzOut
    Install-DebianPackages @('afl++') 'Fuzzing'
    $project = $PSScriptRoot
    $replayer = Join-Path $fuzzOut 'replay'
    $harness = Join-Path $fuzzOut 'harness'
    Write-Step "Fuzz: building the harness; instrumenting LvsAdmin.Core with SharpFuzz"
    Invoke-Native dotnet @('build', (Join-Path $project 'LvsAdmin.Fuzz.csproj'), '-c', 'Release', '-o', $replayer, '-v', 'quiet', '-nologo', '--disable-build-servers') -TimeoutSeconds 900 | Out-Host
    Copy-Item $replayer $harness -Recurse
    # Instrumented code reports to AFL's map, which exists only under afl-fuzz: replays use the copy left as built.
    Invoke-Native dotnet @('tool', 'run', 'sharpfuzz', (Join-Path $harness 'LvsAdmin.Core.dll')) | Out-Null
    New-Item -ItemType Directory -Path (Join-Path $fuzzOut 'findings') | Out-Null
    $netlinkSeeds = Join-Path $fuzzOut 'seeds/netlink'
    Invoke-Native dotnet @((Join-Path $replayer 'LvsAdmin.Fuzz.dll'), 'seeds', $netlinkSeeds) | Out-Host
    $settings = @{ AFL_SKIP_BIN_CHECK = '1'; AFL_SKIP_CPUFREQ = '1'; AFL_NO_AFFINITY = '1'; AFL_NO_UI = '1'; AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES = '1' }
    foreach ($name in $settings.Keys) { Set-Item "env:$name" $settings[$name] }
    try {
        foreach ($target in 'netlink', 'rules', 'connections') {
            $seeds = if ($target -eq 'netlink') { $netlinkSeeds } else { Join-Path $project "Seeds/$target" }
            $findings = Join-Path $fuzzOut "findings/$target"
            $log = Join-Path $fuzzOut "$target.log"
            $aflArgs = @('-i', $seeds, '-o', $findings, '-V', $SecondsPerTarget, '-t', '5000', '-m', 'none')
            $dictionary = Join-Path $project "Dictionaries/$target.dict"
            if (Test-Path $dictionary) { $aflArgs += @('-x', $dictionary) }
            Write-Step "Fuzz ${target}: $SecondsPerTarget s"
            & timeout --kill-after=10 ($SecondsPerTarget + 120) afl-fuzz @aflArgs -- ([Environment]::ProcessPath) (Join-Path $harness 'LvsAdmin.Fuzz.dll') run $target *> $log
            $status = $LASTEXITCODE
            $statsFile = Join-Path $findings 'default/fuzzer_stats'
            if ($status -ne 0 -or -not (Test-Path $statsFile)) {
                Get-Content $log -Tail 20 | Out-Host
                Write-Host "Fuzz ${target}: afl-fuzz failed (exit status $status); its log is $log"
                [pscustomobject]@{ Target = $target; Passed = 0; Failed = 1; Skipped = 0 }
                continue
            }
            $stats = @{}
            foreach ($line in Get-Content $statsFile) {
                $name, $value = $line -split '\s*:\s*', 2
                $stats[$name] = $value
            }
            $found = @(Get-ChildItem (Join-Path $findings 'default/crashes'), (Join-Path $findings 'default/hangs') -Filter 'id:*' -ErrorAction Ignore)
            Write-Host ("Fuzz ${target}: {0} executions ({1}/s), {2} inputs in the corpus, {3} crashes, {4} hangs" -f
                $stats.execs_done, $stats.execs_per_sec, $stats.corpus_count, $stats.saved_crashes, $stats.saved_hangs)
            if ($found) {
                & dotnet (Join-Path $replayer 'LvsAdmin.Fuzz.dll') replay $target @($found.FullName) | Out-Host
            }
            [pscustomobject]@{ Target = $target; Passed = [int](-not $found); Failed = [int][bool]$found; Skipped = 0 }
        }
    }
    finally {
        foreach ($name in $settings.Keys) { Remove-Item "env:$name" }
    }
}

Export-ModuleMember -Function Invoke-Fuzz
