#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    New-/Get-/Remove-StickyProject and Grant-/Get-/Revoke-StickyProjectPermission: projects from CSV files, project
    objects piped into permission cmdlets, levels, visibility, confirmations and per-item errors.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule
    $password = ConvertTo-SecureString 'correct horse battery' -AsPlainText -Force

    # Users are made once (hashing passwords takes a while) and copied into each test's store folder.
    $template = New-TestStore -Name 'projects-template'
    'alice', 'bob', 'carol' | ForEach-Object { New-StickyUser -UserName $_ -Password $password } | Out-Null
    Disconnect-StickyApi -Connection $template.Connection

    function New-ProjectStore([string] $Name) { New-TestStore -Name $Name -From $template.Directory }
}

AfterAll {
    Remove-TestDirectory $template.Directory
}

Describe 'New-StickyProject' {
    BeforeEach { $s = New-ProjectStore 'new-project' }
    AfterEach { Remove-TestStore $s }

    It 'creates a project with its description and notes' {
        $p = New-StickyProject -Name 'field-2024' -Description 'Summer season' -Notes 'Traps on the north side.'
        $p.Name | Should -Be 'field-2024'
        $p.Description | Should -Be 'Summer season'
        $p.Notes | Should -Be 'Traps on the north side.'
        $p.Id | Should -BeGreaterThan 0
        (Get-StickyProject -Id $p.Id).Name | Should -Be 'field-2024'
    }

    It 'creates projects from Import-Csv rows (by property name)' {
        $csv = Join-Path $TestDrive 'projects.csv'
        @(
            [pscustomobject]@{ Name = 'north'; Description = 'North traps'; Notes = '' }
            [pscustomobject]@{ Name = 'south'; Description = ''; Notes = 'Moved in June' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation
        $created = @(Import-Csv -LiteralPath $csv | New-StickyProject)
        $created.Name | Should -Be @('north', 'south')
        $created[0].Notes | Should -BeNullOrEmpty
        $created[1].Notes | Should -Be 'Moved in June'
        $created[1].Description | Should -BeNullOrEmpty
    }

    It 'gives the stored user who creates a project level Admin on it' {
        $alice = Connect-StickyApi -LocalDir $s.Directory -UserName 'alice'
        try {
            $p = New-StickyProject -Name 'alices' -Connection $alice
            $perm = Get-StickyProjectPermission -ProjectId $p.Id -Connection $alice
            $perm.UserName | Should -Be 'alice'
            $perm.Level | Should -Be 'Admin'
        }
        finally {
            Disconnect-StickyApi -Connection $alice
            Connect-StickyApi -LocalDir $s.Directory | Out-Null
        }
    }

    It 'reports a too-long value, naming the field, and creates the other piped projects' {
        $rows = @(
            [pscustomobject]@{ Name = 'ok-1' }
            [pscustomobject]@{ Name = 'x' * 40 }
            [pscustomobject]@{ Name = 'ok-2' }
        )
        $created = @($rows | New-StickyProject -ErrorAction SilentlyContinue -ErrorVariable errs)
        $created.Name | Should -Be @('ok-1', 'ok-2')
        Assert-ErrorRecord $errs[0] -ErrorId 'ValueTooLong' -Category InvalidArgument -TargetObject ('x' * 40)
        $errs[0].Exception.Message | Should -Match 'Name'
        $err = { New-StickyProject -Name 'p' -Description ('d' * 21) -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'ValueTooLong' -Category InvalidArgument -TargetObject 'p'
        $err.Exception.Message | Should -Match 'Description'
    }

    It 'creates nothing under -WhatIf, asks under $ConfirmPreference Medium, and not with -Confirm:$false' {
        (Invoke-Hostless 'param($c) New-StickyProject w -WhatIf -Connection $c' $s.Connection).Output.Count | Should -Be 0
        $r = Invoke-Hostless 'param($c) $ConfirmPreference = "Medium"; New-StickyProject m -Connection $c' $s.Connection
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickyProject) | Should -BeNullOrEmpty
        $r = Invoke-Hostless 'param($c) $ConfirmPreference = "Medium"; New-StickyProject m -Connection $c -Confirm:$false' $s.Connection
        $r.Output.Name | Should -Be 'm'
    }

    It 'outputs projects that survive Export-Csv and ConvertTo-Json' {
        $p = New-StickyProject -Name 'json' -Description 'd' -Notes 'n'
        $json = $p | ConvertTo-Json | ConvertFrom-Json
        $json.Id | Should -Be $p.Id
        $json.Notes | Should -Be 'n'
        $csv = Join-Path $TestDrive 'project.csv'
        $p | Export-Csv -LiteralPath $csv -NoTypeInformation
        (Import-Csv -LiteralPath $csv).Description | Should -Be 'd'
    }

    It 'has help with examples' {
        (Get-Help New-StickyProject -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-StickyProject' {
    BeforeAll {
        $s = New-ProjectStore 'get-project'
        $north = New-StickyProject -Name 'field-north'
        $south = New-StickyProject -Name 'field-south'
        $lab = New-StickyProject -Name 'lab'
        Grant-StickyProjectPermission -Project 'lab' -UserName 'bob' -Level Read | Out-Null
    }
    AfterAll { Remove-TestStore $s }

    It 'lists every project (an administrator), sorted by id' {
        (Get-StickyProject).Name | Should -Be @('field-north', 'field-south', 'lab')
    }

    It 'matches names with wildcards and exactly, and takes ids' {
        (Get-StickyProject 'field-*').Id | Should -Be @($north.Id, $south.Id)
        (Get-StickyProject -Name 'lab').Id | Should -Be $lab.Id
        (Get-StickyProject -Id $south.Id, $lab.Id).Name | Should -Be @('field-south', 'lab')
    }

    It 'takes ids by property name (ProjectId of permission rows, not their own Id), each project once' {
        Grant-StickyProjectPermission -Project 'lab' -UserName 'alice' -Level Admin | Out-Null
        $rows = @(Get-StickyProjectPermission)
        $rows.Id | Should -Contain $north.Id
        $projects = @($rows | Get-StickyProject)
        $projects.Name | Should -Be 'lab'
        @([pscustomobject]@{ Id = $north.Id }, [pscustomobject]@{ ProjectId = $north.Id } | Get-StickyProject).Name | Should -Be 'field-north'
    }

    It 'reports an unknown name or id as ProjectNotFound and goes on' {
        $found = @(Get-StickyProject -Name 'ghost', 'lab' -ErrorAction SilentlyContinue -ErrorVariable errs)
        $found.Name | Should -Be 'lab'
        Assert-ErrorRecord $errs[0] -ErrorId 'ProjectNotFound' -Category ObjectNotFound -TargetObject 'ghost'
        $err = { Get-StickyProject -Id 999 -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'ProjectNotFound' -Category ObjectNotFound -TargetObject 999
        @(Get-StickyProject 'nothing*' -ErrorVariable none) | Should -BeNullOrEmpty
        $none.Count | Should -Be 0
    }

    It 'shows a stored user only the projects it holds a permission on' {
        $bob = Connect-StickyApi -LocalDir $s.Directory -UserName 'bob'
        try {
            (Get-StickyProject -Connection $bob).Name | Should -Be 'lab'
        }
        finally {
            Disconnect-StickyApi -Connection $bob
            Connect-StickyApi -LocalDir $s.Directory | Out-Null
        }
    }

    It 'outputs projects that survive Export-Csv and ConvertTo-Json' {
        $csv = Join-Path $TestDrive 'projects.csv'
        Get-StickyProject | Export-Csv -LiteralPath $csv -NoTypeInformation
        (Import-Csv -LiteralPath $csv).Name | Should -Be @('field-north', 'field-south', 'lab')
        (Get-StickyProject | ConvertTo-Json | ConvertFrom-Json).Id | Should -Be @($north.Id, $south.Id, $lab.Id)
    }

    It 'has help with examples' {
        (Get-Help Get-StickyProject -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Remove-StickyProject' {
    BeforeEach {
        $s = New-ProjectStore 'remove-project'
        $a = New-StickyProject -Name 'a'
        $b = New-StickyProject -Name 'b'
        Grant-StickyProjectPermission -Project 'a' -UserName 'bob' -Level ReadWrite | Out-Null
    }
    AfterEach { Remove-TestStore $s }

    It 'removes piped projects (by value) with their permissions and series, and passes them through' {
        Add-StickyProjectSeries -ProjectId $a.Id -Device '5c173ff2' -StartTime '2020-07-01' -EndTime '2020-07-31' | Out-Null
        $removed = @(Get-StickyProject 'a' | Remove-StickyProject -Confirm:$false -PassThru)
        $removed.Name | Should -Be 'a'
        (Get-StickyProject).Name | Should -Be 'b'
        @(Get-StickyProjectPermission -UserName 'bob') | Should -BeNullOrEmpty
        Get-StickyProjectSeries -ProjectId $a.Id -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ProjectNotFound,*'
    }

    It 'removes projects by id, from the pipeline by property name' {
        [pscustomobject]@{ ProjectId = $b.Id } | Remove-StickyProject -Confirm:$false
        (Get-StickyProject).Name | Should -Be 'a'
    }

    It 'removes the project of piped permission rows, never the project whose id equals the row''s own Id' {
        $row = Get-StickyProjectPermission -Project 'a'
        $row.Id | Should -Be $a.Id
        $c = New-StickyProject -Name 'c'
        Grant-StickyProjectPermission -Project 'c' -UserName 'carol' -Level Read | Out-Null
        $rowOfC = Get-StickyProjectPermission -Project 'c'
        $rowOfC.Id | Should -Be $b.Id
        $rowOfC | Remove-StickyProject -Confirm:$false
        (Get-StickyProject).Name | Should -Be @('a', 'b')
    }

    It 'reports an unknown id as ProjectNotFound and removes the others' {
        Remove-StickyProject -Id 999, $b.Id -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        Assert-ErrorRecord $errs[0] -ErrorId 'ProjectNotFound' -Category ObjectNotFound -TargetObject 999
        (Get-StickyProject).Name | Should -Be 'a'
        $err = { Remove-StickyProject -Id 999 -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'ProjectNotFound' -Category ObjectNotFound -TargetObject 999
    }

    It 'removes nothing under -WhatIf and asks by default (ConfirmImpact High)' {
        (Invoke-Hostless 'param($c) Get-StickyProject -Connection $c | Remove-StickyProject -WhatIf -Connection $c' $s.Connection).Exception | Should -BeNullOrEmpty
        $r = Invoke-Hostless 'param($c, $id) Remove-StickyProject -Id $id -Connection $c' $s.Connection, $a.Id
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickyProject).Count | Should -Be 2
        $r = Invoke-Hostless 'param($c, $id) $ConfirmPreference = "None"; Remove-StickyProject -Id $id -Connection $c -PassThru' $s.Connection, $a.Id
        $r.Output.Name | Should -Be 'a'
        (Get-StickyProject).Name | Should -Be 'b'
    }

    It 'passes through projects that survive ConvertTo-Json' {
        $json = Remove-StickyProject -Id $b.Id -Confirm:$false -PassThru | ConvertTo-Json | ConvertFrom-Json
        $json.Name | Should -Be 'b'
        $json.Id | Should -Be $b.Id
    }

    It 'has help with examples' {
        (Get-Help Remove-StickyProject -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Grant-StickyProjectPermission' {
    BeforeEach {
        $s = New-ProjectStore 'grant'
        $field = New-StickyProject -Name 'field'
    }
    AfterEach { Remove-TestStore $s }

    It 'gives users a level on a project named by -Project' {
        $rows = @(Grant-StickyProjectPermission -Project 'field' -UserName 'alice', 'bob' -Level ReadWrite)
        $rows.UserName | Should -Be @('alice', 'bob')
        $rows.Level | Sort-Object -Unique | Should -Be 'ReadWrite'
        $rows.ProjectId | Sort-Object -Unique | Should -Be $field.Id
        $rows.ProjectName | Sort-Object -Unique | Should -Be 'field'
    }

    It 'takes the project piped from Get-StickyProject (Id by property name)' {
        (Get-StickyProject 'field' | Grant-StickyProjectPermission -UserName 'carol' -Level Admin).Level | Should -Be 'Admin'
    }

    It 'grants the rows of an Import-Csv file (UserName and Level by property name)' {
        $csv = Join-Path $TestDrive 'team.csv'
        "UserName,Level`nalice,Read`nbob,Admin`n" | Set-Content -LiteralPath $csv
        $rows = @(Import-Csv -LiteralPath $csv | Grant-StickyProjectPermission -Project 'field')
        ($rows | ForEach-Object { "$($_.UserName)=$($_.Level)" }) | Should -Be @('alice=Read', 'bob=Admin')
    }

    It 'changes the level a user already holds' {
        Grant-StickyProjectPermission field alice Read | Out-Null
        Grant-StickyProjectPermission field alice Admin | Out-Null
        $rows = @(Get-StickyProjectPermission -Project 'field' -UserName 'alice')
        $rows.Count | Should -Be 1
        $rows.Level | Should -Be 'Admin'
    }

    It 'reports an unknown user (naming it) and grants the other users' {
        $rows = @(Grant-StickyProjectPermission -Project 'field' -UserName 'ghost', 'bob' -Level Read -ErrorAction SilentlyContinue -ErrorVariable errs)
        $rows.UserName | Should -Be 'bob'
        Assert-ErrorRecord $errs[0] -ErrorId 'UserNotFound' -Category ObjectNotFound -TargetObject 'ghost'
    }

    It 'reports an unknown project, naming it' {
        $err = { Grant-StickyProjectPermission -Project 'nowhere' -UserName 'bob' -Level Read -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'ProjectNotFound' -Category ObjectNotFound -TargetObject 'nowhere'
    }

    It 'refuses a level that is not Read, ReadWrite or Admin at binding' {
        $err = { Grant-StickyProjectPermission -Project 'field' -UserName 'bob' -Level 'Owner' -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'ReadWrite'
    }

    It 'grants nothing under -WhatIf, asks under $ConfirmPreference Medium, and not with -Confirm:$false' {
        (Invoke-Hostless 'param($c) Grant-StickyProjectPermission field bob Read -WhatIf -Connection $c' $s.Connection).Output.Count | Should -Be 0
        $r = Invoke-Hostless 'param($c) $ConfirmPreference = "Medium"; Grant-StickyProjectPermission field bob Read -Connection $c' $s.Connection
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickyProjectPermission) | Should -BeNullOrEmpty
        (Invoke-Hostless 'param($c) $ConfirmPreference = "Medium"; Grant-StickyProjectPermission field bob Read -Connection $c -Confirm:$false' $s.Connection).Output.UserName | Should -Be 'bob'
    }

    It 'has help with examples' {
        (Get-Help Grant-StickyProjectPermission -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-StickyProjectPermission' {
    BeforeAll {
        $s = New-ProjectStore 'get-permission'
        $field = New-StickyProject -Name 'field'
        $lab = New-StickyProject -Name 'lab'
        Grant-StickyProjectPermission field alice Admin | Out-Null
        Grant-StickyProjectPermission field bob Read | Out-Null
        Grant-StickyProjectPermission lab bob ReadWrite | Out-Null
    }
    AfterAll { Remove-TestStore $s }

    It 'lists every permission, filtered by project and user wildcards' {
        @(Get-StickyProjectPermission).Count | Should -Be 3
        (Get-StickyProjectPermission -Project 'field').UserName | Sort-Object | Should -Be @('alice', 'bob')
        (Get-StickyProjectPermission -UserName 'b*').ProjectName | Sort-Object | Should -Be @('field', 'lab')
        (Get-StickyProjectPermission -Project 'l*' -UserName 'bob').Level | Should -Be 'ReadWrite'
    }

    It 'takes project ids by property name from Get-StickyProject' {
        (Get-StickyProject 'lab' | Get-StickyProjectPermission).UserName | Should -Be 'bob'
    }

    It 'gives nothing, and no error, for a project it does not know' {
        @(Get-StickyProjectPermission -Project 'ghost' -ErrorVariable errs) | Should -BeNullOrEmpty
        $errs.Count | Should -Be 0
    }

    It 'refuses a project id that is not a number at binding' {
        $err = { Get-StickyProjectPermission -ProjectId 'field' -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'ProjectId'
    }

    It 'outputs permissions that survive Export-Csv and ConvertTo-Json (the level by name in CSV)' {
        $rows = @(Get-StickyProjectPermission -Project 'field')
        $csv = Join-Path $TestDrive 'permissions.csv'
        $rows | Export-Csv -LiteralPath $csv -NoTypeInformation
        $back = @(Import-Csv -LiteralPath $csv)
        ($back | ForEach-Object { "$($_.UserName)=$($_.Level)" } | Sort-Object) | Should -Be @('alice=Admin', 'bob=Read')
        # The exported file grants the same levels on another project.
        $copy = @($back | Grant-StickyProjectPermission -Project 'lab')
        ($copy | Where-Object UserName -eq 'alice').Level | Should -Be 'Admin'
        $json = @($rows | ConvertTo-Json | ConvertFrom-Json)
        $json.Level | Sort-Object | Should -Be @(1, 3)
    }

    It 'has help with examples' {
        (Get-Help Get-StickyProjectPermission -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Revoke-StickyProjectPermission' {
    BeforeEach {
        $s = New-ProjectStore 'revoke'
        $field = New-StickyProject -Name 'field'
        $lab = New-StickyProject -Name 'lab'
        Grant-StickyProjectPermission field alice, bob ReadWrite | Out-Null
        Grant-StickyProjectPermission lab bob Read | Out-Null
    }
    AfterEach { Remove-TestStore $s }

    It 'removes a user''s permission on a project and passes the row through' {
        $removed = Revoke-StickyProjectPermission -Project 'field' -UserName 'alice' -PassThru
        $removed.UserName | Should -Be 'alice'
        $removed.Level | Should -Be 'ReadWrite'
        (Get-StickyProjectPermission -Project 'field').UserName | Should -Be 'bob'
    }

    It 'revokes piped permission rows (ProjectId and UserName by property name)' {
        Get-StickyProjectPermission -UserName 'bob' | Revoke-StickyProjectPermission
        @(Get-StickyProjectPermission -UserName 'bob') | Should -BeNullOrEmpty
        (Get-StickyProjectPermission).UserName | Should -Be 'alice'
    }

    It 'reports a permission that does not exist, naming the user, and revokes the others' {
        Revoke-StickyProjectPermission -Project 'lab' -UserName 'alice', 'bob' -ErrorAction SilentlyContinue -ErrorVariable errs
        Assert-ErrorRecord $errs[0] -ErrorId 'PermissionNotFound' -Category ObjectNotFound -TargetObject 'alice'
        @(Get-StickyProjectPermission -Project 'lab') | Should -BeNullOrEmpty
        $err = { Revoke-StickyProjectPermission -Project 'lab' -UserName 'carol' -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'PermissionNotFound' -Category ObjectNotFound -TargetObject 'carol'
    }

    It 'revokes nothing under -WhatIf, asks under $ConfirmPreference Medium (its ConfirmImpact), not with -Confirm:$false' {
        (Invoke-Hostless 'param($c) Revoke-StickyProjectPermission field alice -WhatIf -Connection $c' $s.Connection).Exception | Should -BeNullOrEmpty
        $r = Invoke-Hostless 'param($c) $ConfirmPreference = "Medium"; Revoke-StickyProjectPermission field alice -Connection $c' $s.Connection
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickyProjectPermission).Count | Should -Be 3
        $r = Invoke-Hostless 'param($c) $ConfirmPreference = "Medium"; Revoke-StickyProjectPermission field alice -Connection $c -Confirm:$false -PassThru' $s.Connection
        $r.Output.UserName | Should -Be 'alice'
        @(Get-StickyProjectPermission).Count | Should -Be 2
    }

    It 'passes through rows that survive ConvertTo-Json' {
        $json = Revoke-StickyProjectPermission lab bob -PassThru | ConvertTo-Json | ConvertFrom-Json
        $json.ProjectName | Should -Be 'lab'
        $json.UserName | Should -Be 'bob'
    }

    It 'has help with examples' {
        (Get-Help Revoke-StickyProjectPermission -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}
