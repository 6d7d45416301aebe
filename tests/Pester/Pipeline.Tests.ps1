BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    function Initialize-Table {
        # One ipvsadm -R (a flush first): a process costs a tenth of a second in the test kernel, and this runs before most tests.
        Set-IpvsTable @(
            '-A -t 10.0.0.1:80 -s wlc'
            '-a -t 10.0.0.1:80 -r 192.168.1.10:80 -m -w 3'
            '-a -t 10.0.0.1:80 -r 192.168.1.11:80 -m -w 0'
            '-A -t 10.0.0.2:443 -s rr'
            '-a -t 10.0.0.2:443 -r 192.168.1.10:443 -g -w 2'
            '-a -t 10.0.0.2:443 -r 192.168.1.12:443 -g -w 0'
            '-A -u 10.0.0.3:53 -s wlc'
        )
    }
}

Describe 'The pipelines of API.md, with live objects and with deserialized ones (<Mode>)' -ForEach @(
    @{ Mode = 'live'; Through = { param($objects) $objects } }
    @{ Mode = 'PSSerializer'; Through = { param($objects) $objects | ConvertTo-Deserialized } }
    @{ Mode = 'Export-Clixml'; Through = { param($objects) $path = Join-Path ([IO.Path]::GetTempPath()) 'lvs-pipeline.clixml'; $objects | Export-Clixml -Path $path; Import-Clixml -Path $path } }
) {
    BeforeEach { Initialize-Table }

    It 'Get-LvsService | Where-Object Scheduler -eq wlc | Set-LvsService -Scheduler rr' {
        & $Through (Get-LvsService) | Where-Object Scheduler -eq 'wlc' | Set-LvsService -Scheduler rr
        Get-IpvsadmRules | Should -Contain '-A -t 10.0.0.1:80 -s rr'
        Get-IpvsadmRules | Should -Contain '-A -u 10.0.0.3:53 -s rr'
    }

    It 'Get-LvsService -Protocol Tcp -Address 10.0.0.1 -Port 80 | New-LvsRealServer -Address 192.168.1.20 -Weight 5 -ForwardingMethod Masquerade' {
        & $Through (Get-LvsService -Protocol Tcp -Address 10.0.0.1 -Port 80) | New-LvsRealServer -Address 192.168.1.20 -Weight 5 -ForwardingMethod Masquerade
        Get-IpvsadmRules | Should -Contain '-a -t 10.0.0.1:80 -r 192.168.1.20:80 -m -w 5'
    }

    It 'Get-LvsService | Get-LvsRealServer | Where-Object Weight -eq 0 | Remove-LvsRealServer' {
        & $Through (Get-LvsService) | Get-LvsRealServer | Where-Object Weight -eq 0 | Remove-LvsRealServer
        $rules = Get-IpvsadmRules
        $rules | Should -Not -Contain '-a -t 10.0.0.1:80 -r 192.168.1.11:80 -m -w 0'
        $rules | Should -Not -Contain '-a -t 10.0.0.2:443 -r 192.168.1.12:443 -g -w 0'
        $rules | Should -Contain '-a -t 10.0.0.1:80 -r 192.168.1.10:80 -m -w 3'
    }

    It 'Get-LvsRealServer | Where-Object Weight -eq 0 | Remove-LvsRealServer (real servers through the pipe)' {
        & $Through (Get-LvsRealServer) | Where-Object Weight -eq 0 | Remove-LvsRealServer
        (Get-LvsRealServer).Count | Should -Be 2
    }

    It 'Get-LvsRealServer -Address 192.168.1.10 | Set-LvsRealServer -Weight 0 drains one server everywhere' {
        & $Through (Get-LvsRealServer -Address 192.168.1.10) | Set-LvsRealServer -Weight 0
        $rules = Get-IpvsadmRules
        $rules | Should -Contain '-a -t 10.0.0.1:80 -r 192.168.1.10:80 -m -w 0'
        $rules | Should -Contain '-a -t 10.0.0.2:443 -r 192.168.1.10:443 -g -w 0'
    }

    It 'Get-LvsRealServer | Sort-Object ActiveConnections, Weight -Descending | Select-Object -First 5' {
        # No traffic here, so every ActiveConnections is 0: the weights decide the order.
        $top = & $Through (Get-LvsRealServer) | Sort-Object ActiveConnections, Weight -Descending | Select-Object -First 5
        $top | Should -HaveCount 4
        @($top.ActiveConnections) | Should -Be @(0, 0, 0, 0)
        @($top | ForEach-Object { "$($_.Address):$($_.Weight)" }) | Select-Object -First 2 | Should -Be @('192.168.1.10:3', '192.168.1.10:2')
    }

    It 'Get-LvsService | Remove-LvsService' {
        & $Through (Get-LvsService -Address 10.0.0.2) | Remove-LvsService -Confirm:$false
        Get-IpvsadmRules | Should -Not -Contain '-A -t 10.0.0.2:443 -s rr'
        (Get-LvsService).Count | Should -Be 2
    }

    It 'Get-LvsService | Reset-LvsStatistics' {
        & $Through (Get-LvsService -Address 10.0.0.2) | Reset-LvsStatistics
        (Get-LvsService -Address 10.0.0.2).Statistics.Connections | Should -Be 0
    }

    It 'keeps the statistics of a service as objects with counters' {
        $service = & $Through (Get-LvsService -Address 10.0.0.1)
        $service.Statistics.Connections | Should -Be 0
        $service.Statistics.PSObject.Properties.Name | Should -Contain 'OutBytesPerSecond'
    }
}

