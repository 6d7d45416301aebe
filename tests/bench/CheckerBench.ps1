<#
.SYNOPSIS
    Watch-LvsRealServer beside keepalived's checkers (Debian's keepalived), in the test kernel: for each size,
    the time from a real server's death to weight 0 and from its return to its own weight, and each one's CPU
    time and memory while it checks every server every second. The watch runs with the .NET settings of
    the shipped lvsadmin-health.service.
.DESCRIPTION
    Each tool gets a director namespace of its own with one NAT service of Count real servers (weight 5),
    reached over a veth in a server namespace where one perl process listens on every server's address, port
    80, and stops or starts listening on one when told (a dead server refuses connections, as a stopped daemon
    does). The same checks on both sides: TCP connect, 1 s time-out, every second, down after 2 failures in a
    row (keepalived: retry 1, delay_before_retry 1), up after one success, weight 0 while down. Times are
    read by polling the table every 50 ms; the median of Rounds deaths and returns is reported. CPU is the
    tool's processes' user and system time over a 20 s window while every server is up; memory their
    resident set at its end. Asserts nothing.
#>
param(
    [Parameter(Mandatory)] [int[]] $Counts,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $Work,
    [int] $Rounds = 3,
    [int] $CpuWindowSeconds = 20
)

$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
$service = 'TCP 10.212.0.1:80'
$weight = 5
$listener = Join-Path $Work 'listeners.pl'
Set-Content $listener @'
# Listens on port 80 of every address in $ARGV[0] (one per line), accepting and closing; every 50 ms it
# rereads $ARGV[1]: an address listed there stops listening until it is no longer listed.
use strict; use IO::Socket::INET; use IO::Select;
my ($list, $down) = @ARGV;
open(my $fh, '<', $list) or die; chomp(my @addresses = <$fh>); close $fh;
my %socket; my $select = IO::Select->new;
sub listen_on { my $a = shift; my $s = IO::Socket::INET->new(LocalAddr => $a, LocalPort => 80, Listen => 128, ReuseAddr => 1, Proto => 'tcp') or die "$a: $!"; $socket{$a} = $s; $select->add($s); }
listen_on($_) for @addresses;
while (1) {
    for my $s ($select->can_read(0.05)) { my $c = $s->accept; close $c if $c; }
    my %stopped;
    if (open(my $d, '<', $down)) { chomp(my @lines = <$d>); close $d; %stopped = map { $_ => 1 } grep { length } @lines; }
    for my $a (@addresses) {
        if ($stopped{$a} && $socket{$a}) { $select->remove($socket{$a}); close $socket{$a}; delete $socket{$a}; }
        elsif (!$stopped{$a} && !$socket{$a}) { listen_on($a); }
    }
}
'@

function Start-InNamespace([string] $Namespace, [string[]] $Command, [string] $Log, [hashtable] $Environment = @{}) {
    # A process in the namespace, its arguments passed as they are, its output to Log.
    $start = [Diagnostics.ProcessStartInfo]::new('sh')
    foreach ($name in $Environment.Keys) { $start.Environment[$name] = $Environment[$name] }
    foreach ($argument in @('-c', 'exec "$@" >"$0" 2>&1', $Log, 'ip', 'netns', 'exec', $Namespace) + $Command) { $start.ArgumentList.Add($argument) }
    [Diagnostics.Process]::Start($start)
}

function Get-ServerAddress([int] $Index) { "10.211.$([math]::Floor($Index / 250)).$($Index % 250 + 1)" }

