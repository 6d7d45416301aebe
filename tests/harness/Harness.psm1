# What build.ps1's tasks share: steps, an end with its caller, native commands with a time limit, Debian
# packages installed without starting services, safe deletes, and the machine's state before and after a run.
Set-StrictMode -Version Latest

function Write-Step([string] $Message) { Write-Host "==> $Message" }

<#
.SYNOPSIS
    Runs a native command under a time limit; throws naming it when it fails or does not answer in time.
#>
function Invoke-Native {
    param([string] $FilePath, [string[]] $Arguments, [int] $TimeoutSeconds = 600)
    # timeout(1) makes its own process group and signals all of it: nothing the command started outlives it,
    # nor this pwsh (setpriv: the kernel sends timeout SIGTERM when this process ends).
    & setpriv --pdeathsig TERM timeout --kill-after=10 $TimeoutSeconds $FilePath @Arguments
    $status = $LASTEXITCODE
    if ($status -in 124, 137) { throw "$FilePath $($Arguments -join ' ') did not finish within $TimeoutSeconds s and was stopped." }
    if ($status -ne 0) { throw "$FilePath $($Arguments -join ' ') failed with exit code $status" }
}

<#
.SYNOPSIS
    Ends this pwsh when the 'dotnet pwsh' that started it ends, and leaves no runtime files of a killed one.
.DESCRIPTION
    'dotnet pwsh ./build.ps1' is three processes: the SDK's dotnet, the tool's shim, then this pwsh. A kill
    of either of the first two (what a user or a CI time limit kills) would leave the run going on unseen:
    test kernels, apt, dotnet test. A watcher sends this pwsh SIGTERM within a second of either ending; what
    pwsh started ends with it (Invoke-Native's and the test kernels' commands have the kernel send them
    SIGTERM when pwsh ends). Once pwsh has gone, the watcher deletes the pipes .NET made at the start of
    each of these processes that ended without deleting them (a process killed deletes nothing): named
    by their PIDs, in the temporary folder they started with. Returns the watcher, for the caller to stop
    when it is done (an interactive pwsh lives on after the script).
#>
function Start-CallerWatch {
    $callers = @()
    for ($process = (Get-Process -Id $PID).Parent; $process -and $process.CommandLine -match '^\S*dotnet (pwsh|\S*Microsoft\.PowerShell\.GlobalTool\.Shim\.dll)( |$)'; $process = $process.Parent) {
        $callers += $process.Id
    }
    if (-not $callers) { return }
    # The environment this process started with (build.ps1 moves TMPDIR after).
    $startTemp = [IO.File]::ReadAllText("/proc/$PID/environ") -split "`0" | Where-Object { $_.StartsWith('TMPDIR=') } | Select-Object -First 1
    $temp = if ($startTemp) { $startTemp.Substring('TMPDIR='.Length).TrimEnd('/') } else { '/tmp' }
    $watch = 'pwsh=$1; temp=$2; shift 2
while kill -0 "$pwsh" 2>/dev/null; do
    kill -0 "$@" 2>/dev/null || kill -TERM "$pwsh"
    sleep 1
done
for process in "$pwsh" "$@"; do
    kill -0 "$process" 2>/dev/null || rm -f "$temp/dotnet-diagnostic-$process-"* "$temp/clr-debug-pipe-$process-"* "$temp/CoreFxPipe_"*".$process."*
done'
    $start = [System.Diagnostics.ProcessStartInfo]::new('sh')
    foreach ($argument in @('-c', $watch, 'watch', $PID, $temp) + $callers) { $start.ArgumentList.Add("$argument") }
    [System.Diagnostics.Process]::Start($start)
}

