# What a user without CAP_NET_ADMIN, and one with only CAP_NET_ADMIN, can do: pwsh started by setpriv with
# that bounding set (uid 0 stays, so the pinned pwsh under root's package folder is readable; without
# the capability in the bounding set, root's exec gains none).
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) 'lvsadmin-test-privilege'
    New-Item -ItemType Directory -Force -Path $script:folder | Out-Null
    $probe = Join-Path $script:folder 'probe.ps1'
    # Each step: what it printed, or the error id and message it stopped with.
    Set-Content $probe @'
Import-Module $env:LVSADMIN_MODULE
$ProgressPreference = 'SilentlyContinue'
$steps = [ordered]@{
    Capabilities = { (Get-Content /proc/self/status | Where-Object { $_ -like 'CapEff:*' }) -replace '^CapEff:\s*' }
    Get          = { @(Get-LvsService).Count }
    New          = { New-LvsService -Address 10.71.0.1 -Port 80 -Scheduler rr; New-LvsRealServer 'TCP 10.71.0.1:80' 192.168.71.1 -ForwardingMethod Masquerade; (Get-LvsRealServer -Service 'TCP 10.71.0.1:80').Weight }
    Connections  = { @(Get-LvsConnection).Count }
    Namespace    = { @(Get-LvsService -NetworkNamespace lvsadmin-test-privilege).Count }
    Remove       = { Remove-LvsService -Service 'TCP 10.71.0.1:80' -Confirm:$false; @(Get-LvsService).Count }
}
$results = [ordered]@{}
foreach ($name in $steps.Keys) {
    $results[$name] = try { "ok: $(& $steps[$name] -ErrorAction Stop)" } catch { "$($_.FullyQualifiedErrorId): $_" }
}
$results | ConvertTo-Json
'@
    function Invoke-WithBoundingSet([string] $BoundingSet) {
        $pwsh = [Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')
        $output = setpriv --bounding-set $BoundingSet --inh-caps=-all -- @pwsh -NoProfile -NonInteractive -File $probe 2>&1
        if ($LASTEXITCODE -ne 0) { throw "setpriv pwsh failed ($LASTEXITCODE): $output" }
        ($output -join "`n") | ConvertFrom-Json
    }
    Reset-IpvsTable
    ip netns add lvsadmin-test-privilege
    $script:none = Invoke-WithBoundingSet '-all'
    $script:netAdmin = Invoke-WithBoundingSet '-all,+net_admin'
}

AfterAll {
    Reset-IpvsTable
    ip netns delete lvsadmin-test-privilege
    Remove-Item $script:folder -Recurse -Force -ErrorAction Ignore
}

Describe 'Without CAP_NET_ADMIN' {
    It 'runs with no capability at all' {
        $script:none.Capabilities | Should -Be 'ok: 0000000000000000'
    }

    It 'refuses to read or change the table, saying what it needs' {
        foreach ($step in 'Get', 'New', 'Remove') {
            $script:none.$step | Should -BeLike 'IpvsPermissionDenied,LvsAdmin.Commands.*CAP_NET_ADMIN*'
        }
        Get-IpvsadmRules | Should -BeNullOrEmpty
    }

    It 'refuses to enter another namespace, naming it' {
        $script:none.Namespace | Should -Match 'lvsadmin-test-privilege'
        $script:none.Namespace | Should -Not -BeLike 'ok:*'
    }
}

Describe 'With CAP_NET_ADMIN only' {
    It 'has that capability and no other' {
        $script:netAdmin.Capabilities | Should -Be 'ok: 0000000000001000'
    }

    It 'reads and changes the table' {
        $script:netAdmin.Get | Should -Be 'ok: 0'
        $script:netAdmin.New | Should -Be 'ok: 1'
        # Connections left by earlier tests may still be in the table: reading it is what counts here.
        $script:netAdmin.Connections | Should -Match '^ok: \d+$'
        $script:netAdmin.Remove | Should -Be 'ok: 0'
    }

    It 'cannot enter another namespace (that needs CAP_SYS_ADMIN) and says so, naming it' {
        $script:netAdmin.Namespace | Should -Match 'lvsadmin-test-privilege'
        $script:netAdmin.Namespace | Should -Not -BeLike 'ok:*'
    }
}
