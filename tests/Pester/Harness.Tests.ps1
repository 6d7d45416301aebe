# The harness cannot hurt the machine it runs on: FreshCheck deletes a root only when nothing is mounted
# beneath it, mounts only in a private namespace, and a FreshCheck cut short (kill -9) leaves no mount
# and no process, so that the next one deletes its root without reaching through into what was bound there.
BeforeAll {
    $repository = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $repository 'tests/harness/Harness.psm1') -Force
    Import-Module (Join-Path $repository 'tests/fresh/FreshCheck.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) "lvs-harness-$PID"
    $script:canary = Join-Path $script:folder 'canary'
    $script:root = Join-Path $script:folder 'root'
    New-Item -ItemType Directory -Force -Path $script:canary | Out-Null
    Set-Content -Path (Join-Path $script:canary 'alive') -Value 'yes'
    # A base as FreshCheck caches it: a tar of a root's top folders.
    $skeleton = Join-Path $script:folder 'skeleton'
    foreach ($name in 'proc', 'sys', 'dev', 'run', 'tmp', 'etc') { New-Item -ItemType Directory -Force -Path (Join-Path $skeleton $name) | Out-Null }
    $script:base = Join-Path $script:folder 'base.tar'
    tar -C $skeleton -cf $script:base .
    $script:marker = Get-Random -Minimum 100000 -Maximum 999999
}

AfterAll {
    foreach ($mount in Get-MountsBeneath $script:folder) { umount -l $mount 2>$null }
    Remove-TreeSafely $script:folder
}

Describe 'FreshCheck roots' {
    It 'are not deleted while something is mounted beneath them; the error names the mount and what to do' {
        Reset-FreshRoot $script:root $script:base
        mount --bind $script:canary (Join-Path $script:root 'dev')
        try {
            { Reset-FreshRoot $script:root $script:base } | Should -Throw "*$script:root/dev*umount*"
            Join-Path $script:canary 'alive' | Should -Exist
        }
        finally { umount (Join-Path $script:root 'dev') }
        Join-Path $script:canary 'alive' | Should -Exist
    }

    It 'are mounted only in a private mount namespace' {
        { Mount-FreshRoot -Root $script:root -Dev $script:canary } | Should -Throw '*private mount namespace*'
        Get-MountsBeneath $script:root | Should -BeNullOrEmpty
    }

    It 'cut short by kill -9 leave no mount and no process, and the next run spares what was bound' {
        Reset-FreshRoot $script:root $script:base
        $mounted = Join-Path $script:folder 'mounted'
        $hold = Join-Path $script:folder 'hold.ps1'
        # What FreshCheck does inside its namespaces, up to a long-running command in the root.
        Set-Content -Path $hold -Value @"
Import-Module '$repository/tests/fresh/FreshCheck.psm1'
Mount-FreshRoot -Root '$script:root' -Dev '$script:canary'
Start-Process -FilePath sleep -ArgumentList $script:marker
# Written whole, then renamed: the test reads it as soon as it exists.
Set-Content -Path '$mounted.part' -Value (Get-Content /proc/self/mountinfo | Where-Object { `$_ -like '*$script:root*' }).Count
Move-Item -Path '$mounted.part' -Destination '$mounted'
Start-Sleep -Seconds 600
"@
        $outer = Start-Process -FilePath ([Environment]::ProcessPath) -PassThru -ArgumentList (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command',
            "Import-Module '$repository/tests/fresh/FreshCheck.psm1'; Invoke-InPrivateNamespace -ScriptPath '$hold' -TimeoutSeconds 900"
        $deadline = (Get-Date).AddSeconds(180)
        while (-not (Test-Path $mounted) -and (Get-Date) -lt $deadline -and -not $outer.HasExited) { Start-Sleep -Milliseconds 250 }
        $mounted | Should -Exist -Because 'the namespace mounted the root within 180 s'
        [int](Get-Content $mounted) | Should -BeGreaterOrEqual 5
        # Mounted there, not here.
        Get-MountsBeneath $script:root | Should -BeNullOrEmpty
        kill -9 $outer.Id
        $deadline = (Get-Date).AddSeconds(60)
        do {
            $left = @(Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$' | Where-Object {
                    (Get-Content "$($_.FullName)/cmdline" -Raw -ErrorAction Ignore) -match "(sleep|hold\.ps1).*$script:marker|$([regex]::Escape($hold))" })
            if (-not $left) { break }
            Start-Sleep -Milliseconds 250
        } while ((Get-Date) -lt $deadline)
        $left | Should -BeNullOrEmpty -Because 'everything in the namespace dies with the killed check'
        Get-MountsBeneath $script:root | Should -BeNullOrEmpty
        Reset-FreshRoot $script:root $script:base
        Join-Path $script:canary 'alive' | Should -Exist
        Join-Path $script:root 'etc' | Should -Exist
    }
}

Describe 'build.ps1 started by dotnet pwsh' {
    It 'ends within seconds when the dotnet pwsh that started it is killed (kill -9), though pwsh is its grandchild, and leaves none of their runtime files' {
        # What build.ps1 does first, then a long wait.
        $watched = Join-Path $script:folder 'watched.ps1'
        $watching = Join-Path $script:folder 'watching'
        Set-Content -Path $watched -Value "Import-Module '$repository/tests/harness/Harness.psm1'; Start-CallerWatch; Set-Content -Path '$watching' -Value yes; Start-Sleep -Seconds 600"
        # As the README's test command starts it: the tool restored (here, for this job's own HOME, from the
        # NuGet folder that holds it: this kernel has no network to ask), then dotnet pwsh.
        $nugetConfig = Join-Path $script:folder 'nuget.config'
        Set-Content -Path $nugetConfig -Value "<configuration><packageSources><clear /><add key=`"local`" value=`"$(Get-NuGetFolder)`" /></packageSources></configuration>"
        Push-Location $repository
        try { Invoke-Native dotnet @('tool', 'restore', '--configfile', $nugetConfig) -TimeoutSeconds 300 | Out-Null }
        finally { Pop-Location }
        # Where .NET makes its pipes at each process's start (dotnet-diagnostic-PID-..., clr-debug-pipe-PID-...).
        $runtimeTemp = Join-Path $script:folder 'temp'
        New-Item -ItemType Directory -Force -Path $runtimeTemp | Out-Null
        $env:TMPDIR, $callerTemp = $runtimeTemp, $env:TMPDIR
        try { $run = Start-Process -FilePath dotnet -ArgumentList 'pwsh', '-NoProfile', '-NonInteractive', '-File', $watched -WorkingDirectory $repository -PassThru }
        finally { $env:TMPDIR = $callerTemp }
        Wait-LvsResult -Probe { Test-Path $watching } -Done { $args[0] -or $run.HasExited } -Seconds 120 | Out-Null
        $watching | Should -Exist -Because 'dotnet pwsh started the script within 120 s'
        Get-ChildItem $runtimeTemp -Name | Should -Not -BeNullOrEmpty -Because 'the runtime makes its pipes there'
        kill -9 $run.Id
        $left = Wait-LvsResult -Seconds 15 -Done { -not $args[0] } -Probe {
            @(Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$' | ForEach-Object {
                    "$($_.Name) $((Get-Content "$($_.FullName)/cmdline" -Raw -ErrorAction Ignore) -replace "`0", ' ')" } | Where-Object { $_ -like "*$watched*" }) +
            @(Get-ChildItem $runtimeTemp -Name)
        }
        $left | Should -BeNullOrEmpty -Because 'pwsh and its watcher end with the dotnet pwsh that started them, and no pipe of theirs stays'
    }
}
