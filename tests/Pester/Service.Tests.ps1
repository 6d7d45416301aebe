BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'New-LvsService creates what ipvsadm -Sn then shows' {
    BeforeEach { Reset-IpvsTable }

    It '<Name>' -ForEach @(
        @{ Name = 'TCP with the default scheduler'; Create = { New-LvsService -Address 10.0.0.1 -Port 80 }; Expected = '-A -t 10.0.0.1:80 -s wlc' }
        @{ Name = 'UDP, rr'; Create = { New-LvsService -Protocol Udp -Address 10.0.0.1 -Port 53 -Scheduler rr }; Expected = '-A -u 10.0.0.1:53 -s rr' }
        @{ Name = 'SCTP with a scheduler flag'; Create = { New-LvsService -Protocol Sctp -Address 10.0.0.2 -Port 5000 -Scheduler lblcr -SchedulerFlags flag-3 }; Expected = '-A --sctp-service 10.0.0.2:5000 -s lblcr -b flag-3' }
        @{ Name = 'IPv6 firewall mark'; Create = { New-LvsService -FirewallMark 5 -AddressFamily InterNetworkV6 -Scheduler rr }; Expected = '-A -f 5 -6 -s rr' }
        @{ Name = 'IPv4 firewall mark'; Create = { New-LvsService -FirewallMark 77 -Scheduler wrr }; Expected = '-A -f 77 -s wrr' }
        @{ Name = 'persistence with mask, engine and sh flags'; Create = { New-LvsService -Address 10.0.0.1 -Port 80 -Scheduler sh -SchedulerFlags sh-fallback, sh-port -PersistenceTimeout 300 -PersistenceMask 255.255.255.0 -PersistenceEngine sip }; Expected = '-A -t 10.0.0.1:80 -s sh -p 300 -M 255.255.255.0 --pe sip -b sh-fallback,sh-port' }
        @{ Name = 'IPv6 persistence prefix, one-packet, mh flag'; Create = { New-LvsService -Protocol Udp -Address 2001:db8::1 -Port 53 -Scheduler mh -SchedulerFlags mh-port -PersistenceTimeout 60 -PersistenceMask 64 -OnePacket }; Expected = '-A -u [2001:db8::1]:53 -s mh -p 60 -M 64 -o -b mh-port' }
        @{ Name = '-Persistent alone takes 360 s, as a bare ipvsadm -p'; Create = { New-LvsService -Address 10.0.0.1 -Port 443 -Persistent }; Expected = '-A -t 10.0.0.1:443 -s wlc -p 360' }
        @{ Name = 'port 0 when persistent'; Create = { New-LvsService -Address 10.0.0.1 -Port 0 -PersistenceTimeout 30 -Scheduler rr }; Expected = '-A -t 10.0.0.1:0 -s rr -p 30' }
        @{ Name = 'key text'; Create = { New-LvsService -Service 'udp [2001:db8::5]:123' -Scheduler lc }; Expected = '-A -u [2001:db8::5]:123 -s lc' }
    ) {
        & $Create
        Get-IpvsadmRules | Should -Be @($Expected)
    }

    It 'creates a service with every scheduler the kernel has (<_>)' -ForEach @('rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh') {
        New-LvsService -Address 10.0.0.9 -Port 80 -Scheduler $_
        Get-IpvsadmRules | Should -Be "-A -t 10.0.0.9:80 -s $_"
    }

    It '-PassThru returns the service as the kernel has it' {
        $service = New-LvsService -Address 10.0.0.1 -Port 80 -Scheduler rr -PersistenceTimeout 120 -PassThru
        $service | Should -BeOfType ([LvsAdmin.LvsService])
        $service.ToString() | Should -Be 'TCP 10.0.0.1:80'
        $service.Persistent | Should -BeTrue
        $service.PersistenceTimeout | Should -Be 120
    }

    It '-WhatIf changes nothing' {
        New-LvsService -Address 10.0.0.1 -Port 80 -WhatIf
        Get-IpvsadmRules | Should -BeNullOrEmpty
    }

    It 'recreates services from objects that went through Export-Clixml' {
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s sh -p 300 -M 255.255.255.0 -b sh-port
        Invoke-Ipvsadm -A -f 5 -6 -s rr
        $before = Get-IpvsadmRules
        $path = Join-Path ([IO.Path]::GetTempPath()) 'services.clixml'
        Get-LvsService | Export-Clixml -Path $path
        Reset-IpvsTable
        Import-Clixml -Path $path | New-LvsService
        Get-IpvsadmRules | Should -Be $before
    }
}

