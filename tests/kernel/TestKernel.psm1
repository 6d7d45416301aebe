# The kernel the tests, the sandbox and the benchmark run in: the host's own when it has IPVS and we are
# root (in namespaces of their own: network, mount, PID), otherwise user-mode Linux from Debian's packages.
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot '../harness/Harness.psm1')

# What the kernel tests call besides pwsh: ipvsadm is their reference, busybox serves HTTP, openssl
# serves HTTPS, procps' sysctl is the settings' reference, strace captures netlink bytes,
# systemd-analyze checks the unit, OpenSSH (server and client) carries the remoting tests' sessions;
# user-mode Linux (whose modules kmod's modprobe loads) where the host has no IPVS.
$script:TestPackages = 'ipvsadm', 'kmod', 'iproute2', 'busybox', 'openssl', 'procps', 'strace', 'systemd', 'openssh-server', 'openssh-client'
$script:Repository = Split-Path (Split-Path $PSScriptRoot)
$script:KernelOut = Join-Path $script:Repository 'out/kernel'
# The test kernels: Debian 12's own user-mode Linux, and Debian's builds of newer ones, each from its suite.
$script:UmlSuites = [ordered]@{ '6.1' = 'bookworm'; '6.12' = 'trixie'; '7.2' = 'sid' }
# Where the newer ones are kept once fetched (outside /tmp, which the guest mounts over).
$script:KernelCache = Join-Path $script:Repository 'out/kernels'
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

function Install-TestPackages([switch] $WithUml) {
    $packages = if ($WithUml) { @('user-mode-linux') + $script:TestPackages } else { $script:TestPackages }
    Install-DebianPackages $packages 'The kernel tests'
}

function Get-DebianMirror {
    # The mirror this machine's own sources name (the newer suites are fetched from it too).
    $lines = @(Get-ChildItem /etc/apt/sources.list.d -Filter '*.sources' -ErrorAction Ignore | Get-Content) + @(Get-Content /etc/apt/sources.list -ErrorAction Ignore)
    foreach ($line in $lines) {
        if ($line -match '^URIs:\s*(\S+)' -and $Matches[1] -notmatch 'security') { return $Matches[1] }
        if ($line -match '^deb\s+(\[[^\]]*\]\s+)?(\S+)\s+\S+' -and $Matches[2] -notmatch 'security') { return $Matches[2] }
    }
    'http://deb.debian.org/debian'
}

<#
.SYNOPSIS
    Fetches Debian's user-mode Linux builds of newer suites, each into out/kernels/<version>, without
    installing anything: the packages and sid's glibc (the builds need a newer one than Debian 12's) through
    a source list of their own, by one apt-get update and one download for all; each unpacked, its kernel's
    interpreter and run path set to that glibc (patchelf).
