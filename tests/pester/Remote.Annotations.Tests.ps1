#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    UID annotations over a remote connection, as an annotation worker or a lab admin pipes them: Connect-StickyApi -Uri
    against StickyPi.Server on 127.0.0.1, images sent, then Get-StickyImageToAnnotate | Set-UidAnnotation,
    Get-UidAnnotation by piped image and by series, Get-StickySeries -WithAnnotation, bad items reported one by one,
    a read-only user, and -Device/-AlgoName completion from the server.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule

    $server = Start-TestStickyServer
    $work = New-TestDirectory -Name 'remote-annotations-input'
    $t0 = [datetime]::new(2020, 7, 5, 20, 0, 0, [DateTimeKind]::Utc)
    0..9 | ForEach-Object { New-TestImage -Directory $work -Device '5c173ff2' -DateTime $t0.AddMinutes(20 * $_) -Index $_ } | Out-Null
    # Recent images: device completion samples the last two years, not the whole catalog.
    $recent = [datetime]::UtcNow.AddMinutes(-30)
    $recent = [datetime]::new($recent.Year, $recent.Month, $recent.Day, $recent.Hour, $recent.Minute, 0, [DateTimeKind]::Utc)
    New-TestImage -Directory $work -Device '0a5bb6f4' -DateTime $recent -Index 10 | Out-Null
    $insects = @(
        @{ contour = @(@(@(10, 10)), @(@(20, 10)), @(@(20, 20))); name = 'insect'; value = 0; fill_colour = '#ff0000'; stroke_colour = '#0000ff' }
        @{ contour = @(@(@(30, 30)), @(@(40, 30)), @(@(40, 40))); name = 'insect'; value = 1; fill_colour = '#00ff00'; stroke_colour = '#0000ff' }
    )

    $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('admin:' + $server.Credential.GetNetworkCredential().Password))
    $null = Invoke-RestMethod -Method Post -Uri ($server.Url + 'put_users') -Headers @{ Authorization = "Basic $basic" } -ContentType 'application/json' `
        -Body '[{"username": "reader", "password": "reader-password-1", "can_write": false}]'
    $reader = [pscredential]::new('reader', (ConvertTo-SecureString 'reader-password-1' -AsPlainText -Force))

    $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential
    $sent = @(Send-StickyImage -Path $work)
}

AfterAll {
    Get-Variable -Name remote -Scope Script -ErrorAction SilentlyContinue | ForEach-Object { if ($_.Value) { Disconnect-StickyApi -Connection $_.Value } }
    Stop-TestStickyServer $server
    Remove-TestDirectory $work
}

Describe 'Annotating over a remote connection' {
    It 'sent the images to annotate' {
        $sent.Count | Should -Be 11
        $sent.Status | Sort-Object -Unique | Should -Be 'Sent'
    }

    It 'Set-UidAnnotation stores piped images'' annotations on the server and outputs the stored rows' {
        $series = @(Get-StickySeries -Device '5c173ff2' -StartTime $t0 -EndTime $t0.AddMinutes(40))
        $stored = @($series | Set-UidAnnotation -AlgoName 'insect-detector' -AlgoVersion '1700000000-abc' -Annotation $insects)
        $stored.Count | Should -Be 2
        $stored.Device | Sort-Object -Unique | Should -Be '5c173ff2'
        $stored.DateTime | Should -Be $series.DateTime
        $stored.NObjects | Sort-Object -Unique | Should -Be 2
        $stored[0].ParentImageId | Should -Be $series[0].Id
        $stored.Id | ForEach-Object { $_ | Should -BeGreaterThan 0 }
    }

    It 'Get-UidAnnotation reads them back by piped image and by series, with the stored item in upstream''s format' {
        $byImage = @(Get-StickySeries -Device '5c173ff2' | Get-UidAnnotation)
        $byImage.Count | Should -Be 2
        $byImage | ForEach-Object { $_.Json | Should -BeNullOrEmpty }

        $bySeries = @(Get-UidAnnotation -Device '5c17*' -StartTime $t0 -EndTime $t0.AddDays(1) -IncludeData)
        $bySeries.Id | Should -Be $byImage.Id
        $item = $bySeries[1].Json | ConvertFrom-Json
        $item.annotations.Count | Should -Be 2
        $item.annotations[1].fill_colour | Should -Be '#00ff00'
        $item.metadata.algo_name | Should -Be 'insect-detector'
        $item.metadata.md5 | Should -Be (Get-StickyImage -Device '5c173ff2' -DateTime $t0.AddMinutes(20)).Md5
    }

    It 'Get-StickySeries -WithAnnotation joins the images with their annotations' {
        $joined = @(Get-StickySeries -Device '5c173ff2' -WithAnnotation)
        $joined.Count | Should -Be 10
        @($joined | Where-Object AlgoName -eq 'insect-detector').Count | Should -Be 2
        @($joined | Where-Object { $null -eq $_.AlgoName }).Count | Should -Be 8
    }

    It 'reports each bad item (unknown image, wrong md5, already stored) with the embedded store''s error, and stores the rest' {
        $images = @(Get-StickySeries -Device '5c173ff2')
        $good = $images[5]
        $wrongMd5 = [pscustomobject]@{ Device = '5c173ff2'; DateTime = $images[6].DateTime; Md5 = '0' * 32 }
        $missing = [pscustomobject]@{ Device = '5c173ff2'; DateTime = $t0.AddDays(3); Md5 = $good.Md5 }
        $stored = @($good, $wrongMd5, $missing, $images[0] |
            Set-UidAnnotation -AlgoName 'insect-detector' -AlgoVersion '1700000000-abc' -Annotation $insects -ErrorAction SilentlyContinue -ErrorVariable errs)
        $stored.Count | Should -Be 1
        $stored[0].DateTime | Should -Be $good.DateTime
        @($errs | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) | Should -Be @('Md5Mismatch', 'ParentImageNotFound', 'DuplicateAnnotation')
        $errs[0].Exception.Message | Should -BeLike "*differs from the stored image's*"
        @(Get-UidAnnotation -Device '5c173ff2' -StartTime $t0 -EndTime $t0.AddDays(1)).Count | Should -Be 3
    }

    It 'Get-StickyImageToAnnotate reserves images for a worker, who annotates them' {
        $batch = @(Get-StickyImageToAnnotate -AlgoName 'insect-detector' -AlgoVersion '1700000000-abc' -Device '5c17*')
        $batch.Count | Should -Be 7   # 10 images, 3 annotated by this version
        ($batch | ForEach-Object { $_.DateTime.ToString('s') }) | Should -Be ($batch | Sort-Object DateTime | ForEach-Object { $_.DateTime.ToString('s') })
        @(Get-StickyImageToAnnotate -AlgoName 'insect-detector' -AlgoVersion '1700000000-abc' -Device '5c17*').Count | Should -Be 0

        $done = @($batch | Set-UidAnnotation -AlgoName 'insect-detector' -AlgoVersion '1700000000-abc' -Annotation $insects[0])
        $done.Count | Should -Be 7
        @(Get-UidAnnotation -Device '5c173ff2' -StartTime $t0 -EndTime $t0.AddDays(1)).Count | Should -Be 10
    }

    It 'Set-UidAnnotation -WhatIf stores nothing' {
        $image = Get-StickySeries -Device '0a5bb6f4'
        $image | Set-UidAnnotation -AlgoName 'what-if' -AlgoVersion '1' -WhatIf | Should -BeNullOrEmpty
        @($image | Get-UidAnnotation).Count | Should -Be 0
    }

    It 'completes -Device and -AlgoName with the server''s recent devices and algorithm names' {
        Get-StickySeries -Device '0a5bb6f4' | Set-UidAnnotation -AlgoName 'insect-tuboid' -AlgoVersion '1' | Out-Null
        $line = 'Get-UidAnnotation -Device 0a5'
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('0a5bb6f4')
        $line = 'Get-StickyImageToAnnotate -AlgoVersion 1 -AlgoName insect-t'
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('insect-tuboid')
    }
}

Describe 'A read-only server user' {
    It 'may read annotations, but Set-UidAnnotation and Get-StickyImageToAnnotate stop with PermissionDenied' {
        $ro = Connect-StickyApi -Uri $server.Url -Credential $reader
        try {
            @(Get-UidAnnotation -Device '*' -StartTime $t0 -EndTime $t0.AddDays(1) -Connection $ro).Count | Should -Be 10
            $image = Get-StickySeries -Device '5c173ff2' -Connection $ro | Select-Object -First 1
            $err = { $image | Set-UidAnnotation -AlgoName 'ro' -AlgoVersion '1' -Connection $ro } | Should -Throw -PassThru
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err = { Get-StickyImageToAnnotate -AlgoName 'ro' -AlgoVersion '1' -Connection $ro } | Should -Throw -PassThru
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        finally {
            Disconnect-StickyApi -Connection $ro
        }
    }
}
