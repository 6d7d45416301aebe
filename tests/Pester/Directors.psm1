# Two directors side by side, as keepalived runs them: for the remoting and failover tests.
#
#   front 10.98.0.0/24 (a bridge in lvsadmin-test-ha-switch): this namespace (management) .2, lvsadmin-test-d1 .11, lvsadmin-test-d2 .12,
#                     the client lvsadmin-test-ha-client .50, the virtual address .100 on the active director
#   back  10.98.1.0/24 (a second bridge): lvsadmin-test-d1 .11, lvsadmin-test-d2 .12, the real server lvsadmin-test-ha-rs .50, whose
#                     gateway .1 is on the active director (NAT replies must come back through it)
# Each director runs an OpenSSH server on its front address with pwsh as its powershell subsystem.

$script:Directors = [ordered]@{ lb1 = @{ Namespace = 'lvsadmin-test-d1'; Host = 11 }; lb2 = @{ Namespace = 'lvsadmin-test-d2'; Host = 12 } }
$script:SshFolder = Join-Path ([IO.Path]::GetTempPath()) 'lvs-ssh'
$script:VirtualAddress = '10.98.0.100'
$script:Gateway = '10.98.1.1'

Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')

function Initialize-LvsDirectorPair {
    Remove-LvsDirectorPair
    # The switch's ports: veth pairs whose one end, Port, is on Bridge, and whose other, Name, goes to Namespace
    # (this one when empty) with Address.
    $ports = @(
        @{ Bridge = 'br-front'; Port = 'mgmt'; Namespace = ''; Name = 'lvs-mgmt'; Address = '10.98.0.2/24' }
        foreach ($name in $script:Directors.Keys) {
            $director = $script:Directors[$name]
            @{ Bridge = 'br-front'; Port = "f-$name"; Namespace = $director.Namespace; Name = 'eth0'; Address = "10.98.0.$($director.Host)/24" }
            @{ Bridge = 'br-back'; Port = "b-$name"; Namespace = $director.Namespace; Name = 'eth1'; Address = "10.98.1.$($director.Host)/24" }
        }
        @{ Bridge = 'br-front'; Port = 'f-client'; Namespace = 'lvsadmin-test-ha-client'; Name = 'eth0'; Address = '10.98.0.50/24' }
        @{ Bridge = 'br-back'; Port = 'b-rs'; Namespace = 'lvsadmin-test-ha-rs'; Name = 'eth0'; Address = '10.98.1.50/24' }
    )
    # One ip process per namespace (a process is dear in the test kernel): the namespaces; the switch's
    # bridges and ports; then each namespace's loopback, addresses and routes.
    $namespaces = 'lvsadmin-test-ha-switch', 'lvsadmin-test-d1', 'lvsadmin-test-d2', 'lvsadmin-test-ha-client', 'lvsadmin-test-ha-rs'
    Invoke-IpBatch @($namespaces | ForEach-Object { "netns add $_" })
    Invoke-IpBatch -Namespace lvsadmin-test-ha-switch @(
        foreach ($bridge in 'br-front', 'br-back') {
            # No IGMP querier here: flood multicast (the sync daemon's) instead of snooping for members.
            "link add $bridge type bridge mcast_snooping 0"
            "link set $bridge up"
        }
        foreach ($port in $ports) {
            "link add $($port.Port) type veth peer name $($port.Name)"
            "link set $($port.Name) netns $(if ($port.Namespace) { $port.Namespace } else { $PID })"
            "link set $($port.Port) master $($port.Bridge) up"
        }
    )
    foreach ($namespace in @($namespaces) + '') {
        Invoke-IpBatch -Namespace $namespace @(
            if ($namespace) { 'link set lo up' }
            foreach ($port in $ports | Where-Object { $_.Namespace -eq $namespace }) { "addr add $($port.Address) dev $($port.Name)"; "link set $($port.Name) up" }
            if ($namespace -eq 'lvsadmin-test-ha-rs') { "route add default via $script:Gateway" }
        )
    }
    foreach ($director in $script:Directors.Values) { Invoke-Checked ip netns exec $director.Namespace sysctl -qw net.ipv4.ip_forward=1 | Out-Null }
    # The real server echoes each line back on ports 80 and 443; nothing listens on 8080.
    foreach ($port in 80, 443) {
        Start-Process -FilePath ip -ArgumentList 'netns', 'exec', 'lvsadmin-test-ha-rs', 'busybox', 'nc', '-ll', '-p', $port, '-e', '/bin/cat'
    }
    Initialize-SshFolder
    foreach ($name in $script:Directors.Keys) { Start-DirectorSshd $name }
}

function Initialize-SshFolder {
    Remove-Item $script:SshFolder -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Path $script:SshFolder | Out-Null
    New-Item -ItemType Directory -Force -Path /run/sshd | Out-Null
    Invoke-Checked ssh-keygen -q -t ed25519 -N '' -C lvsadmin-test -f (Join-Path $script:SshFolder 'id_ed25519') | Out-Null
    Copy-Item (Join-Path $script:SshFolder 'id_ed25519.pub') (Join-Path $script:SshFolder 'authorized_keys')
}

