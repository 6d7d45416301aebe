<#
.SYNOPSIS
    The benchmark build.ps1 Bench runs inside the test kernel: LvsAdmin against ipvsadm on the same tables.
.DESCRIPTION
    For each table size it times, in one boot: ipvsadm -R, ipvsadm -Sn, ipvsadm -C then -R of a table
    with 1% changed; Import-LvsRules (also under -ErrorAction Stop), Export-LvsRules, Get-LvsService |
    Get-LvsRealServer, Import-LvsRules -Replace of the same changes, a pipeline edit of one real
    server per service (Get | Get | Where-Object | Set-LvsRealServer, against the same read plus an
    Import of the edits, and ipvsadm -R of them) and a drain of one address from every service, in this
    process; and Import-LvsRules in a new pwsh (start-up included). Reads (ipvsadm -Sn, Export, Get | Get) and -Replace run -Repeat times and
    their median is reported: single runs in the test kernel vary by a third. It prints a table and
    writes JSON. Nothing here asserts a time.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Table sizes, comma-separated (pwsh -File hands arguments over as text; empty: none).
    [string] $Services = '',
    [Parameter(Mandatory)] [int] $RealServers,
    # How many times each read and each -Replace runs; the median is reported.
    [int] $Repeat = 5,
    # ipvs-floor (../shared/tools/ipvs-floor.c, built by build.ps1 Bench): the kernel's own cost of the same adds and dumps.
    [string] $Floor,
    # The scale runs, comma-separated sizes (empty: none): tables of this many services x RealServers,
    # one service with this many real servers, and connection tables of this many entries.
    [string] $ScaleServices = '',
    [string] $ScaleRealServers = '',
    [string] $ScaleConnections = '',
    # Watch-LvsRealServer beside keepalived's checkers, with these many real servers (comma-separated; empty: none).
    [string] $Checkers = ''
)

Import-Module $ModuleManifest -ErrorAction Stop
# The test kernel's console never answers the terminal queries progress rendering waits for.
$ProgressPreference = 'SilentlyContinue'
$work = Join-Path ([IO.Path]::GetTempPath()) 'lvs-bench'
New-Item -ItemType Directory -Force -Path $work | Out-Null

function New-RuleFile([int] $Count, [int] $PerService, [string] $Path, [int] $ChangeEvery = 0) {
    # Count TCP services on 10.x.y.z:80, each with PerService NAT real servers. With ChangeEvery, every
    # ChangeEvery-th real server gets another weight: the 'changed' table for -Replace.
    $lines = [System.Collections.Generic.List[string]]::new($Count * ($PerService + 1))
    $n = 0
    for ($i = 0; $i -lt $Count; $i++) {
        $vip = "10.$(($i -shr 16) -band 255).$(($i -shr 8) -band 255).$($i -band 255):80"
        $lines.Add("-A -t $vip -s wlc")
        for ($j = 1; $j -le $PerService; $j++) {
            $n++
            $weight = if ($ChangeEvery -and ($n % $ChangeEvery) -eq 0) { 2 } else { 1 }
            $lines.Add("-a -t $vip -r 192.168.$($j).$(($i % 250) + 1):8080 -m -w $weight")
        }
    }
    [IO.File]::WriteAllLines($Path, $lines)
    $lines.Count
}

function New-WideServiceFile([int] $PerService, [string] $Path, [int] $ChangeEvery = 0) {
    # One TCP service with PerService NAT real servers from 10.100.0.1 up; ChangeEvery as in New-RuleFile.
    $lines = [System.Collections.Generic.List[string]]::new($PerService + 1)
    $lines.Add('-A -t 10.0.0.1:80 -s wlc')
    for ($j = 1; $j -le $PerService; $j++) {
        $weight = if ($ChangeEvery -and ($j % $ChangeEvery) -eq 0) { 2 } else { 1 }
        $lines.Add("-a -t 10.0.0.1:80 -r 10.$(100 + ($j -shr 16)).$(($j -shr 8) -band 255).$($j -band 255):8080 -m -w $weight")
    }
    [IO.File]::WriteAllLines($Path, $lines)
    $lines.Count
}

