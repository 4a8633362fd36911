#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Sync-MLBundle on a bundle folder made here (config/, data/, output/model_final.pth): push, pull, selections,
    incremental runs, dry runs and confirmations, per-file and whole-command errors.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule

    function Get-Md5([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm MD5).Hash.ToLowerInvariant() }
    $eligible = @('config/config.yaml', 'data/0a5bb6f4.2020-06-30_20-41-05.svg', 'data/5c173ff2.2020-07-05_20-33-31.svg', 'output/model_final.pth')
}

Describe 'Sync-MLBundle' {
    BeforeEach {
        $s = New-TestStore -Name 'mlbundle'
        $work = New-TestDirectory -Name 'mlbundle-input'
        $bundle = New-TestMlBundle -Directory $work -Name 'insect-detector'
    }
    AfterEach {
        Remove-TestStore $s
        Remove-TestDirectory $work
    }

    It 'pushes the eligible files of a folder, one Uploaded result each, and nothing on a second run' {
        $results = @(Sync-MLBundle -Name 'insect-detector' -Path $bundle -Direction Push)
        ($results.Key | Sort-Object) | Should -Be $eligible
        $results.Status | Sort-Object -Unique | Should -Be 'Uploaded'
        $model = $results | Where-Object Key -eq 'output/model_final.pth'
        $model.Md5 | Should -Be (Get-Md5 (Join-Path $bundle 'output/model_final.pth'))
        $model.Size | Should -Be (Get-Item (Join-Path $bundle 'output/model_final.pth')).Length
        $model.BundleName | Should -Be 'insect-detector'
        Get-Md5 $model.RemotePath | Should -Be $model.Md5
        Test-Path (Join-Path $s.Directory 'ml/insect-detector/notes.md') | Should -BeFalse
        @(Sync-MLBundle -Name 'insect-detector' -Path $bundle -Direction Push) | Should -BeNullOrEmpty
    }

    It 'pulls a bundle into a folder named like it, with the stored modification times' {
        Sync-MLBundle -Name 'insect-detector' -Path $bundle -Direction Push | Out-Null
        $target = Join-Path $work 'copy/insect-detector'
        $results = @(Sync-MLBundle -Name 'insect-detector' -Path $target -Direction Pull)
        ($results.Key | Sort-Object) | Should -Be $eligible
        $results.Status | Sort-Object -Unique | Should -Be 'Downloaded'
        foreach ($key in $eligible) {
            Get-Md5 (Join-Path $target $key) | Should -Be (Get-Md5 (Join-Path $bundle $key)) -Because $key
        }
        $cfg = $results | Where-Object Key -eq 'config/config.yaml'
        (Get-Item (Join-Path $target 'config/config.yaml')).LastWriteTimeUtc | Should -Be $cfg.MTime
        @(Sync-MLBundle -Name 'insect-detector' -Path $target -Direction Pull) | Should -BeNullOrEmpty
    }

    It 'transfers only the Data or Model selection with -What' {
        (Sync-MLBundle -Name 'insect-detector' -Path $bundle -Direction Push -What Model).Key | Sort-Object | Should -Be @('config/config.yaml', 'output/model_final.pth')
        (Sync-MLBundle -Name 'insect-detector' -Path $bundle -Direction Push -What Data).Key | Sort-Object | Should -Be @('data/0a5bb6f4.2020-06-30_20-41-05.svg', 'data/5c173ff2.2020-07-05_20-33-31.svg')
    }

    It 'pushes again only a file changed since (newer and different)' {
        Sync-MLBundle -Name 'insect-detector' -Path $bundle -Direction Push | Out-Null
        $cfg = Join-Path $bundle 'config/config.yaml'
        Add-Content -LiteralPath $cfg -Value 'EXTRA: 1'
        (Get-Item $cfg).LastWriteTimeUtc = [datetime]::UtcNow.AddMinutes(5)
        $again = @(Sync-MLBundle -Name 'insect-detector' -Path $bundle -Direction Push)
        $again.Key | Should -Be 'config/config.yaml'
        Get-Md5 $again[0].RemotePath | Should -Be (Get-Md5 $cfg)
    }

    It 'reports each file whose name cannot be a bundle key and transfers the rest' {
        [IO.File]::WriteAllText($bundle + '/data/bad:name.svg', '<svg/>')
        [IO.File]::WriteAllText($bundle + '/data/back\slash.svg', '<svg/>')
        $results = @(Sync-MLBundle -Name 'insect-detector' -Path $bundle -Direction Push -ErrorAction SilentlyContinue -ErrorVariable errs)
        ($results | Where-Object Status -eq 'Uploaded').Count | Should -Be 4
        ($results | Where-Object Status -eq 'Failed').ErrorId | Sort-Object -Unique | Should -Be 'InvalidMlBundleKey'
        $errs.Count | Should -Be 2
        Assert-ErrorRecord $errs[0] -ErrorId 'InvalidMlBundleKey' -Category InvalidArgument
        ($errs.TargetObject | Sort-Object) | Should -Be @('data/back\slash.svg', 'data/bad:name.svg')
        $err = { Sync-MLBundle -Name 'other' -Path $bundle -Direction Push -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'InvalidMlBundleKey' -Category InvalidArgument
    }

    It 'stops with a clear error for a bad bundle name, a pull folder named otherwise, or a missing folder' {
        $err = { Sync-MLBundle -Name '../escape' -Path $bundle -Direction Push } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'InvalidMlBundleName' -Category InvalidArgument -TargetObject '../escape'
        $elsewhere = Join-Path $work 'elsewhere'
        $err = { Sync-MLBundle -Name 'insect-detector' -Path $elsewhere -Direction Pull } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'MlBundleDirectoryNameMismatch' -Category InvalidArgument -TargetObject $elsewhere
        Test-Path $elsewhere | Should -BeFalse
        $missing = Join-Path $work 'missing/insect-detector'
        $err = { Sync-MLBundle -Name 'insect-detector' -Path $missing -Direction Push } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'MlBundleDirectoryNotFound' -Category ObjectNotFound -TargetObject $missing
    }

    It 'transfers nothing under -WhatIf, asks under $ConfirmPreference Medium, and not with -Confirm:$false' {
        $script = 'param($c, $p) $ConfirmPreference = "Medium"; Sync-MLBundle insect-detector $p -Direction Push -Connection $c'
        (Invoke-Hostless 'param($c, $p) Sync-MLBundle insect-detector $p -Direction Push -WhatIf -Connection $c' $s.Connection, $bundle).Output.Count | Should -Be 0
        $r = Invoke-Hostless $script $s.Connection, $bundle
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        Test-Path (Join-Path $s.Directory 'ml/insect-detector/config/config.yaml') | Should -BeFalse
        @((Invoke-Hostless ($script + ' -Confirm:$false') $s.Connection, $bundle).Output).Count | Should -Be 4
    }

    It 'outputs results that survive Export-Csv and ConvertTo-Json' {
        $results = @(Sync-MLBundle -Name 'insect-detector' -Path $bundle -Direction Push)
        $csv = Join-Path $TestDrive 'transfers.csv'
        $results | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.Key | Should -Be $results.Key
        $rows[0].Status | Should -Be 'Uploaded'
        $rows[0].Direction | Should -Be 'Push'
        $json = @($results | ConvertTo-Json | ConvertFrom-Json)
        $json.Md5 | Should -Be $results.Md5
        $json.Size | Should -Be $results.Size
    }

    It 'has help with examples' {
        (Get-Help Sync-MLBundle -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}
