<#
    Help tooling: reads the platyPS-schema markdown in docs/, derives what the cmdlets' own metadata
    says (syntax, parameter attributes), and writes MAML and about_*.help.txt. build.ps1 Docs and the
    help tests use it; platyPS can take over the same markdown wherever it is available.
#>
Set-StrictMode -Version Latest

$script:CommonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

function Test-Documented {
    # Whether help shows a parameter: not a common one (WhatIf and Confirm are documented), not hidden.
    param($Parameter)
    $Parameter.Name -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and
        -not ($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow })
}

function Get-HelpParameters {
    # The parameters help documents.
    param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command)
    $Command.Parameters.Values | Where-Object { Test-Documented $_ } | Sort-Object Name
}

function Get-HelpTypeName([type] $Type) {
    $element = if ($Type.IsArray) { $Type.GetElementType() } else { $Type }
    $element = [Nullable]::GetUnderlyingType($element) ?? $element
    $element.Name + $(if ($Type.IsArray) { '[]' } else { '' })
}

function Get-ParameterYaml {
    <# The yaml fields of one parameter, as platyPS writes them, from the command's metadata. #>
    param(
        [Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command,
        [Parameter(Mandatory)] [System.Management.Automation.ParameterMetadata] $Parameter
    )
    $sets = @($Parameter.ParameterSets.Keys)
    $attributes = @($Parameter.ParameterSets.Values)
    $allSets = @($Command.ParameterSets.Name)
    $first = $attributes[0]
    $pipeline = @()
    if ($first.ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
    if ($first.ValueFromPipeline) { $pipeline += 'ByValue' }
    $element = if ($Parameter.ParameterType.IsArray) { $Parameter.ParameterType.GetElementType() } else { $Parameter.ParameterType }
    $element = [Nullable]::GetUnderlyingType($element) ?? $element
    $validateSet = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    $accepted = if ($validateSet) { $validateSet.ValidValues -join ', ' } elseif ($element.IsEnum) { [Enum]::GetNames($element) -join ', ' } else { $null }
    $yaml = [ordered]@{
        'Type'           = Get-HelpTypeName $Parameter.ParameterType
        'Parameter Sets' = if ($sets -contains '__AllParameterSets' -or ($allSets.Count -gt 0 -and -not ($allSets | Where-Object { $_ -notin $sets }))) { '(All)' } else { ($sets | Sort-Object) -join ', ' }
        'Aliases'        = $Parameter.Aliases -join ', '
    }
    if ($accepted) { $yaml['Accepted values'] = $accepted }
    $yaml['Required'] = "$([bool]$first.IsMandatory)"
    $yaml['Position'] = if ($first.Position -ge 0) { "$($first.Position)" } else { 'Named' }
    $yaml['Default value'] = 'None'
    $yaml['Accept pipeline input'] = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
    $yaml['Accept wildcard characters'] = 'False'
    # The attributes must agree across the sets, or one yaml block cannot describe the parameter.
    foreach ($other in $attributes) {
        if ($other.IsMandatory -ne $first.IsMandatory -or $other.Position -ne $first.Position -or
            $other.ValueFromPipeline -ne $first.ValueFromPipeline -or $other.ValueFromPipelineByPropertyName -ne $first.ValueFromPipelineByPropertyName) {
            throw "$($Command.Name) -$($Parameter.Name) differs between its parameter sets; document it per set."
        }
    }
    $yaml
}

function Get-SyntaxText {
    <# One parameter set's syntax line, as Get-Help and platyPS write it. #>
    param(
        [Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command,
        [Parameter(Mandatory)] [System.Management.Automation.CommandParameterSetInfo] $ParameterSet
    )
    $parts = @($Command.Name)
    $parameters = $ParameterSet.Parameters | Where-Object { $_.Name -notin $script:CommonParameters -and (Test-Documented $Command.Parameters[$_.Name]) }
    $ordered = @($parameters | Where-Object Position -ge 0 | Sort-Object Position) + @($parameters | Where-Object Position -lt 0 | Sort-Object @{ Expression = { -not $_.IsMandatory } }, Name)
    foreach ($parameter in $ordered) {
        $isSwitch = $parameter.ParameterType -eq [System.Management.Automation.SwitchParameter]
        $name = if ($parameter.Position -ge 0) { "[-$($parameter.Name)]" } else { "-$($parameter.Name)" }
        $text = if ($isSwitch) { "-$($parameter.Name)" } else { "$name <$(Get-HelpTypeName $parameter.ParameterType)>" }
        $parts += if ($parameter.IsMandatory -and -not $isSwitch) { $text } else { "[$text]" }
    }
    foreach ($risk in 'WhatIf', 'Confirm') {
        if ($ParameterSet.Parameters.Name -contains $risk) { $parts += "[-$risk]" }
    }
    ($parts + '[<CommonParameters>]') -join ' '
}

function Read-HelpMarkdown {
    <# A docs/<Cmdlet>.md page in platyPS schema 2.0.0, as an object. #>
    param([Parameter(Mandatory)] [string] $Path)
    $text = (Get-Content -Path $Path -Raw) -replace "`r`n", "`n"
    if ($text -notmatch '(?s)^---\n(.*?)\n---\n') { throw "$Path has no front matter." }
    $front = $Matches[1]
    $body = $text.Substring($Matches[0].Length)
    $sections = [ordered]@{}
    foreach ($chunk in [regex]::Split($body, '(?m)^## ') | Select-Object -Skip 1) {
        $newline = $chunk.IndexOf("`n")
        $sections[$chunk.Substring(0, $newline).Trim()] = $chunk.Substring($newline + 1).Trim()
    }
    $subsections = {
        param([string] $Section)
        foreach ($part in [regex]::Split($Section, '(?m)^### ') | Select-Object -Skip 1) {
            $newline = $part.IndexOf("`n")
            if ($newline -lt 0) { $newline = $part.Length }
            [pscustomobject]@{ Title = $part.Substring(0, $newline).Trim(); Body = $part.Substring($newline).Trim() }
        }
    }
    $examples = foreach ($example in & $subsections ($sections['EXAMPLES'] ?? '')) {
        if ($example.Body -notmatch '(?s)```powershell\n(.*?)\n```(.*)$') { throw "$Path example '$($example.Title)' has no powershell block." }
        [pscustomobject]@{ Title = $example.Title; Code = $Matches[1]; Remarks = $Matches[2].Trim() }
    }
    $parameters = [ordered]@{}
    foreach ($parameter in & $subsections ($sections['PARAMETERS'] ?? '')) {
        if ($parameter.Title -eq 'CommonParameters') { continue }
        $yaml = [ordered]@{}
        $description = $parameter.Body
        if ($parameter.Body -match '(?s)^(.*?)```yaml\n(.*?)\n```') {
            $description = $Matches[1].Trim()
            foreach ($line in $Matches[2] -split "`n" | Where-Object { $_ -match ':' }) {
                $colon = $line.IndexOf(':')
                $yaml[$line.Substring(0, $colon).Trim()] = $line.Substring($colon + 1).Trim()
            }
        }
        $parameters[$parameter.Title.TrimStart('-')] = [pscustomobject]@{ Description = $description; Yaml = $yaml }
    }
    $typed = {
        param([string] $Section)
        foreach ($entry in & $subsections $Section) { [pscustomobject]@{ Type = $entry.Title; Description = $entry.Body } }
    }
    [pscustomobject]@{
        Path        = $Path
        FrontMatter = $front
        Name        = ([regex]::Match($body, '(?m)^# (.+)$')).Groups[1].Value.Trim()
        Synopsis    = $sections['SYNOPSIS']
        Syntax      = @(& $subsections ($sections['SYNTAX'] ?? '') | ForEach-Object { [pscustomobject]@{ Set = $_.Title -replace ' \(Default\)$'; Text = ($_.Body -replace '(?s)^```\n?|\n?```$').Trim() } })
        Description = $sections['DESCRIPTION']
        Examples    = @($examples)
        Parameters  = $parameters
        Inputs      = @(& $typed ($sections['INPUTS'] ?? ''))
        Outputs     = @(& $typed ($sections['OUTPUTS'] ?? ''))
        Notes       = $sections['NOTES']
        Links       = @([regex]::Matches(($sections['RELATED LINKS'] ?? ''), '\[([^\]]+)\]\(([^)]*)\)') | ForEach-Object { [pscustomobject]@{ Text = $_.Groups[1].Value; Uri = $_.Groups[2].Value } })
    }
}

function ConvertTo-MamlParagraphs([System.Xml.XmlDocument] $Document, [System.Xml.XmlElement] $Parent, [string] $Text) {
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    foreach ($paragraph in ($Text ?? '') -split "\n\s*\n") {
        $para = $Document.CreateElement('maml', 'para', $maml)
        # Markdown that reads as noise in a console: backticks around code.
        $para.InnerText = ($paragraph -replace '`', '' -replace '\s*\n\s*', ' ').Trim()
        [void]$Parent.AppendChild($para)
    }
}

function ConvertTo-Maml {
    <# MAML for Get-Help: text from the markdown pages, syntax and parameter facts from the commands. #>
    param(
        [Parameter(Mandatory)] [object[]] $Pages,
        [Parameter(Mandatory)] [System.Management.Automation.CommandInfo[]] $Commands
    )
    $ns = @{
        msh = 'http://msh'; maml = 'http://schemas.microsoft.com/maml/2004/10'
        command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    }
    $doc = [System.Xml.XmlDocument]::new()
    [void]$doc.AppendChild($doc.CreateXmlDeclaration('1.0', 'utf-8', $null))
    $root = $doc.CreateElement('helpItems', $ns.msh)
    $root.SetAttribute('schema', 'maml')
    [void]$doc.AppendChild($root)
    $element = {
        param([System.Xml.XmlElement] $Parent, [string] $Prefix, [string] $Name, [string] $Text)
        $node = $doc.CreateElement($Prefix, $Name, $ns[$Prefix])
        if ($null -ne $Text) { $node.InnerText = $Text }
        [void]$Parent.AppendChild($node)
        $node
    }
    foreach ($command in $Commands | Sort-Object Name) {
        $page = $Pages | Where-Object Name -eq $command.Name
        if (-not $page) { throw "$($command.Name) has no page in docs/." }
        $node = & $element $root 'command' 'command' $null
        foreach ($prefix in 'maml', 'command', 'dev') { $node.SetAttribute("xmlns:$prefix", $ns[$prefix]) }
        $details = & $element $node 'command' 'details' $null
        [void](& $element $details 'command' 'name' $command.Name)
        [void](& $element $details 'command' 'verb' $command.Verb)
        [void](& $element $details 'command' 'noun' $command.Noun)
        ConvertTo-MamlParagraphs $doc (& $element $details 'maml' 'description' $null) $page.Synopsis
        ConvertTo-MamlParagraphs $doc (& $element $node 'maml' 'description' $null) $page.Description

        $writeParameter = {
            param([System.Xml.XmlElement] $Parent, [System.Management.Automation.ParameterMetadata] $Parameter, $SetInfo)
            $yaml = Get-ParameterYaml -Command $command -Parameter $Parameter
            $documented = $page.Parameters[$Parameter.Name]
            $p = & $element $Parent 'command' 'parameter' $null
            $p.SetAttribute('required', $yaml['Required'].ToLowerInvariant())
            $p.SetAttribute('variableLength', "$($Parameter.ParameterType.IsArray)".ToLowerInvariant())
            $p.SetAttribute('globbing', 'false')
            $p.SetAttribute('pipelineInput', $yaml['Accept pipeline input'])
            $p.SetAttribute('position', $yaml['Position'].ToLowerInvariant())
            $p.SetAttribute('aliases', $(if ($yaml['Aliases']) { $yaml['Aliases'] } else { 'none' }))
            [void](& $element $p 'maml' 'name' $Parameter.Name)
            ConvertTo-MamlParagraphs $doc (& $element $p 'maml' 'description' $null) $(if ($documented) { $documented.Description } else { '' })
            if ($Parameter.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                $value = & $element $p 'command' 'parameterValue' $yaml['Type']
                $value.SetAttribute('required', 'true')
                $value.SetAttribute('variableLength', "$($Parameter.ParameterType.IsArray)".ToLowerInvariant())
            }
            $type = & $element $p 'dev' 'type' $null
            [void](& $element $type 'maml' 'name' $yaml['Type'])
            [void](& $element $type 'maml' 'uri' '')
            [void](& $element $p 'dev' 'defaultValue' $(if ($documented -and $documented.Yaml['Default value']) { $documented.Yaml['Default value'] } else { 'None' }))
        }

        $syntax = & $element $node 'command' 'syntax' $null
        foreach ($set in $command.ParameterSets) {
            $item = & $element $syntax 'command' 'syntaxItem' $null
            [void](& $element $item 'maml' 'name' $command.Name)
            foreach ($setParameter in $set.Parameters | Where-Object { Test-Documented $command.Parameters[$_.Name] }) {
                & $writeParameter $item $command.Parameters[$setParameter.Name] $setParameter
            }
        }
        $parameters = & $element $node 'command' 'parameters' $null
        foreach ($parameter in Get-HelpParameters $command) { & $writeParameter $parameters $parameter $null }

        $inputs = & $element $node 'command' 'inputTypes' $null
        foreach ($entry in $page.Inputs) {
            $inputType = & $element $inputs 'command' 'inputType' $null
            [void](& $element (& $element $inputType 'dev' 'type' $null) 'maml' 'name' $entry.Type)
            ConvertTo-MamlParagraphs $doc (& $element $inputType 'maml' 'description' $null) $entry.Description
        }
        $outputs = & $element $node 'command' 'returnValues' $null
        foreach ($entry in $page.Outputs) {
            $returnValue = & $element $outputs 'command' 'returnValue' $null
            [void](& $element (& $element $returnValue 'dev' 'type' $null) 'maml' 'name' $entry.Type)
            ConvertTo-MamlParagraphs $doc (& $element $returnValue 'maml' 'description' $null) $entry.Description
        }
        ConvertTo-MamlParagraphs $doc (& $element (& $element $node 'maml' 'alertSet' $null) 'maml' 'alert' $null) $page.Notes

        $examples = & $element $node 'command' 'examples' $null
        foreach ($example in $page.Examples) {
            $ex = & $element $examples 'command' 'example' $null
            [void](& $element $ex 'maml' 'title' "-------------------------- $($example.Title) --------------------------")
            [void](& $element $ex 'dev' 'code' $example.Code)
            ConvertTo-MamlParagraphs $doc (& $element $ex 'dev' 'remarks' $null) $example.Remarks
        }
        $links = & $element $node 'command' 'relatedLinks' $null
        foreach ($link in $page.Links) {
            $navigation = & $element $links 'maml' 'navigationLink' $null
            [void](& $element $navigation 'maml' 'linkText' $link.Text)
            [void](& $element $navigation 'maml' 'uri' $(if ($link.Uri -match '^https?://') { $link.Uri } else { '' }))
        }
    }
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $stream = [System.IO.StringWriter]::new()
    $writer = [System.Xml.XmlWriter]::Create($stream, $settings)
    $doc.Save($writer)
    $writer.Dispose()
    $stream.ToString() -replace 'encoding="utf-16"', 'encoding="utf-8"'
}

function ConvertTo-AboutText {
    <# An about_*.md topic as the plain text Get-Help shows: headings in capitals, text indented. #>
    param([Parameter(Mandatory)] [string] $Path)
    $lines = (Get-Content -Path $Path) -replace "`r$"
    $out = [System.Collections.Generic.List[string]]::new()
    $inCode = $false
    foreach ($line in $lines) {
        if ($line -match '^```') { $inCode = -not $inCode; continue }
        if ($inCode) { $out.Add("        $line"); continue }
        if ($line -match '^# (.+)$') { $out.Add('TOPIC'); $out.Add("    $($Matches[1].Trim())"); continue }
        if ($line -match '^#{2,} (.+)$') { $out.Add(''); $out.Add($Matches[1].Trim().ToUpperInvariant()); continue }
        $out.Add($(if ($line.Trim()) { "    $($line -replace '`', '')" } else { '' }))
    }
    ($out -join [Environment]::NewLine) + [Environment]::NewLine
}

Export-ModuleMember -Function Get-HelpParameters, Get-ParameterYaml, Get-SyntaxText, Read-HelpMarkdown, ConvertTo-Maml, ConvertTo-AboutText
