# The systemd unit shipped with the module (systemd/lvsadmin-rules.service): valid for systemd, and its
# command line makes the table equal the saved rules, again and again, all or nothing.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:unit = Join-Path (Split-Path $env:LVSADMIN_MODULE) 'systemd/lvsadmin-rules.service'
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) "lvs-systemd-$PID"
    New-Item -ItemType Directory -Force -Path $script:folder | Out-Null

    function Invoke-UnitCommand([string] $RulesPath) {
        # ExecStart's -Command as systemd hands it to pwsh: ${LVSADMIN_RULES} substituted, $$ unescaped.
        $execStart = (Get-Content $script:unit | Where-Object { $_ -like 'ExecStart=*' }) -replace '^ExecStart=', ''
        $execStart | Should -Match '^/usr/bin/env pwsh .*-Command "(.*)"$'
        $command = ([regex]::Match($execStart, '-Command "(.*)"$').Groups[1].Value).Replace('${LVSADMIN_RULES}', $RulesPath).Replace('$$', '$')
        # The module found by name, as on a director where it is installed.
        $output = & /usr/bin/env "PSModulePath=$(Split-Path (Split-Path $env:LVSADMIN_MODULE))" ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoLogo -NoProfile -NonInteractive -Command $command 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = "$output" }
    }
}

AfterAll {
    Reset-IpvsTable
    Remove-Item $script:folder -Recurse -Force
}

Describe 'lvsadmin-rules.service' {
    It 'passes systemd-analyze verify' {
        $copy = Join-Path $script:folder 'lvsadmin-rules.service'
        Copy-Item $script:unit $copy
        $output = systemd-analyze verify $copy 2>&1 | Where-Object { "$_" -notmatch 'Failed to .* (bus|D-Bus)|Unit .* not found|/etc/lvsadmin/rules' }
        $LASTEXITCODE | Should -Be 0 -Because "$output"
        "$output" | Should -Not -Match 'lvsadmin-rules.service:'
    }

    It 'its command makes the table equal a saved rule file, and running it again changes nothing' {
        Reset-IpvsTable
        Invoke-Ipvsadm -A -t 10.0.0.9:80 -s rr
        $rules = Join-Path $script:folder 'rules'
        Set-Content -Path $rules -Value '-A -t 10.0.0.1:80 -s wrr', '-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 2', '-A -f 5 -s rr'
        (Invoke-UnitCommand $rules).ExitCode | Should -Be 0
        Get-IpvsadmRules | Should -Be @('-A -t 10.0.0.1:80 -s wrr', '-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 2', '-A -f 5 -s rr')
        $run = Invoke-UnitCommand $rules
        $run.ExitCode | Should -Be 0 -Because $run.Output
        Compare-LvsRules -Path $rules | Should -BeNullOrEmpty
    }

    It 'fails, leaving the table as it was, when the kernel refuses a rule' {
        $before = Get-IpvsadmRules
        $rules = Join-Path $script:folder 'bad.rules'
        Set-Content -Path $rules -Value '-A -t 10.0.0.2:80 -s rr', '-A -t 10.0.0.3:80 -s twos'
        $run = Invoke-UnitCommand $rules
        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match 'Line 2'
        Get-IpvsadmRules | Should -Be $before
    }
}
