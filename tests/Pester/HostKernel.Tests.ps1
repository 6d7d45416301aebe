# build.ps1's path (a), for a director whose own kernel has IPVS: the test kernel has it and this job
# is root, so build.ps1 run here takes that path. It must work in namespaces of its own (network, mount,
# PID), leave the table it was started beside untouched, leave the operator's namespaces alone, even
# those named as the tests and the docs name theirs, and leave nothing behind when it is killed.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:repository = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $script:repository 'tests/harness/Harness.psm1') -Force
    $script:module = Split-Path $env:LVSADMIN_MODULE

    function Invoke-BuildScript([string[]] $Arguments) {
        # The pinned pwsh, started by dotnet as build.ps1 wants it; the module as this run uses it.
        $pwsh = Join-Path $PSHOME 'pwsh.dll'
        $output = & ([Environment]::ProcessPath) $pwsh -NoProfile -NonInteractive -File (Join-Path $script:repository 'build.ps1') @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
    }

    Reset-IpvsTable
    Invoke-Ipvsadm -A -t 10.200.0.1:80 -s rr
    Invoke-Ipvsadm -a -t 10.200.0.1:80 -r 10.200.1.1:80 -m
    $script:outer = Get-IpvsadmRules
    # An operator's namespaces, each with a service: named as the docs name theirs, as the tests named theirs
    # before they took the reserved prefix lvsadmin-test-, and even with that prefix, as the tests name theirs.
    $script:operatorNamespaces = 'lb-blue', 'lb-test', 'lb-backup', 'lvs-test', 'lvs-client', 'lvs-diff-ipvsadm', 'lvsadmin-test-namespace', 'lvsadmin-test-client'
    $script:operatorRules = @{}
    foreach ($namespace in $script:operatorNamespaces) {
        # One left by another file in this kernel becomes the operator's, made anew.
        if (Test-Path "/run/netns/$namespace") { Remove-LvsNamespace $namespace }
        Invoke-Checked ip netns add $namespace | Out-Null
        Invoke-Checked ip netns exec $namespace ipvsadm -A -t 10.201.0.1:443 -s wlc | Out-Null
        $script:operatorRules[$namespace] = @(ip netns exec $namespace ipvsadm -Sn)
    }
    # A process of the operator's, in one of them.
    $script:operatorProcess = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', 'lvsadmin-test-namespace', 'sleep', '600' -PassThru
    $script:namespaces = @(Get-ChildItem /run/netns -Name -ErrorAction Ignore)
}

AfterAll {
    Reset-IpvsTable
    if ($script:runtimeFiles) { Remove-TreeSafely $script:runtimeFiles }
    if ($script:operatorProcess -and -not $script:operatorProcess.HasExited) { $script:operatorProcess.Kill() }
    foreach ($namespace in $script:operatorNamespaces) { Remove-LvsNamespace $namespace }
}