#>
function Save-UmlKernel([string[]] $Versions) {
    $suites = @($Versions | ForEach-Object { $script:UmlSuites[$_] })
    Install-DebianPackages @('patchelf') "The $($Versions -join ' and ') test kernels (Debian's user-mode Linux builds, with sid's glibc)"
    Write-Step "Fetching Debian $($suites -join ' and ')'s user-mode-linux and sid's libc6 to $script:KernelCache"
    $work = Join-Path $script:KernelCache 'fetch.partial'
    Remove-TreeSafely $work
    $apt = Join-Path $work 'apt'
    New-Item -ItemType Directory -Force -Path "$apt/lists/partial", "$apt/cache/archives/partial", "$work/debs" | Out-Null
    $mirror = Get-DebianMirror
    Set-Content "$apt/sources.list" (@($suites + 'sid') | Sort-Object -Unique | ForEach-Object { "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $_ main" })
    $options = @('-q', '-o', "Dir::Etc::SourceList=$apt/sources.list", '-o', 'Dir::Etc::SourceParts=/dev/null', '-o', "Dir::State::Lists=$apt/lists",
        '-o', "Dir::Cache=$apt/cache", '-o', 'APT::Sandbox::User=root')
    Invoke-Native apt-get ($options + 'update') -TimeoutSeconds 600 | Out-Null
    if ($LASTEXITCODE) { throw "apt-get update of Debian $($suites -join ', ') and sid from $mirror failed (exit status $LASTEXITCODE)." }
    Push-Location "$work/debs"
    try { Invoke-Native apt-get ($options + 'download' + @($suites | ForEach-Object { "user-mode-linux/$_" }) + 'libc6/sid') -TimeoutSeconds 900 | Out-Null }
    finally { Pop-Location }
    $libc = Get-ChildItem "$work/debs" -Filter 'libc6_*.deb'
    if (-not $libc) { throw "apt-get download of libc6/sid from $mirror failed (exit status $LASTEXITCODE)." }
    foreach ($version in $Versions) {
        # The package's version starts with the kernel's: user-mode-linux_7.2um1_amd64.deb.
        $uml = Get-ChildItem "$work/debs" -Filter "user-mode-linux_$($version)um*.deb"
        if (-not $uml) { throw "apt-get download of user-mode-linux/$($script:UmlSuites[$version]) from $mirror gave no $version kernel (exit status $LASTEXITCODE)." }
        $folder = Join-Path $script:KernelCache $version
        $unpacked = Join-Path $work $version
        New-Item -ItemType Directory -Path $unpacked | Out-Null
        foreach ($package in @{ Deb = $uml; To = 'uml' }, @{ Deb = $libc; To = 'libc' }) {
            Invoke-Native dpkg-deb @('-x', $package.Deb.FullName, (Join-Path $unpacked $package.To)) -TimeoutSeconds 300
            if ($LASTEXITCODE) { throw "dpkg-deb could not unpack $($package.Deb.Name)." }
        }
        $release = Get-ChildItem "$unpacked/uml/usr/lib/uml/modules" -Directory -ErrorAction Ignore | Select-Object -First 1
        if (-not $release -or -not $release.Name.StartsWith("$version.")) {
            throw "Debian $($script:UmlSuites[$version])'s user-mode-linux ($($uml.Name)) is kernel $(if ($release) { $release.Name } else { 'unknown' }), not $version."
        }
        Invoke-Native patchelf @('--set-interpreter', "$folder/libc/usr/lib64/ld-linux-x86-64.so.2", '--set-rpath', "$folder/libc/usr/lib/x86_64-linux-gnu",
            "$unpacked/uml/usr/bin/linux.uml") -TimeoutSeconds 120
        if ($LASTEXITCODE) { throw "patchelf could not point $version's kernel at sid's glibc." }
        Remove-TreeSafely $folder
        Move-Item $unpacked $folder
    }
    Remove-TreeSafely $work
}

<#
.SYNOPSIS
    The user-mode Linux kernel of a version (6.1, 6.12, 7.2): its binary, modules folder, release and boot
    options. 6.1 is Debian 12's own package (installed); the newer ones are fetched once into out/kernels.
#>
function Get-UmlKernel([string] $Version) {
    if ($Version -eq '6.1') {
        Install-TestPackages -WithUml
        $binary = (Get-Command linux.uml -CommandType Application | Select-Object -First 1).Source
        $modules = Get-ChildItem /usr/lib/uml/modules -Directory -ErrorAction Ignore | Sort-Object Name | Select-Object -Last 1
        $origin = 'Debian 12''s user-mode-linux'
    }
    else {
        Install-TestPackages
        $binary = Join-Path $script:KernelCache "$Version/uml/usr/bin/linux.uml"
        if (-not (Test-Path $binary)) { Save-UmlKernel $Version }
        $folder = Join-Path $script:KernelCache $Version
        $modules = Get-ChildItem (Join-Path $folder 'uml/usr/lib/uml/modules') -Directory -ErrorAction Ignore | Select-Object -First 1
        $origin = "Debian $($script:UmlSuites[$Version])'s user-mode-linux"
    }
    if (-not $modules -or -not $modules.Name.StartsWith("$Version.")) {
        throw "The $Version test kernel's modules are not there ($origin has $(if ($modules) { $modules.Name } else { 'none' }))."
    }
    # Newer builds trace their processes with seccomp instead of ptrace, at about twice the speed.
    $options = @(& grep -q -a -F 'seccomp=<on/auto/off>' $binary; if ($LASTEXITCODE -eq 0) { 'seccomp=on' })
    [pscustomobject]@{
        Version     = $Version
        Release     = $modules.Name
        Binary      = $binary
        Modules     = $modules.FullName
        Options     = $options
        Description = "user-mode Linux $($modules.Name) ($origin$(if ($options) { ', seccomp' }))"
    }
}

