# The same random input to ipvsadm (the reference) and to LvsAdmin, each in a fresh network namespace:
# the tables must come out equal in every view, or both tools must refuse the input. CI runs the fixed
# seed below; any other runs by hand: LVS_DIFF_SEED=n LVS_DIFF_RULES=m build.ps1 Test -PesterFilter Differential
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'RuleGenerator.psm1') -Force
    $seed = if ($env:LVS_DIFF_SEED) { [int]$env:LVS_DIFF_SEED } else { 20261201 }
    $lines = @(Get-RandomInvalidLineSet -Seed ($seed + 1))
    $invalidLines = @(for ($i = 0; $i -lt $lines.Count; $i++) { @{ Index = $i; Line = $lines[$i] } })
}

BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'RuleGenerator.psm1') -Force
    $script:seed = if ($env:LVS_DIFF_SEED) { [int]$env:LVS_DIFF_SEED } else { 20261201 }
    $script:ruleCount = if ($env:LVS_DIFF_RULES) { [int]$env:LVS_DIFF_RULES } else { 1200 }
    Write-Host "Differential test against ipvsadm: seed $script:seed, $script:ruleCount rules (repeat with LVS_DIFF_SEED=$script:seed LVS_DIFF_RULES=$script:ruleCount)"
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) "lvs-differential-$PID"
    New-Item -ItemType Directory -Force -Path $script:folder | Out-Null

    function Invoke-IpvsadmRestore([string] $Namespace, [string] $Path) {
        # ipvsadm -R's refusals, one line each on stderr; it goes on after the kernel refuses a rule.
        $refusals = Get-Content $Path | ip netns exec $Namespace ipvsadm -R 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Refusals = @($refusals | ForEach-Object { "$_" }) }
    }

    function Get-IpvsadmView([string] $Namespace) {
        # The table as ipvsadm shows it: its save format, and its listing with the thresholds save drops.
        # ipvsadm's sort is not a total order (marks and addresses wrap), and each namespace's table hashes
        # differently, so two namespaces' listings of one table may come in different orders: each
        # service's block of lines is compared as a set, and the blocks as a set.
        $save = if ($Namespace) { ip netns exec $Namespace ipvsadm -Sn } else { ipvsadm -Sn }
        $list = if ($Namespace) { ip netns exec $Namespace ipvsadm -Ln --thresholds } else { ipvsadm -Ln --thresholds }
        # Its last two columns are the live connection counts, which traffic changes: not the table.
        $list = $list | ForEach-Object { if ($_.StartsWith('  ->')) { $_ -replace '\s+\d+\s+\d+\s*$' } else { $_ } }
        (ConvertTo-Blocks $save { param($line) $line.StartsWith('-A ') }) + (ConvertTo-Blocks ($list | Select-Object -Skip 3) { param($line) -not $line.StartsWith('  ') })
    }

    function ConvertTo-Blocks([string[]] $Lines, [scriptblock] $StartsBlock) {
        $blocks = [System.Collections.Generic.List[string]]::new()
        $block = $null
        foreach ($line in $Lines) {
            if (& $StartsBlock $line) {
                if ($null -ne $block) { $blocks.Add(($block | Sort-Object) -join ' | ') }
                $block = @()
            }
            $block += $line
        }
        if ($null -ne $block) { $blocks.Add(($block | Sort-Object) -join ' | ') }
        @($blocks | Sort-Object)
    }

    function Get-LvsView([string] $Namespace) {
        # The table as LvsAdmin reads it: 'key :: settings', one line per service and per real server.
        $arguments = if ($Namespace) { @{ NetworkNamespace = $Namespace } } else { @{} }
        foreach ($service in Get-LvsService @arguments) {
            "$service :: $($service.Scheduler) persistent=$($service.Persistent)/$($service.PersistenceTimeout)/$($service.PersistenceMask) pe=$($service.PersistenceEngine) ops=$($service.OnePacket) flags=$($service.SchedulerFlags -join ',')"
        }
        foreach ($server in Get-LvsRealServer @arguments) {
            "$server :: $($server.ForwardingMethod) w=$($server.Weight) x=$($server.UpperThreshold) y=$($server.LowerThreshold) tun=$($server.TunnelType)/$($server.TunnelPort)/$($server.TunnelChecksum)"
        }
    }

    function ConvertTo-Entries([string[]] $View) {
        # The view as key => settings; a real server's key is 'service -> endpoint', as Compare-LvsRules names it.
        $entries = [ordered]@{}
        foreach ($line in $View) {
            $key, $settings = $line -split ' :: ', 2
            $entries[$key] = $settings
        }
        $entries
    }

    function ConvertTo-Unsigned([string] $Line) {
        # ipvsadm 1.31 writes marks from 2^31 up as negative numbers; Export writes what the kernel has.
        [regex]::Replace($Line, '-f (-\d+)', { param($m) "-f $([uint32]([int64]$m.Groups[1].Value + 4294967296))" })
    }

    $script:random = [Random]::new($script:seed)
    $script:first = New-RandomRuleSet -Random $script:random -Rules $script:ruleCount
    $script:firstPath = Join-Path $script:folder 'first.rules'
    Set-Content -Path $script:firstPath -Value $script:first.Lines
}

