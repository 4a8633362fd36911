#Requires -Version 7.0
<#
    Issue 10's "done when": a batch of hostile files (decompression bombs, year-9999 names, truncated and mutated
    JPEGs, a 150 MB garbage file, hostile bundle folders with dangling and escaping links, mutated annotation JSON and
    tuboid folders) goes through the cmdlets in ONE real pwsh session, a child process started here. Afterwards: the
    session is alive, its peak working set stayed under a few hundred MB, every bad file is a per-file error with an
    ErrorId, every good file is stored with the values upstream stores (spec Appendix A), and the store is consistent.

    Good images are the shared fixtures (../shared/fixtures beside the checkout), or $env:STICKYPI_TEST_SAMPLES when
    the runner provides generated samples; the module is $env:STICKYPI_TEST_MODULE or <repo>/out/StickyPi/StickyPi.psd1.
#>

BeforeDiscovery {
    # The good half of the batch is the real device files (their Appendix A values are what is asserted). A user's clone
    # has no ../shared: the file is skipped, saying so; under CI=true it runs, and a missing folder fails it.
    $sharedFixtures = Join-Path $PSScriptRoot '../../../shared/fixtures'
    $script:fixturesMissing = (-not (Test-Path $sharedFixtures)) -and $env:CI -ne 'true'
    if ($fixturesMissing) { Write-Host "HostileInput.Tests.ps1 skipped: needs the shared fixtures, $sharedFixtures (../shared/fixtures beside the checkout) is missing." }
}

