BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
}

Describe 'Get-LvsInfo' {
    It 'answers the IPVS version and table size that ipvsadm reports' {
        $info = Get-LvsInfo
        $info | Should -BeOfType ([LvsAdmin.LvsInfo])
        $info.Version | Should -Be '1.2.1'
        $header = (ipvsadm -Ln)[0]
        $header | Should -Be "IP Virtual Server version $($info.Version) (size=$($info.ConnectionTableSize))"
    }

    It 'fails with a terminating error naming the missing network namespace' {
        { Get-LvsInfo -NetworkNamespace 'no-such-namespace' -ErrorAction Stop } |
            Should -Throw -ErrorId 'NetworkNamespaceInvalid,LvsAdmin.Commands.GetLvsInfoCommand' -ExpectedMessage '*no-such-namespace*'
    }
}
