# Helpers shared by the Pester files; ipvsadm (Debian's package) is the reference implementation.

function Reset-IpvsTable {
    ipvsadm -C
    if ($LASTEXITCODE -ne 0) { throw 'ipvsadm -C failed' }
}

function Get-KernelVersion {
    # The running kernel's major.minor, as the kernels that added a behaviour are named.
    [version]((uname -r) -replace '^(\d+\.\d+).*', '$1')
}

function Set-IpvsTable([string[]] $Rules) {
    # The table made equal to the rules by ipvsadm, in one process: a flush, then ipvsadm -R.
    @('-C') + $Rules | ipvsadm -R
    if ($LASTEXITCODE -ne 0) { throw "ipvsadm -R failed on: $($Rules -join '; ')" }
}

function Get-IpvsadmRules {
    # ipvsadm -Sn, one string per rule line.
    @(ipvsadm -Sn)
}

function Assert-SameLines {
    # Lines against those they must be, each as often, in any order (or InOrder): compared as .NET does it
    # (Sort-Object and Compare-Object take seconds over tens of thousands of lines); on a difference, the
    # counts and the first lines that differ.
    param([string[]] $Actual, [string[]] $Expected, [string] $Because, [switch] $InOrder)
    $compared = foreach ($lines in $Actual, $Expected) {
        $copy = [string[]]::new(0)
        if ($null -ne $lines) { $copy = [string[]]$lines.Clone() }
        if (-not $InOrder) { [Array]::Sort($copy, [StringComparer]::Ordinal) }
        , $copy
    }
    if (-not [Linq.Enumerable]::SequenceEqual($compared[0], $compared[1])) {
        $window = if ($InOrder) { 0 } else { [int]::MaxValue }
        $differ = Compare-Object $compared[1] $compared[0] -CaseSensitive -SyncWindow $window | Select-Object -First 10 | ForEach-Object { "$($_.SideIndicator) $($_.InputObject)" }
        "$($compared[0].Count) lines, $($compared[1].Count) expected; first differences (=> only these, <= only those expected): $($differ -join '; ')" |
            Should -BeNullOrEmpty -Because $Because
    }
}

function Invoke-Checked {
    # A native command that must succeed: its output, or an error naming it and what it said. A plain
    # function on purpose: options such as -A and -p must reach the command as they are, not bind here.
    $output = & $args[0] @($args | Select-Object -Skip 1) 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$args failed ($LASTEXITCODE): $output" }
    $output
}

function Invoke-Ipvsadm { Invoke-Checked ipvsadm @args | Out-Null }

function Stop-NamespaceProcess([string] $Name) {
    # Every process in a namespace, until none is left: kill only sends the signal, and a loop there may be
    # starting its next process as the last one is killed.
    $deadline = (Get-Date).AddSeconds(30)
    do {
        $running = @(ip netns pids $Name 2>$null)
        $running | ForEach-Object { kill -KILL $_ 2>$null }
    } while ($running -and (Get-Date) -lt $deadline)
    if ($running) { throw "Processes $($running -join ', ') in namespace $Name outlived 30 s of SIGKILL." }
}

function Remove-LvsNamespace([string] $Name) {
    # A test namespace and every process still running in it.
    ip netns pids $Name | ForEach-Object { kill $_ 2>$null }
    ip netns delete $Name
}

function New-LvsTestNamespace([string] $Name) {
    # A test namespace made anew (one of that name left by an earlier file is removed), with its loopback up:
    # without local routes the kernel finds no address unicast and refuses real servers.
    if (Test-Path "/run/netns/$Name") { Remove-LvsNamespace $Name }
    Invoke-Checked ip netns add $Name | Out-Null
    Invoke-Checked ip -n $Name link set lo up | Out-Null
}

function ConvertTo-Deserialized {
    # What remoting and Import-Clixml hand over: property bags typed Deserialized.*.
    param([Parameter(ValueFromPipeline)] $InputObject)
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($items, 3)) }
}

