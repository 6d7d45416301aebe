BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    # Every option: protocols, families, every scheduler of this kernel, persistence with mask and
    # engine, one-packet, scheduler flags, the three methods, tunnel types, ports, checksums, thresholds.
    $script:everyOption = @(
        '-A -t 10.0.0.1:80 -s sh -p 300 -M 255.255.255.0 --pe sip -b sh-fallback,sh-port'
        '-a -t 10.0.0.1:80 -r 192.168.1.2:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum'
        '-a -t 10.0.0.1:80 -r 192.168.1.3:8080 -m -w 5 -x 100 -y 10'
        '-a -t 10.0.0.1:80 -r 192.168.1.4:80 -g -w 0'
        '-a -t 10.0.0.1:80 -r 192.168.1.5:80 -i -w 2 --tun-type gue --tun-port 5555 --tun-remcsum'
        '-a -t 10.0.0.1:80 -r 192.168.1.6:80 -i -w 2 --tun-type gre --tun-csum'
        '-A --sctp-service 10.0.0.2:5000 -s lblcr -b flag-3'
        '-A -u [2001:db8::1]:53 -s mh -p 60 -M 64 -o -b mh-port'
        '-a -u [2001:db8::1]:53 -r 192.168.9.9:53 -i -w 1 --tun-type ipip'
        '-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -i -w 1 --tun-type gre --tun-nocsum'
        '-a -u [2001:db8::1]:53 -r [2001:db8::3]:5353 -m -w 7 -x 20'
        '-A -f 5 -6 -s rr'
        '-a -f 5 -6 -r [2001:db8::9]:0 -g -w 1'
        '-A -f 4000000000 -s wrr -p 1800'
        '-a -f 4000000000 -r 10.1.1.1:0 -g -w 3 -x 8 -y 4'
        '-A -t 10.0.0.3:0 -s rr -p 30'
        '-A -u 10.0.0.4:123 -s dh -o'
    )
    $schedulers = 'rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'
    $script:everyOption += foreach ($i in 0..($schedulers.Count - 1)) { "-A -t 10.0.1.1:$(1000 + $i) -s $($schedulers[$i])" }
    $script:rulesPath = Join-Path ([IO.Path]::GetTempPath()) 'every-option.rules'
    Set-Content -Path $script:rulesPath -Value $script:everyOption

    function Get-BothViews {
        # What each tool sees: ipvsadm's save and threshold listing, and our own export.
        [pscustomobject]@{
            Ipvsadm    = (Get-IpvsadmRules) -join "`n"
            Thresholds = (ipvsadm -Ln --thresholds) -join "`n"
            LvsAdmin   = (Export-LvsRules) -join "`n"
        }
    }
}

