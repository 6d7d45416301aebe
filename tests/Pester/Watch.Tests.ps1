# Watch-LvsRealServer against real servers in namespaces (busybox httpd): a killed server is held down and
# comes back, inhibited or removed, ramped up or at once, while the others are left alone; ipvsadm reads
# the table. A watch runs in a thread job while the test kills and restarts servers, and is stopped as
# Ctrl+C stops it.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Initialize-LvsTestNetwork -RealServers 3
    $script:rules = @(
        '-A -t 10.99.9.1:80 -s rr'
        '-a -t 10.99.9.1:80 -r 10.99.21.2:80 -m -w 3 -x 50 -y 10'
        '-a -t 10.99.9.1:80 -r 10.99.22.2:80 -m -w 4 -x 60 -y 20'
        '-a -t 10.99.9.1:80 -r 10.99.23.2:80 -m -w 4'
    )

    function Reset-WatchedTable {
        Set-IpvsTable $script:rules
        foreach ($n in 1..3) { if (-not (Test-Server $n)) { Start-Server $n } }
    }

    # Gone when this returns: a watch that checks at once must find the server down.
    function Stop-Server([int] $Number) { Stop-NamespaceProcess "lvsadmin-test-rs$Number" }

    function Start-Server([int] $Number) {
        ip netns exec "lvsadmin-test-rs$Number" busybox httpd -p 80 -h (Join-Path ([IO.Path]::GetTempPath()) "lvs-www$Number")
    }

    function Test-Server([int] $Number) { [bool](ip netns pids "lvsadmin-test-rs$Number") }

    function Get-Line([string] $Server) {
        # The server's line in ipvsadm -Sn; port 80 unless the server names its own.
        $endpoint = if ($Server.Contains(':')) { $Server } else { "${Server}:80" }
        @(ipvsadm -Sn) -match "-r $([regex]::Escape($endpoint)) "
    }

    function Get-Thresholds([string] $Server) {
        # ipvsadm -Sn leaves thresholds out: its listing shows them, after the method and the weight.
        $line = @(ipvsadm -Ln --thresholds -t 10.99.9.1:80) -match "-> ${Server}:80 " | Select-Object -First 1
        if ("$line" -match '\s(\d+)\s+(\d+)\s+\d+\s+\d+\s*$') { "$($Matches[1])/$($Matches[2])" }
    }

    function Get-Weight([string] $Server) { (Get-LvsRealServer -Service 'TCP 10.99.9.1:80' -Address $Server -Port 80 -ErrorAction SilentlyContinue).Weight }

    function Start-Watch([hashtable] $Options) {
        # A watch of the service's real servers in a thread job, until the job is stopped (or two minutes pass).
        $job = Start-ThreadJob {
            Import-Module $using:env:LVSADMIN_MODULE
            $options = $using:Options
            Get-LvsRealServer -Service 'TCP 10.99.9.1:80' | Watch-LvsRealServer @options -Duration 120
        }
        $job
    }

    function Stop-Watch($Job) {
        Stop-Job $Job
        $events = @(Receive-Job $Job -ErrorVariable watchErrors -ErrorAction SilentlyContinue)
        Remove-Job $Job -Force
        $script:watchErrors = @($watchErrors)
        $events
    }
}

AfterAll {
    Reset-IpvsTable
    Remove-LvsTestNetwork
}

Describe 'A killed real server, inhibited' {
    BeforeAll {
        Reset-WatchedTable
        $script:before = Get-Line 10.99.22.2
        $script:others = @((Get-Line 10.99.21.2), (Get-Line 10.99.23.2))
        $job = Start-Watch @{ Http = $true; Interval = 0.5; Fall = 2; Rise = 2; Timeout = 0.5 }
        Stop-Server 2
        $script:held = Wait-LvsResult -Probe { Get-Weight 10.99.22.2 } -Done { $args[0] -eq 0 } -Seconds 30
        $script:heldLine = Get-Line 10.99.22.2
        $script:heldThresholds = Get-Thresholds 10.99.22.2
        $script:othersWhileHeld = @((Get-Line 10.99.21.2), (Get-Line 10.99.23.2))
        Start-Server 2
        $script:back = Wait-LvsResult -Probe { Get-Weight 10.99.22.2 } -Done { $args[0] -eq 4 } -Seconds 30
        $script:events = Stop-Watch $job
        $script:mine = @($script:events | Where-Object { "$($_.Address)" -eq '10.99.22.2' })
    }

    It 'goes to weight 0, keeping its thresholds and forwarding method, while the others keep theirs' {
        $script:held | Should -Be 0
        $script:heldLine | Should -Be '-a -t 10.99.9.1:80 -r 10.99.22.2:80 -m -w 0'
        $script:heldThresholds | Should -Be '60/20'
        $script:othersWhileHeld | Should -Be $script:others
    }

    It 'gets its own weight back once it answers again, and the table is as it was' {
        $script:back | Should -Be 4
        Get-Line 10.99.22.2 | Should -Be $script:before
    }

    It 'reports the two changes of state, and nothing for the servers that stayed up' {
        @($script:mine | ForEach-Object { "$($_.PreviousState)->$($_.State) $($_.Weight)/$($_.ConfiguredWeight)" }) | Should -Be @('Up->Down 0/4', 'Down->Up 4/4')
        $script:mine[0].Message | Should -Match '10\.99\.22\.2:80'
        $script:mine[0].Check | Should -Be 'Http'
        @($script:events | Where-Object { "$($_.Address)" -ne '10.99.22.2' }) | Should -BeNullOrEmpty
        $script:watchErrors | Should -BeNullOrEmpty
    }
}

