BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Initialize-LvsTestNetwork -RealServers 3
    $script:servers = '10.99.21.2', '10.99.22.2', '10.99.23.2'

    function Get-RequestCounts([int] $Count, [string] $Address = '10.99.9.1') {
        # Which real server answered each of Count requests, as name => count.
        $counts = @{ rs1 = 0; rs2 = 0; rs3 = 0; none = 0 }
        foreach ($answer in Invoke-LvsTestRequest -Address $Address -Count $Count) {
            if ($answer) { $counts[$answer]++ } else { $counts.none++ }
        }
        $counts
    }

    function New-WebService([string] $Scheduler, [int[]] $Weights = @(1, 1, 1), [hashtable] $Settings = @{}, [string] $Address = '10.99.9.1') {
        Reset-IpvsTable
        New-LvsService -Address $Address -Port 80 -Scheduler $Scheduler @Settings
        for ($i = 0; $i -lt 3; $i++) {
            New-LvsRealServer "TCP ${Address}:80" $script:servers[$i] -ForwardingMethod Masquerade -Weight $Weights[$i]
        }
        # The kernel keeps removed real servers for a while and brings their counters back with them.
        Reset-LvsStatistics -Service "TCP ${Address}:80"
    }
}

AfterAll {
    Reset-IpvsTable
    Remove-LvsTestNetwork
}

Describe 'Real requests through virtual services built with the cmdlets' {
    It 'rr spreads requests evenly' {
        New-WebService rr
        $counts = Get-RequestCounts 12
        $counts.none | Should -Be 0
        $counts.rs1, $counts.rs2, $counts.rs3 | Should -Be @(4, 4, 4)
    }

    It 'wrr follows the weights' {
        New-WebService wrr -Weights 1, 2, 3
        # Two rounds of the weights' sum.
        $counts = Get-RequestCounts 12
        $counts.rs1, $counts.rs2, $counts.rs3 | Should -Be @(2, 4, 6)
    }

    It 'a weight of 0 drains a server while the service keeps answering' {
        New-WebService rr
        Get-LvsRealServer -Address 10.99.21.2 | Set-LvsRealServer -Weight 0
        $counts = Get-RequestCounts 12
        $counts.none | Should -Be 0
        $counts.rs1 | Should -Be 0
        $counts.rs2, $counts.rs3 | Should -Be @(6, 6)
    }

    It 'persistence keeps a client on one server' {
        New-WebService rr -Settings @{ PersistenceTimeout = 60 }
        $counts = Get-RequestCounts 9
        $counts.none | Should -Be 0
        @($counts.rs1, $counts.rs2, $counts.rs3) | Sort-Object | Should -Be @(0, 0, 9)
        Get-LvsRealServer | Measure-Object PersistentConnections -Sum | ForEach-Object Sum | Should -Be 1
    }

    It 'direct routing delivers' {
        Reset-IpvsTable
        ip -n lvsadmin-test-rs1 addr add 10.99.9.2/32 dev lo 2>$null
        New-LvsService -Address 10.99.9.2 -Port 80 -Scheduler rr
        New-LvsRealServer 'TCP 10.99.9.2:80' 10.99.21.2 -ForwardingMethod Route
        Invoke-LvsTestRequest -Address 10.99.9.2 | Should -Be 'rs1'
    }

    It 'IPIP tunnelling delivers' {
        Reset-IpvsTable
        ip -n lvsadmin-test-rs2 link set tunl0 up
        ip -n lvsadmin-test-rs2 addr add 10.99.9.3/32 dev tunl0 2>$null
        ip netns exec lvsadmin-test-rs2 sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0
        New-LvsService -Address 10.99.9.3 -Port 80 -Scheduler rr
        New-LvsRealServer 'TCP 10.99.9.3:80' 10.99.22.2 -ForwardingMethod Tunnel
        Invoke-LvsTestRequest -Address 10.99.9.3 | Should -Be 'rs2'
    }
}