Describe 'Round trips between ipvsadm and LvsAdmin' {
    BeforeEach { Reset-IpvsTable }

    It 'Import-LvsRules -Path loads every option as ipvsadm -R does' {
        Get-Content $script:rulesPath | ipvsadm -R
        $byIpvsadm = Get-BothViews
        Reset-IpvsTable
        Import-LvsRules -Path $script:rulesPath
        $byUs = Get-BothViews
        $byUs.Ipvsadm | Should -Be $byIpvsadm.Ipvsadm
        $byUs.Thresholds | Should -Be $byIpvsadm.Thresholds
        $byUs.LvsAdmin | Should -Be $byIpvsadm.LvsAdmin
    }

    It 'ipvsadm -Sn | Import-LvsRules leaves no difference in either view' {
        Import-LvsRules -Path $script:rulesPath
        $saved = Get-IpvsadmRules
        # ipvsadm's save loses the thresholds: compare with a table that never had them.
        Reset-IpvsTable
        $saved | ipvsadm -R
        $before = Get-BothViews
        Reset-IpvsTable
        ipvsadm -Sn | Import-LvsRules
        $after = Get-BothViews
        $after.Ipvsadm | Should -Be $before.Ipvsadm
        $after.LvsAdmin | Should -Be $before.LvsAdmin
        $after.Thresholds | Should -Be $before.Thresholds
    }

    It 'Export-LvsRules | ipvsadm -R leaves no difference in either view, thresholds included' {
        Import-LvsRules -Path $script:rulesPath
        $before = Get-BothViews
        $exported = Export-LvsRules
        Reset-IpvsTable
        $exported | ipvsadm -R
        $LASTEXITCODE | Should -Be 0
        $after = Get-BothViews
        $after.Ipvsadm | Should -Be $before.Ipvsadm
        $after.Thresholds | Should -Be $before.Thresholds
        $after.LvsAdmin | Should -Be $before.LvsAdmin
    }

    It 'writes the lines ipvsadm -Sn writes, in its order, plus thresholds and unsigned marks' {
        Import-LvsRules -Path $script:rulesPath
        $ours = Export-LvsRules
        $theirs = Get-IpvsadmRules
        $ours.Count | Should -Be $theirs.Count
        # ipvsadm 1.31 prints marks from 2^31 up as negative numbers; we print them as they are.
        $theirsUnsigned = $theirs | ForEach-Object { [regex]::Replace($_, '-f (-\d+)', { param($m) "-f $([int64]$m.Groups[1].Value + 4294967296)" }) }
        $ours -replace ' -x \d+| -y \d+' | Should -Be $theirsUnsigned
        $ours | Should -Contain '-a -t 10.0.0.1:80 -r 192.168.1.3:8080 -m -w 5 -x 100 -y 10'
        $ours | Should -Contain '-A -f 4000000000 -s wrr -p 1800'
        $theirs | Should -Contain '-A -f -294967296 -s wrr -p 1800'
    }

    It 'reads tables whose dumps span many receives as ipvsadm does' {
        # 3,000 services and one service with 2,000 real servers: each dump is more datagrams than one
        # receive call takes, so both the service dump and a real-server dump continue across calls.
        $lines = [System.Collections.Generic.List[string]]::new()
        foreach ($i in 0..2999) { $lines.Add("-A -t 10.2.$($i -shr 8).$($i -band 255):80 -s rr") }
        $lines.Add('-A -u 10.3.0.1:53 -s wrr')
        foreach ($i in 0..1999) { $lines.Add("-a -u 10.3.0.1:53 -r 172.16.$($i -shr 8).$($i -band 255):5353 -m -w $($i % 7)") }
        # The test kernel's console never answers the terminal queries progress rendering waits for.
        $lines | Import-LvsRules -ProgressAction SilentlyContinue
        @(Get-LvsService).Count | Should -Be 3001
        @(Get-LvsRealServer -Service 'UDP 10.3.0.1:53').Count | Should -Be 2000
        $ours = Export-LvsRules
        $ours.Count | Should -Be $lines.Count
        Assert-SameLines $ours (Get-IpvsadmRules) -InOrder
    }

    It 'Export-LvsRules -Path writes a file that Import-LvsRules reads back' {
        Import-LvsRules -Path $script:rulesPath
        $path = Join-Path ([IO.Path]::GetTempPath()) 'exported.rules'
        Export-LvsRules -Path $path
        $before = Get-BothViews
        Reset-IpvsTable
        Import-LvsRules -Path $path
        (Get-BothViews).LvsAdmin | Should -Be $before.LvsAdmin
        Compare-LvsRules -Path $path | Should -BeNullOrEmpty
    }
}

