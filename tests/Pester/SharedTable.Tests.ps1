# Directors are shared: while LvsAdmin imports into a namespace's table, a second writer changes that
# table and a loop in another namespace fills and empties its own (before 7.1 all namespaces share one
# service hash, and a dump's position in it moves with every change anywhere). An import that stops
# undoes what it did, and nothing else: what the other writer did meanwhile stays.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) "lvs-shared-$PID"
    New-Item -ItemType Directory -Force -Path $script:folder | Out-Null
    $script:table = 'lvsadmin-test-shared'
    $script:churn = 'lvsadmin-test-churn'
    foreach ($namespace in $script:table, $script:churn) { New-LvsTestNamespace $namespace }

    # The table the import finds: 3,000 services, and those the import and the other writer touch.
    $script:base = @(
        foreach ($n in 0..2999) { "-A -t 10.60.$([math]::Floor($n / 250)).$($n % 250 + 1):80 -s rr" }
        '-A -t 10.61.0.1:80 -s rr'
        '-a -t 10.61.0.1:80 -r 192.168.61.1:80 -m -w 1'
        '-a -t 10.61.0.1:80 -r 192.168.61.2:80 -m -w 1'
        '-A -t 10.61.0.2:80 -s rr'
        '-A -t 10.61.0.3:80 -s rr'
        '-A -t 10.61.0.4:80 -s rr'
        '-a -t 10.61.0.4:80 -r 192.168.61.4:80 -m -w 1'
    )
    # What the import adds before its refused line: enough that the other writer acts while it runs.
    $script:added = @(foreach ($n in 0..19999) { "-A -t 10.62.$([math]::Floor($n / 250)).$($n % 250 + 1):80 -s rr" })

    # The other writer, in the same namespace: once the import's first service is there, it adds a
    # service, adds and edits real servers of a service the import edits too, and deletes a service;
    # then it notes whether the import was still running (its first service still there).
    $script:writer = Join-Path $script:folder 'writer.sh'
    Set-Content -Path $script:writer -Value @"
until ipvsadm -Ln -t 10.62.0.1:80 >/dev/null 2>&1; do :; done
printf '%s\n' '-A -t 10.63.0.1:80 -s rr' '-a -t 10.63.0.1:80 -r 192.168.63.1:80 -m' '-a -t 10.61.0.1:80 -r 192.168.61.9:80 -m -w 2' '-e -t 10.61.0.1:80 -r 192.168.61.2:80 -m -w 5' '-D -t 10.61.0.2:80' | ipvsadm -R
if ipvsadm -Ln -t 10.62.0.1:80 >/dev/null 2>&1; then echo during; else echo after; fi > '$script:folder/overlap'
"@
    # The table after the writer's changes alone, as ipvsadm -Sn writes it.
    $script:expected = @(
        $script:base | Where-Object { $_ -ne '-A -t 10.61.0.2:80 -s rr' } |
            ForEach-Object { $_ -replace '^(-a -t 10\.61\.0\.1:80 -r 192\.168\.61\.2:80 -m) -w 1$', '$1 -w 5' }
        '-A -t 10.63.0.1:80 -s rr'
        '-a -t 10.63.0.1:80 -r 192.168.63.1:80 -m -w 1'
        '-a -t 10.61.0.1:80 -r 192.168.61.9:80 -m -w 2'
    )

    # The other namespace: a loop that adds 300 services and flushes them, again and again.
    $churnRules = Join-Path $script:folder 'churn.rules'
    Set-Content -Path $churnRules -Value @(foreach ($n in 0..299) { "-A -t 10.77.$([math]::Floor($n / 250)).$($n % 250 + 1):80 -s rr" })
    function Suspend-Churn {
        # Every process of the loop stopped, the ipvsadm it was starting as well: until a listing finds no new one.
        $stopped = @()
        do {
            $churning = @(ip netns pids $script:churn | Where-Object { $_ -notin $stopped })
            $churning | ForEach-Object { kill -STOP $_ 2>$null }
            $stopped += $churning
        } while ($churning)
        $stopped
    }
    function Resume-Churn([string[]] $Stopped) { $Stopped | ForEach-Object { kill -CONT $_ 2>$null } }
    function Invoke-WithoutChurn([scriptblock] $Action) {
        $stopped = Suspend-Churn
        try { & $Action } finally { Resume-Churn $stopped }
    }
    # The base table in the shared namespace, while the churn pauses (only what is tested runs beside it): what
    # the last Describe changed, changed back (all of it is thousands of services, each dear to flush and add).
    function Reset-SharedTable {
        Invoke-WithoutChurn { $script:base | Import-LvsRules -Replace -NetworkNamespace $script:table -Confirm:$false -ProgressAction SilentlyContinue -ErrorAction Stop }
    }
    function Stop-ListingWriter { Stop-NamespaceProcess $script:table }
    # The base table, and a writer of its own in the shared namespace (a bash script), whose services (those
    # matching Theirs) the listings below leave out.
    function Start-ListingWriter([string] $Name, [string] $Script, [string] $Theirs) {
        Reset-SharedTable
        $path = Join-Path $script:folder $Name
        Set-Content -Path $path -Value $Script
        Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $script:table, 'bash', $path
        $script:theirs = $Theirs
    }
    $script:services = @($script:base -clike '-A *' -replace '^-A -t (\S+) .*$', 'TCP $1')
    # The listings, round after round, against the base table, the other writer's lines left out.
    function Assert-ListedOnce([int] $Rounds, [scriptblock] $EachRound = {}) {
        foreach ($round in 1..$Rounds) {
            & $EachRound
            $listed = @((Get-LvsService -NetworkNamespace $script:table).ForEach('ToString'))
            Assert-SameLines ($listed -notmatch $script:theirs) $script:services -Because "round $round"
        }
    }
    function Assert-ExportedOnce([int] $Rounds, [scriptblock] $EachRound = {}) {
        foreach ($round in 1..$Rounds) {
            & $EachRound
            $exported = @(Export-LvsRules -NetworkNamespace $script:table) -replace ' -x \d+ -y \d+'
            Assert-SameLines ($exported -notmatch $script:theirs) $script:base -Because "round $round"
        }
    }
    $churnScript = Join-Path $script:folder 'churn.sh'
    Set-Content -Path $churnScript -Value "while :; do ipvsadm -R < '$churnRules'; ipvsadm -C; done"
    Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $script:churn, 'bash', $churnScript
}