Describe 'Objects for Where-Object, Sort-Object, Format-Table and Export-Csv' {
    BeforeAll { Initialize-Table }

    It 'formats services and real servers as ipvsadm -Ln lists them' {
        $services = Get-LvsService | Format-Table | Out-String
        $services | Should -Match 'Prot\s+LocalAddress:Port\s+Scheduler\s+Flags'
        $services | Should -Match 'TCP\s+10\.0\.0\.1:80\s+wlc'
        $servers = Get-LvsRealServer | Format-Table | Out-String -Width 200
        $servers | Should -Match 'Service: TCP 10\.0\.0\.1:80'
        $servers | Should -Match 'RemoteAddress:Port\s+Forward\s+Weight\s+ActiveConn\s+InActConn'
        $servers | Should -Match '192\.168\.1\.10:80\s+Masq\s+3\s+0\s+0'
    }

    It 'has the named view <View>' -ForEach @(
        @{ View = 'Statistics'; Heading = 'RemoteAddress:Port\s+Conns\s+InPkts\s+OutPkts\s+InBytes\s+OutBytes' }
        @{ View = 'Rate'; Heading = 'RemoteAddress:Port\s+CPS\s+InPPS\s+OutPPS\s+InBPS\s+OutBPS' }
        @{ View = 'Thresholds'; Heading = 'RemoteAddress:Port\s+Uthreshold\s+Lthreshold\s+ActiveConn\s+InActConn' }
        @{ View = 'PersistentConnections'; Heading = 'RemoteAddress:Port\s+Weight\s+PersistConn\s+ActiveConn\s+InActConn' }
        @{ View = 'TunnelInfo'; Heading = 'RemoteAddress:Port\s+Forward\s+TunnelInfo\s+Weight\s+ActiveConn\s+InActConn' }
    ) {
        $table = Get-LvsRealServer | Format-Table -View $View | Out-String -Width 200
        $table | Should -Match $Heading
        $table | Should -Match '192\.168\.1\.10:80'
    }

    It 'has the named service views Statistics and Rate' {
        Get-LvsService | Format-Table -View Statistics | Out-String | Should -Match 'Conns\s+InPkts\s+OutPkts\s+InBytes\s+OutBytes'
        Get-LvsService | Format-Table -View Rate | Out-String | Should -Match 'CPS\s+InPPS\s+OutPPS\s+InBPS\s+OutBPS'
    }

    It 'exports to CSV with one column per property' {
        $csv = Get-LvsRealServer | ConvertTo-Csv | ConvertFrom-Csv
        $csv | Should -HaveCount 4
        $csv[0].Service | Should -Be 'TCP 10.0.0.1:80'
        $csv[0].Weight | Should -Be '3'
    }
}

