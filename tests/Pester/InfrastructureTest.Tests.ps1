BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:testFile = Join-Path $PSScriptRoot '../../docs/examples/Director.Tests.ps1'
    # The example imports LvsAdmin by name, as a user's installed module would be found.
    $env:PSModulePath = (Split-Path (Split-Path $env:LVSADMIN_MODULE)) + [IO.Path]::PathSeparator + $env:PSModulePath
    Reset-IpvsTable
    Invoke-Ipvsadm -A -t 10.0.0.1:80 -s wlc
    Invoke-Ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.10:80 -m -w 5
    Invoke-Ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.11:80 -m -w 0
    Invoke-Ipvsadm -A -f 7 -s rr -p 60

    function Invoke-DirectorTest([hashtable] $Data) {
        # A nested Pester run: its result is data for this test, not part of this run's counts.
        $configuration = New-PesterConfiguration
        $configuration.Run.Container = New-PesterContainer -Path $script:testFile -Data $Data
        $configuration.Run.PassThru = $true
        $configuration.Output.Verbosity = 'None'
        Invoke-Pester -Configuration $configuration
    }
}

Describe 'docs/examples/Director.Tests.ps1' {
    It 'passes against a director that matches' {
        $result = Invoke-DirectorTest @{ Exact = $true; Expected = @{
                'TCP 10.0.0.1:80' = @{ Scheduler = 'wlc'; Persistent = $false; RealServers = @{ '192.168.1.10:80' = 5; '192.168.1.11:80' = 0 } }
                'FWM 7'           = @{ Scheduler = 'rr'; Persistent = $true; RealServers = @{} }
            }
        }
        $problems = @($result.Failed | ForEach-Object { "$($_.ExpandedPath): $($_.ErrorRecord)" }) + @($result.FailedBlocks | ForEach-Object { "$($_.ExpandedPath): $($_.ErrorRecord)" }) + @($result.FailedContainers | ForEach-Object { "$($_.Item): $($_.ErrorRecord)" })
        $problems | Should -BeNullOrEmpty
        $result.PassedCount | Should -Be 11
    }

    It 'fails on a wrong weight, a missing server, a wrong scheduler and an unexpected service' {
        $result = Invoke-DirectorTest @{ Exact = $true; Expected = @{
                'TCP 10.0.0.1:80' = @{ Scheduler = 'rr'; RealServers = @{ '192.168.1.10:80' = 1; '192.168.1.12:80' = 1 } }
            }
        }
        $result.FailedContainersCount + $result.FailedBlocksCount | Should -Be 0
        $failed = $result.Failed.ExpandedName
        $failed | Should -Contain 'has Scheduler rr'
        $failed | Should -Contain 'has exactly the expected real servers'
        $failed | Should -Contain 'gives 192.168.1.10:80 weight 1'
        $failed | Should -Contain 'gives 192.168.1.12:80 weight 1'
        $failed | Should -Contain 'has no unexpected services'
        $result.Failed.Count | Should -Be 5
    }
}
