#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Pester 5 tests of the packaged module, for users' CI with pwsh (./build.ps1 -Task Test runs them).
    This project's own CI has no pwsh: the same flows run through tests/StickyPi.PowerShell.Tests (xunit + StickyPi.Host).
    They need sample images: 'dotnet run --project tools/StickyPi.Quickstart' generates them in ./quickstart/samples.
#>
BeforeAll {
    $root = Split-Path $PSScriptRoot -Parent
    Import-Module (Join-Path $root 'out/StickyPi/StickyPi.psd1') -Force
    $samples = Join-Path $root 'quickstart/samples'
    if (-not (Test-Path $samples)) { throw "No sample images: run 'dotnet run --project tools/StickyPi.Quickstart' first." }
    $store = Join-Path ([IO.Path]::GetTempPath()) ("stickypi-pester-" + [guid]::NewGuid().ToString('N'))
    Connect-StickyApi -LocalDir $store | Out-Null
}

AfterAll {
    Disconnect-StickyApi
    Remove-Item $store -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'StickyPi module' {
    It 'exports the manifest cmdlets and passes Test-ModuleManifest' {
        $manifest = Test-ModuleManifest (Join-Path $root 'out/StickyPi/StickyPi.psd1')
        (Get-Command -Module StickyPi).Count | Should -Be $manifest.ExportedCmdlets.Count
    }

    It 'imports Get-ChildItem output and skips it all on a re-run' {
        $files = Get-ChildItem $samples -Recurse -Filter *.jpg
        $first = $files | Send-StickyImage
        ($first | Where-Object Status -eq 'Sent').Count | Should -Be $files.Count
        $second = $files | Send-StickyImage
        ($second | Where-Object Status -eq 'Skipped').Count | Should -Be $files.Count
    }

    It 'lists with -WhatIf and stores nothing' {
        $other = Join-Path ([IO.Path]::GetTempPath()) ("stickypi-pester-" + [guid]::NewGuid().ToString('N'))
        $c = Connect-StickyApi -LocalDir $other
        Send-StickyImage -Path $samples -Recurse -WhatIf -Connection $c
        @(Get-StickySeries -Connection $c).Count | Should -Be 0
        Disconnect-StickyApi -Connection $c
        Connect-StickyApi -LocalDir $store | Out-Null
    }

    It 'reports bad files as non-terminating errors and goes on' {
        $bad = Join-Path $TestDrive '0a5bb6f4.2020-07-01_10-40-00.jpg'
        Set-Content -Path $bad -Value 'not an image'
        $result = Send-StickyImage -LiteralPath $bad -ErrorVariable errs -ErrorAction SilentlyContinue
        $result.Status | Should -Be 'Failed'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NotAJpeg,*'
        $errs[0].TargetObject | Should -Be $bad
    }

    It 'pipes a series into Set-UidAnnotation and reads it back' {
        $series = Get-StickySeries -Device '*'
        $series | Set-UidAnnotation -AlgoName 'pester' -AlgoVersion '1-a' -Annotation @(@{ name = 'insect'; value = 0 }) | Out-Null
        $annotations = $series | Get-UidAnnotation -IncludeData
        @($annotations | Where-Object AlgoName -eq 'pester').Count | Should -Be $series.Count
        ($annotations[0].Json | ConvertFrom-Json).metadata.algo_name | Should -Not -BeNullOrEmpty
    }

    It 'has help with examples for every cmdlet' {
        foreach ($name in (Get-Command -Module StickyPi).Name) {
            (Get-Help $name -Examples).examples.example.Count | Should -BeGreaterThan 0 -Because $name
        }
    }
}
