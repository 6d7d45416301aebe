# What ipvsadm does, LvsAdmin does: each case here is a defect found by using LvsAdmin on tables
# that ipvsadm made, or by reading ipvsadm.c; ipvsadm in the same kernel is the reference.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    function Get-IpvsadmRestoreVerdict([string[]] $Lines) {
        # ipvsadm -R's verdict on some lines: its exit status, and the table it leaves.
        $Lines | ipvsadm -R 2>$null
        [pscustomobject]@{ Accepted = $LASTEXITCODE -eq 0; Rules = Get-IpvsadmRules }
    }
}

AfterAll { Reset-IpvsTable }

Describe 'An empty match upstream acts on nothing' {
    BeforeEach {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s rr
        Invoke-Ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.2:80 -m
        Invoke-Ipvsadm -a -t 10.0.0.1:80 -r 192.168.1.3:80 -m
        $script:before = Get-IpvsadmRules
    }

    It 'Get-LvsService -Address 10.9.9.9 | Get-LvsRealServer | Remove-LvsRealServer removes nothing' {
        Get-LvsService -Address 10.9.9.9 | Get-LvsRealServer | Should -BeNullOrEmpty
        Get-LvsService -Address 10.9.9.9 | Get-LvsRealServer | Remove-LvsRealServer -Confirm:$false
        Get-IpvsadmRules | Should -Be $script:before
    }

    It 'a pipeline that yields nothing lists no service' {
        @() | Get-LvsService | Should -BeNullOrEmpty
    }
}

Describe 'Firewall-mark real servers keep their ports' {
    BeforeEach {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -f 5 -s rr
        Invoke-Ipvsadm -a -f 5 -r 10.0.0.2:80 -g
        Invoke-Ipvsadm -a -f 5 -r 10.0.0.3:8443 -i
    }

    It 'reads the ports ipvsadm set' {
        Get-LvsRealServer -Service 'FWM 5' | ForEach-Object { "$($_.Address):$($_.Port) $($_.ForwardingMethod)" } |
            Should -Be @('10.0.0.2:80 Route', '10.0.0.3:8443 Tunnel')
    }

    It 'ipvsadm -Sn | Compare-LvsRules finds no difference on an unchanged table' {
        Get-IpvsadmRules | Compare-LvsRules | Should -BeNullOrEmpty
    }

    It '-Replace with the saved table changes nothing: the servers and their counters stay' {
        $saved = Get-IpvsadmRules
        $saved | Import-LvsRules -Replace -Verbose 4>&1 | Where-Object { $_ -match 'add|delete|edit|send' } | Should -BeNullOrEmpty
        Get-IpvsadmRules | Should -Be $saved
    }

    It 'Set-LvsRealServer drains one by port' {
        Set-LvsRealServer -Service 'FWM 5' -Address 10.0.0.2 -Port 80 -Weight 0
        Get-IpvsadmRules | Should -Contain '-a -f 5 -r 10.0.0.2:80 -g -w 0'
    }

    It 'New-LvsRealServer adds one with a port and direct routing, as ipvsadm -a -f does' {
        New-LvsRealServer -Service 'FWM 5' -Address 10.0.0.4 -Port 8080
        '-a -f 5 -r 10.0.0.5:8080 -g' | ipvsadm -R
        Get-IpvsadmRules | Should -Contain '-a -f 5 -r 10.0.0.4:8080 -g -w 1'
        Get-IpvsadmRules | Should -Contain '-a -f 5 -r 10.0.0.5:8080 -g -w 1'
    }

    It 'Import-LvsRules keeps the port of -a -f ... -g as ipvsadm -R does' {
        $lines = '-A -f 7 -s rr', '-a -f 7 -r 10.0.0.2:80 -g', '-a -f 7 -r 10.0.0.3 -i', '-a -f 7 -r 10.0.0.4:8080 -m'
        Reset-IpvsTable
        $theirs = (Get-IpvsadmRestoreVerdict $lines).Rules
        Reset-IpvsTable
        $lines | Import-LvsRules
        Get-IpvsadmRules | Should -Be $theirs
        $theirs | Should -Contain '-a -f 7 -r 10.0.0.2:80 -g -w 1'
    }
}