Describe 'A killed real server, removed, and ramped up when it returns' {
    BeforeAll {
        Reset-WatchedTable
        $script:before = Get-Line 10.99.21.2
        $job = Start-Watch @{ Tcp = $true; Interval = 0.5; Fall = 1; Rise = 1; Timeout = 0.5; OnFailure = 'Remove'; SlowStart = 2 }
        Stop-Server 1
        $script:gone = Wait-LvsResult -Probe { @(Get-Line 10.99.21.2).Count } -Done { $args[0] -eq 0 } -Seconds 30
        Start-Server 1
        $script:back = Wait-LvsResult -Probe { Get-Weight 10.99.21.2 } -Done { $args[0] -eq 3 } -Seconds 30
        $script:events = @(Stop-Watch $job | Where-Object { "$($_.Address)" -eq '10.99.21.2' })
    }

    It 'is deleted from the table' {
        $script:gone | Should -Be 0
        $script:events[0].State | Should -Be 'Down'
        $script:events[0].Weight | Should -BeNullOrEmpty
    }

    It 'is added back with its own settings, its weight ramped up from 1' {
        $script:back | Should -Be 3
        Get-Line 10.99.21.2 | Should -Be $script:before
        $weights = @($script:events | Select-Object -Skip 1 | ForEach-Object Weight)
        $weights[0] | Should -Be 1
        $weights[-1] | Should -Be 3
        $weights | Should -Be ($weights | Sort-Object)
        $script:events[1].PreviousState | Should -Be 'Down'
    }
}

Describe 'Rules applied with -Replace while a watch holds a server down' {
    BeforeAll {
        Reset-WatchedTable
        $job = Start-Watch @{ Tcp = $true; Interval = 0.5; Fall = 1; Rise = 1; Timeout = 0.5 }
        Stop-Server 2
        $script:held = Wait-LvsResult -Probe { Get-Weight 10.99.22.2 } -Done { $args[0] -eq 0 } -Seconds 30
        # The rules give the dead server a new weight, and another server one too.
        $script:newRules = $script:rules -replace '(-r 10\.99\.22\.2:80 -m) -w 4', '$1 -w 7' -replace '(-r 10\.99\.23\.2:80 -m) -w 4', '$1 -w 5'
        $script:drift = @(Compare-LvsRules -InputObject $script:newRules | ForEach-Object { "$($_.RealServer)" })
        $script:newRules | Import-LvsRules -Replace -Confirm:$false
        $script:afterReplace = @((Get-Weight 10.99.22.2), (Get-Weight 10.99.23.2))
        $script:driftAfter = @(Compare-LvsRules -InputObject $script:newRules)
        Start-Server 2
        $script:back = Wait-LvsResult -Probe { Get-Weight 10.99.22.2 } -Done { $args[0] -eq 7 } -Seconds 30
        Stop-Watch $job | Out-Null
    }

    It 'the comparison sees no drift in the held server, only in the other one' {
        $script:held | Should -Be 0
        $script:drift | Should -Be @('10.99.23.2:80')
    }

    It '-Replace leaves the held server down and changes the other; then the table matches the rules' {
        $script:afterReplace | Should -Be @(0, 5)
        $script:driftAfter | Should -BeNullOrEmpty
    }

    It 'the server comes back with the weight the rules gave it' {
        $script:back | Should -Be 7
    }
}