AfterAll {
    foreach ($namespace in $script:table, $script:churn) {
        if (Test-Path "/run/netns/$namespace") { Remove-LvsNamespace $namespace }
    }
    Remove-Item $script:folder -Recurse -Force -ErrorAction Ignore
}

Describe 'An import that stops, while another writer changes the table: <Mode>' -ForEach @(
    @{
        Mode  = 'rule by rule'
        # An edit, a deletion and a real server's edit; the additions; then a service that exists.
        Rules = { @('-E -t 10.61.0.3:80 -s wlc', '-D -t 10.61.0.4:80', '-e -t 10.61.0.1:80 -r 192.168.61.1:80 -m -w 7') + $script:added + '-A -t 10.60.0.1:80 -s rr' }
        Run   = { param($path) Import-LvsRules -Path $path -NetworkNamespace $script:table -ErrorAction Stop }
        Error = 'ServiceExists,LvsAdmin.Commands.ImportLvsRulesCommand'
    }
    @{
        Mode  = '-Replace'
        # The same table with one service edited, one removed and a real server edited; the additions;
        # then a service with a scheduler the kernel does not have.
        Rules = {
            @($script:base | Where-Object { $_ -notmatch '10\.61\.0\.4:80' } | ForEach-Object {
                    $_ -replace '^-A -t 10\.61\.0\.3:80 -s rr$', '-A -t 10.61.0.3:80 -s wlc' -replace '^(-a -t 10\.61\.0\.1:80 -r 192\.168\.61\.1:80 -m) -w 1$', '$1 -w 7'
                }) + $script:added + '-A -t 10.64.0.1:80 -s twos'
        }
        Run   = { param($path) Import-LvsRules -Path $path -NetworkNamespace $script:table -Replace -Confirm:$false -ErrorAction Stop }
        Error = 'SchedulerNotFound,LvsAdmin.Commands.ImportLvsRulesCommand'
    }
) {
    BeforeAll {
        Reset-SharedTable
        Remove-Item (Join-Path $script:folder 'overlap') -ErrorAction Ignore
        $path = Join-Path $script:folder 'import.rules'
        Set-Content -Path $path -Value (& $Rules)
        $writing = Start-Process -FilePath ip -PassThru -ArgumentList 'netns', 'exec', $script:table, 'bash', $script:writer
        $script:refusal = $null
        try { & $Run $path } catch { $script:refusal = $_ }
        # A writer still waiting for the import's first service never saw it: stopped here, it fails below.
        if (-not $writing.WaitForExit(120000)) { New-LvsTestNamespace $script:table }
        $script:overlap = Get-Content (Join-Path $script:folder 'overlap') -ErrorAction Ignore
    }

    It 'stops at the refused line, under -ErrorAction Stop' {
        $script:refusal | Should -Not -BeNullOrEmpty
        $script:refusal.FullyQualifiedErrorId | Should -Be $Error
        "$script:refusal" | Should -BeLike '*was undone*'
    }

    It 'ran while the other writer changed the table' {
        $script:overlap | Should -Be 'during' -Because 'the other writer acts once the import''s first service is in the table, and notes whether it still is'
    }

    It 'leaves every service that was there, what it changed as it was, and every change of the other writer' {
        # ipvsadm, the reference, lists exactly only while no other namespace changes its table: the churn pauses.
        $now = Invoke-WithoutChurn { @(ip netns exec $script:table ipvsadm -Sn) }
        Assert-SameLines $now $script:expected
    }
}