function Measure-Shell([string] $Command) {
    # Whole-process time and peak memory of a shell command, from GNU time.
    $report = Join-Path $work 'time.txt'
    /usr/bin/time -f '%e %M' -o $report bash -c $Command
    if ($LASTEXITCODE -ne 0) { throw "'$Command' failed" }
    $seconds, $kilobytes = (Get-Content $report -Raw).Trim() -split ' '
    [pscustomobject]@{ Seconds = [double]$seconds; PeakMB = [math]::Round([double]$kilobytes / 1024, 1) }
}

function Measure-Pwsh([string] $Script) {
    # A new pwsh runs the script under Stop, as scripts do: its own stopwatch times the script (start-up
    # and module import excluded) and GNU time the process's peak memory (start-up included).
    $file = Join-Path $work 'step.ps1'
    Set-Content $file "`$ProgressPreference = 'SilentlyContinue'; `$ErrorActionPreference = 'Stop'; Import-Module '$ModuleManifest'`n[math]::Round((Measure-Command { $Script }).TotalSeconds, 3)"
    $report = Join-Path $work 'time.txt'
    $said = /usr/bin/time -f '%M' -o $report $dotnet $pwsh -NoProfile -NonInteractive -File $file
    if ($LASTEXITCODE -ne 0) { throw "'$Script' failed in a new pwsh: $said" }
    [pscustomobject]@{ Seconds = [double]@($said)[-1]; PeakMB = [math]::Round([double](Get-Content $report -Raw).Trim() / 1024, 1) }
}

function Invoke-Floor([string] $Namespace, [int] $Count, [int] $PerService) {
    # "floor: add S services x D real servers in A s (...); dump S services in B s + N real servers in C s"
    $said = ip netns exec $Namespace $Floor $Count $PerService 1024 last
    if ($said -notmatch 'in ([\d.]+) s \(batch.*dump \d+ services in ([\d.]+) s \+ \d+ real servers in ([\d.]+) s') { throw "ipvs-floor said: $said" }
    [pscustomobject]@{ AddSeconds = [double]$Matches[1]; DumpSeconds = [double]$Matches[2] + [double]$Matches[3] }
}

function New-Namespace([string] $Name) {
    ip netns add $Name
    ip -n $Name link set lo up
    $Name
}

function Get-Sizes([string] $List) { @($List -split ',' | Where-Object { $_ } | ForEach-Object { [int]$_ }) }

function Measure-Seconds([scriptblock] $Action) {
    [math]::Round((Measure-Command $Action).TotalSeconds, 3)
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $sorted[[math]::Floor($sorted.Count / 2)]
}