Describe 'A service that loses its quorum gets the sorry server until it has it again' {
    BeforeAll {
        Reset-WatchedTable
        $script:before = Get-IpvsadmRules
        # The servers weigh 3 + 4 + 4 = 11; below 9 - 1 the sorry server goes in, at 9 + 1 it comes out.
        $job = Start-Watch @{ Tcp = $true; Interval = 0.5; Fall = 1; Rise = 1; Timeout = 0.5; Quorum = 9; Hysteresis = 1; SorryServer = '10.99.21.2:8080' }
        Stop-Server 2
        $script:sorryIn = Wait-LvsResult -Probe { Get-Line 10.99.21.2:8080 } -Done { $args[0] } -Seconds 30
        Start-Server 2
        $script:sorryOut = Wait-LvsResult -Probe { @(Get-Line 10.99.21.2:8080).Count } -Done { $args[0] -eq 0 } -Seconds 30
        $script:events = @(Stop-Watch $job | Where-Object Port -eq 8080)
    }

    It 'goes in with weight 1 and the servers forwarding method when the healthy weight falls to 7' {
        $script:sorryIn | Should -Be '-a -t 10.99.9.1:80 -r 10.99.21.2:8080 -m -w 1'
        $script:events[0].Message | Should -Match 'quorum lost: the healthy servers. weight 7 is below 8'
    }

    It 'comes out when the dead server is back and the weight reaches 11' {
        $script:sorryOut | Should -Be 0
        @($script:events | ForEach-Object State) | Should -Be @('Up', 'Down')
        Get-IpvsadmRules | Should -Be $script:before
    }
}