function Initialize-LvsTestNetwork {
    <#
    .SYNOPSIS
        A client and real servers in their own network namespaces, around the director (the caller's namespace).
    .DESCRIPTION
        lvsadmin-test-client 10.99.1.2 reaches the director at 10.99.1.1; real server N lives in lvsadmin-test-rsN at
        10.99.2N.2 behind the director's 10.99.2N.1 and serves HTTP with busybox httpd, answering its
        own name. Virtual addresses in 10.99.9.0/24 are the director's (on lo) and routed to it by the client.
    #>
    param([int] $RealServers = 3)
    Remove-LvsTestNetwork
    # The links and addresses in one ip process per namespace: a process is dear in the test kernel.
    $director = @(
        'link set lo up'
        'netns add lvsadmin-test-client'
        'link add lvs-c0 type veth peer name eth0 netns lvsadmin-test-client'
        'addr add 10.99.1.1/24 dev lvs-c0'
        'link set lvs-c0 up'
        foreach ($n in 1..$RealServers) {
            "netns add lvsadmin-test-rs$n"
            "link add lvs-r$n type veth peer name eth0 netns lvsadmin-test-rs$n"
            "addr add 10.99.2$n.1/24 dev lvs-r$n"
            "link set lvs-r$n up"
        }
        'addr add 10.99.9.0/24 dev lo'
    )
    Invoke-IpBatch $director
    Invoke-IpBatch 'addr add 10.99.1.2/24 dev eth0', 'link set eth0 up', 'link set lo up', 'route add 10.99.9.0/24 via 10.99.1.1' -Namespace lvsadmin-test-client
    foreach ($n in 1..$RealServers) {
        Invoke-IpBatch "addr add 10.99.2$n.2/24 dev eth0", 'link set eth0 up', 'link set lo up', "route add default via 10.99.2$n.1" -Namespace "lvsadmin-test-rs$n"
        $root = Join-Path ([IO.Path]::GetTempPath()) "lvs-www$n"
        New-Item -ItemType Directory -Force -Path $root | Out-Null
        Set-Content -Path (Join-Path $root 'index.html') -Value "rs$n" -NoNewline
        ip netns exec "lvsadmin-test-rs$n" busybox httpd -p 80 -h $root
    }
    # Replies of direct routing and tunnelling come back through the director with a virtual address
    # (one of the director's own) as their source: accept them instead of dropping them as martians.
    sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.all.accept_local=1 @(
        foreach ($n in 1..$RealServers) { "net.ipv4.conf.lvs-r$n.rp_filter=0"; "net.ipv4.conf.lvs-r$n.accept_local=1" })
}

function Invoke-IpBatch([string[]] $Commands, [string] $Namespace) {
    # ip commands (without "ip") run by one ip process, in Namespace when given; an error names the command.
    $arguments = @(if ($Namespace) { '-n', $Namespace }) + '-batch', '-'
    $output = $Commands | ip @arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ip $($arguments -join ' ') failed ($LASTEXITCODE): $output; the commands were: $($Commands -join '; ')" }
}

function Remove-LvsTestNetwork {
    $namespaces = @(@(ip netns list) -replace ' .*' | Where-Object { $_ -eq 'lvsadmin-test-client' -or $_ -like 'lvsadmin-test-rs*' })
    foreach ($ns in $namespaces) { ip netns pids $ns | ForEach-Object { kill $_ 2>$null } }
    # A namespace lives on while anything still holds it, and with it the veth pairs: their director ends go
    # now, so that the next file's network can be made whatever is left of this one. One ip process goes on
    # after a command that fails (-force): whatever is there goes.
    $links = @(@(ip -o link show) -replace '^\d+: ([^:@]+).*', '$1' | Where-Object { $_ -match '^lvs-(c0|r\d+)$' })
    @($namespaces | ForEach-Object { "netns delete $_" }) + @($links | ForEach-Object { "link del $_" }) + 'addr del 10.99.9.0/24 dev lo' |
        ip -force -batch - 2>$null
}

function Invoke-LvsTestRequest {
    # HTTP requests from the client namespace, one after another (from one shell there: a process entering
    # the namespace is dear in the test kernel); returns each one's body (the real server's name), or $null
    # for one that failed.
    param([string] $Address = '10.99.9.1', [int] $Port = 80, [int] $Count = 1)
    $requests = 'for i in $(seq "$1"); do body=$(busybox wget -q -O - "$2" 2>/dev/null) || body=-; echo "$body"; done'
    foreach ($body in ip netns exec lvsadmin-test-client sh -c $requests sh $Count "http://${Address}:$Port/") {
        if ($body -ne '-') { $body.Trim() } else { $null }
    }
}

function Wait-LvsResult {
    <#
    .SYNOPSIS
        Runs Probe until Done accepts its result or Seconds pass, and returns the last result: for what
        the kernel does in its own time (statistics folded every 2 s, sync messages sent every second).
    #>
    param([scriptblock] $Probe, [scriptblock] $Done, [int] $Seconds = 15)
    $deadline = (Get-Date).AddSeconds($Seconds)
    do {
        $result = & $Probe
        if (& $Done $result) { break }
        Start-Sleep -Milliseconds 250
    } while ((Get-Date) -lt $deadline)
    , $result
}

function Wait-LvsConnectionCount {
    # The connections a service has counted, once at least AtLeast (or after 15 s).
    param([string] $Service, [int] $AtLeast)
    Wait-LvsResult -Probe { (Get-LvsService -Service $Service).Statistics.Connections } -Done { param($count) $count -ge $AtLeast }
}

Export-ModuleMember -Function *