function New-BenchNetwork([int] $Count) {
    foreach ($ns in 'lvsadmin-bench-lb', 'lvsadmin-bench-rs') { if (Test-Path "/run/netns/$ns") { ip netns delete $ns } }
    ip netns add lvsadmin-bench-lb
    ip netns add lvsadmin-bench-rs
    ip -n lvsadmin-bench-lb link set lo up
    ip -n lvsadmin-bench-rs link set lo up
    ip link add lvsb-lb netns lvsadmin-bench-lb type veth peer name lvsb-rs netns lvsadmin-bench-rs
    ip -n lvsadmin-bench-lb addr add 10.210.0.1/24 dev lvsb-lb
    ip -n lvsadmin-bench-rs addr add 10.210.0.2/24 dev lvsb-rs
    ip -n lvsadmin-bench-lb link set lvsb-lb up
    ip -n lvsadmin-bench-rs link set lvsb-rs up
    ip -n lvsadmin-bench-lb route add 10.211.0.0/16 via 10.210.0.2
    $addresses = 0..($Count - 1) | ForEach-Object { Get-ServerAddress $_ }
    $batch = Join-Path $Work 'addresses.ip'
    Set-Content $batch ($addresses | ForEach-Object { "addr add $_/32 dev lvsb-rs" })
    ip -n lvsadmin-bench-rs -batch $batch
    $list = Join-Path $Work 'addresses.txt'
    Set-Content $list $addresses
    $script:down = Join-Path $Work 'down.txt'
    Set-Content $script:down ''
    $errors = Join-Path $Work 'listeners.log'
    $script:servers = Start-InNamespace lvsadmin-bench-rs @('bash', '-c', "ulimit -n 8192; exec perl '$listener' '$list' '$script:down'") $errors
    # Ready once the last address answers from the director's side.
    $clock = [Diagnostics.Stopwatch]::StartNew()
    do {
        if ($script:servers.HasExited -or $clock.Elapsed.TotalSeconds -gt 60) { throw "The real servers' listener did not come up: $(Get-Content $errors -Raw)" }
        Start-Sleep -Milliseconds 200
        ip netns exec lvsadmin-bench-lb bash -c "exec 3<>/dev/tcp/$($addresses[-1])/80" 2>$null
    } while ($LASTEXITCODE -ne 0)
    $addresses
}

function Remove-BenchNetwork {
    if ($script:servers -and -not $script:servers.HasExited) { $script:servers.Kill($true) }
    foreach ($ns in 'lvsadmin-bench-lb', 'lvsadmin-bench-rs') {
        ip netns pids $ns 2>$null | ForEach-Object { kill -9 $_ 2>$null }
        if (Test-Path "/run/netns/$ns") { ip netns delete $ns }
    }
}

function Get-Weight([string] $Address) {
    (Get-LvsRealServer -Service $service -Address $Address -Port 80 -NetworkNamespace lvsadmin-bench-lb -ErrorAction SilentlyContinue).Weight
}

function Wait-Weight([string] $Address, [int] $Wanted, [double] $Seconds = 30) {
    # Seconds from now until the table shows the weight (polled every 50 ms); null if it never does.
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while ($clock.Elapsed.TotalSeconds -lt $Seconds) {
        if ((Get-Weight $Address) -eq $Wanted) { return [math]::Round($clock.Elapsed.TotalSeconds, 2) }
        Start-Sleep -Milliseconds 50
    }
    $null
}

function Get-ProcessTime([int[]] $Ids) {
    # User and system time (clock ticks, 100 a second) and resident memory (kB) of the processes.
    $ticks = 0; $rss = 0
    foreach ($id in $Ids) {
        $stat = Get-Content "/proc/$id/stat" -Raw -ErrorAction Ignore
        if (-not $stat) { continue }
        $fields = ($stat.Substring($stat.LastIndexOf(')') + 2)) -split ' '
        $ticks += [long]$fields[11] + [long]$fields[12]
        $rss += [long]((Get-Content "/proc/$id/status" | Where-Object { $_ -like 'VmRSS:*' }) -replace '\D', '')
    }
    [pscustomobject]@{ Seconds = $ticks / 100; MB = [math]::Round($rss / 1024, 1) }
}