$dotnet = [Environment]::ProcessPath
$pwsh = Join-Path $PSHOME 'pwsh.dll'
$results = @(foreach ($count in Get-Sizes $Services) {
    $rules = Join-Path $work "rules-$count.txt"
    $changed = Join-Path $work "changed-$count.txt"
    $lines = New-RuleFile $count $RealServers $rules
    New-RuleFile $count $RealServers $changed -ChangeEvery 100 | Out-Null
    Write-Host "== $count services x $RealServers real servers ($lines rules)"

    # Each tool starts from a fresh network namespace, so from an empty table with an empty trash:
    # the kernel keeps deleted real servers for a while and scans them on every addition.
    $ipvsadmNs, $lvsNs, $processNs, $stopNs, $floorNs = foreach ($role in 'ipvsadm', 'lvs', 'process', 'stop', 'floor') { New-Namespace "bench-$role-$count" }
    $ipvsadmRestore = Measure-Shell "ip netns exec $ipvsadmNs ipvsadm -R < $rules"
    # Reads are repeated and their median kept: single runs in the test kernel vary by a third.
    $ipvsadmSaves = foreach ($run in 1..$Repeat) { Measure-Shell "ip netns exec $ipvsadmNs ipvsadm -Sn > $work/saved.txt" }
    $ipvsadmSave = [pscustomobject]@{ Seconds = Get-Median $ipvsadmSaves.Seconds; PeakMB = ($ipvsadmSaves.PeakMB | Measure-Object -Maximum).Maximum }
    $ipvsadmClear = Measure-Shell "ip netns exec $ipvsadmNs ipvsadm -C"
    $ipvsadmReplace = Measure-Shell "ip netns exec $ipvsadmNs ipvsadm -R < $changed"
    # The pipeline edit's changes as rule lines: the first real server of every service to weight 9, and back to 5.
    $editsTo9, $editsTo5 = foreach ($weight in 9, 5) {
        $path = Join-Path $work "edits-$weight-$count.txt"
        [IO.File]::WriteAllLines($path, [string[]] (Get-Content $rules | Where-Object { $_ -like '-a * -r 192.168.1.*' } | ForEach-Object { ($_ -replace '^-a', '-e') -replace '-w \d+$', "-w $weight" }))
        $path
    }
    $ipvsadmEdit = Measure-Shell "ip netns exec $ipvsadmNs ipvsadm -R < $editsTo9"

    [GC]::Collect()
    $at = @{ NetworkNamespace = $lvsNs }
    # The default error preference: under -ErrorAction Stop, Import-LvsRules sends rules one at a time.
    $import = Measure-Seconds { Import-LvsRules -Path $rules @at }
    if (@(ip netns exec $lvsNs ipvsadm -Sn).Count -ne $lines) { throw "Import-LvsRules left $(@(ip netns exec $lvsNs ipvsadm -Sn).Count) rules of $lines." }
    $export = Get-Median (1..$Repeat | ForEach-Object { Measure-Seconds { $script:exported = Export-LvsRules @at } })
    if ($script:exported.Count -ne $lines) { throw "Export-LvsRules wrote $($script:exported.Count) rules of $lines." }
    $get = Get-Median (1..$Repeat | ForEach-Object { Measure-Seconds { $script:servers = Get-LvsService @at | Get-LvsRealServer @at } })
    if ($script:servers.Count -ne $lines - $count) { throw "Get-LvsService | Get-LvsRealServer gave $($script:servers.Count) real servers of $($lines - $count)." }
    # A listing of many dump parts is checked (IpvsClient.GetServices): on an undisturbed table by a second
    # dump; where the table changed meanwhile, also by reads of /proc/net/ip_vs, one of which is timed below.
    $listServices = Get-Median (1..$Repeat | ForEach-Object { Measure-Seconds { $script:listed = Get-LvsService @at } })
    if ($script:listed.Count -ne $count) { throw "Get-LvsService gave $($script:listed.Count) services of $count." }
    # The namespace's /proc/net/ip_vs, read in this process through a process that lives in it.
    $resident = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $lvsNs, 'sleep', '600' -PassThru
    while ((Get-Content "/proc/$($resident.Id)/comm" -ErrorAction Ignore) -ne 'sleep') { Start-Sleep -Milliseconds 20 }
    $listingCheck = Get-Median (1..$Repeat | ForEach-Object {
        Measure-Seconds {
            $stream = [IO.FileStream]::new("/proc/$($resident.Id)/net/ip_vs", 'Open', 'Read', 'ReadWrite', 0)
            try { $null = [LvsAdmin.Ipvs.ProcServiceList]::Read($stream, [int]::MaxValue) } finally { $stream.Dispose() }
        }
    })
    $resident.Kill()
    # Each run changes 1% of the table: to the changed rules, back to the original ones, and so on.
    $replace = Get-Median (1..$Repeat | ForEach-Object {
        $target = if ($_ % 2) { $changed } else { $rules }
        Measure-Seconds { Import-LvsRules -Path $target -Replace -Confirm:$false @at }
        if (Compare-LvsRules -Path $target @at) { throw 'Import-LvsRules -Replace left differences.' }
    })

    # What scripts run: under Stop, an import must stay all or nothing and as fast as the default one.
    [GC]::Collect()
    $importStop = Measure-Seconds { Import-LvsRules -Path $rules -NetworkNamespace $stopNs -ErrorAction Stop }
    if (@(ip netns exec $stopNs ipvsadm -Sn).Count -ne $lines) { throw 'Import-LvsRules -ErrorAction Stop left rules out.' }

    # The pipeline edit: one real server of every service, read, picked and set, under Stop as scripts run it.
    $stop = @{ NetworkNamespace = $lvsNs; ErrorAction = 'Stop' }
    $edit = Get-Median (1..$Repeat | ForEach-Object {
        Import-LvsRules -Path $editsTo9 @stop
        Measure-Seconds { Get-LvsService @stop | Get-LvsRealServer @stop | Where-Object Weight -eq 9 | Set-LvsRealServer -Weight 5 @stop }
        if (@(Get-LvsService @stop | Get-LvsRealServer @stop | Where-Object Weight -eq 5).Count -ne $count) { throw 'The pipeline edit missed real servers.' }
    })
    $readAndImport = Get-Median (1..$Repeat | ForEach-Object {
        Import-LvsRules -Path $editsTo9 @stop
        Measure-Seconds { $null = Get-LvsService @stop | Get-LvsRealServer @stop | Where-Object Weight -eq 9; Import-LvsRules -Path $editsTo5 @stop }
    })
    # Draining one address out of every service that has it, connections none: weight 0, a wait, removal.
    $drained = @(Get-LvsRealServer -Address 192.168.1.1 @stop).Count
    $drain = Measure-Seconds { Get-LvsRealServer -Address 192.168.1.1 @stop | Remove-LvsRealServer -Drain -Timeout 60 @stop }
    if (Get-LvsRealServer -Address 192.168.1.1 @stop) { throw 'The drain left real servers.' }

    $importProcess = Measure-Shell "'$dotnet' '$pwsh' -NoProfile -NonInteractive -Command `"Import-Module '$ModuleManifest'; Import-LvsRules -Path '$rules' -NetworkNamespace $processNs`""
    $exportProcess = Measure-Shell "'$dotnet' '$pwsh' -NoProfile -NonInteractive -Command `"Import-Module '$ModuleManifest'; Export-LvsRules -Path '$work/exported.txt' -NetworkNamespace $processNs`""
    $floorAdd, $floorDump = if ($Floor) { $measured = Invoke-Floor $floorNs $count $RealServers; $measured.AddSeconds, $measured.DumpSeconds } else { $null, $null }
    foreach ($name in $ipvsadmNs, $lvsNs, $processNs, $stopNs, $floorNs) { ip netns delete $name }

    [pscustomobject][ordered]@{
        Services                 = $count
        RealServers              = $count * $RealServers
        Rules                    = $lines
        IpvsadmRestoreSeconds    = $ipvsadmRestore.Seconds
        IpvsadmSaveSeconds       = $ipvsadmSave.Seconds
        IpvsadmClearRestoreSeconds = [math]::Round($ipvsadmClear.Seconds + $ipvsadmReplace.Seconds, 3)
        IpvsadmPeakMB            = [math]::Max($ipvsadmRestore.PeakMB, $ipvsadmSave.PeakMB)
        ImportSeconds            = $import
        ImportStopSeconds        = $importStop
        IpvsadmEditSeconds       = $ipvsadmEdit.Seconds
        PipelineEditSeconds      = $edit
        ReadAndImportEditSeconds = $readAndImport
        DrainedServices          = $drained
        DrainSeconds             = $drain
        FloorAddSeconds          = $floorAdd
        FloorDumpSeconds         = $floorDump
        ImportOverFloor          = if ($floorAdd) { [math]::Round($import / $floorAdd, 2) }
        ExportOverFloor          = if ($floorDump) { [math]::Round($export / $floorDump, 2) }
        ExportSeconds            = $export
        GetServiceRealServerSeconds = $get
        ListServicesSeconds      = $listServices
        ListingCheckSeconds      = $listingCheck
        ReplaceSeconds           = $replace
        ImportProcessSeconds     = $importProcess.Seconds
        ExportProcessSeconds     = $exportProcess.Seconds
        ProcessPeakMB            = [math]::Max($importProcess.PeakMB, $exportProcess.PeakMB)
        ImportSpeedup            = [math]::Round($ipvsadmRestore.Seconds / $import, 1)
        ExportSpeedup            = [math]::Round($ipvsadmSave.Seconds / $export, 1)
        GetSpeedup               = [math]::Round($ipvsadmSave.Seconds / $get, 1)
        ReplaceSpeedup           = [math]::Round(($ipvsadmClear.Seconds + $ipvsadmReplace.Seconds) / $replace, 1)
        ReplaceOverExport        = [math]::Round($replace / $export, 2)
        StopOverImport           = [math]::Round($importStop / $import, 2)
        EditOverReadAndImport    = [math]::Round($edit / $readAndImport, 2)
        EditSpeedup              = [math]::Round($ipvsadmEdit.Seconds / $edit, 1)
    }
})

