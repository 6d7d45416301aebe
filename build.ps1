#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, documents and benchmarks LvsAdmin.
.DESCRIPTION
    Build    Release build; assembles out/LvsAdmin/, an importable module folder.
    Test     Build, xunit, then Pester in real IPVS kernels (-Kernel): the host's own (in namespaces of its
             own: network, mount, PID) when it has IPVS and we are root, else user-mode Linux builds of
             6.1 (Debian 12's package), 6.12 and 7.2 (Debian trixie's and sid's, fetched once into
             out/kernels, nothing installed): the whole suite on one, the files where kernels differ on
             the others, -AtOnce kernels at a time. Fails when the run left anything on the machine or
             changed a tracked file. Prints each kernel's result, then ends with the line
             'N passed, N failed, N skipped'; exits non-zero on any failure.
    Sandbox  Boots a test kernel (-Kernel, 6.1 by default) and opens pwsh with LvsAdmin imported (or runs -Command).
    Bench    In a test kernel (-Kernel, 6.1 by default), times LvsAdmin against ipvsadm on generated tables (-Services,
             -RealServers), then at scale (-ScaleServices, -ScaleRealServers, -ScaleConnections: time
             and peak memory of each step in a new pwsh), then Watch-LvsRealServer beside keepalived's
             checkers (-Checkers: real servers checked every second; death and return times, CPU,
             memory); prints the figures and writes out/bench/bench.json. Asserts nothing.
    Fuzz     AFL++ (from Debian) over SharpFuzz-instrumented code, -Seconds per target: the netlink decoder
             (seeded with the golden captures' replies), the rule parser and the /proc connection parser
             (seeded from tests/LvsAdmin.Fuzz/Seeds). Findings go to out/fuzz/; each crash or hang is
             replayed and shown; copy it to tests/LvsAdmin.Fuzz/Regressions/<target>/, where xunit replays it.
             Test does not fuzz (it would not be deterministic): xunit replays the seeds and regressions.
    Docs     Compiles docs/*.md (platyPS schema) and the cmdlets' metadata into en-US/ (MAML and
             about_LvsAdmin.help.txt); Build runs it.
    Package  Build, then out/repository/LvsAdmin.<version>.nupkg made by PSResourceGet's Compress-PSResource
             (no repository is registered): what Install-PSResource and Update-PSResource take from a
             folder repository or a gallery.
    FreshCheck  Makes a clean Debian 12 root with debootstrap (what a new machine of this kind has:
             the .NET SDK, git, curl, ca-certificates, netbase, procps, iproute2, systemd, openssl,
             strace, time, bc; cached under out/fresh/), clones the repository's HEAD into it and runs
             CI there (.ci/run: the README's test command, kernel included), all in private mount and
             PID namespaces that die with it. Run it after any change to the harness: this machine has
             programs from earlier runs that a new one lacks.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Test
.EXAMPLE
    dotnet pwsh ./build.ps1 Sandbox -Command 'Get-LvsInfo | Format-List'
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Sandbox', 'Docs', 'Bench', 'Fuzz', 'FreshCheck', 'Package')]
    [string] $Task = 'Build',

    # Test: run xunit only and say that the kernel tests were skipped.
    [switch] $SkipKernel,

    # Test: run only the Pester files whose names match (e.g. 'Service').
    [string] $PesterFilter,

    # Test, Sandbox, Bench: the kernel to run in: Host (this machine's, where it has IPVS: the default
    # there), a user-mode Linux version, or All three (Test's default without the host's).
    [ValidateSet('Host', '6.1', '6.12', '7.2', 'All')]
    [string] $Kernel,

    # Test: how many user-mode Linux kernels run at once, each kept on a processor of its own (one per
    # processor by default; more than the processors run unpinned).
    [ValidateRange(1, 8)]
    [int] $AtOnce = [math]::Min([Environment]::ProcessorCount, 5),

    # Test, Sandbox: use out/LvsAdmin as it is, building nothing (Test then runs no xunit, which builds).
    [switch] $NoBuild,

    # Sandbox: the command to run instead of an interactive shell.
    [string] $Command,

    # Bench: the table sizes (services) to measure, each with -RealServers real servers (an empty list skips
    # them). Lists of sizes are taken as text too ('1000,10000'), as pwsh -File from a shell hands them over.
    [string[]] $Services = @(1000, 10000),

    [int] $RealServers = 4,

    # Bench: the scale runs, each step in a new pwsh with its peak memory (an empty list skips one):
    # tables of these many services x -RealServers, one service with these many real servers, and
    # connection tables of these many entries.
    [string[]] $ScaleServices = @(10000, 100000),
    [string[]] $ScaleRealServers = @(1000, 10000),
    [string[]] $ScaleConnections = @(10000, 100000),

    # Bench: Watch-LvsRealServer beside keepalived's checkers (Debian's keepalived, installed), with these
    # many real servers checked every second: detection and return times, CPU and memory (empty: skipped).
    [string[]] $Checkers = @(10, 1000),

    # Fuzz: how long each target is fuzzed.
    [int] $Seconds = 120,

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Out = Join-Path $PSScriptRoot 'out'
$ModuleOut = Join-Path $Out 'LvsAdmin'
# Temporary files of this run (.NET's, NuGet's, apt's helpers') stay under out/, not in the machine's /tmp;
# build servers are not left running.
$env:TMPDIR = Join-Path $Out 'tmp'
New-Item -ItemType Directory -Force -Path $env:TMPDIR | Out-Null
$env:MSBUILDDISABLENODEREUSE = '1'
$env:DOTNET_CLI_USE_MSBUILD_SERVER = '0'
$env:UseSharedCompilation = 'false'
Import-Module (Join-Path $PSScriptRoot 'tests/harness/Harness.psm1')
Import-Module (Join-Path $PSScriptRoot 'src/build/ModuleBuild.psm1')

$build = { Invoke-ModuleBuild -Out $Out -ModuleOut $ModuleOut -Configuration $Configuration }
$status = 0
# A kill of 'dotnet pwsh' ends this run and all it started; the watch itself ends with the script.
$callerWatch = Start-CallerWatch
try {
    switch ($Task) {
        'Build' { & $build }
        'Docs' { Invoke-HelpBuild -ModuleOut $ModuleOut }
        'Package' {
            if (-not $NoBuild) { & $build }
            New-ModulePackage -ModuleOut $ModuleOut -Repository (Join-Path $Out 'repository') | Out-Null
        }
        'Test' {
            Import-Module (Join-Path $PSScriptRoot 'tests/harness/TestRun.psm1')
            $buildAndPackage = { & $build; New-ModulePackage -ModuleOut $ModuleOut -Repository (Join-Path $Out 'repository') | Out-Null }
            $totals = Invoke-TestRun -Build $buildAndPackage -ModuleOut $ModuleOut -ResultsOut (Join-Path $Out 'test-results') -Configuration $Configuration `
                -Filter $PesterFilter -Kernel $Kernel -AtOnce $AtOnce -SkipKernel:$SkipKernel -NoBuild:$NoBuild
            "$($totals.Passed) passed, $($totals.Failed) failed, $($totals.Skipped) skipped"
            $status = [int]($totals.Failed -gt 0)
        }
        'Sandbox' {
            Import-Module (Join-Path $PSScriptRoot 'tests/kernel/TestKernel.psm1')
            if (-not $NoBuild) { & $build }
            # A script file rather than -Command text: no shell between here and pwsh re-reads the quoting.
            $script = Join-Path $Out 'sandbox.ps1'
            Set-Content -Path $script -Value "Import-Module '$ModuleOut/LvsAdmin.psd1'`n$Command"
            $pwshArgs = if ($Command) { "-NoProfile -NonInteractive -File '$script'" } else { "-NoProfile -NoExit -File '$script'" }
            if ($Kernel -eq 'All') { throw 'Sandbox runs in one kernel: give -Kernel Host, 6.1, 6.12 or 7.2.' }
            $sandboxKernel = Resolve-TestKernel $Kernel
            Write-Step "Sandbox: $($sandboxKernel.Description)$(if ($sandboxKernel.Uml) { ' (pwsh takes a few seconds to start there)' })"
            $status = Wait-TestKernel (Start-TestKernel -Name 'sandbox' -Kernel $sandboxKernel -Script "$(Get-PwshCommand) $pwshArgs`n" -Interactive:(-not $Command) -TimeoutSeconds 86400)
        }
        'Bench' {
            Import-Module (Join-Path $PSScriptRoot 'tests/bench/Bench.psm1')
            & $build
            if ($Kernel -eq 'All') { throw 'Bench runs in one kernel: give -Kernel Host, 6.1, 6.12 or 7.2.' }
            $status = Invoke-Bench -Kernel $Kernel -Repository $PSScriptRoot -Out $Out -ModuleOut $ModuleOut -Services $Services -RealServers $RealServers `
                -ScaleServices $ScaleServices -ScaleRealServers $ScaleRealServers -ScaleConnections $ScaleConnections -Checkers $Checkers
        }
        'Fuzz' {
            Import-Module (Join-Path $PSScriptRoot 'tests/LvsAdmin.Fuzz/Fuzz.psm1')
            $results = @(Invoke-Fuzz -Out $Out -SecondsPerTarget $Seconds)
            $status = [int](($results | Measure-Object Failed -Sum).Sum -gt 0)
        }
        'FreshCheck' {
            Import-Module (Join-Path $PSScriptRoot 'tests/fresh/FreshCheck.psm1')
            $status = Invoke-FreshCheck -Repository $PSScriptRoot -Out $Out
        }
    }
}
finally {
    if ($callerWatch) { $callerWatch.Kill($true) }
}
exit $status
