#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Tiled tuboids and their ITC labels: Send-/Get-/Remove-StickyTuboid and Set-/Get-ItcLabel on tuboid folders made
    here in the layout the tuboid pipeline writes (series folder of tuboid folders with metadata.txt, tuboid.jpg and
    context.jpg).
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule

    function Utc([int] $y, [int] $mo, [int] $d, [int] $h) { [datetime]::new($y, $mo, $d, $h, 0, 0, [DateTimeKind]::Utc) }

    $work = New-TestDirectory -Name 'tuboids-input'
    $seriesDir = New-TestTuboidSeries -Directory $work -Device '08038ade' -TuboidNumber 0, 1, 2 -Shots 3
    $otherDir = New-TestTuboidSeries -Directory $work -Device '1b74105a' -Start (Utc 2020 9 17 10) -End (Utc 2020 9 18 10) -AlgoVersion '1700000000-abc' -TuboidNumber 0, 1
    $seriesName = Split-Path $seriesDir -Leaf
    $send = @{ AlgoName = 'tuboid-maker'; ImageCount = 40; TuboidCount = 3 }

    function New-TuboidStore([string] $Name) {
        $store = New-TestStore -Name $Name
        Send-StickyTuboid -Path $seriesDir @send | Out-Null
        Send-StickyTuboid -Path $otherDir -AlgoName 'tuboid-maker' -ImageCount 20 -TuboidCount 2 | Out-Null
        $store
    }

    $label = @{ AlgoName = 'itc'; AlgoVersion = '1600000000-abc'; Label = 2; Pattern = '^Insecta.Diptera.*'; Type = 'Insecta'; Order = 'Diptera' }
}

AfterAll {
    Remove-TestDirectory $work
}

