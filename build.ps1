#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, documents and benchmarks LvsAdmin.
.DESCRIPTION
    Build    Release build; assembles out/LvsAdmin/, an importable module folder.
    Test     Build, xunit, then Pester in a real IPVS kernel: the host's own (in a fresh network
             namespace) when it has IPVS and we are root, else user-mode Linux from Debian's packages.
             Ends with the line 'N passed, N failed, N skipped'; exits non-zero on any failure.
    Sandbox  Boots the same kernel and opens pwsh with LvsAdmin imported (or runs -Command).
    Bench    In the test kernel, times LvsAdmin against ipvsadm on generated tables (-Services,
             -RealServers), then at scale (-ScaleServices, -ScaleRealServers, -ScaleConnections: time
             and peak memory of each step in a new pwsh); prints the figures and writes
             out/bench/bench.json. Asserts nothing.
    Fuzz     AFL++ (from Debian) over SharpFuzz-instrumented code, -Seconds per target: the netlink decoder
             (seeded with the golden captures' replies), the rule parser and the /proc connection parser
             (seeded from tests/LvsAdmin.Fuzz/Seeds). Findings go to out/fuzz/; each crash or hang is
             replayed and shown; copy it to tests/LvsAdmin.Fuzz/Regressions/<target>/, where xunit replays it.
             Test runs a short round of it.
    Docs     Compiles docs/*.md (platyPS schema) and the cmdlets' metadata into en-US/ (MAML and
             about_LvsAdmin.help.txt); Build runs it.
    Package  Build, then out/repository/LvsAdmin.<version>.nupkg made by PSResourceGet's Publish-PSResource:
             what Install-PSResource and Update-PSResource take from a folder repository or a gallery.
    FreshCheck  Makes a clean Debian 12 root with debootstrap (what a new machine of this kind has:
             the .NET SDK, git, curl, ca-certificates, netbase, procps, iproute2, systemd, openssl,
             strace, time, bc; cached under out/fresh/), clones the repository's HEAD into it and runs
             CI there (.ci/run: the README's test command, kernel included). Run it after any change
             to the harness: this machine has programs from earlier runs that a new one lacks.
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

    # Test, Sandbox: use out/LvsAdmin as it is, building nothing (Test then runs no xunit, which builds).
    [switch] $NoBuild,

    # Sandbox: the command to run instead of an interactive shell.
    [string] $Command,

    # Bench: the table sizes (services) to measure, each with -RealServers real servers. Lists of sizes
    # are taken as text too ('1000,10000'), as pwsh -File from a shell hands them over.
    [string[]] $Services = @(1000, 10000),

    [int] $RealServers = 4,

    # Bench: the scale runs, each step in a new pwsh with its peak memory (an empty list skips one):
    # tables of these many services x -RealServers, one service with these many real servers, and
    # connection tables of these many entries.
    [string[]] $ScaleServices = @(10000, 100000),
    [string[]] $ScaleRealServers = @(1000, 10000),
    [string[]] $ScaleConnections = @(10000, 100000),

    # Fuzz: how long each target is fuzzed (Test gives each a short round).
    [int] $Seconds = 120,

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'LvsAdmin'
$ResultsOut = Join-Path $Out 'test-results'
$KernelOut = Join-Path $Out 'kernel'
$PesterVersion = '6.2.0'
$FuzzTargets = 'netlink', 'rules', 'connections'
$CiFuzzSeconds = 20
$RuntimeIds = 'linux-x64', 'linux-arm64'
# What the kernel tests call besides pwsh: ipvsadm is their reference, busybox serves HTTP, openssl
# serves HTTPS, procps' sysctl is the settings' reference, strace captures netlink bytes,
# systemd-analyze checks the unit, OpenSSH (server and client) carries the remoting tests' sessions;
# user-mode Linux (booted with kmod's insmod) where the host has no IPVS.
$TestPackages = 'ipvsadm', 'kmod', 'iproute2', 'busybox', 'openssl', 'procps', 'strace', 'systemd', 'openssh-server', 'openssh-client'
$UmlPackages = @('user-mode-linux') + $TestPackages
$ServicesNotToRun = @{ 'openssh-server' = 'ssh.service', 'ssh.socket' }

function Write-Step([string] $Message) { Write-Host "==> $Message" }

function Invoke-Native {
    param([string] $FilePath, [string[]] $Arguments)
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Get-RuntimeId {
    switch ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture) {
        'X64' { 'linux-x64' }
        'Arm64' { 'linux-arm64' }
        default { throw "LvsAdmin supports linux-x64 and linux-arm64, not $_." }
    }
}

function Invoke-Build {
    Write-Step "Build ($Configuration, $(Get-RuntimeId))"
    $publish = Join-Path $Out 'publish'
    Remove-Item $publish, $ModuleOut -Recurse -Force -ErrorAction Ignore
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/LvsAdmin/LvsAdmin.csproj'), '-c', $Configuration,
        '-r', (Get-RuntimeId), '--self-contained', 'false', '-o', $publish, '-v', 'quiet', '-nologo')
    New-Item -ItemType Directory -Path $ModuleOut | Out-Null
    Copy-Item (Join-Path $Root 'LvsAdmin.psd1') $ModuleOut
    foreach ($file in 'LvsAdmin.dll', 'LvsAdmin.Core.dll', 'LvsAdmin.Format.ps1xml', 'LvsAdmin.Types.ps1xml') {
        Copy-Item (Join-Path $publish $file) $ModuleOut
    }
    # The unit that restores a saved rule file at boot.
    Copy-Item (Join-Path $Root 'src/LvsAdmin/systemd') $ModuleOut -Recurse
    # Tmds.LibC of every architecture the module supports: it loads the one of the machine it runs on.
    $core = [xml](Get-Content -Raw (Join-Path $Root 'src/LvsAdmin.Core/LvsAdmin.Core.csproj'))
    $version = @($core.Project.ItemGroup.PackageReference | Where-Object Include -eq 'Tmds.LibC')[0].Version
    foreach ($rid in $RuntimeIds) {
        $target = New-Item -ItemType Directory -Force -Path (Join-Path $ModuleOut "runtimes/$rid")
        Copy-Item (Join-Path (Get-NuGetFolder) "tmds.libc/$version/runtimes/$rid/lib/netstandard2.0/Tmds.LibC.dll") $target
    }
    Invoke-Docs
    Write-Host "Module: $ModuleOut"
}

function Invoke-Docs {
    Write-Step 'Docs: docs/*.md and the cmdlets'' metadata to en-US/'
    $help = Join-Path $Root 'en-US'
    New-Item -ItemType Directory -Force -Path $help | Out-Null
    Import-Module (Join-Path $ModuleOut 'LvsAdmin.psd1') -Force
    Import-Module (Join-Path $Root 'src/LvsAdmin.Help/LvsAdmin.Help.psm1') -Force
    $commands = @(Get-Command -Module LvsAdmin)
    $pages = @($commands | ForEach-Object {
            $page = Join-Path $Root "docs/$($_.Name).md"
            if (-not (Test-Path $page)) { throw "$($_.Name) has no help page: write docs/$($_.Name).md." }
            Read-HelpMarkdown -Path $page
        })
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    [IO.File]::WriteAllText((Join-Path $help 'LvsAdmin.dll-Help.xml'), (ConvertTo-Maml -Pages $pages -Commands $commands), $utf8)
    [IO.File]::WriteAllText((Join-Path $help 'about_LvsAdmin.help.txt'), (ConvertTo-AboutText -Path (Join-Path $Root 'docs/about_LvsAdmin.md')), $utf8)
    Remove-Module LvsAdmin, LvsAdmin.Help
    if (Test-Path $ModuleOut) { Copy-Item $help $ModuleOut -Recurse -Force }
}

function Get-NuGetFolder {
    if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
}

function Get-PesterManifest {
    $manifest = Join-Path (Get-NuGetFolder) "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $manifest)) {
        # The test project carries a PackageDownload of Pester: restoring it fetches the module.
        Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/LvsAdmin.Core.Tests/LvsAdmin.Core.Tests.csproj'), '-v', 'quiet')
    }
    if (-not (Test-Path $manifest)) { throw "Pester $PesterVersion was not restored to $manifest." }
    $manifest
}

function Invoke-XunitTests {
    Write-Step 'xunit'
    $trx = Join-Path $ResultsOut 'xunit.trx'
    Remove-Item $trx -ErrorAction Ignore
    & dotnet test (Join-Path $Root 'tests/LvsAdmin.Core.Tests/LvsAdmin.Core.Tests.csproj') -c $Configuration -nologo `
        --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
    if (-not (Test-Path $trx)) { throw 'xunit wrote no results: the test project did not build or run.' }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    [pscustomobject]@{
        Passed  = [int]$counters.passed
        Failed  = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        Skipped = [int]$counters.notExecuted
    }
}

function Test-HostIpvs {
    if ((id -u) -ne '0') { return $false }
    if (Test-Path /proc/net/ip_vs) { return $true }
    # Loadable only where the running kernel ships the module; modprobe (kmod) is installed just for that.
    $module = Get-ChildItem "/lib/modules/$(uname -r)/kernel/net/netfilter/ipvs" -Filter 'ip_vs.ko*' -ErrorAction Ignore
    if (-not $module) { return $false }
    Install-DebianPackages @('kmod') 'Loading the host kernel''s IPVS module'
    & modprobe ip_vs 2>$null
    Test-Path /proc/net/ip_vs
}

function Install-DebianPackages([string[]] $Packages, [string] $Purpose) {
    $missing = @($Packages | Where-Object { (& dpkg-query -W -f '${Status}' $_ 2>$null) -ne 'install ok installed' })
    if (-not $missing) { return }
    if ((id -u) -ne '0') { throw "$Purpose needs Debian packages ($($missing -join ', ')); install them as root or run as root." }
    Write-Step "Installing $($missing -join ', ') from Debian's packages"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get update -qq | Out-Null
    # A package may bring a daemon (openssh-server: sshd) that the tests run copies of their own: the
    # installation must not start the machine's service (policy-rc.d refuses every start while apt runs)
    # nor enable it for the next boot.
    $policy = '/usr/sbin/policy-rc.d'
    $ownPolicy = -not (Test-Path $policy)
    if ($ownPolicy) {
        Set-Content -Path $policy -Value "#!/bin/sh`nexit 101"
        & chmod 755 $policy
    }
    try {
        Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends') + $missing) | Out-Null
    }
    finally {
        if ($ownPolicy) { Remove-Item $policy }
    }
    foreach ($unit in $missing | ForEach-Object { $ServicesNotToRun[$_] } | Where-Object { $_ -and (Get-Command systemctl -ErrorAction Ignore) }) {
        & systemctl disable --quiet $unit 2>$null
    }
}

function Install-UmlKernel {
    Install-DebianPackages $UmlPackages 'The test kernel'
    $modules = Get-ChildItem /usr/lib/uml/modules -Directory | Sort-Object Name | Select-Object -Last 1
    if (-not $modules) { throw 'user-mode-linux is installed but /usr/lib/uml/modules has no kernel modules.' }
    $modules.FullName
}

<#
.SYNOPSIS
    Runs a shell script as PID 1's job in user-mode Linux over the host's root; returns its exit status.
#>
function Invoke-UmlJob([string] $Script, [string] $MemorySize = '3G', [switch] $Interactive) {
    $modules = Install-UmlKernel
    New-Item -ItemType Directory -Force -Path $KernelOut | Out-Null
    $job = Join-Path $KernelOut 'job.sh'
    $exitFile = Join-Path $KernelOut 'exit-code'
    # The guest starts with an environment of its own: NuGet's folder (Pester, the pinned pwsh) is named
    # for its fresh HOME, and the differential test's seed and size go in when given (LVS_DIFF_*).
    $exports = @("export NUGET_PACKAGES='$(Get-NuGetFolder)'") +
        @(Get-ChildItem env: | Where-Object Name -like 'LVS_DIFF_*' | ForEach-Object { "export $($_.Name)='$($_.Value -replace "'", '')'" })
    Set-Content -Path $job -Value (($exports -join "`n") + "`n$Script") -NoNewline
    Remove-Item $exitFile -ErrorAction Ignore
    $init = Join-Path $Root 'tests/kernel/uml-init.sh'
    $arguments = @("mem=$MemorySize", 'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/', 'ro', "init=$init",
        'con=null', 'con0=fd:0,fd:1', 'quiet', "LVS_REPO=$Root", "LVS_JOB=$job", "LVS_MODULES=$modules")
    if ($Interactive) {
        # The guest's console is this terminal: started outside PowerShell's pipeline, whose capture of
        # a native command's output would put a pipe between them.
        $start = [System.Diagnostics.ProcessStartInfo]::new('linux.uml')
        foreach ($argument in $arguments) { $start.ArgumentList.Add($argument) }
        [System.Diagnostics.Process]::Start($start).WaitForExit()
    }
    else {
        & linux.uml @arguments | Where-Object { $_ -notmatch '^(SELinux:|mmapper_init|Failed to initialize ubd|Failed to write wtmp|Powering off|reboot: System halted)' } | Out-Host
    }
    if (-not (Test-Path $exitFile)) { throw 'The user-mode Linux kernel stopped before its job finished (no exit status was written).' }
    [int](Get-Content $exitFile -Raw).Trim()
}

function Get-PwshCommand {
    # The pinned pwsh (a framework-dependent app) started by dotnet: the same command works in a fresh
    # namespace and in the test kernel, which sees the host's files.
    $dotnet = [Environment]::ProcessPath
    $pwsh = Join-Path $PSHOME 'pwsh.dll'
    if ((Split-Path $dotnet -Leaf) -ne 'dotnet' -or -not (Test-Path $pwsh)) {
        throw "Run build.ps1 with the pinned PowerShell tool: 'dotnet tool restore' then 'dotnet pwsh ./build.ps1 ...'."
    }
    "'$dotnet' '$pwsh'"
}

function Invoke-PesterTests {
    $pester = Get-PesterManifest
    $summary = Join-Path $ResultsOut 'pester-summary.json'
    Remove-Item $summary -ErrorAction Ignore
    $runner = Join-Path $Root 'tests/Invoke-LvsPester.ps1'
    $runArgs = "-PesterManifest '$pester' -ModuleManifest '$ModuleOut/LvsAdmin.psd1' -ResultPath '$ResultsOut' -Filter '$PesterFilter'"
    $started = Get-Date
    if (Test-HostIpvs) {
        $kernel = "the host's kernel $(uname -r), in a fresh network namespace"
        Install-DebianPackages $TestPackages 'The kernel tests'
        Write-Step "Pester in $kernel"
        & unshare --net -- bash -c "ip link set lo up; exec $(Get-PwshCommand) -NoProfile -NonInteractive -File '$runner' $runArgs" | Out-Host
        $status = $LASTEXITCODE
    }
    else {
        $kernel = 'user-mode Linux (Debian user-mode-linux)'
        Write-Step "Pester in $kernel"
        $status = Invoke-UmlJob "$(Get-PwshCommand) -NoProfile -NonInteractive -File '$runner' $runArgs`n"
    }
    $elapsed = (Get-Date) - $started
    if (-not (Test-Path $summary)) { throw "Pester wrote no summary (exit status $status): see the output above." }
    $result = Get-Content $summary -Raw | ConvertFrom-Json
    Write-Host ("Kernel: {0}, IPVS {1}; the kernel part took {2:0.0} s" -f $kernel, $result.IpvsVersion, $elapsed.TotalSeconds)
    [pscustomobject]@{ Passed = [int]$result.Passed; Failed = [int]$result.Failed + [int]($status -ne 0 -and $result.Failed -eq 0); Skipped = [int]$result.Skipped }
}

function Invoke-Test {
    New-Item -ItemType Directory -Force -Path $ResultsOut | Out-Null
    $totals = @()
    if ($NoBuild) {
        Write-Host 'xunit: not run (-NoBuild): only the kernel tests, with the module in out/LvsAdmin.'
    }
    else {
        Invoke-Build
        Invoke-Package -SkipBuild | Out-Null
        $totals += Invoke-XunitTests
        $totals += Invoke-Fuzz $CiFuzzSeconds
    }
    if ($SkipKernel) {
        Write-Host 'Pester: skipped (-SkipKernel): nothing was tested against a kernel.'
    }
    else {
        $totals += Invoke-PesterTests
    }
    $passed = ($totals | Measure-Object Passed -Sum).Sum
    $failed = ($totals | Measure-Object Failed -Sum).Sum
    $skipped = ($totals | Measure-Object Skipped -Sum).Sum
    "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Sandbox {
    if (-not $NoBuild) { Invoke-Build }
    New-Item -ItemType Directory -Force -Path $KernelOut | Out-Null
    # A script file rather than -Command text: no shell between here and pwsh re-reads the quoting.
    $script = Join-Path $KernelOut 'sandbox.ps1'
    Set-Content -Path $script -Value "Import-Module '$ModuleOut/LvsAdmin.psd1'`n$Command"
    $pwshArgs = if ($Command) { "-NoProfile -NonInteractive -File '$script'" } else { "-NoProfile -NoExit -File '$script'" }
    if (Test-HostIpvs) {
        Write-Step "Sandbox: a fresh network namespace of the host's kernel"
        & unshare --net -- bash -c "ip link set lo up; exec $(Get-PwshCommand) $pwshArgs"
        exit $LASTEXITCODE
    }
    Write-Step 'Sandbox: user-mode Linux with IPVS (pwsh takes a few seconds to start there)'
    exit (Invoke-UmlJob "$(Get-PwshCommand) $pwshArgs`n" -Interactive:(-not $Command))
}

function Join-Sizes([string[]] $Sizes) {
    # '1000,10000' or 1000, 10000: sizes, checked, as the comma-separated text the benchmark takes.
    $numbers = @($Sizes -split ',' | Where-Object { $_ } | ForEach-Object {
            if ($_ -notmatch '^\s*\d+\s*$') { throw "'$_' is not a table size: give whole numbers, such as 1000,10000." }
            [int]$_
        })
    $numbers -join ','
}

function Invoke-Bench {
    Invoke-Build
    $benchOut = Join-Path $Out 'bench'
    New-Item -ItemType Directory -Force -Path $benchOut | Out-Null
    Install-DebianPackages @('time', 'ipvsadm', 'iproute2') 'The benchmark'
    $runner = Join-Path $Root 'tests/bench/Invoke-LvsBench.ps1'
    $benchArgs = "-ModuleManifest '$ModuleOut/LvsAdmin.psd1' -ResultPath '$benchOut' -Services '$(Join-Sizes $Services)' -RealServers $RealServers" +
        " -ScaleServices '$(Join-Sizes $ScaleServices)' -ScaleRealServers '$(Join-Sizes $ScaleRealServers)' -ScaleConnections '$(Join-Sizes $ScaleConnections)'"
    # The kernel's floor for adds and dumps: the minimal batched C sender beside the repository.
    $floorSource = Join-Path $Root '../shared/tools/ipvs-floor.c'
    if (Test-Path $floorSource) {
        Install-DebianPackages @('gcc', 'libc6-dev', 'linux-libc-dev') 'The benchmark''s floor'
        $floor = Join-Path $benchOut 'ipvs-floor'
        Invoke-Native gcc @('-O2', '-o', $floor, $floorSource)
        $benchArgs += " -Floor '$floor'"
    }
    else {
        Write-Step "No ${floorSource}: the benchmark runs without the floor"
    }
    if (Test-HostIpvs) {
        Write-Step "Bench in a fresh network namespace of the host's kernel $(uname -r)"
        & unshare --net -- bash -c "ip link set lo up; exec $(Get-PwshCommand) -NoProfile -NonInteractive -File '$runner' $benchArgs"
        exit $LASTEXITCODE
    }
    Write-Step 'Bench in user-mode Linux'
    # The scale runs' 500,000 rules take the kernel and the pwsh reading them more than the tests' 3 GB.
    exit (Invoke-UmlJob "$(Get-PwshCommand) -NoProfile -NonInteractive -File '$runner' $benchArgs`n" -MemorySize '8G')
}

<#
.SYNOPSIS
    Fuzzes each target for the given seconds; returns one result per target (Passed when it found nothing).
#>
function Invoke-Fuzz([int] $SecondsPerTarget) {
    Install-DebianPackages @('afl++') 'Fuzzing'
    $fuzzOut = Join-Path $Out 'fuzz'
    $project = Join-Path $Root 'tests/LvsAdmin.Fuzz'
    $replayer = Join-Path $fuzzOut 'replay'
    $harness = Join-Path $fuzzOut 'harness'
    Remove-Item $fuzzOut -Recurse -Force -ErrorAction Ignore
    Write-Step "Fuzz: building the harness; instrumenting LvsAdmin.Core with SharpFuzz"
    Invoke-Native dotnet @('build', (Join-Path $project 'LvsAdmin.Fuzz.csproj'), '-c', 'Release', '-o', $replayer, '-v', 'quiet', '-nologo')
    Copy-Item $replayer $harness -Recurse
    # Instrumented code reports to AFL's map, which exists only under afl-fuzz: replays use the copy left as built.
    Invoke-Native dotnet @('tool', 'run', 'sharpfuzz', (Join-Path $harness 'LvsAdmin.Core.dll')) | Out-Null
    New-Item -ItemType Directory -Path (Join-Path $fuzzOut 'findings') | Out-Null
    $netlinkSeeds = Join-Path $fuzzOut 'seeds/netlink'
    Invoke-Native dotnet @((Join-Path $replayer 'LvsAdmin.Fuzz.dll'), 'seeds', $netlinkSeeds)
    $settings = @{ AFL_SKIP_BIN_CHECK = '1'; AFL_SKIP_CPUFREQ = '1'; AFL_NO_AFFINITY = '1'; AFL_NO_UI = '1'; AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES = '1' }
    foreach ($name in $settings.Keys) { Set-Item "env:$name" $settings[$name] }
    try {
        foreach ($target in $FuzzTargets) {
            $seeds = if ($target -eq 'netlink') { $netlinkSeeds } else { Join-Path $project "Seeds/$target" }
            $findings = Join-Path $fuzzOut "findings/$target"
            $log = Join-Path $fuzzOut "$target.log"
            $aflArgs = @('-i', $seeds, '-o', $findings, '-V', $SecondsPerTarget, '-t', '5000', '-m', 'none')
            $dictionary = Join-Path $project "Dictionaries/$target.dict"
            if (Test-Path $dictionary) { $aflArgs += @('-x', $dictionary) }
            Write-Step "Fuzz ${target}: $SecondsPerTarget s"
            & afl-fuzz @aflArgs -- ([Environment]::ProcessPath) (Join-Path $harness 'LvsAdmin.Fuzz.dll') run $target *> $log
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

function Invoke-Package([switch] $SkipBuild) {
    if (-not $SkipBuild) { Invoke-Build }
    $repository = Join-Path $Out 'repository'
    New-Item -ItemType Directory -Force -Path $repository | Out-Null
    $version = (Import-PowerShellDataFile (Join-Path $ModuleOut 'LvsAdmin.psd1')).ModuleVersion
    Remove-Item (Join-Path $repository "LvsAdmin.$version.nupkg") -ErrorAction Ignore
    # Publish-PSResource takes a registered repository: one of this run's own, removed afterwards.
    $name = "LvsAdminBuild$PID"
    Register-PSResourceRepository -Name $name -Uri $repository -Trusted
    try {
        Write-Step "Package: LvsAdmin $version to $repository"
        Publish-PSResource -Path $ModuleOut -Repository $name
    }
    finally {
        Unregister-PSResourceRepository -Name $name
    }
    Get-Item (Join-Path $repository "LvsAdmin.$version.nupkg")
}

function Get-DebianMirror {
    # The mirror this machine's apt uses, so that the fresh root is made from the same one.
    $sources = Get-ChildItem /etc/apt/sources.list.d -Filter *.sources -ErrorAction Ignore | Get-Content
    $uri = $sources | Where-Object { $_ -match '^URIs:\s*(\S+/debian)\s*$' } | ForEach-Object { $Matches[1] } | Select-Object -First 1
    if (-not $uri) {
        $uri = Get-Content /etc/apt/sources.list -ErrorAction Ignore | Where-Object { $_ -match '^deb\s+(\S+/debian)\s+bookworm\s' } | ForEach-Object { $Matches[1] } | Select-Object -First 1
    }
    if (-not $uri) { throw 'Found no Debian mirror in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list.' }
    $uri
}

function Invoke-FreshCheck {
    if ((id -u) -ne '0') { throw 'FreshCheck needs root: debootstrap, mounts and chroot.' }
    Install-DebianPackages @('debootstrap') 'FreshCheck'
    $fresh = Join-Path $Out 'fresh'
    $base = Join-Path $fresh 'debian12-base.tar'
    $rootfs = Join-Path $fresh 'root'
    New-Item -ItemType Directory -Force -Path $fresh | Out-Null
    # What the machine kind ships besides the .NET SDK, and the libraries the SDK itself needs.
    $packages = 'ca-certificates,git,netbase,procps,iproute2,systemd-sysv,curl,openssl,strace,time,bc,libicu72,libssl3,zlib1g'
    if (-not (Test-Path $base)) {
        $staging = Join-Path $fresh 'staging'
        Remove-Item $staging -Recurse -Force -ErrorAction Ignore
        Write-Step "debootstrap of Debian 12 (cached as $base)"
        Invoke-Native debootstrap @('--variant=minbase', "--include=$packages", 'bookworm', $staging, (Get-DebianMirror))
        Invoke-Native tar @('-C', $staging, '-cf', $base, '.')
        Remove-Item $staging -Recurse -Force
    }
    $mounts = [System.Collections.Generic.List[string]]::new()
    try {
        if (Test-Path $rootfs) { & umount -R $rootfs 2>$null; Remove-Item $rootfs -Recurse -Force }
        New-Item -ItemType Directory -Path $rootfs | Out-Null
        Invoke-Native tar @('-C', $rootfs, '-xf', $base)
        # The machine's own apt settings, name service and trusted certificates (its egress CA among
        # them), as a new machine of this kind has them.
        Remove-Item (Join-Path $rootfs 'etc/apt/sources.list') -ErrorAction Ignore
        Copy-Item /etc/apt/sources.list.d/* (Join-Path $rootfs 'etc/apt/sources.list.d') -Force
        Copy-Item /etc/apt/apt.conf.d/* (Join-Path $rootfs 'etc/apt/apt.conf.d') -Force -ErrorAction Ignore
        Copy-Item /etc/resolv.conf (Join-Path $rootfs 'etc/resolv.conf') -Force
        Copy-Item /usr/local/share/ca-certificates/* (Join-Path $rootfs 'usr/local/share/ca-certificates') -Force -ErrorAction Ignore
        Invoke-Native chroot @($rootfs, 'update-ca-certificates') | Out-Null
        # The .NET SDK, as the machine has it, read-only.
        $sdk = Split-Path (Get-Item (Get-Command dotnet).Source).ResolvedTarget
        if (-not $sdk) { $sdk = Split-Path (Get-Command dotnet).Source }
        $sdkInRoot = Join-Path $rootfs $sdk.TrimStart('/')
        New-Item -ItemType Directory -Force -Path $sdkInRoot | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $rootfs 'usr/bin/dotnet') -Target (Join-Path $sdk 'dotnet') -Force | Out-Null
        foreach ($mount in @(
                @('--bind', '-o', 'ro', $sdk, $sdkInRoot),
                @('-t', 'proc', 'proc', (Join-Path $rootfs 'proc')),
                @('-t', 'sysfs', 'sysfs', (Join-Path $rootfs 'sys')),
                @('--rbind', '/dev', (Join-Path $rootfs 'dev')),
                @('-t', 'tmpfs', 'tmpfs', (Join-Path $rootfs 'run')),
                @('-t', 'tmpfs', 'tmpfs', (Join-Path $rootfs 'tmp')))) {
            Invoke-Native mount $mount
            $mounts.Insert(0, $mount[-1])
        }
        $work = Join-Path $rootfs 'work'
        Write-Step "Cloning $(git -C $Root rev-parse --short HEAD) into the fresh root"
        Invoke-Native git @('clone', '-q', $Root, (Join-Path $work 'project'))
        $shared = Join-Path (Split-Path $Root) 'shared'
        if (Test-Path $shared) { Copy-Item $shared $work -Recurse }
        Write-Step 'CI in the fresh root: bash .ci/run'
        # The machine's environment as CI has it: its certificate and NuGet settings, not this session's paths.
        $environment = @('HOME=/root', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CI=true', 'LANG=C.UTF-8') +
            @(Get-ChildItem env: | Where-Object { $_.Name -match 'CERT|SSL|CA_BUNDLE|^DOTNET_(CLI|NOLOGO|GENERATE)' } | ForEach-Object { "$($_.Name)=$($_.Value)" })
        & chroot $rootfs /usr/bin/env -i @environment bash -c 'cd /work/project && bash .ci/run </dev/null' | Out-Host
        $status = $LASTEXITCODE
        Write-Host "FreshCheck: CI in a clean Debian 12 root exited with $status."
        exit $status
    }
    finally {
        foreach ($mount in $mounts) { & umount -R -l $mount 2>$null }
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Sandbox' { Invoke-Sandbox }
    'Docs' { Invoke-Docs }
    'Bench' { Invoke-Bench }
    'Fuzz' {
        $results = @(Invoke-Fuzz $Seconds)
        if (($results | Measure-Object Failed -Sum).Sum -gt 0) { exit 1 }
    }
    'FreshCheck' { Invoke-FreshCheck }
    'Package' { Invoke-Package -SkipBuild:$NoBuild | Out-Null }
}
