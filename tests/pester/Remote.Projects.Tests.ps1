#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Projects on a remote connection as a lab administrator uses them: Connect-StickyApi -Uri -Credential against
    StickyPi.Server started on 127.0.0.1, then the project, permission, series and column cmdlets piped into one
    another, a user with too low a level, and the operations only StickyPi.Server's own routes offer.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule

    $server = Start-TestStickyServer
    $t0 = [datetime]::new(2021, 1, 1, 12, 12, 12, [DateTimeKind]::Utc)
    $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential
    $password = ConvertTo-SecureString 'field-password-1' -AsPlainText -Force
    $null = New-StickyUser -UserName 'emilie' -Password $password -Confirm:$false
    $emilieCredential = [pscredential]::new('emilie', $password)
}

AfterAll {
    Get-Variable -Name remote -Scope Script -ErrorAction SilentlyContinue | ForEach-Object { if ($_.Value) { Disconnect-StickyApi -Connection $_.Value } }
    Stop-TestStickyServer $server
}

Describe 'Projects on a remote connection' {
    It 'New-StickyProject creates projects on the server and Get-StickyProject lists them by name or wildcard' {
        $traps = New-StickyProject -Name 'traps' -Description 'field' -Notes 'north site' -Confirm:$false
        $traps.Id | Should -BeGreaterThan 0
        $traps.Description | Should -Be 'field'
        $null = New-StickyProject -Name 'lab_2' -Confirm:$false

        @(Get-StickyProject).Name | Should -Be @('traps', 'lab_2')
        (Get-StickyProject -Name 'tr*').Id | Should -Be $traps.Id
        (Get-StickyProject -ProjectId $traps.Id).Name | Should -Be 'traps'
    }

    It 'completes -Project with the names of the server''s projects' {
        $line = 'Get-StickyProjectSeries -Project tr'
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('traps')
    }

    It 'Remove-StickyProject deletes a piped project on the server' {
        $removed = @(Get-StickyProject -Name 'lab_2' | Remove-StickyProject -PassThru -Confirm:$false)
        $removed.Name | Should -Be 'lab_2'
        @(Get-StickyProject).Name | Should -Be @('traps')
    }
}

Describe 'Project permissions on a remote connection' {
    BeforeAll { $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential }

    It 'Grant-StickyProjectPermission gives a level, Get-StickyProjectPermission lists every holder by name' {
        $granted = Grant-StickyProjectPermission -Project 'traps' -UserName 'emilie' -Level Read -Confirm:$false
        $granted.UserName | Should -Be 'emilie'
        $granted.ProjectName | Should -Be 'traps'
        $granted.Level | Should -Be 'Read'

        $rows = @(Get-StickyProject -Name 'traps' | Get-StickyProjectPermission)
        ($rows | ForEach-Object { "$($_.UserName):$($_.Level)" }) | Should -Be @('admin:Admin', 'emilie:Read')
    }

    It 'the grantee then sees the project, and is refused (PermissionDenied) what its level does not allow' {
        $emilie = Connect-StickyApi -Uri $server.Url -Credential $emilieCredential
        try {
            (Get-StickyProject -Connection $emilie).Name | Should -Be 'traps'
            $id = (Get-StickyProject -Name 'traps').Id
            $err = { Add-StickyProjectSeries -ProjectId $id -Device '0123abcd' -StartTime $t0 -EndTime $t0.AddDays(1) -Connection $emilie -Confirm:$false -ErrorAction Stop } |
                Should -Throw -PassThru
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err.Exception.Message | Should -BeLike '*traps*'
        }
        finally {
            Disconnect-StickyApi -Connection $emilie
            $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential # the newest connection was the default
        }
    }

    It 'Revoke-StickyProjectPermission removes the holder on StickyPi.Server, and a second revoke says there is nothing to remove' {
        $revoked = Revoke-StickyProjectPermission -Project 'traps' -UserName 'emilie' -Confirm:$false -PassThru
        $revoked.UserName | Should -Be 'emilie'
        $revoked.ProjectName | Should -Be 'traps'
        @(Get-StickyProjectPermission -Project 'traps').UserName | Should -Not -Contain 'emilie'
        $null = Revoke-StickyProjectPermission -Project 'traps' -UserName 'emilie' -Confirm:$false -ErrorVariable again -ErrorAction SilentlyContinue
        $again[0].FullyQualifiedErrorId | Should -BeLike 'PermissionNotFound,*'
    }
}

