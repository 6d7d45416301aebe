BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    function Initialize-Services([int] $Count) {
        # Count services on 10.0.1.N:80, each with the real servers 192.168.1.10 and .11 at weight 3.
        Reset-IpvsTable
        $rules = foreach ($n in 1..$Count) {
            "-A -t 10.0.1.${n}:80 -s wlc"
            "-a -t 10.0.1.${n}:80 -r 192.168.1.10:80 -m -w 3"
            "-a -t 10.0.1.${n}:80 -r 192.168.1.11:80 -m -w 3"
        }
        $rules | ipvsadm -R
    }

    function Get-Sends($Records) {
        # What the verbose trace says was sent, and whether anything was read.
        $messages = @($Records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        [pscustomobject]@{
            Batches = @($messages | Where-Object { $_ -match 'send (\d+) requests in one message' } | ForEach-Object { [int]($_ -replace '.*send (\d+) requests.*', '$1') })
            Reads   = @($messages | Where-Object { $_ -match ': (list|get) ' }).Count
        }
    }
}

AfterAll { Reset-IpvsTable }

Describe 'Pipelines of changes go to the kernel in batches' {
    It 'Get-LvsRealServer | Set-LvsRealServer sends the edits together and reads nothing again' {
        Initialize-Services 50
        $servers = Get-LvsRealServer -Address 192.168.1.10
        $trace = Get-Sends ($servers | Set-LvsRealServer -Weight 7 -Verbose 4>&1)
        $trace.Reads | Should -Be 0 -Because 'real servers just read are not read again'
        ($trace.Batches | Measure-Object -Sum).Sum | Should -Be 50
        $trace.Batches.Count | Should -BeLessThan 5
        (Get-LvsRealServer -Address 192.168.1.10).Weight | Sort-Object -Unique | Should -Be 7
        (Get-LvsRealServer -Address 192.168.1.11).Weight | Sort-Object -Unique | Should -Be 3
        Get-IpvsadmRules | Where-Object { $_ -like '*192.168.1.10:80*' } | ForEach-Object { $_ | Should -Match '-w 7$' }
    }

    It 'New, Set and Remove of services and real servers batch too, with the same result as ipvsadm' {
        Reset-IpvsTable
        $trace = Get-Sends (1..30 | ForEach-Object { "TCP 10.0.2.${_}:80" } | New-LvsService -Scheduler rr -Verbose 4>&1)
        $trace.Batches.Count | Should -BeLessThan 3
        $trace = Get-Sends (Get-LvsService | New-LvsRealServer -Address 192.168.2.1 -Port 8080 -Weight 2 -ForwardingMethod Masquerade -Verbose 4>&1)
        ($trace.Batches | Measure-Object -Sum).Sum | Should -Be 30
        Get-LvsService | Set-LvsService -Scheduler wrr
        Get-LvsRealServer | Remove-LvsRealServer -Verbose 4>&1 | Out-Null
        Get-IpvsadmRules | Sort-Object | Should -Be @(1..30 | ForEach-Object { "-A -t 10.0.2.${_}:80 -s wrr" } | Sort-Object)
        Get-LvsService | Remove-LvsService -Confirm:$false
        Get-IpvsadmRules | Should -BeNullOrEmpty
    }

    It 'a refused change in a batch is an error for its object; the others land' {
        Initialize-Services 5
        Invoke-Ipvsadm -d -t 10.0.1.3:80 -r 192.168.1.10:80
        $targets = 1..5 | ForEach-Object { [pscustomobject]@{ Service = "TCP 10.0.1.${_}:80"; Address = [IPAddress] '192.168.1.12'; Port = 80 } }
        Invoke-Ipvsadm -a -t 10.0.1.4:80 -r 192.168.1.12:80 -m
        $added = $targets | New-LvsRealServer -ForwardingMethod Masquerade -PassThru -ErrorVariable failed -ErrorAction SilentlyContinue
        @($added).Count | Should -Be 4
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'RealServerExists,LvsAdmin.Commands.NewLvsRealServerCommand'
        "$($failed[0].TargetObject)" | Should -Be 'TCP 10.0.1.4:80 -> 192.168.1.12:80'
        @(Get-LvsRealServer -Address 192.168.1.12).Count | Should -Be 5
    }

    It 'under -ErrorAction Stop the pipeline ends at the refused change, and what followed it in its batch is undone' {
        Initialize-Services 6
        Invoke-Ipvsadm -a -t 10.0.1.3:80 -r 192.168.1.12:80 -m
        $before = Get-IpvsadmRules
        $targets = 1..6 | ForEach-Object { [pscustomobject]@{ Service = "TCP 10.0.1.${_}:80"; Address = [IPAddress] '192.168.1.12'; Port = 80 } }
        { $targets | New-LvsRealServer -ForwardingMethod Masquerade -ErrorAction Stop } | Should -Throw -ErrorId 'RealServerExists,LvsAdmin.Commands.NewLvsRealServerCommand'
        @(Get-LvsRealServer -Address 192.168.1.12 | ForEach-Object Service | Sort-Object) | Should -Be @('TCP 10.0.1.1:80', 'TCP 10.0.1.2:80', 'TCP 10.0.1.3:80')
        # Edits and removals are set back the same way.
        Get-LvsRealServer -Address 192.168.1.12 | Where-Object Service -ne 'TCP 10.0.1.3:80' | Remove-LvsRealServer
        Get-IpvsadmRules | Should -Be $before
        $servers = Get-LvsRealServer -Address 192.168.1.10
        Invoke-Ipvsadm -d -t 10.0.1.2:80 -r 192.168.1.10:80
        { $servers | Set-LvsRealServer -Weight 9 -ErrorAction Stop } | Should -Throw -ErrorId 'RealServerNotFound,LvsAdmin.Commands.SetLvsRealServerCommand'
        (Get-LvsRealServer -Address 192.168.1.10 | ForEach-Object { "$($_.Service) $($_.Weight)" } | Sort-Object) | Should -Be @('TCP 10.0.1.1:80 9', 'TCP 10.0.1.3:80 3', 'TCP 10.0.1.4:80 3', 'TCP 10.0.1.5:80 3', 'TCP 10.0.1.6:80 3')
    }

    It 'a change that fails the checks is an error at once, in its place among the others' {
        Initialize-Services 3
        $targets = 1..3 | ForEach-Object { [pscustomobject]@{ Service = "TCP 10.0.1.${_}:80"; Address = [IPAddress] '192.168.1.13'; Port = 80; UpperThreshold = 5; LowerThreshold = $(if ($_ -eq 2) { 9 } else { 1 }) } }
        { $targets | New-LvsRealServer -ErrorAction Stop } | Should -Throw
        @(Get-LvsRealServer -Address 192.168.1.13 | ForEach-Object Service) | Should -Be @('TCP 10.0.1.1:80')
    }

    It '-WhatIf sends nothing and says what each change would be' {
        Initialize-Services 3
        $before = Get-IpvsadmRules
        $trace = Get-Sends (Get-LvsRealServer | Set-LvsRealServer -Weight 1 -WhatIf -Verbose 4>&1)
        $trace.Batches | Should -BeNullOrEmpty
        Get-IpvsadmRules | Should -Be $before
    }
}