<#
.SYNOPSIS
    The kernels a run uses, each as Name (what was asked: Host, 6.1, 6.12, 7.2), Uml (Get-UmlKernel's, or
    null for the host's own) and Description. Without Kernel: the host's own where it has IPVS, otherwise
    Default. A newer kernel that cannot be fetched is said so, and 6.1 runs in its place.
#>
function Resolve-TestKernel([string] $Kernel, [string] $Default = '6.1') {
    if (-not $Kernel) { $Kernel = if (Test-HostIpvs) { 'Host' } else { $Default } }
    if ($Kernel -eq 'Host') {
        if (-not (Test-HostIpvs)) { throw "-Kernel Host: this machine's kernel $(uname -r) has no IPVS (or this is not root); give -Kernel 6.1, 6.12, 7.2 or All." }
        Install-TestPackages
        return [pscustomobject]@{ Name = 'Host'; Uml = $null; Description = "the host's kernel $(uname -r), in namespaces of its own (network, mount, PID)" }
    }
    $versions = if ($Kernel -eq 'All') { @($script:UmlSuites.Keys) } else { @($Kernel) }
    # The newer kernels not fetched yet, fetched together; one that still is not there is said so below.
    $missing = @($versions | Where-Object { $_ -ne '6.1' -and -not (Test-Path (Join-Path $script:KernelCache "$_/uml/usr/bin/linux.uml")) })
    if ($missing.Count -gt 1) {
        try { Save-UmlKernel $missing } catch { Write-Host "Fetching kernels $($missing -join ' and ') together failed ($($_.Exception.Message)); each is tried alone." }
    }
    foreach ($version in $versions) {
        try { $uml = Get-UmlKernel $version }
        catch {
            if ($version -eq '6.1') { throw }
            Write-Host "Kernel $($version): not available ($($_.Exception.Message)); its tests run on 6.1 instead."
            $uml = Get-UmlKernel '6.1'
        }
        [pscustomobject]@{ Name = $version; Uml = $uml; Description = $uml.Description }
    }
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
        # Resolve-TestKernel's: the host's own, or a user-mode Linux kernel.
        [Parameter(Mandatory)] [object] $Kernel,
        [Parameter(Mandatory)] [string] $Script,
        [string] $MemorySize = '3G',
        [int] $TimeoutSeconds = 1800,
        # The processor the kernel is kept on (-1: any).
        [int] $Processor = -1,
        [switch] $Interactive
    )
    $folder = Join-Path $script:KernelOut $Name
    Remove-TreeSafely $folder
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    $job = Join-Path $folder 'job.sh'
    $exitFile = Join-Path $folder 'exit-code'
    $log = Join-Path $folder 'console.log'
    # A job that is not interactive reads nothing: in user-mode Linux its standard input would be the guest's
    # console, a terminal that never answers, and .NET waits 10 s for a terminal's answer to its first
    # cursor query (as progress output makes), a second for each later one.
    $quiet = @(if (-not $Interactive) { 'exec </dev/null' })
    Set-Content -Path $job -Value ((@(Get-JobEnvironment) + $quiet + $Script) -join "`n") -NoNewline
    # The kernel (or unshare) dies with this process: a killed run leaves no kernel behind.
    # An interactive job keeps the terminal: timeout stays in its process group (--foreground).
    $command = @(if ($Processor -ge 0) { 'taskset', '--cpu-list', "$Processor" }) +
        @('setpriv', '--pdeathsig', 'TERM', 'timeout', '--kill-after=20') + @(if ($Interactive) { '--foreground' }) + "$TimeoutSeconds"
    if (-not $Kernel.Uml) {
        $isolate = 'mount -t tmpfs -o mode=1777 tmpfs /tmp && mount -t tmpfs -o mode=755 tmpfs /run && mkdir -p /run/netns && ' +
            'mount -t sysfs sysfs /sys && ip link set lo up && export TMPDIR=/tmp && /bin/sh "$0"; echo $? > "$1"'
        $command += @('unshare', '--net', '--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--mount-proc', '--', 'sh', '-c', $isolate, $job, $exitFile)
    }
    else {
        # An interactive timeout signals only its child, not UML's helper processes: a PID namespace of
        # their own dies with that child.
        if ($Interactive) { $command += @('unshare', '--pid', '--fork', '--kill-child') }
        # The guest's memory is a file in TMPDIR, deleted as soon as it is made: on tmpfs, as UML wants it.
        $command += @('env', 'TMPDIR=/dev/shm', $Kernel.Uml.Binary, "mem=$MemorySize", 'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/', 'ro',
            "init=$(Join-Path $PSScriptRoot 'uml-init.sh')", "uml_dir=$folder", "umid=$Name", 'con=null', 'con0=fd:0,fd:1', 'quiet',
            "LVS_REPO=$script:Repository", "LVS_JOB=$job", "LVS_EXIT=$exitFile", "LVS_MODULES=$($Kernel.Uml.Modules)") + $Kernel.Uml.Options
    }
    if (-not $Interactive) {
        # The job's output goes to its log, which Wait-TestKernel shows as it grows; a guest reading its
        # console gets end of file.
        $command = @('sh', '-c', 'exec "$@" >"$0" 2>&1 </dev/null', $log) + $command
    }
    $start = [System.Diagnostics.ProcessStartInfo]::new($command[0])
    foreach ($argument in $command | Select-Object -Skip 1) { $start.ArgumentList.Add($argument) }
    $process = [System.Diagnostics.Process]::Start($start)
    [pscustomobject]@{ Name = $Name; Process = $process; Processor = $Processor; ExitFile = $exitFile; Log = $log; Reader = $null; Rest = ''; TimeoutSeconds = $TimeoutSeconds; Started = Get-Date }
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
    Waits for kernels, showing their output as it comes (each line prefixed with its job's name when there
    are several; an interactive one writes to the terminal itself), and returns each one's exit status (-1
    when the job did not finish, -2 when the kernel panicked: user-mode Linux's own fault, not the job's).
    A Kernel not started yet (Name, Kernel, Script, TimeoutSeconds: what Start-TestKernel takes, and a Lane) starts when the one before it in its lane has ended; the lanes run
    at once, each on a processor of its own when there are enough. Each is stopped by its own time limit.