# Scale: each step in a new pwsh, so that its peak memory is its own; a tenfold table should cost ours
# at most tenfold (the kernel's own cost, the floor's, may grow faster: its service hash has 256 buckets).
function New-ScaleRow([string] $Table, [int] $Size, [string] $Step, $Measured) {
    [pscustomobject]@{ Table = $Table; Size = $Size; Step = $Step; Seconds = $Measured.Seconds; PeakMB = $Measured.PeakMB }
}
function Measure-TableSteps([string] $Table, [int] $Size, [string] $Namespace, [string] $Rules, [string] $Changed, [int] $Lines, [string] $Read) {
    $at = "-NetworkNamespace $Namespace"
    $exported = Join-Path $work 'scale-export.txt'
    New-ScaleRow $Table $Size 'Import-LvsRules' (Measure-Pwsh "Import-LvsRules -Path '$Rules' $at")
    New-ScaleRow $Table $Size 'Export-LvsRules -Path' (Measure-Pwsh "Export-LvsRules -Path '$exported' $at")
    $written = [System.Linq.Enumerable]::Count([IO.File]::ReadLines($exported))
    if ($written -ne $Lines) { throw "Export-LvsRules wrote $written rules of $Lines." }
    # Read names the pipeline; every command of it acts on the namespace.
    New-ScaleRow $Table $Size $Read (Measure-Pwsh "$(($Read -split '\|' | ForEach-Object { "$($_.Trim()) $at" }) -join ' | ') | Out-Null")
    New-ScaleRow $Table $Size 'Import-LvsRules -Replace (1% changed)' (Measure-Pwsh "Import-LvsRules -Path '$Changed' -Replace -Confirm:`$false $at")
    if (Compare-LvsRules -Path $Changed -NetworkNamespace $Namespace) { throw 'Import-LvsRules -Replace left differences.' }
}

