# A batch's replies live in the socket's receive buffer until read, and the kernel drops those that do not
# fit (ENOBUFS). The core bounds each send by the buffer it really got, so that every refusal is reported;
# and when replies are lost anyway (here: a socket that claims a buffer eight hundred times its own), what
# is known of the batch is kept, and an import that stops undoes exactly what it knows it applied: not what
# another writer in the same namespace did meanwhile, while a loop in another namespace churns its table.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:namespace = 'lvsadmin-test-transport'
    $script:churn = 'lvsadmin-test-transport-churn'

    # The core, run here over a socket made in the namespace with a 64 KiB receive buffer (or one that
    # claims 64 MiB, so that each send carries 1,024 requests whatever their refusals need).
    Add-Type -IgnoreWarnings -WarningAction SilentlyContinue -ReferencedAssemblies ([LvsAdmin.Ipvs.IpvsClient].Assembly.Location), System.Diagnostics.Process, System.ComponentModel.Primitives -TypeDefinition @"
using System;
using System.Diagnostics;
using LvsAdmin.Netlink;
public sealed class ClaimsMoreBuffer : INetlinkTransport
{
    private readonly NetlinkSocket _socket;
    public ClaimsMoreBuffer(NetlinkSocket socket) { _socket = socket; }
    public int SendBufferBytes => _socket.SendBufferBytes;
    public int ReceiveBufferBytes => 64 * 1024 * 1024;
    public TimeSpan Timeout => _socket.Timeout;
    // Another writer's shell command, run once just before the next send: it changes the table during the batch.
    public string BeforeNextSend { get; set; }
    public void Send(ReadOnlySpan<byte> datagram)
    {
        if (BeforeNextSend != null)
        {
            using (var writer = Process.Start("/bin/sh", new[] { "-c", BeforeNextSend })) { writer.WaitForExit(); }
            BeforeNextSend = null;
        }
        _socket.Send(datagram);
    }
    public int ReceiveMany(Span<byte> buffer, Span<int> lengths, bool wait) => _socket.ReceiveMany(buffer, lengths, wait);
    public void Dispose() => _socket.Dispose();
    public static NetlinkSocket SmallSocketIn(string path) =>
        NetworkNamespace.Run(path, () => new NetlinkSocket(NetlinkSocket.NetlinkGeneric, TimeSpan.FromSeconds(30), 64 * 1024, 4 * 1024 * 1024));
}
"@

    function Invoke-Probe([string] $Scenario, [string[]] $Rules, [string] $OtherWriter) {
        $path = "/run/netns/$script:namespace"
        $socket = [ClaimsMoreBuffer]::SmallSocketIn($path)
        $transport = if ($Scenario -eq 'Overrun') { [ClaimsMoreBuffer]::new($socket) } else { $socket }
        $client = [LvsAdmin.Ipvs.IpvsClient]::Open($transport, $path)
        if ($OtherWriter) { $transport.BeforeNextSend = $OtherWriter }
        try {
            $parsed = [LvsAdmin.Rules.RuleParser]::Parse($Rules, $null)
            $result = [ordered]@{ ReceiveBufferBytes = $socket.ReceiveBufferBytes }
            $journal = [LvsAdmin.Rules.ChangeJournal]::Begin($client, $parsed)
            try {
                $failures = [LvsAdmin.Rules.RuleApplier]::Apply($client, $parsed, $null, $Scenario -eq 'Overrun', $journal)
                $result.Refused = $failures.Count
                $result.RefusedErrnos = @($failures | ForEach-Object { $_.Item2.Errno } | Sort-Object -Unique)
            }
            catch [LvsAdmin.Rules.RulesInterruptedException] {
                $e = $_.Exception
                $result.Errno = $e.Cause.Errno
                $result.Accepted = $e.Cause.Count('Accepted')
                $result.ReportedRefusals = $e.Cause.Count('Refused')
                $result.UnknownLines = @($e.Unknown | ForEach-Object Text)
                $result.NotApplied = $e.NotApplied.Count
                $result.Message = $e.Message
                $result.UndoFailures = $journal.Undo($client).Count
            }
            [pscustomobject]$result
        }
        finally {
            $client.Dispose()
        }
    }

    function Get-Table { @(ip netns exec $script:namespace ipvsadm -Sn) }

    function Set-Table([string[]] $Rules) { $Rules | ip netns exec $script:namespace ipvsadm -R }

    $script:base = @(foreach ($n in 0..799) { "-A -t 10.71.$([math]::Floor($n / 250)).$($n % 250 + 1):80 -s rr" })
}

