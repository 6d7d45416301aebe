# The systemd units shipped with the module: lvsadmin-rules.service, valid for systemd, whose command line
# makes the table equal the saved rules, again and again, all or nothing; and lvsadmin-health.service, whose
# watch holds dead servers down, logs a line per event and tells systemd it is ready and alive.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:unit = Join-Path (Split-Path $env:LVSADMIN_MODULE) 'systemd/lvsadmin-rules.service'
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) "lvs-systemd-$PID"
    New-Item -ItemType Directory -Force -Path $script:folder | Out-Null

    function Invoke-UnitVerify([string] $Unit, [string] $Configuration) {
        # systemd-analyze verify of a copy, without what this machine lacks (a bus, other units, the unit's own file).
        $copy = Join-Path $script:folder (Split-Path $Unit -Leaf)
        Copy-Item $Unit $copy
        $output = systemd-analyze verify $copy 2>&1 | Where-Object { "$_" -notmatch "Failed to .* (bus|D-Bus)|Unit .* not found|$([regex]::Escape($Configuration))" }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = "$output" }
    }

    function Get-UnitCommand([string] $Path, [string] $Unit, [string] $Variable, [string[]] $Environment = @()) {
        # ExecStart as systemd runs it, its -Command handed to pwsh with ${VARIABLE} substituted and $$ unescaped.
        $execStart = (Get-Content $Unit | Where-Object { $_ -like 'ExecStart=*' }) -replace '^ExecStart=', ''
        $execStart | Should -Match '^/usr/bin/env pwsh .*-Command "(.*)"$'
        $command = ([regex]::Match($execStart, '-Command "(.*)"$').Groups[1].Value).Replace("`${$Variable}", $Path).Replace('$$', '$')
        # The module found by name, as on a director where it is installed.
        @('/usr/bin/env', "PSModulePath=$(Split-Path (Split-Path $env:LVSADMIN_MODULE))") + $Environment +
            @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'), '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', $command)
    }

    function Invoke-UnitCommand([string] $RulesPath, [string] $Unit = $script:unit, [string] $Variable = 'LVSADMIN_RULES', [int] $Seconds = 600) {
        # The unit's command, stopped after Seconds.
        $commandLine = Get-UnitCommand $RulesPath $Unit $Variable
        $output = & timeout $Seconds @commandLine 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = "$output"; Lines = @($output | ForEach-Object { "$_" }) }
    }
}

AfterAll {
    Reset-IpvsTable
    Remove-Item $script:folder -Recurse -Force
}

Describe 'lvsadmin-rules.service' {
    It 'passes systemd-analyze verify' {
        $verify = Invoke-UnitVerify $script:unit '/etc/lvsadmin/rules'
        $verify.ExitCode | Should -Be 0 -Because $verify.Output
        $verify.Output | Should -Not -Match 'lvsadmin-rules.service:'
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

Describe 'lvsadmin-health.service' {
    BeforeAll {
        $script:healthUnit = Join-Path (Split-Path $env:LVSADMIN_MODULE) 'systemd/lvsadmin-health.service'
    }

    It 'passes systemd-analyze verify' {
        $verify = Invoke-UnitVerify $script:healthUnit '/etc/lvsadmin/health.psd1'
        $verify.ExitCode | Should -Be 0 -Because $verify.Output
        $verify.Output | Should -Not -Match 'lvsadmin-health.service:'
    }

    It 'its command holds a dead server down, logs one line per event, and tells systemd it is ready and alive' {
        Set-IpvsTable '-A -t 10.0.0.1:80 -s rr', '-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 2'
        $configuration = Join-Path $script:folder 'health.psd1'
        Set-Content -Path $configuration -Value "@{ Interval = 0.5; Fall = 1; Timeout = 0.5; Services = @( @{ Service = 'TCP 10.0.0.1:80'; Check = 'Http'; Path = '/health' } ) }"
        $notifications = Join-Path $script:folder 'notify.sock'
        $log = Join-Path $script:folder 'health.log'
        $socket = [System.Net.Sockets.Socket]::new('Unix', 'Dgram', 'Unspecified')
        $received = [System.Collections.Generic.List[string]]::new()
        try {
            $socket.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new($notifications))
            # Started as systemd starts it (its output to a file, as to the journal), and stopped as systemd
            # stops it once it has held the server down and said twice that it is alive.
            $start = [System.Diagnostics.ProcessStartInfo]::new('sh')
            foreach ($argument in @('-c', 'exec "$@" >"$0" 2>&1', $log) + (Get-UnitCommand $configuration $script:healthUnit LVSADMIN_HEALTH "NOTIFY_SOCKET=$notifications", 'WATCHDOG_USEC=2000000')) {
                $start.ArgumentList.Add($argument)
            }
            $watch = [System.Diagnostics.Process]::Start($start)
            $deadline = (Get-Date).AddSeconds(120)
            do {
                Start-Sleep -Milliseconds 250
                while ($socket.Available -gt 0) {
                    $buffer = [byte[]]::new(4096)
                    $received.Add([Text.Encoding]::UTF8.GetString($buffer, 0, $socket.Receive($buffer)))
                }
                $lines = @(Get-Content $log -ErrorAction Ignore)
            } until ($watch.HasExited -or (Get-Date) -gt $deadline -or (@($lines -match 'Up -> Down').Count -and @($received -eq 'WATCHDOG=1').Count -gt 1))
            $runningUntilStopped = -not $watch.HasExited
            kill -TERM $watch.Id 2>$null
            if (-not $watch.WaitForExit(30000)) { $watch.Kill($true) }
            $lines = @(Get-Content $log -ErrorAction Ignore)
        }
        finally { $socket.Dispose() }
        $runningUntilStopped | Should -BeTrue -Because "it runs until stopped: $lines"
        @($lines -match '192\.168\.1\.2:80: Up -> Down, weight 0') | Should -HaveCount 1 -Because "$lines"
        Get-IpvsadmRules | Should -Contain '-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 0'
        $received[0] | Should -Match '^READY=1'
        @($received -eq 'WATCHDOG=1').Count | Should -BeGreaterThan 1
    }

    It 'a configuration with a misspelt setting is refused, naming it' {
        $configuration = Join-Path $script:folder 'typo.psd1'
        Set-Content -Path $configuration -Value "@{ Services = @( @{ Service = 'TCP 10.0.0.1:80'; Fal = 2 } ) }"
        $run = Invoke-UnitCommand $configuration -Unit $script:healthUnit -Variable LVSADMIN_HEALTH -Seconds 60
        $run.ExitCode | Should -Not -Be 0
        $run.ExitCode | Should -Not -Be 124
        $run.Output | Should -Match "Services\[0\] has 'Fal', which is not a setting"
    }
}
