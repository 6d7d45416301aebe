BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'Get-LvsTimeout and Set-LvsTimeout' {
    BeforeEach { Invoke-Ipvsadm --set 900 120 300 }

    It 'reads what ipvsadm --timeout shows' {
        Invoke-Ipvsadm --set 901 121 301
        $timeout = Get-LvsTimeout
        "Timeout (tcp tcpfin udp): $($timeout.Tcp) $($timeout.TcpFin) $($timeout.Udp)" | Should -Be (ipvsadm -Ln --timeout)
    }

    It 'sets only the timeouts it is given' {
        Set-LvsTimeout -TcpFin 60
        ipvsadm -Ln --timeout | Should -Be 'Timeout (tcp tcpfin udp): 900 60 300'
        (Set-LvsTimeout -Tcp 3600 -Udp 30 -PassThru).Tcp | Should -Be 3600
        ipvsadm -Ln --timeout | Should -Be 'Timeout (tcp tcpfin udp): 3600 60 30'
    }

    It 'takes its values from a timeout object in the pipeline' {
        [pscustomobject]@{ Tcp = 1000; TcpFin = 100; Udp = 100 } | Set-LvsTimeout
        ipvsadm -Ln --timeout | Should -Be 'Timeout (tcp tcpfin udp): 1000 100 100'
    }

    It '-WhatIf changes nothing' {
        Set-LvsTimeout -Tcp 5 -WhatIf
        ipvsadm -Ln --timeout | Should -Be 'Timeout (tcp tcpfin udp): 900 120 300'
    }

    It 'asks for at least one timeout' {
        { Set-LvsTimeout -ErrorAction Stop } | Should -Throw -ErrorId 'TimeoutMissing,LvsAdmin.Commands.SetLvsTimeoutCommand'
    }
}

Describe 'Reset-LvsStatistics' {
    BeforeEach {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s rr
    }

    It 'zeroes one service, or all' {
        { Reset-LvsStatistics -Service 'TCP 10.0.0.1:80' -ErrorAction Stop } | Should -Not -Throw
        { Reset-LvsStatistics -ErrorAction Stop } | Should -Not -Throw
    }

    It 'writes ServiceNotFound for a service that does not exist' {
        Reset-LvsStatistics -Service 'TCP 10.0.0.9:80' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'ServiceNotFound,LvsAdmin.Commands.ResetLvsStatisticsCommand'
    }
}

Describe 'Tab completion' {
    BeforeAll {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s rr
        Invoke-Ipvsadm -A -f 5 -s rr
    }

    It 'completes scheduler names' {
        $line = 'New-LvsService -Scheduler wl'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'wlc'
    }

    It 'completes services from the live table' {
        $line = 'Get-LvsRealServer -Service TCP'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be "'TCP 10.0.0.1:80'"
    }
}
