<#
.SYNOPSIS
    Random ipvsadm rule input, reproducible from a seed: for the differential test against ipvsadm -R.
.DESCRIPTION
    New-RandomRuleSet writes a table as ipvsadm -R takes it, in every form ipvsadm accepts: short and
    long options (with a space, '=' or attached values), defaults left out, a leading 'ipvsadm', tabs
    and repeated spaces, port names, '-r' without a port, a bare '-p', IPv6, firewall marks with real
    server ports, mixed families through tunnels, thresholds, tunnel options, edits and deletions, and
    rules the kernel refuses (duplicates, missing services). Get-RandomInvalidLine makes a line that
    ipvsadm's own checks refuse. By hand:
        Import-Module ./tests/Pester/RuleGenerator.psm1
        $random = [Random]::new(42); (New-RandomRuleSet -Random $random -Rules 2000).Lines
#>

$script:Schedulers = 'rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'

function Get-Pick([Random] $Random, [object[]] $Items) { $Items[$Random.Next($Items.Count)] }

function Test-Chance([Random] $Random, [double] $Probability) { $Random.NextDouble() -lt $Probability }

# This machine's services(5), read once.
$script:Services = if (Test-Path /etc/services) { [IO.File]::ReadAllLines('/etc/services') } else { @() }

function Get-PortName([string] $Protocol, [int] $Port) {
    # Only names this machine's services(5) has for that protocol: ipvsadm and LvsAdmin both read it.
    $name = @{ 22 = 'ssh'; 25 = 'smtp'; 53 = 'domain'; 80 = 'http'; 123 = 'ntp'; 443 = 'https'; 5060 = 'sip' }[$Port]
    if ($name -and $script:Services -match "^$name\s+$Port/$Protocol\b") { $name }
}

function Format-Option([Random] $Random, [string] $Short, [string] $Long, [string] $Value) {
    # One option as ipvsadm's popt reads it: '-s rr', '-srr', '--scheduler rr' or '--scheduler=rr'.
    $useLong = $Long -and (-not $Short -or (Test-Chance $Random 0.4))
    if ($null -eq $Value -or $Value -eq '') { if ($useLong) { return "--$Long" } else { return "-$Short" } }
    if ($useLong) { if (Test-Chance $Random 0.3) { return "--$Long=$Value" } else { return "--$Long $Value" } }
    if ((Test-Chance $Random 0.2) -and $Value -notmatch '^-') { return "-$Short$Value" }
    "-$Short $Value"
}

function Join-Words([Random] $Random, [string] $Command, [string[]] $Key, [string[]] $Settings) {
    # A rule line in ipvsadm's order: the command, the service, then the settings in random order, with
    # spaces or tabs, sometimes behind 'ipvsadm'. ipvsadm reads some options in order (-6 after -f, a
    # scheduler before its flags), so only the settings are shuffled and the flags go last.
    # (A random key drawn for each setting in turn, then sorted by: what Sort-Object { $Random.Next() } does,
    # without a pipeline's cost.)
    $shuffled = [string[]]@($Settings.Where({ $_ }))
    $keys = [int[]]@(foreach ($setting in $shuffled) { $Random.Next() })
    [Array]::Sort($keys, $shuffled)
    $shuffled = @($shuffled -notmatch '^(-b|--sched-flags)') + @($shuffled -match '^(-b|--sched-flags)')
    $all = @($Command) + @($Key) + $shuffled
    if (Test-Chance $Random 0.1) { $all = @('ipvsadm') + $all }
    $line = ''
    foreach ($word in $all) {
        $gap = if ($line -eq '') { '' } elseif (Test-Chance $Random 0.1) { "`t" } elseif (Test-Chance $Random 0.1) { '   ' } else { ' ' }
        $line += $gap + $word
    }
    if (Test-Chance $Random 0.05) { $line = "  $line`t" }
    $line
}