#>
function Wait-TestKernel {
    param([Parameter(Mandatory)] [object[]] $Kernel)
    $prefix = $Kernel.Count -gt 1
    $started = [System.Collections.Generic.List[object]]::new()
    $waiting = [System.Collections.Generic.List[object]]::new()
    foreach ($k in $Kernel) { if ($k.PSObject.Properties['Process']) { $started.Add($k) } else { $waiting.Add($k) } }
    # The processors this process may run on: user-mode Linux of 6.x stops and resumes its processes through
    # ptrace, and beside other kernels on the same processors its run took twice as long.
    $affinity = [long](Get-Process -Id $PID).ProcessorAffinity
    $processors = @(0..63 | Where-Object { $affinity -band (1L -shl $_) })
    $lanes = @($waiting | ForEach-Object Lane | Sort-Object -Unique)
    $inLane = @{}
    try {
        do {
            foreach ($lane in $lanes) {
                if ($inLane.Contains($lane) -and -not $inLane[$lane].Process.HasExited) { continue }
                $next = $waiting | Where-Object Lane -eq $lane | Select-Object -First 1
                if (-not $next) { continue }
                [void]$waiting.Remove($next)
                $processor = if ($next.Kernel.Uml -and $lanes.Count -le $processors.Count) { $processors[[array]::IndexOf($lanes, $lane)] } else { -1 }
                $inLane[$lane] = Start-TestKernel -Name $next.Name -Kernel $next.Kernel -Script $next.Script -TimeoutSeconds $next.TimeoutSeconds -Processor $processor
                $started.Add($inLane[$lane])
            }
            $running = @($started | Where-Object { -not $_.Process.HasExited })
            if ($running) { [void]$running[0].Process.WaitForExit(500) }
            foreach ($k in $started) { Show-NewOutput $k -Prefix:$prefix }
        } while ($running -or $waiting.Count)
        foreach ($name in $Kernel.Name) {
            $k = $started | Where-Object Name -eq $name
            $k.Rest += "`n"
            Show-NewOutput $k -Prefix:$prefix
            if ($k.Reader) { $k.Reader.Dispose() }
            $elapsed = ((Get-Date) - $k.Started).TotalSeconds
            if (-not (Test-Path $k.ExitFile)) {
                $panic = if (Test-Path $k.Log) { Select-String -Path $k.Log -Pattern 'Kernel panic - not syncing.*' | Select-Object -First 1 }
                if ($panic) {
                    Write-Host "The test kernel '$($k.Name)' panicked ($($panic.Matches[0].Value.Trim()); its console is $($k.Log))."
                    -2
                }
                else {
                    $why = if ($elapsed -ge $k.TimeoutSeconds) { "did not finish within $($k.TimeoutSeconds) s and was stopped" } else { 'stopped before its job finished' }
                    Write-Host "The test kernel '$($k.Name)' $why (no exit status was written; its console is $($k.Log))."
                    -1
                }
            }
            else { [int](Get-Content $k.ExitFile -Raw).Trim() }
        }
    }
    finally {
        # Ctrl+C or an error here: the kernels go too.
        foreach ($k in $started | Where-Object { -not $_.Process.HasExited }) { $k.Process.Kill($true) }
    }
}

Export-ModuleMember -Function Test-HostIpvs, Resolve-TestKernel, Start-TestKernel, Wait-TestKernel
