#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Connect-StickyApi on a lab's MariaDB catalog with its files in S3 (or a folder), as upstream deploys, without a
    server: the module opens the database and the bucket itself, and the cmdlets work on them as on a local store.
    The runner starts a private mariadbd and s3rver ($env:STICKYPI_TEST_MARIADB, $env:STICKYPI_TEST_S3); where they
    cannot run, the file is skipped saying why (under CI=true it fails).
#>

BeforeDiscovery {
    $script:deployedMissing = if ($env:STICKYPI_TEST_MARIADB -and $env:STICKYPI_TEST_S3) { $null } else { $env:STICKYPI_TEST_DEPLOYED_MISSING }
    if ($deployedMissing -and $env:CI -ne 'true') { Write-Host "Deployed.Tests.ps1 skipped: $deployedMissing" }
    $script:skip = [bool]$deployedMissing -and $env:CI -ne 'true'
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule
    if (-not $env:STICKYPI_TEST_MARIADB) { throw "Under CI the deployed tests must run, but $env:STICKYPI_TEST_DEPLOYED_MISSING" }

    # The runner's MariaDB login and S3 keys, as a lab admin would hold them.
    $parts = @{}
    foreach ($pair in $env:STICKYPI_TEST_MARIADB -split ';') { $k, $v = $pair -split '=', 2; if ($k) { $parts[$k.Trim()] = $v } }
    $mariaDbServer = '{0}:{1}' -f $parts['Server'], $parts['Port']
    $mariaDbLogin = [pscredential]::new($parts['User ID'], (ConvertTo-SecureString $parts['Password'] -AsPlainText -Force))
    $endpoint, $accessKey, $secretKey = $env:STICKYPI_TEST_S3 -split '\|'
    $s3Keys = [pscredential]::new($accessKey, (ConvertTo-SecureString $secretKey -AsPlainText -Force))
    $id = [guid]::NewGuid().ToString('N').Substring(0, 12)
    $work = New-TestDirectory -Name 'deployed'
    $t0 = [datetime]::new(2021, 4, 1, 6, 0, 0, [DateTimeKind]::Utc)
    $files = @(0..3 | ForEach-Object { New-TestImage -Directory $work -Device '0a5bb6f4' -DateTime $t0.AddMinutes(20 * $_) -Format Csv2022 -Index $_ })
}

AfterAll {
    Get-Variable -Name deployed, folder -Scope Script -ErrorAction SilentlyContinue | ForEach-Object { if ($_.Value) { Disconnect-StickyApi -Connection $_.Value } }
    Remove-TestDirectory $work
}

Describe 'Connect-StickyApi -MariaDbServer (files in S3)' -Skip:$skip {
    It 'opens the catalog and the bucket (both made when missing) and becomes the session default' {
        $script:deployed = Connect-StickyApi -MariaDbServer $mariaDbServer -Database "pester_direct_$id" -MariaDbCredential $mariaDbLogin `
            -S3Endpoint $endpoint -S3Bucket "pester-direct-$id" -S3Credential $s3Keys
        $deployed.Kind | Should -Be 'MariaDb'
        $deployed.User | Should -Be 'local'
        $deployed.IsDefault | Should -BeTrue
        $deployed.Location | Should -Match "mariadb://.*/pester_direct_$id \+ .*pester-direct-$id"
        $deployed.Location | Should -Not -Match $parts['Password']
    }

    It 'sends images (a re-run skips them all), lists and reads them back through signed links' {
        $sent = @(Send-StickyImage -Path $files)
        $sent.Status | Sort-Object -Unique | Should -Be 'Sent'
        (@(Send-StickyImage -Path $files)).Status | Sort-Object -Unique | Should -Be 'Skipped'
        $series = @(Get-StickySeries -Device '0a5b*')
        $series.Count | Should -Be 4
        $image = Get-StickyImage -Device 0a5bb6f4 -DateTime $t0 -What Image
        $image.Url | Should -Match "^$([regex]::Escape($endpoint.TrimEnd('/')))/pester-direct-$id/raw_images/0a5bb6f4/"
        $bytes = (Invoke-WebRequest -Uri $image.Url -UseBasicParsing).Content
        [BitConverter]::ToString([Security.Cryptography.MD5]::HashData($bytes)).Replace('-', '').ToLowerInvariant() | Should -Be $image.Md5
    }

    It 'refuses another picture under a stored key, naming the file, and removes images with their files' {
        $other = Join-Path $work 'other'
        $null = New-Item -ItemType Directory -Path $other
        $changed = New-TestImage -Directory $other -Device '0a5bb6f4' -DateTime $t0 -Format Csv2022 -Index 9
        $result = Send-StickyImage -Path $changed -ErrorAction SilentlyContinue -ErrorVariable refused
        $refused.Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -Match '^Md5Conflict'
        $removed = @(Get-StickySeries -Device 0a5bb6f4 | Select-Object -First 2 | Remove-StickyImage -Confirm:$false -PassThru)
        $removed.Count | Should -Be 2
        @(Get-StickySeries -Device '*').Count | Should -Be 2
    }

    It 'keeps users, projects and completion in the database' {
        $null = New-StickyUser -UserName 'deployed_reader' -Password (ConvertTo-SecureString 'reader-password-1' -AsPlainText -Force) -ReadOnly
        (Get-StickyUser -UserName 'deployed_reader').Role | Should -Be 'ReadOnly'
        $project = New-StickyProject -Name 'deployed'
        (Get-StickyProject -Name 'deployed').Id | Should -Be $project.Id
        $line = 'Get-StickySeries -Device 0a'
        $completions = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null)
        $completions.CompletionMatches.CompletionText | Should -Contain '0a5bb6f4'
    }
}

Describe 'Connect-StickyApi -MariaDbServer -FilesPath (files in a folder)' -Skip:$skip {
    It 'stores the files under upstream''s layout in the folder and acts as a stored user when asked' {
        $filesPath = Join-Path $work 'files'
        $script:folder = Connect-StickyApi -MariaDbServer $mariaDbServer -Database "pester_folder_$id" -MariaDbCredential $mariaDbLogin -FilesPath $filesPath
        $null = Send-StickyImage -Path $files[0] -Connection $folder
        Test-Path (Join-Path $filesPath 'raw_images/0a5bb6f4') | Should -BeTrue
        (Get-StickyImage -Device 0a5bb6f4 -DateTime $t0 -What Image -Connection $folder).Url | Should -Exist
        $null = New-StickyUser -UserName 'folder_reader' -Password (ConvertTo-SecureString 'reader-password-1' -AsPlainText -Force) -ReadOnly -Connection $folder
        $asReader = Connect-StickyApi -MariaDbServer $mariaDbServer -Database "pester_folder_$id" -MariaDbCredential $mariaDbLogin -FilesPath $filesPath -UserName folder_reader
        try {
            $asReader.User | Should -Be 'folder_reader'
            { Send-StickyImage -Path $files[1] -Connection $asReader -ErrorAction Stop } | Should -Throw -ErrorId 'PermissionDenied*'
        }
        finally {
            Disconnect-StickyApi -Connection $asReader
        }
    }

    It 'says which setting is wrong, before anything is opened' {
        { Connect-StickyApi -MariaDbServer '127.0.0.1:notaport' -Database d -MariaDbCredential $mariaDbLogin -FilesPath $work } |
            Should -Throw -ErrorId 'InvalidDeployment*'
    }
}