Describe 'Import-LvsRules: bad input and refused rules' {
    BeforeEach {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.1:80 -s rr
        $script:before = Get-IpvsadmRules
    }

    It 'names the line that does not parse and applies nothing from the file' {
        $path = Join-Path ([IO.Path]::GetTempPath()) 'bad.rules'
        Set-Content -Path $path -Value @('-A -t 10.0.0.5:80 -s rr', '# fine so far', '-a -t 10.0.0.5:80 -r 192.168.1.2 -w lots')
        { Import-LvsRules -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'RuleParseError,LvsAdmin.Commands.ImportLvsRulesCommand' -ExpectedMessage "Line 3: 'lots' is not a valid weight*"
        Get-IpvsadmRules | Should -Be $script:before
    }

    It 'reports a rule the kernel refuses with its line number, and applies the rest' {
        $rules = '-A -t 10.0.0.1:80 -s rr', '-A -t 10.0.0.6:80 -s twos', '-A -t 10.0.0.7:80 -s wlc'
        $rules | Import-LvsRules -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 2
        $err[0].FullyQualifiedErrorId | Should -Be 'ServiceExists,LvsAdmin.Commands.ImportLvsRulesCommand'
        $err[0].ErrorDetails.Message | Should -BeLike 'Line 1 (-A -t 10.0.0.1:80 -s rr):*already exists*'
        $err[1].FullyQualifiedErrorId | Should -Be 'SchedulerNotFound,LvsAdmin.Commands.ImportLvsRulesCommand'
        $err[1].ErrorDetails.Message | Should -BeLike 'Line 2 *'
        Get-IpvsadmRules | Should -Contain '-A -t 10.0.0.7:80 -s wlc'
    }

    It 'stops at the first refused rule with -ErrorAction Stop, naming it, and leaves the table as it found it' {
        { '-A -t 10.0.0.8:80', '-A -t 10.0.0.1:80', '-A -t 10.0.0.9:80' | Import-LvsRules -ErrorAction Stop } |
            Should -Throw -ErrorId 'ServiceExists,LvsAdmin.Commands.ImportLvsRulesCommand' -ExpectedMessage 'Line 2 (-A -t 10.0.0.1:80):*already exists*table is as it was found*'
        Get-IpvsadmRules | Should -Be $script:before
    }

    It '-WhatIf applies nothing' {
        '-A -t 10.0.0.8:80', '-C' | Import-LvsRules -WhatIf
        Get-IpvsadmRules | Should -Be $script:before
    }

    It 'runs -C, -E, -D, -e, -d, -Z and --set in order' {
        @(
            '-A -t 10.0.0.2:80 -s rr'
            '-a -t 10.0.0.2:80 -r 192.168.1.2 -m'
            '-a -t 10.0.0.2:80 -r 192.168.1.3 -m'
            '-e -t 10.0.0.2:80 -r 192.168.1.2 -m -w 9'
            '-d -t 10.0.0.2:80 -r 192.168.1.3'
            '-E -t 10.0.0.2:80 -s wlc'
            '-D -t 10.0.0.1:80'
            '-Z'
            '--set 800 100 200'
        ) | Import-LvsRules
        Get-IpvsadmRules | Should -Be @('-A -t 10.0.0.2:80 -s wlc', '-a -t 10.0.0.2:80 -r 192.168.1.2:80 -m -w 9')
        ipvsadm -Ln --timeout | Should -Be 'Timeout (tcp tcpfin udp): 800 100 200'
        Invoke-Ipvsadm --set 900 120 300
        '-C' | Import-LvsRules
        Get-IpvsadmRules | Should -BeNullOrEmpty
    }
}

Describe 'Import-LvsRules -Replace and Compare-LvsRules' {
    BeforeAll {
        Initialize-LvsTestNetwork -RealServers 2
        $script:setA = @(
            '-A -t 10.99.9.1:80 -s rr'
            '-a -t 10.99.9.1:80 -r 10.99.21.2:80 -m -w 1'
            '-a -t 10.99.9.1:80 -r 10.99.22.2:80 -m -w 1'
            '-A -t 10.0.0.2:80 -s wlc'
            '-a -t 10.0.0.2:80 -r 192.168.1.2:80 -m -w 1'
            '-a -t 10.0.0.2:80 -r 192.168.1.3:80 -m -w 1'
            '-A -u 10.0.0.3:53 -s rr'
        )
        $script:setB = @(
            '-A -t 10.99.9.1:80 -s rr'
            '-a -t 10.99.9.1:80 -r 10.99.21.2:80 -m -w 1'
            '-a -t 10.99.9.1:80 -r 10.99.22.2:80 -m -w 1'
            '-A -t 10.0.0.2:80 -s sh -p 60'
            '-a -t 10.0.0.2:80 -r 192.168.1.2:80 -m -w 4'
            '-a -t 10.0.0.2:80 -r 192.168.1.4:80 -m -w 1 -x 50'
            '-A -f 9 -s rr'
        )
    }

    AfterAll { Remove-LvsTestNetwork }

    BeforeEach {
        Reset-IpvsTable
        $script:setA | ipvsadm -R
    }

    It 'reports nothing when the table equals the rules' {
        Compare-LvsRules -InputObject $script:setA | Should -BeNullOrEmpty
        $path = Join-Path ([IO.Path]::GetTempPath()) 'desired.rules'
        Set-Content -Path $path -Value $script:setA
        Compare-LvsRules -Path $path | Should -BeNullOrEmpty
    }

    It 'reports one object per service or real server to add, remove or change' {
        $differences = $script:setB | Compare-LvsRules
        $differences | ForEach-Object { "$($_.Action) $($_.Service) $($_.RealServer) $($_.Properties -join ',')".Trim() } | Should -Be @(
            'Remove UDP 10.0.0.3:53'
            'Change TCP 10.0.0.2:80  Scheduler,Persistent,PersistenceTimeout'
            'Add FWM 9'
            'Remove TCP 10.0.0.2:80 192.168.1.3:80'
            'Change TCP 10.0.0.2:80 192.168.1.2:80 Weight'
            'Add TCP 10.0.0.2:80 192.168.1.4:80'
        )
        ($differences | Where-Object Action -eq 'Change' | Select-Object -First 1).Live.Scheduler | Should -Be 'wlc'
        ($differences | Where-Object Action -eq 'Add' | Select-Object -First 1).LineNumber | Should -Be 7
        $differences | Format-Table | Out-String | Should -Match 'Scheduler wlc -> sh'
    }

    It '-Replace makes the table equal the rules without recreating what was already right' {
        1..4 | ForEach-Object { Invoke-LvsTestRequest | Should -BeIn 'rs1', 'rs2' }
        $connections = Wait-LvsConnectionCount -Service 'TCP 10.99.9.1:80' -AtLeast 4
        $script:setB | Import-LvsRules -Replace -Confirm:$false
        $script:setB | Compare-LvsRules | Should -BeNullOrEmpty
        (Get-LvsService -Service 'TCP 10.99.9.1:80').Statistics.Connections | Should -Be $connections -Because 'an unchanged service keeps its counters'
        $expected = $script:setB | ipvsadm -R 2>&1
        Get-IpvsadmRules | Should -Contain '-A -t 10.0.0.2:80 -s sh -p 60'
        Get-IpvsadmRules | Should -Not -Contain '-A -u 10.0.0.3:53 -s rr'
        (ipvsadm -Ln --thresholds) -match '192\.168\.1\.4:80\s+50\s' | Should -HaveCount 1
    }

    It '-Replace that removes services asks first, as Remove-LvsService does; -Confirm:$false or $ConfirmPreference None go on' {
        $before = Get-IpvsadmRules
        # This session is non-interactive: asking fails, and nothing is changed.
        { $script:setB | Import-LvsRules -Replace } | Should -Throw '*NonInteractive*'
        Get-IpvsadmRules | Should -Be $before
        & { $ConfirmPreference = 'None'; $script:setB | Import-LvsRules -Replace }
        $script:setB | Compare-LvsRules | Should -BeNullOrEmpty
        # A plan that removes no service is of ordinary impact: it goes on without asking.
        @('-A -t 10.99.9.1:80 -s wrr') + @($script:setB | Select-Object -Skip 1) | Import-LvsRules -Replace
        Get-IpvsadmRules | Should -Contain '-A -t 10.99.9.1:80 -s wrr'
    }

    It '-Replace -WhatIf shows the plan and changes nothing' {
        $before = Get-IpvsadmRules
        $plan = $script:setB | Import-LvsRules -Replace -WhatIf 6>&1 | Out-String
        Get-IpvsadmRules | Should -Be $before
    }
}

Describe 'Import-LvsRules stopping on a refused rule is all or nothing' {
    BeforeEach {
        Reset-IpvsTable
        $script:table = @(
            '-A -t 10.0.0.1:80 -s rr'
            '-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 3'
            '-a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 1 -x 100'
            '-A -u 10.0.0.2:53 -s wlc -p 120'
            '-A -f 7 -s sh -b sh-port'
        )
        Import-LvsRules -InputObject $script:table
        $script:before = Get-IpvsadmRules
        $script:thresholds = ipvsadm -Ln --thresholds
        $script:timeouts = Get-LvsTimeout
    }

    It 'undoes additions, edits, deletions, a flush and --set made before the refusal (<Mode>)' -ForEach @(
        @{ Mode = '-ErrorAction Stop'; Run = { param($rules) $rules | Import-LvsRules -ErrorAction Stop } }
        @{ Mode = '$ErrorActionPreference = Stop'; Run = { param($rules) $ErrorActionPreference = 'Stop'; $rules | Import-LvsRules } }
    ) {
        $rules = @(
            '-A -t 10.0.0.9:80 -s rr'
            '-a -t 10.0.0.9:80 -r 192.168.1.9:80 -m'
            '-e -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 9'
            '-d -t 10.0.0.1:80 -r 192.168.1.3:80'
            '-E -u 10.0.0.2:53 -s rr'
            '-D -f 7'
            '--set 1111 222 333'
            '-C'
            '-A -t 10.0.0.10:80 -s rr'
            '-a -t 10.0.0.99:80 -r 192.168.1.4:80'  # a real server of a service that does not exist
            '-A -t 10.0.0.11:80 -s rr'
        )
        { & $Run $rules } | Should -Throw -ErrorId 'ServiceNotFound,LvsAdmin.Commands.ImportLvsRulesCommand' -ExpectedMessage 'Line 10 *table is as it was found*'
        Get-IpvsadmRules | Should -Be $script:before
        ipvsadm -Ln --thresholds | Should -Be $script:thresholds
        (Get-LvsTimeout).Tcp | Should -Be $script:timeouts.Tcp
    }

    It 'without stopping, goes on as ipvsadm -R does: reports the refusal and keeps the rest' {
        '-A -t 10.0.0.9:80 -s rr', '-A -t 10.0.0.1:80 -s rr', '-A -t 10.0.0.10:80 -s rr' | Import-LvsRules -ErrorAction SilentlyContinue -ErrorVariable refused
        $refused | Should -HaveCount 1
        Get-IpvsadmRules | Should -Contain '-A -t 10.0.0.9:80 -s rr'
        Get-IpvsadmRules | Should -Contain '-A -t 10.0.0.10:80 -s rr'
    }

    It '-Replace that stops undoes the removals and changes it made' {
        $target = '-A -t 10.0.0.1:80 -s wrr', '-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 3', '-A -t 10.0.0.12:80 -s twos'
        { $target | Import-LvsRules -Replace -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SchedulerNotFound,LvsAdmin.Commands.ImportLvsRulesCommand' -ExpectedMessage 'Line 3:*table is as it was found*'
        Get-IpvsadmRules | Should -Be $script:before
        ipvsadm -Ln --thresholds | Should -Be $script:thresholds
    }
}
