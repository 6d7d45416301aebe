BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'New-LvsRealServer creates what ipvsadm -Sn then shows' {
    BeforeEach {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s wlc
        Invoke-Ipvsadm -A -u '[2001:db8::1]:53' -s rr
        Invoke-Ipvsadm -A -f 5 -s rr
    }

    It '<Name>' -ForEach @(
        @{ Name = 'masquerade with a weight, the service port by default'; Create = { New-LvsRealServer -Service 'TCP 10.0.0.1:80' -Address 192.168.1.3 -ForwardingMethod Masquerade -Weight 5 }; Expected = '-a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 5' }
        @{ Name = 'route (the default) with weight 0'; Create = { New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.4 -Weight 0 }; Expected = '-a -t 10.0.0.1:80 -r 192.168.1.4:80 -g -w 0' }
        @{ Name = 'masquerade to another port'; Create = { New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.5 -Port 8080 -ForwardingMethod Masquerade }; Expected = '-a -t 10.0.0.1:80 -r 192.168.1.5:8080 -m -w 1' }
        @{ Name = 'GUE tunnel with port and checksum'; Create = { New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.2 -ForwardingMethod Tunnel -TunnelType Gue -TunnelPort 6080 -TunnelChecksum Checksum }; Expected = '-a -t 10.0.0.1:80 -r 192.168.1.2:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum' }
        @{ Name = 'GUE tunnel with remote checksum'; Create = { New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.6 -ForwardingMethod Tunnel -TunnelType Gue -TunnelPort 5555 -TunnelChecksum RemoteChecksum }; Expected = '-a -t 10.0.0.1:80 -r 192.168.1.6:80 -i -w 1 --tun-type gue --tun-port 5555 --tun-remcsum' }
        @{ Name = 'GRE tunnel without checksum'; Create = { New-LvsRealServer 'UDP [2001:db8::1]:53' 2001:db8::2 -ForwardingMethod Tunnel -TunnelType Gre -TunnelChecksum NoChecksum }; Expected = '-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -i -w 1 --tun-type gre --tun-nocsum' }
        @{ Name = 'IPIP tunnel (the default type)'; Create = { New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.7 -ForwardingMethod Tunnel }; Expected = '-a -t 10.0.0.1:80 -r 192.168.1.7:80 -i -w 1 --tun-type ipip' }
        @{ Name = 'an IPv4 server behind an IPv6 service, tunnelled'; Create = { New-LvsRealServer 'UDP [2001:db8::1]:53' 192.168.9.9 -ForwardingMethod Tunnel }; Expected = '-a -u [2001:db8::1]:53 -r 192.168.9.9:53 -i -w 1 --tun-type ipip' }
        @{ Name = 'a firewall-mark service takes port 0'; Create = { New-LvsRealServer 'FWM 5' 1.2.3.4 }; Expected = '-a -f 5 -r 1.2.3.4:0 -g -w 1' }
    ) {
        & $Create
        Get-IpvsadmRules | Should -Contain $Expected
    }

    It 'sets thresholds, which ipvsadm -Ln --thresholds shows' {
        New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.3 -ForwardingMethod Masquerade -UpperThreshold 100 -LowerThreshold 10
        (ipvsadm -Ln --thresholds) -match '^\s+-> 192\.168\.1\.3:80\s+100\s+10\s' | Should -HaveCount 1
    }

    It '-PassThru returns the real server as the kernel has it' {
        $server = New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.3 -Weight 7 -PassThru
        $server | Should -BeOfType ([LvsAdmin.LvsRealServer])
        $server.Service | Should -Be 'TCP 10.0.0.1:80'
        $server.Weight | Should -Be 7
    }

    It 'writes RealServerExists for a duplicate, and ServiceNotFound for a missing service' {
        New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.3
        New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.3 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'RealServerExists,LvsAdmin.Commands.NewLvsRealServerCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        New-LvsRealServer 'TCP 10.9.9.9:80' 192.168.1.3 -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -Be 'ServiceNotFound,LvsAdmin.Commands.NewLvsRealServerCommand'
    }
}