Describe 'Statistics and connections' {
    BeforeAll {
        # A virtual address of its own, so that earlier tests' connections (still in TIME_WAIT) are not counted.
        $script:service = 'TCP 10.99.9.4:80'
        New-WebService rr -Address 10.99.9.4
        $script:answers = Get-RequestCounts 6 -Address 10.99.9.4
        $script:connections = Wait-LvsConnectionCount -Service $script:service -AtLeast 6
    }

    It 'counts the connections, packets and bytes of the service and of each real server' {
        $script:answers.none | Should -Be 0
        # Every answered request is a connection; a client that gave up on a slow first attempt (seen under
        # load in the test kernel) and tried again made one more.
        $script:connections | Should -BeGreaterOrEqual 6
        $service = Get-LvsService -Service $script:service
        $service.Statistics.InPackets | Should -BeGreaterThan 0
        $service.Statistics.InBytes | Should -BeGreaterThan 0
        $service.Statistics.OutBytes | Should -BeGreaterThan 0
        $servers = Get-LvsRealServer -Service $script:service
        $counts = $servers.ForEach({ $_.Statistics.Connections })
        ($counts | Measure-Object -Sum).Sum | Should -Be $service.Statistics.Connections
        ($counts | Measure-Object -Minimum).Minimum | Should -BeGreaterOrEqual 2 -Because 'rr gives each of the three servers its turn'
        ($counts | Measure-Object -Maximum).Maximum - ($counts | Measure-Object -Minimum).Minimum | Should -BeLessOrEqual 1
        ($servers | ForEach-Object { $_.Statistics.OutBytes } | Measure-Object -Sum).Sum | Should -Be $service.Statistics.OutBytes
    }

    It 'agrees with ipvsadm --stats' {
        $line = (ipvsadm -Ln --stats --exact) -match '^TCP\s+10\.99\.9\.4:80\s'
        $fields = -split $line[0]
        $service = Get-LvsService -Service $script:service
        $fields[2..6] | Should -Be @($service.Statistics.Connections, $service.Statistics.InPackets, $service.Statistics.OutPackets, $service.Statistics.InBytes, $service.Statistics.OutBytes)
    }

    It 'Get-LvsConnection shows the client''s connections, as ipvsadm -Lcn does' {
        $connections = @(Get-LvsConnection -Service $script:service)
        $connections.Count | Should -Be 6
        $connections.ClientAddress.ForEach({ $_.ToString() }) | Sort-Object -Unique | Should -Be '10.99.1.2'
        $connections.RealServerAddress.ForEach({ $_.ToString() }) | Sort-Object -Unique | Should -Be $script:servers
        $ours = $connections | ForEach-Object { "$($_.Protocol) $($_.State) $($_.ClientAddress):$($_.ClientPort) $($_.VirtualAddress):$($_.VirtualPort) $($_.RealServerAddress):$($_.RealServerPort)" } | Sort-Object
        $theirs = ipvsadm -Lcn | Select-Object -Skip 2 | ForEach-Object { $f = -split $_; "$($f[0]) $($f[2]) $($f[3]) $($f[4]) $($f[5])" } | Where-Object { $_ -like '* 10.99.9.4:80 *' } | Sort-Object
        $ours | Should -Be $theirs
        @(Get-LvsConnection -Service $script:service -RealServerAddress 10.99.22.2).Count | Should -Be 2
        @(Get-LvsConnection -ClientAddress 10.99.1.99).Count | Should -Be 0
        Get-LvsConnection -Service $script:service | Format-Table | Out-String | Should -Match '10\.99\.1\.2:\d+\s+10\.99\.9\.4:80\s+10\.99\.2\d\.2:80'
    }

    It 'Get-LvsConnection -Service of a port-0 persistent service shows its connections, not only the templates' {
        New-LvsService -Address 10.99.9.6 -Port 0 -PersistenceTimeout 60 -Scheduler rr
        New-LvsRealServer 'TCP 10.99.9.6:0' 10.99.21.2 -ForwardingMethod Masquerade
        Invoke-LvsTestRequest -Address 10.99.9.6 | Should -Be 'rs1'
        $ours = @(Get-LvsConnection -Service 'TCP 10.99.9.6:0')
        $ours.VirtualPort | Should -Contain 80
        $ours.VirtualPort | Should -Contain 0 -Because 'the persistence template has the service''s port 0'
        $theirs = @(ipvsadm -Lcn | Where-Object { $_ -match ' 10\.99\.9\.6:\d+ ' })
        $ours.Count | Should -Be $theirs.Count
        Remove-LvsService -Service 'TCP 10.99.9.6:0' -Confirm:$false
    }

    It 'Reset-LvsStatistics zeroes the counters' {
        Reset-LvsStatistics -Service $script:service
        $service = Get-LvsService -Service $script:service
        $service.Statistics.Connections | Should -Be 0
        $service.Statistics.InBytes | Should -Be 0
        (Get-LvsRealServer -Service $script:service).ForEach({ $_.Statistics.Connections }) | Should -Be @(0, 0, 0)
    }
}