Describe 'Project series and columns on a remote connection' {
    BeforeAll {
        $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential
        $script:project = Get-StickyProject -Name 'traps'
    }

    It 'Add-StickyProjectColumn adds typed columns, and Add-StickyProjectSeries rows with their values' {
        $column = $project | Add-StickyProjectColumn -Name 'bait' -Type 'integer' -Confirm:$false
        $column.SqlType | Should -Be 'INTEGER'
        $null = $project | Add-StickyProjectColumn -Name 'note' -Type 'VARCHAR(40)' -Confirm:$false

        $a = $project | Add-StickyProjectSeries -Device '0123abcd' -StartTime $t0 -EndTime $t0.AddDays(11) -Value @{ bait = 3; note = 'dry' } -Confirm:$false
        $b = $project | Add-StickyProjectSeries -Device 'cdef1234' -StartTime $t0.AddSeconds(2) -EndTime $t0.AddDays(11) -Confirm:$false
        $a.bait | Should -Be 3
        $a.note | Should -Be 'dry'
        $a.StartDateTime | Should -Be $t0
        $b.bait | Should -BeNullOrEmpty

        @($project | Get-StickyProjectSeries).Device | Should -Be @('0123abcd', 'cdef1234')
    }

    It 'refuses a second series with the same device and window (DuplicateProjectSeries), naming it' {
        $err = { $project | Add-StickyProjectSeries -Device '0123abcd' -StartTime $t0 -EndTime $t0.AddDays(11) -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'DuplicateProjectSeries,*'
        $err.Exception.Message | Should -BeLike '*0123abcd*'
    }

    It 'Set-StickyProjectSeries changes piped rows and writes them back as stored' {
        $changed = @(Get-StickyProjectSeries -Project 'traps' | Where-Object Device -eq 'cdef1234' |
            Set-StickyProjectSeries -Value @{ bait = 7 } -EndTime $t0.AddDays(12) -PassThru -Confirm:$false)
        $changed.Count | Should -Be 1
        $changed[0].bait | Should -Be 7
        $changed[0].EndDateTime | Should -Be $t0.AddDays(12)
    }

    It 'Rename-StickyProjectColumn and Remove-StickyProjectColumn change the table; a built-in column is refused' {
        $renamed = $project | Rename-StickyProjectColumn -Name 'bait' -NewName 'has_bait' -PassThru -Confirm:$false
        $renamed.Name | Should -Be 'has_bait'
        $renamed.OldName | Should -Be 'bait'
        $project | Remove-StickyProjectColumn -Name 'note' -Confirm:$false
        $rows = @($project | Get-StickyProjectSeries)
        ($rows | Where-Object Device -eq 'cdef1234').has_bait | Should -Be 7
        @($rows[0].Columns.Keys) | Should -Be @('has_bait')

        $err = { $project | Remove-StickyProjectColumn -Name 'device' -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ReservedProjectColumn,*'
    }

    It 'Get-StickyProjectColumn lists the server''s columns with their types (StickyPi.Server''s get_project_columns)' {
        $columns = @($project | Get-StickyProjectColumn)
        ($columns | ForEach-Object { "$($_.Name) $($_.SqlType) $($_.IsBuiltIn)" }) |
            Should -Be @('id INTEGER True', 'device CHAR(8) True', 'start_datetime DATETIME True', 'end_datetime DATETIME True', 'has_bait INTEGER False')
        (Get-StickyProjectColumn -Project 'traps' -Name 'HAS_*').Name | Should -Be 'has_bait'
    }

    It 'Remove-StickyProjectSeries -PassThru writes the deleted row itself' {
        $removed = @(Get-StickyProjectSeries -Project 'traps' | Where-Object Device -eq 'cdef1234' | Remove-StickyProjectSeries -PassThru -Confirm:$false)
        $removed.Device | Should -Be 'cdef1234'
        @($project | Get-StickyProjectSeries).Device | Should -Be @('0123abcd')
    }
}
