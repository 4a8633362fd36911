#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Set-UidAnnotation, Get-UidAnnotation and Get-StickyImageToAnnotate: annotating piped images, annotation files in
    upstream's item format, reading them back, and the reserve-annotate loop of annotation workers.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule

    function Utc([int] $y, [int] $mo, [int] $d, [int] $h, [int] $mi, [int] $s) { [datetime]::new($y, $mo, $d, $h, $mi, $s, [DateTimeKind]::Utc) }
    function Key([string] $device, [datetime] $t) { '{0}@{1}' -f $device, $t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [cultureinfo]::InvariantCulture) }

    $work = New-TestDirectory -Name 'annotations-input'
    $t0 = Utc 2020 7 5 20 0 0
    0..9 | ForEach-Object { New-TestImage -Directory $work -Device '5c173ff2' -DateTime $t0.AddMinutes(20 * $_) -Index $_ } | Out-Null
    0..1 | ForEach-Object { New-TestImage -Directory $work -Device '0a5bb6f4' -DateTime $t0.AddMinutes(20 * $_) -Index ($_ + 10) } | Out-Null
    $insects = @(
        @{ contour = @(@(@(10, 10)), @(@(20, 10)), @(@(20, 20))); name = 'insect'; value = 0; fill_colour = '#ff0000'; stroke_colour = '#0000ff' }
        @{ contour = @(@(@(30, 30)), @(@(40, 30)), @(@(40, 40))); name = 'insect'; value = 1; fill_colour = '#00ff00'; stroke_colour = '#0000ff' }
    )
}

AfterAll {
    Remove-TestDirectory $work
}