Describe 'A watch killed with kill -9 while it holds a server down, and started again' {
    BeforeAll {
        Reset-WatchedTable
        Remove-Item /run/lvsadmin/holds -Recurse -Force -ErrorAction Ignore
        $script:before = Get-Line 10.99.22.2
        $script:watchScript = Join-Path ([IO.Path]::GetTempPath()) 'lvs-watch.ps1'
        Set-Content -Path $script:watchScript -Value "Import-Module '$env:LVSADMIN_MODULE'; Get-LvsRealServer -Service 'TCP 10.99.9.1:80' | Watch-LvsRealServer -Interval 0.5 -Fall 1 -Timeout 0.5 -Duration 120"
        $first = Start-Process -FilePath ([Environment]::ProcessPath) -ArgumentList (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $script:watchScript -PassThru
        Stop-Server 2
        $script:held = Wait-LvsResult -Probe { Get-Weight 10.99.22.2 } -Done { $args[0] -eq 0 } -Seconds 60
        kill -9 $first.Id
        $first.WaitForExit(10000) | Out-Null
        $script:recorded = Get-ChildItem /run/lvsadmin/holds -Filter 'net-*.json' | Get-Content -Raw | ConvertFrom-Json
        # It answers again while no watch runs; the next watch finds it at weight 0.
        Start-Server 2
        $script:events = @(Get-LvsRealServer -Service 'TCP 10.99.9.1:80' | Watch-LvsRealServer -Interval 0.5 -Rise 1 -Timeout 0.5 -Count 1)
    }

    It 'the first watch held it down and recorded it, with its own weight, under /run/lvsadmin' {
        $script:held | Should -Be 0
        @($script:recorded | ForEach-Object { "$($_.Address):$($_.Port) w$($_.Weight)" }) | Should -Be @('10.99.22.2:80 w4')
    }

    It 'the next watch gives it its own weight back, not the 0 it found, and keeps nothing held' {
        Get-Line 10.99.22.2 | Should -Be $script:before
        @($script:events | ForEach-Object { "$($_.Address) $($_.PreviousState)->$($_.State) $($_.Weight)/$($_.ConfiguredWeight)" }) | Should -Be @('10.99.22.2 Down->Up 4/4')
        Get-ChildItem /run/lvsadmin/holds -Filter 'net-*.json' | Get-Content -Raw | ConvertFrom-Json | Should -BeNullOrEmpty
    }
}

Describe 'A watch under -WhatIf, and one that starts with every server down' {
    BeforeEach { Reset-WatchedTable }

    It '-WhatIf reports the server it would take down and changes nothing' {
        $before = @(ipvsadm -Sn)
        Stop-Server 3
        $events = @(Get-LvsRealServer -Service 'TCP 10.99.9.1:80' | Watch-LvsRealServer -Fall 1 -Interval 0.5 -Timeout 0.5 -Count 1 -WhatIf)
        @($events | ForEach-Object { "$($_.Address) $($_.State) $($_.Weight): $($_.Message)" }) | Should -BeLike '10.99.23.2 Down 4: *'
        @(ipvsadm -Sn) | Should -Be $before
    }

    It '-InitialState Down holds every server down, then brings back those that pass -Rise checks' {
        Stop-Server 3
        $events = @(Get-LvsRealServer -Service 'TCP 10.99.9.1:80' | Watch-LvsRealServer -InitialState Down -Rise 1 -Interval 0.5 -Timeout 0.5 -Count 1)
        @($events | Select-Object -First 3 | ForEach-Object { "$($_.Address) $($_.PreviousState)->$($_.State)" } | Sort-Object) |
            Should -Be @('10.99.21.2 Unknown->Down', '10.99.22.2 Unknown->Down', '10.99.23.2 Unknown->Down')
        @($events | Select-Object -Skip 3 | ForEach-Object { "$($_.Address) $($_.PreviousState)->$($_.State)" } | Sort-Object) |
            Should -Be @('10.99.21.2 Down->Up', '10.99.22.2 Down->Up')
        (Get-Weight 10.99.21.2), (Get-Weight 10.99.22.2), (Get-Weight 10.99.23.2) | Should -Be @(3, 4, 0)
    }

    It 'a real server that does not exist is an ObjectNotFound error naming it' {
        $events = @(Watch-LvsRealServer -Service 'TCP 10.99.9.1:80' -Address 10.99.29.2 -Port 80 -Count 1 -Interval 0.5 -Timeout 0.5 -ErrorVariable missing -ErrorAction SilentlyContinue)
        $events | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -Be 'RealServerNotFound,LvsAdmin.Commands.WatchLvsRealServerCommand'
        "$($missing[0])" | Should -Match '10\.99\.29\.2:80'
    }
}

Describe 'A watch of a whole service: -Service alone, or a service object from the pipeline' {
    BeforeAll {
        Reset-WatchedTable
        Invoke-Ipvsadm -d -t 10.99.9.1:80 -r 10.99.23.2:80
        Stop-Server 3
        Stop-Server 2
        $job = Start-ThreadJob {
            Import-Module $using:env:LVSADMIN_MODULE
            Watch-LvsRealServer -Service 'TCP 10.99.9.1:80' -Tcp -Interval 0.5 -Fall 1 -Rise 1 -Timeout 0.5 -Duration 120
        }
        # The watch runs once it holds the stopped server 2 down; then another writer adds a server that is down.
        $script:running = Wait-LvsResult -Probe { Get-Weight 10.99.22.2 } -Done { $args[0] -eq 0 } -Seconds 60
        Start-Server 2
        Invoke-Ipvsadm -a -t 10.99.9.1:80 -r 10.99.23.2:80 -m -w 4
        $script:joinedDown = Wait-LvsResult -Probe { Get-Weight 10.99.23.2 } -Done { $args[0] -eq 0 } -Seconds 30
        Start-Server 3
        $script:joinedBack = Wait-LvsResult -Probe { Get-Weight 10.99.23.2 } -Done { $args[0] -eq 4 } -Seconds 30
        # It removes one and adds it again, with another weight.
        Invoke-Ipvsadm -d -t 10.99.9.1:80 -r 10.99.21.2:80
        Start-Sleep -Seconds 2
        Invoke-Ipvsadm -a -t 10.99.9.1:80 -r 10.99.21.2:80 -m -w 5
        Start-Sleep -Seconds 2
        Stop-Server 1
        $script:againDown = Wait-LvsResult -Probe { Get-Weight 10.99.21.2 } -Done { $args[0] -eq 0 } -Seconds 30
        $script:events = @(Stop-Watch $job)
        Start-Server 1
    }

    It 'watches a server added after it started: down at once when it fails, its own weight back when it answers' {
        $script:joinedDown | Should -Be 0
        $script:joinedBack | Should -Be 4
        @($script:events | Where-Object { "$($_.Address)" -eq '10.99.23.2' } | ForEach-Object { "$($_.PreviousState)->$($_.State) $($_.Weight)/$($_.ConfiguredWeight)" }) |
            Should -Be @('Unknown->Up 4/4', 'Up->Down 0/4', 'Down->Up 4/4')
        ($script:events | Where-Object { "$($_.Address)" -eq '10.99.23.2' } | Select-Object -First 1).Message | Should -Be 'new in the table: now watched'
    }

    It 'lets go of a server another hand removed, and watches it again, with its new weight, when it is added back' {
        $script:againDown | Should -Be 0
        @($script:events | Where-Object { "$($_.Address)" -eq '10.99.21.2' } | ForEach-Object { "$($_.PreviousState)->$($_.State) $($_.Weight)/$($_.ConfiguredWeight)" }) |
            Should -Be @('Up->Unknown /3', 'Unknown->Up 5/5', 'Up->Down 0/5')
        $script:running | Should -Be 0
        @($script:events | Where-Object { "$($_.Address)" -eq '10.99.22.2' } | ForEach-Object { "$($_.PreviousState)->$($_.State) $($_.Weight)/$($_.ConfiguredWeight)" }) |
            Should -Be @('Up->Down 0/4', 'Down->Up 4/4')
        $script:watchErrors | Should -BeNullOrEmpty
    }

    It 'takes a service object from the pipeline as every server of that service' {
        Reset-WatchedTable
        Stop-Server 3
        $events = @(Get-LvsService -Address 10.99.9.1 -Port 80 | Watch-LvsRealServer -Fall 1 -Interval 0.5 -Timeout 0.5 -Count 1)
        @($events | ForEach-Object { "$($_.Address) $($_.PreviousState)->$($_.State) $($_.Weight)" }) | Should -Be @('10.99.23.2 Up->Down 0')
        (Get-Weight 10.99.21.2), (Get-Weight 10.99.22.2), (Get-Weight 10.99.23.2) | Should -Be @(3, 4, 0)
    }

    It 'checks the servers of several services under one -ThrottleLimit, and finds each one down' {
        Set-IpvsTable ($script:rules + ($script:rules -replace '10\.99\.9\.1:80', '10.99.9.1:81'))
        Stop-Server 3
        $events = @(Get-LvsService -Address 10.99.9.1 | Watch-LvsRealServer -Fall 1 -Interval 0.5 -Timeout 0.5 -Count 1 -ThrottleLimit 1)
        @($events | ForEach-Object { "$($_.Service) $($_.Address) $($_.PreviousState)->$($_.State) $($_.Weight)" } | Sort-Object) |
            Should -Be @('TCP 10.99.9.1:80 10.99.23.2 Up->Down 0', 'TCP 10.99.9.1:81 10.99.23.2 Up->Down 0')
        Reset-WatchedTable
    }

    It 'names a service that does not exist, and watches nothing' {
        $events = @(Watch-LvsRealServer -Service 'TCP 10.99.9.9:80' -Count 1 -Interval 0.5 -ErrorVariable missing -ErrorAction SilentlyContinue)
        $events | Should -BeNullOrEmpty
        "$($missing[0])" | Should -Match '10\.99\.9\.9:80'
    }
}

Describe 'UDP, DNS and body checks' {
    BeforeAll {
        # Servers of each kind, in perl (part of every Debian system): a UDP echo, a UDP port that swallows what
        # it gets, and a DNS server that knows one A record (www.lvs.test) and answers NXDOMAIN to the rest.
        $script:udpServer = Join-Path ([IO.Path]::GetTempPath()) "lvs-udp-server-$PID.pl"
        Set-Content -Path $script:udpServer -Value @'
use strict; use IO::Socket::INET;
my ($address, $port, $mode) = @ARGV;
my $socket = IO::Socket::INET->new(LocalAddr => $address, LocalPort => $port, Proto => 'udp') or die "udp server: $!\n";
while (defined(my $peer = $socket->recv(my $datagram, 65535))) {
    if ($mode eq 'echo') { $socket->send($datagram, 0, $peer); next; }
    next unless $mode eq 'dns' && length($datagram) > 12;
    my ($id) = unpack('n', $datagram);
    my ($at, @labels) = (12);
    while ((my $length = ord(substr($datagram, $at, 1))) > 0) { push @labels, substr($datagram, $at + 1, $length); $at += 1 + $length; }
    my $question = substr($datagram, 12, $at + 5 - 12);
    my $type = unpack('n', substr($datagram, $at + 1, 2));
    my $known = join('.', @labels) eq 'www.lvs.test' && $type == 1;
    my $reply = pack('n6', $id, $known ? 0x8180 : 0x8183, 1, $known ? 1 : 0, 0, 0) . $question;
    $reply .= pack('n3 N n C4', 0xC00C, 1, 1, 60, 4, 10, 99, 9, 9) if $known;
    $socket->send($reply, 0, $peer);
}
'@
        $script:servers = @(
            @{ Namespace = 'lvsadmin-test-rs1'; Address = '10.99.21.2'; Port = 7; Mode = 'echo' }
            @{ Namespace = 'lvsadmin-test-rs2'; Address = '10.99.22.2'; Port = 7; Mode = 'echo' }
            @{ Namespace = 'lvsadmin-test-rs3'; Address = '10.99.23.2'; Port = 7; Mode = 'silent' }
            @{ Namespace = 'lvsadmin-test-rs1'; Address = '10.99.21.2'; Port = 53; Mode = 'dns' }
        )
        function Start-UdpServer([hashtable] $Server) {
            $process = Start-Process -FilePath ip -PassThru -ArgumentList 'netns', 'exec', $Server.Namespace, 'perl', $script:udpServer, $Server.Address, $Server.Port, $Server.Mode
            $listening = Wait-LvsResult -Probe { "$(ip netns exec $Server.Namespace ss -Hunl "sport = :$($Server.Port)")" } -Done { $args[0] -match $Server.Address } -Seconds 20
            $listening | Should -Match ([regex]::Escape($Server.Address)) -Because "the $($Server.Mode) server listens"
            $process
        }
        $script:running = @($script:servers | ForEach-Object { Start-UdpServer $_ })
        Set-IpvsTable ($script:rules + @(
                '-A -u 10.99.9.3:7 -s rr'
                '-a -u 10.99.9.3:7 -r 10.99.21.2:7 -m -w 2'
                '-a -u 10.99.9.3:7 -r 10.99.22.2:7 -m -w 3'
                '-a -u 10.99.9.3:7 -r 10.99.23.2:7 -m -w 4'
                '-A -u 10.99.9.2:53 -s rr'
                '-a -u 10.99.9.2:53 -r 10.99.21.2:53 -m'
                '-a -u 10.99.9.2:53 -r 10.99.22.2:53 -m'
            ))
        function Get-UdpWeight([string] $Server) { (Get-LvsRealServer -Service 'UDP 10.99.9.3:7' -Address $Server -Port 7 -ErrorAction SilentlyContinue).Weight }
    }

    AfterAll {
        $script:running | Where-Object { $_ } | ForEach-Object { Get-Process -Id $_.Id -ErrorAction Ignore } | Stop-Process -Force -ErrorAction Ignore
        foreach ($n in 1..3) { ip netns pids "lvsadmin-test-rs$n" | Where-Object { "$(Get-Content "/proc/$_/cmdline" -ErrorAction Ignore)" -match 'perl' } | ForEach-Object { kill -9 $_ 2>$null } }
        Remove-Item $script:udpServer -ErrorAction Ignore
    }

    It '-Udp -Expect: a matching echo is healthy, a port that swallows the datagram is not' {
        $results = @(Get-LvsRealServer -Service 'UDP 10.99.9.3:7' | Test-LvsRealServer -Udp -Payload 'ping 7' -Expect '^ping \d$' -Timeout 1 | Sort-Object { $_.Address.ToString() })
        $results.Healthy | Should -Be @($true, $true, $false)
        $results[0].Message | Should -Match 'replied with 6 bytes matching'
        $results[0].Latency | Should -Not -BeNullOrEmpty
        $results[2].Message | Should -Match 'no answer from 10\.99\.23\.2:7 within 1 s'
        @(Test-LvsRealServer -Service 'UDP 10.99.9.3:7' -Address 10.99.21.2 -Port 7 -Udp -Payload 'pong' -Expect '^ping').Healthy | Should -BeFalse
    }

    It '-Udp without -Expect: only a refused port fails (keepalived''s UDP_CHECK without require_reply)' {
        $silent = Test-LvsRealServer -Service 'UDP 10.99.9.3:7' -Address 10.99.23.2 -Port 7 -Udp -Timeout 1
        $silent.Healthy | Should -BeTrue
        $silent.Message | Should -Match 'no refusal'
        $closed = Test-LvsRealServer -Service 'UDP 10.99.9.3:7' -Address 10.99.22.2 -Port 9 -Udp -Timeout 2
        $closed.Healthy | Should -BeFalse
        $closed.Message | Should -Match 'refused'
    }

    It '-Dns: NOERROR is healthy; NXDOMAIN and a server without DNS are not, and the message says which' {
        $known = Test-LvsRealServer -Service 'UDP 10.99.9.2:53' -Address 10.99.21.2 -Port 53 -Dns -QueryName www.lvs.test -QueryType A -Timeout 2
        $known.Healthy | Should -BeTrue
        $known.Message | Should -Be 'A www.lvs.test: NOERROR, 1 answer record'
        $unknown = Test-LvsRealServer -Service 'UDP 10.99.9.2:53' -Address 10.99.21.2 -Port 53 -Dns -QueryName nothere.lvs.test -Timeout 2
        $unknown.Healthy | Should -BeFalse
        $unknown.Message | Should -Be 'SOA nothere.lvs.test: NXDOMAIN, 0 answer records'
        $none = Test-LvsRealServer -Service 'UDP 10.99.9.2:53' -Address 10.99.22.2 -Port 53 -Dns -Timeout 2
        $none.Healthy | Should -BeFalse
        $none.Message | Should -Match 'refused'
    }

    It '-Http -Expect: the body must match' {
        $match = Test-LvsRealServer -Service 'TCP 10.99.9.1:80' -Address 10.99.22.2 -Port 80 -Http -Expect '^rs2$'
        $match.Healthy | Should -BeTrue
        $match.Message | Should -Match "body matches '\^rs2\$'"
        $other = Test-LvsRealServer -Service 'TCP 10.99.9.1:80' -Address 10.99.22.2 -Port 80 -Http -Expect '^rs9$'
        $other.Healthy | Should -BeFalse
        $other.StatusCode | Should -Be 200
        $other.Message | Should -Match 'HTTP 200 OK, but the body does not match'
    }

    It 'names a pattern or a DNS name that cannot be used, and probes nothing' {
        { Test-LvsRealServer -Service 'UDP 10.99.9.3:7' -Address 10.99.21.2 -Port 7 -Udp -Expect '(' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ExpectInvalid,LvsAdmin.Commands.TestLvsRealServerCommand' -ExpectedMessage "*-Expect '(' is not a regular expression*"
        { Test-LvsRealServer -Service 'UDP 10.99.9.2:53' -Address 10.99.21.2 -Port 53 -Dns -QueryName "$('a' * 64).test" -ErrorAction Stop } |
            Should -Throw -ErrorId 'QueryNameInvalid,LvsAdmin.Commands.TestLvsRealServerCommand' -ExpectedMessage '*label of 64 characters*'
    }

    It 'Watch-LvsRealServer -Udp holds a server whose echo stopped at weight 0 and brings it back' {
        $job = Start-ThreadJob {
            Import-Module $using:env:LVSADMIN_MODULE
            Get-LvsRealServer -Service 'UDP 10.99.9.3:7' | Where-Object Address -ne '10.99.23.2' |
                Watch-LvsRealServer -Udp -Payload ping -Expect '^ping$' -Interval 0.5 -Fall 2 -Rise 2 -Timeout 0.5 -Duration 120
        }
        $echo = $script:running[0]
        Stop-Process -Id $echo.Id -Force
        ip netns pids lvsadmin-test-rs1 | Where-Object { "$(Get-Content "/proc/$_/cmdline" -ErrorAction Ignore)" -match 'perl.*\b7\b.*echo' } | ForEach-Object { kill -9 $_ 2>$null }
        $held = Wait-LvsResult -Probe { Get-UdpWeight 10.99.21.2 } -Done { $args[0] -eq 0 } -Seconds 30
        $otherWhileHeld = Get-UdpWeight 10.99.22.2
        $script:running[0] = Start-UdpServer $script:servers[0]
        $back = Wait-LvsResult -Probe { Get-UdpWeight 10.99.21.2 } -Done { $args[0] -eq 2 } -Seconds 30
        Stop-Job $job
        $events = @(Receive-Job $job -ErrorAction SilentlyContinue)
        Remove-Job $job -Force
        $held | Should -Be 0
        $otherWhileHeld | Should -Be 3
        $back | Should -Be 2
        $down = @($events | Where-Object { $_.Address -eq '10.99.21.2' -and $_.State -eq 'Down' })
        $down | Should -Not -BeNullOrEmpty
        $down[0].Check | Should -Be 'Udp'
        $down[0].Message | Should -Match 'no answer|refused'
    }
}

Describe 'Script checks' {
    BeforeAll {
        Reset-WatchedTable
        # A check program: its exit code comes from a file named after the address it is given; it says on
        # standard error what it was given and the network namespace it ran in.
        $script:codes = Join-Path ([IO.Path]::GetTempPath()) "lvs-check-codes-$PID"
        New-Item -ItemType Directory -Force -Path $script:codes | Out-Null
        $script:program = Join-Path $script:codes 'check.sh'
        Set-Content -Path $script:program -Value @"
#!/bin/sh
echo "`$1 `$2 `$3 `$LVS_ADDRESS `$LVS_PORT `$(readlink /proc/self/ns/net)" >&2
exit `$(cat '$script:codes'/`$1 2>/dev/null || echo 0)
"@
        chmod +x $script:program
        function Set-ExitCode([string] $Address, [int] $Code) { Set-Content -Path (Join-Path $script:codes $Address) -Value $Code }
        $script:service = 'TCP 10.99.9.1:80'
    }

    AfterAll {
        Remove-Item $script:codes -Recurse -Force -ErrorAction Ignore
    }

    It '-ScriptPath: exit 0 healthy, 1 unhealthy, 2 to 255 healthy with weight code - 2; what it wrote is the message' {
        Set-ExitCode 10.99.21.2 0
        Set-ExitCode 10.99.22.2 1
        Set-ExitCode 10.99.23.2 7
        $results = @(Get-LvsRealServer -Service $script:service | Test-LvsRealServer -ScriptPath $script:program | Sort-Object { $_.Address.ToString() })
        $results.Healthy | Should -Be @($true, $false, $true)
        $results.Weight | Should -Be @($null, $null, 5)
        $results[0].Check | Should -Be 'Script'
        $results[0].Message | Should -BeLike "exit 0: 10.99.21.2 80 $script:service 10.99.21.2 80 net:*"
        $results[1].Message | Should -BeLike 'exit 1: 10.99.22.2 *'
        $results[2].Message | Should -BeLike 'exit 7 (weight 5): *'
    }

    It '-ScriptPath runs the program in the director''s namespace (-NetworkNamespace)' {
        Set-ExitCode 10.99.21.2 0
        $result = Test-LvsRealServer -Service $script:service -Address 10.99.21.2 -Port 80 -ScriptPath $script:program -NetworkNamespace lvsadmin-test-client
        $client = ip netns exec lvsadmin-test-client readlink /proc/self/ns/net
        $result.Message | Should -Match " $([regex]::Escape($client))$"
        $own = readlink /proc/self/ns/net
        $own | Should -Not -Be $client
    }

    It '-ScriptPath: a program that does not finish in time is killed and unhealthy; one that is not there is named' {
        $slow = Join-Path $script:codes 'slow.sh'
        Set-Content -Path $slow -Value "#!/bin/sh`nsleep 30"
        chmod +x $slow
        $result = Test-LvsRealServer -Service $script:service -Address 10.99.21.2 -Port 80 -ScriptPath $slow -Timeout 0.5
        $result.Healthy | Should -BeFalse
        $result.Message | Should -Be 'the check of 10.99.21.2:80 did not finish within 0.5 s'
        @(Get-Process sleep -ErrorAction Ignore | Where-Object { "$(Get-Content "/proc/$($_.Id)/cmdline" -ErrorAction Ignore)" -match 'sleep.30' }) | Should -BeNullOrEmpty
        { Test-LvsRealServer -Service $script:service -Address 10.99.21.2 -Port 80 -ScriptPath (Join-Path $script:codes 'none.sh') -ErrorAction Stop } |
            Should -Throw -ErrorId 'ScriptNotFound,LvsAdmin.Commands.TestLvsRealServerCommand'
    }

    It '-ScriptBlock: $true, $false or a weight; a block that fails is an error that says nothing of the server' {
        $results = @(Get-LvsRealServer -Service $script:service | Test-LvsRealServer -ScriptBlock {
                param($Server)
                switch ($Server.Address.ToString()) { '10.99.21.2' { $true } '10.99.22.2' { $false } default { $Server.Port + 1 } }
            } | Sort-Object { $_.Address.ToString() })
        $results.Healthy | Should -Be @($true, $false, $true)
        $results.Weight | Should -Be @($null, $null, 81)
        $failed = @(Test-LvsRealServer -Service $script:service -Address 10.99.21.2 -Port 80 -ScriptBlock { throw 'no route to the backend' } -ErrorAction SilentlyContinue -ErrorVariable checkErrors)
        $failed | Should -BeNullOrEmpty
        $checkErrors[0].FullyQualifiedErrorId | Should -Be 'CheckFailed,LvsAdmin.Commands.TestLvsRealServerCommand'
        "$($checkErrors[0])" | Should -BeLike '*could not run*no route to the backend*'
        $slow = Test-LvsRealServer -Service $script:service -Address 10.99.21.2 -Port 80 -ScriptBlock { Start-Sleep -Seconds 30; $true } -Timeout 0.5
        $slow.Healthy | Should -BeFalse
        $slow.Message | Should -Be 'the check of 10.99.21.2:80 did not finish within 0.5 s'
        Test-LvsRealServer -Service $script:service -Address 10.99.21.2 -Port 80 -ScriptBlock { 'yes' } -ErrorAction SilentlyContinue -ErrorVariable checkErrors | Should -BeNullOrEmpty
        "$($checkErrors[0])" | Should -BeLike "*returned 'yes': return `$true, `$false or a weight*"
    }

    It 'Watch-LvsRealServer -ScriptPath sets the weight the program asks for, gives the server its own back, and holds a failing one down' {
        Reset-WatchedTable
        foreach ($address in '10.99.21.2', '10.99.22.2', '10.99.23.2') { Set-ExitCode $address 0 }
        $job = Start-Watch @{ ScriptPath = $script:program; Interval = 0.5; Fall = 2; Rise = 2; Timeout = 2 }
        Set-ExitCode 10.99.21.2 3
        $dynamic = Wait-LvsResult -Probe { Get-Weight 10.99.21.2 } -Done { $args[0] -eq 1 } -Seconds 30
        Set-ExitCode 10.99.21.2 0
        $own = Wait-LvsResult -Probe { Get-Weight 10.99.21.2 } -Done { $args[0] -eq 3 } -Seconds 30
        Set-ExitCode 10.99.22.2 1
        $held = Wait-LvsResult -Probe { Get-Weight 10.99.22.2 } -Done { $args[0] -eq 0 } -Seconds 30
        $events = Stop-Watch $job
        $dynamic | Should -Be 1
        $own | Should -Be 3
        $held | Should -Be 0
        Get-Weight 10.99.23.2 | Should -Be 4
        $messages = @($events | Where-Object { $_.Address -eq '10.99.21.2' }).Message
        $messages -match '^weight 1, as the check asks \(exit 3 \(weight 1\): 10\.99\.21\.2 80 ' | Should -Not -BeNullOrEmpty
        $messages -match '^weight 3, its own again \(exit 0' | Should -Not -BeNullOrEmpty
        $script:watchErrors | Should -BeNullOrEmpty
    }
}