Describe 'Output from remoting' {
    BeforeAll { Initialize-Table }

    It 'Invoke-Command ... { Get-LvsRealServer } | Where-Object Weight -eq 0 | Set-LvsRealServer works on what a job brings back' {
        # A background job runs in another process and hands its output over the remoting protocol.
        $module = $env:LVSADMIN_MODULE
        $job = Start-Job { Import-Module $using:module; Get-LvsRealServer }
        $job | Wait-Job -Timeout 300 | Out-Null
        $job.State | Should -Be 'Completed' -Because 'the job answers within 300 s'
        $remote = $job | Receive-Job -AutoRemoveJob -Wait
        $remote[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.LvsAdmin.LvsRealServer'
        $remote | Where-Object Weight -eq 0 | Set-LvsRealServer -Weight 4
        (Get-LvsRealServer | Where-Object Weight -eq 4).Count | Should -Be 2
    }
}

Describe 'The pipeline contract: an empty upstream acts on nothing (<Name>)' -ForEach @(
    # Every cmdlet that takes pipeline input, with what it needs besides; the next Describe checks the list is whole.
    @{ Name = 'Get-LvsService'; Arguments = @{} }
    @{ Name = 'New-LvsService'; Arguments = @{ Scheduler = 'rr' } }
    @{ Name = 'Set-LvsService'; Arguments = @{ Scheduler = 'rr' } }
    @{ Name = 'Remove-LvsService'; Arguments = @{ Confirm = $false } }
    @{ Name = 'Reset-LvsStatistics'; Arguments = @{} }
    @{ Name = 'Get-LvsRealServer'; Arguments = @{} }
    @{ Name = 'New-LvsRealServer'; Arguments = @{ Weight = 9 } }
    @{ Name = 'Set-LvsRealServer'; Arguments = @{ Weight = 0 } }
    @{ Name = 'Remove-LvsRealServer'; Arguments = @{ Confirm = $false } }
    @{ Name = 'Get-LvsConnection'; Arguments = @{} }
    @{ Name = 'Import-LvsRules'; Arguments = @{ Replace = $true } }
    @{ Name = 'Compare-LvsRules'; Arguments = @{} }
    @{ Name = 'Set-LvsTimeout'; Arguments = @{ Tcp = 1234 } }
    @{ Name = 'Start-LvsSyncDaemon'; Arguments = @{ State = 'Backup'; Interface = 'lo' } }
    @{ Name = 'Stop-LvsSyncDaemon'; Arguments = @{ State = 'Backup' } }
    @{ Name = 'Remove-LvsRealServer'; Arguments = @{ Drain = $true; Timeout = 1; Confirm = $false } }
    @{ Name = 'Wait-LvsRealServer'; Arguments = @{ Timeout = 1 } }
    @{ Name = 'Test-LvsRealServer'; Arguments = @{ Http = $true } }
    @{ Name = 'Watch-LvsRealServer'; Arguments = @{ Count = 1; Interval = 0.1 } }
    @{ Name = 'Get-LvsSetting'; Arguments = @{} }
    @{ Name = 'Set-LvsSetting'; Arguments = @{ Name = 'expire_nodest_conn'; Value = 1 } }
) {
    BeforeAll { Initialize-Table }

    It 'writes nothing and changes nothing' {
        $before = (Get-IpvsadmRules) + @(ipvsadm -L --timeout) + @(ipvsadm -L --daemon) + @(sysctl net.ipv4.vs)
        $arguments = $Arguments
        $output = @(@() | & $Name @arguments -Verbose -ErrorAction SilentlyContinue -ErrorVariable errors -WarningVariable warnings 4>&1 3>$null 2>$null)
        $changes = $output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -notmatch ': (list|get) ' }
        $changes | Should -BeNullOrEmpty
        $output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] } | Should -BeNullOrEmpty
        ((Get-IpvsadmRules) + @(ipvsadm -L --timeout) + @(ipvsadm -L --daemon) + @(sysctl net.ipv4.vs)) | Should -Be $before
        if ($Name -eq 'Compare-LvsRules') {
            # No rules at all is no desired table to compare with: saying nothing would pass a drift check.
            $errors[0].FullyQualifiedErrorId | Should -Be 'NoRuleLines,LvsAdmin.Commands.CompareLvsRulesCommand'
        }
        else {
            $errors | Should -BeNullOrEmpty
        }
    }
}

Describe 'The pipeline contract covers every cmdlet that takes pipeline input' {
    It 'has a case for each' {
        $covered = 'Get-LvsService', 'New-LvsService', 'Set-LvsService', 'Remove-LvsService', 'Reset-LvsStatistics', 'Get-LvsRealServer',
            'New-LvsRealServer', 'Set-LvsRealServer', 'Remove-LvsRealServer', 'Get-LvsConnection', 'Import-LvsRules', 'Compare-LvsRules',
            'Set-LvsTimeout', 'Start-LvsSyncDaemon', 'Stop-LvsSyncDaemon', 'Wait-LvsRealServer', 'Test-LvsRealServer', 'Watch-LvsRealServer', 'Get-LvsSetting', 'Set-LvsSetting'
        $taking = Get-Command -Module LvsAdmin | Where-Object {
            $_.Parameters.Values.Attributes | Where-Object { $_ -is [Parameter] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) }
        } | ForEach-Object Name
        $taking | Where-Object { $_ -notin $covered } | Should -BeNullOrEmpty
    }
}