Describe 'Get-LvsRealServer reads back what ipvsadm created, field for field' {
    BeforeAll {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s sh
        Invoke-Ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.2:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
        Invoke-Ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.3 -m -w 5 -x 100 -y 10
        Invoke-Ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.4:8080 -g -w 0
        Invoke-Ipvsadm -A -u '[2001:db8::1]:53' -s mh
        Invoke-Ipvsadm -a -u '[2001:db8::1]:53' -r '[2001:db8::2]:53' -i --tun-type gre --tun-nocsum
        Invoke-Ipvsadm -a -u '[2001:db8::1]:53' -r 192.168.9.9 -i --tun-type ipip
        $servers = Get-LvsRealServer
    }

    It 'lists every real server of every service' {
        $servers.ForEach({ $_.ToString() }) | Should -Be @(
            'TCP 10.0.0.1:80 -> 192.168.1.2:80', 'TCP 10.0.0.1:80 -> 192.168.1.3:80', 'TCP 10.0.0.1:80 -> 192.168.1.4:80',
            'UDP [2001:db8::1]:53 -> 192.168.9.9:53', 'UDP [2001:db8::1]:53 -> [2001:db8::2]:53')
    }

    It 'reads <Address>' -ForEach @(
        @{ Address = '192.168.1.2'; Expected = @{ Service = 'TCP 10.0.0.1:80'; Port = 80; ForwardingMethod = 'Tunnel'; Weight = 1; TunnelType = 'Gue'; TunnelPort = 6080; TunnelChecksum = 'Checksum'; UpperThreshold = 0; LowerThreshold = 0 } }
        @{ Address = '192.168.1.3'; Expected = @{ Port = 80; ForwardingMethod = 'Masquerade'; Weight = 5; UpperThreshold = 100; LowerThreshold = 10; TunnelType = $null; TunnelPort = 0; TunnelChecksum = $null; ActiveConnections = 0; InactiveConnections = 0; PersistentConnections = 0 } }
        @{ Address = '192.168.1.4'; Expected = @{ Port = 80; ForwardingMethod = 'Route'; Weight = 0 } }
        @{ Address = '2001:db8::2'; Expected = @{ Service = 'UDP [2001:db8::1]:53'; Port = 53; AddressFamily = 'InterNetworkV6'; ForwardingMethod = 'Tunnel'; TunnelType = 'Gre'; TunnelChecksum = 'NoChecksum' } }
        @{ Address = '192.168.9.9'; Expected = @{ Service = 'UDP [2001:db8::1]:53'; AddressFamily = 'InterNetwork'; ForwardingMethod = 'Tunnel'; TunnelType = 'Ipip' } }
    ) {
        $server = $servers | Where-Object { $_.Address.ToString() -eq $Address }
        $server | Should -HaveCount 1
        foreach ($property in $Expected.Keys) {
            $actual = $server.$property
            if ($null -ne $actual -and $actual -is [enum]) { $actual = $actual.ToString() }
            $actual | Should -Be $Expected[$property] -Because "$Address has $property $($Expected[$property])"
        }
    }

    It 'filters by service, address and port' {
        (Get-LvsRealServer -Service 'UDP [2001:db8::1]:53').Count | Should -Be 2
        (Get-LvsRealServer -Address 192.168.1.3).Service | Should -Be 'TCP 10.0.0.1:80'
        (Get-LvsRealServer -Port 53).Count | Should -Be 2
    }
}

Describe 'Set-LvsRealServer and Remove-LvsRealServer' {
    BeforeEach {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s wlc
        Invoke-Ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 5
        Invoke-Ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.4:80 -g -w 1
    }

    It 'changes the weight and keeps the rest' {
        Set-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.3 -Weight 9
        Get-IpvsadmRules | Should -Contain '-a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 9'
    }

    It 'changes the forwarding method to a tunnel with its options' {
        Set-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.4 -Port 80 -ForwardingMethod Tunnel -TunnelType Gue -TunnelPort 7000
        Get-IpvsadmRules | Should -Contain '-a -t 10.0.0.1:80 -r 192.168.1.4:80 -i -w 1 --tun-type gue --tun-port 7000 --tun-nocsum'
    }

    It 'sets thresholds' {
        Set-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.4 -UpperThreshold 50 -LowerThreshold 5
        (ipvsadm -Ln --thresholds) -match '^\s+-> 192\.168\.1\.4:80\s+50\s+5\s' | Should -HaveCount 1
    }

    It '-WhatIf changes nothing' {
        $before = Get-IpvsadmRules
        Set-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.3 -Weight 0 -WhatIf
        Remove-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.3 -WhatIf
        Get-IpvsadmRules | Should -Be $before
    }

    It 'removes one real server' {
        Remove-LvsRealServer -Service 'TCP 10.0.0.1:80' -Address 192.168.1.3
        Get-IpvsadmRules | Should -Not -Contain '-a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 5'
        Get-IpvsadmRules | Should -Contain '-a -t 10.0.0.1:80 -r 192.168.1.4:80 -g -w 1'
    }

    It 'writes RealServerNotFound for a real server that does not exist' {
        Set-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.99 -Weight 2 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'RealServerNotFound,LvsAdmin.Commands.SetLvsRealServerCommand'
        Remove-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.99 -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -Be 'RealServerNotFound,LvsAdmin.Commands.RemoveLvsRealServerCommand'
    }
}