Describe 'Send-StickyTuboid' {
    BeforeEach { $s = New-TestStore -Name 'send-tuboid' }
    AfterEach { Remove-TestStore $s }

    It 'stores the tuboids of a series folder, taking the series from its name, one result each' {
        $results = @(Send-StickyTuboid -Path $seriesDir @send)
        $results.Status | Should -Be @('Sent', 'Sent', 'Sent')
        $results.TuboidId | Should -Be @("$seriesName.0000", "$seriesName.0001", "$seriesName.0002")
        $t = $results[1].Tuboid
        $t.DeviceSeries | Should -Be '08038ade'
        $t.AlgoVersionSeries | Should -Be '1606980656-91e2199fccf371d3d690b2856613e8f5'
        $t.NShots | Should -Be 3
        $t.StartDateTime | Should -Be ([datetime]::new(2020, 7, 8, 21, 1, 0, [DateTimeKind]::Utc))
        $t.EndDateTime | Should -Be ([datetime]::new(2020, 7, 8, 21, 41, 0, [DateTimeKind]::Utc))
        @(Get-StickyTuboid).Count | Should -Be 3
    }

    It 'stores tuboid folders piped from Get-ChildItem (FullName by property name) and path strings (by value)' {
        @(Get-ChildItem $seriesDir -Directory | Select-Object -First 2 | Send-StickyTuboid @send).Status | Should -Be @('Sent', 'Sent')
        @((Join-Path $seriesDir '*.0002') | Send-StickyTuboid @send).Status | Should -Be 'Sent'
        @(Get-StickyTuboid -Device '08038ade').Count | Should -Be 3
    }

    It 'reports a tuboid folder with a missing file or bad metadata, naming it, and stores the rest' {
        $broken = Join-Path $TestDrive 'broken'
        Copy-Item $seriesDir $broken -Recurse
        $tuboids = @(Get-ChildItem $broken -Directory | Sort-Object Name)
        Remove-Item (Join-Path $tuboids[0].FullName 'context.jpg')
        Set-Content -LiteralPath (Join-Path $tuboids[1].FullName 'metadata.txt') -Value 'not,a,metadata line'
        $results = @(Send-StickyTuboid -LiteralPath $broken @send -ErrorAction SilentlyContinue -ErrorVariable errs)
        $results.Status | Should -Be @('Failed', 'Failed', 'Sent')
        $errs.Count | Should -Be 2
        Assert-ErrorRecord $errs[0] -ErrorId 'MissingTuboidFile' -Category ObjectNotFound -TargetObject $tuboids[0].FullName
        $errs[0].Exception.Message | Should -Match 'context\.jpg'
        Assert-ErrorRecord $errs[1] -ErrorId 'InvalidTuboidMetadata' -Category InvalidData -TargetObject $tuboids[1].FullName
        $errs[1].Exception.Message | Should -Match 'metadata\.txt\(1\)'
    }

    It 'refuses a tuboid stored already and one past -TuboidCount' {
        Send-StickyTuboid -LiteralPath (Join-Path $seriesDir "$seriesName.0000") @send | Out-Null
        $again = Send-StickyTuboid -LiteralPath (Join-Path $seriesDir "$seriesName.0000") @send -ErrorAction SilentlyContinue -ErrorVariable errs
        $again.Status | Should -Be 'Failed'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DuplicateTuboid,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        # The series' tuboid count is fixed when it is created: one more is refused.
        $full = @(Send-StickyTuboid -Path $otherDir -AlgoName 'tuboid-maker' -ImageCount 20 -TuboidCount 1 -ErrorAction SilentlyContinue -ErrorVariable errs)
        $full.Status | Should -Be @('Sent', 'Failed')
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'SeriesFull,*'
        $errs[0].TargetObject | Should -Be $full[1].Path
    }

    It 'throws for a path that is not a folder under -ErrorAction Stop' {
        $file = Join-Path $TestDrive 'not-a-folder.txt'
        Set-Content -LiteralPath $file -Value 'x'
        $err = { Send-StickyTuboid -LiteralPath $file @send -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'MissingTuboidFile' -Category ObjectNotFound -TargetObject $file
    }

    It 'stores nothing under -WhatIf, asks under $ConfirmPreference Medium, and not with -Confirm:$false' {
        $script = 'param($c, $p) $ConfirmPreference = "Medium"; Send-StickyTuboid -Path $p -AlgoName a -ImageCount 1 -TuboidCount 3 -Connection $c'
        (Invoke-Hostless 'param($c, $p) Send-StickyTuboid -Path $p -AlgoName a -ImageCount 1 -TuboidCount 3 -WhatIf -Connection $c' $s.Connection, $seriesDir).Output.Count | Should -Be 0
        $r = Invoke-Hostless $script $s.Connection, $seriesDir
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickyTuboid) | Should -BeNullOrEmpty
        @((Invoke-Hostless ($script + ' -Confirm:$false') $s.Connection, $seriesDir).Output).Count | Should -Be 3
    }

    It 'outputs results that survive Export-Csv and ConvertTo-Json' {
        $results = @(Send-StickyTuboid -Path $seriesDir @send)
        $csv = Join-Path $TestDrive 'tuboid-results.csv'
        $results | Export-Csv -LiteralPath $csv -NoTypeInformation
        (Import-Csv -LiteralPath $csv).TuboidId | Should -Be $results.TuboidId
        $json = @($results | ConvertTo-Json -Depth 3 | ConvertFrom-Json)
        $json.Tuboid.NShots | Should -Be @(3, 3, 3)
        $json.Path | Should -Be $results.Path
    }

    It 'has help with examples' {
        (Get-Help Send-StickyTuboid -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-StickyTuboid' {
    BeforeAll { $s = New-TuboidStore 'get-tuboid' }
    AfterAll { Remove-TestStore $s }

    It 'lists every tuboid, sorted by device, series and number' {
        $all = @(Get-StickyTuboid)
        $all.Count | Should -Be 5
        $all.DeviceSeries | Should -Be @('08038ade', '08038ade', '08038ade', '1b74105a', '1b74105a')
        $all[0..2].IdInSeries | Should -Be @(0, 1, 2)
        $all[0].NTuboidsSeries | Should -Be 3
        $all[0].AlgoNameSeries | Should -Be 'tuboid-maker'
    }

    It 'matches devices with wildcards and series within a closed time window' {
        @(Get-StickyTuboid -Device '1b*').Count | Should -Be 2
        @(Get-StickyTuboid -StartTime (Utc 2020 7 8 20) -EndTime (Utc 2020 7 9 15)).Count | Should -Be 3
        @(Get-StickyTuboid -StartTime (Utc 2020 7 8 21) -EndTime (Utc 2020 12 1 0)).DeviceSeries | Sort-Object -Unique | Should -Be '1b74105a'
    }

    It 'takes Device, StartTime and EndTime by property name (project series rows bind too)' {
        $query = [pscustomobject]@{ Device = '08038ade'; StartDateTime = (Utc 2020 7 1 0); EndDateTime = (Utc 2020 7 31 0) }
        @($query | Get-StickyTuboid).Count | Should -Be 3
    }

    It 'gives the stored file paths with -IncludeFile' {
        $t = Get-StickyTuboid -Device '1b74105a' -IncludeFile | Select-Object -First 1
        Test-Path -LiteralPath $t.TuboidFile | Should -BeTrue
        Test-Path -LiteralPath $t.MetadataFile | Should -BeTrue
        Test-Path -LiteralPath $t.ContextFile | Should -BeTrue
        (Get-Content -LiteralPath $t.MetadataFile -TotalCount 1) | Should -Match '^1b74105a\.2020-09-17_11-00-00,'
        (Get-StickyTuboid -Device '1b74105a' | Select-Object -First 1).TuboidFile | Should -BeNullOrEmpty
    }

    It 'joins ITC labels with -WithLabel, one row per tuboid and label' {
        Get-StickyTuboid -Device '1b74105a' | Select-Object -First 1 | Set-ItcLabel @label | Out-Null
        $rows = @(Get-StickyTuboid -Device '1b74105a' -WithLabel)
        $rows.Count | Should -Be 2
        ($rows | Where-Object { $_.ItcLabel }).ItcLabel.Order | Should -Be 'Diptera'
    }

    It 'refuses a time that is not a time at binding, naming the parameter' {
        $err = { Get-StickyTuboid -EndTime 'later' -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'EndTime'
    }

    It 'outputs tuboids that survive Export-Csv and ConvertTo-Json' {
        $tuboids = @(Get-StickyTuboid -Device '08038ade')
        $csv = Join-Path $TestDrive 'tuboids.csv'
        $tuboids | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.TuboidId | Should -Be $tuboids.TuboidId
        [int]$rows[2].NShots | Should -Be 3
        $json = @($tuboids | ConvertTo-Json | ConvertFrom-Json)
        $json.IdInSeries | Should -Be @(0, 1, 2)
        ([datetime]$json[0].StartDateTimeSeries).ToUniversalTime() | Should -Be (Utc 2020 7 8 20)
    }

    It 'has help with examples' {
        (Get-Help Get-StickyTuboid -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Remove-StickyTuboid' {
    BeforeEach { $s = New-TuboidStore 'remove-tuboid' }
    AfterEach { Remove-TestStore $s }

    It 'removes the series of piped tuboids once, with their labels and files, and passes the series through' {
        $tuboids = @(Get-StickyTuboid -Device '08038ade' -IncludeFile)
        $tuboids[0] | Set-ItcLabel @label | Out-Null
        $removed = @($tuboids | Remove-StickyTuboid -Confirm:$false -PassThru)
        $removed.Count | Should -Be 1
        $removed[0].Device | Should -Be '08038ade'
        $removed[0].NTuboids | Should -Be 3
        (Get-StickyTuboid).DeviceSeries | Sort-Object -Unique | Should -Be '1b74105a'
        $tuboids.TuboidFile | ForEach-Object { Test-Path -LiteralPath $_ | Should -BeFalse }
        @(Get-ItcLabel -TuboidId $tuboids[0].TuboidId) | Should -BeNullOrEmpty
    }

    It 'removes series by device and window, and only those of -AlgoName' {
        Remove-StickyTuboid -Device '1b74105a' -AlgoName 'someone-else' -Confirm:$false -ErrorAction SilentlyContinue
        @(Get-StickyTuboid -Device '1b74105a').Count | Should -Be 2
        Remove-StickyTuboid -Device '1b74105a' -SeriesStartDateTime (Utc 2020 9 1 0) -SeriesEndDateTime (Utc 2020 10 1 0) -AlgoName 'tuboid-maker' -Confirm:$false
        @(Get-StickyTuboid -Device '1b74105a') | Should -BeNullOrEmpty
    }

    It 'reports a device with no series as TuboidSeriesNotFound; a wildcard that matches nothing is no error' {
        Remove-StickyTuboid -Device 'ffffffff' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TuboidSeriesNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Match 'ffffffff'
        Remove-StickyTuboid -Device 'ffff*' -Confirm:$false -ErrorVariable none
        $none.Count | Should -Be 0
        $err = { Remove-StickyTuboid -Device 'ffffffff' -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TuboidSeriesNotFound,*'
        @(Get-StickyTuboid).Count | Should -Be 5
    }

    It 'removes nothing under -WhatIf and asks by default (ConfirmImpact High)' {
        (Invoke-Hostless 'param($c) Get-StickyTuboid -Connection $c | Remove-StickyTuboid -WhatIf -Connection $c' $s.Connection).Exception | Should -BeNullOrEmpty
        $r = Invoke-Hostless 'param($c) Remove-StickyTuboid -Device 08038ade -Connection $c' $s.Connection
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickyTuboid).Count | Should -Be 5
        $r = Invoke-Hostless 'param($c) $ConfirmPreference = "None"; Remove-StickyTuboid -Device 08038ade -Connection $c -PassThru' $s.Connection
        $r.Output.Device | Should -Be '08038ade'
        @(Get-StickyTuboid).Count | Should -Be 2
    }

    It 'passes through series that survive ConvertTo-Json' {
        $json = Remove-StickyTuboid -Device '1b74105a' -Confirm:$false -PassThru | ConvertTo-Json | ConvertFrom-Json
        $json.Device | Should -Be '1b74105a'
        $json.AlgoVersion | Should -Be '1700000000-abc'
        $json.NImages | Should -Be 20
    }

    It 'has help with examples' {
        (Get-Help Remove-StickyTuboid -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Set-ItcLabel' {
    BeforeEach {
        $s = New-TuboidStore 'set-label'
        $ids = @(Get-StickyTuboid).TuboidId
    }
    AfterEach { Remove-TestStore $s }

    It 'labels piped tuboids (TuboidId by property name) and outputs the labels' {
        $labels = @(Get-StickyTuboid -Device '08038ade' | Set-ItcLabel @label -Family 'Culicidae')
        $labels.Count | Should -Be 3
        $labels.TuboidId | Should -Be $ids[0..2]
        $labels.Family | Sort-Object -Unique | Should -Be 'Culicidae'
        $labels[0].Label | Should -Be 2
        $labels[0].Genus | Should -BeNullOrEmpty
    }

    It 'stores the labels of an Import-Csv file (every field by property name)' {
        $csv = Join-Path $TestDrive 'labels.csv'
        @(
            [pscustomobject]@{ TuboidId = $ids[0]; AlgoName = 'manual'; AlgoVersion = '1'; Label = 7; Pattern = '^Insecta.Hymenoptera.*'; Type = 'Insecta'; Order = 'Hymenoptera'; Family = ''; Genus = ''; Species = '' }
            [pscustomobject]@{ TuboidId = $ids[3]; AlgoName = 'manual'; AlgoVersion = '1'; Label = 2; Pattern = '^Insecta.Diptera.*'; Type = 'Insecta'; Order = 'Diptera'; Family = 'Culicidae'; Genus = 'Culex'; Species = '' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation
        $labels = @(Import-Csv -LiteralPath $csv | Set-ItcLabel)
        $labels.Order | Should -Be @('Hymenoptera', 'Diptera')
        $labels[1].Genus | Should -Be 'Culex'
        $labels[0].Family | Should -BeNullOrEmpty
    }

    It 'reports an unknown tuboid and a duplicate label, naming the tuboid, and stores the rest' {
        Set-ItcLabel -TuboidId $ids[0] @label | Out-Null
        $stored = @($ids[0], 'no-such-tuboid', $ids[1] | ForEach-Object { [pscustomobject]@{ TuboidId = $_ } } | Set-ItcLabel @label -ErrorAction SilentlyContinue -ErrorVariable errs)
        $stored.TuboidId | Should -Be $ids[1]
        $errs.Count | Should -Be 2
        Assert-ErrorRecord $errs[0] -ErrorId 'DuplicateItcLabel' -Category ResourceExists -TargetObject $ids[0]
        Assert-ErrorRecord $errs[1] -ErrorId 'TuboidNotFound' -Category ObjectNotFound -TargetObject 'no-such-tuboid'
        $err = { Set-ItcLabel -TuboidId 'no-such-tuboid' @label -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'TuboidNotFound' -Category ObjectNotFound -TargetObject 'no-such-tuboid'
    }

    It 'stores nothing under -WhatIf, asks under $ConfirmPreference Medium, and not with -Confirm:$false' {
        $script = 'param($c, $id, $l) $ConfirmPreference = "Medium"; Set-ItcLabel -TuboidId $id @l -Connection $c'
        (Invoke-Hostless 'param($c, $id, $l) Set-ItcLabel -TuboidId $id @l -WhatIf -Connection $c' $s.Connection, $ids[0], $label).Output.Count | Should -Be 0
        $r = Invoke-Hostless $script $s.Connection, $ids[0], $label
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-ItcLabel -TuboidId $ids[0]) | Should -BeNullOrEmpty
        (Invoke-Hostless ($script + ' -Confirm:$false') $s.Connection, $ids[0], $label).Output.TuboidId | Should -Be $ids[0]
    }

    It 'outputs labels that survive Export-Csv and ConvertTo-Json' {
        $labels = @(Get-StickyTuboid -Device '1b74105a' | Set-ItcLabel @label)
        $csv = Join-Path $TestDrive 'stored-labels.csv'
        $labels | Export-Csv -LiteralPath $csv -NoTypeInformation
        # The exported file labels the same tuboids for another algorithm version.
        $copy = @(Import-Csv -LiteralPath $csv | ForEach-Object { $_.AlgoVersion = '2'; $_ } | Set-ItcLabel)
        $copy.Pattern | Should -Be $labels.Pattern
        $json = @($labels | ConvertTo-Json | ConvertFrom-Json)
        $json.Id | Should -Be $labels.Id
        $json[0].Order | Should -Be 'Diptera'
    }

    It 'has help with examples' {
        (Get-Help Set-ItcLabel -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-ItcLabel' {
    BeforeAll {
        $s = New-TuboidStore 'get-label'
        $ids = @(Get-StickyTuboid).TuboidId
        Get-StickyTuboid -Device '08038ade' | Set-ItcLabel @label | Out-Null
        Set-ItcLabel -TuboidId $ids[0] -AlgoName 'manual' -AlgoVersion '1' -Label 9 -Pattern '^Insecta.*' -Type 'Insecta' | Out-Null
    }
    AfterAll { Remove-TestStore $s }

    It 'gets the labels of tuboid ids, every algorithm' {
        $labels = @(Get-ItcLabel -TuboidId $ids[0])
        $labels.Count | Should -Be 2
        ($labels | Where-Object AlgoName -eq 'manual').Label | Should -Be 9
    }

    It 'takes ids from the pipeline by value and by property name, each tuboid once' {
        @($ids[1], $ids[1], $ids[2] | Get-ItcLabel).TuboidId | Should -Be @($ids[1], $ids[2])
        @(Get-StickyTuboid -Device '08038ade' | Get-ItcLabel).Count | Should -Be 4
    }

    It 'gives nothing, and no error, for tuboids without labels or unknown ids' {
        @(Get-ItcLabel -TuboidId $ids[3], 'no-such-tuboid' -ErrorVariable errs) | Should -BeNullOrEmpty
        $errs.Count | Should -Be 0
    }

    It 'refuses an empty id at binding' {
        $err = { Get-ItcLabel -TuboidId '' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*'
        $err.Exception.Message | Should -Match 'TuboidId'
    }

    It 'outputs labels that survive Export-Csv and ConvertTo-Json' {
        $labels = @(Get-ItcLabel -TuboidId $ids[0])
        $csv = Join-Path $TestDrive 'labels.csv'
        $labels | Export-Csv -LiteralPath $csv -NoTypeInformation
        (Import-Csv -LiteralPath $csv).Pattern | Should -Be $labels.Pattern
        (@($labels | ConvertTo-Json | ConvertFrom-Json)).AlgoVersion | Should -Be $labels.AlgoVersion
    }

    It 'has help with examples' {
        (Get-Help Get-ItcLabel -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}