AfterAll {
    foreach ($name in 'lvsadmin-test-diff-ipvsadm', 'lvsadmin-test-diff-lvsadmin', 'lvsadmin-test-diff-export', 'lvsadmin-test-diff-target', 'lvsadmin-test-diff-invalid') {
        if (@(ip netns list) -match "^$name\b") { ip netns delete $name }
    }
    Remove-Item $script:folder -Recurse -Force -ErrorAction Ignore
}

Describe 'ipvsadm -R and Import-LvsRules on the same random rules' {
    BeforeAll {
        New-LvsTestNamespace lvsadmin-test-diff-ipvsadm
        New-LvsTestNamespace lvsadmin-test-diff-lvsadmin
        $script:theirs = Invoke-IpvsadmRestore lvsadmin-test-diff-ipvsadm $script:firstPath
        Import-LvsRules -Path $script:firstPath -NetworkNamespace lvsadmin-test-diff-lvsadmin -ErrorAction SilentlyContinue -ErrorVariable ourRefusals
        $script:ourRefusals = @($ourRefusals)
    }

    It 'the input is large and varied: at least the rules asked for, some of them refused by the kernel' {
        $script:first.Lines.Count | Should -BeGreaterOrEqual $script:ruleCount
        $script:theirs.Refusals.Count | Should -BeGreaterThan 0 -Because 'the input carries rules the kernel refuses (duplicates, missing services)'
        @(ip netns exec lvsadmin-test-diff-ipvsadm ipvsadm -Sn).Count | Should -BeGreaterThan ($script:ruleCount / 2)
    }

    It 'both refuse the same number of rules, and go on after each' {
        $script:ourRefusals.Count | Should -Be $script:theirs.Refusals.Count
    }

    It 'leaves tables equal as ipvsadm -Sn and ipvsadm -Ln --thresholds show them' {
        $ours = Get-IpvsadmView lvsadmin-test-diff-lvsadmin
        $reference = Get-IpvsadmView lvsadmin-test-diff-ipvsadm
        $difference = Compare-Object $reference $ours -SyncWindow 0 | Select-Object -First 10 | Out-String
        $difference | Should -BeNullOrEmpty
        $ours.Count | Should -Be $reference.Count
    }

    It 'leaves tables equal as Get-LvsService and Get-LvsRealServer read them' {
        $ours = @(Get-LvsView lvsadmin-test-diff-lvsadmin | Sort-Object)
        $reference = @(Get-LvsView lvsadmin-test-diff-ipvsadm | Sort-Object)
        $ours.Count | Should -BeGreaterThan 0
        Compare-Object $reference $ours -SyncWindow 0 | Select-Object -First 10 | Out-String | Should -BeNullOrEmpty
    }

    It 'Export-LvsRules writes the lines ipvsadm -Sn writes, thresholds and unsigned marks aside' {
        $exported = @(Export-LvsRules -NetworkNamespace lvsadmin-test-diff-ipvsadm | ForEach-Object { $_ -replace ' -x \d+', '' -replace ' -y \d+', '' })
        $saved = @(ip netns exec lvsadmin-test-diff-ipvsadm ipvsadm -Sn | ForEach-Object { ConvertTo-Unsigned $_ })
        Compare-Object $saved $exported -SyncWindow 0 | Select-Object -First 10 | Out-String | Should -BeNullOrEmpty
        $exported.Count | Should -Be $saved.Count
    }

    It 'Export-LvsRules | ipvsadm -R rebuilds the table ipvsadm made, thresholds included' {
        New-LvsTestNamespace lvsadmin-test-diff-export
        Export-LvsRules -NetworkNamespace lvsadmin-test-diff-ipvsadm | ip netns exec lvsadmin-test-diff-export ipvsadm -R
        $LASTEXITCODE | Should -Be 0
        Compare-Object (Get-IpvsadmView lvsadmin-test-diff-ipvsadm) (Get-IpvsadmView lvsadmin-test-diff-export) -SyncWindow 0 | Out-String | Should -BeNullOrEmpty
    }
}

