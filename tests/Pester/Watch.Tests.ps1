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

    function Stop-Server([int] $Number) { ip netns pids "lvsadmin-test-rs$Number" | ForEach-Object { kill -9 $_ 2>$null } }

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
