# The kernel the tests, the sandbox and the benchmark run in: the host's own when it has IPVS and we are
# root (in namespaces of their own: network, mount, PID), otherwise user-mode Linux from Debian's packages.
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot '../harness/Harness.psm1')

# What the kernel tests call besides pwsh: ipvsadm is their reference, busybox serves HTTP, openssl
# serves HTTPS, procps' sysctl is the settings' reference, strace captures netlink bytes,
# systemd-analyze checks the unit, OpenSSH (server and client) carries the remoting tests' sessions;
# user-mode Linux (booted with kmod's insmod) where the host has no IPVS.
$script:TestPackages = 'ipvsadm', 'kmod', 'iproute2', 'busybox', 'openssl', 'procps', 'strace', 'systemd', 'openssh-server', 'openssh-client'
$script:Repository = Split-Path (Split-Path $PSScriptRoot)
$script:KernelOut = Join-Path $script:Repository 'out/kernel'
# Guest console lines that are the kernel's own chatter, not the job's.
$script:GuestNoise = '^(SELinux:|mmapper_init|Failed to initialize ubd|Failed to write wtmp|Powering off|reboot: System halted)'

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

function Get-TestKernelName {
    if (Test-HostIpvs) { "the host's kernel $(uname -r), in namespaces of its own (network, mount, PID)" }
    else { 'user-mode Linux (Debian user-mode-linux)' }
}

function Install-TestPackages([switch] $WithUml) {
    $packages = if ($WithUml) { @('user-mode-linux') + $script:TestPackages } else { $script:TestPackages }
    Install-DebianPackages $packages 'The kernel tests'
}

function Get-UmlModules {
    $modules = Get-ChildItem /usr/lib/uml/modules -Directory -ErrorAction Ignore | Sort-Object Name | Select-Object -Last 1
    if (-not $modules) { throw 'user-mode-linux is installed but /usr/lib/uml/modules has no kernel modules.' }
    $modules.FullName
}

