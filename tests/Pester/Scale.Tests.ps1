# Large tables, checked against ipvsadm: tens of thousands of rules, one service with thousands of real
# servers, tens of thousands of connections. Each Describe has a network namespace of its own, deleted at
# its end: the kernel keeps deleted real servers for a while and scans them on every later addition.
# Times at ten times these sizes are build.ps1 Bench's: nothing here asserts a time.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) 'lvs-scale'
    New-Item -ItemType Directory -Force -Path $script:folder | Out-Null

    function New-ScaleNamespace([string] $Name) {
        ip netns add $Name
        ip -n $Name link set lo up
        $Name
    }

    function Get-ReferenceRules([string] $Namespace) {
        # ipvsadm -Sn of the namespace's table, one string per rule line.
        @(Invoke-Checked ip netns exec $Namespace ipvsadm -Sn)
    }

    function Write-RuleFile([string] $Name, [string[]] $Lines) {
        $path = Join-Path $script:folder $Name
        [IO.File]::WriteAllLines($path, $Lines)
        $path
    }
}

AfterAll {
    Remove-Item $script:folder -Recurse -Force -ErrorAction Ignore
}

Describe 'A table of 10,000 services x 4 real servers' {
    BeforeAll {
        $script:ns = New-ScaleNamespace 'lvsadmin-test-scale-table'
        $script:at = @{ NetworkNamespace = $script:ns; ErrorAction = 'Stop' }
        # In ipvsadm -Sn's own form, so that the file and ipvsadm's listing compare line for line.
        function New-TableLines([int] $ChangeEvery) {
            $n = 0
            foreach ($i in 0..9999) {
                $vip = "10.$(70 + [Math]::Floor($i / 62500)).$([Math]::Floor($i / 250) % 250).$($i % 250 + 1):80"
                "-A -t $vip -s wlc"
                foreach ($r in 1..4) {
                    $n++
                    $weight = if ($ChangeEvery -and $n % $ChangeEvery -eq 0) { 7 } else { $r }
                    "-a -t $vip -r 192.168.$($i % 250).${r}:8080 -m -w $weight"
                }
            }
        }
        $script:lines = [string[]](New-TableLines 0)
        $script:changedLines = [string[]](New-TableLines 100)
        $script:rules = Write-RuleFile 'table.rules' $script:lines
        $script:changed = Write-RuleFile 'changed.rules' $script:changedLines
    }

    AfterAll { Remove-LvsNamespace $script:ns }

    It 'is imported whole under -ErrorAction Stop: ipvsadm lists every rule of the file' {
        Import-LvsRules -Path $script:rules @at
        $script:listed = Get-ReferenceRules $script:ns
        $script:listed.Count | Should -Be 50000
        Assert-SameLines $script:listed $script:lines
    }

    It 'is exported as ipvsadm -Sn writes it, line for line' {
        # The table as ipvsadm listed it above.
        $exported = Export-LvsRules @at
        $exported.Count | Should -Be 50000
        Assert-SameLines $exported $script:listed -InOrder
    }

    It 'is listed whole by Get-LvsService | Get-LvsRealServer' {
        $servers = @(Get-LvsService @at | Get-LvsRealServer @at)
        $servers.Count | Should -Be 40000
        @($servers.Weight -eq 4).Count | Should -Be 10000
    }

    It 'is replaced by a table with 1% of its weights changed, and then matches it' {
        Import-LvsRules -Path $script:changed -Replace -Confirm:$false @at
        Compare-LvsRules -Path $script:changed @at | Should -BeNullOrEmpty
        Assert-SameLines (Get-ReferenceRules $script:ns) $script:changedLines
    }
}

Describe 'One service with 10,000 real servers' {
    BeforeAll {
        $script:ns = New-ScaleNamespace 'lvsadmin-test-scale-wide'
        $script:at = @{ NetworkNamespace = $script:ns; ErrorAction = 'Stop' }
        $script:servers = foreach ($j in 1..10000) { "10.$(100 + ($j -shr 16)).$(($j -shr 8) -band 255).$($j -band 255)" }
        $script:rules = Write-RuleFile 'wide.rules' (@('-A -t 10.0.0.1:80 -s wlc') + @($script:servers | ForEach-Object { "-a -t 10.0.0.1:80 -r ${_}:8080 -m -w 1" }))
    }

    AfterAll { Remove-LvsNamespace $script:ns }

    It 'is imported, listed and exported as ipvsadm has it' {
        Import-LvsRules -Path $script:rules @at
        $listed = @(Get-LvsRealServer -Service 'TCP 10.0.0.1:80' @at)
        $listed.Count | Should -Be 10000
        Assert-SameLines $listed.ForEach('Address').ForEach('ToString') $script:servers
        Assert-SameLines (Export-LvsRules @at) (Get-ReferenceRules $script:ns) -InOrder
    }

    It 'loses 1% of its real servers to -Replace, and ipvsadm agrees' {
        # Every hundredth real server goes.
        $keptServers = for ($j = 0; $j -lt $script:servers.Count; $j++) { if (($j + 1) % 100) { $script:servers[$j] } }
        $kept = @('-A -t 10.0.0.1:80 -s wlc') + @($keptServers | ForEach-Object { "-a -t 10.0.0.1:80 -r ${_}:8080 -m -w 1" })
        Import-LvsRules -Path (Write-RuleFile 'wide-kept.rules' $kept) -Replace -Confirm:$false @at
        Assert-SameLines (Get-ReferenceRules $script:ns) $kept
        @(Get-LvsRealServer -Service 'TCP 10.0.0.1:80' @at).Count | Should -Be 9900
    }
}

