BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'Get-LvsInfo' {
    It 'answers the IPVS version and table size that ipvsadm reports' {
        $info = Get-LvsInfo
        $info | Should -BeOfType ([LvsAdmin.LvsInfo])
        $info.Version | Should -Be '1.2.1'
        $header = (ipvsadm -Ln)[0]
        $header | Should -Be "IP Virtual Server version $($info.Version) (size=$($info.ConnectionTableSize))"
    }

    It 'says whether the size is the table''s now (7.1 and later) and shows what /proc/net/ip_vs_status shows there' {
        ip netns add lvsadmin-test-info
        try {
            ip -n lvsadmin-test-info link set lo up
            '-A -t 10.77.0.1:80', '-A -t 10.77.0.2:80', '-A -u 10.77.0.3:53', '-A -f 7' | ip netns exec lvsadmin-test-info ipvsadm -R
            $info = Get-LvsInfo -NetworkNamespace lvsadmin-test-info
            (ip netns exec lvsadmin-test-info ipvsadm -Ln)[0] | Should -Be "IP Virtual Server version $($info.Version) (size=$($info.ConnectionTableSize))"
            $status = @(ip netns exec lvsadmin-test-info cat /proc/net/ip_vs_status 2>$null)
            if ((Get-KernelVersion) -ge [version]'7.1') {
                $info.ConnectionTableSizeIsCurrent | Should -BeTrue
                $info.Services | Should -Be 4
                $info.Connections | Should -Be 0
                $status | Should -Contain "Service buckets:`t$($info.ServiceBuckets) ($([math]::Log2($info.ServiceBuckets)) bits, lfactor $($info.ServiceLoadFactor))"
                $info.ServiceLoadFactor | Should -Be ([int](ip netns exec lvsadmin-test-info sysctl -n net.ipv4.vs.svc_lfactor))
                $info.LongestServiceChain | Should -BeGreaterThan 0
                $info.LongestConnectionChain | Should -Be 0
            }
            else {
                $status | Should -BeNullOrEmpty
                $info.ConnectionTableSizeIsCurrent | Should -BeFalse
                @($info.Services, $info.ServiceBuckets, $info.Connections, $info.ConnectionLoadFactor, $info.LongestServiceChain) -ne $null | Should -BeNullOrEmpty
            }
        }
        finally { ip netns delete lvsadmin-test-info }
    }

    It 'fails with a terminating error naming the missing network namespace' {
        { Get-LvsInfo -NetworkNamespace 'no-such-namespace' -ErrorAction Stop } |
            Should -Throw -ErrorId 'NetworkNamespaceInvalid,LvsAdmin.Commands.GetLvsInfoCommand' -ExpectedMessage '*no-such-namespace*'
    }
}
