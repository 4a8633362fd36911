#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Connect-StickyApi and Disconnect-StickyApi: the session default connection, -Connection, acting as a stored user,
    $env:STICKYPI_LOCAL_DIR, and what a closed connection does.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule
    $savedEnv = $env:STICKYPI_LOCAL_DIR
    $env:STICKYPI_LOCAL_DIR = $null
    $password = ConvertTo-SecureString 'correct horse battery' -AsPlainText -Force
}

AfterAll {
    $env:STICKYPI_LOCAL_DIR = $savedEnv
}

Describe 'Connect-StickyApi' {
    BeforeEach { $dirs = [System.Collections.Generic.List[string]]::new() }
    AfterEach {
        Disconnect-StickyApi
        Remove-TestDirectory $dirs
    }

    It 'creates a store in a new folder and makes it the session default' {
        $dir = Join-Path (New-TestDirectory -Name 'connect') 'new-store'
        $dirs.Add((Split-Path $dir -Parent))
        $c = Connect-StickyApi -LocalDir $dir
        $c.Kind | Should -Be 'Local'
        $c.Location | Should -Be $dir
        $c.IsDefault | Should -BeTrue
        $c.IsClosed | Should -BeFalse
        $c.User | Should -Be 'local'
        Test-Path (Join-Path $dir 'database.db') | Should -BeTrue
        @(Get-StickySeries) | Should -BeNullOrEmpty
    }

    It 'resolves a relative folder against the current location, and takes -Path as an alias' {
        $parent = New-TestDirectory -Name 'connect-relative'
        $dirs.Add($parent)
        Push-Location $parent
        try { $c = Connect-StickyApi -Path 'relative-store' }
        finally { Pop-Location }
        $c.Location | Should -Be (Join-Path $parent 'relative-store')
    }

    It 'makes the latest connection the default and leaves the earlier one usable with -Connection' {
        $a = New-TestDirectory -Name 'connect-a'; $dirs.Add($a)
        $b = New-TestDirectory -Name 'connect-b'; $dirs.Add($b)
        $first = Connect-StickyApi -LocalDir $a
        New-StickyProject -Name 'only-in-a' | Out-Null
        $second = Connect-StickyApi -LocalDir $b
        $first.IsDefault | Should -BeFalse
        $second.IsDefault | Should -BeTrue
        @(Get-StickyProject) | Should -BeNullOrEmpty
        (Get-StickyProject -Connection $first).Name | Should -Be 'only-in-a'
        Disconnect-StickyApi -Connection $first
    }

    It 'acts as a stored user with -UserName' {
        $dir = New-TestDirectory -Name 'connect-user'; $dirs.Add($dir)
        Connect-StickyApi -LocalDir $dir | Out-Null
        New-StickyUser -UserName 'alice' -Password $password | Out-Null
        New-StickyUser -UserName 'bob' -Password $password | Out-Null
        $alice = Connect-StickyApi -LocalDir $dir -UserName 'alice'
        $alice.User | Should -Be 'alice'
        # A read-write user sees only its own user row.
        (Get-StickyUser).UserName | Should -Be 'alice'
        # A project it creates gives it level Admin on it.
        New-StickyProject -Name 'alices' | Out-Null
        (Get-StickyProjectPermission -Project 'alices').UserName | Should -Be 'alice'
    }

    It 'refuses an unknown user with a terminating UserNotFound error naming it' {
        $dir = New-TestDirectory -Name 'connect-ghost'; $dirs.Add($dir)
        $err = { Connect-StickyApi -LocalDir $dir -UserName 'ghost' -ErrorAction SilentlyContinue } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'UserNotFound' -Category ObjectNotFound -TargetObject 'ghost'
        $err.Exception.Message | Should -Match 'ghost'
    }

    It 'outputs a connection that survives ConvertTo-Json and Export-Csv' {
        $dir = New-TestDirectory -Name 'connect-json'; $dirs.Add($dir)
        $c = Connect-StickyApi -LocalDir $dir
        $json = $c | ConvertTo-Json | ConvertFrom-Json
        $json.Kind | Should -Be 'Local'
        $json.Location | Should -Be $dir
        $json.IsDefault | Should -BeTrue
        $csv = Join-Path $TestDrive 'connection.csv'
        $c | Export-Csv -LiteralPath $csv -NoTypeInformation
        (Import-Csv -LiteralPath $csv).Location | Should -Be $dir
        "$c" | Should -Be "Local:$dir"
    }

    It 'has help with examples' {
        (Get-Help Connect-StickyApi -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Disconnect-StickyApi' {
    BeforeEach {
        $s = New-TestStore -Name 'disconnect'
    }
    AfterEach {
        $env:STICKYPI_LOCAL_DIR = $null
        Remove-TestStore $s
    }

    It 'closes the session default, after which cmdlets say how to connect' {
        Disconnect-StickyApi
        $s.Connection.IsClosed | Should -BeTrue
        $s.Connection.IsDefault | Should -BeFalse
        $err = { Get-StickySeries } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'NotConnected' -Category ConnectionError
        $err.Exception.Message | Should -Match 'Connect-StickyApi'
    }

    It 'closes a piped connection (by value) and leaves the store folder deletable' {
        $other = New-TestStore -Name 'disconnect-piped'
        $other.Connection | Disconnect-StickyApi
        $other.Connection.IsClosed | Should -BeTrue
        Remove-Item -LiteralPath $other.Directory -Recurse -Force
        Test-Path $other.Directory | Should -BeFalse
    }

    It 'refuses a closed connection passed with -Connection' {
        $c = $s.Connection
        Disconnect-StickyApi -Connection $c
        $err = { Get-StickyProject -Connection $c } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'ConnectionClosed' -Category InvalidArgument -TargetObject $c
    }

    It 'does nothing, without error, when nothing is connected' {
        Disconnect-StickyApi
        Disconnect-StickyApi -ErrorVariable errs -Verbose 4>&1 | Out-String | Should -Match 'No session default'
        $errs.Count | Should -Be 0
    }

    It 'lets cmdlets fall back to the store named by $env:STICKYPI_LOCAL_DIR' {
        New-StickyProject -Name 'from-env' | Out-Null
        Disconnect-StickyApi
        $env:STICKYPI_LOCAL_DIR = $s.Directory
        (Get-StickyProject).Name | Should -Be 'from-env'
    }

    It 'has help with examples' {
        (Get-Help Disconnect-StickyApi -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}
