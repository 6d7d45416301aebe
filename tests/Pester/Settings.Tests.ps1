# Get-LvsSetting and Set-LvsSetting against sysctl, in a namespace of their own: what every kernel has, and the
# settings newer kernels added (typed where the kernel has them, named with their kernel where it has not).
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'Get-LvsSetting and Set-LvsSetting' {
    BeforeAll {
        ip netns add lvsadmin-test-settings
        function Get-Sysctl([string] $Namespace) {
            # sysctl's own view of net.ipv4.vs, as name => value with single spaces.
            $lines = if ($Namespace) { ip netns exec $Namespace sysctl net.ipv4.vs } else { sysctl net.ipv4.vs }
            $table = [ordered]@{}
            foreach ($line in $lines) {
                $name, $value = $line -split ' = ', 2
                $table[$name -replace '^net\.ipv4\.vs\.'] = ($value -split '\s+') -join ' '
            }
            $table
        }
        function Get-SysctlLines([string] $Namespace) { (Get-Sysctl $Namespace).GetEnumerator() | ForEach-Object { "$($_.Key) = $($_.Value)" } }
    }

    AfterAll { ip netns delete lvsadmin-test-settings }

    It 'lists every setting sysctl shows, with the same values, typed' {
        $ours = Get-LvsSetting -NetworkNamespace lvsadmin-test-settings
        $theirs = Get-Sysctl lvsadmin-test-settings
        @($ours.Name | Sort-Object) | Should -Be @($theirs.Keys | Sort-Object)
        foreach ($setting in $ours) { ($setting.Value -join ' ') | Should -Be $theirs[$setting.Name] -Because $setting.Name }
        ($ours | Where-Object Name -eq 'expire_nodest_conn').Value | Should -BeOfType [int]
        ($ours | Where-Object Name -eq 'sync_qlen_max').Value | Should -BeOfType [long]
        ($ours | Where-Object Name -eq 'sync_threshold').Value | Should -Be @(3, 50)
        $ours.Description | Where-Object { -not $_ } | Should -BeNullOrEmpty
    }

    It 'ReadOnly is what the kernel allows, and a read-only setting is refused' {
        $ours = Get-LvsSetting -NetworkNamespace lvsadmin-test-settings
        $modes = @{}
        ip netns exec lvsadmin-test-settings sh -c 'stat -c "%n %A" /proc/sys/net/ipv4/vs/*' | ForEach-Object {
            $file, $mode = $_ -split ' '
            $modes[(Split-Path $file -Leaf)] = $mode
        }
        foreach ($setting in $ours) {
            $modes[$setting.Name] | Should -Not -BeNullOrEmpty -Because $setting.Name
            $setting.ReadOnly | Should -Be ($modes[$setting.Name] -notmatch 'w') -Because $setting.Name
        }
        $readOnly = $ours | Where-Object ReadOnly | Select-Object -First 1
        $readOnly | Should -Not -BeNullOrEmpty -Because 'the test kernel has debug_level, read-only outside the initial namespace'
        Set-LvsSetting $readOnly.Name 1 -NetworkNamespace lvsadmin-test-settings -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'SettingReadOnly,LvsAdmin.Commands.SetLvsSettingCommand'
        $failed[0].Exception.Message | Should -BeLike "*$($readOnly.Name)*read-only*"
    }

    It 'in a namespace of an unprivileged user namespace, ReadOnly is what the kernel allows there, and a read-only setting is refused' {
        # The kernel makes some settings read-only where the network namespace belongs to a user namespace
        # other than the first (7.1's load factors among them): pwsh in such a pair, root only inside.
        $probe = Join-Path ([IO.Path]::GetTempPath()) 'lvsadmin-test-unprivileged.ps1'
        Set-Content $probe @'
Import-Module $env:LVSADMIN_MODULE
# Writable: the file has a write bit (0o222), as stat shows it.
$settings = @(Get-LvsSetting | ForEach-Object { [pscustomobject]@{ Name = $_.Name; ReadOnly = $_.ReadOnly; Writable = ([int][IO.File]::GetUnixFileMode("/proc/sys/net/ipv4/vs/$($_.Name)") -band 0x92) -ne 0 } })
$refused = $settings | Where-Object ReadOnly | Select-Object -First 1 | ForEach-Object {
    try { Set-LvsSetting $_.Name 1 -ErrorAction Stop; 'written' } catch { $_.FullyQualifiedErrorId }
}
[pscustomobject]@{ Files = @(Get-ChildItem /proc/sys/net/ipv4/vs -Name -ErrorAction Ignore).Count; Settings = $settings; Refused = $refused } | ConvertTo-Json -Depth 3
'@
        $pwsh = [Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')
        $output = unshare --user --map-root-user --net -- @pwsh -NoProfile -NonInteractive -File $probe 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $inside = ($output -join "`n") | ConvertFrom-Json
        # Some kernels (6.1) show such a namespace no IPVS settings at all; LvsAdmin then lists none either.
        @($inside.Settings).Count | Should -Be $inside.Files
        if ($inside.Files) {
            foreach ($setting in $inside.Settings) { $setting.ReadOnly | Should -Be (-not $setting.Writable) -Because $setting.Name }
            @($inside.Settings | Where-Object ReadOnly).Count | Should -BeGreaterThan 0
            $inside.Refused | Should -Be 'SettingReadOnly,LvsAdmin.Commands.SetLvsSettingCommand'
        }
        if ((Get-KernelVersion) -ge [version]'7.1') {
            ($inside.Settings | Where-Object Name -in 'conn_lfactor', 'svc_lfactor').ReadOnly | Should -Be @($true, $true)
        }
    }

    It 'writes what sysctl then shows, in that namespace only' {
        $root = Get-SysctlLines
        $written = Set-LvsSetting expire_nodest_conn $true -NetworkNamespace lvsadmin-test-settings -PassThru
        $written.Value | Should -Be 1
        (Get-Sysctl lvsadmin-test-settings).expire_nodest_conn | Should -Be '1'
        Set-LvsSetting sync_threshold 5, 100 -NetworkNamespace lvsadmin-test-settings
        (Get-Sysctl lvsadmin-test-settings).sync_threshold | Should -Be '5 100'
        Set-LvsSetting -Name sync_threshold -Value '4 40' -NetworkNamespace lvsadmin-test-settings
        (Get-LvsSetting sync_threshold -NetworkNamespace lvsadmin-test-settings).Value | Should -Be @(4, 40)
        Set-LvsSetting sync_ports 4 -NetworkNamespace lvsadmin-test-settings
        (Get-Sysctl lvsadmin-test-settings).sync_ports | Should -Be '4'
        Get-SysctlLines | Should -Be $root -Because 'the caller''s namespace has settings of its own'
    }

    It 'takes Name and Value from the pipeline: hashtable entries and saved settings' {
        $saved = Get-LvsSetting -NetworkNamespace lvsadmin-test-settings | Where-Object -Not ReadOnly
        @{ conntrack = 1; sloppy_tcp = 1 }.GetEnumerator() | Set-LvsSetting -NetworkNamespace lvsadmin-test-settings
        (Get-Sysctl lvsadmin-test-settings)['conntrack', 'sloppy_tcp'] | Should -Be @('1', '1')
        $saved | ConvertTo-Deserialized | Set-LvsSetting -NetworkNamespace lvsadmin-test-settings
        (Get-Sysctl lvsadmin-test-settings)['conntrack', 'sloppy_tcp'] | Should -Be @(
            ($saved | Where-Object Name -eq conntrack).Value.ToString(), ($saved | Where-Object Name -eq sloppy_tcp).Value.ToString())
    }

    It 'refuses <Value> for <Name>, naming both, and writes nothing' -ForEach @(
        @{ Name = 'expire_nodest_conn'; Value = 2 }
        @{ Name = 'conn_reuse_mode'; Value = -1 }
        @{ Name = 'sync_ports'; Value = 3 }
        @{ Name = 'sync_threshold'; Value = @(50, 3) }
        @{ Name = 'sync_threshold'; Value = 7 }
        @{ Name = 'am_droprate'; Value = 'many' }
        @{ Name = 'amemthresh'; Value = 1.5 }
        @{ Name = 'sync_retries'; Value = 4 }
    ) {
        $before = Get-SysctlLines lvsadmin-test-settings
        Set-LvsSetting $Name $Value -NetworkNamespace lvsadmin-test-settings -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'InvalidSettingValue,LvsAdmin.Commands.SetLvsSettingCommand'
        $failed[0].Exception.Message | Should -BeLike "'$($Value -join ' ')' is not a valid value for ${Name}:*"
        Get-SysctlLines lvsadmin-test-settings | Should -Be $before
    }

    It 'refuses a name the kernel does not have, and -WhatIf writes nothing' {
        Set-LvsSetting no_such_setting 1 -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'SettingNotFound,LvsAdmin.Commands.SetLvsSettingCommand'
        $failed[0].Exception.Message | Should -BeLike "*no IPVS setting 'no_such_setting'*"
        Get-LvsSetting no_such_setting -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -Be 'SettingNotFound,LvsAdmin.Commands.GetLvsSettingCommand'
        Get-LvsSetting 'no_such_*' -ErrorVariable none | Should -BeNullOrEmpty
        $none | Should -BeNullOrEmpty
        $before = Get-SysctlLines
        Set-LvsSetting expire_quiescent_template 1 -WhatIf
        Get-SysctlLines | Should -Be $before
        { Get-LvsSetting -NetworkNamespace no-such-namespace -ErrorAction Stop } | Should -Throw -ErrorId 'NetworkNamespaceInvalid,LvsAdmin.Commands.GetLvsSettingCommand'
    }

    It '<Name> (kernel <Since>) is typed and checked where the kernel has it, and named with its kernel where not' -ForEach @(
        @{ Name = 'conn_lfactor'; Since = '7.1'; Good = -2; Bad = 9 }
        @{ Name = 'svc_lfactor'; Since = '7.1'; Good = 3; Bad = -9 }
        @{ Name = 'conn_max'; Since = '7.2'; Good = 50000; Bad = -1 }
    ) {
        $release = uname -r
        if ((Get-KernelVersion) -ge [version]$Since) {
            $setting = Get-LvsSetting $Name -NetworkNamespace lvsadmin-test-settings
            $setting.Value | Should -BeOfType [int]
            $setting.Description | Should -Not -BeLike '*does not describe*'
            Set-LvsSetting $Name $Good -NetworkNamespace lvsadmin-test-settings
            (Get-Sysctl lvsadmin-test-settings)[$Name] | Should -Be "$Good"
            Set-LvsSetting $Name $Bad -NetworkNamespace lvsadmin-test-settings -ErrorVariable refused -ErrorAction SilentlyContinue
            "$($refused[0])" | Should -BeLike "*$Bad*$Name*"
            (Get-Sysctl lvsadmin-test-settings)[$Name] | Should -Be "$Good"
        }
        else {
            Get-LvsSetting -NetworkNamespace lvsadmin-test-settings | Where-Object Name -eq $Name | Should -BeNullOrEmpty
            Set-LvsSetting $Name $Good -NetworkNamespace lvsadmin-test-settings -ErrorVariable missing -ErrorAction SilentlyContinue
            $missing[0].FullyQualifiedErrorId | Should -Be 'SettingNotFound,LvsAdmin.Commands.SetLvsSettingCommand'
            "$($missing[0])" | Should -BeLike "*'$Name'*came with kernel $Since, and this one is $release."
        }
    }

    It 'wildcards select settings' {
        $sync = Get-LvsSetting 'sync_*'
        $sync.Name | Should -Contain 'sync_threshold'
        $sync.Name | ForEach-Object { $_ | Should -BeLike 'sync_*' }
    }
}