$scaling = ($ScaleServices, $ScaleRealServers, $ScaleConnections) -join ''
$baseline = if ($scaling) { Measure-Pwsh '$null' }
$scale = @(
    foreach ($count in Get-Sizes $ScaleServices) {
        $rules = Join-Path $work "scale-rules-$count.txt"
        $changed = Join-Path $work "scale-changed-$count.txt"
        $lines = New-RuleFile $count $RealServers $rules
        New-RuleFile $count $RealServers $changed -ChangeEvery 100 | Out-Null
        Write-Host "== scale: $count services x $RealServers real servers ($lines rules)"
        $table = "services x $RealServers"
        $namespace = New-Namespace "scale-services-$count"
        Measure-TableSteps $table $count $namespace $rules $changed $lines 'Get-LvsService | Get-LvsRealServer'
        ip netns delete $namespace
        if ($Floor) {
            $floorNs = New-Namespace "scale-floor-$count"
            $measured = Invoke-Floor $floorNs $count $RealServers
            New-ScaleRow $table $count 'floor: add (the kernel''s cost)' @{ Seconds = $measured.AddSeconds }
            New-ScaleRow $table $count 'floor: dump (the kernel''s cost)' @{ Seconds = $measured.DumpSeconds }
            ip netns delete $floorNs
        }
    }
    foreach ($count in Get-Sizes $ScaleRealServers) {
        $rules = Join-Path $work "scale-wide-$count.txt"
        $changed = Join-Path $work "scale-wide-changed-$count.txt"
        $lines = New-WideServiceFile $count $rules
        New-WideServiceFile $count $changed -ChangeEvery 100 | Out-Null
        Write-Host "== scale: one service with $count real servers"
        $table = 'real servers of one service'
        $namespace = New-Namespace "scale-wide-$count"
        Measure-TableSteps $table $count $namespace $rules $changed $lines "Get-LvsRealServer -Service 'TCP 10.0.0.1:80'"
        ip netns delete $namespace
        $ipvsadmNs = New-Namespace "scale-wide-ipvsadm-$count"
        New-ScaleRow $table $count 'ipvsadm -R' (Measure-Shell "ip netns exec $ipvsadmNs ipvsadm -R < $rules")
        New-ScaleRow $table $count 'ipvsadm -Sn' (Measure-Shell "ip netns exec $ipvsadmNs ipvsadm -Sn > $work/saved.txt")
        ip netns delete $ipvsadmNs
    }
    foreach ($count in Get-Sizes $ScaleConnections) {
        Write-Host "== scale: $count connections"
        # A client namespace sends one UDP datagram from each of count/2 source ports to each of two
        # virtual ports: every pair is a connection, which lives the UDP timeout (300 s) as the real
        # server (direct routing to an address nobody has) never answers.
        $director = New-Namespace "scale-director-$count"
        $client = New-Namespace "scale-client-$count"
        ip link add scale-d netns $director type veth peer name scale-c netns $client
        ip -n $director addr add 10.250.0.1/24 dev scale-d
        ip -n $director addr add 10.250.1.1/32 dev scale-d
        ip -n $director link set scale-d up
        ip -n $client addr add 10.250.0.2/24 dev scale-c
        ip -n $client link set scale-c up
        ip -n $client route add 10.250.1.1/32 via 10.250.0.1
        # The director's link address given, not resolved: datagrams sent while ARP resolves would be dropped.
        $mac = (ip -n $director -j link show scale-d | ConvertFrom-Json).address
        ip -n $client neigh replace 10.250.0.1 lladdr $mac dev scale-c
        '-A -u 10.250.1.1:53 -s rr', '-a -u 10.250.1.1:53 -r 10.250.0.3:53 -g', '-A -u 10.250.1.1:54 -s rr', '-a -u 10.250.1.1:54 -r 10.250.0.3:54 -g' |
            Import-LvsRules -NetworkNamespace $director -ErrorAction Stop
        $sender = Join-Path $work 'send.ps1'
        Set-Content $sender @"
`$payload = [byte[]]::new(8)
`$targets = [Net.IPEndPoint]::new([Net.IPAddress]::Parse('10.250.1.1'), 53), [Net.IPEndPoint]::new([Net.IPAddress]::Parse('10.250.1.1'), 54)
`$source = [Net.IPAddress]::Parse('10.250.0.2')
for (`$port = 10000; `$port -lt $(10000 + [math]::Ceiling($count / 2)); `$port++) {
    `$socket = [Net.Sockets.Socket]::new('InterNetwork', 'Dgram', 'Udp')
    `$socket.Bind([Net.IPEndPoint]::new(`$source, `$port))
    foreach (`$target in `$targets) { [void]`$socket.SendTo(`$payload, `$target) }
    `$socket.Close()
}
"@
        ip netns exec $client $dotnet $pwsh -NoProfile -NonInteractive -File $sender
        $present = @(Get-LvsConnection -NetworkNamespace $director).Count
        if ($present -lt $count) { throw "The client made $present connections of $count." }
        $table = 'connections'
        New-ScaleRow $table $count 'Get-LvsConnection' (Measure-Pwsh "Get-LvsConnection -NetworkNamespace $director | Out-Null")
        New-ScaleRow $table $count 'ipvsadm -Lcn' (Measure-Shell "ip netns exec $director ipvsadm -Lcn > $work/connections.txt")
        foreach ($name in $director, $client) { ip netns delete $name }
    }
)
$scaleGrowth = foreach ($group in $scale | Group-Object Table, Step) {
    $smallestRow, $largestRow = ($group.Group | Sort-Object Size)[0, -1]
    [pscustomobject]@{
        Table        = $smallestRow.Table
        Step         = $smallestRow.Step
        Small        = '{0:N0}: {1:0.00} s{2}' -f $smallestRow.Size, $smallestRow.Seconds, $(if ($smallestRow.PeakMB) { ", $($smallestRow.PeakMB) MB" })
        Large        = '{0:N0}: {1:0.00} s{2}' -f $largestRow.Size, $largestRow.Seconds, $(if ($largestRow.PeakMB) { ", $($largestRow.PeakMB) MB" })
        SizeGrowth   = [math]::Round($largestRow.Size / $smallestRow.Size, 1)
        TimeGrowth   = if ($smallestRow.Seconds) { [math]::Round($largestRow.Seconds / $smallestRow.Seconds, 1) }
        # Memory above what a pwsh that does nothing takes (the baseline), which is most of it at small sizes.
        MemoryGrowth = if ($smallestRow.PeakMB -and $baseline -and $smallestRow.PeakMB -gt $baseline.PeakMB) {
            [math]::Round(($largestRow.PeakMB - $baseline.PeakMB) / ($smallestRow.PeakMB - $baseline.PeakMB), 1)
        }
    }
}