Describe 'Defaults and limits as ipvsadm has them' {
    BeforeEach { Reset-IpvsTable }

    It 'a bare -p is 360 s, in Import-LvsRules as in ipvsadm -R' {
        $theirs = (Get-IpvsadmRestoreVerdict '-A -t 10.0.0.1:80 -p').Rules
        Reset-IpvsTable
        '-A -t 10.0.0.1:80 -p' | Import-LvsRules
        Get-IpvsadmRules | Should -Be $theirs
        $theirs | Should -Be '-A -t 10.0.0.1:80 -s wlc -p 360'
    }

    It 'New-LvsService -Persistent and Set-LvsService -Persistent give 360 s' {
        New-LvsService -Address 10.0.0.1 -Port 80 -Persistent
        New-LvsService -Address 10.0.0.2 -Port 80
        Set-LvsService -Address 10.0.0.2 -Port 80 -Persistent
        (Get-LvsService).PersistenceTimeout | Should -Be @(360, 360)
    }

    It 'refuses a persistence timeout the kernel would wrap, and takes 31 days' {
        { New-LvsService -Address 10.0.0.1 -Port 80 -PersistenceTimeout 4294967295 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidPersistenceTimeout,LvsAdmin.Commands.NewLvsServiceCommand' -ExpectedMessage '*1 to 2678400 seconds*'
        Get-IpvsadmRules | Should -BeNullOrEmpty
        New-LvsService -Address 10.0.0.1 -Port 80 -PersistenceTimeout 2678400
        (Get-LvsService).PersistenceTimeout | Should -Be 2678400
        Get-IpvsadmRules | Should -Be '-A -t 10.0.0.1:80 -s wlc -p 2678400'
    }

    It 'refuses one-packet scheduling on <Protocol> services, as ipvsadm does' -ForEach @(
        @{ Protocol = 'Tcp'; Option = '-t' }
        @{ Protocol = 'Sctp'; Option = '--sctp-service' }
    ) {
        (Get-IpvsadmRestoreVerdict "-A $Option 10.0.0.1:80 -o").Accepted | Should -BeFalse
        { New-LvsService -Protocol $Protocol -Address 10.0.0.1 -Port 80 -OnePacket -ErrorAction Stop } |
            Should -Throw -ErrorId 'OnePacketNotUdp,LvsAdmin.Commands.NewLvsServiceCommand'
        { "-A $Option 10.0.0.1:80 -o" | Import-LvsRules } | Should -Throw -ErrorId 'RuleParseError,LvsAdmin.Commands.ImportLvsRulesCommand'
        Get-IpvsadmRules | Should -BeNullOrEmpty
        New-LvsService -Protocol Udp -Address 10.0.0.1 -Port 53 -OnePacket
        New-LvsService -FirewallMark 3 -OnePacket
        Get-IpvsadmRules | Should -Be @('-A -u 10.0.0.1:53 -s wlc -o', '-A -f 3 -s wlc -o')
    }

    It 'takes --set timeouts up to 31 days and no more, as ipvsadm does' {
        (Get-IpvsadmRestoreVerdict '--set 2678401 0 0').Accepted | Should -BeFalse
        { '--set 2678401 0 0' | Import-LvsRules } | Should -Throw -ErrorId 'RuleParseError,LvsAdmin.Commands.ImportLvsRulesCommand'
        { Set-LvsTimeout -Tcp 2678401 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,LvsAdmin.Commands.SetLvsTimeoutCommand'
        $before = Get-LvsTimeout
        '--set 2678400 0 0' | Import-LvsRules
        (Get-LvsTimeout).Tcp | Should -Be 2678400
        Set-LvsTimeout -Tcp $before.Tcp
    }

    It 'looks port names up for the service''s protocol, as ipvsadm does' {
        # Whatever /etc/services holds here, both tools must read it alike.
        foreach ($line in '-A -u 10.0.0.1:domain -s rr', '-A -t 10.0.0.2:domain -s rr', '-A -t 10.0.0.3:http -s rr', '-A -u 10.0.0.4:http -s rr', '-A -t 10.0.0.5:nosuchname -s rr') {
            Reset-IpvsTable
            $theirs = Get-IpvsadmRestoreVerdict $line
            Reset-IpvsTable
            $accepted = try { $line | Import-LvsRules -ErrorAction Stop; $true } catch { $false }
            $ours = [pscustomobject]@{ Accepted = $accepted; Rules = Get-IpvsadmRules }
            "$line -> $($ours.Accepted) $($ours.Rules)" | Should -Be "$line -> $($theirs.Accepted) $($theirs.Rules)"
        }
    }
}

Describe 'A service that does not exist is an error, never an empty answer' {
    BeforeAll {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s rr
    }

    It 'Get-LvsRealServer -Service of a missing service: ObjectNotFound, and $? is false' {
        Get-LvsRealServer -Service 'TCP 10.9.9.9:80' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ServiceNotFound,LvsAdmin.Commands.GetLvsRealServerCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-LvsRealServer -Service 'TCP 10.9.9.9:80' -ErrorAction SilentlyContinue
        $? | Should -BeFalse
    }

    It 'a service with no real servers is an empty answer, not an error' {
        Get-LvsRealServer -Service 'TCP 10.0.0.1:80' -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It '<Verb>-LvsRealServer on a missing service says there is no such service' -ForEach @(
        @{ Verb = 'Set'; Run = { Set-LvsRealServer -Service 'TCP 10.9.9.9:80' -Address 192.168.1.2 -Weight 0 -ErrorAction Stop } }
        @{ Verb = 'Remove'; Run = { Remove-LvsRealServer -Service 'TCP 10.9.9.9:80' -Address 192.168.1.2 -ErrorAction Stop } }
    ) {
        { & $Run } | Should -Throw -ErrorId "ServiceNotFound,LvsAdmin.Commands.$($Verb)LvsRealServerCommand" -ExpectedMessage '*no such service*'
    }
}

Describe 'A service object from the pipeline names only the service' {
    BeforeEach {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.1.1.1:80 -s rr
        Invoke-Ipvsadm -a -t 10.1.1.1:80 -r 10.0.0.9:8080 -m
        Invoke-Ipvsadm -a -t 10.1.1.1:80 -r 10.0.0.8:80 -m
    }

    It 'Get-LvsService | Remove-LvsRealServer -Address finds the real server on its own port' {
        Get-LvsService -Address 10.1.1.1 | Remove-LvsRealServer -Address 10.0.0.9 -Confirm:$false
        Get-IpvsadmRules | Should -Be @('-A -t 10.1.1.1:80 -s rr', '-a -t 10.1.1.1:80 -r 10.0.0.8:80 -m -w 1')
    }

    It 'Get-LvsService | Set-LvsRealServer -Address -Port takes the given port' {
        Get-LvsService -Address 10.1.1.1 | Set-LvsRealServer -Address 10.0.0.9 -Port 8080 -Weight 7
        Get-IpvsadmRules | Should -Contain '-a -t 10.1.1.1:80 -r 10.0.0.9:8080 -m -w 7'
    }

    It 'without -Address it is an error naming what is missing, and nothing is removed' {
        $before = Get-IpvsadmRules
        Get-LvsService -Address 10.1.1.1 | Remove-LvsRealServer -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'RealServerAddressMissing,LvsAdmin.Commands.RemoveLvsRealServerCommand'
        Get-IpvsadmRules | Should -Be $before
    }

    It 'deserialized service objects bind the same way' {
        Get-LvsService -Address 10.1.1.1 | ConvertTo-Deserialized | Remove-LvsRealServer -Address 10.0.0.9 -Confirm:$false
        Get-IpvsadmRules | Should -Not -Contain '-a -t 10.1.1.1:80 -r 10.0.0.9:8080 -m -w 1'
    }
}

Describe 'Sync daemons' {
    BeforeAll {
        ip netns add lvsadmin-test-fidelity
        ip -n lvsadmin-test-fidelity link set lo up
        ip -n lvsadmin-test-fidelity link add eth0 type veth peer name eth1
        ip -n lvsadmin-test-fidelity link set eth0 up
        ip -n lvsadmin-test-fidelity link set eth1 up
    }

    AfterAll {
        ip netns delete lvsadmin-test-fidelity
    }

    It 'refuses to start beside a mixed-family real server, and says why' {
        '-A -u [2001:db8::1]:53 -s rr', '-a -u [2001:db8::1]:53 -r 192.168.9.9:53 -i' | Import-LvsRules -NetworkNamespace lvsadmin-test-fidelity
        { Start-LvsSyncDaemon -State Backup -Interface eth0 -NetworkNamespace lvsadmin-test-fidelity -ErrorAction Stop } |
            Should -Throw -ErrorId 'SyncDaemonWithMixedFamilies,LvsAdmin.Commands.StartLvsSyncDaemonCommand' -ExpectedMessage '*another address family*192.168.9.9*'
        Get-LvsSyncDaemon -NetworkNamespace lvsadmin-test-fidelity | Should -BeNullOrEmpty
        Clear-LvsService -NetworkNamespace lvsadmin-test-fidelity -Confirm:$false
    }

    It '--start-daemon without --mcast-interface means eth0, and -Replace of such a file runs again without error' {
        $rules = '-A -t 10.0.0.1:80 -s rr', '--start-daemon backup --syncid 3'
        $rules | Import-LvsRules -Replace -NetworkNamespace lvsadmin-test-fidelity -ErrorAction Stop
        $rules | Import-LvsRules -Replace -NetworkNamespace lvsadmin-test-fidelity -ErrorAction Stop
        $daemon = Get-LvsSyncDaemon -NetworkNamespace lvsadmin-test-fidelity
        "$($daemon.State) $($daemon.Interface) $($daemon.SyncId)" | Should -Be 'Backup eth0 3'
        # A changed daemon line restarts the daemon with the new settings.
        '-A -t 10.0.0.1:80 -s rr', '--start-daemon backup --syncid 4' | Import-LvsRules -Replace -NetworkNamespace lvsadmin-test-fidelity -ErrorAction Stop
        (Get-LvsSyncDaemon -NetworkNamespace lvsadmin-test-fidelity).SyncId | Should -Be 4
        Stop-LvsSyncDaemon -State Backup -NetworkNamespace lvsadmin-test-fidelity
    }

    # The kernel stops a daemon whose thread has not yet run but sends no acknowledgement (-EINTR):
    # waiting for one would report a stop that succeeded as a timeout.
    It 'stops a <State> daemon the moment after its start, each time, and says it did' -ForEach @(
        @{ State = 'Master' }, @{ State = 'Backup' }
    ) {
        foreach ($round in 1..5) {
            Start-LvsSyncDaemon -State $State -Interface eth0 -SyncId $round -NetworkNamespace lvsadmin-test-fidelity -ErrorAction Stop
            Stop-LvsSyncDaemon -State $State -NetworkNamespace lvsadmin-test-fidelity -ErrorAction Stop
            Get-LvsSyncDaemon -NetworkNamespace lvsadmin-test-fidelity | Should -BeNullOrEmpty
        }
        ip netns exec lvsadmin-test-fidelity ipvsadm -L --daemon | Should -BeNullOrEmpty
        "--start-daemon $($State.ToLower()) --mcast-interface eth0", "--stop-daemon $($State.ToLower())" |
            Import-LvsRules -NetworkNamespace lvsadmin-test-fidelity -ErrorAction Stop
        Get-LvsSyncDaemon -NetworkNamespace lvsadmin-test-fidelity | Should -BeNullOrEmpty
        { Stop-LvsSyncDaemon -State $State -NetworkNamespace lvsadmin-test-fidelity -ErrorAction Stop } | Should -Throw '*no daemon of that state is running*'
    }
}

Describe 'Export-LvsRules -Path replaces the file as it was' {
    BeforeAll {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s rr
        $script:folder = Join-Path ([IO.Path]::GetTempPath()) "lvs-export-$PID"
        New-Item -ItemType Directory -Force -Path $script:folder | Out-Null
    }

    AfterAll { Remove-Item $script:folder -Recurse -Force }

    It 'follows a symbolic link and keeps the file''s mode and owner' {
        $target = Join-Path $script:folder 'rules.real'
        $link = Join-Path $script:folder 'rules'
        Set-Content -Path $target -Value 'old'
        chmod 640 $target
        chown nobody:nogroup $target
        New-Item -ItemType SymbolicLink -Path $link -Target $target | Out-Null
        Export-LvsRules -Path $link
        (Get-Item $link).LinkTarget | Should -Be $target
        Get-Content $target | Should -Be (Get-IpvsadmRules)
        stat -c '%a %U %G' $target | Should -Be '640 nobody nogroup'
        Get-ChildItem $script:folder -Name | Sort-Object | Should -Be @('rules', 'rules.real')
    }

    It 'writes a file that did not exist' {
        $path = Join-Path $script:folder 'new.rules'
        Export-LvsRules -Path $path
        Get-Content $path | Should -Be (Get-IpvsadmRules)
    }
}
