<#
.SYNOPSIS
    Builds, tests and packages the StickyPi module.
.DESCRIPTION
    A thin wrapper over plain dotnet commands (CI runs those directly):
      Build    dotnet build StickyPi.PowerShell.sln -c <Configuration>   (also lays out out/StickyPi/)
      Test     dotnet test StickyPi.PowerShell.sln -c <Configuration>    (xunit, and the Pester suite in tests/pester
               run in the pwsh pinned by .config/dotnet-tools.json with Pester from NuGet: nothing to install)
      Package  Build, regenerates MAML help with platyPS if it is installed (the build's own converter already wrote
               it otherwise), checks the manifest, and writes out/StickyPi.<version>.nupkg with Compress-PSResource
               (Microsoft.PowerShell.PSResourceGet, part of PowerShell 7.4+): the package Publish-PSResource publishes.
.EXAMPLE
    ./build.ps1                 # Build, Test, Package
.EXAMPLE
    ./build.ps1 -Task Package
    Publish-PSResource -NupkgPath ./out/StickyPi.0.1.0.nupkg -Repository MyRepository
.EXAMPLE
    ./build.ps1 -Task Package -NoBuild -PackageOutput ./drop    # package the module already in out/StickyPi
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string[]] $Task = @('Build', 'Test', 'Package'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Package what out/StickyPi holds now instead of building first.
    [switch] $NoBuild,

    # Where the .nupkg goes (default: out/).
    [string] $PackageOutput
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$solution = Join-Path $root 'StickyPi.PowerShell.sln'
$moduleDir = Join-Path $root 'out/StickyPi'
if (-not $PackageOutput) { $PackageOutput = Join-Path $root 'out' }

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

if (($Task -contains 'Build' -or $Task -contains 'Package') -and -not $NoBuild) {
    Invoke-Dotnet build $solution -c $Configuration
}

if ($Task -contains 'Test') {
    Invoke-Dotnet test $solution -c $Configuration
}

if ($Task -contains 'Package') {
    if (Get-Module -ListAvailable -Name platyPS) {
        Import-Module platyPS
        New-ExternalHelp -Path (Join-Path $root 'docs') -OutputPath (Join-Path $moduleDir 'en-US') -Force | Out-Null
        Write-Host 'MAML help regenerated with platyPS.'
    }

    $manifest = Test-ModuleManifest -Path (Join-Path $moduleDir 'StickyPi.psd1')
    if (-not (Get-Command Compress-PSResource -ErrorAction SilentlyContinue)) {
        throw 'Compress-PSResource not found: packaging needs Microsoft.PowerShell.PSResourceGet 1.1 or later (part of PowerShell 7.4+).'
    }

    New-Item -ItemType Directory -Path $PackageOutput -Force | Out-Null
    $nupkg = Join-Path $PackageOutput "$($manifest.Name).$($manifest.Version).nupkg"
    Remove-Item -LiteralPath $nupkg -ErrorAction SilentlyContinue
    Compress-PSResource -Path $moduleDir -DestinationPath $PackageOutput
    if (-not (Test-Path -LiteralPath $nupkg)) { throw "Compress-PSResource did not write $nupkg." }
    Write-Host "Packaged $($manifest.Name) $($manifest.Version): $nupkg (publish with Publish-PSResource -NupkgPath)"
    Get-Item -LiteralPath $nupkg
}