Describe 'A line ipvsadm refuses, LvsAdmin refuses too, and neither changes the table' {
    BeforeAll {
        New-LvsTestNamespace lvsadmin-test-diff-invalid
        $script:invalidPath = Join-Path $script:folder 'invalid.rules'
        # ipvsadm's verdict on each line after a service, in a table flushed first: its exit status and whether
        # it said anything. All from one shell in the namespace: a process entering it is dear in the test kernel.
        $script:invalidLines = @(Get-RandomInvalidLineSet -Seed ($script:seed + 1))
        $files = for ($i = 0; $i -lt $script:invalidLines.Count; $i++) {
            $path = Join-Path $script:folder "invalid-$i.rules"
            Set-Content -Path $path -Value '-C', '-A -t 10.66.0.1:80 -s rr', $script:invalidLines[$i]
            $path
        }
        $verdicts = @(ip netns exec lvsadmin-test-diff-invalid sh -c 'for f; do said=$(ipvsadm -R < "$f" 2>&1 >/dev/null); echo "$? ${#said}"; done' sh @files)
        $script:ipvsadmRefused = @($verdicts | ForEach-Object { $status, $said = $_ -split ' '; $status -ne '0' -or $said -ne '0' })
    }

    It 'refused by both: <Line>' -ForEach $invalidLines {
        $script:invalidLines[$Index] | Should -BeExactly $Line -Because 'the lines are made again from the seed'
        $theirsRefused = $script:ipvsadmRefused[$Index]
        Set-Content -Path $script:invalidPath -Value '-A -t 10.66.0.1:80 -s rr', $Line
        Clear-LvsService -NetworkNamespace lvsadmin-test-diff-invalid -Confirm:$false
        $oursRefused = try { Import-LvsRules -Path $script:invalidPath -NetworkNamespace lvsadmin-test-diff-invalid -ErrorAction Stop; $false } catch { $true }
        "ipvsadm refused: $theirsRefused, LvsAdmin refused: $oursRefused" | Should -Be 'ipvsadm refused: True, LvsAdmin refused: True'
        # Nothing from a file that does not parse is applied; the rule before it is not either.
        Get-LvsService -NetworkNamespace lvsadmin-test-diff-invalid | Should -BeNullOrEmpty
    }
}