Describe 'Connection synchronisation between two directors' {
    BeforeAll {
        # The backup director: its own namespace, joined to the master by a link for the sync multicast.
        ip netns add lvsadmin-test-backup
        ip link add lvs-sync type veth peer name sync0 netns lvsadmin-test-backup
        ip addr add 10.99.3.1/24 dev lvs-sync
        ip link set lvs-sync up
        ip -n lvsadmin-test-backup addr add 10.99.3.2/24 dev sync0
        ip -n lvsadmin-test-backup link set sync0 up
        ip -n lvsadmin-test-backup link set lo up
        ip netns add lvsadmin-test-idle
        ip -n lvsadmin-test-idle link set lo up
        foreach ($director in 'lvsadmin-test-backup', 'lvsadmin-test-idle') {
            New-LvsService -Address 10.99.9.1 -Port 80 -Scheduler rr -NetworkNamespace $director
            $script:servers | ForEach-Object { New-LvsRealServer 'TCP 10.99.9.1:80' $_ -ForwardingMethod Masquerade -NetworkNamespace $director }
        }
        New-WebService rr
        Start-LvsSyncDaemon -State Master -Interface lvs-sync -SyncId 9
        Start-LvsSyncDaemon -State Backup -Interface sync0 -SyncId 9 -NetworkNamespace lvsadmin-test-backup
    }

    AfterAll {
        Stop-LvsSyncDaemon -State Master -ErrorAction SilentlyContinue
        ip netns delete lvsadmin-test-backup
        ip netns delete lvsadmin-test-idle
    }

    It 'lists the daemons as ipvsadm does' {
        $master = Get-LvsSyncDaemon
        "$($master.State) $($master.Interface) $($master.SyncId) $($master.Group) $($master.Port) $($master.Ttl)" | Should -Be 'Master lvs-sync 9 224.0.0.81 8848 1'
        ipvsadm -Ln --daemon | Should -BeLike "master sync daemon (mcast=lvs-sync, syncid=9, maxlen=$($master.MaxLength), group=224.0.0.81, port=8848, ttl=1)"
        (Get-LvsSyncDaemon -NetworkNamespace lvsadmin-test-backup).State | Should -Be 'Backup'
    }

    It 'the backup receives the master''s connections; a director without a daemon does not' {
        $answers = Get-RequestCounts 3
        $answers.none | Should -Be 0
        $synced = Wait-LvsResult -Seconds 20 -Probe { @(Get-LvsConnection -NetworkNamespace lvsadmin-test-backup -ClientAddress 10.99.1.2) } -Done { param($rows) $rows.Count -ge 3 }
        $synced.Count | Should -BeGreaterOrEqual 3
        $synced.VirtualAddress.ForEach({ $_.ToString() }) | Sort-Object -Unique | Should -Be '10.99.9.1'
        @(Get-LvsConnection -NetworkNamespace lvsadmin-test-idle).Count | Should -Be 0
    }

    It 'Stop-LvsSyncDaemon stops it' {
        Stop-LvsSyncDaemon -State Backup -NetworkNamespace lvsadmin-test-backup
        Get-LvsSyncDaemon -NetworkNamespace lvsadmin-test-backup | Should -BeNullOrEmpty
    }

    It 'refuses a group that is not multicast, naming it' {
        { Start-LvsSyncDaemon -State Backup -Interface lvs-sync -Group 10.0.0.1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidMulticastGroup,LvsAdmin.Commands.StartLvsSyncDaemonCommand' -ExpectedMessage "'10.0.0.1' is not a multicast group address*"
        Get-LvsSyncDaemon -State Backup | Should -BeNullOrEmpty
    }
}