Describe 'Set-UidAnnotation' {
    BeforeEach {
        $s = New-TestStore -Name 'set-annotation'
        Send-StickyImage -Path $work | Out-Null
    }
    AfterEach { Remove-TestStore $s }

    It 'annotates piped images (Device, DateTime and Md5 by property name) and outputs what it stored' {
        $series = @(Get-StickySeries -Device '0a5bb6f4')
        $stored = @($series | Set-UidAnnotation -AlgoName 'insect-detector' -AlgoVersion '1700000000-abc' -Annotation $insects)
        $stored.Count | Should -Be 2
        $stored.Device | Sort-Object -Unique | Should -Be '0a5bb6f4'
        $stored.NObjects | Sort-Object -Unique | Should -Be 2
        $stored.AlgoName | Sort-Object -Unique | Should -Be 'insect-detector'
        $stored[0].ParentImageId | Should -Be $series[0].Id
    }

    It 'stores the annotation objects verbatim in upstream''s item format' {
        Get-StickySeries -Device '0a5bb6f4' | Select-Object -First 1 | Set-UidAnnotation -AlgoName 'verbatim' -AlgoVersion '1-a' -Annotation $insects | Out-Null
        $item = (Get-UidAnnotation -Device '0a5bb6f4' -DateTime $t0 -IncludeData | Where-Object AlgoName -eq 'verbatim').Json | ConvertFrom-Json
        $item.annotations.Count | Should -Be 2
        $item.annotations[1].fill_colour | Should -Be '#00ff00'
        ($item.annotations[0].contour | ConvertTo-Json -Compress) | Should -Be ($insects[0].contour | ConvertTo-Json -Compress)
        $item.metadata.algo_version | Should -Be '1-a'
        $item.metadata.device | Should -Be '0a5bb6f4'
        $item.metadata.md5 | Should -Be (Get-StickyImage -Device '0a5bb6f4' -DateTime $t0).Md5
    }

    It 'stores annotation files given by path (one item or an array of items)' {
        Get-StickySeries -Device '0a5bb6f4' | Set-UidAnnotation -AlgoName 'exported' -AlgoVersion '2-b' -Annotation $insects[0] | Out-Null
        $items = @(Get-UidAnnotation -Device '0a5bb6f4' -StartTime $t0 -EndTime $t0.AddDays(1) -IncludeData)
        Set-Content -LiteralPath (Join-Path $TestDrive 'one.json') -Value $items[0].Json
        Set-Content -LiteralPath (Join-Path $TestDrive 'many.json') -Value ('[' + ($items.Json -join ',') + ']')

        $copy = New-TestStore -Name 'set-annotation-copy'
        try {
            Send-StickyImage -Path $work -Connection $copy.Connection | Out-Null
            $fromOne = @(Set-UidAnnotation -LiteralPath (Join-Path $TestDrive 'one.json') -Connection $copy.Connection)
            $fromOne.Count | Should -Be 1
            $fromOne[0].DateTime | Should -Be $t0
            Remove-Item (Join-Path $TestDrive 'one.json')
            # The item already stored is refused (duplicate); the other one of the array is stored.
            $fromMany = @(Get-ChildItem $TestDrive -Filter *.json | Set-UidAnnotation -Connection $copy.Connection -ErrorAction SilentlyContinue -ErrorVariable errs)
            $fromMany.DateTime | Should -Be $t0.AddMinutes(20)
            $errs.Count | Should -Be 1
            Assert-ErrorRecord $errs[0] -ErrorId 'DuplicateAnnotation' -Category ResourceExists -TargetObject (Join-Path $TestDrive 'many.json')
        }
        finally {
            Remove-TestStore $copy
            Connect-StickyApi -LocalDir $s.Directory | Out-Null
        }
    }

    It 'reports each bad item (wrong md5, unknown image) and stores the rest' {
        $good = Get-StickyImage -Device '0a5bb6f4' -DateTime $t0
        $items = @(
            $good
            [pscustomobject]@{ Device = '0a5bb6f4'; DateTime = $t0.AddMinutes(20); Md5 = '0' * 32 }
            [pscustomobject]@{ Device = 'ffffffff'; DateTime = $t0; Md5 = 'f' * 32 }
        )
        $stored = @($items | Set-UidAnnotation -AlgoName 'mixed' -AlgoVersion '1-a' -ErrorAction SilentlyContinue -ErrorVariable errs)
        $stored.Count | Should -Be 1
        $stored[0].DateTime | Should -Be $t0
        $errs.Count | Should -Be 2
        $byId = @{}
        foreach ($e in $errs) { $byId[$e.FullyQualifiedErrorId.Split(',')[0]] = $e }
        Assert-ErrorRecord $byId['Md5Mismatch'] -ErrorId 'Md5Mismatch' -Category InvalidData -TargetObject (Key '0a5bb6f4' $t0.AddMinutes(20))
        Assert-ErrorRecord $byId['ParentImageNotFound'] -ErrorId 'ParentImageNotFound' -Category ObjectNotFound -TargetObject (Key 'ffffffff' $t0)
    }

    It 'throws the first bad item under -ErrorAction Stop and stores nothing of it' {
        $err = { [pscustomobject]@{ Device = 'ffffffff'; DateTime = $t0; Md5 = 'f' * 32 } | Set-UidAnnotation -AlgoName 'stop' -AlgoVersion '1-a' -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'ParentImageNotFound' -Category ObjectNotFound -TargetObject (Key 'ffffffff' $t0)
        @(Get-UidAnnotation -Device '*' -StartTime $t0 -EndTime $t0.AddDays(1) | Where-Object AlgoName -eq 'stop') | Should -BeNullOrEmpty
    }

    It 'refuses an md5 that is not 32 hexadecimal digits at binding' {
        $err = { Set-UidAnnotation -Device '0a5bb6f4' -DateTime $t0 -Md5 'abc' -AlgoName 'x' -AlgoVersion '1' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $err.Exception.Message | Should -Match 'Md5'
    }

    It 'stores nothing under -WhatIf' {
        $r = Invoke-Hostless 'param($c) Get-StickySeries -Connection $c | Set-UidAnnotation -AlgoName w -AlgoVersion 1 -WhatIf -Connection $c' $s.Connection
        $r.Output.Count | Should -Be 0
        @(Get-UidAnnotation -Device '*' -StartTime $t0 -EndTime $t0.AddDays(1)) | Should -BeNullOrEmpty
    }

    It 'asks when $ConfirmPreference is Medium, and stores with -Confirm:$false' {
        $script = 'param($c) $ConfirmPreference = "Medium"; Get-StickySeries -Device 0a5bb6f4 -Connection $c | Set-UidAnnotation -AlgoName confirm -AlgoVersion 1 -Connection $c'
        $r = Invoke-Hostless $script $s.Connection
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-UidAnnotation -Device '*' -StartTime $t0 -EndTime $t0.AddDays(1)) | Should -BeNullOrEmpty
        $r = Invoke-Hostless ($script + ' -Confirm:$false') $s.Connection
        $r.Output.Count | Should -Be 2
    }

    It 'outputs annotations that survive Export-Csv and ConvertTo-Json' {
        $stored = @(Get-StickySeries -Device '0a5bb6f4' | Set-UidAnnotation -AlgoName 'csv' -AlgoVersion '1-a' -Annotation $insects)
        $csv = Join-Path $TestDrive 'annotations.csv'
        $stored | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.AlgoName | Sort-Object -Unique | Should -Be 'csv'
        [int]$rows[0].NObjects | Should -Be 2
        $rows[1].Device | Should -Be '0a5bb6f4'
        $json = @($stored | ConvertTo-Json | ConvertFrom-Json)
        $json.Id | Should -Be $stored.Id
        ([datetime]$json[1].DateTime).ToUniversalTime() | Should -Be $stored[1].DateTime
    }

    It 'has help with examples' {
        (Get-Help Set-UidAnnotation -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-UidAnnotation' {
    BeforeAll {
        $s = New-TestStore -Name 'get-annotation'
        Send-StickyImage -Path $work | Out-Null
        Get-StickySeries -Device '5c173ff2' | Select-Object -First 3 | Set-UidAnnotation -AlgoName 'detector' -AlgoVersion '1-a' -Annotation $insects | Out-Null
        Get-StickySeries -Device '5c173ff2' | Select-Object -First 1 | Set-UidAnnotation -AlgoName 'detector' -AlgoVersion '2-b' -Annotation $insects[0] | Out-Null
        Get-StickySeries -Device '0a5bb6f4' | Set-UidAnnotation -AlgoName 'other' -AlgoVersion '1-a' | Out-Null
    }
    AfterAll { Remove-TestStore $s }

    It 'gets the annotations of piped images (by property name), every algorithm and version' {
        $annotations = @(Get-StickySeries -Device '5c173ff2' | Get-UidAnnotation)
        $annotations.Count | Should -Be 4
        @($annotations | Where-Object AlgoVersion -eq '2-b').DateTime | Should -Be $t0
        $annotations | ForEach-Object { $_.Json | Should -BeNullOrEmpty }
    }

    It 'gets one image''s annotations by device and time' {
        $annotations = @(Get-UidAnnotation -Device '5c173ff2' -DateTime $t0.AddMinutes(20))
        $annotations.AlgoVersion | Should -Be '1-a'
        $annotations.NObjects | Should -Be 2
    }

    It 'gets a series by device wildcard and time window' {
        $window = @(Get-UidAnnotation -Device '*' -StartTime $t0 -EndTime $t0.AddMinutes(40))
        ($window | ForEach-Object { "$($_.Device) $($_.AlgoVersion)" } | Sort-Object) | Should -Be @(
            '0a5bb6f4 1-a', '0a5bb6f4 1-a', '5c173ff2 1-a', '5c173ff2 1-a', '5c173ff2 2-b')
        @(Get-UidAnnotation -Device '0a5*' -StartTime $t0 -EndTime $t0.AddDays(1)).Count | Should -Be 2
    }

    It 'includes the stored JSON with -IncludeData' {
        $a = Get-UidAnnotation -Device '5c173ff2' -DateTime $t0 -IncludeData | Where-Object AlgoVersion -eq '2-b'
        $item = $a.Json | ConvertFrom-Json
        $item.annotations.Count | Should -Be $a.NObjects
        $item.metadata.algo_name | Should -Be 'detector'
    }

    It 'gives nothing, and no error, for images without annotations or not stored' {
        $none = @(
            [pscustomobject]@{ Device = '5c173ff2'; DateTime = $t0.AddMinutes(180) }
            [pscustomobject]@{ Device = 'ffffffff'; DateTime = $t0 }
        ) | Get-UidAnnotation -ErrorVariable errs
        $none | Should -BeNullOrEmpty
        $errs.Count | Should -Be 0
    }

    It 'refuses a date that is not a date at binding, naming the parameter' {
        $err = { Get-UidAnnotation -Device '5c173ff2' -DateTime 'soon' -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'DateTime'
    }

    It 'outputs annotations that survive Export-Csv and ConvertTo-Json' {
        $annotations = @(Get-UidAnnotation -Device '*' -StartTime $t0 -EndTime $t0.AddDays(1) -IncludeData)
        $csv = Join-Path $TestDrive 'get-annotations.csv'
        $annotations | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.Count | Should -Be $annotations.Count
        ($rows[0].Json | ConvertFrom-Json).metadata.device | Should -Be $annotations[0].Device
        $json = @($annotations | ConvertTo-Json | ConvertFrom-Json)
        $json.AlgoName | Should -Be $annotations.AlgoName
    }

    It 'has help with examples' {
        (Get-Help Get-UidAnnotation -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-StickyImageToAnnotate' {
    BeforeEach {
        $s = New-TestStore -Name 'to-annotate'
        Send-StickyImage -Path $work | Out-Null
    }
    AfterEach { Remove-TestStore $s }

    It 'hands out at most 8 images and never the same one twice while reserved' {
        $first = @(Get-StickyImageToAnnotate -AlgoName 'worker' -AlgoVersion '1-a')
        $first.Count | Should -Be 8
        $second = @(Get-StickyImageToAnnotate -AlgoName 'worker' -AlgoVersion '1-a')
        $second.Count | Should -Be 4
        @($first.Id | Where-Object { $_ -in $second.Id }) | Should -BeNullOrEmpty
        @(Get-StickyImageToAnnotate -AlgoName 'worker' -AlgoVersion '1-a') | Should -BeNullOrEmpty
        # Reservations hold for every algorithm, as upstream's: another one gets nothing either.
        @(Get-StickyImageToAnnotate -AlgoName 'other' -AlgoVersion '2-a') | Should -BeNullOrEmpty
    }

    It 'leaves out images already annotated by that algorithm and version' {
        Get-StickySeries -Device '5c173ff2' | Set-UidAnnotation -AlgoName 'worker' -AlgoVersion '1-a' | Out-Null
        $todo = @(Get-StickyImageToAnnotate -AlgoName 'worker' -AlgoVersion '1-a')
        $todo.Device | Sort-Object -Unique | Should -Be '0a5bb6f4'
        $todo.Count | Should -Be 2
    }

    It 'takes the device and window by property name and pipes into Set-UidAnnotation (the worker loop)' {
        $todo = @([pscustomobject]@{ Device = '5c17*'; StartTime = $t0; EndTime = $t0.AddHours(1) } | Get-StickyImageToAnnotate -AlgoName 'loop' -AlgoVersion '1-a' -What Image)
        $todo.Count | Should -Be 3
        $todo.Url | ForEach-Object { Test-Path -LiteralPath $_ | Should -BeTrue }
        $stored = @($todo | Set-UidAnnotation -AlgoName 'loop' -AlgoVersion '1-a' -Annotation $insects[0])
        $stored.Count | Should -Be 3
        @(Get-UidAnnotation -Device '5c173ff2' -StartTime $t0 -EndTime $t0.AddHours(1)).AlgoName | Sort-Object -Unique | Should -Be 'loop'
    }

    It 'reports a bad -What value at binding, naming the accepted values' {
        $err = { Get-StickyImageToAnnotate -AlgoName 'w' -AlgoVersion '1' -What 'Everything' -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'Thumbnail'
    }

    It 'outputs images that survive ConvertTo-Json and Export-Csv' {
        $todo = @(Get-StickyImageToAnnotate -AlgoName 'json' -AlgoVersion '1-a' -Device '0a5bb6f4')
        $json = @($todo | ConvertTo-Json | ConvertFrom-Json)
        $json.Md5 | Should -Be $todo.Md5
        $csv = Join-Path $TestDrive 'todo.csv'
        $todo | Export-Csv -LiteralPath $csv -NoTypeInformation
        (Import-Csv -LiteralPath $csv).Id | Should -Be ([string[]]$todo.Id)
    }

    It 'has help with examples' {
        (Get-Help Get-StickyImageToAnnotate -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}
