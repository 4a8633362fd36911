#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Tiled tuboids and ITC labels on a remote connection (StickyPi.Server on 127.0.0.1, upstream's wire protocol), as a
    user pipes them: Send-StickyTuboid, Get-StickyTuboid, Set-ItcLabel, Get-ItcLabel, Remove-StickyTuboid, a read-only
    user, and the same output as a local store gives for the same folders.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule

    function Utc([int] $y, [int] $mo, [int] $d, [int] $h) { [datetime]::new($y, $mo, $d, $h, 0, 0, [DateTimeKind]::Utc) }

    $server = Start-TestStickyServer
    $work = New-TestDirectory -Name 'remote-tuboids'
    $seriesDir = New-TestTuboidSeries -Directory $work -Device '08038ade' -TuboidNumber 0, 1, 2 -Shots 3
    $otherDir = New-TestTuboidSeries -Directory $work -Device '1b74105a' -Start (Utc 2020 9 17 10) -End (Utc 2020 9 18 10) -AlgoVersion '1700000000-abc' -TuboidNumber 0, 1
    $seriesName = Split-Path $seriesDir -Leaf
    $send = @{ AlgoName = 'tuboid-maker'; ImageCount = 40; TuboidCount = 3 }
    $label = @{ AlgoName = 'itc'; AlgoVersion = '1600000000-abc'; Label = 2; Pattern = '^Insecta.Diptera.*'; Type = 'Insecta'; Order = 'Diptera' }

    $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('admin:' + $server.Credential.GetNetworkCredential().Password))
    $null = Invoke-RestMethod -Method Post -Uri ($server.Url + 'put_users') -Headers @{ Authorization = "Basic $basic" } -ContentType 'application/json' `
        -Body '[{"username": "reader", "password": "reader-password-1", "can_write": false}]'
    $reader = [pscredential]::new('reader', (ConvertTo-SecureString 'reader-password-1' -AsPlainText -Force))

    # What a user sees of a tuboid, whichever store it comes from (ids, creation time and creator are each store's own).
    function Show-Tuboid { process { '{0} {1} {2} {3:s} {4:s} {5} {6} {7}' -f $_.TuboidId, $_.IdInSeries, $_.NShots, $_.StartDateTime, $_.EndDateTime, $_.DeviceSeries, $_.AlgoNameSeries, $_.NTuboidsSeries } }
}

AfterAll {
    Get-Variable -Name remote -Scope Script -ErrorAction SilentlyContinue | ForEach-Object { if ($_.Value) { Disconnect-StickyApi -Connection $_.Value } }
    Stop-TestStickyServer $server
    Remove-TestDirectory $work
}

Describe 'Tuboids on a remote connection' {
    BeforeAll { $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential }

    It 'Send-StickyTuboid sends a series folder and piped tuboid folders, one result each' {
        $results = @(Send-StickyTuboid -Path $seriesDir @send)
        $results.Status | Should -Be @('Sent', 'Sent', 'Sent')
        $results.TuboidId | Should -Be @("$seriesName.0000", "$seriesName.0001", "$seriesName.0002")
        $results[1].Tuboid.DeviceSeries | Should -Be '08038ade'
        $results[1].Tuboid.NShots | Should -Be 3
        $results[1].Tuboid.Id | Should -BeGreaterThan 0
        $results[1].Tuboid.StartDateTime | Should -Be ([datetime]::new(2020, 7, 8, 21, 1, 0, [DateTimeKind]::Utc))

        @(Get-ChildItem $otherDir -Directory | Send-StickyTuboid -AlgoName 'tuboid-maker' -ImageCount 20 -TuboidCount 2).Status | Should -Be @('Sent', 'Sent')
    }

    It 'refuses a tuboid past the series'' count as SeriesFull, each stored tuboid as DuplicateTuboid, and a broken folder alone' {
        $full = Send-StickyTuboid -LiteralPath (Join-Path $seriesDir "$seriesName.0000") @send -ErrorAction SilentlyContinue -ErrorVariable errs
        $full.Status | Should -Be 'Failed'
        Assert-ErrorRecord $errs[0] -ErrorId 'SeriesFull' -Category LimitsExceeded -TargetObject $full.Path

        # Another algorithm's series of the same bounds is not full, but its tuboid ids are stored already.
        $broken = Join-Path $TestDrive 'broken'
        Copy-Item $seriesDir $broken -Recurse
        $extra = Join-Path $broken "$seriesName.0005"
        Copy-Item (Join-Path $broken "$seriesName.0000") $extra -Recurse
        Remove-Item (Join-Path $extra 'context.jpg')
        $results = @(Send-StickyTuboid -LiteralPath $broken -AlgoName 'other-maker' -ImageCount 40 -TuboidCount 4 -ErrorAction SilentlyContinue -ErrorVariable errs)
        $results.Status | Should -Be @('Failed', 'Failed', 'Failed', 'Failed')
        $errs.Count | Should -Be 4
        @($errs[0..2] | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) | Sort-Object -Unique | Should -Be 'DuplicateTuboid'
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Assert-ErrorRecord $errs[3] -ErrorId 'MissingTuboidFile' -Category ObjectNotFound -TargetObject $extra
        $errs[3].Exception.Message | Should -Match 'context\.jpg'
    }

    It 'Get-StickyTuboid lists, filters and sorts as a local store does' {
        $all = @(Get-StickyTuboid)
        $all.Count | Should -Be 5
        $all.DeviceSeries | Should -Be @('08038ade', '08038ade', '08038ade', '1b74105a', '1b74105a')
        @(Get-StickyTuboid -Device '1b*').Count | Should -Be 2
        @(Get-StickyTuboid -StartTime (Utc 2020 7 8 20) -EndTime (Utc 2020 7 9 15)).Count | Should -Be 3
        @(Get-StickyTuboid -StartTime (Utc 2020 7 8 21) -EndTime (Utc 2020 12 1 0)).DeviceSeries | Sort-Object -Unique | Should -Be '1b74105a'

        $local = New-TestStore -Name 'remote-tuboids-local'
        try {
            Send-StickyTuboid -Path $seriesDir @send -Connection $local.Connection | Out-Null
            Send-StickyTuboid -Path $otherDir -AlgoName 'tuboid-maker' -ImageCount 20 -TuboidCount 2 -Connection $local.Connection | Out-Null
            @(Get-StickyTuboid -Connection $local.Connection | Show-Tuboid) | Should -Be @(Get-StickyTuboid -Connection $remote | Show-Tuboid)
        }
        finally {
            Remove-TestStore $local
        }
    }

    It 'Get-StickyTuboid -IncludeFile gives URLs that download the files that were sent' {
        $t = Get-StickyTuboid -Device '1b74105a' -IncludeFile -Connection $remote | Select-Object -First 1
        $t.TuboidFile | Should -BeLike 'http*'
        $sent = Get-Content -LiteralPath (Join-Path $otherDir "$($t.TuboidId)/metadata.txt") -Raw
        [Text.Encoding]::UTF8.GetString((Invoke-WebRequest -Uri $t.MetadataFile -UseBasicParsing).RawContentStream.ToArray()) | Should -Be $sent
        (Get-StickyTuboid -Device '1b74105a' -Connection $remote | Select-Object -First 1).TuboidFile | Should -BeNullOrEmpty
    }

    It 'completes -Device of Remove-StickyTuboid with the server''s series devices' {
        $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential
        $line = 'Remove-StickyTuboid -Device 1b'
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('1b74105a')
    }
}

Describe 'ITC labels on a remote connection' {
    BeforeAll { $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential }

    It 'Set-ItcLabel labels piped tuboids and outputs the stored labels with their ids' {
        $labels = @(Get-StickyTuboid -Device '08038ade' | Set-ItcLabel @label -Family 'Culicidae')
        $labels.Count | Should -Be 3
        $labels.TuboidId | Should -Be @("$seriesName.0000", "$seriesName.0001", "$seriesName.0002")
        $labels.Family | Sort-Object -Unique | Should -Be 'Culicidae'
        $labels | ForEach-Object { $_.Id | Should -BeGreaterThan 0 }
        $labels[0].Genus | Should -BeNullOrEmpty
    }

    It 'refuses a label for an unknown tuboid and a second label of one algorithm, and stores the rest' {
        $ids = "$seriesName.0000", "$seriesName.0042", ((Get-StickyTuboid -Device '1b74105a')[0].TuboidId)
        $out = @($ids | ForEach-Object { [pscustomobject]@{ TuboidId = $_ } } | Set-ItcLabel @label -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.Count | Should -Be 1
        $out[0].TuboidId | Should -Be $ids[2]
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DuplicateItcLabel,*'
        $errs[0].TargetObject | Should -Be $ids[0]
        $errs[1].FullyQualifiedErrorId | Should -BeLike 'TuboidNotFound,*'
        $errs[1].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[1].TargetObject | Should -Be $ids[1]
    }

    It 'completes -AlgoName of Set-ItcLabel and Remove-StickyTuboid with the server''s label and series algorithms' {
        $line = 'Set-ItcLabel -AlgoName i'
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('itc')
        $line = 'Remove-StickyTuboid -AlgoName tub'
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('tuboid-maker')
    }

    It 'Get-ItcLabel takes tuboids from the pipeline; an unknown tuboid has no label' {
        $got = @(Get-StickyTuboid | Get-ItcLabel)
        $got.Count | Should -Be 4
        $got.TuboidId | Should -Be (@(Get-StickyTuboid)[0, 1, 2, 3].TuboidId)
        $got.Order | Sort-Object -Unique | Should -Be 'Diptera'
        @(Get-ItcLabel -TuboidId "$seriesName.0042") | Should -BeNullOrEmpty
    }

    It 'Get-StickyTuboid -WithLabel joins the labels, one row per tuboid and label' {
        $rows = @(Get-StickyTuboid -WithLabel)
        $rows.Count | Should -Be 5
        @($rows | Where-Object { $_.ItcLabel }).Count | Should -Be 4
        ($rows | Where-Object { -not $_.ItcLabel }).TuboidId | Should -Be (@(Get-StickyTuboid)[4].TuboidId)
        $rows[0].Label | Should -Be 2
    }
}

Describe 'A read-only server user and tuboids' {
    It 'may read tuboids and labels, but Send-StickyTuboid, Set-ItcLabel and Remove-StickyTuboid are refused' {
        $ro = Connect-StickyApi -Uri $server.Url -Credential $reader
        try {
            @(Get-StickyTuboid -Connection $ro).Count | Should -Be 5
            @(Get-StickyTuboid -Connection $ro | Get-ItcLabel -Connection $ro).Count | Should -Be 4
            $sendError = { Send-StickyTuboid -Path $seriesDir @send -Connection $ro -ErrorAction Stop } | Should -Throw -PassThru
            $sendError.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $set = { Get-StickyTuboid -Device '1b74105a' -Connection $ro | Select-Object -Last 1 | Set-ItcLabel @label -Connection $ro -ErrorAction Stop } | Should -Throw -PassThru
            Assert-ErrorRecord $set -ErrorId 'RemoteAccessDenied' -Category PermissionDenied
            $remove = { Remove-StickyTuboid -Device '*' -Confirm:$false -Connection $ro -ErrorAction Stop } | Should -Throw -PassThru
            Assert-ErrorRecord $remove -ErrorId 'RemoteAccessDenied' -Category PermissionDenied
            $remove.Exception.Message | Should -BeLike "*$($server.Url)*403*"
            @(Get-StickyTuboid -Connection $ro).Count | Should -Be 5
            @(Get-ItcLabel -TuboidId (Get-StickyTuboid -Connection $ro).TuboidId -Connection $ro).Count | Should -Be 4
        }
        finally {
            Disconnect-StickyApi -Connection $ro
        }
    }
}

Describe 'Remove-StickyTuboid on a remote connection' {
    BeforeAll { $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential }

    It 'removes the series of piped tuboids once, with their labels, and passes the series through' {
        $tuboids = @(Get-StickyTuboid -Device '08038ade')
        $removed = @($tuboids | Remove-StickyTuboid -Confirm:$false -PassThru)
        $removed.Count | Should -Be 1
        $removed[0].Device | Should -Be '08038ade'
        $removed[0].NTuboids | Should -Be 3
        $removed[0].NImages | Should -Be 40
        (Get-StickyTuboid).DeviceSeries | Sort-Object -Unique | Should -Be '1b74105a'
        @(Get-ItcLabel -TuboidId $tuboids.TuboidId) | Should -BeNullOrEmpty
    }

    It 'removes only the series of -AlgoName, and a removed series can be sent again' {
        Remove-StickyTuboid -Device '1b74105a' -AlgoName 'someone-else' -Confirm:$false -ErrorAction SilentlyContinue
        @(Get-StickyTuboid -Device '1b74105a').Count | Should -Be 2
        Remove-StickyTuboid -Device '1b74105a' -SeriesStartDateTime (Utc 2020 9 1 0) -SeriesEndDateTime (Utc 2020 10 1 0) -AlgoName 'tuboid-maker' -Confirm:$false
        @(Get-StickyTuboid) | Should -BeNullOrEmpty
        @(Send-StickyTuboid -Path $seriesDir @send).Status | Should -Be @('Sent', 'Sent', 'Sent')
    }
}
