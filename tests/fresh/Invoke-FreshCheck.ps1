<#
.SYNOPSIS
    The inside of build.ps1 FreshCheck, run by Invoke-FreshCheck in private mount and PID namespaces:
    a clean Debian 12 root, the repository's HEAD cloned into it, and CI (.ci/run) run there.
#>
param(
    [Parameter(Mandatory)] [string] $Repository,
    [Parameter(Mandatory)] [string] $Folder
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'FreshCheck.psm1')
Import-Module (Join-Path $PSScriptRoot '../harness/Harness.psm1')

New-Item -ItemType Directory -Force -Path $Folder | Out-Null
$base = Get-FreshBase $Folder
$root = Join-Path $Folder 'root'
Reset-FreshRoot $root $base
# The machine's own apt settings, name service and trusted certificates (its egress CA among them), as a
# new machine of this kind has them.
Remove-Item (Join-Path $root 'etc/apt/sources.list') -ErrorAction Ignore
Copy-Item /etc/apt/sources.list.d/* (Join-Path $root 'etc/apt/sources.list.d') -Force
Copy-Item /etc/apt/apt.conf.d/* (Join-Path $root 'etc/apt/apt.conf.d') -Force -ErrorAction Ignore
Copy-Item /etc/resolv.conf (Join-Path $root 'etc/resolv.conf') -Force
Copy-Item /usr/local/share/ca-certificates/* (Join-Path $root 'usr/local/share/ca-certificates') -Force -ErrorAction Ignore
Invoke-Native chroot @($root, '/usr/bin/env', 'TMPDIR=/tmp', 'update-ca-certificates') -TimeoutSeconds 120 | Out-Null
# The .NET SDK, as the machine has it, read-only.
$sdk = Split-Path (Get-Item (Get-Command dotnet).Source).ResolvedTarget
if (-not $sdk) { $sdk = Split-Path (Get-Command dotnet).Source }
New-Item -ItemType SymbolicLink -Path (Join-Path $root 'usr/bin/dotnet') -Target (Join-Path $sdk 'dotnet') -Force | Out-Null
Mount-FreshRoot -Root $root -Sdk $sdk
$work = Join-Path $root 'work'
Write-Step "Cloning $(git -C $Repository rev-parse --short HEAD) into the fresh root"
Invoke-Native git @('clone', '-q', $Repository, (Join-Path $work 'project')) -TimeoutSeconds 300 | Out-Host
$shared = Join-Path (Split-Path $Repository) 'shared'
if (Test-Path $shared) { Copy-Item $shared $work -Recurse }
Write-Step 'CI in the fresh root: bash .ci/run'
# The machine's environment as CI has it: its certificate and NuGet settings, not this session's paths.
$environment = @('HOME=/root', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CI=true', 'LANG=C.UTF-8') +
    @(Get-ChildItem env: | Where-Object { $_.Name -match 'CERT|SSL|CA_BUNDLE|^DOTNET_(CLI|NOLOGO|GENERATE)' } | ForEach-Object { "$($_.Name)=$($_.Value)" })
$started = Get-Date
& timeout --kill-after=30 5100 chroot $root /usr/bin/env -i @environment bash -c 'cd /work/project && bash .ci/run </dev/null' | Out-Host
$status = $LASTEXITCODE
if ($status -in 124, 137) { Write-Host 'FreshCheck: CI in the fresh root did not finish within 5100 s and was stopped.' }
Write-Host ("FreshCheck: CI in a clean Debian 12 root exited with {0} after {1:0} s." -f $status, ((Get-Date) - $started).TotalSeconds)
exit $status