Describe 'Get-LvsService reads back what ipvsadm created, field for field' {
    BeforeAll {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s sh -b 'sh-fallback,sh-port' -p 300 -M 255.255.255.0 --pe sip
        Invoke-Ipvsadm -A -u '[2001:db8::1]:53' -s mh -b mh-port -p 60 -M 64 -o
        Invoke-Ipvsadm -A -f 5 -6 -s rr
        Invoke-Ipvsadm -A -f 4294967295 -s wrr
        Invoke-Ipvsadm -A --sctp-service 10.0.0.2:5000 -s lblcr -b flag-3
        $services = Get-LvsService
    }

    It 'lists every service in the order ipvsadm lists them' {
        # ipvsadm sorts by mark first (subtracting in an int: 4294967295 comes before 0), then family, protocol, address, port.
        $services.ForEach({ $_.ToString() }) | Should -Be @('FWM 4294967295', 'TCP 10.0.0.1:80', 'SCTP 10.0.0.2:5000', 'UDP [2001:db8::1]:53', 'FWM 5 IPv6')
    }

    It 'reads <Key>' -ForEach @(
        @{ Key = 'TCP 10.0.0.1:80'; Expected = @{ Protocol = 'Tcp'; Address = '10.0.0.1'; Port = 80; FirewallMark = 0; AddressFamily = 'InterNetwork'; Scheduler = 'sh'; Persistent = $true; PersistenceTimeout = 300; PersistenceMask = '255.255.255.0'; PersistenceEngine = 'sip'; OnePacket = $false; SchedulerFlags = 'sh-fallback sh-port' } }
        @{ Key = 'UDP [2001:db8::1]:53'; Expected = @{ Protocol = 'Udp'; Address = '2001:db8::1'; Port = 53; FirewallMark = 0; AddressFamily = 'InterNetworkV6'; Scheduler = 'mh'; Persistent = $true; PersistenceTimeout = 60; PersistenceMask = '64'; PersistenceEngine = $null; OnePacket = $true; SchedulerFlags = 'mh-port' } }
        @{ Key = 'FWM 5 IPv6'; Expected = @{ Protocol = $null; Address = $null; Port = 0; FirewallMark = 5; AddressFamily = 'InterNetworkV6'; Scheduler = 'rr'; Persistent = $false; PersistenceTimeout = 0; OnePacket = $false; SchedulerFlags = '' } }
        @{ Key = 'FWM 4294967295'; Expected = @{ FirewallMark = 4294967295; AddressFamily = 'InterNetwork'; Scheduler = 'wrr'; Persistent = $false } }
        @{ Key = 'SCTP 10.0.0.2:5000'; Expected = @{ Protocol = 'Sctp'; Address = '10.0.0.2'; Port = 5000; Scheduler = 'lblcr'; SchedulerFlags = 'flag-3' } }
    ) {
        $service = $services | Where-Object { $_.ToString() -eq $Key }
        $service | Should -HaveCount 1
        foreach ($property in $Expected.Keys) {
            $actual = $service.$property
            if ($property -eq 'SchedulerFlags') { $actual = $actual -join ' ' }
            if ($null -ne $actual -and $property -in 'Address', 'Protocol', 'AddressFamily') { $actual = $actual.ToString() }
            $actual | Should -Be $Expected[$property] -Because "$Key has $property $($Expected[$property])"
        }
    }

    It 'filters by <Name>' -ForEach @(
        @{ Name = 'protocol'; Filter = @{ Protocol = 'Udp' }; Expected = @('UDP [2001:db8::1]:53') }
        @{ Name = 'address'; Filter = @{ Address = '10.0.0.2' }; Expected = @('SCTP 10.0.0.2:5000') }
        @{ Name = 'port'; Filter = @{ Port = 80 }; Expected = @('TCP 10.0.0.1:80') }
        @{ Name = 'firewall mark'; Filter = @{ FirewallMark = 5 }; Expected = @('FWM 5 IPv6') }
        @{ Name = 'address family'; Filter = @{ AddressFamily = 'InterNetworkV6' }; Expected = @('UDP [2001:db8::1]:53', 'FWM 5 IPv6') }
        @{ Name = 'key text'; Filter = @{ Service = 'fwm 5 ipv6' }; Expected = @('FWM 5 IPv6') }
    ) {
        (Get-LvsService @Filter).ForEach({ $_.ToString() }) | Should -Be $Expected
    }

    It 'reports a named service that does not exist as ObjectNotFound, and a partial filter that matches nothing silently' {
        Get-LvsService -Protocol Tcp -Address 10.9.9.9 -Port 80 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'ServiceNotFound,LvsAdmin.Commands.GetLvsServiceCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-LvsService -Address 10.9.9.9 -ErrorVariable err2 | Should -BeNullOrEmpty
        $err2 | Should -BeNullOrEmpty
    }
}

