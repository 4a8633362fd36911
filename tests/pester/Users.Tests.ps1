#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    New-StickyUser, Get-StickyUser and Remove-StickyUser: passwords only as SecureString or PSCredential, roles,
    visibility, names from the pipeline, confirmations and per-user errors.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule
    $password = ConvertTo-SecureString 'correct horse battery' -AsPlainText -Force

    # Users made once (hashing passwords takes a while), copied into the stores of the tests that only read or remove them.
    $template = New-TestStore -Name 'users-template'
    New-StickyUser -UserName 'alice' -Password $password -Email 'alice@example.org' -Admin | Out-Null
    New-StickyUser -UserName 'albert' -Password $password | Out-Null
    New-StickyUser -UserName 'bob' -Password $password -ReadOnly | Out-Null
    Disconnect-StickyApi -Connection $template.Connection
}

AfterAll {
    Remove-TestDirectory $template.Directory
}

Describe 'New-StickyUser' {
    BeforeEach { $s = New-TestStore -Name 'new-user' }
    AfterEach { Remove-TestStore $s }

    It 'creates a read-write user with a SecureString password and outputs only upstream''s mask for the hash' {
        $u = New-StickyUser -UserName 'alice' -Password $password -Email 'alice@example.org'
        $u.UserName | Should -Be 'alice'
        $u.Email | Should -Be 'alice@example.org'
        $u.IsAdmin | Should -BeFalse
        $u.CanWrite | Should -BeTrue
        $u.Id | Should -BeGreaterThan 0
        $u.PasswordHash | Should -Be '***********'
        $u.Role | Should -Be 'ReadWrite'
        ($u | ConvertTo-Json) | Should -Not -Match '\$6\$'
    }

    It 'creates users from PSCredential objects, as administrators or read-only' {
        $admin = New-StickyUser -Credential ([pscredential]::new('root', $password)) -Admin
        $reader = New-StickyUser -Credential ([pscredential]::new('reader', $password)) -ReadOnly
        $admin.IsAdmin | Should -BeTrue
        $reader.CanWrite | Should -BeFalse
        $reader.IsAdmin | Should -BeFalse
        (Connect-StickyApi -LocalDir $s.Directory -UserName 'reader').User | Should -Be 'reader'
    }

    It 'refuses a plain-text password at binding' {
        $err = { New-StickyUser -UserName 'plain' -Password 'secret' -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'SecureString'
        @(Get-StickyUser) | Should -BeNullOrEmpty
    }

    It 'reports a name already taken as DuplicateUser, naming it' {
        Remove-TestStore $s
        $s = New-TestStore -Name 'new-user-dup' -From $template.Directory
        New-StickyUser -UserName 'alice' -Password $password -ErrorAction SilentlyContinue -ErrorVariable errs | Should -BeNullOrEmpty
        Assert-ErrorRecord $errs[0] -ErrorId 'DuplicateUser' -Category ResourceExists -TargetObject 'alice'
        $err = { New-StickyUser -UserName 'alice' -Password $password -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'DuplicateUser' -Category ResourceExists -TargetObject 'alice'
        @(Get-StickyUser).Count | Should -Be 3
    }

    It 'creates nothing under -WhatIf, asks under $ConfirmPreference Medium, and not with -Confirm:$false' {
        $r = Invoke-Hostless 'param($c, $p) New-StickyUser -UserName w -Password $p -WhatIf -Connection $c' $s.Connection, $password
        $r.Output.Count | Should -Be 0
        $r = Invoke-Hostless 'param($c, $p) $ConfirmPreference = "Medium"; New-StickyUser -UserName m -Password $p -Connection $c' $s.Connection, $password
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickyUser) | Should -BeNullOrEmpty
        $r = Invoke-Hostless 'param($c, $p) $ConfirmPreference = "Medium"; New-StickyUser -UserName m -Password $p -Connection $c -Confirm:$false' $s.Connection, $password
        $r.Output.UserName | Should -Be 'm'
    }

    It 'has help with examples' {
        (Get-Help New-StickyUser -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-StickyUser' {
    BeforeAll { $s = New-TestStore -Name 'get-user' -From $template.Directory }
    AfterAll { Remove-TestStore $s }

    It 'lists every user sorted by name' {
        (Get-StickyUser).UserName | Should -Be @('albert', 'alice', 'bob')
    }

    It 'matches names with wildcards and exactly' {
        (Get-StickyUser 'al*').UserName | Should -Be @('albert', 'alice')
        (Get-StickyUser -UserName 'bob').CanWrite | Should -BeFalse
        @(Get-StickyUser 'ALICE' -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }

    It 'takes names from the pipeline by value and by property name, each user once' {
        ('bob', 'alice', 'al*' | Get-StickyUser).UserName | Should -Be @('bob', 'alice', 'albert')
        ([pscustomobject]@{ UserName = 'albert' } | Get-StickyUser).UserName | Should -Be 'albert'
    }

    It 'reports an unknown name as UserNotFound and goes on' {
        $users = @('ghost', 'bob' | Get-StickyUser -ErrorAction SilentlyContinue -ErrorVariable errs)
        $users.UserName | Should -Be 'bob'
        Assert-ErrorRecord $errs[0] -ErrorId 'UserNotFound' -Category ObjectNotFound -TargetObject 'ghost'
        $err = { Get-StickyUser 'ghost' -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'UserNotFound' -Category ObjectNotFound -TargetObject 'ghost'
    }

    It 'shows a user that is not an administrator only itself' {
        $albert = Connect-StickyApi -LocalDir $s.Directory -UserName 'albert'
        try {
            (Get-StickyUser -Connection $albert).UserName | Should -Be 'albert'
            Get-StickyUser 'alice' -Connection $albert -ErrorAction SilentlyContinue -ErrorVariable errs | Should -BeNullOrEmpty
            Assert-ErrorRecord $errs[0] -ErrorId 'UserNotFound' -Category ObjectNotFound -TargetObject 'alice'
        }
        finally {
            Disconnect-StickyApi -Connection $albert
            Connect-StickyApi -LocalDir $s.Directory | Out-Null
        }
    }

    It 'outputs users that survive Export-Csv and ConvertTo-Json' {
        $users = @(Get-StickyUser)
        $csv = Join-Path $TestDrive 'users.csv'
        $users | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.UserName | Should -Be $users.UserName
        $rows[1].Email | Should -Be 'alice@example.org'
        $rows[1].IsAdmin | Should -Be 'True'
        $json = @($users | ConvertTo-Json | ConvertFrom-Json)
        $json.Id | Should -Be $users.Id
        $json[2].CanWrite | Should -BeFalse
    }

    It 'has help with examples' {
        (Get-Help Get-StickyUser -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Remove-StickyUser' {
    BeforeEach { $s = New-TestStore -Name 'remove-user' -From $template.Directory }
    AfterEach { Remove-TestStore $s }

    It 'removes piped user objects (by value) and passes them through' {
        $removed = @(Get-StickyUser 'al*' | Remove-StickyUser -Confirm:$false -PassThru)
        $removed.UserName | Sort-Object | Should -Be @('albert', 'alice')
        (Get-StickyUser).UserName | Should -Be 'bob'
    }

    It 'removes users by name, from the pipeline by property name' {
        [pscustomobject]@{ UserName = 'bob' } | Remove-StickyUser -Confirm:$false
        (Get-StickyUser).UserName | Should -Be @('albert', 'alice')
    }

    It 'removes the user''s project permissions and keeps its projects' {
        New-StickyProject -Name 'field' | Out-Null
        Grant-StickyProjectPermission -Project 'field' -UserName 'bob' -Level Read | Out-Null
        Remove-StickyUser 'bob' -Confirm:$false
        @(Get-StickyProjectPermission -Project 'field' -UserName 'bob') | Should -BeNullOrEmpty
        (Get-StickyProject 'field').Name | Should -Be 'field'
    }

    It 'reports an unknown name as UserNotFound and removes the others' {
        Remove-StickyUser -UserName 'ghost', 'bob' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        Assert-ErrorRecord $errs[0] -ErrorId 'UserNotFound' -Category ObjectNotFound -TargetObject 'ghost'
        (Get-StickyUser).UserName | Should -Not -Contain 'bob'
        $err = { Remove-StickyUser 'ghost' -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'UserNotFound' -Category ObjectNotFound -TargetObject 'ghost'
    }

    It 'keeps the last administrator when a stored administrator removes it' {
        $alice = Connect-StickyApi -LocalDir $s.Directory -UserName 'alice'
        try {
            Remove-StickyUser 'alice' -Connection $alice -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'LastAdministrator,*'
            (Get-StickyUser 'alice' -Connection $alice).IsAdmin | Should -BeTrue
        }
        finally {
            Disconnect-StickyApi -Connection $alice
            Connect-StickyApi -LocalDir $s.Directory | Out-Null
        }
    }

    It 'removes nothing under -WhatIf and asks by default (ConfirmImpact High)' {
        $r = Invoke-Hostless 'param($c) Remove-StickyUser bob -WhatIf -Connection $c' $s.Connection
        $r.Exception | Should -BeNullOrEmpty
        $r = Invoke-Hostless 'param($c) Remove-StickyUser bob -Connection $c' $s.Connection
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickyUser).Count | Should -Be 3
        $r = Invoke-Hostless 'param($c) $ConfirmPreference = "None"; Remove-StickyUser bob -Connection $c -PassThru' $s.Connection
        $r.Output.UserName | Should -Be 'bob'
        @(Get-StickyUser).Count | Should -Be 2
    }

    It 'passes through users that survive ConvertTo-Json' {
        $json = Remove-StickyUser 'bob' -Confirm:$false -PassThru | ConvertTo-Json | ConvertFrom-Json
        $json.UserName | Should -Be 'bob'
        $json.CanWrite | Should -BeFalse
    }

    It 'has help with examples' {
        (Get-Help Remove-StickyUser -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}
