<#
.SYNOPSIS
    Checks a live director against what it should be: services, their schedulers, real servers and weights.
.DESCRIPTION
    An infrastructure test in the Operation Validation Framework style: the expectations come in as
    data through a Pester container, so one file checks every director of a fleet. See
    docs/InfrastructureTesting.md.
.EXAMPLE
    $expected = @{
        'TCP 10.0.0.1:80' = @{ Scheduler = 'wlc'; RealServers = @{ '192.168.1.10:80' = 5; '192.168.1.11:80' = 5 } }
    }
    Invoke-Pester -Container (New-PesterContainer -Path ./Director.Tests.ps1 -Data @{ Expected = $expected })
#>
param(
    # Service key text => @{ Scheduler = ...; Persistent = $true/$false (optional); RealServers = @{ 'address:port' = weight } }
    [Parameter(Mandatory)]
    [hashtable] $Expected,

    # Check a director in another network namespace (a name under /run/netns or a path).
    [string] $NetworkNamespace,

    # Fail when the director has services that are not expected.
    [switch] $Exact
)

BeforeDiscovery {
    # Only what is expected becomes a test: no test stands for an expectation that was not given.
    $services = foreach ($key in $Expected.Keys) {
        $want = $Expected[$key]
        $checks = @()
        if ($want.Scheduler) { $checks += @{ Property = 'Scheduler'; Value = $want.Scheduler } }
        if ($null -ne $want.Persistent) { $checks += @{ Property = 'Persistent'; Value = [bool]$want.Persistent } }
        $servers = @(if ($want.RealServers) { $want.RealServers.GetEnumerator() | ForEach-Object { @{ Endpoint = $_.Key; Weight = $_.Value } } })
        @{ Key = $key; Checks = $checks; Servers = $servers; Endpoints = @($servers.Endpoint) }
    }
}

BeforeAll {
    Import-Module LvsAdmin -ErrorAction Stop
    $location = if ($NetworkNamespace) { @{ NetworkNamespace = $NetworkNamespace } } else { @{} }
    $script:live = @(Get-LvsService @location)
    $script:liveServers = @(Get-LvsRealServer @location)

    function Get-Endpoint($server) {
        if ($server.Address.AddressFamily -eq 'InterNetworkV6') { "[$($server.Address)]:$($server.Port)" } else { "$($server.Address):$($server.Port)" }
    }
}

Describe 'Virtual service <Key>' -ForEach $services {
    BeforeAll {
        $service = $script:live | Where-Object { $_.ToString() -eq $Key }
        $servers = @($script:liveServers | Where-Object Service -eq $Key)
    }

    It 'exists' {
        $service | Should -Not -BeNullOrEmpty -Because "the director should balance $Key"
    }

    It 'has <Property> <Value>' -ForEach $Checks -AllowNullOrEmptyForEach {
        $service.$Property | Should -Be $Value
    }

    It 'has exactly the expected real servers' {
        @($servers | ForEach-Object { Get-Endpoint $_ } | Sort-Object) | Should -Be @($Endpoints | Sort-Object)
    }

    It 'gives <Endpoint> weight <Weight>' -ForEach $Servers -AllowNullOrEmptyForEach {
        $server = $servers | Where-Object { (Get-Endpoint $_) -eq $Endpoint }
        $server | Should -Not -BeNullOrEmpty -Because "$Endpoint should be a real server"
        $server.Weight | Should -Be $Weight
    }
}

if ($Exact) {
    Describe 'The director' {
        It 'has no unexpected services' {
            $unexpected = $script:live | Where-Object { $_.ToString() -notin $Expected.Keys } | ForEach-Object ToString
            $unexpected | Should -BeNullOrEmpty
        }
    }
}