BeforeAll {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:module = if ($env:STICKYPI_TEST_MODULE) { $env:STICKYPI_TEST_MODULE } else { Join-Path $repo 'out/StickyPi/StickyPi.psd1' }
    $fixtures = Join-Path $repo '../shared/fixtures'
    $script:work = Join-Path ([IO.Path]::GetTempPath()) ('stickypi-hostile-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $in = Join-Path $work 'in'
    $good = New-Item -ItemType Directory (Join-Path $in 'good')
    $bad = New-Item -ItemType Directory (Join-Path $in 'bad')

    # Spec Appendix A: what upstream stores for each fixture.
    $script:expected = @{
        '0a5bb6f4.2020-06-20_20-19-15.jpg' = @{ Md5 = '725a7d5c7eee7ee15533ff1c45cab6de'; Width = 2592; Height = 1944; Temp = 20.700000762939453; Hum = 82.0; Lat = $null; DeviceVersion = '1.0.0' }
        '0a5bb6f4.2020-06-20_20-37-59.jpg' = @{ Md5 = '383ea0c4d38c85454aae6bfb5ec1adb4'; Width = 2592; Height = 1944; Temp = 21.799999237060547; Hum = 77.30000305175781; Lat = $null; DeviceVersion = '1.0.0' }
        '1b74105a.2020-07-05_10-07-16.jpg' = @{ Md5 = '22886796080b30776c1a7f892db8c580'; Width = 2592; Height = 1944; Temp = 10.300000190734863; Hum = 97.5999984741211; Lat = -121.7552; DeviceVersion = '1.0.0' }
        '512858f4.2022-05-17_18-34-50.jpg' = @{ Md5 = '4743bd4d1918fc7d5bfec4cb8adf370c'; Width = 4056; Height = 3040; Temp = 17.0; Hum = 44.6; Lat = 49.2614; DeviceVersion = '3.1.0' }
        '5c173ff2.2020-06-20_21-33-24.jpg' = @{ Md5 = '65e69135d29871e8ee0ac453583effaf'; Width = 2592; Height = 1944; Temp = 21.899999618530273; Hum = 76.80000305175781; Lat = $null; DeviceVersion = '1.0.0' }
    }
    $raw = Join-Path $fixtures 'raw_images'
    foreach ($name in $expected.Keys) {
        $source = Get-ChildItem $raw -Recurse -Filter $name | Select-Object -First 1
        if (-not $source) { throw "Fixture $name not found under $raw" }
        Copy-Item $source.FullName (Join-Path $good $name)
    }

    # A legal name at the end of the calendar is a good file too: stored, with the fixture's values.
    Copy-Item (Join-Path $good '5c173ff2.2020-06-20_21-33-24.jpg') (Join-Path $good '5c173ff2.9999-12-31_23-59-59.jpg')
    $expected['5c173ff2.9999-12-31_23-59-59.jpg'] = $expected['5c173ff2.2020-06-20_21-33-24.jpg']
    if ($env:STICKYPI_TEST_SAMPLES -and (Test-Path $env:STICKYPI_TEST_SAMPLES)) {
        $script:samples = Get-ChildItem $env:STICKYPI_TEST_SAMPLES -Recurse -Filter *.jpg | Select-Object -First 6
        $samples | ForEach-Object { Copy-Item $_.FullName (Join-Path $good $_.Name) }
    }
    else { $script:samples = @() }

    $sample = [IO.File]::ReadAllBytes((Join-Path $good '1b74105a.2020-07-05_10-07-16.jpg'))
    function Find-FrameHeader([byte[]] $jpeg) {
        $pos = 2
        while ($pos + 4 -le $jpeg.Length) {
            $marker = $jpeg[$pos + 1]
            if ($marker -ge 0xC0 -and $marker -le 0xCF -and $marker -notin 0xC4, 0xC8, 0xCC) { return $pos }
            $pos += 2 + ($jpeg[$pos + 2] * 256 + $jpeg[$pos + 3])
        }
        throw 'no SOF'
    }
    $sof = Find-FrameHeader $sample
    $script:badImages = @{}    # file name -> the error ids it may get
    $n = 0
    function Add-Bad([byte[]] $bytes, [string[]] $ids, [string] $name) {
        if (-not $name) { $name = '1b74105a.2021-01-01_00-{0:00}-{1:00}.jpg' -f [math]::Floor($script:n / 60), ($script:n % 60); $script:n++ }
        [IO.File]::WriteAllBytes((Join-Path $bad $name), $bytes)
        $script:badImages[$name] = $ids
    }

    foreach ($size in @(65535, 40000, 13400)) {
        $bomb = [byte[]]$sample.Clone()
        $bomb[$sof + 5] = [byte]($size -shr 8); $bomb[$sof + 6] = [byte]($size -band 255)
        $bomb[$sof + 7] = [byte]($size -shr 8); $bomb[$sof + 8] = [byte]($size -band 255)
        Add-Bad $bomb @('ImageTooLarge')
    }
    Add-Bad ([byte[]]@()) @('EmptyFile')
    Add-Bad ([Text.Encoding]::ASCII.GetBytes('not a jpeg at all')) @('NotAJpeg')
    foreach ($cut in 100, 5000, [int]($sample.Length / 2), ($sample.Length - 10)) {
        Add-Bad ([byte[]]$sample[0..($cut - 1)]) @('TruncatedJpeg', 'MissingExif', 'InvalidExif')
    }
    $rng = [Random]::new(10)
    for ($i = 0; $i -lt 12; $i++) {
        $m = [byte[]]$sample.Clone()
        $upper = if ($i % 2) { $sof + 200 } else { $m.Length }   # headers, or anywhere in the file
        for ($k = 0; $k -lt 6; $k++) { $at = $rng.Next(2, $upper); $m[$at] = $m[$at] -bxor [byte]$rng.Next(1, 256) }
        Add-Bad $m @('TruncatedJpeg', 'MissingExif', 'InvalidExif', 'NotAJpeg', 'ImageTooLarge', 'MAY-BE-STORED')
    }
    Add-Bad $sample @('InvalidFileName') '1b74105a.2021-02-30_00-00-00.jpg'
    Add-Bad $sample @('InvalidFileName') '1b74105a.2021-06-30_23-59-60.jpg'
    Add-Bad $sample @('InvalidFileName') 'x1b74105a.2021-06-30_23-59-59.jpg'
    Add-Bad $sample @('ImageTooOld') '1b74105a.0001-01-01_00-00-00.jpg'
    $huge = [IO.File]::Create((Join-Path $bad '1b74105a.2021-03-01_00-00-00.jpg'))
    $huge.Write([byte[]](0xFF, 0xD8, 0xFF), 0, 3); $huge.SetLength(150MB); $huge.Dispose()
    $badImages['1b74105a.2021-03-01_00-00-00.jpg'] = @('FileTooLarge')

    # Annotation files: one good (for a good image), the rest hostile.
    $annotations = New-Item -ItemType Directory (Join-Path $in 'annotations')
    $goodAnnotation = @{
        annotations = @(@{ contour = @(@(@(1, 2)), @(@(3, 4)), @(@(5, 2))); name = 'insect'; value = 1; fill_colour = @(0, 0, 255); stroke_colour = @(0, 0, 255) })
        metadata = @{ algo_name = 'uid'; algo_version = '1598113346-ad2cd78dfaca12821046dfb8994724d5'; device = '5c173ff2'; datetime = '2020-06-20_21-33-24'; md5 = '65e69135d29871e8ee0ac453583effaf' }
    } | ConvertTo-Json -Depth 10
    Set-Content (Join-Path $annotations 'good.json') $goodAnnotation
    Set-Content (Join-Path $annotations 'truncated.json') $goodAnnotation.Substring(0, 80)
    Set-Content (Join-Path $annotations 'deep.json') (('[' * 5000) + (']' * 5000))
    Set-Content (Join-Path $annotations 'garbage.json') ([char[]](0..255 | ForEach-Object { [char]$_ }) -join '')
    Set-Content (Join-Path $annotations 'orphan.json') ($goodAnnotation -replace '65e69135d29871e8ee0ac453583effaf', '00000000000000000000000000000000')
    $big = [IO.File]::Create((Join-Path $annotations 'huge.json')); $big.SetLength(80MB); $big.Dispose()
    $script:badAnnotations = 'truncated.json', 'deep.json', 'garbage.json', 'orphan.json', 'huge.json'

    # Tuboid folders: the fixture series, one tuboid intact, the others damaged one way each.
    $seriesName = '08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.1606980656-91e2199fccf371d3d690b2856613e8f5'
    $series = New-Item -ItemType Directory (Join-Path $in "tuboids/$seriesName")
    foreach ($suffix in '0000', '0028', '0029', '0030', '0031') {
        Copy-Item (Join-Path $fixtures "tiled_tuboids/$seriesName/$seriesName.$suffix") $series -Recurse
    }
    Get-ChildItem $series -Recurse -File | ForEach-Object { $_.IsReadOnly = $false }   # the fixtures are read-only
    Remove-Item (Join-Path $series "$seriesName.0028/tuboid.jpg")
    Set-Content (Join-Path $series "$seriesName.0029/metadata.txt") "not,a,metadata,line,at,all`n"
    $meta = [IO.File]::Open((Join-Path $series "$seriesName.0030/metadata.txt"), 'Open', 'ReadWrite'); $meta.SetLength(100MB); $meta.Dispose()
    Set-Content (Join-Path $series "$seriesName.0031/metadata.txt") "08038ade.1999-01-01_00-00-00,1,2,3`n"

    # A bundle folder with a dangling link and links out of it.
    $bundle = New-Item -ItemType Directory (Join-Path $in 'bundle/hostile-bundle')
    New-Item -ItemType Directory (Join-Path $bundle 'config'), (Join-Path $bundle 'data') | Out-Null
    Set-Content (Join-Path $bundle 'config/config.yaml') 'a: 1'
    Set-Content (Join-Path $bundle 'data/x.svg') '<svg/>'
    $secret = New-Item -ItemType Directory (Join-Path $work 'secret')
    Set-Content (Join-Path $secret 'passwords.txt') 'hunter2'
    New-Item -ItemType SymbolicLink -Path (Join-Path $bundle 'data/gone.svg') -Target (Join-Path $work 'no-such-file.svg') | Out-Null
    New-Item -ItemType SymbolicLink -Path (Join-Path $bundle 'config/stolen.txt') -Target (Join-Path $secret 'passwords.txt') | Out-Null
    New-Item -ItemType SymbolicLink -Path (Join-Path $bundle 'output') -Target $secret | Out-Null

    # The session: everything through the cmdlets, one result record per step, written as JSON at the end.
    $session = Join-Path $work 'session.ps1'
    Set-Content $session @'
param([string] $Module, [string] $Work)
$ErrorActionPreference = 'Continue'
Import-Module $Module
$store = Join-Path $Work 'store'
Connect-StickyApi -LocalDir $store | Out-Null
$report = [ordered]@{}
function Errors($errs) { @($errs | ForEach-Object { [ordered]@{ Id = ($_.FullyQualifiedErrorId -split ',')[0]; Target = [string]$_.TargetObject; Category = [string]$_.CategoryInfo.Category; Message = $_.Exception.Message } }) }

$results = Get-ChildItem (Join-Path $Work 'in/good'), (Join-Path $Work 'in/bad') -Filter *.jpg | Send-StickyImage -ErrorVariable imageErrors
$report.Images = @($results | ForEach-Object { [ordered]@{ Name = [IO.Path]::GetFileName($_.Path); Status = [string]$_.Status; ErrorId = $_.ErrorId } })
$report.ImageErrors = Errors $imageErrors
$report.Rows = @(Get-StickySeries -Device '*' -StartTime '2000-01-01' -EndTime ([datetime]::MaxValue) -What Image | ForEach-Object {
    [ordered]@{ Device = $_.Device; DateTime = $_.DateTime.ToString('yyyy-MM-dd_HH-mm-ss'); Md5 = $_.Md5; Width = $_.Width; Height = $_.Height; Temp = $_.Temp; Hum = $_.Hum; Lat = $_.Lat; DeviceVersion = $_.DeviceVersion; Url = $_.Url } })

$annotationResults = Get-ChildItem (Join-Path $Work 'in/annotations') | Set-UidAnnotation -ErrorVariable annotationErrors
$report.AnnotationErrors = Errors $annotationErrors
$report.Annotations = @(Get-UidAnnotation -Device '5c173ff2' -StartTime '2020-01-01' -EndTime '2021-01-01' | ForEach-Object { '{0} {1} {2}' -f $_.Device, $_.AlgoName, $_.NObjects })

$tuboidResults = Send-StickyTuboid -Path (Join-Path $Work 'in/tuboids/*') -AlgoName tracker -ImageCount 10 -TuboidCount 6 -ErrorVariable tuboidErrors
$report.Tuboids = @($tuboidResults | ForEach-Object { [ordered]@{ Name = [IO.Path]::GetFileName($_.Path); Status = [string]$_.Status; ErrorId = $_.ErrorId } })
$report.TuboidErrors = Errors $tuboidErrors

$push = Sync-MLBundle -Name hostile-bundle -Path (Join-Path $Work 'in/bundle/hostile-bundle') -Direction Push -ErrorVariable pushErrors
$report.Pushed = @($push | Where-Object Status -eq 'Uploaded' | ForEach-Object Key)
$report.PushErrors = Errors $pushErrors
$pull = Sync-MLBundle -Name hostile-bundle -Path (Join-Path $Work 'pull/hostile-bundle') -Direction Pull -ErrorVariable pullErrors
$report.Pulled = @($pull | Where-Object Status -eq 'Downloaded' | ForEach-Object Key)
$report.PullErrors = Errors $pullErrors

Disconnect-StickyApi
[GC]::Collect()
$self = Get-Process -Id $PID
$report.PeakWorkingSetMB = [math]::Round($self.PeakWorkingSet64 / 1MB)
$report.WorkingSetMB = [math]::Round($self.WorkingSet64 / 1MB)
$report.Alive = $true
$report | ConvertTo-Json -Depth 6 | Set-Content (Join-Path $Work 'report.json')
'@

    $pwsh = [Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -notin 'pwsh', 'powershell') { $pwsh = (Get-Command pwsh).Source }
    $script:sessionOutput = & $pwsh -NoProfile -NonInteractive -File $session -Module $module -Work $work 2>&1 | Out-String
    $script:exitCode = $LASTEXITCODE
    $reportPath = Join-Path $work 'report.json'
    $script:report = if (Test-Path $reportPath) { Get-Content $reportPath -Raw | ConvertFrom-Json } else { $null }
    $script:storeRoot = Join-Path $work 'store'
}

AfterAll {
    if ($work -and (Test-Path $work)) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Hostile input through one pwsh session' -Skip:$fixturesMissing {
    It 'ends with the session alive' {
        $exitCode | Should -Be 0 -Because $sessionOutput
        $report | Should -Not -BeNullOrEmpty -Because $sessionOutput
        $report.Alive | Should -BeTrue
    }

    It 'keeps the session under a few hundred MB' {
        Write-Host "  session peak working set: $($report.PeakWorkingSetMB) MB, at the end $($report.WorkingSetMB) MB"
        $report.PeakWorkingSetMB | Should -BeLessThan 450
    }

    It 'reports every bad image as a per-file error with its ErrorId' {
        foreach ($name in $badImages.Keys) {
            $result = $report.Images | Where-Object Name -eq $name
            $result | Should -HaveCount 1 -Because $name
            if ($result.Status -eq 'Sent') {
                $badImages[$name] | Should -Contain 'MAY-BE-STORED' -Because "$name was stored"
                continue
            }
            $result.Status | Should -Be 'Failed' -Because $name
            $badImages[$name] | Should -Contain $result.ErrorId -Because "$name failed with $($result.ErrorId)"
            $errorRecord = $report.ImageErrors | Where-Object { [IO.Path]::GetFileName($_.Target) -eq $name }
            $errorRecord | Should -HaveCount 1 -Because $name
            $errorRecord.Id | Should -Be $result.ErrorId
            $errorRecord.Category | Should -Not -Be 'NotSpecified'
        }
        ($report.ImageErrors | Where-Object Id -eq 'ImageTooLarge') | Should -HaveCount 3
        ($report.ImageErrors | Where-Object Id -eq 'FileTooLarge') | Should -HaveCount 1
    }

    It 'stores every good image with the values upstream stores' {
        foreach ($name in $expected.Keys) {
            ($report.Images | Where-Object Name -eq $name).Status | Should -Be 'Sent' -Because $name
            $device, $datetime = $name.Split('.')[0, 1]
            $row = $report.Rows | Where-Object { $_.Device -eq $device -and $_.DateTime -eq $datetime }
            $row | Should -HaveCount 1 -Because $name
            $e = $expected[$name]
            $row.Md5 | Should -Be $e.Md5
            $row.Width | Should -Be $e.Width
            $row.Height | Should -Be $e.Height
            $row.Temp | Should -Be $e.Temp
            $row.Hum | Should -Be $e.Hum
            $row.Lat | Should -Be $e.Lat
            $row.DeviceVersion | Should -Be $e.DeviceVersion
        }
        foreach ($s in $samples) { ($report.Images | Where-Object Name -eq $s.Name).Status | Should -Be 'Sent' }
    }

    It 'refuses bad annotation files one by one and stores the good one' {
        foreach ($name in $badAnnotations) {
            $err = $report.AnnotationErrors | Where-Object { [IO.Path]::GetFileName($_.Target) -eq $name }
            $err | Should -Not -BeNullOrEmpty -Because $name
            $err[0].Id | Should -Not -BeNullOrEmpty
        }
        ($report.AnnotationErrors | Where-Object { $_.Target -like '*huge.json' }).Id | Should -Be 'FileTooLarge'
        $report.Annotations | Should -Be @('5c173ff2 uid 1')
    }

    It 'refuses damaged tuboid folders one by one and stores the intact one' {
        ($report.Tuboids | Where-Object Status -eq 'Sent').Name | Should -Be @($report.Tuboids | Where-Object Name -like '*.0000').Name
        $failed = @($report.Tuboids | Where-Object Status -eq 'Failed')
        $failed | Should -HaveCount 4
        $failed.ErrorId | Should -Contain 'MissingTuboidFile'
        $failed.ErrorId | Should -Contain 'InvalidTuboidMetadata'
        $failed.ErrorId | Should -Contain 'FileTooLarge'
        $report.TuboidErrors | Should -HaveCount 4
    }

    It 'pushes the bundle without following dangling or escaping links, and pulls back only what is inside' {
        @($report.Pushed | Sort-Object) | Should -Be @('config/config.yaml', 'data/x.svg')
        @($report.PushErrors.Id | Sort-Object -Unique) | Should -Be @('MlBundleLinkOutside')
        $report.PushErrors | Should -HaveCount 3
        @($report.Pulled | Sort-Object) | Should -Be @('config/config.yaml', 'data/x.svg')
        Get-ChildItem (Join-Path $storeRoot 'ml') -Recurse -File | ForEach-Object { Get-Content $_.FullName -Raw } | Should -Not -Contain "hunter2`n"
    }

    It 'leaves the store consistent: every row with its files, no file without its row, nothing else' {
        $rows = @($report.Rows)
        $rows.Count | Should -Be @($report.Images | Where-Object Status -eq 'Sent').Count
        foreach ($row in $rows) {
            Test-Path $row.Url | Should -BeTrue
            (Get-FileHash $row.Url -Algorithm MD5).Hash.ToLowerInvariant() | Should -Be $row.Md5
            Test-Path "$($row.Url).thumbnail" | Should -BeTrue
            Test-Path "$($row.Url).thumbnail-mini" | Should -BeTrue
        }
        $stored = @(Get-ChildItem (Join-Path $storeRoot 'raw_images') -Recurse -File -Filter *.jpg)
        $stored.Count | Should -Be $rows.Count
        @(Get-ChildItem (Join-Path $storeRoot '.stickypi-tmp') -Recurse -File -ErrorAction SilentlyContinue | Where-Object Name -ne 'session.lock') | Should -HaveCount 0
        $allowed = 'database.db', 'database.db-wal', 'database.db-shm', 'raw_images', 'tiled_tuboids', 'ml', 'cache', '.stickypi-tmp'
        Get-ChildItem $storeRoot -Force | ForEach-Object { $allowed | Should -Contain $_.Name }
        @(Get-ChildItem (Join-Path $storeRoot 'tiled_tuboids') -Recurse -File) | Should -HaveCount 3
    }
}
