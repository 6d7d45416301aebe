# Several writers on one table at once: a second pwsh process, a runspace of this one and ipvsadm add
# services, ten of them the same; others dump the table meanwhile.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) 'lvs-concurrency'
    Remove-Item $script:folder -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Path $script:folder | Out-Null
    $go = Join-Path $script:folder 'go'

    # Each writer: 60 services of its own (10.70.<block>.N, each with a real server), then the ten shared
    # ones (10.70.9.N); its errors as "id|message" lines in <block>.errors.
    $writer = @'
param($block, $go, $folder)
Import-Module $env:LVSADMIN_MODULE
$ProgressPreference = 'SilentlyContinue'
New-Item -ItemType File (Join-Path $folder "$block.ready") | Out-Null
while (-not (Test-Path $go)) { Start-Sleep -Milliseconds 20 }
$failures = @()
1..60 | ForEach-Object { New-LvsService -Address "10.70.$block.$_" -Port 80 -Scheduler rr -PassThru } |
    New-LvsRealServer -Address 192.168.70.1 -ForwardingMethod Masquerade -ErrorVariable +failures -ErrorAction SilentlyContinue
1..10 | ForEach-Object { New-LvsService -Address "10.70.9.$_" -Port 80 -Scheduler rr -ErrorVariable +failures -ErrorAction SilentlyContinue }
@($failures | ForEach-Object { "$($_.FullyQualifiedErrorId)|$_" }) | Set-Content (Join-Path $folder "$block.errors")
'@
    $writerFile = Join-Path $script:folder 'writer.ps1'
    Set-Content $writerFile $writer

    $dumper = @'
param($go, $folder)
Import-Module $env:LVSADMIN_MODULE
$ProgressPreference = 'SilentlyContinue'
while (-not (Test-Path $go)) { Start-Sleep -Milliseconds 20 }
$rounds = 0
while (-not (Test-Path (Join-Path $folder 'done'))) { Get-LvsService | Get-LvsRealServer | Out-Null; $null = Export-LvsRules; $rounds++ }
$rounds
'@
}

AfterAll {
    Reset-IpvsTable
    Remove-Item $script:folder -Recurse -Force -ErrorAction Ignore
}

Describe 'Writers and readers at once' {
    BeforeAll {
        Reset-IpvsTable
        $process = Start-Process -FilePath ([Environment]::ProcessPath) -PassThru -ArgumentList (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $writerFile, 1, $go, $script:folder
        $shells = foreach ($script in @{ Text = $writer; Arguments = 2, $go, $script:folder }, @{ Text = $dumper; Arguments = $go, $script:folder }) {
            $shell = [PowerShell]::Create()
            $null = $shell.AddScript($script.Text)
            foreach ($argument in $script.Arguments) { $null = $shell.AddArgument($argument) }
            [pscustomobject]@{ Shell = $shell; Handle = $shell.BeginInvoke() }
        }
        Wait-LvsResult -Probe { (Test-Path (Join-Path $script:folder '1.ready')) -and (Test-Path (Join-Path $script:folder '2.ready')) } -Done { $args[0] } -Seconds 120 | Out-Null
        New-Item -ItemType File $go | Out-Null
        $ipvsadmErrors = @(foreach ($n in 1..30) {
                ipvsadm -A -t "10.70.3.${n}:80" -s wlc 2>&1 | Where-Object { $_ }
                ipvsadm -Ln | Out-Null
            })
        # A writer that hangs fails here, after minutes, not the suite.
        $process.WaitForExit(300000) | Out-Null
        $shells[0].Handle.AsyncWaitHandle.WaitOne(300000) | Out-Null
        New-Item -ItemType File (Join-Path $script:folder 'done') | Out-Null
        $shells[1].Handle.AsyncWaitHandle.WaitOne(300000) | Out-Null
        $script:processExited = $process.HasExited
        $script:processExitCode = $process.ExitCode
        $script:writerState = "$($shells[0].Shell.InvocationStateInfo.State)"
        # A dumper still running after its wait is stopped first: EndInvoke would wait for it.
        if (-not $shells[1].Handle.IsCompleted) { $shells[1].Shell.Stop() }
        $script:dumperRounds = @($shells[1].Shell.EndInvoke($shells[1].Handle))
        $script:dumperErrors = @($shells[1].Shell.Streams.Error)
        $shells | ForEach-Object { $_.Shell.Dispose() }
        $script:errors = @(Get-Content (Join-Path $script:folder '1.errors'), (Join-Path $script:folder '2.errors') -ErrorAction Ignore | Where-Object { $_ })
        $script:ipvsadmErrors = $ipvsadmErrors
    }

    It 'ends every writer and reader' {
        $script:processExited | Should -BeTrue
        $script:processExitCode | Should -Be 0
        $script:writerState | Should -Be 'Completed'
        $script:dumperRounds[-1] | Should -BeGreaterThan 0
        $script:dumperErrors | Should -BeNullOrEmpty
    }

    It 'lands every change that does not conflict' {
        $script:ipvsadmErrors | Should -BeNullOrEmpty
        $rules = Get-IpvsadmRules
        foreach ($block in 1, 2) {
            @($rules | Where-Object { $_ -match "^-A -t 10\.70\.$block\.\d+:80 -s rr$" }) | Should -HaveCount 60
            @($rules | Where-Object { $_ -match "^-a -t 10\.70\.$block\.\d+:80 -r 192\.168\.70\.1:80 -m -w 1$" }) | Should -HaveCount 60
        }
        @($rules | Where-Object { $_ -match '^-A -t 10\.70\.3\.\d+:80 -s wlc$' }) | Should -HaveCount 30
    }

    It 'adds each shared service once, and the other writer''s attempt is an error naming it' {
        @(Get-IpvsadmRules | Where-Object { $_ -match '^-A -t 10\.70\.9\.\d+:80' }) | Should -HaveCount 10
        $script:errors | Should -HaveCount 10
        foreach ($line in $script:errors) {
            $id, $message = $line -split '\|', 2
            $id | Should -Be 'ServiceExists,LvsAdmin.Commands.NewLvsServiceCommand'
            $message | Should -Match 'TCP 10\.70\.9\.\d+:80.*already exists'
        }
        ($script:errors | ForEach-Object { [regex]::Match($_, '10\.70\.9\.\d+').Value } | Sort-Object -Unique) | Should -HaveCount 10
    }
}
