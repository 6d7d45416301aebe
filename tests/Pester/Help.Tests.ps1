BeforeDiscovery {
    Import-Module $env:LVSADMIN_MODULE -Force
    $script:commands = @(Get-Command -Module LvsAdmin | ForEach-Object { @{ Name = $_.Name } })
    $docs = Join-Path $PSScriptRoot '../../docs'
    Import-Module (Join-Path $PSScriptRoot '../../src/LvsAdmin.Help/LvsAdmin.Help.psm1') -Force
    $script:examples = foreach ($command in $script:commands) {
        $page = Join-Path $docs "$($command.Name).md"
        if (Test-Path $page) {
            $number = 0
            foreach ($example in (Read-HelpMarkdown -Path $page).Examples) {
                @{ Name = $command.Name; Number = ++$number; Title = $example.Title; Code = $example.Code }
            }
        }
    }
}

BeforeAll {
    Import-Module $env:LVSADMIN_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../../src/LvsAdmin.Help/LvsAdmin.Help.psm1') -Force
    $script:docs = Join-Path $PSScriptRoot '../../docs'
    $script:maml = [xml](Get-Content -Raw (Join-Path (Split-Path $env:LVSADMIN_MODULE) 'en-US/LvsAdmin.dll-Help.xml'))
}

AfterAll {
    # The namespaces the examples name, made for them below.
    foreach ($namespace in 'lb-blue', 'lb-test', 'lb-backup') {
        if (Test-Path "/run/netns/$namespace") { Remove-LvsNamespace $namespace }
    }
}

Describe 'Help of <Name>' -ForEach $script:commands {
    BeforeAll {
        $command = Get-Command $Name
        $page = Read-HelpMarkdown -Path (Join-Path $script:docs "$Name.md")
        $help = Get-Help $Name -Full
    }

    It 'has a docs page in platyPS schema 2.0.0 and an entry in the shipped MAML' {
        $page.FrontMatter | Should -Match 'schema: 2\.0\.0'
        $page.FrontMatter | Should -Match 'external help file: LvsAdmin\.dll-Help\.xml'
        $page.Name | Should -Be $Name
        $script:maml.helpItems.command.details.name | Should -Contain $Name
    }

    It 'shows a synopsis and a description written for it' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name "
        $help.Synopsis | Should -Be $page.Synopsis
        ($help.Description.Text -join ' ') | Should -Match '\w{4,}.*\w{4,}'
    }

    It 'shows at least two examples with remarks' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks.Text -join '') | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter' {
        foreach ($parameter in Get-HelpParameters $command) {
            $described = $help.Parameters.Parameter | Where-Object Name -eq $parameter.Name
            ($described.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs a description"
        }
    }

    It 'documents exactly the parameters it has, with yaml that agrees with Get-Command' {
        @($page.Parameters.Keys) | Sort-Object | Should -Be @((Get-HelpParameters $command).Name | Sort-Object)
        foreach ($parameter in Get-HelpParameters $command) {
            $expected = Get-ParameterYaml -Command $command -Parameter $parameter
            $written = $page.Parameters[$parameter.Name].Yaml
            foreach ($field in 'Type', 'Parameter Sets', 'Aliases', 'Required', 'Position', 'Accept pipeline input', 'Accepted values') {
                $written[$field] | Should -Be $expected[$field] -Because "-$($parameter.Name) $field"
            }
        }
    }

    It 'shows the syntax of every parameter set as Get-Command has it' {
        $page.Syntax.Count | Should -Be $command.ParameterSets.Count
        foreach ($set in $command.ParameterSets) {
            ($page.Syntax | Where-Object { $_.Set -eq $set.Name }).Text | Should -Be (Get-SyntaxText -Command $command -ParameterSet $set)
        }
        @($help.Syntax.SyntaxItem).Count | Should -Be $command.ParameterSets.Count
    }

    It 'names its inputs, outputs and related links' {
        $page.Outputs | Should -Not -BeNullOrEmpty
        $page.Inputs | Should -Not -BeNullOrEmpty
        $page.Links | Should -Not -BeNullOrEmpty
        foreach ($link in $page.Links | Where-Object Uri -like '*.md') {
            Join-Path $script:docs $link.Uri | Should -Exist
        }
    }
}

Describe 'about_LvsAdmin and the module page' {
    It 'Get-Help about_LvsAdmin shows the topic' {
        $about = Get-Help about_LvsAdmin | Out-String
        $about | Should -Match 'SHORT DESCRIPTION'
        foreach ($topic in 'VIRTUAL SERVICES', 'REAL SERVERS', 'SCHEDULERS', 'FORWARDING METHODS', 'PERSISTENCE', 'THE SYNC DAEMON', 'NETWORK NAMESPACES', 'PERMISSIONS', 'FROM IPVSADM TO LVSADMIN') {
            $about | Should -Match $topic
        }
    }

    It 'the module page lists every cmdlet' {
        $modulePage = Get-Content -Raw (Join-Path $script:docs 'LvsAdmin.md')
        foreach ($name in (Get-Command -Module LvsAdmin).Name) { $modulePage | Should -Match "\[$name\]" }
    }
}

Describe 'Example <Number> of <Name>: <Title>' -ForEach $script:examples {
    BeforeAll {
        # The table the examples are written against, in a kernel of their own: the test kernel.
        Set-IpvsTable @(
            '-A -t 10.0.0.1:80 -s wlc'
            '-a -t 10.0.0.1:80 -r 192.168.1.10:80 -m -w 5'
            '-a -t 10.0.0.1:80 -r 192.168.1.11:80 -m -w 0'
            '-A -t 10.0.0.1:443 -s sh -p 300'
            '-a -t 10.0.0.1:443 -r 192.168.1.10:443 -m -w 1'
            '-A -u [2001:db8::1]:53 -s rr'
            '-A -f 5 -s rr'
        )
        # What only some examples use is made for those alone: the docs' namespaces, and a sync daemon
        # (starting and stopping one costs the kernel seconds).
        if ($Code -match '\blb-') {
            foreach ($namespace in 'lb-blue', 'lb-test', 'lb-backup') {
                if (-not (Test-Path "/run/netns/$namespace")) { ip netns add $namespace; ip -n $namespace link set lo up }
                ip netns exec $namespace ipvsadm -C
            }
        }
        Get-LvsSyncDaemon | Stop-LvsSyncDaemon
        if ($Code -match 'SyncDaemon') {
            if (-not (Test-Path /sys/class/net/eth0)) {
                ip link add eth0 type veth peer name eth0-peer
                # A sync daemon on an interface without an address can take the kernel a long time to stop.
                ip addr add 10.99.200.1/24 dev eth0
                ip link set eth0 up
                ip link set eth0-peer up
            }
            Start-LvsSyncDaemon -State Backup -Interface eth0
        }
        $script:workspace = Join-Path ([IO.Path]::GetTempPath()) "lvs-example-$Name-$Number"
        New-Item -ItemType Directory -Force -Path $script:workspace | Out-Null
    }

    AfterAll {
        Get-LvsSyncDaemon | Stop-LvsSyncDaemon
    }

    It 'parses' {
        $errors = $null
        [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$null, [ref]$errors) | Out-Null
        $errors | Should -BeNullOrEmpty
    }

    It 'runs in the test kernel without an error' {
        Push-Location $script:workspace
        try {
            $ErrorActionPreference = 'Stop'
            & ([scriptblock]::Create($Code)) *>&1 | Out-String | Out-Null
        }
        finally {
            Pop-Location
        }
    }
}