Describe 'Import-LvsRules -Replace from one random table to another' {
    BeforeAll {
        # The director is this namespace, with real traffic to one service that stays as it is.
        Initialize-LvsTestNetwork -RealServers 1
        $sentinel = '-A -t 10.99.9.1:80 -s rr', '-a -t 10.99.9.1:80 -r 10.99.21.2:80 -m -w 1'
        Reset-IpvsTable
        # ipvsadm cannot read back the negative marks it writes: they go in unsigned.
        $saved = @(ip netns exec lvsadmin-test-diff-ipvsadm ipvsadm -Sn | ForEach-Object { ConvertTo-Unsigned $_ })
        $start = @($sentinel) + $saved
        $start | ipvsadm -R
        1..3 | ForEach-Object { Invoke-LvsTestRequest | Should -Be 'rs1' }
        $script:connections = Wait-LvsConnectionCount -Service 'TCP 10.99.9.1:80' -AtLeast 3

        # The target: the same table with some services kept, some changed, some removed, and new ones.
        $target = [System.Collections.Generic.List[string]]::new()
        $target.AddRange([string[]]$sentinel)
        $block = $null
        foreach ($line in $saved + '-A END') {
            if ($line.StartsWith('-A ')) {
                if ($block) {
                    switch ($script:random.Next(0, 10)) {
                        { $_ -le 5 } { $target.AddRange([string[]]$block) }
                        6 { }
                        7 {
                            $edited = if ($block[0] -notmatch ' -b ') { $block[0] -replace ' -s \S+', " -s $(('rr', 'wrr', 'lc', 'sed')[$script:random.Next(0, 4)])" } else { $block[0] }
                            $target.Add($edited); $target.AddRange([string[]]@($block | Select-Object -Skip 1))
                        }
                        8 { $target.AddRange([string[]]@($block | Select-Object -SkipLast 1)) }
                        9 { $target.AddRange([string[]]@($block | ForEach-Object { $_ -replace ' -w \d+', " -w $($script:random.Next(0, 100))" })) }
                    }
                }
                $block = @($line)
            }
            else { $block += $line }
        }
        $target.AddRange([string[]](New-RandomRuleSet -Random $script:random -Rules 150 -FirstIndex 100000).Lines)
        $script:targetPath = Join-Path $script:folder 'target.rules'
        Set-Content -Path $script:targetPath -Value $target

        New-LvsTestNamespace lvsadmin-test-diff-target
        Invoke-IpvsadmRestore lvsadmin-test-diff-target $script:targetPath | Out-Null
        $script:before = ConvertTo-Entries (Get-LvsView)
        $script:wanted = ConvertTo-Entries (Get-LvsView lvsadmin-test-diff-target)
    }

    AfterAll {
        Reset-IpvsTable
        Remove-LvsTestNetwork
    }

    It 'Compare-LvsRules plans a change for exactly the entries that differ' {
        $expected = @(
            foreach ($key in $script:before.Keys) {
                $service = if ($key.Contains(' -> ')) { $key.Substring(0, $key.IndexOf(' -> ')) } else { $null }
                # A removed service takes its real servers with it: they need no change of their own.
                if (-not $script:wanted.Contains($key) -and -not ($service -and -not $script:wanted.Contains($service))) { $key }
                elseif ($script:wanted.Contains($key) -and $script:wanted[$key] -ne $script:before[$key]) { $key }
            }
            foreach ($key in $script:wanted.Keys) { if (-not $script:before.Contains($key)) { $key } }
        ) | Sort-Object
        $planned = @(Compare-LvsRules -Path $script:targetPath -ErrorAction SilentlyContinue |
                ForEach-Object { if ($_.RealServer) { "$($_.Service) -> $($_.RealServer)" } else { $_.Service } }) | Sort-Object
        $expected.Count | Should -BeGreaterThan 10
        Compare-Object $expected $planned | Select-Object -First 10 | Out-String | Should -BeNullOrEmpty
    }

    It 'makes the table equal the target in every view, and leaves the unchanged service and its counters alone' {
        Import-LvsRules -Path $script:targetPath -Replace -Confirm:$false -ErrorAction SilentlyContinue
        Compare-Object (Get-IpvsadmView) (Get-IpvsadmView lvsadmin-test-diff-target) -SyncWindow 0 | Select-Object -First 10 | Out-String | Should -BeNullOrEmpty
        Compare-Object @(Get-LvsView lvsadmin-test-diff-target | Sort-Object) @(Get-LvsView | Sort-Object) -SyncWindow 0 | Select-Object -First 10 | Out-String | Should -BeNullOrEmpty
        Compare-LvsRules -Path $script:targetPath -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-LvsService -Service 'TCP 10.99.9.1:80').Statistics.Connections | Should -Be $script:connections
        (Get-LvsRealServer -Service 'TCP 10.99.9.1:80').Statistics.Connections | Should -Be $script:connections
    }
}