Describe 'Listings while another namespace churns and another writer changes other services' {
    BeforeAll {
        # A second writer in the same namespace: adds and deletes services of its own, again and again.
        Start-ListingWriter 'same-namespace.sh' 'while :; do for n in $(seq 1 10); do ipvsadm -A -t 10.79.0.$n:80 -s rr; done; for n in $(seq 1 10); do ipvsadm -D -t 10.79.0.$n:80; done; done' '10\.79\.0\.'
    }

    AfterAll {
        Stop-ListingWriter
    }

    It 'Get-LvsService lists every service once, round after round' {
        Assert-ListedOnce -Rounds 5
    }

    It 'Export-LvsRules writes every rule once, round after round' {
        Assert-ExportedOnce -Rounds 3
    }

    It 'Compare-LvsRules finds no difference from the rules loaded, round after round' {
        foreach ($round in 1..3) {
            $drift = @(Compare-LvsRules -InputObject $script:base -NetworkNamespace $script:table | Where-Object { $_.Service -notmatch '10\.79\.0\.' })
            $drift | Out-String | Should -BeNullOrEmpty -Because "round $round"
        }
    }
}

Describe 'Listings while a writer in the same namespace grows and shrinks the table' {
    BeforeAll {
        # 3,000 services added and deleted again and again: from 7.1 the namespace's table grows and shrinks
        # (and walks in a new order each time); before, the dump's position in the shared table moves. The
        # other namespace's churn pauses: this writer alone moves the listings.
        $grow = Join-Path $script:folder 'grow.rules'
        $shrink = Join-Path $script:folder 'shrink.rules'
        Set-Content -Path $grow -Value @(foreach ($n in 0..2999) { "-A -t 10.81.$([math]::Floor($n / 250)).$($n % 250 + 1):80 -s rr" })
        Set-Content -Path $shrink -Value @(foreach ($n in 0..2999) { "-D -t 10.81.$([math]::Floor($n / 250)).$($n % 250 + 1):80" })
        # From an empty table: emptied, from 7.1 it is at its smallest, and the base and the writer make it grow.
        Invoke-WithoutChurn { Invoke-Checked ip netns exec $script:table ipvsadm -C | Out-Null }
        Start-ListingWriter 'grow.sh' "while :; do ipvsadm -R < '$grow'; ipvsadm -R < '$shrink'; done" '10\.81\.'
        $script:paused = Suspend-Churn
        $script:buckets = [System.Collections.Generic.HashSet[string]]::new()
        function Save-ServiceBuckets {
            $line = ip netns exec $script:table cat /proc/net/ip_vs_status 2>$null | Where-Object { $_ -like 'Service buckets:*' }
            if ($line) { [void]$script:buckets.Add($line) }
        }
    }

    AfterAll {
        Stop-ListingWriter
        Resume-Churn $script:paused
    }

    It 'Get-LvsService lists every service once, round after round' {
        Assert-ListedOnce -Rounds 8 -EachRound { Save-ServiceBuckets }
    }

    It 'Export-LvsRules writes every rule once, round after round' {
        Assert-ExportedOnce -Rounds 4 -EachRound { Save-ServiceBuckets }
    }

    It 'ran while the table grew and shrank (from 7.1, where /proc/net/ip_vs_status shows its size)' {
        if ((Get-KernelVersion) -ge [version]'7.1') {
            $script:buckets.Count | Should -BeGreaterThan 1 -Because "the service table's sizes seen were: $($script:buckets -join '; ')"
        }
        else {
            $script:buckets.Count | Should -Be 0
        }
    }
}