function Start-DirectorSshd([string] $Name) {
    $director = $script:Directors[$Name]
    $address = "10.98.0.$($director.Host)"
    $hostKey = Join-Path $script:SshFolder "$Name-host"
    Invoke-Checked ssh-keygen -q -t ed25519 -N '' -C $Name -f $hostKey | Out-Null
    Add-Content (Join-Path $script:SshFolder 'known_hosts') "$Name,$address $((Get-Content "$hostKey.pub" -Raw).Trim())"
    $sessionHome = Join-Path $script:SshFolder "home-$Name"
    New-Item -ItemType Directory -Force -Path $sessionHome | Out-Null
    $pwsh = "$([Environment]::ProcessPath) $(Join-Path $PSHOME 'pwsh.dll')"
    $config = Join-Path $script:SshFolder "$Name-sshd_config"
    Set-Content $config @"
ListenAddress $address
HostKey $hostKey
PidFile $(Join-Path $script:SshFolder "$Name.pid")
AuthorizedKeysFile $(Join-Path $script:SshFolder 'authorized_keys')
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
Subsystem powershell /usr/bin/env HOME=$sessionHome DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 $pwsh -sshs -NoLogo -NoProfile
"@
    Invoke-Checked ip netns exec $director.Namespace /usr/sbin/sshd -f $config -E (Join-Path $script:SshFolder "$Name-sshd.log")
}

function New-LvsDirectorSession {
    <#
    .SYNOPSIS
        PowerShell sessions over SSH to the named directors (opened together), as an ~/.ssh/config entry per
        director would give them (Host lb1 / HostName 10.98.0.11), with the module under test imported.
    #>
    param([string[]] $Name = $script:Directors.Keys)
    $connections = foreach ($director in $Name) {
        @{
            HostName    = $director
            UserName    = 'root'
            KeyFilePath = Join-Path $script:SshFolder 'id_ed25519'
            # Milliseconds; left out, a hashtable connection gives up at once.
            ConnectingTimeout = 120000
            Options     = @{
                HostName              = "10.98.0.$($script:Directors[$director].Host)"
                UserKnownHostsFile    = Join-Path $script:SshFolder 'known_hosts'
                StrictHostKeyChecking = 'yes'
            }
        }
    }
    $sessions = New-PSSession -SSHConnection $connections -ErrorAction Stop
    Invoke-Command -Session $sessions { Import-Module $using:env:LVSADMIN_MODULE; $ProgressPreference = 'SilentlyContinue' }
    $sessions
}

function Start-LvsTestClient {
    <#
    .SYNOPSIS
        A client in lvsadmin-test-ha-client that opens one TCP connection to the echo service on the virtual address,
        exchanges a line, and sends a second line on the same connection once Continue-LvsTestClient is
        called. Returns the folder where its transcript (client.log) appears.
    #>
    param([int] $Port = 80)
    $folder = Join-Path $script:SshFolder "client-$(Get-Random)"
    New-Item -ItemType Directory -Path $folder | Out-Null
    $script = Join-Path $folder 'client.sh'
    Set-Content $script @"
exec 3<>/dev/tcp/$script:VirtualAddress/$Port || { echo 'connect failed' > $folder/client.log; exit 1; }
echo before >&3
read -r -t 5 reply <&3
echo "first: `$reply" > $folder/client.log
touch $folder/ready
while [ ! -e $folder/continue ]; do sleep 0.2; done
echo after >&3
reply=
read -r -t 10 reply <&3
echo "second: `$reply (`$?)" >> $folder/client.log
touch $folder/done
"@
    Start-Process -FilePath ip -ArgumentList 'netns', 'exec', 'lvsadmin-test-ha-client', 'bash', $script
    $folder
}

function Move-LvsVirtualAddress {
    <#
    .SYNOPSIS
        What keepalived's VRRP does when the standby takes over: the virtual address and the real servers'
        gateway leave one director and come up on the other, which announces them (gratuitous ARP, here the
        neighbours' caches are told the new address directly).
    #>
    param([string] $From, [string] $To)
    $old = $script:Directors[$From].Namespace
    $new = $script:Directors[$To].Namespace
    if ($From) {
        ip -n $old addr del "$script:VirtualAddress/24" dev eth0 2>$null
        ip -n $old addr del "$script:Gateway/24" dev eth1 2>$null
    }
    Invoke-Checked ip -n $new addr add "$script:VirtualAddress/24" dev eth0
    Invoke-Checked ip -n $new addr add "$script:Gateway/24" dev eth1
    $frontMac = (Invoke-Checked ip -n $new -br link show eth0) -split '\s+' | Select-Object -Index 2
    $backMac = (Invoke-Checked ip -n $new -br link show eth1) -split '\s+' | Select-Object -Index 2
    Invoke-Checked ip -n lvsadmin-test-ha-client neigh replace $script:VirtualAddress lladdr $frontMac dev eth0 nud stale
    Invoke-Checked ip -n lvsadmin-test-ha-rs neigh replace $script:Gateway lladdr $backMac dev eth0 nud stale
}

function Remove-LvsDirectorPair {
    # Each sshd runs in its director's namespace and goes with its processes: no PID is read from a file.
    foreach ($ns in 'lvsadmin-test-ha-client', 'lvsadmin-test-ha-rs', 'lvsadmin-test-d1', 'lvsadmin-test-d2', 'lvsadmin-test-ha-switch') {
        if (@(ip netns list) -match "^$ns\b") { Remove-LvsNamespace $ns }
    }
    ip link delete lvs-mgmt 2>$null
}

Export-ModuleMember -Function Initialize-LvsDirectorPair, New-LvsDirectorSession, Start-LvsTestClient, Move-LvsVirtualAddress, Remove-LvsDirectorPair
