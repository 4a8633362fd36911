#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Sync-MLBundle on a remote connection (Connect-StickyApi -Uri -Credential against StickyPi.Server started on
    127.0.0.1): a bundle goes up through the server's upload links and comes down from its file URLs, incremental runs,
    -What, -WhatIf, a file that fails alone, a read-only user, and bundle-name completion, which no server route offers.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule

    function Get-Md5([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm MD5).Hash.ToLowerInvariant() }
    $eligible = @('config/config.yaml', 'data/0a5bb6f4.2020-06-30_20-41-05.svg', 'data/5c173ff2.2020-07-05_20-33-31.svg', 'output/model_final.pth')

    $server = Start-TestStickyServer
    $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('admin:' + $server.Credential.GetNetworkCredential().Password))
    $null = Invoke-RestMethod -Method Post -Uri ($server.Url + 'put_users') -Headers @{ Authorization = "Basic $basic" } -ContentType 'application/json' `
        -Body '[{"username": "bundle_reader", "password": "reader-password-1", "can_write": false}]'
    $reader = [pscredential]::new('bundle_reader', (ConvertTo-SecureString 'reader-password-1' -AsPlainText -Force))
    $remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential

    # What the server lists for a bundle, asked the way any client asks (not through the module).
    function Get-ServerBundleList([string] $Name) {
        @(Invoke-RestMethod -Method Post -Uri ($server.Url + '_get_ml_bundle_file_list/all') -Headers @{ Authorization = "Basic $basic" } `
            -ContentType 'application/json' -Body (ConvertTo-Json $Name) | ForEach-Object { $_ })
    }
}

AfterAll {
    if ($remote) { Disconnect-StickyApi -Connection $remote }
    Stop-TestStickyServer $server
}

Describe 'Bundle names on a remote connection' {
    It 'Tab offers the server''s bundle names once one is pushed (StickyPi.Server''s complete_ml_bundle_names)' {
        $remote.IsDefault | Should -BeTrue
        $work = New-TestDirectory -Name 'remote-mlbundle-names'
        try {
            $line = 'Sync-MLBundle -Name tab-'
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches) | Should -BeNullOrEmpty
            $bundle = New-TestMlBundle -Directory $work -Name 'tab-detector'
            Sync-MLBundle -Name 'tab-detector' -Path $bundle -Direction Push -Connection $remote | Out-Null
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('tab-detector')
        }
        finally {
            Remove-TestDirectory $work
        }
    }
}

