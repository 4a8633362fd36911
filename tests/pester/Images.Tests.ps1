#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Send-StickyImage, Get-StickyImage, Get-StickySeries and Remove-StickyImage as a user drives them: files from
    Get-ChildItem, keys from objects, wildcards and time windows, dry runs and confirmations, per-file errors, and the
    objects they output exported to CSV and JSON.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule

    function Get-Md5([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm MD5).Hash.ToLowerInvariant() }
    function Utc([int] $y, [int] $mo, [int] $d, [int] $h, [int] $mi, [int] $s) { [datetime]::new($y, $mo, $d, $h, $mi, $s, [DateTimeKind]::Utc) }
    function Key([string] $device, [datetime] $t) { '{0}@{1}' -f $device, $t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [cultureinfo]::InvariantCulture) }

    # A small season: two devices in the 2020 EXIF format, one in the 2022 format.
    $work = New-TestDirectory -Name 'images-input'
    $t0 = Utc 2020 7 5 20 0 0
    $files = @(
        0..2 | ForEach-Object { New-TestImage -Directory $work -Device '5c173ff2' -DateTime $t0.AddMinutes(20 * $_) -Format Legacy2020 -Index $_ }
        0..1 | ForEach-Object { New-TestImage -Directory $work -Device '0a5bb6f4' -DateTime $t0.AddMinutes(20 * $_) -Format Legacy2020 -Index ($_ + 3) }
        New-TestImage -Directory (Join-Path $work 'sub') -Device '1b74105a' -DateTime (Utc 2022 5 17 18 30 0) -Format Csv2022
    )
}

AfterAll {
    Remove-TestDirectory $work
}

