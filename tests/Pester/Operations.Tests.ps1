BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Initialize-LvsTestNetwork -RealServers 3
    $script:servers = '10.99.21.2', '10.99.22.2', '10.99.23.2'

    function Start-HeldConnection([string] $Address, [int] $Port = 80) {
        # A client connection that stays open (nc's standard input is held) until the process is killed.
        $start = [System.Diagnostics.ProcessStartInfo]::new('ip', "netns exec lvsadmin-test-client busybox nc $Address $Port")
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        [System.Diagnostics.Process]::Start($start)
    }

    function Get-BusyServer([string] $Service) {
        # The real server that took the held connection, once the kernel counts it as active.
        $busy = Wait-LvsResult -Probe { @(Get-LvsRealServer -Service $Service | Where-Object ActiveConnections -gt 0) } -Done { param($rows) $rows.Count -eq 1 }
        $busy | Should -HaveCount 1
        $busy[0]
    }

    function Start-Background([string] $Namespace, [string[]] $Command) {
        # A server process in a namespace, run by ip netns exec (which execs it: the pid is the server's).
        Start-Process -FilePath ip -ArgumentList (@('netns', 'exec', $Namespace) + $Command) -PassThru -RedirectStandardOutput /dev/null -RedirectStandardError (Join-Path ([IO.Path]::GetTempPath()) "lvs-$Namespace-$($Command[0]).err")
    }
}

AfterAll {
    Reset-IpvsTable
    Remove-LvsTestNetwork
}

