# docs/HighAvailability.md, run: its PowerShell examples, as they are, against two directors reached over
# SSH remoting, and a client's TCP connection carried through a failover by the sync daemons.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Directors.psm1') -Force

    $page = Get-Content -Raw (Join-Path $PSScriptRoot '../../docs/HighAvailability.md')
    $script:examples = @([regex]::Matches($page, '(?ms)^```powershell\r?\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value })
    $rulesText = [regex]::Matches($page, '(?ms)^```text\r?\n(-A .*?)^```')[0].Groups[1].Value

    function Get-Example([int] $Number) {
        # The page's PowerShell example Number (1 is the sessions, which the tests open with their own keys).
        [scriptblock]::Create($script:examples[$Number - 1])
    }

    # The examples run one after another in one scope of their own, as a script of them would: what one
    # sets ($rules, $drift, $servers) the next one and the tests read.
    $script:exampleScope = New-Module -ScriptBlock { } -Name HighAvailabilityExamples
    function Invoke-Example([int] $Number) { . $script:exampleScope (Get-Example $Number) }
    function Get-ExampleVariable([string] $Name) { & $script:exampleScope { param($name) Get-Variable $name -ValueOnly } $Name }

    function Get-DirectorRules([string] $Namespace) { @(ip netns exec $Namespace ipvsadm -Sn) }

    function Get-Weight([string] $Namespace, [string] $Service, [string] $Server) {
        (Get-LvsRealServer -Service $Service -Address $Server.Split(':')[0] -Port $Server.Split(':')[1] -NetworkNamespace $Namespace).Weight
    }

    Initialize-LvsDirectorPair
    $script:workFolder = Join-Path ([IO.Path]::GetTempPath()) 'lvs-ha-work'
    New-Item -ItemType Directory -Force -Path $script:workFolder | Out-Null
    Set-Content (Join-Path $script:workFolder 'director.rules') $rulesText -NoNewline
    Push-Location $script:workFolder
    $directors = New-LvsDirectorSession
    & $script:exampleScope { param($sessions) $script:directors = $sessions } $directors
}

AfterAll {
    Pop-Location
    $directors | Remove-PSSession
    Remove-LvsDirectorPair
}

Describe 'docs/HighAvailability.md' {
    It 'has the examples these tests run' {
        $script:examples.Count | Should -Be 7
        $script:examples[0] | Should -Match '^\$directors = New-PSSession -HostName lb1, lb2'
        (Get-Example 1).Ast.EndBlock.Statements.Count | Should -Be 2
    }

    It 'opens sessions over SSH to both directors, each in its own namespace' {
        $directors.Count | Should -Be 2
        $directors.Transport | Should -Be @('SSH', 'SSH')
        $inside = Invoke-Command -Session $directors { [IO.File]::ReadAllText('/proc/self/net/dev') -match 'eth1'; (Get-Item /proc/self/ns/net).LinkTarget }
        $inside.Count | Should -Be 4
        ($inside | Where-Object { $_ -is [string] } | Sort-Object -Unique).Count | Should -Be 2
        ($inside | Where-Object { $_ -is [string] }) | Should -Not -Contain (Get-Item /proc/self/ns/net).LinkTarget
    }
}

Describe 'Remoting: one rule file, two directors' {
    It 'refuses, naming them, to remove services without -Confirm:$false where it cannot ask' {
        Invoke-Checked ip netns exec lvsadmin-test-d2 ipvsadm -A -t 10.98.0.100:9999 | Out-Null
        $lb2 = $directors | Where-Object ComputerName -eq lb2
        $rules = Get-Content ./director.rules
        $errorRecord = Invoke-Command -Session $lb2 { try { $using:rules | Import-LvsRules -Replace -ErrorAction Stop } catch { $_ } }
        $errorRecord.FullyQualifiedErrorId | Should -Be 'ReplaceNotConfirmed,LvsAdmin.Commands.ImportLvsRulesCommand'
        "$errorRecord" | Should -BeLike '*would remove 1 virtual services (TCP 10.98.0.100:9999)*Nothing was changed*-Confirm:$false*'
        Get-DirectorRules lvsadmin-test-d2 | Should -Be '-A -t 10.98.0.100:9999 -s wlc'
    }

    It 'applies one rule file to both (example 2)' {
        Invoke-Example 2
        $lb1 = Get-DirectorRules lvsadmin-test-d1
        $lb1 | Should -HaveCount 6
        $lb1 -join "`n" | Should -Match '-A -t 10.98.0.100:443 -s sh -p 300'
        Get-DirectorRules lvsadmin-test-d2 | Should -Be $lb1
    }

    It 'finds the drifted director by name (example 3)' {
        Invoke-Checked ip netns exec lvsadmin-test-d2 ipvsadm -e -t 10.98.0.100:80 -r 10.98.1.50:80 -m -w 3 | Out-Null
        Invoke-Checked ip netns exec lvsadmin-test-d2 ipvsadm -a -t 10.98.0.100:443 -r 10.98.1.51:443 -m | Out-Null
        Invoke-Checked ip netns exec lvsadmin-test-d2 ipvsadm -D -t 10.98.0.100:8080 | Out-Null
        Invoke-Example 3
        $drift = Get-ExampleVariable drift
        $drift.PSComputerName | Sort-Object -Unique | Should -Be 'lb2'
        $changes = $drift | ForEach-Object { "$($_.Action) $($_.Service) $($_.RealServer)".Trim() } | Sort-Object
        $changes | Should -Be @(
            'Add TCP 10.98.0.100:8080'
            'Add TCP 10.98.0.100:8080 10.98.1.50:8080'
            'Change TCP 10.98.0.100:80 10.98.1.50:80'
            'Remove TCP 10.98.0.100:443 10.98.1.51:443')
        ($drift | Where-Object Action -eq Change).Properties | Should -Be 'Weight'
    }

    It 'pipes each director''s deserialized real servers back into Set-LvsRealServer there (example 4)' {
        Invoke-Example 4
        $servers = Get-ExampleVariable servers
        $servers | Should -HaveCount 6
        $servers[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.LvsAdmin.LvsRealServer'
        Get-Weight lvsadmin-test-d1 'TCP 10.98.0.100:443' '10.98.1.50:443' | Should -Be 0
        Get-Weight lvsadmin-test-d2 'TCP 10.98.0.100:443' '10.98.1.50:443' | Should -Be 0
        Get-Weight lvsadmin-test-d2 'TCP 10.98.0.100:443' '10.98.1.51:443' | Should -Be 0
        Get-Weight lvsadmin-test-d1 'TCP 10.98.0.100:80' '10.98.1.50:80' | Should -Be 1
        Get-Weight lvsadmin-test-d2 'TCP 10.98.0.100:80' '10.98.1.50:80' | Should -Be 3
    }

    It 'repairs the drift with example 2 again: example 3 then finds none' {
        Invoke-Example 2
        Invoke-Example 3
        Get-ExampleVariable drift | Should -BeNullOrEmpty
        Get-DirectorRules lvsadmin-test-d2 | Should -Be (Get-DirectorRules lvsadmin-test-d1)
        Get-Weight lvsadmin-test-d2 'TCP 10.98.0.100:443' '10.98.1.50:443' | Should -Be 1
    }

    It 'checks the real servers from each director and sets the dead one''s weight to 0 on both (example 5)' {
        $table = Invoke-Example 5 | Out-String
        $table | Should -Match 'lb1 +TCP 10\.98\.0\.100:8080 +10\.98\.1\.50 +8080 +0'
        $table | Should -Match 'lb2 +TCP 10\.98\.0\.100:8080 +10\.98\.1\.50 +8080 +0'
        foreach ($namespace in 'lvsadmin-test-d1', 'lvsadmin-test-d2') {
            Get-Weight $namespace 'TCP 10.98.0.100:8080' '10.98.1.50:8080' | Should -Be 0
            Get-Weight $namespace 'TCP 10.98.0.100:80' '10.98.1.50:80' | Should -Be 1
            Get-Weight $namespace 'TCP 10.98.0.100:443' '10.98.1.50:443' | Should -Be 1
        }
    }
}

Describe 'Failover: a TCP connection carried on by the sync daemons' {
    BeforeAll {
        Invoke-Example 2
        Move-LvsVirtualAddress -To lb1
    }

    It 'starts a master daemon on lb1 and a backup on lb2 (example 6)' {
        Invoke-Example 6
        $daemons = Invoke-Command -Session $directors { Get-LvsSyncDaemon }
        $daemons | ForEach-Object { "$($_.PSComputerName) $($_.State) $($_.Interface) $($_.SyncId)" } | Sort-Object |
            Should -Be @('lb1 Master eth0 1', 'lb2 Backup eth0 1')
        ip netns exec lvsadmin-test-d2 ipvsadm -Ln --daemon | Should -BeLike 'backup sync daemon (mcast=eth0, syncid=1*'
    }

    It 'keeps a client''s connection through the move of the virtual address to lb2' {
        $client = Start-LvsTestClient -Port 80
        Wait-LvsResult -Probe { Test-Path "$client/ready" } -Done { $args[0] } | Should -BeTrue
        Get-Content "$client/client.log" | Should -Be 'first: before'
        $synced = Wait-LvsResult -Probe { @(Get-LvsConnection -NetworkNamespace lvsadmin-test-d2 | Where-Object ClientAddress -eq 10.98.0.50) } -Done { $args[0].Count -gt 0 }
        $synced | Should -HaveCount 1
        $synced[0].State | Should -Be 'ESTABLISHED'
        Invoke-Example 7 | Out-String | Should -Match 'lb2 +TCP +10\.98\.0\.50 '
        $listed = Invoke-Command -Session $directors { Get-LvsConnection } | Where-Object ClientAddress -eq 10.98.0.50
        $listed.PSComputerName | Sort-Object | Should -Be @('lb1', 'lb2')
        "$($listed[0].ClientPort) $($listed[0].RealServerAddress)" | Should -Be "$($listed[1].ClientPort) $($listed[1].RealServerAddress)"

        Move-LvsVirtualAddress -From lb1 -To lb2
        New-Item -ItemType File "$client/continue" | Out-Null
        Wait-LvsResult -Probe { Test-Path "$client/done" } -Done { $args[0] } | Should -BeTrue
        (Get-Content "$client/client.log")[1] | Should -Be 'second: after (0)'
        # lb2 forwarded it: its counters (folded every 2 s) show the packets.
        Wait-LvsResult -Probe { (Get-LvsService -Service 'TCP 10.98.0.100:80' -NetworkNamespace lvsadmin-test-d2).Statistics.InPackets } -Done { $args[0] -gt 0 } |
            Should -BeGreaterThan 0
    }

    It 'without the sync daemons, the same move resets the connection' {
        Invoke-Command -Session $directors { Get-LvsSyncDaemon | Stop-LvsSyncDaemon }
        Invoke-Command -Session $directors { Get-LvsSyncDaemon } | Should -BeNullOrEmpty
        $client = Start-LvsTestClient -Port 80
        Wait-LvsResult -Probe { Test-Path "$client/ready" } -Done { $args[0] } | Should -BeTrue
        Get-Content "$client/client.log" | Should -Be 'first: before'
        $known = @(Get-LvsConnection -NetworkNamespace lvsadmin-test-d1 | Where-Object ClientAddress -eq 10.98.0.50 | ForEach-Object ClientPort)
        $new = @(Get-LvsConnection -NetworkNamespace lvsadmin-test-d2 | Where-Object ClientAddress -eq 10.98.0.50 | Where-Object ClientPort -notin $known)
        $new | Should -HaveCount 1

        Move-LvsVirtualAddress -From lb2 -To lb1
        New-Item -ItemType File "$client/continue" | Out-Null
        Wait-LvsResult -Probe { Test-Path "$client/done" } -Done { $args[0] } | Should -BeTrue
        (Get-Content "$client/client.log")[1] | Should -Match '^second:  \([1-9]'
    }
}