Describe 'A change to an object held since an earlier read' {
    BeforeAll {
        $script:at = @{ NetworkNamespace = $script:table }
        function Invoke-InTable { Invoke-Checked ip netns exec $script:table ipvsadm @args | Out-Null }
        $script:paused = Suspend-Churn
        Invoke-InTable -C
        foreach ($service in '10.65.0.1:80', '10.65.0.2:80', '10.65.0.3:80') {
            Invoke-InTable -A -t $service -s wlc
            Invoke-InTable -a -t $service -r 192.168.65.1:80 -m -w 3
        }
        # Objects read, then changed by another writer; held longer than a pipeline takes from Get to Set,
        # they are no longer ones just read.
        $script:heldServer = Get-LvsRealServer -Service 'TCP 10.65.0.1:80' @at
        $script:heldService = Get-LvsService -Service 'TCP 10.65.0.2:80' @at
        Invoke-InTable -e -t 10.65.0.1:80 -r 192.168.65.1:80 -m -w 3 -x 50 -y 5
        Invoke-InTable -E -t 10.65.0.2:80 -s wlc -p 300
        Start-Sleep -Seconds 6
    }

    AfterAll {
        Resume-Churn $script:paused
    }

    It 'Set-LvsRealServer keeps what another writer changed since: it reads the real server again' {
        $script:heldServer | Set-LvsRealServer -Weight 4 @at
        $row = @(ip netns exec $script:table ipvsadm -Ln --thresholds -t 10.65.0.1:80) -match '^\s+-> 192\.168\.65\.1:80'
        $row | Should -Match '^\s+-> 192\.168\.65\.1:80\s+50\s+5\s'
        @(ip netns exec $script:table ipvsadm -Sn) | Should -Contain '-a -t 10.65.0.1:80 -r 192.168.65.1:80 -m -w 4'
    }

    It 'Set-LvsService keeps what another writer changed since: it reads the service again' {
        $script:heldService | Set-LvsService -Scheduler rr @at
        @(ip netns exec $script:table ipvsadm -Sn) | Should -Contain '-A -t 10.65.0.2:80 -s rr -p 300'
    }

    It 'Get-LvsRealServer | Set-LvsRealServer builds on what it just read' {
        Get-LvsRealServer -Service 'TCP 10.65.0.3:80' @at | Set-LvsRealServer -Weight 7 @at
        @(ip netns exec $script:table ipvsadm -Sn) | Should -Contain '-a -t 10.65.0.3:80 -r 192.168.65.1:80 -m -w 7'
    }
}

Describe 'The order in which the kernel walks its services' {
    It 'is the one LvsAdmin checks listings by: before 7.1 one seed puts every service of a quiet table in order; from 7.1 none does' {
        # Every kind of key the hash treats differently: TCP, UDP and SCTP, IPv4 and IPv6 (folded), marks of both families.
        $rules = foreach ($n in 0..1499) {
            $port = 1000 + $n
            switch ($n % 6) {
                0 { "-A -t 10.67.$($n % 200).$($n % 251 + 1):$port -s rr" }
                1 { "-A -u 10.67.$($n % 200).$($n % 251 + 1):$port -s rr" }
                2 { "-A --sctp-service 10.67.$($n % 200).$($n % 251 + 1):$port -s rr" }
                3 { "-A -t [2001:db8:$($n % 97):$($n % 89)::$('{0:x}' -f $n)]:$port -s rr" }
                4 { "-A -u [2001:db8:67::$('{0:x}' -f $n)]:$port -s rr" }
                5 { "-A -f $($n * 7919) $(if ($n % 12 -eq 5) { '-6 ' })-s rr" }
            }
        }
        @('-C') + $rules | ip netns exec $script:table ipvsadm -R
        $LASTEXITCODE | Should -Be 0
        # Read while no other namespace has services: /proc/net/ip_vs resumes each read by counting this
        # namespace's services, but walks on through every namespace's, so theirs make it skip some of ours.
        $file = Join-Path $script:folder 'ip_vs'
        Invoke-WithoutChurn {
            # Every other namespace of this kernel emptied: the caller's too, where another file may have left services.
            Reset-IpvsTable
            foreach ($namespace in @(ip netns list) -replace ' .*' | Where-Object { $_ -and $_ -ne $script:table }) {
                Invoke-Checked ip netns exec $namespace ipvsadm -C | Out-Null
            }
            Invoke-Checked ip netns exec $script:table bash -c "cat /proc/net/ip_vs > '$file'" | Out-Null
        }
        $listing = [LvsAdmin.Ipvs.ProcServiceList]::Read([IO.MemoryStream]::new([IO.File]::ReadAllBytes($file)), [int]::MaxValue)
        $listing.Stretches.Count | Should -Be 1
        $listing.Stretches[0].Services.Count | Should -Be 1500
        $seeds = [LvsAdmin.Ipvs.ServiceWalk]::Seeds($listing.Stretches).Count
        if ((Get-KernelVersion) -lt [version]'7.1') {
            $seeds | Should -Be 1 -Because 'the model orders the kernel''s walk under exactly one seed'
        }
        else {
            $seeds | Should -Be 0 -Because 'from 7.1 each namespace hashes its services into a table of its own, in another order: there the second dump is taken without the proof'
        }
    }
}