Describe 'Send-StickyImage' {
    BeforeEach { $s = New-TestStore -Name 'send' }
    AfterEach { Remove-TestStore $s }

    It 'imports Get-ChildItem output (binding FullName by property name), one Sent result per file' {
        $results = @(Get-ChildItem $work -Recurse -Filter *.jpg | Send-StickyImage)
        $results.Count | Should -Be 6
        $results.Status | Sort-Object -Unique | Should -Be 'Sent'
        $first = $results | Where-Object Path -eq $files[0].FullName
        $first.Device | Should -Be '5c173ff2'
        $first.DateTime | Should -Be $t0
        $first.Md5 | Should -Be (Get-Md5 $files[0].FullName)
        @(Get-StickySeries).Count | Should -Be 6
    }

    It 'takes path strings from the pipeline (by value) and wildcards' {
        $results = @((Join-Path $work '5c173ff2.*.jpg'), (Join-Path $work '0a5bb6f4.2020-07-05_20-00-00.jpg') | Send-StickyImage)
        $results.Count | Should -Be 4
        ($results.Device | Sort-Object -Unique) | Should -Be @('0a5bb6f4', '5c173ff2')
    }

    It 'imports a folder, descending into sub-folders only with -Recurse' {
        @(Send-StickyImage -Path $work).Count | Should -Be 5
        $deep = @(Send-StickyImage -Path $work -Recurse)
        ($deep | Where-Object Status -eq 'Sent').Device | Should -Be '1b74105a'
        ($deep | Where-Object Status -eq 'Skipped').Count | Should -Be 5
    }

    It 'reads both on-device EXIF formats' {
        Send-StickyImage -Path $work -Recurse | Out-Null
        $legacy = Get-StickyImage -Device '5c173ff2' -DateTime $t0
        $csv = Get-StickyImage -Device '1b74105a' -DateTime (Utc 2022 5 17 18 30 0)
        $size = Get-TestJpegSize $files[0].FullName
        $legacy.Width | Should -Be $size.Width
        $legacy.Height | Should -Be $size.Height
        $legacy.Temp | Should -BeOfType [double]
        $legacy.Hum | Should -BeGreaterThan 0
        $csv.Temp | Should -BeOfType [double]
        $csv.Lat | Should -Not -BeNullOrEmpty
        $csv.Lng | Should -Not -BeNullOrEmpty
        $csv.DeviceVersion | Should -Not -BeNullOrEmpty
    }

    It 'reports a bad file as a non-terminating error and imports the rest (-ErrorAction SilentlyContinue -ErrorVariable)' {
        $bad = Join-Path $TestDrive '5c173ff2.2020-07-06_10-00-00.jpg'
        Set-Content -LiteralPath $bad -Value 'not a jpeg'
        $results = @(Send-StickyImage -LiteralPath $files[0].FullName, $bad, $files[1].FullName -ErrorAction SilentlyContinue -ErrorVariable errs)
        ($results | Where-Object Status -eq 'Sent').Count | Should -Be 2
        ($results | Where-Object Status -eq 'Failed').ErrorId | Should -Be 'NotAJpeg'
        $errs.Count | Should -Be 1
        Assert-ErrorRecord $errs[0] -ErrorId 'NotAJpeg' -Category InvalidData -TargetObject $bad
        $errs[0].FullyQualifiedErrorId | Should -Be 'NotAJpeg,StickyPi.PowerShell.Cmdlets.SendStickyImageCommand'
    }

    It 'stops at the first bad file under -ErrorAction Stop' {
        $bad = Join-Path $TestDrive '5c173ff2.2020-07-06_11-00-00.jpg'
        Set-Content -LiteralPath $bad -Value 'not a jpeg'
        $err = { Send-StickyImage -LiteralPath $bad -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'NotAJpeg' -Category InvalidData -TargetObject $bad
        @(Get-StickySeries).Count | Should -Be 0
    }

    It 'names the file of a bad name or a too-old image' {
        $odd = Join-Path $TestDrive 'holiday.jpg'
        $old = Join-Path $TestDrive '5c173ff2.2019-01-01_00-00-00.jpg'
        Copy-Item $files[0].FullName $odd
        Copy-Item $files[0].FullName $old
        Send-StickyImage -LiteralPath $odd, $old -ErrorAction SilentlyContinue -ErrorVariable errs | Out-Null
        $errs.Count | Should -Be 2
        $byTarget = @{}
        foreach ($e in $errs) { $byTarget[$e.TargetObject] = $e }
        Assert-ErrorRecord $byTarget[$odd] -ErrorId 'InvalidFileName' -Category InvalidData
        Assert-ErrorRecord $byTarget[$old] -ErrorId 'ImageTooOld' -Category InvalidData
        $byTarget[$old].Exception.Message | Should -Match '2019'
    }

    It 'reports a missing path, naming it, and imports the other inputs' {
        $missing = Join-Path $work 'ffffffff.2020-07-05_20-00-00.jpg'
        $results = @(Send-StickyImage -Path $missing, $files[0].FullName -ErrorAction SilentlyContinue -ErrorVariable errs)
        $results.Status | Should -Be 'Sent'
        $errs.Count | Should -Be 1
        Assert-ErrorRecord $errs[0] -ErrorId 'FileNotFound' -Category ObjectNotFound -TargetObject $missing
    }

    It 'treats a wildcard that matches nothing as nothing to do, as Get-Item does' {
        Send-StickyImage -Path (Join-Path $work 'ffffffff.*.jpg') -ErrorVariable errs | Should -BeNullOrEmpty
        $errs.Count | Should -Be 0
    }

    It 'refuses different content for a stored key unless -OnConflict says otherwise' {
        Send-StickyImage -LiteralPath $files[0].FullName | Out-Null
        $other = New-TestImage -Directory (Join-Path $TestDrive 'other') -Device '5c173ff2' -DateTime $t0 -Format Legacy2020 -Index 5
        $conflict = Send-StickyImage -LiteralPath $other.FullName -ErrorAction SilentlyContinue -ErrorVariable errs
        $conflict.Status | Should -Be 'Failed'
        Assert-ErrorRecord $errs[0] -ErrorId 'Md5Conflict' -Category ResourceExists -TargetObject $other.FullName
        (Send-StickyImage -LiteralPath $other.FullName -OnConflict Skip).Status | Should -Be 'Skipped'
        (Get-StickyImage -Device '5c173ff2' -DateTime $t0).Md5 | Should -Be (Get-Md5 $files[0].FullName)
        (Send-StickyImage -LiteralPath $other.FullName -OnConflict Replace).Status | Should -Be 'Sent'
        (Get-StickyImage -Device '5c173ff2' -DateTime $t0).Md5 | Should -Be (Get-Md5 $other.FullName)
    }

    It 'stops with MaxFailuresReached after -MaxFailures failed files' {
        1..3 | ForEach-Object { Set-Content -LiteralPath (Join-Path $TestDrive "0a5bb6f4.2020-08-0$($_)_00-00-00.jpg") -Value 'bad' }
        $err = { Get-ChildItem $TestDrive -Filter '0a5bb6f4.2020-08-*.jpg' | Send-StickyImage -MaxFailures 1 -ErrorAction SilentlyContinue } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'MaxFailuresReached' -Category LimitsExceeded
    }

    It 'stores nothing under -WhatIf' {
        $r = Invoke-Hostless 'param($c, $p) Send-StickyImage -Path $p -Recurse -WhatIf -Connection $c' $s.Connection, $work
        $r.Output.Count | Should -Be 0
        $r.Exception | Should -BeNullOrEmpty
        @(Get-StickySeries).Count | Should -Be 0
        Test-Path (Join-Path $s.Directory 'raw_images/5c173ff2') | Should -BeFalse
    }

    It 'asks before each file when $ConfirmPreference is Medium, and not with -Confirm:$false' {
        $r = Invoke-Hostless 'param($c, $f) $ConfirmPreference = "Medium"; Send-StickyImage -LiteralPath $f -Connection $c' $s.Connection, $files[0].FullName
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickySeries).Count | Should -Be 0
        $r = Invoke-Hostless 'param($c, $f) $ConfirmPreference = "Medium"; Send-StickyImage -LiteralPath $f -Connection $c -Confirm:$false' $s.Connection, $files[0].FullName
        $r.Output.Status | Should -Be 'Sent'
        @(Get-StickySeries).Count | Should -Be 1
    }

    It 'outputs results that survive Export-Csv and ConvertTo-Json' {
        $results = @(Send-StickyImage -Path $work)
        $csv = Join-Path $TestDrive 'results.csv'
        $results | Export-Csv -LiteralPath $csv -NoTypeInformation
        $back = @(Import-Csv -LiteralPath $csv)
        $back.Count | Should -Be $results.Count
        $back[0].Path | Should -Be $results[0].Path
        $back[0].Status | Should -Be 'Sent'
        $back[0].Md5 | Should -Be $results[0].Md5
        $json = $results | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $json.Count | Should -Be $results.Count
        $json[0].Device | Should -Be $results[0].Device
        $json[0].Status | Should -Be ([int]$results[0].Status)
        ([datetime]$json[0].DateTime).ToUniversalTime() | Should -Be $results[0].DateTime
    }

    It 'has help with examples' {
        (Get-Help Send-StickyImage -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-StickyImage' {
    BeforeAll {
        $s = New-TestStore -Name 'get-image'
        $sent = @(Send-StickyImage -Path $work -Recurse)
    }
    AfterAll { Remove-TestStore $s }

    It 'gets one image by device and time, with its catalog values' {
        $img = Get-StickyImage -Device '5c173ff2' -DateTime $t0
        $img.Device | Should -Be '5c173ff2'
        $img.DateTime | Should -Be $t0
        $img.DateTime.Kind | Should -Be 'Utc'
        $img.Md5 | Should -Be (Get-Md5 $files[0].FullName)
        $img.Id | Should -BeGreaterThan 0
    }

    It 'takes Device and DateTime by property name from import results' {
        $images = @($sent | Get-StickyImage)
        $images.Count | Should -Be $sent.Count
        ($images.Md5 | Sort-Object) | Should -Be ($sent.Md5 | Sort-Object)
    }

    It 'gives stored file paths with -What Image, Thumbnail and ThumbnailMini' {
        $image = Get-StickyImage '5c173ff2' $t0 -What Image
        $image.Url | Should -BeLike '*5c173ff2.2020-07-05_20-00-00.jpg'
        (Get-Md5 $image.Url) | Should -Be $image.Md5
        $thumb = Get-StickyImage '5c173ff2' $t0 -What Thumbnail
        $thumb.Url | Should -BeLike '*.thumbnail'
        Test-Path -LiteralPath $thumb.Url | Should -BeTrue
        (Get-StickyImage '5c173ff2' $t0 -What ThumbnailMini).Url | Should -BeLike '*.thumbnail-mini'
        (Get-StickyImage '5c173ff2' $t0).Url | Should -BeNullOrEmpty
    }

    It 'reports an unknown key as ImageNotFound and goes on with the next piped key' {
        $keys = @(
            [pscustomobject]@{ Device = '5c173ff2'; DateTime = $t0.AddSeconds(1) }
            [pscustomobject]@{ Device = '5c173ff2'; DateTime = $t0 }
        )
        $found = @($keys | Get-StickyImage -ErrorAction SilentlyContinue -ErrorVariable errs)
        $found.Count | Should -Be 1
        $found[0].DateTime | Should -Be $t0
        $errs.Count | Should -Be 1
        Assert-ErrorRecord $errs[0] -ErrorId 'ImageNotFound' -Category ObjectNotFound -TargetObject (Key '5c173ff2' $t0.AddSeconds(1))
    }

    It 'throws ImageNotFound under -ErrorAction Stop' {
        $err = { Get-StickyImage -Device 'ffffffff' -DateTime $t0 -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'ImageNotFound' -Category ObjectNotFound -TargetObject (Key 'ffffffff' $t0)
    }

    It 'outputs images that survive Export-Csv and ConvertTo-Json' {
        $img = Get-StickyImage -Device '1b74105a' -DateTime (Utc 2022 5 17 18 30 0)
        $csv = Join-Path $TestDrive 'image.csv'
        $img | Export-Csv -LiteralPath $csv -NoTypeInformation
        $row = Import-Csv -LiteralPath $csv
        $row.Device | Should -Be '1b74105a'
        $row.Md5 | Should -Be $img.Md5
        [int]$row.Width | Should -Be $img.Width
        [double]$row.Lat | Should -Be $img.Lat
        $json = $img | ConvertTo-Json | ConvertFrom-Json
        $json.Md5 | Should -Be $img.Md5
        $json.Height | Should -Be $img.Height
        ([datetime]$json.DateTime).ToUniversalTime() | Should -Be $img.DateTime
    }

    It 'has help with examples' {
        (Get-Help Get-StickyImage -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-StickySeries' {
    BeforeAll {
        $s = New-TestStore -Name 'series'
        Send-StickyImage -Path $work -Recurse | Out-Null
    }
    AfterAll { Remove-TestStore $s }

    It 'lists every image, sorted by device then time, by default' {
        $all = @(Get-StickySeries)
        $all.Count | Should -Be 6
        ($all | ForEach-Object { '{0} {1:o}' -f $_.Device, $_.DateTime }) | Should -Be (($all | ForEach-Object { '{0} {1:o}' -f $_.Device, $_.DateTime }) | Sort-Object)
    }

    It 'matches devices with wildcards, ignoring case' {
        @(Get-StickySeries -Device '5c17*').Count | Should -Be 3
        @(Get-StickySeries -Device '5C17*').Count | Should -Be 3
        @(Get-StickySeries -Device '*4').Device | Sort-Object -Unique | Should -Be '0a5bb6f4'
        @(Get-StickySeries -Device '?a5bb6f4').Count | Should -Be 2
        @(Get-StickySeries -Device 'nothing*') | Should -BeNullOrEmpty
    }

    It 'takes a half-open time window [StartTime, EndTime)' {
        $window = @(Get-StickySeries -Device '5c173ff2' -StartTime $t0 -EndTime $t0.AddMinutes(40))
        $window.DateTime | Should -Be @($t0, $t0.AddMinutes(20))
    }

    It 'takes Device, StartTime and EndTime by property name (and the upstream names)' {
        $query = @(
            [pscustomobject]@{ Device = '5c173ff2'; StartTime = $t0.AddMinutes(20); EndTime = $t0.AddHours(1) }
            [pscustomobject]@{ Device = '0a5bb6f4'; start_datetime = $t0; end_datetime = $t0.AddMinutes(1) }
        )
        $found = @($query | Get-StickySeries)
        $found.Count | Should -Be 3
        ($found | Where-Object Device -eq '0a5bb6f4').DateTime | Should -Be $t0
    }

    It 'joins UID annotations with -WithAnnotation, one row per image and annotation' {
        $first = Get-StickySeries -Device '0a5bb6f4' | Select-Object -First 1
        $first | Set-UidAnnotation -AlgoName 'series-test' -AlgoVersion '1-a' -Annotation @(@{ name = 'insect'; value = 1 }, @{ name = 'insect'; value = 2 }) | Out-Null
        $rows = @(Get-StickySeries -Device '0a5bb6f4' -WithAnnotation)
        $rows.Count | Should -Be 2
        ($rows | Where-Object { $_.Annotation }).Annotation.NObjects | Should -Be 2
        ($rows | Where-Object { -not $_.Annotation }).DateTime | Should -Be $t0.AddMinutes(20)
    }

    It 'gives file paths with -What' {
        $paths = @(Get-StickySeries -Device '5c173ff2' -What Image).Url
        $paths.Count | Should -Be 3
        $paths | ForEach-Object { Test-Path -LiteralPath $_ | Should -BeTrue }
    }

    It 'fails to bind a time that is not a time, naming the parameter' {
        $err = { Get-StickySeries -StartTime 'yesterday-ish' -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception | Should -BeOfType [System.Management.Automation.ParameterBindingException]
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'StartTime'
    }

    It 'outputs series that survive Export-Csv and ConvertTo-Json' {
        $series = @(Get-StickySeries -Device '5c173ff2')
        $csv = Join-Path $TestDrive 'series.csv'
        $series | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.Md5 | Should -Be $series.Md5
        $json = @($series | ConvertTo-Json | ConvertFrom-Json)
        $json.Count | Should -Be 3
        $json.Device | Sort-Object -Unique | Should -Be '5c173ff2'
        $json.Md5 | Should -Be $series.Md5
    }

    It 'has help with examples' {
        (Get-Help Get-StickySeries -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Remove-StickyImage' {
    BeforeEach {
        $s = New-TestStore -Name 'remove-image'
        Send-StickyImage -Path $work -Recurse | Out-Null
    }
    AfterEach { Remove-TestStore $s }

    It 'removes piped images (-Confirm:$false), their files and annotations, and passes them through' {
        $series = Get-StickySeries -Device '5c173ff2'
        $series | Set-UidAnnotation -AlgoName 'remove-test' -AlgoVersion '1-a' | Out-Null
        $stored = (Get-StickySeries -Device '5c173ff2' -What Image).Url
        $deleted = @($series | Remove-StickyImage -Confirm:$false -PassThru)
        $deleted.Count | Should -Be 3
        $deleted.Device | Sort-Object -Unique | Should -Be '5c173ff2'
        @(Get-StickySeries -Device '5c173ff2') | Should -BeNullOrEmpty
        $stored | ForEach-Object { Test-Path -LiteralPath $_ | Should -BeFalse }
        @(Get-UidAnnotation -Device '*' -StartTime $t0.AddDays(-1) -EndTime $t0.AddDays(1) | Where-Object AlgoName -eq 'remove-test') | Should -BeNullOrEmpty
        @(Get-StickySeries).Count | Should -Be 3
    }

    It 'takes Device and DateTime by property name' {
        [pscustomobject]@{ Device = '0a5bb6f4'; DateTime = $t0 } | Remove-StickyImage -Confirm:$false
        @(Get-StickySeries -Device '0a5bb6f4').DateTime | Should -Be $t0.AddMinutes(20)
    }

    It 'removes nothing under -WhatIf' {
        $r = Invoke-Hostless 'param($c) Get-StickySeries -Connection $c | Remove-StickyImage -WhatIf -Connection $c' $s.Connection
        $r.Exception | Should -BeNullOrEmpty
        @(Get-StickySeries).Count | Should -Be 6
    }

    It 'asks for confirmation by default (ConfirmImpact High), not when $ConfirmPreference is None' {
        $r = Invoke-Hostless 'param($c, $t) Remove-StickyImage -Device 0a5bb6f4 -DateTime $t -Connection $c' $s.Connection, $t0
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickySeries -Device '0a5bb6f4').Count | Should -Be 2
        $r = Invoke-Hostless 'param($c, $t) $ConfirmPreference = "None"; Remove-StickyImage -Device 0a5bb6f4 -DateTime $t -Connection $c -PassThru' $s.Connection, $t0
        $r.Output.Device | Should -Be '0a5bb6f4'
        @(Get-StickySeries -Device '0a5bb6f4').Count | Should -Be 1
    }

    It 'reports an unknown key as ImageNotFound and removes the others' {
        $keys = @(
            [pscustomobject]@{ Device = '0a5bb6f4'; DateTime = $t0 }
            [pscustomobject]@{ Device = '0a5bb6f4'; DateTime = $t0.AddYears(1) }
        )
        $keys | Remove-StickyImage -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs.Count | Should -Be 1
        Assert-ErrorRecord $errs[0] -ErrorId 'ImageNotFound' -Category ObjectNotFound -TargetObject (Key '0a5bb6f4' $t0.AddYears(1))
        @(Get-StickySeries -Device '0a5bb6f4').Count | Should -Be 1
    }

    It 'throws ImageNotFound under -ErrorAction Stop' {
        $err = { Remove-StickyImage -Device 'ffffffff' -DateTime $t0 -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'ImageNotFound' -Category ObjectNotFound -TargetObject (Key 'ffffffff' $t0)
    }

    It 'passes through rows that survive ConvertTo-Json' {
        $deleted = Get-StickySeries -Device '1b74105a' | Remove-StickyImage -Confirm:$false -PassThru
        $json = $deleted | ConvertTo-Json | ConvertFrom-Json
        $json.Device | Should -Be '1b74105a'
        $json.Md5 | Should -Be $deleted.Md5
    }

    It 'has help with examples' {
        (Get-Help Remove-StickyImage -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}