function Get-NuGetFolder {
    if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
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

<#
.SYNOPSIS
    Installs the Debian packages that are missing, as root, starting none of their services.
.DESCRIPTION
    A package may bring a daemon (openssh-server: sshd) that the tests run copies of their own. apt runs
    in a private mount namespace where invoke-rc.d and deb-systemd-invoke are bound to a script that
    starts nothing: the binds die with apt, so no kill can leave a policy behind. The units the packages
    enable for the next boot are disabled afterwards.
#>
function Install-DebianPackages {
    param([string[]] $Packages, [string] $Purpose)
    $installed = @(& dpkg-query -W -f '${Package} ${Status}\n' @Packages 2>$null) -match ' install ok installed$' -replace ' .*'
    $missing = @($Packages | Where-Object { $_ -notin $installed })
    if (-not $missing) { return }
    if ((id -u) -ne '0') { throw "$Purpose needs Debian packages ($($missing -join ', ')); install them as root or run as root." }
    Write-Step "Installing $($missing -join ', ') from Debian's packages"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Native apt-get @('update', '-qq') -TimeoutSeconds 300 | Out-Null
    $startNothing = Join-Path $PSScriptRoot 'start-nothing'
    $install = 'mount --bind "$0" /usr/sbin/invoke-rc.d && mount --bind "$0" /usr/bin/deb-systemd-invoke && exec apt-get install -y -qq --no-install-recommends "$@"'
    # In a chroot / is no mount point and cannot be made private: there the binds keep the propagation of
    # the chroot's mounts (FreshCheck's are private to it).
    $rootIsMount = [bool](Get-Content /proc/self/mountinfo | Where-Object { ($_ -split ' ')[4] -eq '/' })
    $propagation = if ($rootIsMount) { 'private' } else { 'unchanged' }
    Invoke-Native unshare (@('--mount', '--propagation', $propagation, '--', 'sh', '-c', $install, $startNothing) + $missing) -TimeoutSeconds 900 | Out-Null
    # What the packages enabled for the next boot (openssh-server: ssh), disabled again.
    $units = @($missing | ForEach-Object { & dpkg-query -L $_ 2>$null } | Where-Object { $_ -match '^/(usr/)?lib/systemd/system/[^/@]+\.(service|socket|timer)$' } | Split-Path -Leaf)
    if ($units -and (Get-Command systemctl -ErrorAction Ignore)) { & systemctl disable --quiet @units 2>$null }
}

function Get-MountsBeneath([string] $Path) {
    # Mount points at or below Path, from this process's mount table (octal escapes decoded).
    $full = [IO.Path]::GetFullPath($Path).TrimEnd('/')
    Get-Content /proc/self/mountinfo | ForEach-Object {
        $point = [regex]::Replace(($_ -split ' ')[4], '\\([0-7]{3})', { param($m) [char][Convert]::ToInt32($m.Groups[1].Value, 8) })
        if ($point -eq $full -or $point.StartsWith("$full/")) { $point }
    } | Sort-Object -Unique -Descending
}

<#
.SYNOPSIS
    Deletes a folder tree, never through a mount: refuses, naming them, when something is mounted beneath.
#>
function Remove-TreeSafely([string] $Path) {
    if (-not (Test-Path -LiteralPath $Path)) { return }
    $mounts = @(Get-MountsBeneath $Path)
    if ($mounts) {
        throw ("Not deleting ${Path}: these are mounted beneath it (left by a run that was cut short?): $($mounts -join ', '). " +
            "Deleting would delete through them. Unmount them first: umount -R --lazy <each>, deepest first, or reboot.")
    }
    Invoke-Native rm @('-rf', '--one-file-system', '--', $Path) -TimeoutSeconds 600 | Out-Host
}

<#
.SYNOPSIS
    What a run could leave on the machine: mounts, network namespaces, processes, listening sockets and
    files in /tmp and /var/tmp.
#>
function Get-MachineState {
    $processes = @{}
    foreach ($folder in Get-ChildItem /proc -Directory -ErrorAction Ignore | Where-Object Name -match '^\d+$') {
        try {
            $stat = [IO.File]::ReadAllText("$($folder.FullName)/stat")
            $fields = $stat.Substring($stat.LastIndexOf(')') + 2) -split ' '
            $command = [IO.File]::ReadAllText("$($folder.FullName)/cmdline") -replace "`0", ' '
            $processes[[int]$folder.Name] = [pscustomobject]@{ Parent = [int]$fields[1]; Started = $fields[19]; Command = $command.Trim() }
        }
        catch { continue } # ended while read
    }
    [pscustomobject]@{
        Mounts     = @(Get-Content /proc/self/mountinfo | ForEach-Object { $f = $_ -split ' '; "$($f[4]) ($($f[-2]))" } | Sort-Object -Unique)
        Namespaces = @(Get-ChildItem /run/netns -Name -ErrorAction Ignore)
        Processes  = $processes
        Sockets    = @(& ss -Hltun 2>$null | ForEach-Object { ($_ -split '\s+')[0, 4] -join ' ' } | Sort-Object -Unique)
        TempFiles  = @('/tmp', '/var/tmp' | ForEach-Object { Get-ChildItem $_ -Force -ErrorAction Ignore } | ForEach-Object FullName)
    }
}

<#
.SYNOPSIS
    What is on the machine now that was not before: one line each.
.DESCRIPTION
    A process counts when it is new and either descends from this one or was orphaned to PID 1; new
    processes of trees that were already running (another user's shell, a sibling started by the shell
    that started this run) are theirs, not the run's.
#>
function Compare-MachineState($Before, $After) {
    $new = { param($name) @($After.$name | Where-Object { $_ -notin $Before.$name }) }
    foreach ($mount in & $new 'Mounts') { "mount $mount" }
    foreach ($namespace in & $new 'Namespaces') { "network namespace /run/netns/$namespace" }
    foreach ($socket in & $new 'Sockets') { "listening socket $socket" }
    $ancestors = [System.Collections.Generic.HashSet[int]]::new()
    for ($id = $PID; $After.Processes.ContainsKey($id) -and $ancestors.Add($id); $id = $After.Processes[$id].Parent) { }
    $theirs = [System.Collections.Generic.HashSet[int]]::new()
    foreach ($id in $After.Processes.Keys) {
        $process = $After.Processes[$id]
        $isNew = -not ($Before.Processes.ContainsKey($id) -and $Before.Processes[$id].Started -eq $process.Started)
        if (-not $isNew -or $ancestors.Contains($id) -or -not $process.Command) { continue }
        $parent = $process.Parent
        while ($parent -gt 1 -and $parent -ne $PID -and $After.Processes.ContainsKey($parent) -and -not $ancestors.Contains($parent) -and -not $Before.Processes.ContainsKey($parent)) {
            $parent = $After.Processes[$parent].Parent
        }
        if ($parent -le 1 -or $parent -eq $PID) { "process $id ($($process.Command))" } else { [void]$theirs.Add($id) }
    }
    # .NET names its runtime's files in /tmp by process (dotnet-diagnostic-PID-..., clr-debug-pipe-PID-...,
    # CoreFxPipe_...PID...): those of a process that runs on and is not the run's are that process's.
    foreach ($file in & $new 'TempFiles') {
        $owner = if ((Split-Path $file -Leaf) -match '^(dotnet-diagnostic|clr-debug-pipe)-(\d+)-|^CoreFxPipe_.*\.(\d+)\.') { [int]"$($Matches[2])$($Matches[3])" }
        if (-not ($owner -and ($theirs.Contains($owner) -or $Before.Processes.ContainsKey($owner)) -and $After.Processes.ContainsKey($owner))) { "file $file" }
    }
}

Export-ModuleMember -Function Write-Step, Invoke-Native, Start-CallerWatch, Get-NuGetFolder, Get-PwshCommand, Install-DebianPackages,
    Get-MountsBeneath, Remove-TreeSafely, Get-MachineState, Compare-MachineState
