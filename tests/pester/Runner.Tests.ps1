<#
    Smoke test of the Pester runner (tests/StickyPi.Pester): the packaged module imports in this real pwsh, and the
    sample images the runner generated (both on-device EXIF formats) import into a fresh store and query back.
    Run alone, it falls back to <repo>/out/StickyPi/StickyPi.psd1 and generates its own samples.
#>
BeforeAll {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $manifest = if ($env:STICKYPI_TEST_MODULE) { $env:STICKYPI_TEST_MODULE } else { Join-Path $repo 'out/StickyPi/StickyPi.psd1' }
    Import-Module $manifest -Force -ErrorAction Stop

    $work = Join-Path ([IO.Path]::GetTempPath()) ('stickypi-pester-runner-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    New-Item -ItemType Directory -Path $work | Out-Null
    $samples = $env:STICKYPI_TEST_SAMPLES
    if (-not $samples) {
        $samples = Join-Path $work 'samples'
        & dotnet run --project (Join-Path $repo 'tests/StickyPi.Pester') -- --write-samples $samples | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "Could not generate sample images in $samples." }
    }

    $files = @(Get-ChildItem -LiteralPath $samples -Recurse -Filter *.jpg)

    $tuboids = $env:STICKYPI_TEST_TUBOIDS
    $bundle = $env:STICKYPI_TEST_MLBUNDLE
    if (-not $tuboids -or -not $bundle) {
        $tuboids = Join-Path $work 'tuboids'
        $bundle = Join-Path $work 'ml-bundle'
        & dotnet run --project (Join-Path $repo 'tests/StickyPi.Pester') -- --write-tuboids $tuboids | Out-Null
        & dotnet run --project (Join-Path $repo 'tests/StickyPi.Pester') -- --write-ml-bundle $bundle | Out-Null
    }
}

AfterAll {
    Disconnect-StickyApi -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Pester runner' {
    It 'imports the packaged module in PowerShell 7' {
        $module = Get-Module StickyPi
        $module.ModuleBase | Should -Be (Split-Path $manifest -Parent)
        $PSVersionTable.PSEdition | Should -Be 'Core'
        @(Get-Command -Module StickyPi).Count | Should -Be @((Import-PowerShellDataFile $manifest).CmdletsToExport).Count
    }

    It 'has sample images of both EXIF formats' {
        $files.Count | Should -BeGreaterOrEqual 8
        # WriteSeason: two 2020-format devices (images of 2020) and two 2022-format devices (images of 2022).
        @($files | Where-Object Name -Match '\.2020-').Count | Should -BeGreaterThan 0
        @($files | Where-Object Name -Match '\.2022-').Count | Should -BeGreaterThan 0
    }

    It 'imports every sample into a fresh store and queries them back' {
        Connect-StickyApi -LocalDir (Join-Path $work 'store') | Out-Null
        $results = @($files | Send-StickyImage)
        $results.Count | Should -Be $files.Count
        @($results | Where-Object Status -eq 'Sent').Count | Should -Be $files.Count

        $series = @(Get-StickySeries -Device '*')
        $series.Count | Should -Be $files.Count
        @($series.Device | Sort-Object -Unique).Count | Should -Be 4
        ($series.Device | Sort-Object -Unique) | Should -Be (@($files.Name | ForEach-Object { $_.Split('.')[0] } | Sort-Object -Unique))

        # A second import opens nothing new.
        @($files | Send-StickyImage | Where-Object Status -eq 'Skipped').Count | Should -Be $files.Count
    }

    It 'has a generated tuboid series and ML bundle that the module accepts' {
        $series = @(Get-ChildItem -LiteralPath $tuboids -Directory)
        $series.Count | Should -Be 1
        @(Get-ChildItem -LiteralPath $series[0].FullName -Directory).Count | Should -Be 6

        Connect-StickyApi -LocalDir (Join-Path $work 'store-tuboids') | Out-Null
        $sent = @(Send-StickyTuboid -Path $series[0].FullName -AlgoName runner -AlgoVersion '1.0' -ImageCount 10 -TuboidCount 6)
        @($sent | Where-Object Status -eq 'Sent').Count | Should -Be 6

        $pushed = @(Sync-MLBundle -Name runner-bundle -Path $bundle -Direction Push)
        $pushed.Count | Should -Be 7
        @($pushed.Key | Where-Object { $_ -like 'data/*.svg' }).Count | Should -Be 5
    }
}
