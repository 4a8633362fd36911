<#
.SYNOPSIS
    Builds, tests and packages the StickyPi module.
.DESCRIPTION
    A thin wrapper over plain dotnet commands (CI runs those directly, because its machines have no pwsh):
      Build    dotnet build StickyPi.PowerShell.sln -c <Configuration>   (also lays out out/StickyPi/)
      Test     dotnet test StickyPi.PowerShell.sln -c <Configuration>, then Pester on tests/*.Tests.ps1 if installed
      Package  Build, then regenerates MAML help with platyPS if it is installed (the build's own converter
               already wrote it otherwise)
.EXAMPLE
    ./build.ps1                 # Build, Test, Package
.EXAMPLE
    ./build.ps1 -Task Package -Configuration Release
    Import-Module ./out/StickyPi/StickyPi.psd1
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string[]] $Task = @('Build', 'Test', 'Package'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$solution = Join-Path $root 'StickyPi.PowerShell.sln'
$moduleDir = Join-Path $root 'out/StickyPi'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

if ($Task -contains 'Build' -or $Task -contains 'Package') {
    Invoke-Dotnet build $solution -c $Configuration
}

if ($Task -contains 'Test') {
    Invoke-Dotnet test $solution -c $Configuration
    if (Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0' }) {
        $result = Invoke-Pester -Path (Join-Path $root 'tests') -PassThru -Output Detailed
        if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed." }
    }
    else {
        Write-Warning 'Pester 5 is not installed: tests/*.Tests.ps1 skipped (Install-Module Pester -MinimumVersion 5.0).'
    }
}

if ($Task -contains 'Package') {
    if (Get-Module -ListAvailable -Name platyPS) {
        Import-Module platyPS
        New-ExternalHelp -Path (Join-Path $root 'docs') -OutputPath (Join-Path $moduleDir 'en-US') -Force | Out-Null
        Write-Host 'MAML help regenerated with platyPS.'
    }

    $manifest = Test-ModuleManifest -Path (Join-Path $moduleDir 'StickyPi.psd1')
    Write-Host "Packaged $($manifest.Name) $($manifest.Version) in $moduleDir"
}
