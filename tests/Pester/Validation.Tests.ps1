BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'Bad input: a clear error naming what is wrong, and nothing changed in the kernel' {
    BeforeAll {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s wlc
        Invoke-Ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 5
        Invoke-Ipvsadm -A -u '[2001:db8::1]:53' -s rr
        $script:before = Get-IpvsadmRules
    }

    AfterEach {
        Get-IpvsadmRules | Should -Be $script:before -Because 'a refused change leaves the table as it was'
    }

    It '<Name>' -ForEach @(
        @{ Name = 'a bad address'; Run = { New-LvsService -Address 10.0.0.300 -Port 80 }; ErrorId = 'ParameterArgumentTransformationError,LvsAdmin.Commands.NewLvsServiceCommand'; Message = "*'10.0.0.300' is not an IPv4 or IPv6 address*" }
        @{ Name = 'a bad real-server address'; Run = { New-LvsRealServer 'TCP 10.0.0.1:80' 'server-one' }; ErrorId = 'ParameterArgumentTransformationError,LvsAdmin.Commands.NewLvsRealServerCommand'; Message = "*'server-one' is not an IPv4 or IPv6 address*" }
        @{ Name = 'a port out of range'; Run = { New-LvsService -Address 10.0.0.2 -Port 70000 }; ErrorId = 'CannotConvertArgumentNoMessage,LvsAdmin.Commands.NewLvsServiceCommand'; Message = "*Port*70000*" }
        @{ Name = 'bad service text'; Run = { New-LvsRealServer -Service 'TCP 10.0.0.1' -Address 192.168.1.9 }; ErrorId = 'ParameterArgumentTransformationError,LvsAdmin.Commands.NewLvsRealServerCommand'; Message = "*'10.0.0.1' has no port*" }
        @{ Name = 'port 0 on a service that is not persistent'; Run = { New-LvsService -Address 10.0.0.2 -Port 0 }; ErrorId = 'ZeroPortNotPersistent,LvsAdmin.Commands.NewLvsServiceCommand'; Message = 'Zero port specified for non-persistent service TCP 10.0.0.2:0*' }
        @{ Name = 'a scheduler name that cannot be one'; Run = { New-LvsService -Address 10.0.0.2 -Port 80 -Scheduler 'Round Robin' }; ErrorId = 'InvalidScheduler,LvsAdmin.Commands.NewLvsServiceCommand'; Message = "'Round Robin' is not a scheduler name*" }
        @{ Name = 'a scheduler the kernel does not have'; Run = { New-LvsService -Address 10.0.0.2 -Port 80 -Scheduler twos }; ErrorId = 'SchedulerNotFound,LvsAdmin.Commands.NewLvsServiceCommand'; Message = '*no such scheduler or persistence engine*' }
        @{ Name = 'a scheduler flag of another scheduler'; Run = { New-LvsService -Address 10.0.0.2 -Port 80 -Scheduler rr -SchedulerFlags sh-port }; ErrorId = 'IncompatibleSchedulerFlag,LvsAdmin.Commands.NewLvsServiceCommand'; Message = "The scheduler flag 'sh-port' belongs to the sh scheduler, not to rr." }
        @{ Name = 'an IPv6 prefix on an IPv4 service'; Run = { New-LvsService -Address 10.0.0.2 -Port 80 -PersistenceTimeout 60 -PersistenceMask 64 }; ErrorId = 'InvalidPersistenceMask,LvsAdmin.Commands.NewLvsServiceCommand'; Message = "'64' is a prefix length, which only IPv6 services take*" }
        @{ Name = 'a dotted mask on an IPv6 service'; Run = { New-LvsService -Protocol Udp -Address 2001:db8::9 -Port 53 -PersistenceTimeout 60 -PersistenceMask 255.255.255.0 }; ErrorId = 'InvalidPersistenceMask,LvsAdmin.Commands.NewLvsServiceCommand'; Message = "'255.255.255.0' is not a persistence mask for an IPv6 service*" }
        @{ Name = 'a service that exists'; Run = { New-LvsService -Address 10.0.0.1 -Port 80 }; ErrorId = 'ServiceExists,LvsAdmin.Commands.NewLvsServiceCommand'; Message = 'Could not add the virtual service TCP 10.0.0.1:80: the service already exists.' }
        @{ Name = 'a lower threshold above the upper'; Run = { New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.9 -UpperThreshold 10 -LowerThreshold 20 }; ErrorId = 'LowerThresholdAboveUpper,LvsAdmin.Commands.NewLvsRealServerCommand'; Message = 'The lower threshold 20 of 192.168.1.9:80 is above its upper threshold 10.' }
        @{ Name = 'tunnel options without tunnelling'; Run = { New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.9 -ForwardingMethod Masquerade -TunnelType Gue }; ErrorId = 'TunnelOptionsWithoutTunnel,LvsAdmin.Commands.NewLvsRealServerCommand'; Message = 'Tunnel options conflict with the forwarding method Masquerade*' }
        @{ Name = 'a GUE tunnel without a port'; Run = { New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.9 -ForwardingMethod Tunnel -TunnelType Gue }; ErrorId = 'TunnelPortMissing,LvsAdmin.Commands.NewLvsRealServerCommand'; Message = 'A GUE tunnel to 192.168.1.9:80 needs a tunnel port*' }
        @{ Name = 'a remote checksum on a GRE tunnel'; Run = { New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.9 -ForwardingMethod Tunnel -TunnelType Gre -TunnelChecksum RemoteChecksum }; ErrorId = 'RemoteChecksumWithoutGue,LvsAdmin.Commands.NewLvsRealServerCommand'; Message = '*for GUE tunnels only*' }
        @{ Name = 'mixed address families without tunnelling'; Run = { New-LvsRealServer 'UDP [2001:db8::1]:53' 192.168.1.9 -ForwardingMethod Masquerade }; ErrorId = 'MixedAddressFamily,LvsAdmin.Commands.NewLvsRealServerCommand'; Message = '*is IPv4 but the service UDP `[2001:db8::1`]:53 is IPv6*' }
        @{ Name = 'a port translation without masquerading'; Run = { New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.9 -Port 8080 -ForwardingMethod Route }; ErrorId = 'PortWithoutMasquerade,LvsAdmin.Commands.NewLvsRealServerCommand'; Message = '*only -ForwardingMethod Masquerade does*' }
        @{ Name = 'a weight out of range'; Run = { New-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.9 -Weight 70000 }; ErrorId = 'ParameterArgumentValidationError,LvsAdmin.Commands.NewLvsRealServerCommand'; Message = '*70000*' }
        @{ Name = 'a threshold edit that inverts the pair'; Run = { Set-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.3 -UpperThreshold 5 -LowerThreshold 6 }; ErrorId = 'LowerThresholdAboveUpper,LvsAdmin.Commands.SetLvsRealServerCommand'; Message = '*lower threshold 6*upper threshold 5*' }
        @{ Name = 'a real server that does not exist'; Run = { Remove-LvsRealServer 'TCP 10.0.0.1:80' 192.168.1.99 }; ErrorId = 'RealServerNotFound,LvsAdmin.Commands.RemoveLvsRealServerCommand'; Message = 'The virtual service TCP 10.0.0.1:80 has no real server 192.168.1.99.' }
        @{ Name = 'a timeout of 0'; Run = { Set-LvsTimeout -Tcp 0 }; ErrorId = 'ParameterArgumentValidationError,LvsAdmin.Commands.SetLvsTimeoutCommand'; Message = '*Tcp*' }
        @{ Name = 'a namespace that does not exist'; Run = { New-LvsService -Address 10.0.0.7 -Port 80 -NetworkNamespace lvsadmin-test-missing }; ErrorId = 'NetworkNamespaceInvalid,LvsAdmin.Commands.NewLvsServiceCommand'; Message = "There is no network namespace named 'lvsadmin-test-missing'*" }
        @{ Name = 'a namespace path that is not one'; Run = { Get-LvsService -NetworkNamespace /etc/hostname }; ErrorId = 'NetworkNamespaceInvalid,LvsAdmin.Commands.GetLvsServiceCommand'; Message = "'/etc/hostname' is not a network namespace." }
        @{ Name = 'a namespace of another kind'; Run = { Get-LvsService -NetworkNamespace /proc/self/ns/mnt }; ErrorId = 'NetworkNamespaceInvalid,LvsAdmin.Commands.GetLvsServiceCommand'; Message = "'/proc/self/ns/mnt' is not a network namespace*" }
        @{ Name = 'a namespace name that climbs out of /run/netns'; Run = { Get-LvsService -NetworkNamespace ../../etc/hostname }; ErrorId = 'NetworkNamespaceInvalid,LvsAdmin.Commands.GetLvsServiceCommand'; Message = "*../../etc/hostname*" }
    ) {
        { & $Run -ErrorAction Stop } | Should -Throw -ErrorId $ErrorId -ExpectedMessage $Message
    }

    It 'a failed service among several is reported, the others still apply' {
        try {
            'TCP 10.0.0.1:80', 'TCP 10.0.0.5:80' | New-LvsService -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].TargetObject.ToString() | Should -Be 'TCP 10.0.0.1:80'
            Get-IpvsadmRules | Should -Contain '-A -t 10.0.0.5:80 -s wlc'
        }
        finally {
            Invoke-Ipvsadm -D -t 10.0.0.5:80
        }
    }
}

Describe 'No IPVS permission' {
    It 'is a terminating error that says how to fix it' {
        # Root without CAP_NET_ADMIN: exactly the capability IPVS asks for, nothing else taken away.
        $pwsh = Join-Path $PSHOME 'pwsh.dll'
        $probe = "Import-Module '$env:LVSADMIN_MODULE'; try { Get-LvsService -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }"
        $output = setpriv --inh-caps=-net_admin --bounding-set=-net_admin ([Environment]::ProcessPath) $pwsh -NoProfile -NonInteractive -Command $probe 2>&1
        $output[0] | Should -Be 'IpvsPermissionDenied,LvsAdmin.Commands.GetLvsServiceCommand'
        $output[1] | Should -BeLike '*CAP_NET_ADMIN*root*'
    }
}
