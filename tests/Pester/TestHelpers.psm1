# Helpers shared by the Pester files; ipvsadm (Debian's package) is the reference implementation.

function Reset-IpvsTable {
    ipvsadm -C
    if ($LASTEXITCODE -ne 0) { throw 'ipvsadm -C failed' }
}

function Get-IpvsadmRules {
    # ipvsadm -Sn, one string per rule line.
    @(ipvsadm -Sn)
}

function Invoke-Ipvsadm {
    # A plain function on purpose: ipvsadm's options (-A, -p ...) must reach it as they are, not bind here.
    $output = & ipvsadm @args 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ipvsadm $args failed: $output" }
}

function ConvertTo-Deserialized {
    # What remoting and Import-Clixml hand over: property bags typed Deserialized.*.
    param([Parameter(ValueFromPipeline)] $InputObject)
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($items, 3)) }
}

Export-ModuleMember -Function *