Describe 'build.ps1 on a host whose kernel has IPVS' {
    BeforeAll {
        # build.ps1 uses out/LvsAdmin; the module this run tests is it, unless a run points elsewhere.
        $script:module | Should -Be (Join-Path $script:repository 'out/LvsAdmin')
    }

    It 'Sandbox -Command runs in namespaces of its own, of this kernel' {
        $command = 'New-LvsService -Address 10.0.0.1 -Port 80; "services: $((Get-LvsService) -join ",")"; "namespace: $(readlink /proc/self/ns/net)"; "netns: $(@(Get-ChildItem /run/netns -Name).Count)"; "pid: $PID"'
        $run = Invoke-BuildScript @('Sandbox', '-NoBuild', '-Command', $command)
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        ($run.Output | Where-Object { $_ -match "^==> Sandbox: the host's kernel .*, in namespaces of its own \(network, mount, PID\)$" }) | Should -HaveCount 1
        $run.Output | Should -Contain 'services: TCP 10.0.0.1:80'
        # Its own /run/netns (the operator's are not seen) and its own PIDs (pwsh is the namespace's first).
        $run.Output | Should -Contain 'netns: 0'
        $pid_ = [int](($run.Output | Where-Object { $_ -like 'pid: *' }) -replace '^pid: ')
        $pid_ | Should -BeLessThan 10
        $inner = ($run.Output | Where-Object { $_ -like 'namespace: *' }) -replace '^namespace: '
        $inner | Should -Not -BeNullOrEmpty
        $inner | Should -Not -Be (readlink /proc/self/ns/net)
        Get-IpvsadmRules | Should -Be $script:outer
    }

    It 'Test runs Pester there and ends with its closing line' {
        # Namespace makes, clears and deletes lvsadmin-test-namespace, as the operator's above is named; like
        # every file there, it sees only the run's own /run/netns (Sandbox above sees none of the operator's).
        $run = Invoke-BuildScript @('Test', '-NoBuild', '-PesterFilter', '^Namespace\.')
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        ($run.Output | Where-Object { $_ -match "^==> Pester in Host: the host's kernel .*, in namespaces of its own \(network, mount, PID\)$" }) | Should -HaveCount 1
        $closing = $run.Output | Where-Object { $_ -match '^\d+ passed, \d+ failed, \d+ skipped$' }
        $closing | Should -HaveCount 1
        $closing | Should -Match '^[1-9]\d* passed, 0 failed, 0 skipped$'
    }

    It 'Test killed (kill -9) in the middle of a file leaves no process, namespace, mount, socket or /tmp file' {
        $before = Get-MachineState
        $log = Join-Path $script:repository 'out/kernel/Host/console.log'
        Remove-Item $log -ErrorAction Ignore
        # The killed pwsh's own runtime files (.NET's diagnostic socket) go where the caller's TMPDIR says.
        $script:runtimeFiles = $runtimeFiles = Join-Path $script:repository "out/killed-run-$PID"
        New-Item -ItemType Directory -Force -Path $runtimeFiles | Out-Null
        $env:TMPDIR, $callerTemp = $runtimeFiles, $env:TMPDIR
        try {
            $run = Start-Process -FilePath ([Environment]::ProcessPath) -PassThru -RedirectStandardOutput (Join-Path $runtimeFiles 'output.txt') -ArgumentList (Join-Path $PSHOME 'pwsh.dll'),
                '-NoProfile', '-NonInteractive', '-File', (Join-Path $script:repository 'build.ps1'), 'Test', '-NoBuild', '-PesterFilter', '^Watch\.'
        }
        finally { $env:TMPDIR = $callerTemp }
        # Watch's first test has passed: its namespaces, web servers and a watch are up, with tens of seconds to go.
        Wait-LvsResult -Probe { (Test-Path $log) -and (Select-String -Path $log -Pattern '^\s*\[\+\]' -Quiet) } -Done { $args[0] -or $run.HasExited } -Seconds 180 | Out-Null
        $run.HasExited | Should -BeFalse -Because "the run was still in Watch's tests when killed: $(Get-Content (Join-Path $runtimeFiles 'output.txt') -Raw)"
        kill -9 $run.Id
        # Gone with the kill, not at the end of a run that went on without its caller.
        $left = Wait-LvsResult -Probe { @(Compare-MachineState $before (Get-MachineState)) } -Done { -not $args[0] } -Seconds 15
        $left | Should -BeNullOrEmpty
    }

    It 'left the table it started beside as it was, and no namespace behind' {
        Get-IpvsadmRules | Should -Be $script:outer
        @(Get-ChildItem /run/netns -Name -ErrorAction Ignore) | Should -Be $script:namespaces
    }

    It 'left the operator''s namespaces, their tables and their processes untouched' {
        foreach ($namespace in $script:operatorNamespaces) {
            @(ip netns exec $namespace ipvsadm -Sn) | Should -Be $script:operatorRules[$namespace] -Because "namespace $namespace"
        }
        $script:operatorProcess.HasExited | Should -BeFalse
    }
}
