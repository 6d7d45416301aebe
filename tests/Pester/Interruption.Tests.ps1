# Ctrl+C in the middle of long work: PowerShell.Stop() from this runspace while another runs the cmdlet, as
# the console does on Ctrl+C. What was applied is undone, files are whole, sockets are closed.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) 'lvs-stop'
    New-Item -ItemType Directory -Force -Path $script:folder | Out-Null

    function New-RuleFile([string] $Name, [int] $Services, [int] $FirstOctet) {
        # Services x 4 real servers, in ipvsadm -R syntax.
        $path = Join-Path $script:folder $Name
        $lines = foreach ($i in 0..($Services - 1)) {
            $vip = "10.$FirstOctet.$([Math]::Floor($i / 250)).$($i % 250 + 1)"
            "-A -t ${vip}:80 -s wlc"
            foreach ($r in 1..4) { "-a -t ${vip}:80 -r 192.168.$($i % 250).${r}:80 -m -w $r" }
        }
        Set-Content -Path $path -Value $lines
        $path
    }

    function Stop-WhenStarted {
        <#
        .SYNOPSIS
            Runs Script (which may use $argument) in a runspace of its own and stops it once Started says
            the work has begun; returns whether it was still running then and the state it ended in.
        #>
        param([string] $Script, [object] $Argument, [scriptblock] $Started)
        $shell = [PowerShell]::Create()
        $null = $shell.AddScript("param(`$argument) Import-Module '$env:LVSADMIN_MODULE'; `$ProgressPreference = 'SilentlyContinue'; $Script").AddArgument($Argument)
        $handle = $shell.BeginInvoke()
        $deadline = (Get-Date).AddSeconds(300)
        while (-not $handle.IsCompleted -and -not (& $Started)) {
            if ((Get-Date) -gt $deadline) { $shell.Stop(); throw 'The work did not begin within 300 s.' }
            Start-Sleep -Milliseconds 10
        }
        $running = -not $handle.IsCompleted
        $shell.Stop()
        if (-not $handle.AsyncWaitHandle.WaitOne(120000)) { throw 'The stopped runspace did not end within 120 s.' }
        try { $null = $shell.EndInvoke($handle) } catch { }
        [pscustomobject]@{ WasRunning = $running; State = "$($shell.InvocationStateInfo.State)" }
        $shell.Dispose()
    }

    function Get-ServiceLineCount {
        # The first lines of /proc/net/ip_vs only: reading them costs nothing however large the table is.
        @(Get-Content /proc/net/ip_vs -TotalCount 8).Count - 3
    }

    function Get-NetlinkSocketCount {
        # This process's netlink sockets: an inode of /proc/self/net/netlink behind one of its descriptors.
        $inodes = @{}
        Get-Content /proc/self/net/netlink | Select-Object -Skip 1 | ForEach-Object { $inodes[($_ -split '\s+')[-1]] = $true }
        @(Get-ChildItem /proc/self/fd -ErrorAction Ignore | ForEach-Object { $_.LinkTarget } | Where-Object { $_ -match '^socket:\[(\d+)\]$' -and $inodes[$Matches[1]] }).Count
    }

    $script:large = New-RuleFile 'large.rules' 3000 61
    $script:other = New-RuleFile 'other.rules' 3000 62
}

AfterAll {
    Reset-IpvsTable
    Remove-Item $script:folder -Recurse -Force -ErrorAction Ignore
}

Describe 'Ctrl+C during long work' {
    BeforeEach { Reset-IpvsTable }

    It 'stops Import-LvsRules midway and leaves the table as it found it' {
        Invoke-Ipvsadm -A -t 10.60.0.1:80 -s rr
        Invoke-Ipvsadm -a -t 10.60.0.1:80 -r 192.168.9.9:80 -m -w 3
        $before = Get-IpvsadmRules
        $run = Stop-WhenStarted -Script 'Import-LvsRules -Path $argument' -Argument $script:large -Started { (Get-ServiceLineCount) -gt 2 }
        $run.WasRunning | Should -BeTrue
        $run.State | Should -Be 'Stopped'
        Get-IpvsadmRules | Should -Be $before
    }

    It 'stops Import-LvsRules -Replace midway and leaves the table as it found it' {
        Import-LvsRules -Path $script:large
        $before = Get-IpvsadmRules
        $run = Stop-WhenStarted -Script 'Import-LvsRules -Path $argument -Replace -Confirm:$false' -Argument $script:other -Started {
            (Get-Content /proc/net/ip_vs -TotalCount 8) -match '^TCP  0A3E' }
        $run.WasRunning | Should -BeTrue
        $run.State | Should -Be 'Stopped'
        Assert-SameLines (Get-IpvsadmRules) $before -InOrder
    }

    It 'stops Export-LvsRules -Path and leaves either the previous file or the whole new one, nothing partial' {
        Import-LvsRules -Path $script:large
        $target = Join-Path $script:folder 'export.rules'
        Set-Content $target 'the previous file'
        $run = Stop-WhenStarted -Script 'Export-LvsRules -Path $argument' -Argument $target -Started { Test-Path "$target.partial" }
        $run.State | Should -BeIn 'Stopped', 'Completed'
        $content = Get-Content $target
        if ($content -ne 'the previous file') { Assert-SameLines $content (Export-LvsRules) -InOrder }
        Test-Path "$target.partial" | Should -BeFalse
        Get-ChildItem $script:folder -Filter 'export.rules*' | Should -HaveCount 1
    }

    It 'stops a large Get-LvsRealServer and closes its netlink socket' {
        Import-LvsRules -Path $script:large
        $sockets = Get-NetlinkSocketCount
        $run = Stop-WhenStarted -Script 'Get-LvsRealServer | ForEach-Object { Start-Sleep -Milliseconds 1 }' -Started { $true }
        $run.WasRunning | Should -BeTrue
        $run.State | Should -Be 'Stopped'
        Get-NetlinkSocketCount | Should -Be $sockets
        # The table is untouched and the next call in this process works.
        (Get-LvsService).Count | Should -Be 3000
    }
}

Describe 'A process killed in the middle of -Replace' {
    It 'leaves a table that a second -Replace brings to the target, after which Compare-LvsRules is empty' {
        Reset-IpvsTable
        Import-LvsRules -Path $script:large
        $before = [IO.File]::ReadAllText('/proc/net/ip_vs')
        $script = Join-Path $script:folder 'replace.ps1'
        Set-Content $script "Import-Module '$env:LVSADMIN_MODULE'; `$ProgressPreference = 'SilentlyContinue'; Import-LvsRules -Path '$script:other' -Replace -Confirm:`$false"
        $process = Start-Process -FilePath ([Environment]::ProcessPath) -ArgumentList (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $script -PassThru
        $deadline = (Get-Date).AddSeconds(300)
        while (-not $process.HasExited -and [IO.File]::ReadAllText('/proc/net/ip_vs') -eq $before -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 10 }
        $process.HasExited | Should -BeFalse -Because 'the replace must still be running when it is killed'
        kill -9 $process.Id
        $process.WaitForExit(60000) | Should -BeTrue -Because 'a process killed with SIGKILL ends'
        $process.ExitCode | Should -Be 137

        $left = Compare-LvsRules -Path $script:other
        $left | Should -Not -BeNullOrEmpty -Because 'the killed replace stopped half-way'
        Import-LvsRules -Path $script:other -Replace -Confirm:$false
        Compare-LvsRules -Path $script:other | Should -BeNullOrEmpty
        $rules = Get-IpvsadmRules
        $rules.Count | Should -Be 15000
        $rules -like '*10.61.*' | Should -BeNullOrEmpty
    }
}
