<#
    The module installs like any PowerShell module: the packaged module (out/StickyPi) is made into a .nupkg by
    './build.ps1 -Task Package -NoBuild', published with Publish-PSResource to a local file repository, installed from there with Install-PSResource into an empty module
    path by a new pwsh process, and imported by name and used by another new pwsh that sees only that path.
    The new processes get their own HOME and XDG_DATA_HOME, so neither the repository registration nor the installed module
    touches the user's PSResourceGet settings or module folders. (Windows keeps those under the profile whatever the
    environment says, so there the test is skipped rather than register a repository in the user's settings.)
    Run alone, it falls back to <repo>/out/StickyPi/StickyPi.psd1 and generates its own sample images.
#>
BeforeAll {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $manifest = if ($env:STICKYPI_TEST_MODULE) { $env:STICKYPI_TEST_MODULE } else { Join-Path $repo 'out/StickyPi/StickyPi.psd1' }
    $moduleDir = Split-Path $manifest -Parent
    $version = (Import-PowerShellDataFile $manifest).ModuleVersion

    $work = Join-Path ([IO.Path]::GetTempPath()) ('stickypi-pester-install-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    New-Item -ItemType Directory -Path $work | Out-Null
    $samples = $env:STICKYPI_TEST_SAMPLES
    if (-not $samples) {
        $samples = Join-Path $work 'samples'
        & dotnet run --project (Join-Path $repo 'tests/StickyPi.Pester') -- --write-samples $samples --count 4 | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "Could not generate sample images in $samples." }
    }

    # This very pwsh, as a new process (the pinned dotnet tool runs as 'dotnet pwsh.dll').
    function Invoke-NewPwsh {
        param([string] $Script, [hashtable] $Environment)
        $exe = (Get-Process -Id $PID).Path
        $arguments = @('-NoProfile', '-NonInteractive', '-Command', $Script)
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $arguments = @(Join-Path $PSHOME 'pwsh.dll') + $arguments }
        $saved = @{}
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        # Started in the temp folder: PSResourceGet's NuGet client writes a NuGet/NuGet.Config relative to the
        # working directory of a process whose HOME has no NuGet settings yet.
        Push-Location -LiteralPath $work
        try {
            $output = & $exe @arguments 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
        }
        finally {
            Pop-Location
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }

    # HOME (and XDG_DATA_HOME) of the new processes: their PSResourceGet settings and CurrentUser module path.
    $home_ = Join-Path $work 'home'
    $data = Join-Path $home_ '.local/share'
    $isolated = @{ HOME = $home_; XDG_DATA_HOME = $data }
    $feed = Join-Path $work 'feed'          # the local file repository
    $modules = Join-Path $data 'powershell/Modules'
    New-Item -ItemType Directory -Path $data, $feed | Out-Null
}

AfterAll {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Installing StickyPi from a PSResourceGet repository' -Skip:$IsWindows {
    It 'packages out/StickyPi with build.ps1 -Task Package and publishes the .nupkg to a local repository' {
        $package = Join-Path $work 'package'
        $script = @"
`$ErrorActionPreference = 'Stop'
`$nupkg = & '$((Join-Path $repo 'build.ps1') -replace "'", "''")' -Task Package -NoBuild -PackageOutput '$($package -replace "'", "''")'
Register-PSResourceRepository -Name StickyPiLocal -Uri '$($feed -replace "'", "''")' -Trusted
Publish-PSResource -NupkgPath `$nupkg.FullName -Repository StickyPiLocal
`$found = Find-PSResource -Name StickyPi -Repository StickyPiLocal
'FOUND ' + `$found.Name + ' ' + `$found.Version
"@
        $r = Invoke-NewPwsh -Script $script -Environment $isolated
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        (Get-ChildItem -LiteralPath $package -Filter *.nupkg).Name | Should -Be "StickyPi.$version.nupkg"
        $r.Output | Should -Contain "FOUND StickyPi $version"
        (Get-ChildItem -LiteralPath $feed -Filter *.nupkg).Name | Should -Be "StickyPi.$version.nupkg"
    }

    It 'installs it with Install-PSResource into an empty module path' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Install-PSResource -Name StickyPi -Repository StickyPiLocal -Scope CurrentUser
Get-InstalledPSResource -Name StickyPi | ForEach-Object { 'INSTALLED ' + `$_.Name + ' ' + `$_.Version + ' ' + `$_.InstalledLocation }
"@
        $r = Invoke-NewPwsh -Script $script -Environment $isolated
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Contain "INSTALLED StickyPi $version $modules"
        Test-Path (Join-Path $modules "StickyPi/$version/StickyPi.psd1") | Should -BeTrue
        Test-Path (Join-Path $modules "StickyPi/$version/deps") | Should -BeTrue
        Test-Path (Join-Path $modules "StickyPi/$version/en-US/StickyPi.dll-Help.xml") | Should -BeTrue
    }

    It 'imports the installed module by name in a new pwsh and imports an image with it' {
        $sample = @(Get-ChildItem -LiteralPath $samples -Recurse -Filter *.jpg)[0]
        $store = Join-Path $work 'store'
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module StickyPi
'FROM ' + (Get-Module StickyPi).ModuleBase
`$null = Connect-StickyApi -LocalDir '$($store -replace "'", "''")'
`$result = Send-StickyImage -LiteralPath '$($sample.FullName -replace "'", "''")'
'STATUS ' + `$result.Status
'SERIES ' + @(Get-StickySeries -Device '*').Count
Disconnect-StickyApi
"@
        # Only the installed module path and pwsh's own modules: nothing else could satisfy 'Import-Module StickyPi'.
        $psModulePath = $modules + [IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
        $r = Invoke-NewPwsh -Script $script -Environment ($isolated + @{ PSModulePath = $psModulePath })
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Contain ('FROM ' + (Join-Path $modules "StickyPi/$version"))
        $r.Output | Should -Contain 'STATUS Sent'
        $r.Output | Should -Contain 'SERIES 1'
        Test-Path (Join-Path $store 'database.db') | Should -BeTrue
    }
}