Describe 'Remove-LvsRealServer -Drain and Wait-LvsRealServer with a client holding a connection' {
    BeforeAll { $script:port = 7000 }

    BeforeEach {
        # A virtual port of its own per test: a real server removed with connections left is kept by the
        # kernel and comes back, counters and all, when the same service adds it again.
        Reset-IpvsTable
        $script:port++
        $script:service = "TCP 10.99.9.7:$script:port"
        New-LvsService -Address 10.99.9.7 -Port $script:port -Scheduler rr
        $script:servers[0..1] | ForEach-Object { New-LvsRealServer $script:service $_ -Port 80 -ForwardingMethod Masquerade }
        $script:client = Start-HeldConnection 10.99.9.7 $script:port
        $script:busy = Get-BusyServer $script:service
        $script:idle = Get-LvsRealServer -Service $script:service | Where-Object { $_.Address -ne $script:busy.Address }
    }

    AfterEach {
        if (-not $script:client.HasExited) { $script:client.Kill() }
        $script:client.WaitForExit(30000) | Out-Null
    }

    It 'waits until the connection closes, then removes the server' {
        # The client goes away by itself a little later, after a mark that it is about to; the drain must still
        # be waiting then. (Its socket closes before the process is reaped: HasExited can still be false.)
        $killing = Join-Path $TestDrive 'killing'
        Start-Process -FilePath sh -ArgumentList "-c `"sleep 3; touch '$killing'; kill $($script:client.Id)`"" | Out-Null
        $removed = $script:busy | Remove-LvsRealServer -Drain -Timeout 60 -PassThru
        $killing | Should -Exist -Because 'the server had an active connection until the client was killed'
        $removed.Address | Should -Be $script:busy.Address
        $removed.Weight | Should -Be 0
        $removed.ActiveConnections | Should -Be 0
        Get-LvsRealServer -Service $script:service | ForEach-Object Address | Should -Be $script:idle.Address
        (Get-LvsRealServer -Service $script:service).Weight | Should -Be 1
    }

    It 'on timeout leaves the server at weight 0 and names it in the error; -Force removes it' {
        $busy = $script:busy
        Remove-LvsRealServer -Service $script:service -Address $busy.Address -Drain -Timeout 1 -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'RealServerDrainTimeout,LvsAdmin.Commands.RemoveLvsRealServerCommand'
        $failed[0].Exception.Message | Should -BeLike "*$($busy.Address):80 still has 1 active*weight 0*"
        $failed[0].TargetObject.Address | Should -Be $busy.Address
        $left = Get-LvsRealServer -Service $script:service -Address $busy.Address
        $left.Weight | Should -Be 0
        $left.ActiveConnections | Should -Be 1

        $busy | Remove-LvsRealServer -Drain -Timeout 0 -Force -WarningVariable warned -WarningAction SilentlyContinue
        $warned[0].Message | Should -BeLike "*$($busy.Address):80 with 1 active*"
        Get-LvsRealServer -Service $script:service -Address $busy.Address -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Wait-LvsRealServer emits the idle server at once and reports the busy one; the table is unchanged' {
        $before = Get-IpvsadmRules
        $done = Get-LvsRealServer -Service $script:service | Wait-LvsRealServer -Timeout 1 -ErrorVariable failed -ErrorAction SilentlyContinue
        $done | ForEach-Object Address | Should -Be $script:idle.Address
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'RealServerDrainTimeout,LvsAdmin.Commands.WaitLvsRealServerCommand'
        $failed[0].Exception.Message | Should -BeLike "*$($script:busy.Address):80 still has 1 active*"
        Get-IpvsadmRules | Should -Be $before
    }

    It 'with -IncludeInactive, a closed connection still counts until it leaves the table' {
        $script:client.Kill()
        $script:client.WaitForExit(30000) | Out-Null
        $closed = Wait-LvsResult -Probe { Get-LvsRealServer -Service $script:service -Address $script:busy.Address } -Done { param($server) $server.ActiveConnections -eq 0 }
        $closed.InactiveConnections | Should -BeGreaterThan 0 -Because 'the closed connection waits in FIN_WAIT or TIME_WAIT'
        (Wait-LvsRealServer -Service $script:service -Address $script:busy.Address -Timeout 5).Address | Should -Be $script:busy.Address
        Wait-LvsRealServer -Service $script:service -Address $script:busy.Address -IncludeInactive -Timeout 1 -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].Exception.Message | Should -BeLike '*still has 0 active and * inactive*'
    }

    It '-WhatIf drains nothing' {
        $script:busy | Remove-LvsRealServer -Drain -WhatIf
        (Get-LvsRealServer -Service $script:service -Address $script:busy.Address).Weight | Should -Be 1
    }
}

Describe 'Draining one address across many services' {
    It 'removes it from every service at once and leaves the others' {
        Reset-IpvsTable
        foreach ($port in 81..85) {
            New-LvsService -Address 10.99.9.7 -Port $port -Scheduler rr
            $script:servers | ForEach-Object { New-LvsRealServer "TCP 10.99.9.7:$port" $_ -ForwardingMethod Masquerade }
        }
        $removed = @(Get-LvsRealServer -Address 10.99.22.2 | Remove-LvsRealServer -Drain -Timeout 30 -PassThru)
        $removed | Should -HaveCount 5
        Get-LvsRealServer -Address 10.99.22.2 | Should -BeNullOrEmpty
        @(Get-LvsRealServer).Count | Should -Be 10
    }

    It 'a server that is not there is an ObjectNotFound error' {
        Wait-LvsRealServer -Service 'TCP 10.99.9.7:81' -Address 10.99.22.2 -Port 80 -Timeout 1 -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Be 'RealServerNotFound,LvsAdmin.Commands.WaitLvsRealServerCommand'
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Test-LvsRealServer against real servers in their namespaces' {
    BeforeAll {
        Reset-IpvsTable
        $script:web = 'TCP 10.99.9.8:8080'
        New-LvsService -Address 10.99.9.8 -Port 8080 -Scheduler rr
        $script:daemons = foreach ($n in 1..3) {
            $root = Join-Path ([IO.Path]::GetTempPath()) "lvs-www$n"
            Start-Background "lvsadmin-test-rs$n" 'busybox', 'httpd', '-f', '-p', '8080', '-h', $root
            New-LvsRealServer $script:web $script:servers[$n - 1] -Port 8080 -ForwardingMethod Masquerade
        }
        # A TLS server with a self-signed certificate, as many real servers have.
        $script:tls = Join-Path ([IO.Path]::GetTempPath()) 'lvs-tls'
        New-Item -ItemType Directory -Force -Path $script:tls | Out-Null
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=www.example.test' -keyout "$script:tls/key.pem" -out "$script:tls/cert.pem" 2>$null
        $script:tlsDaemon = Start-Background 'lvsadmin-test-rs2' 'openssl', 's_server', '-www', '-accept', '8443', '-cert', "$script:tls/cert.pem", '-key', "$script:tls/key.pem"
        New-LvsService -Address 10.99.9.8 -Port 443 -Scheduler rr
        New-LvsRealServer 'TCP 10.99.9.8:443' 10.99.22.2 -Port 8443 -ForwardingMethod Masquerade
        Wait-LvsResult -Probe { Test-LvsRealServer -Service 'TCP 10.99.9.8:443' -Address 10.99.22.2 -Timeout 1 } -Done { param($result) $result.Healthy } | Out-Null
        Wait-LvsResult -Probe { @(Get-LvsRealServer -Service $script:web | Test-LvsRealServer -Timeout 1 | Where-Object Healthy) } -Done { param($rows) $rows.Count -eq 3 } | Out-Null
        # The third web server stops: its port is then closed.
        $script:daemons[2] | Stop-Process
        Wait-LvsResult -Probe { Test-LvsRealServer -Service $script:web -Address 10.99.23.2 -Timeout 1 } -Done { param($result) -not $result.Healthy } | Out-Null
    }

    AfterAll {
        @($script:daemons) + $script:tlsDaemon | Where-Object { -not $_.HasExited } | Stop-Process
    }

    It 'over TCP: the running servers are healthy with a latency, the stopped one unhealthy with the reason' {
        $results = Get-LvsRealServer -Service $script:web | Test-LvsRealServer -Tcp
        $results | Should -HaveCount 3
        $results | ForEach-Object { "$($_.Address)" } | Should -Be $script:servers -Because 'results come in the order the servers came'
        $results.Check | Sort-Object -Unique | Should -Be 'Tcp'
        $results[0..1].Healthy | Should -Be @($true, $true)
        $results[0..1].ForEach({ $_.Latency -gt [TimeSpan]::Zero }) | Should -Be @($true, $true)
        $results[2].Healthy | Should -BeFalse
        $results[2].Latency | Should -BeNullOrEmpty
        $results[2].Message | Should -BeLike '*10.99.23.2:8080*refused*'
        $results[2].Port | Should -Be 8080
        $results[2].Service | Should -Be $script:web
    }

    It 'over HTTP: status, latency and the reason for an unhealthy server' {
        $results = Get-LvsRealServer -Service $script:web | Test-LvsRealServer -Http
        $results[0].Healthy | Should -BeTrue
        $results[0].StatusCode | Should -Be 200
        $results[0].Message | Should -BeLike 'GET /: HTTP 200*'
        $results[0].Latency | Should -BeGreaterThan ([TimeSpan]::Zero)
        $results[2].Healthy | Should -BeFalse
        $results[2].StatusCode | Should -BeNullOrEmpty
        $results[2].Message | Should -BeLike '*refused*'

        $missing = Test-LvsRealServer -Service $script:web -Address 10.99.21.2 -Http -Path /no-such-page
        $missing.Healthy | Should -BeFalse
        $missing.StatusCode | Should -Be 404
        $missing.Message | Should -BeLike 'GET /no-such-page: HTTP 404*expected 2xx'
        (Test-LvsRealServer -Service $script:web -Address 10.99.21.2 -Http -Path /no-such-page -StatusCode 404).Healthy | Should -BeTrue
    }

    It 'over HTTPS: a self-signed certificate is refused unless -SkipCertificateCheck' {
        $checked = Test-LvsRealServer -Service 'TCP 10.99.9.8:443' -Address 10.99.22.2 -Https
        $checked.Healthy | Should -BeFalse
        $checked.Message | Should -BeLike '*certificate*'
        $relaxed = Test-LvsRealServer -Service 'TCP 10.99.9.8:443' -Address 10.99.22.2 -Https -SkipCertificateCheck -HostHeader www.example.test
        $relaxed.Healthy | Should -BeTrue
        $relaxed.StatusCode | Should -Be 200
        $relaxed.Check | Should -Be 'Https'
        $relaxed.Port | Should -Be 8443
    }

    It 'its results drive Set-LvsRealServer, also after remoting' {
        Get-LvsRealServer -Service $script:web | Test-LvsRealServer -Http | Where-Object -Not Healthy | Set-LvsRealServer -Weight 0
        (Get-LvsRealServer -Service $script:web).Weight | Should -Be @(1, 1, 0)
        Set-LvsRealServer -Service $script:web -Address 10.99.23.2 -Weight 1
        Get-LvsRealServer -Service $script:web | Test-LvsRealServer | ConvertTo-Deserialized | Where-Object -Not Healthy | Set-LvsRealServer -Weight 0
        (Get-LvsRealServer -Service $script:web).Weight | Should -Be @(1, 1, 0)
        Get-LvsRealServer -Service $script:web | Test-LvsRealServer | Where-Object -Not Healthy | Select-Object -ExpandProperty Address | Should -Be ([IPAddress] '10.99.23.2')
    }

    It 'a firewall-mark real server (port 0) needs -Port, and keeps its own port in the result' {
        New-LvsService -FirewallMark 8 -Scheduler rr
        New-LvsRealServer 'FWM 8' 10.99.21.2 -ForwardingMethod Masquerade
        Get-LvsRealServer -Service 'FWM 8' | Test-LvsRealServer -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Be 'ProbePortMissing,LvsAdmin.Commands.TestLvsRealServerCommand'
        $result = Get-LvsRealServer -Service 'FWM 8' | Test-LvsRealServer -Http -Port 8080
        $result.Healthy | Should -BeTrue
        $result.Port | Should -Be 0
        $result.Message | Should -BeLike '*HTTP 200*'
        Remove-LvsService -Service 'FWM 8' -Confirm:$false
    }

    It 'probes from the network namespace given' {
        (Test-LvsRealServer -Service $script:web -Address 127.0.0.1 -Port 8080 -NetworkNamespace lvsadmin-test-rs1 -Http).Healthy | Should -BeTrue
        (Test-LvsRealServer -Service $script:web -Address 127.0.0.1 -Port 8080).Healthy | Should -BeFalse
    }

    It 'gives up after -Timeout on a server that does not answer' {
        $result = Test-LvsRealServer -Service $script:web -Address 10.99.21.99 -Port 8080 -Timeout 0.5
        $result.Healthy | Should -BeFalse
        $result.Message | Should -Be 'no answer from 10.99.21.99:8080 within 0.5 s'
    }

    It 'probes many servers in parallel within the throttle, in input order' {
        $targets = foreach ($i in 1..20) { [pscustomobject]@{ Service = $script:web; Address = [IPAddress] $script:servers[$i % 2]; Port = 8080 } }
        $results = $targets | Test-LvsRealServer -Http -ThrottleLimit 4
        $results | Should -HaveCount 20
        $results | ForEach-Object { "$($_.Address)" } | Should -Be ($targets | ForEach-Object { "$($_.Address)" })
        $results.Healthy | Sort-Object -Unique | Should -Be $true
    }
}
