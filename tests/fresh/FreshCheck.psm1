# build.ps1 FreshCheck: CI in a clean Debian 12 root, done so that it cannot hurt the machine. Everything
# runs in private mount and PID namespaces: every mount dies with the check, however it ends (a kill, a
# time-out, a shutdown), and so does every process started in the root. Roots are deleted only when
# nothing is mounted beneath them, and never across a file system.
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot '../harness/Harness.psm1')

# What the machine kind ships besides the .NET SDK, and the libraries the SDK itself needs.
$script:FreshPackages = 'ca-certificates,git,netbase,procps,iproute2,systemd-sysv,curl,openssl,strace,time,bc,libicu72,libssl3,zlib1g'

<#
.SYNOPSIS
    Runs a pwsh script in new mount (private) and PID namespaces that die with it and with this process.
.DESCRIPTION
    Returns the script's exit status; stopped after TimeoutSeconds.
#>
function Invoke-InPrivateNamespace {
    param([Parameter(Mandatory)] [string] $ScriptPath, [string[]] $Arguments = @(), [int] $TimeoutSeconds = 3600)
    $dotnet = [Environment]::ProcessPath
    $pwsh = Join-Path $PSHOME 'pwsh.dll'
    # Mount-FreshRoot checks that it is not in this namespace.
    $env:LVS_OUTER_MOUNT_NAMESPACE = & readlink /proc/self/ns/mnt
    # The namespace's first process (its init) is a shell: an init gets only the signals it has a handler
    # for, and pwsh there outlived the SIGTERM that timeout sends on a kill until its SIGKILL, 20 s later.
    & setpriv --pdeathsig TERM timeout --kill-after=20 $TimeoutSeconds unshare --mount --propagation private --pid --fork --kill-child --mount-proc -- `
        sh -c '"$@"; exit $?' sh $dotnet $pwsh -NoProfile -NonInteractive -File $ScriptPath @Arguments | Out-Host
    $status = $LASTEXITCODE
    if ($status -in 124, 137) { Write-Host "The check did not finish within $TimeoutSeconds s and was stopped." }
    $status
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

<#
.SYNOPSIS
    The cached Debian 12 base (debootstrap, once), as a tar file.
#>
function Get-FreshBase([string] $Folder) {
    $base = Join-Path $Folder 'debian12-base.tar'
    if (Test-Path $base) { return $base }
    $staging = Join-Path $Folder 'staging'
    Remove-TreeSafely $staging
    Write-Step "debootstrap of Debian 12 (cached as $base)"
    Invoke-Native debootstrap @('--variant=minbase', "--include=$script:FreshPackages", 'bookworm', $staging, (Get-DebianMirror)) -TimeoutSeconds 1800 | Out-Host
    Invoke-Native tar @('-C', $staging, '-cf', "$base.partial", '.') -TimeoutSeconds 600 | Out-Host
    Move-Item "$base.partial" $base
    Remove-TreeSafely $staging
    $base
}

<#
.SYNOPSIS
    A new root from the base: the old one is deleted first, refused when something is mounted beneath it.
#>
function Reset-FreshRoot([string] $Root, [string] $Base) {
    Remove-TreeSafely $Root
    New-Item -ItemType Directory -Path $Root | Out-Null
    Invoke-Native tar @('-C', $Root, '-xf', $Base) -TimeoutSeconds 600 | Out-Host
}

<#
.SYNOPSIS
    Mounts what the root needs (the .NET SDK read-only, proc, sys, dev, tmpfs on run and tmp). Only in a
    private mount namespace: the mounts then go with it.
#>
function Mount-FreshRoot {
    param([string] $Root, [string] $Sdk, [string] $Dev = '/dev')
    if (-not $env:LVS_OUTER_MOUNT_NAMESPACE -or $env:LVS_OUTER_MOUNT_NAMESPACE -eq (& readlink /proc/self/ns/mnt)) {
        throw 'Mount-FreshRoot mounts only in a private mount namespace (Invoke-InPrivateNamespace): here they would reach the machine.'
    }
    $binds = @(
        @('-t', 'proc', 'proc', (Join-Path $Root 'proc')),
        @('-t', 'sysfs', 'sysfs', (Join-Path $Root 'sys')),
        @('--rbind', $Dev, (Join-Path $Root 'dev')),
        @('-t', 'tmpfs', 'tmpfs', (Join-Path $Root 'run')),
        @('-t', 'tmpfs', 'tmpfs', (Join-Path $Root 'tmp')))
    if ($Sdk) {
        $sdkInRoot = Join-Path $Root $Sdk.TrimStart('/')
        New-Item -ItemType Directory -Force -Path $sdkInRoot | Out-Null
        $binds = @(, @('--bind', '-o', 'ro', $Sdk, $sdkInRoot)) + $binds
    }
    foreach ($mount in $binds) {
        New-Item -ItemType Directory -Force -Path $mount[-1] | Out-Null
        Invoke-Native mount $mount -TimeoutSeconds 60 | Out-Host
    }
    # Unmounting the rbind, had anyone to, must not reach the machine's /dev/pts and /dev/shm.
    Invoke-Native mount @('--make-rslave', (Join-Path $Root 'dev')) -TimeoutSeconds 60 | Out-Host
}

<#
.SYNOPSIS
    build.ps1 FreshCheck: clones Repository's HEAD into a clean Debian 12 root and runs CI there; returns
    CI's exit status.
#>
function Invoke-FreshCheck {
    param([Parameter(Mandatory)] [string] $Repository, [Parameter(Mandatory)] [string] $Out)
    if ((id -u) -ne '0') { throw 'FreshCheck needs root: debootstrap, mounts and chroot.' }
    $fresh = Join-Path $Out 'fresh'
    $left = @(Get-MountsBeneath $fresh)
    if ($left) {
        throw ("Mounts were left under $fresh by a FreshCheck of an earlier version: $($left -join ', '). " +
            "Nothing was deleted. Unmount them first (umount -R --lazy <each>, deepest first), then run again.")
    }
    Install-DebianPackages @('debootstrap') 'FreshCheck'
    $inner = Join-Path $PSScriptRoot 'Invoke-FreshCheck.ps1'
    Invoke-InPrivateNamespace -ScriptPath $inner -Arguments @('-Repository', $Repository, '-Folder', $fresh) -TimeoutSeconds 5400
}

Export-ModuleMember -Function Invoke-InPrivateNamespace, Get-FreshBase, Reset-FreshRoot, Mount-FreshRoot, Invoke-FreshCheck
