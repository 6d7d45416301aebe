# build.ps1 Bench: the benchmark (tests/bench/Invoke-LvsBench.ps1) in the test kernel, with the kernel's floor.
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot '../harness/Harness.psm1')
Import-Module (Join-Path $PSScriptRoot '../kernel/TestKernel.psm1')

function Join-Sizes([string[]] $Sizes) {
    # '1000,10000' or 1000, 10000: sizes, checked, as the comma-separated text the benchmark takes.
    $numbers = @($Sizes -split ',' | Where-Object { $_ } | ForEach-Object {
            if ($_ -notmatch '^\s*\d+\s*$') { throw "'$_' is not a table size: give whole numbers, such as 1000,10000." }
            [int]$_
        })
    $numbers -join ','
}

<#
.SYNOPSIS
    Runs the benchmark and returns its exit status.
#>
function Invoke-Bench {
    param(
        [string] $Kernel,
        [Parameter(Mandatory)] [string] $Repository,
        [Parameter(Mandatory)] [string] $Out,
        [Parameter(Mandatory)] [string] $ModuleOut,
        [string[]] $Services, [int] $RealServers,
        [string[]] $ScaleServices, [string[]] $ScaleRealServers, [string[]] $ScaleConnections, [string[]] $Checkers
    )
    $benchOut = Join-Path $Out 'bench'
    New-Item -ItemType Directory -Force -Path $benchOut | Out-Null
    Install-DebianPackages @('time', 'ipvsadm', 'iproute2') 'The benchmark'
    $checkerSizes = Join-Sizes $Checkers
    if ($checkerSizes) { Install-DebianPackages @('keepalived') 'The comparison with keepalived''s checkers' }
    $runner = Join-Path $PSScriptRoot 'Invoke-LvsBench.ps1'
    $benchArgs = "-ModuleManifest '$ModuleOut/LvsAdmin.psd1' -ResultPath '$benchOut' -Services '$(Join-Sizes $Services)' -RealServers $RealServers" +
        " -ScaleServices '$(Join-Sizes $ScaleServices)' -ScaleRealServers '$(Join-Sizes $ScaleRealServers)' -ScaleConnections '$(Join-Sizes $ScaleConnections)' -Checkers '$checkerSizes'"
    # The kernel's floor for adds and dumps: the minimal batched C sender beside the repository.
    $floorSource = Join-Path $Repository '../shared/tools/ipvs-floor.c'
    if (Test-Path $floorSource) {
        Install-DebianPackages @('gcc', 'libc6-dev', 'linux-libc-dev') 'The benchmark''s floor'
        $floor = Join-Path $benchOut 'ipvs-floor'
        Invoke-Native gcc @('-O2', '-o', $floor, $floorSource) | Out-Host
        $benchArgs += " -Floor '$floor'"
    }
    else {
        Write-Step "No ${floorSource}: the benchmark runs without the floor"
    }
    $benchKernel = Resolve-TestKernel $Kernel
    Write-Step "Bench in $($benchKernel.Description)"
    # The scale runs' 500,000 rules take the kernel and the pwsh reading them more than the tests' 3 GB.
    Wait-TestKernel (Start-TestKernel -Name 'bench' -Kernel $benchKernel -Script "$(Get-PwshCommand) -NoProfile -NonInteractive -File '$runner' $benchArgs`n" -MemorySize '8G' -TimeoutSeconds 10800)
}

Export-ModuleMember -Function Invoke-Bench