function New-RandomService([Random] $Random, [int] $Index) {
    $kind = Get-Pick $Random @('tcp', 'tcp', 'udp', 'sctp', 'fwm', 'tcp6', 'udp6')
    $service = [ordered]@{ Kind = $kind; Ipv6 = $kind -like '*6' -or ($kind -eq 'fwm' -and (Test-Chance $Random 0.3)) }
    if ($kind -eq 'fwm') {
        # Marks from 2^31 up too: ipvsadm writes them as negative numbers, a bug Export does not copy.
        $service.Mark = if (Test-Chance $Random 0.1) { [uint32]2147483648 + $Index } else { 1 + $Index }
        $service.Protocol = 'tcp'
    }
    else {
        $service.Protocol = $kind -replace '6$'
        $address = if ($service.Ipv6) { "2001:db8:$('{0:x}' -f ($Index % 65536))::$('{0:x}' -f $Random.Next(1, 65535))" } else { "10.$($Index % 250).$($Random.Next(0, 256)).$($Random.Next(1, 255))" }
        $service.Address = $address
        $service.Port = Get-Pick $Random @(80, 443, 53, 8080, 5060, 123, $Random.Next(1, 65536), 0)
    }
    $service.Persistent = $service.Port -eq 0 -or (Test-Chance $Random 0.3)
    $service.Scheduler = if (Test-Chance $Random 0.8) { Get-Pick $Random $script:Schedulers } else { $null }
    $service
}

function Format-ServiceOptions([Random] $Random, $Service) {
    # The words that name the service: -t/-u/--sctp-service address:port, or -f mark [-6].
    if ($Service.Kind -eq 'fwm') {
        $words = @(Format-Option $Random 'f' 'fwmark-service' $Service.Mark)
        if ($Service.Ipv6) { $words += Format-Option $Random '6' 'ipv6' $null }
        return , $words
    }
    $host_ = if ($Service.Ipv6) { "[$($Service.Address)]" } else { $Service.Address }
    $port = $Service.Port
    if ($port -ne 0 -and (Test-Chance $Random 0.3)) { $name = Get-PortName $Service.Protocol $port; if ($name) { $port = $name } }
    $value = "${host_}:$port"
    $option = switch ($Service.Protocol) {
        'tcp' { Format-Option $Random 't' 'tcp-service' $value }
        'udp' { Format-Option $Random 'u' 'udp-service' $value }
        default { Format-Option $Random $null 'sctp-service' $value }
    }
    , @($option)
}

function Format-ServiceSettings([Random] $Random, $Service) {
    $words = @()
    if ($Service.Scheduler) { $words += Format-Option $Random 's' 'scheduler' $Service.Scheduler }
    if ($Service.Persistent) {
        # A bare -p must not be followed by a number: ipvsadm would take it as the timeout.
        if (Test-Chance $Random 0.3) { $words += Format-Option $Random 'p' 'persistent' $null }
        else { $words += Format-Option $Random 'p' 'persistent' (Get-Pick $Random @(1, 60, 300, 3600, 86400, 2678400, $Random.Next(1, 2678401))) }
        if (Test-Chance $Random 0.4) {
            $mask = if ($Service.Ipv6) { $Random.Next(1, 129) } else { Get-Pick $Random @('255.255.255.0', '255.255.0.0', '255.255.255.255', '255.255.255.128', '255.0.0.0') }
            $words += Format-Option $Random 'M' 'netmask' $mask
        }
        if ($Service.Protocol -eq 'udp' -and $Service.Kind -ne 'fwm' -and (Test-Chance $Random 0.3)) { $words += Format-Option $Random $null 'pe' 'sip' }
    }
    if (($Service.Protocol -eq 'udp' -or $Service.Kind -eq 'fwm') -and (Test-Chance $Random 0.2)) { $words += Format-Option $Random 'o' 'ops' $null }
    $scheduler = if ($Service.Scheduler) { $Service.Scheduler } else { 'wlc' }
    if ($Service.Scheduler -and (Test-Chance $Random 0.25)) {
        $flags = switch ($scheduler) {
            'sh' { Get-Pick $Random @('sh-fallback', 'sh-port', 'sh-fallback,sh-port') }
            'mh' { Get-Pick $Random @('mh-fallback', 'mh-port', 'mh-port,mh-fallback') }
            default { Get-Pick $Random @('flag-1', 'flag-2', 'flag-3', 'flag-1,flag-3') }
        }
        $words += Format-Option $Random 'b' 'sched-flags' $flags
    }
    , $words
}