Describe 'A connection table of 20,000 entries' {
    BeforeAll {
        # This namespace is the client; the director's table is in its own, across a veth pair. One UDP
        # datagram from each of 10,000 source ports to each of two virtual ports makes 20,000 connections,
        # which live the UDP timeout (300 s): the real server (direct routing to an address nobody has)
        # never answers.
        $script:ns = New-ScaleNamespace 'lvsadmin-test-scale-conn'
        ip link add lvs-scale-c type veth peer name lvs-scale-d netns $script:ns
        ip -n $script:ns addr add 10.250.0.1/24 dev lvs-scale-d
        ip -n $script:ns addr add 10.250.1.1/32 dev lvs-scale-d
        ip -n $script:ns link set lvs-scale-d up
        ip addr add 10.250.0.2/24 dev lvs-scale-c
        ip link set lvs-scale-c up
        ip route add 10.250.1.1/32 via 10.250.0.1
        # The director's link address given, not resolved: datagrams sent while ARP resolves would be dropped.
        $mac = (ip -n $script:ns -j link show lvs-scale-d | ConvertFrom-Json).address
        ip neigh replace 10.250.0.1 lladdr $mac dev lvs-scale-c
        '-A -u 10.250.1.1:53 -s rr', '-a -u 10.250.1.1:53 -r 10.250.0.3:53 -g', '-A -u 10.250.1.1:54 -s rr', '-a -u 10.250.1.1:54 -r 10.250.0.3:54 -g' |
            Import-LvsRules -NetworkNamespace $script:ns -ErrorAction Stop
        # UDP entries expire 300 s after their datagram by default: on a loaded machine the first ones
        # could go before the table is read.
        Set-LvsTimeout -Udp 7200 -NetworkNamespace $script:ns -ErrorAction Stop
        $payload = [byte[]]::new(8)
        $vip = [Net.IPAddress]::Parse('10.250.1.1')
        $targets = [Net.IPEndPoint]::new($vip, 53), [Net.IPEndPoint]::new($vip, 54)
        $source = [Net.IPAddress]::Parse('10.250.0.2')
        foreach ($port in 20000..29999) {
            $socket = [Net.Sockets.Socket]::new('InterNetwork', 'Dgram', 'Udp')
            $socket.Bind([Net.IPEndPoint]::new($source, $port))
            foreach ($target in $targets) { [void]$socket.SendTo($payload, $target) }
            $socket.Close()
        }
        # The director takes the last datagrams off the veth's queue in its own time: the services' counters
        # (kept as each connection is made) say when it has made them all.
        Wait-LvsResult -Probe { (Get-LvsService -NetworkNamespace $script:ns -ErrorAction Stop | Measure-Object { $_.Statistics.Connections } -Sum).Sum } -Done { $args[0] -ge 20000 } -Seconds 60 | Out-Null
    }

    AfterAll {
        ip route del 10.250.1.1/32 via 10.250.0.1 2>$null
        ip link delete lvs-scale-c 2>$null
        Remove-LvsNamespace $script:ns
    }

    It 'is read whole by Get-LvsConnection, connection for connection as ipvsadm -Lcn lists it' {
        $ours = @(Get-LvsConnection -NetworkNamespace $script:ns -ErrorAction Stop).ForEach({
                "$($_.Protocol) $($_.ClientAddress):$($_.ClientPort) $($_.VirtualAddress):$($_.VirtualPort) $($_.RealServerAddress):$($_.RealServerPort)" })
        # ipvsadm -Lcn: "UDP  04:59  UDP  10.250.0.2:20000  10.250.1.1:53  10.250.0.3:53" after two header lines.
        $reference = @(Invoke-Checked ip netns exec $script:ns ipvsadm -Lcn | Select-Object -Skip 2).ForEach({
                $fields = -split $_
                "$($fields[0]) $($fields[3]) $($fields[4]) $($fields[5])" })
        $ours.Count | Should -Be 20000
        Assert-SameLines $ours $reference
    }

    It 'counts them per service as the kernel does' {
        (Get-LvsService -NetworkNamespace $script:ns -ErrorAction Stop | Measure-Object { $_.Statistics.Connections } -Sum).Sum | Should -Be 20000
    }
}
