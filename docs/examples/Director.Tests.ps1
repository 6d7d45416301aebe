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
    $services = foreach ($key in $Expected.Keys) {
        @{ Key = $key; Want = $Expected[$key] }
    }
}

BeforeAll {
    Import-Module LvsAdmin -ErrorAction Stop
    $location = if ($NetworkNamespace) { @{ NetworkNamespace = $NetworkNamespace } } else { @{} }
    $script:live = @(Get-LvsService @location)
    $script:liveServers = @(Get-LvsRealServer @location)
}

Describe 'Virtual service <Key>' -ForEach $services {
    BeforeAll {
        $service = $script:live | Where-Object { $_.ToString() -eq $Key }
        $servers = @($script:liveServers | Where-Object Service -eq $Key)
    }

    It 'exists' {
        $service | Should -Not -BeNullOrEmpty -Because "the director should balance $Key"
    }

    It 'schedules with <Want.Scheduler>' -Skip:(-not $Want.Scheduler) {
        $service.Scheduler | Should -Be $Want.Scheduler
    }

    It 'is persistent: <Want.Persistent>' -Skip:($null -eq $Want.Persistent) {
        $service.Persistent | Should -Be $Want.Persistent
    }

    It 'has exactly the expected real servers' {
        $actual = @($servers | ForEach-Object { if ($_.Address.AddressFamily -eq 'InterNetworkV6') { "[$($_.Address)]:$($_.Port)" } else { "$($_.Address):$($_.Port)" } }) | Sort-Object
        $actual | Should -Be (@($Want.RealServers.Keys) | Sort-Object)
    }

    It 'gives <_.Key> weight <_.Value>' -ForEach @($Want.RealServers.GetEnumerator() | ForEach-Object { @{ Key = $_.Key; Value = $_.Value } }) {
        $server = $servers | Where-Object { ($(if ($_.Address.AddressFamily -eq 'InterNetworkV6') { "[$($_.Address)]:$($_.Port)" } else { "$($_.Address):$($_.Port)" })) -eq $Key }
        $server | Should -Not -BeNullOrEmpty -Because "$Key should be a real server"
        $server.Weight | Should -Be $Value
    }
}

Describe 'The director' {
    It 'has no unexpected services' -Skip:(-not $Exact) {
        $unexpected = $script:live | Where-Object { $_.ToString() -notin $Expected.Keys } | ForEach-Object ToString
        $unexpected | Should -BeNullOrEmpty
    }
}