Describe 'Set-LvsService changes only what it is given' {
    BeforeEach {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s sh -b 'sh-port' -p 300 -M 255.255.255.0
    }

    It 'changes the scheduler and drops flags that belonged to the old one' {
        Set-LvsService -Address 10.0.0.1 -Port 80 -Scheduler rr
        Get-IpvsadmRules | Should -Be '-A -t 10.0.0.1:80 -s rr -p 300 -M 255.255.255.0'
    }

    It 'turns persistence off with -PersistenceTimeout 0 and on again with -Persistent' {
        Set-LvsService -Service 'TCP 10.0.0.1:80' -PersistenceTimeout 0
        Get-IpvsadmRules | Should -Be '-A -t 10.0.0.1:80 -s sh -b sh-port'
        # A bare -p is 360 s in ipvsadm's code, and so is -Persistent.
        Set-LvsService -Service 'TCP 10.0.0.1:80' -Persistent
        Get-IpvsadmRules | Should -Be '-A -t 10.0.0.1:80 -s sh -p 360 -M 255.255.255.0 -b sh-port'
    }

    It 'sets one-packet scheduling (UDP only, as in ipvsadm), the engine and the flags' {
        Invoke-Ipvsadm -A -u 10.0.0.1:5060 -s sh -p 300
        Set-LvsService -Service 'UDP 10.0.0.1:5060' -OnePacket -PersistenceEngine sip -SchedulerFlags sh-fallback, sh-port
        Get-IpvsadmRules | Should -Contain '-A -u 10.0.0.1:5060 -s sh -p 300 --pe sip -o -b sh-fallback,sh-port'
        Set-LvsService -Service 'UDP 10.0.0.1:5060' -OnePacket:$false -PersistenceEngine '' -SchedulerFlags @()
        Get-IpvsadmRules | Should -Contain '-A -u 10.0.0.1:5060 -s sh -p 300'
        { Set-LvsService -Service 'TCP 10.0.0.1:80' -OnePacket -ErrorAction Stop } | Should -Throw -ErrorId 'OnePacketNotUdp,LvsAdmin.Commands.SetLvsServiceCommand'
    }

    It '-WhatIf changes nothing' {
        $before = Get-IpvsadmRules
        Set-LvsService -Service 'TCP 10.0.0.1:80' -Scheduler rr -WhatIf
        Get-IpvsadmRules | Should -Be $before
    }

    It '-PassThru returns the edited service' {
        (Set-LvsService -Service 'TCP 10.0.0.1:80' -Scheduler wlc -PassThru).Scheduler | Should -Be 'wlc'
    }

    It 'writes ServiceNotFound for a service that does not exist' {
        Set-LvsService -Service 'TCP 10.0.0.2:80' -Scheduler rr -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'ServiceNotFound,LvsAdmin.Commands.SetLvsServiceCommand'
    }
}

Describe 'Remove-LvsService and Clear-LvsService' {
    BeforeEach {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s rr
        Invoke-Ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.2:80 -m
        Invoke-Ipvsadm -A -f 5 -s rr
    }

    It 'removes one service with its real servers' {
        Remove-LvsService -Protocol Tcp -Address 10.0.0.1 -Port 80 -Confirm:$false
        Get-IpvsadmRules | Should -Be '-A -f 5 -s rr'
    }

    It 'removes by firewall mark, and returns what it removed with -PassThru' {
        $removed = Remove-LvsService -FirewallMark 5 -Confirm:$false -PassThru
        $removed.ToString() | Should -Be 'FWM 5'
        Get-IpvsadmRules | Should -Not -Contain '-A -f 5 -s rr'
    }

    It 'is high impact: without -Confirm:$false a non-interactive session refuses' {
        (Get-Command Remove-LvsService).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0].ConfirmImpact | Should -Be 'High'
        (Get-Command Clear-LvsService).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0].ConfirmImpact | Should -Be 'High'
    }

    It 'writes ServiceNotFound for a service that does not exist, and removes the others' {
        'TCP 10.9.9.9:80', 'FWM 5' | Remove-LvsService -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'ServiceNotFound,LvsAdmin.Commands.RemoveLvsServiceCommand'
        Get-IpvsadmRules | Should -Not -Contain '-A -f 5 -s rr'
    }

    It 'Clear-LvsService removes everything; -WhatIf nothing' {
        Clear-LvsService -WhatIf
        Get-IpvsadmRules | Should -HaveCount 3
        Clear-LvsService -Confirm:$false
        Get-IpvsadmRules | Should -BeNullOrEmpty
    }
}