$peak = [math]::Round([System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)

# The targets of the speed issue, read off the largest table; reported, never asserted.
$largest = $results | Sort-Object Services | Select-Object -Last 1
$targets = if ($largest) {
    @(
        @{ Target = 'Import-LvsRules at least 10x faster than ipvsadm -R'; Value = $largest.ImportSpeedup; Met = $largest.ImportSpeedup -ge 10 }
        @{ Target = 'Export-LvsRules at least 3x faster than ipvsadm -Sn'; Value = $largest.ExportSpeedup; Met = $largest.ExportSpeedup -ge 3 }
        @{ Target = 'Get-LvsService | Get-LvsRealServer at least 3x faster than ipvsadm -Sn'; Value = $largest.GetSpeedup; Met = $largest.GetSpeedup -ge 3 }
        @{ Target = 'Import-LvsRules -Replace (1% changed) at most 1.1x Export-LvsRules'; Value = $largest.ReplaceOverExport; Met = $largest.ReplaceOverExport -le 1.1 }
        @{ Target = 'Import-LvsRules -Replace at least 10x faster than ipvsadm -C then -R'; Value = $largest.ReplaceSpeedup; Met = $largest.ReplaceSpeedup -ge 10 }
        @{ Target = 'Import-LvsRules -ErrorAction Stop at most 1.2x the default import'; Value = $largest.StopOverImport; Met = $largest.StopOverImport -le 1.2 }
        @{ Target = 'Import-LvsRules -ErrorAction Stop at least 20x faster than ipvsadm -R'; Value = [math]::Round($largest.IpvsadmRestoreSeconds / $largest.ImportStopSeconds, 1); Met = $largest.IpvsadmRestoreSeconds / $largest.ImportStopSeconds -ge 20 }
        @{ Target = 'Import-LvsRules at most 3x the floor''s add'; Value = $largest.ImportOverFloor; Met = $largest.ImportOverFloor -and $largest.ImportOverFloor -le 3 }
        @{ Target = 'Export-LvsRules at most 1.2x the floor''s dump'; Value = $largest.ExportOverFloor; Met = $largest.ExportOverFloor -and $largest.ExportOverFloor -le 1.2 }
        @{ Target = 'Get | Get | Where | Set-LvsRealServer at most 1.2x the same read + Import of the edits'; Value = $largest.EditOverReadAndImport; Met = $largest.EditOverReadAndImport -le 1.2 }
    ) | ForEach-Object { [pscustomobject]$_ }
}

# How each figure grows from the smallest table to the largest, beside how the table grows.
$smallest = $results | Sort-Object Services | Select-Object -First 1
$growth = if ($largest -and $largest.Services -ne $smallest.Services) {
    $figures = 'IpvsadmRestoreSeconds', 'ImportSeconds', 'ImportStopSeconds', 'PipelineEditSeconds', 'DrainSeconds', 'IpvsadmSaveSeconds', 'ExportSeconds', 'GetServiceRealServerSeconds', 'IpvsadmClearRestoreSeconds', 'ReplaceSeconds'
    foreach ($figure in $figures) {
        [pscustomobject]@{ Figure = $figure -replace 'Seconds$'; Growth = [math]::Round($largest.$figure / $smallest.$figure, 1) }
    }
}

$report = [ordered]@{
    Kernel         = (uname -r)
    Ipvsadm        = (ipvsadm --version 2>&1 | Select-Object -First 1)
    Repeat         = $Repeat
    BenchPeakMB    = $peak
    Results        = @($results)
    Growth         = @($growth)
    Targets        = @($targets)
    ScaleBaselineMB = if ($baseline) { $baseline.PeakMB }
    Scale          = $scale
    ScaleGrowth    = @($scaleGrowth)
}
$report | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $ResultPath 'bench.json')

