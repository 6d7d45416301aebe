BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    New-LvsTestNamespace lvsadmin-test-namespace
    Reset-IpvsTable
}

AfterAll {
    ip netns delete lvsadmin-test-namespace
}

Describe '-NetworkNamespace' {
    It 'acts on the named namespace table, not on the caller''s' {
        New-LvsService -Address 10.1.0.1 -Port 80 -Scheduler rr -NetworkNamespace lvsadmin-test-namespace
        New-LvsRealServer 'TCP 10.1.0.1:80' 192.168.5.5 -ForwardingMethod Masquerade -NetworkNamespace lvsadmin-test-namespace
        ip netns exec lvsadmin-test-namespace ipvsadm -Sn | Should -Be @('-A -t 10.1.0.1:80 -s rr', '-a -t 10.1.0.1:80 -r 192.168.5.5:80 -m -w 1')
        Get-IpvsadmRules | Should -BeNullOrEmpty
        (Get-LvsService -NetworkNamespace lvsadmin-test-namespace).ToString() | Should -Be 'TCP 10.1.0.1:80'
        Get-LvsService | Should -BeNullOrEmpty
    }

    It 'takes a namespace path' {
        (Get-LvsRealServer -NetworkNamespace /run/netns/lvsadmin-test-namespace).Address.ToString() | Should -Be '192.168.5.5'
        (Get-LvsInfo -NetworkNamespace /run/netns/lvsadmin-test-namespace).Version | Should -Be '1.2.1'
    }

    It 'returns the thread to its own namespace afterwards' {
        Get-LvsService -NetworkNamespace lvsadmin-test-namespace | Out-Null
        New-LvsService -Address 10.2.0.1 -Port 80
        Get-IpvsadmRules | Should -Be '-A -t 10.2.0.1:80 -s wlc'
        ip netns exec lvsadmin-test-namespace ipvsadm -Sn | Should -Not -Contain '-A -t 10.2.0.1:80 -s wlc'
    }

    It 'clears only the namespace table' {
        Clear-LvsService -NetworkNamespace lvsadmin-test-namespace -Confirm:$false
        ip netns exec lvsadmin-test-namespace ipvsadm -Sn | Should -BeNullOrEmpty
        Get-IpvsadmRules | Should -Be '-A -t 10.2.0.1:80 -s wlc'
    }
}