function New-RandomRealServerWords([Random] $Random, $Service, [int] $Index) {
    # The -r word and the settings of a real server of Service.
    $mixed = (Test-Chance $Random 0.08)
    $ipv6 = if ($mixed) { -not $Service.Ipv6 } else { $Service.Ipv6 }
    $address = if ($ipv6) { "2001:db8:ffff::$('{0:x}' -f (1 + $Index))" } else { "192.168.$([int][Math]::Floor($Index / 250) % 250).$(1 + $Index % 250)" }
    $port = $null
    if (Test-Chance $Random 0.7) {
        $port = Get-Pick $Random @($Service.Port, 80, 8080, $Random.Next(1, 65536))
        if ($null -eq $port) { $port = 80 }
        if ($Service.Kind -ne 'fwm' -and (Test-Chance $Random 0.2)) { $name = Get-PortName $Service.Protocol $port; if ($name) { $port = $name } }
    }
    # ipvsadm takes an IPv6 address without a port only unbracketed.
    $rWord = if ($null -eq $port) { $address } elseif ($ipv6) { "[$address]:$port" } else { "${address}:$port" }
    $words = @(Format-Option $Random 'r' 'real-server' $rWord)
    $method = if ($mixed) { 'i' } else { Get-Pick $Random @('g', 'm', 'm', 'i', $null) }
    switch ($method) {
        'g' { $words += Format-Option $Random 'g' 'gatewaying' $null }
        'm' { $words += Format-Option $Random 'm' 'masquerading' $null }
        'i' { $words += Format-Option $Random 'i' 'ipip' $null }
    }
    if (Test-Chance $Random 0.7) { $words += Format-Option $Random 'w' 'weight' (Get-Pick $Random @(0, 1, 2, 5, 100, 65535, $Random.Next(0, 65536))) }
    if (Test-Chance $Random 0.2) {
        $upper = $Random.Next(1, 100000)
        $words += Format-Option $Random 'x' 'u-threshold' $upper
        if (Test-Chance $Random 0.6) { $words += Format-Option $Random 'y' 'l-threshold' $Random.Next(0, $upper + 1) }
    }
    if ($method -eq 'i' -and (Test-Chance $Random 0.4)) {
        $type = Get-Pick $Random @('ipip', 'gue', 'gre')
        $words += Format-Option $Random $null 'tun-type' $type
        if ($type -eq 'gue') { $words += Format-Option $Random $null 'tun-port' $Random.Next(1, 65536) }
        $checksums = switch ($type) { 'gue' { 'tun-nocsum', 'tun-csum', 'tun-remcsum', $null } 'gre' { 'tun-nocsum', 'tun-csum', $null } default { , $null } }
        $checksum = Get-Pick $Random @($checksums)
        if ($checksum) { $words += "--$checksum" }
    }
    , $words
}

