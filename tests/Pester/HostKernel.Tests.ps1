# build.ps1's path (a), for a director whose own kernel has IPVS: the test kernel has it and this job
# is root, so build.ps1 run here takes that path. It must work in a fresh network namespace, leave the
# table it was started beside untouched, and leave no namespace behind.
BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:repository = Split-Path (Split-Path $PSScriptRoot)
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
    $script:namespaces = @(Get-ChildItem /run/netns -Name -ErrorAction Ignore)
}

AfterAll { Reset-IpvsTable }

Describe 'build.ps1 on a host whose kernel has IPVS' {
    BeforeAll {
        # build.ps1 uses out/LvsAdmin; the module this run tests is it, unless a run points elsewhere.
        $script:module | Should -Be (Join-Path $script:repository 'out/LvsAdmin')
    }

    It 'Sandbox -Command runs in a fresh network namespace of this kernel' {
        $command = 'New-LvsService -Address 10.0.0.1 -Port 80; "services: $((Get-LvsService) -join ",")"; "namespace: $(readlink /proc/self/ns/net)"'
        $run = Invoke-BuildScript @('Sandbox', '-NoBuild', '-Command', $command)
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        $run.Output | Should -Contain "==> Sandbox: a fresh network namespace of the host's kernel"
        $run.Output | Should -Contain 'services: TCP 10.0.0.1:80'
        $inner = ($run.Output | Where-Object { $_ -like 'namespace: *' }) -replace '^namespace: '
        $inner | Should -Not -BeNullOrEmpty
        $inner | Should -Not -Be (readlink /proc/self/ns/net)
        Get-IpvsadmRules | Should -Be $script:outer
    }

    It 'Test runs Pester there and ends with its closing line' {
        $run = Invoke-BuildScript @('Test', '-NoBuild', '-PesterFilter', '^(LvsInfo|Namespace)\.')
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        ($run.Output | Where-Object { $_ -match "^==> Pester in the host's kernel .*, in a fresh network namespace$" }) | Should -HaveCount 1
        $closing = $run.Output | Where-Object { $_ -match '^\d+ passed, \d+ failed, \d+ skipped$' }
        $closing | Should -HaveCount 1
        $closing | Should -Match '^[1-9]\d* passed, 0 failed, 0 skipped$'
    }

    It 'left the table it started beside as it was, and no namespace behind' {
        Get-IpvsadmRules | Should -Be $script:outer
        @(Get-ChildItem /run/netns -Name -ErrorAction Ignore) | Should -Be $script:namespaces
    }
}
