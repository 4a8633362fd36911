<#
    Runs the Pester suite; called by StickyPi.Pester (dotnet test) in the pwsh of .config/dotnet-tools.json, with
    $env:STICKYPI_TEST_MODULE and $env:STICKYPI_TEST_SAMPLES set. Exit code 0 only when every test passed and at
    least one ran; Pester's own summary line ('Tests Passed: N, Failed: N, Skipped: N, ...') ends the output.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    # A folder or file, or several separated by '|' (the remote tests' second pass, on the deployed stack).
    [Parameter(Mandatory)] [string] $TestPath
)

$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'   # the output goes to a build log, not a terminal
Import-Module $PesterManifest -Force

$config = New-PesterConfiguration
$config.Run.Path = [string[]]($TestPath -split '\|')
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.CIFormat = 'None'
$config.Output.RenderMode = 'Plaintext'

$where = if ($env:STICKYPI_TEST_SERVER_BACKEND) { " (servers on $env:STICKYPI_TEST_SERVER_BACKEND)" } else { '' }
Write-Host "Pester $((Get-Module Pester).Version) in PowerShell $($PSVersionTable.PSVersion) on $TestPath$where; module $env:STICKYPI_TEST_MODULE"
$result = Invoke-Pester -Configuration $config
if ($result.TotalCount -eq 0) {
    Write-Host 'Pester ran no test.'
    exit 1
}

if ($result.Result -ne 'Passed') { exit 1 }
exit 0