Describe 'Sync-MLBundle on a remote connection' {
    BeforeEach {
        $work = New-TestDirectory -Name 'remote-mlbundle'
        $name = 'detector-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $bundle = New-TestMlBundle -Directory $work -Name $name
    }
    AfterEach { Remove-TestDirectory $work }

    It 'pushes the eligible files to the server, and a second run sends nothing' {
        $results = @(Sync-MLBundle -Name $name -Path $bundle -Direction Push -Connection $remote)
        ($results.Key | Sort-Object) | Should -Be $eligible
        $results.Status | Sort-Object -Unique | Should -Be 'Uploaded'
        foreach ($r in $results) {
            $r.Md5 | Should -Be (Get-Md5 (Join-Path $bundle $r.Key)) -Because $r.Key
            $r.RemotePath | Should -Be "ml/$name/$($r.Key)"
            $r.BundleName | Should -Be $name
        }

        $listed = Get-ServerBundleList $name
        ($listed.key | Sort-Object) | Should -Be $eligible
        foreach ($f in $listed) { $f.md5 | Should -Be (Get-Md5 (Join-Path $bundle $f.key)) -Because $f.key }

        @(Sync-MLBundle -Name $name -Path $bundle -Direction Push -Connection $remote) | Should -BeNullOrEmpty
    }

    It 'pulls the bundle into an empty folder named like it: same bytes, the server''s times, nothing on a second run' {
        Sync-MLBundle -Name $name -Path $bundle -Direction Push -Connection $remote | Out-Null
        $target = Join-Path $work "copy/$name"
        $results = @(Sync-MLBundle -Name $name -Path $target -Direction Pull -Connection $remote)
        ($results.Key | Sort-Object) | Should -Be $eligible
        $results.Status | Sort-Object -Unique | Should -Be 'Downloaded'
        foreach ($r in $results) {
            Get-Md5 (Join-Path $target $r.Key) | Should -Be (Get-Md5 (Join-Path $bundle $r.Key)) -Because $r.Key
            (Get-Item -LiteralPath (Join-Path $target $r.Key)).LastWriteTimeUtc | Should -Be $r.MTime -Because $r.Key
        }
        @(Get-ChildItem -LiteralPath $target -Recurse -File -Filter '*.stickypi-part') | Should -BeNullOrEmpty
        @(Sync-MLBundle -Name $name -Path $target -Direction Pull -Connection $remote) | Should -BeNullOrEmpty
    }

    It 'transfers only the -What selection both ways, and pushes again a file changed since' {
        (Sync-MLBundle -Name $name -Path $bundle -Direction Push -What Data -Connection $remote).Key | Sort-Object |
            Should -Be @('config/config.yaml', 'data/0a5bb6f4.2020-06-30_20-41-05.svg', 'data/5c173ff2.2020-07-05_20-33-31.svg')
        (Sync-MLBundle -Name $name -Path $bundle -Direction Push -What Model -Connection $remote).Key | Should -Be 'output/model_final.pth'
        (Sync-MLBundle -Name $name -Path (Join-Path $work "model/$name") -Direction Pull -What Model -Connection $remote).Key | Sort-Object |
            Should -Be @('config/config.yaml', 'output/model_final.pth')

        $cfg = Join-Path $bundle 'config/config.yaml'
        Add-Content -LiteralPath $cfg -Value 'EXTRA: 1'
        (Get-Item $cfg).LastWriteTimeUtc = [datetime]::UtcNow.AddMinutes(5)
        $again = @(Sync-MLBundle -Name $name -Path $bundle -Direction Push -Connection $remote)
        $again.Key | Should -Be 'config/config.yaml'
        $again.Md5 | Should -Be (Get-Md5 $cfg)
        ((Get-ServerBundleList $name) | Where-Object key -eq 'config/config.yaml').md5 | Should -Be (Get-Md5 $cfg)
    }

    It '-WhatIf sends nothing' {
        $null = Sync-MLBundle -Name $name -Path $bundle -Direction Push -Connection $remote -WhatIf
        Get-ServerBundleList $name | Should -BeNullOrEmpty
    }

    It 'reports a file that cannot be written, naming its key, and pulls the rest' {
        Sync-MLBundle -Name $name -Path $bundle -Direction Push -Connection $remote | Out-Null
        $target = Join-Path $work "copy/$name"
        # A folder where the downloaded file must go: that file fails, the others land.
        $null = New-Item -ItemType Directory -Path (Join-Path $target 'config/config.yaml') -Force
        $results = @(Sync-MLBundle -Name $name -Path $target -Direction Pull -Connection $remote -ErrorAction SilentlyContinue -ErrorVariable errs)
        ($results | Where-Object Status -eq 'Downloaded').Key | Sort-Object | Should -Be ($eligible | Where-Object { $_ -ne 'config/config.yaml' })
        ($results | Where-Object Status -eq 'Failed').Key | Should -Be 'config/config.yaml'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'MlBundleTransferFailed,*'
        $errs[0].TargetObject | Should -Be 'config/config.yaml'
        @(Get-ChildItem -LiteralPath $target -Recurse -File -Filter '*.stickypi-part') | Should -BeNullOrEmpty
    }
}

Describe 'A read-only server user and ML bundles' {
    BeforeAll { $work = New-TestDirectory -Name 'remote-mlbundle-ro' }
    AfterAll { Remove-TestDirectory $work }

    It 'may pull, but a push stops before any file is read and nothing is stored' {
        $bundle = New-TestMlBundle -Directory $work -Name 'ro-bundle'
        Sync-MLBundle -Name 'ro-bundle' -Path $bundle -Direction Push -Connection $remote | Out-Null
        $ro = Connect-StickyApi -Uri $server.Url -Credential $reader
        try {
            @(Sync-MLBundle -Name 'ro-bundle' -Path (Join-Path $work 'copy/ro-bundle') -Direction Pull -Connection $ro).Count | Should -Be $eligible.Count
            $err = { Sync-MLBundle -Name 'ro-other' -Path $bundle -Direction Push -Connection $ro } | Should -Throw -PassThru
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            Get-ServerBundleList 'ro-other' | Should -BeNullOrEmpty
        }
        finally {
            Disconnect-StickyApi -Connection $ro
        }
    }
}
