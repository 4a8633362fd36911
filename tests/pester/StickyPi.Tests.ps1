#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    The packaged module as a whole: manifest, exported cmdlets, help, and the quickstart flow (import a folder, re-run,
    dry run, bad file, annotate). Each cmdlet has its own Describe in the other files of this folder.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule
    $samples = Get-TestSampleDirectory
    $store = New-TestStore -Name 'module'
}

AfterAll {
    Remove-TestStore $store
}

Describe 'StickyPi module' {
    It 'exports the manifest cmdlets and passes Test-ModuleManifest' {
        $manifest = Test-ModuleManifest (Get-TestModulePath)
        $exported = (Get-Command -Module StickyPi).Name | Sort-Object
        $exported.Count | Should -Be $manifest.ExportedCmdlets.Count
        $exported | Should -Be ($manifest.ExportedCmdlets.Keys | Sort-Object)
        $manifest.Version | Should -Be (Get-Module StickyPi).Version
    }

    It 'imports Get-ChildItem output and skips it all on a re-run' {
        $files = Get-ChildItem $samples -Recurse -Filter *.jpg
        $first = $files | Send-StickyImage
        ($first | Where-Object Status -eq 'Sent').Count | Should -Be $files.Count
        $second = $files | Send-StickyImage
        ($second | Where-Object Status -eq 'Skipped').Count | Should -Be $files.Count
    }

    It 'lists with -WhatIf and stores nothing' {
        $other = New-TestStore -Name 'module-whatif'
        try {
            $r = Invoke-Hostless 'param($c, $p) Send-StickyImage -Path $p -Recurse -WhatIf -Connection $c' $other.Connection, $samples
            $r.Output.Count | Should -Be 0
            $r.Errors.Count | Should -Be 0
            @(Get-StickySeries -Connection $other.Connection).Count | Should -Be 0
        }
        finally {
            Remove-TestStore $other
            Connect-StickyApi -LocalDir $store.Directory | Out-Null
        }
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

    It 'has the about_StickyPi topic' {
        $about = Get-Help about_StickyPi
        $text = ($about | Out-String)
        $text | Should -Match 'about_StickyPi'
        $text | Should -Match 'Connect-StickyApi'
        $text.Length | Should -BeGreaterThan 1000
    }

    It 'has the about_StickyPi_Compatibility topic' {
        (Get-Help about_StickyPi_Compatibility | Out-String) | Should -Match 'upstream'
    }

    It 'gives every cmdlet a synopsis and a help page for each of its parameters' {
        foreach ($command in Get-Command -Module StickyPi) {
            $help = Get-Help $command.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty -Because $command.Name
            $help.Synopsis | Should -Not -Match '^\s*\S+-\S+\s*\[' -Because "$($command.Name) needs a real synopsis, not the syntax"
            $documented = @($help.parameters.parameter.name)
            foreach ($p in $command.Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }) {
                $documented | Should -Contain $p -Because "$($command.Name) -$p"
            }
        }
    }
}