# Wide enough for every column: the test kernel's console would otherwise cut the tables at 80.
if ($results) {
    $results | Format-Table Services, Rules,
        @{ n = 'ipvsadm -R'; e = { '{0:0.00} s' -f $_.IpvsadmRestoreSeconds } },
        @{ n = 'Import'; e = { '{0:0.00} s' -f $_.ImportSeconds } },
        @{ n = 'x'; e = { $_.ImportSpeedup } },
        @{ n = 'ipvsadm -Sn'; e = { '{0:0.00} s' -f $_.IpvsadmSaveSeconds } },
        @{ n = 'Export'; e = { '{0:0.00} s' -f $_.ExportSeconds } },
        @{ n = 'x'; e = { $_.ExportSpeedup } },
        @{ n = 'Get|Get'; e = { '{0:0.00} s' -f $_.GetServiceRealServerSeconds } },
        @{ n = 'x'; e = { $_.GetSpeedup } },
        @{ n = 'Get-LvsService'; e = { '{0:0.000} s' -f $_.ListServicesSeconds } },
        @{ n = 'a /proc/net/ip_vs read (its fallback)'; e = { '{0:0.000} s' -f $_.ListingCheckSeconds } } -AutoSize | Out-String -Width 200 | Write-Host
    $results | Format-Table Services,
        @{ n = '-C then -R (1% changed)'; e = { '{0:0.00} s' -f $_.IpvsadmClearRestoreSeconds } },
        @{ n = 'Import -Replace'; e = { '{0:0.00} s' -f $_.ReplaceSeconds } },
        @{ n = 'x'; e = { $_.ReplaceSpeedup } },
        @{ n = 'Replace/Export'; e = { $_.ReplaceOverExport } },
        @{ n = 'Import in new pwsh'; e = { '{0:0.00} s' -f $_.ImportProcessSeconds } },
        @{ n = 'Export in new pwsh'; e = { '{0:0.00} s' -f $_.ExportProcessSeconds } },
        @{ n = 'pwsh peak'; e = { "$($_.ProcessPeakMB) MB" } },
        @{ n = 'ipvsadm peak'; e = { "$($_.IpvsadmPeakMB) MB" } } -AutoSize | Out-String -Width 200 | Write-Host
    $results | Format-Table Services,
        @{ n = 'Import -ErrorAction Stop'; e = { '{0:0.00} s' -f $_.ImportStopSeconds } },
        @{ n = 'Stop/default'; e = { $_.StopOverImport } },
        @{ n = 'ipvsadm -R of the edits'; e = { '{0:0.00} s' -f $_.IpvsadmEditSeconds } },
        @{ n = 'Get|Get|Where|Set'; e = { '{0:0.00} s' -f $_.PipelineEditSeconds } },
        @{ n = 'x'; e = { $_.EditSpeedup } },
        @{ n = 'read + Import of edits'; e = { '{0:0.00} s' -f $_.ReadAndImportEditSeconds } },
        @{ n = 'Set/(read+Import)'; e = { $_.EditOverReadAndImport } },
        @{ n = 'drain one address'; e = { '{0:0.00} s ({1} services)' -f $_.DrainSeconds, $_.DrainedServices } },
        @{ n = 'floor add / dump'; e = { if ($_.FloorAddSeconds) { '{0:0.00} s / {1:0.00} s' -f $_.FloorAddSeconds, $_.FloorDumpSeconds } else { 'not run' } } },
        @{ n = 'Import/floor'; e = { $_.ImportOverFloor } },
        @{ n = 'Export/floor'; e = { $_.ExportOverFloor } } -AutoSize | Out-String -Width 200 | Write-Host
    if ($growth) {
        Write-Host "Growth from $($smallest.Services) to $($largest.Services) services (the table grows $([math]::Round($largest.Services / $smallest.Services, 1))x):"
        $growth | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    }
    Write-Host "Targets, at $($largest.Services) services (medians of $Repeat runs for reads and -Replace):"
    $targets | Format-Table Target, Value, @{ n = 'Met'; e = { if ($_.Met) { 'yes' } else { 'NO' } } } -AutoSize | Out-String -Width 200 | Write-Host
}
if ($scale) {
    Write-Host "Scale: each step in a new pwsh (time: the step's own; peak memory: the process's, of which a pwsh that does nothing takes $($baseline.PeakMB) MB):"
    $scaleGrowth | Format-Table -AutoSize | Out-String -Width 220 | Write-Host
}
Write-Host "Peak working set of the benchmark process (all sizes, in-process runs): $peak MB"
if ($Checkers) {
    $checkerRows = & (Join-Path $PSScriptRoot 'CheckerBench.ps1') -Counts ($Checkers -split ',') -ModuleManifest $ModuleManifest -Work $work
    $checkerRows | ConvertTo-Json | Set-Content (Join-Path $ResultPath 'checkers.json')
}