AfterAll {
    Remove-LvsNamespace $script:namespace
    if (Test-Path "/run/netns/$script:churn") { Remove-LvsNamespace $script:churn }
}

Describe 'A batch whose refusals outnumber what the receive buffer holds at the old bound' {
    BeforeAll {
        New-LvsTestNamespace $script:namespace
        Set-Table $script:base
        # Each of the 800 services added again: 800 refusals, which at 1,024 requests a send would not all fit.
        $script:result = Invoke-Probe 'Bounded' $script:base
    }

    It 'got the small receive buffer it asked for' {
        $script:result.ReceiveBufferBytes | Should -BeLessOrEqual (256KB)
    }

    It 'reports every refusal: the sends followed the buffer, so none was dropped' {
        $script:result.Refused | Should -Be 800
        $script:result.RefusedErrnos | Should -Be @(17)
        $script:result.PSObject.Properties.Name | Should -Not -Contain 'Errno'
    }
}

Describe 'A transport error in the middle of an import that stops (replies really dropped by the kernel)' {
    BeforeAll {
        New-LvsTestNamespace $script:namespace
        Set-Table $script:base
        # One send of 1,024: 300 new services, then 724 of the table's own (refused); the rest not sent.
        $script:new = @(foreach ($n in 0..299) { "-A -t 10.72.$([math]::Floor($n / 250)).$($n % 250 + 1):80 -s rr" })
        $script:later = @(foreach ($n in 0..1999) { "-A -t 10.73.$([math]::Floor($n / 250)).$($n % 250 + 1):80 -s rr" })
        # Meanwhile: another writer adds a service in this namespace (as the batch goes out), and a loop
        # fills and flushes another namespace's table.
        $churnRules = Join-Path ([IO.Path]::GetTempPath()) 'lvs-transport-churn.rules'
        Set-Content -Path $churnRules -Value @(foreach ($n in 0..199) { "-A -t 10.78.0.$($n + 1):80 -s rr" })
        $churnScript = Join-Path ([IO.Path]::GetTempPath()) 'lvs-transport-churn.sh'
        Set-Content -Path $churnScript -Value "while :; do ipvsadm -R < '$churnRules'; ipvsadm -C; done"
        New-LvsTestNamespace $script:churn
        Start-Process -FilePath ip -ArgumentList 'netns', 'exec', $script:churn, 'bash', $churnScript
        $script:result = Invoke-Probe 'Overrun' ($script:new + $script:base[0..723] + $script:later) -OtherWriter "ip netns exec $script:namespace ipvsadm -A -t 10.74.0.1:80 -s wlc"
        # ipvsadm's own listing skips and repeats under churn elsewhere: read it with the churn paused.
        $churning = @(ip netns pids $script:churn)
        # (Its short-lived ipvsadm processes may be gone by the time they are signalled.)
        $churning | ForEach-Object { kill -STOP $_ 2>$null }
        try { $script:after = Get-Table } finally { $churning | ForEach-Object { kill -CONT $_ 2>$null } }
        Remove-LvsNamespace $script:churn
        Write-Host ("The kernel kept {0} refusals in a receive buffer of {1} bytes: {2:0} bytes each" -f
            $script:result.ReportedRefusals, $script:result.ReceiveBufferBytes, ($script:result.ReceiveBufferBytes / [math]::Max(1, $script:result.ReportedRefusals)))
    }

    It 'met a real ENOBUFS: the kernel dropped refusals' {
        $script:result.Errno | Should -Be 105
        $script:result.ReportedRefusals | Should -BeGreaterThan 0
        $script:result.ReportedRefusals | Should -BeLessThan 724
    }

    It 'knows the 300 additions before the overflow were applied, and the 2,000 after the send were not' {
        $script:result.Accepted | Should -Be 300
        $script:result.NotApplied | Should -Be 2000
    }

    It 'leaves unknown only lines whose entry the table has, and names them' {
        $script:result.UnknownLines.Count | Should -Be (724 - $script:result.ReportedRefusals)
        $tableHad = [Collections.Generic.HashSet[string]]::new([string[]] $script:base)
        @($script:result.UnknownLines | Where-Object { -not $tableHad.Contains($_) }) | Should -BeNullOrEmpty
        $script:result.Message | Should -Match "Whether $($script:result.UnknownLines.Count) rules were applied cannot be known"
    }

    It 'undoes what it applied: the table is as it was, with the other writer''s service (ipvsadm -Sn)' {
        $script:result.UndoFailures | Should -Be 0
        Assert-SameLines $script:after @($script:base + '-A -t 10.74.0.1:80 -s wlc')
    }
}