function Start-Keepalived([string[]] $Addresses) {
    $conf = Join-Path $Work 'keepalived.conf'
    $servers = foreach ($address in $Addresses) {
        "    real_server $address 80 {`n        weight $weight`n        inhibit_on_failure`n        TCP_CHECK {`n            connect_timeout 1`n            retry 1`n            delay_before_retry 1`n        }`n    }"
    }
    Set-Content $conf "global_defs {`n    router_id lvsadmin-bench`n}`nvirtual_server 10.212.0.1 80 {`n    delay_loop 1`n    lb_algo wlc`n    lb_kind NAT`n    protocol TCP`n$($servers -join "`n")`n}"
    New-Item -ItemType Directory -Force -Path /run/keepalived | Out-Null
    Start-InNamespace lvsadmin-bench-lb @('keepalived', '-n', '-l', '-D', '-C', '-f', $conf, '-p', '/run/keepalived/bench.pid', '-c', '/run/keepalived/bench-checkers.pid') (Join-Path $Work 'keepalived.log') | Out-Null
    # keepalived makes the service itself: ready once every server is in the table.
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while (@(Get-LvsRealServer -Service $service -NetworkNamespace lvsadmin-bench-lb -ErrorAction SilentlyContinue).Count -lt $Addresses.Count) {
        if ($clock.Elapsed.TotalSeconds -gt 120) { throw "keepalived did not set up the $($Addresses.Count) real servers in 120 s (see $Work/keepalived.log)." }
        Start-Sleep -Milliseconds 200
    }
}

function Start-Watch([string[]] $Addresses) {
    @("-A -t 10.212.0.1:80 -s wlc") + ($Addresses | ForEach-Object { "-a -t 10.212.0.1:80 -r ${_}:80 -m -w $weight" }) | Import-LvsRules -NetworkNamespace lvsadmin-bench-lb
    $script = Join-Path $Work 'watch.ps1'
    Set-Content $script "Import-Module '$ModuleManifest'; Watch-LvsRealServer -Service '$service' -Tcp -Interval 1 -Fall 2 -Rise 1 -Timeout 1 -ThrottleLimit 256 | Out-Null"
    # With the .NET settings the shipped health service runs it with.
    $unit = Join-Path (Split-Path $ModuleManifest) 'systemd/lvsadmin-health.service'
    $environment = @{}
    Get-Content $unit | Where-Object { $_ -match '^Environment=(DOTNET_\w+)=(.*)$' } | ForEach-Object { $environment[$Matches[1]] = $Matches[2] }
    Start-InNamespace lvsadmin-bench-lb @(([Environment]::ProcessPath), (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $script) (Join-Path $Work 'watch.log') $environment | Out-Null
}

$rows = foreach ($count in $Counts) {
    foreach ($tool in 'keepalived', 'Watch-LvsRealServer') {
        Write-Host "== checkers: $tool, $count real servers checked every second"
        $addresses = New-BenchNetwork $count
        try {
            if ($tool -eq 'keepalived') { Start-Keepalived $addresses } else { Start-Watch $addresses }
            # Started, and a round of checks or two behind it (pwsh starts in a few seconds here).
            Start-Sleep -Seconds 15
            $ids = @(ip netns pids lvsadmin-bench-lb | ForEach-Object { [int]$_ })
            $downTimes = @(); $upTimes = @()
            for ($round = 0; $round -lt $Rounds; $round++) {
                $victim = $addresses[[math]::Floor(($round + 0.5) * $count / $Rounds)]
                Set-Content $script:down $victim
                $downTimes += Wait-Weight $victim 0
                Set-Content $script:down ''
                $upTimes += Wait-Weight $victim $weight
            }
            $before = Get-ProcessTime $ids
            Start-Sleep -Seconds $CpuWindowSeconds
            $after = Get-ProcessTime $ids
            [pscustomobject]@{
                Servers           = $count
                Tool              = $tool
                'Death to 0'      = '{0:0.00} s' -f (@($downTimes | Sort-Object)[[math]::Floor($Rounds / 2)])
                'Return to own'   = '{0:0.00} s' -f (@($upTimes | Sort-Object)[[math]::Floor($Rounds / 2)])
                'CPU (% of a core)' = [math]::Round(($after.Seconds - $before.Seconds) / $CpuWindowSeconds * 100, 1)
                'Memory'          = "$($after.MB) MB"
                Processes         = $ids.Count
            }
        }
        finally {
            Remove-BenchNetwork
        }
    }
}
Write-Host 'Checkers: TCP connect every second, down after 2 failures, up after 1 success (median of deaths and returns; CPU and memory while all are up):'
$rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
$rows