function New-RandomRuleSet {
    <#
    .SYNOPSIS
        About Rules random rule lines: .Lines to restore, and .Services to build a changed table from.
    #>
    param([Parameter(Mandatory)] [Random] $Random, [int] $Rules = 1000, [int] $FirstIndex = 0)
    $lines = [System.Collections.Generic.List[string]]::new()
    $services = [System.Collections.Generic.List[object]]::new()
    $serverIndex = 0
    $index = $FirstIndex
    while ($lines.Count -lt $Rules) {
        $service = New-RandomService $Random $index
        $index++
        $key = Format-ServiceOptions $Random $service
        $lines.Add((Join-Words $Random (Format-Option $Random 'A' 'add-service' $null) $key (Format-ServiceSettings $Random $service)))
        $services.Add($service)
        $servers = [System.Collections.Generic.List[object]]::new()
        foreach ($n in 1..$Random.Next(0, 6)) {
            $server = New-RandomRealServerWords $Random $service $serverIndex
            $serverIndex++
            $servers.Add($server)
            $lines.Add((Join-Words $Random (Format-Option $Random 'a' 'add-server' $null) (Format-ServiceOptions $Random $service) $server))
        }
        $service.Servers = $servers
        # Now and then: an edit, a deletion, or a rule the kernel refuses (ipvsadm -R reports it and goes on).
        switch ($Random.Next(0, 20)) {
            0 { $lines.Add((Join-Words $Random (Format-Option $Random 'E' 'edit-service' $null) (Format-ServiceOptions $Random $service) (Format-ServiceSettings $Random $service))) }
            1 { if ($servers.Count) { $lines.Add((Join-Words $Random (Format-Option $Random 'e' 'edit-server' $null) (Format-ServiceOptions $Random $service) $servers[0])) } }
            2 { if ($servers.Count) { $lines.Add((Join-Words $Random (Format-Option $Random 'd' 'delete-server' $null) (Format-ServiceOptions $Random $service) $servers[0][0])) } }
            3 { $lines.Add((Join-Words $Random (Format-Option $Random 'D' 'delete-service' $null) (Format-ServiceOptions $Random $service) @())); $services.Remove($service) | Out-Null }
            4 { $lines.Add((Join-Words $Random (Format-Option $Random 'A' 'add-service' $null) (Format-ServiceOptions $Random $service) (Format-ServiceSettings $Random $service))) }
            5 { $lines.Add((Join-Words $Random '-a' "-t 10.255.255.$($Random.Next(1, 255)):1" '-r 192.168.255.1')) }
        }
    }
    [pscustomobject]@{ Lines = $lines.ToArray(); Services = $services.ToArray() }
}

function Get-RandomInvalidLine {
    <# .SYNOPSIS A rule line that ipvsadm's own checks refuse, and what is wrong with it. #>
    param([Parameter(Mandatory)] [Random] $Random)
    $address = "10.77.$($Random.Next(0, 256)).$($Random.Next(1, 255))"
    Get-Pick $Random @(
        "-A -t ${address}:80 -q"
        "-A -t ${address}:80 --frobnicate"
        "-A -t ${address}:80 -s"
        "-A -a -t ${address}:80"
        "-A -s rr"
        "-A -t ${address}:80 -u ${address}:53"
        "-A -t 10.0.0.$($Random.Next(256, 1000)):80"
        "-A -t ${address}:$($Random.Next(65536, 100000))"
        "-A -t ${address}:80 -6"
        "-A -f 0"
        "-A -f five"
        "-A -t ${address}:80 -p 0"
        "-A -t ${address}:80 -p $($Random.Next(2678401, 5000000))"
        "-A -t ${address}:0 -s rr"
        "-A -t ${address}:80 -o"
        "-A --sctp-service ${address}:80 -o"
        "-A -t ${address}:80 -s rr -s wlc"
        "-A -t ${address}:80 -s rr -w 3"
        "-a -t ${address}:80 -r 192.168.1.2 -w $($Random.Next(65536, 1000000))"
        "-a -t ${address}:80 -r 192.168.1.2 -x $($Random.Next(0, 100)) -y -1"
        "-a -t ${address}:80 -r 192.168.1.2 -m -g"
        "-a -t ${address}:80"
        "-C -t ${address}:80"
        "--set 900 120"
        "--set $($Random.Next(2678401, 9999999)) 0 0"
        "--start-daemon primary"
        "--start-daemon master --sync-maxlen $($Random.Next(65508, 99999))"
        "-A -t ${address}:80 rr"
    )
}

function Get-RandomInvalidLineSet {
    <# .SYNOPSIS Count lines that ipvsadm's own checks refuse: the same lines for the same Seed. #>
    param([Parameter(Mandatory)] [int] $Seed, [int] $Count = 40)
    $random = [Random]::new($Seed)
    foreach ($n in 1..$Count) { Get-RandomInvalidLine -Random $random }
}

Export-ModuleMember -Function New-RandomRuleSet, Get-RandomInvalidLineSet