function Get-JobEnvironment {
    # The guest starts with an environment of its own: NuGet's folder (Pester, the pinned pwsh) is named
    # for its fresh HOME, and the differential test's seed and size go in when given (LVS_DIFF_*).
    @("export NUGET_PACKAGES='$(Get-NuGetFolder)'") +
    @(Get-ChildItem env: | Where-Object Name -like 'LVS_DIFF_*' | ForEach-Object { "export $($_.Name)='$($_.Value -replace "'", '')'" })
}

<#
.SYNOPSIS
    Starts a shell script in a kernel with IPVS, without waiting; Wait-TestKernel collects it.
.DESCRIPTION
    The packages the jobs call (ipvsadm and the rest; user-mode Linux where it is the kernel) are
    installed first when missing.
    Host path: unshare gives the job its own network, mount and PID namespaces, a private tmpfs on /tmp
    and /run (its /run/netns, and the holds Watch-LvsRealServer keeps under /run/lvsadmin), and kills everything in them when the job ends or this process dies. UML path: the
    kernel is a child of this process (killed with it), with its own job, exit-status and log files under
    out/kernel/<Name>. Either way the job has TimeoutSeconds, then it is stopped.
#>
function Start-TestKernel {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Script,
        [string] $MemorySize = '3G',
        [int] $TimeoutSeconds = 1800,
        [switch] $Interactive
    )
    $folder = Join-Path $script:KernelOut $Name
    Remove-TreeSafely $folder
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    $job = Join-Path $folder 'job.sh'
    $exitFile = Join-Path $folder 'exit-code'
    $log = Join-Path $folder 'console.log'
    Set-Content -Path $job -Value ((@(Get-JobEnvironment) + $Script) -join "`n") -NoNewline
    # The kernel (or unshare) dies with this process: a killed run leaves no kernel behind.
    # An interactive job keeps the terminal: timeout stays in its process group (--foreground).
    $command = @('setpriv', '--pdeathsig', 'TERM', 'timeout', '--kill-after=20') + @(if ($Interactive) { '--foreground' }) + "$TimeoutSeconds"
    $hostKernel = Test-HostIpvs
    Install-TestPackages -WithUml:(-not $hostKernel)
    if ($hostKernel) {
        $isolate = 'mount -t tmpfs -o mode=1777 tmpfs /tmp && mount -t tmpfs -o mode=755 tmpfs /run && mkdir -p /run/netns && ' +
            'mount -t sysfs sysfs /sys && ip link set lo up && export TMPDIR=/tmp && /bin/sh "$0"; echo $? > "$1"'
        $command += @('unshare', '--net', '--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--mount-proc', '--', 'sh', '-c', $isolate, $job, $exitFile)
    }
    else {
        # An interactive timeout signals only its child, not UML's helper processes: a PID namespace of
        # their own dies with that child.
        if ($Interactive) { $command += @('unshare', '--pid', '--fork', '--kill-child') }
        # The guest's memory is a file in TMPDIR, deleted as soon as it is made: on tmpfs, as UML wants it.
        $command += @('env', 'TMPDIR=/dev/shm', 'linux.uml', "mem=$MemorySize", 'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/', 'ro',
            "init=$(Join-Path $PSScriptRoot 'uml-init.sh')", "uml_dir=$folder", "umid=$Name", 'con=null', 'con0=fd:0,fd:1', 'quiet',
            "LVS_REPO=$script:Repository", "LVS_JOB=$job", "LVS_EXIT=$exitFile", "LVS_MODULES=$(Get-UmlModules)")
    }
    if (-not $Interactive) {
        # The job's output goes to its log, which Wait-TestKernel shows as it grows; a guest reading its
        # console gets end of file.
        $command = @('sh', '-c', 'exec "$@" >"$0" 2>&1 </dev/null', $log) + $command
    }
    $start = [System.Diagnostics.ProcessStartInfo]::new($command[0])
    foreach ($argument in $command | Select-Object -Skip 1) { $start.ArgumentList.Add($argument) }
    $process = [System.Diagnostics.Process]::Start($start)
    [pscustomobject]@{ Name = $Name; Process = $process; ExitFile = $exitFile; Log = $log; Reader = $null; Rest = ''; TimeoutSeconds = $TimeoutSeconds; Started = Get-Date }
}

function Show-NewOutput($Kernel, [switch] $Prefix) {
    # What the job wrote to its log since the last look; a line still being written waits for its end.
    if (-not $Kernel.Reader) {
        if (-not (Test-Path $Kernel.Log)) { return }
        $Kernel.Reader = [IO.StreamReader]::new([IO.FileStream]::new($Kernel.Log, 'Open', 'Read', 'ReadWrite'))
    }
    $lines = ($Kernel.Rest + $Kernel.Reader.ReadToEnd()) -split "`n"
    $Kernel.Rest = $lines[-1]
    foreach ($line in $lines | Select-Object -SkipLast 1) {
        $line = $line.TrimEnd("`r")
        if ($line -notmatch $script:GuestNoise) { Write-Host $(if ($Prefix) { "[$($Kernel.Name)] $line" } else { $line }) }
    }
}

<#
.SYNOPSIS
    Waits for started kernels, showing their output as it comes (each line prefixed with its kernel's name
    when there are several; an interactive one writes to the terminal itself), and returns each one's exit
    status (-1 when the job did not finish). Each is stopped by its own time limit.
#>
function Wait-TestKernel {
    param([Parameter(Mandatory)] [object[]] $Kernel)
    $prefix = $Kernel.Count -gt 1
    try {
        do {
            $running = @($Kernel | Where-Object { -not $_.Process.HasExited })
            if ($running) { [void]$running[0].Process.WaitForExit(500) }
            foreach ($k in $Kernel) { Show-NewOutput $k -Prefix:$prefix }
        } while ($running)
        foreach ($k in $Kernel) {
            $k.Rest += "`n"
            Show-NewOutput $k -Prefix:$prefix
            if ($k.Reader) { $k.Reader.Dispose() }
            $elapsed = ((Get-Date) - $k.Started).TotalSeconds
            if (-not (Test-Path $k.ExitFile)) {
                $why = if ($elapsed -ge $k.TimeoutSeconds) { "did not finish within $($k.TimeoutSeconds) s and was stopped" } else { 'stopped before its job finished' }
                Write-Host "The test kernel '$($k.Name)' $why (no exit status was written; its console is $($k.Log))."
                -1
            }
            else { [int](Get-Content $k.ExitFile -Raw).Trim() }
        }
    }
    finally {
        # Ctrl+C or an error here: the kernels go too.
        foreach ($k in $Kernel | Where-Object { -not $_.Process.HasExited }) { $k.Process.Kill($true) }
    }
}

Export-ModuleMember -Function Test-HostIpvs, Get-TestKernelName, Start-TestKernel, Wait-TestKernel
