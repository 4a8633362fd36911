#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    A project's series table: Add-/Get-/Set-/Remove-StickyProjectSeries for its rows (trap deployments) and
    Add-/Get-/Rename-/Remove-StickyProjectColumn for its own columns, driven from CSV files and pipelines.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule

    function Utc([int] $y, [int] $mo, [int] $d) { [datetime]::new($y, $mo, $d, 0, 0, 0, [DateTimeKind]::Utc) }

    function New-SeriesStore([string] $Name) {
        $store = New-TestStore -Name $Name
        $project = New-StickyProject -Name 'field'
        Add-StickyProjectColumn -ProjectId $project.Id -Name 'trap_colour' -Type 'CHAR(12)' | Out-Null
        Add-StickyProjectColumn -ProjectId $project.Id -Name 'height_m' -Type 'DOUBLE' | Out-Null
        $store | Add-Member -NotePropertyName Project -NotePropertyValue $project -PassThru
    }
}

Describe 'Add-StickyProjectSeries' {
    BeforeEach { $s = New-SeriesStore 'add-series' }
    AfterEach { Remove-TestStore $s }

    It 'adds a row with custom column values and outputs it with the columns as properties' {
        $row = Add-StickyProjectSeries -ProjectId $s.Project.Id -Device '5c173ff2' -StartTime (Utc 2020 7 1) -EndTime (Utc 2020 7 31) -Value @{ trap_colour = 'yellow'; height_m = 1.5 }
        $row.ProjectId | Should -Be $s.Project.Id
        $row.Id | Should -BeGreaterThan 0
        $row.Device | Should -Be '5c173ff2'
        $row.StartDateTime | Should -Be (Utc 2020 7 1)
        $row.EndDateTime | Should -Be (Utc 2020 7 31)
        $row.trap_colour | Should -Be 'yellow'
        $row.height_m | Should -Be 1.5
        $row.Columns['trap_colour'] | Should -Be 'yellow'
    }

    It 'adds the rows of an Import-Csv file (ProjectId, Device, StartTime, EndTime by property name)' {
        $csv = Join-Path $TestDrive 'deployments.csv'
        @(
            [pscustomobject]@{ ProjectId = $s.Project.Id; Device = '5c173ff2'; StartTime = '2020-07-01'; EndTime = '2020-07-31' }
            [pscustomobject]@{ ProjectId = $s.Project.Id; Device = '0a5bb6f4'; StartTime = '2020-08-01 12:00'; EndTime = '2020-08-15' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $csv | Add-StickyProjectSeries)
        $rows.Device | Should -Be @('5c173ff2', '0a5bb6f4')
        $rows[1].StartDateTime | Should -Be ([datetime]::new(2020, 8, 1, 12, 0, 0, [DateTimeKind]::Utc))
        @(Get-StickyProjectSeries -ProjectId $s.Project.Id).Count | Should -Be 2
    }

    It 'reports each bad row (end before start, duplicate, unknown column) and adds the rest' {
        Add-StickyProjectSeries $s.Project.Id '5c173ff2' (Utc 2020 7 1) (Utc 2020 7 31) | Out-Null
        $rows = @(
            [pscustomobject]@{ ProjectId = $s.Project.Id; Device = '0a5bb6f4'; StartTime = (Utc 2020 7 31); EndTime = (Utc 2020 7 1) }
            [pscustomobject]@{ ProjectId = $s.Project.Id; Device = '5c173ff2'; StartTime = (Utc 2020 7 1); EndTime = (Utc 2020 7 31) }
            [pscustomobject]@{ ProjectId = $s.Project.Id; Device = '1b74105a'; StartTime = (Utc 2020 7 1); EndTime = (Utc 2020 7 31) }
        )
        $added = @($rows | Add-StickyProjectSeries -ErrorAction SilentlyContinue -ErrorVariable errs)
        $added.Device | Should -Be '1b74105a'
        $errs.Count | Should -Be 2
        Assert-ErrorRecord $errs[0] -ErrorId 'InvalidProjectSeries' -Category InvalidArgument
        Assert-ErrorRecord $errs[1] -ErrorId 'DuplicateProjectSeries' -Category ResourceExists -TargetObject '5c173ff2'
        $err = { Add-StickyProjectSeries $s.Project.Id 'abcdef01' (Utc 2020 7 1) (Utc 2020 7 2) -Value @{ colour = 'red' } -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'UnknownProjectColumn' -Category InvalidArgument -TargetObject 'colour'
        $err.Exception.Message | Should -Match 'trap_colour'
    }

    It 'reports an unknown project as ProjectNotFound' {
        Add-StickyProjectSeries 999 '5c173ff2' (Utc 2020 7 1) (Utc 2020 7 2) -ErrorAction SilentlyContinue -ErrorVariable errs | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ProjectNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'adds nothing under -WhatIf, asks under $ConfirmPreference Medium, and not with -Confirm:$false' {
        $script = 'param($c, $p) $ConfirmPreference = "Medium"; Add-StickyProjectSeries $p 5c173ff2 2020-07-01 2020-07-02 -Connection $c'
        (Invoke-Hostless 'param($c, $p) Add-StickyProjectSeries $p 5c173ff2 2020-07-01 2020-07-02 -WhatIf -Connection $c' $s.Connection, $s.Project.Id).Output.Count | Should -Be 0
        $r = Invoke-Hostless $script $s.Connection, $s.Project.Id
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickyProjectSeries -ProjectId $s.Project.Id) | Should -BeNullOrEmpty
        (Invoke-Hostless ($script + ' -Confirm:$false') $s.Connection, $s.Project.Id).Output.Device | Should -Be '5c173ff2'
    }

    It 'has help with examples' {
        (Get-Help Add-StickyProjectSeries -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-StickyProjectSeries' {
    BeforeAll {
        $s = New-SeriesStore 'get-series'
        Add-StickyProjectSeries $s.Project.Id '5c173ff2' (Utc 2020 7 5) (Utc 2020 7 6) -Value @{ trap_colour = 'yellow'; height_m = 1.5 } | Out-Null
        Add-StickyProjectSeries $s.Project.Id '0a5bb6f4' (Utc 2020 7 1) (Utc 2020 7 31) -Value @{ trap_colour = 'blue' } | Out-Null
        $empty = New-StickyProject -Name 'empty'
        # Images of the deployments, to follow a series row to its images.
        $work = New-TestDirectory -Name 'get-series-input'
        0..2 | ForEach-Object { New-TestImage -Directory $work -Device '5c173ff2' -DateTime ([datetime]::new(2020, 7, 5, 20, 20 * $_, 0, [DateTimeKind]::Utc)) -Index $_ } | Out-Null
        New-TestImage -Directory $work -Device '5c173ff2' -DateTime ([datetime]::new(2020, 7, 7, 0, 0, 0, [DateTimeKind]::Utc)) | Out-Null
        Send-StickyImage -Path $work | Out-Null
    }
    AfterAll {
        Remove-TestStore $s
        Remove-TestDirectory $work
    }

    It 'gets a project''s rows by id or by name, custom columns as properties' {
        $rows = @(Get-StickyProjectSeries -ProjectId $s.Project.Id)
        $rows.Count | Should -Be 2
        ($rows | Where-Object Device -eq '5c173ff2').trap_colour | Should -Be 'yellow'
        ($rows | Where-Object Device -eq '0a5bb6f4').height_m | Should -BeNullOrEmpty
        (Get-StickyProjectSeries -Project 'field').Id | Should -Be $rows.Id
    }

    It 'takes projects piped from Get-StickyProject (ProjectId by property name)' {
        @(Get-StickyProject 'field', 'empty' | Get-StickyProjectSeries).Count | Should -Be 2
    }

    It 'pipes rows into Get-StickySeries to get the images of each deployment' {
        $images = @(Get-StickyProjectSeries -Project 'field' | Where-Object trap_colour -eq 'yellow' | Get-StickySeries)
        $images.Count | Should -Be 3
        $images.Device | Sort-Object -Unique | Should -Be '5c173ff2'
    }

    It 'reports an unknown project, by id or name, as ProjectNotFound and goes on' {
        $rows = @(Get-StickyProjectSeries -ProjectId 999, $s.Project.Id -ErrorAction SilentlyContinue -ErrorVariable errs)
        $rows.Count | Should -Be 2
        Assert-ErrorRecord $errs[0] -ErrorId 'ProjectNotFound' -Category ObjectNotFound -TargetObject 999
        $err = { Get-StickyProjectSeries -Project 'ghost' -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'ProjectNotFound' -Category ObjectNotFound -TargetObject 'ghost'
    }

    It 'outputs rows whose custom columns survive Export-Csv and ConvertTo-Json' {
        $rows = @(Get-StickyProjectSeries -ProjectId $s.Project.Id)
        $csv = Join-Path $TestDrive 'series.csv'
        $rows | Export-Csv -LiteralPath $csv -NoTypeInformation
        $back = @(Import-Csv -LiteralPath $csv)
        $back[0].PSObject.Properties.Name | Should -Contain 'trap_colour'
        ($back | Where-Object Device -eq '5c173ff2').height_m | Should -Be '1.5'
        $json = @($rows | ConvertTo-Json | ConvertFrom-Json)
        ($json | Where-Object Device -eq '0a5bb6f4').trap_colour | Should -Be 'blue'
        $json.Id | Should -Be $rows.Id
    }

    It 'has help with examples' {
        (Get-Help Get-StickyProjectSeries -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Set-StickyProjectSeries' {
    BeforeEach {
        $s = New-SeriesStore 'set-series'
        $row = Add-StickyProjectSeries $s.Project.Id '5c173ff2' (Utc 2020 7 1) (Utc 2020 7 31) -Value @{ trap_colour = 'yellow' }
        $other = Add-StickyProjectSeries $s.Project.Id '0a5bb6f4' (Utc 2020 7 1) (Utc 2020 7 31)
    }
    AfterEach { Remove-TestStore $s }

    It 'changes values of piped rows and passes the new rows through' {
        $changed = @(Get-StickyProjectSeries -ProjectId $s.Project.Id | Set-StickyProjectSeries -Value @{ height_m = 2.25 } -PassThru)
        $changed.height_m | Should -Be @(2.25, 2.25)
        ($changed | Where-Object Device -eq '5c173ff2').trap_colour | Should -Be 'yellow'
    }

    It 'changes the device and the window of one row named by -ProjectId and -Id, and empties a column with $null' {
        Set-StickyProjectSeries -ProjectId $s.Project.Id -Id $row.Id -Device '5c173ff3' -EndTime (Utc 2020 8 15) -Value @{ trap_colour = $null }
        $now = Get-StickyProjectSeries -ProjectId $s.Project.Id | Where-Object Id -eq $row.Id
        $now.Device | Should -Be '5c173ff3'
        $now.EndDateTime | Should -Be (Utc 2020 8 15)
        $now.StartDateTime | Should -Be (Utc 2020 7 1)
        $now.trap_colour | Should -BeNullOrEmpty
    }

    It 'refuses a call with nothing to set' {
        $err = { Set-StickyProjectSeries -ProjectId $s.Project.Id -Id $row.Id } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'NothingToSet' -Category InvalidArgument
    }

    It 'reports an unknown row and an unknown column, and changes the other rows' {
        $ghost = [pscustomobject]@{ ProjectId = $s.Project.Id; Id = 999 }
        Set-StickyProjectSeries -ProjectId $s.Project.Id -Id 999 -Value @{ height_m = 1 } -ErrorAction SilentlyContinue -ErrorVariable errs
        Assert-ErrorRecord $errs[0] -ErrorId 'ProjectSeriesNotFound' -Category ObjectNotFound -TargetObject 999
        $err = { $other | Set-StickyProjectSeries -Value @{ colour = 'red' } -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'UnknownProjectColumn' -Category InvalidArgument
        $err.TargetObject.Id | Should -Be $other.Id
    }

    It 'changes nothing under -WhatIf, asks under $ConfirmPreference Medium, and not with -Confirm:$false' {
        $script = 'param($c, $p, $i) $ConfirmPreference = "Medium"; Set-StickyProjectSeries $p $i -Value @{ height_m = 9 } -Connection $c -PassThru'
        (Invoke-Hostless 'param($c, $p, $i) Set-StickyProjectSeries $p $i -Value @{ height_m = 9 } -WhatIf -Connection $c' $s.Connection, $s.Project.Id, $row.Id).Output.Count | Should -Be 0
        $r = Invoke-Hostless $script $s.Connection, $s.Project.Id, $row.Id
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        (Get-StickyProjectSeries -ProjectId $s.Project.Id | Where-Object Id -eq $row.Id).height_m | Should -BeNullOrEmpty
        (Invoke-Hostless ($script + ' -Confirm:$false') $s.Connection, $s.Project.Id, $row.Id).Output.height_m | Should -Be 9
    }

    It 'passes through rows that survive ConvertTo-Json' {
        $json = Set-StickyProjectSeries $s.Project.Id $row.Id -Value @{ height_m = 3.5 } -PassThru | ConvertTo-Json | ConvertFrom-Json
        $json.height_m | Should -Be 3.5
        $json.Device | Should -Be '5c173ff2'
    }

    It 'has help with examples' {
        (Get-Help Set-StickyProjectSeries -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Remove-StickyProjectSeries' {
    BeforeEach {
        $s = New-SeriesStore 'remove-series'
        $rows = @(
            Add-StickyProjectSeries $s.Project.Id '5c173ff2' (Utc 2020 7 1) (Utc 2020 7 31) -Value @{ trap_colour = 'yellow' }
            Add-StickyProjectSeries $s.Project.Id '0a5bb6f4' (Utc 2020 7 1) (Utc 2020 7 31)
            Add-StickyProjectSeries $s.Project.Id '1b74105a' (Utc 2020 7 1) (Utc 2020 7 31)
        )
    }
    AfterEach { Remove-TestStore $s }

    It 'removes piped rows and passes them through' {
        $removed = @(Get-StickyProjectSeries -ProjectId $s.Project.Id | Where-Object trap_colour -eq 'yellow' | Remove-StickyProjectSeries -Confirm:$false -PassThru)
        $removed.Device | Should -Be '5c173ff2'
        (Get-StickyProjectSeries -ProjectId $s.Project.Id).Device | Should -Be @('0a5bb6f4', '1b74105a')
    }

    It 'removes rows named by -ProjectId and -Id, reporting an unknown id and removing the others' {
        Remove-StickyProjectSeries -ProjectId $s.Project.Id -Id 999, $rows[1].Id -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        Assert-ErrorRecord $errs[0] -ErrorId 'ProjectSeriesNotFound' -Category ObjectNotFound -TargetObject 999
        @(Get-StickyProjectSeries -ProjectId $s.Project.Id).Count | Should -Be 2
        $err = { Remove-StickyProjectSeries $s.Project.Id 999 -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'ProjectSeriesNotFound' -Category ObjectNotFound -TargetObject 999
    }

    It 'removes nothing under -WhatIf and asks by default (ConfirmImpact High)' {
        (Invoke-Hostless 'param($c, $p) Get-StickyProjectSeries $p -Connection $c | Remove-StickyProjectSeries -WhatIf -Connection $c' $s.Connection, $s.Project.Id).Exception | Should -BeNullOrEmpty
        $r = Invoke-Hostless 'param($c, $p, $i) Remove-StickyProjectSeries $p $i -Connection $c' $s.Connection, $s.Project.Id, $rows[0].Id
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        @(Get-StickyProjectSeries -ProjectId $s.Project.Id).Count | Should -Be 3
        $r = Invoke-Hostless 'param($c, $p, $i) $ConfirmPreference = "None"; Remove-StickyProjectSeries $p $i -Connection $c -PassThru' $s.Connection, $s.Project.Id, $rows[0].Id
        $r.Output.Device | Should -Be '5c173ff2'
    }

    It 'passes through rows that survive Export-Csv' {
        $csv = Join-Path $TestDrive 'removed.csv'
        Remove-StickyProjectSeries $s.Project.Id $rows[0].Id -Confirm:$false -PassThru | Export-Csv -LiteralPath $csv -NoTypeInformation
        $back = Import-Csv -LiteralPath $csv
        $back.Device | Should -Be '5c173ff2'
        $back.trap_colour | Should -Be 'yellow'
    }

    It 'has help with examples' {
        (Get-Help Remove-StickyProjectSeries -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Add-StickyProjectColumn' {
    BeforeEach { $s = New-SeriesStore 'add-column' }
    AfterEach { Remove-TestStore $s }

    It 'adds columns of the accepted types, which rows then take values for' {
        $col = Add-StickyProjectColumn -ProjectId $s.Project.Id -Name 'deployed_on' -Type 'DATETIME'
        $col.Name | Should -Be 'deployed_on'
        $col.SqlType | Should -Be 'DATETIME'
        $col.IsBuiltIn | Should -BeFalse
        Add-StickyProjectColumn $s.Project.Id 'traps' 'INTEGER' | Out-Null
        Add-StickyProjectColumn $s.Project.Id 'checked' 'BOOLEAN' | Out-Null
        $row = Add-StickyProjectSeries $s.Project.Id '5c173ff2' (Utc 2020 7 1) (Utc 2020 7 2) -Value @{ deployed_on = (Utc 2020 6 30); traps = 3; checked = $true }
        $row.traps | Should -Be 3
        $row.checked | Should -BeTrue
        ([datetime]$row.deployed_on).Date | Should -Be (Utc 2020 6 30).Date
    }

    It 'takes the project piped from Get-StickyProject (ProjectId by property name)' {
        (Get-StickyProject 'field' | Add-StickyProjectColumn -Name 'notes' -Type 'TEXT').ProjectId | Should -Be $s.Project.Id
    }

    It 'reports a bad type, a bad name and a name taken, naming each' {
        $err = { Add-StickyProjectColumn $s.Project.Id 'photo' 'BLOB' -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'InvalidProjectColumnType' -Category InvalidArgument
        $err.Exception.Message | Should -Match 'BLOB'
        Add-StickyProjectColumn $s.Project.Id 'bad name' 'TEXT' -ErrorAction SilentlyContinue -ErrorVariable errs
        Assert-ErrorRecord $errs[0] -ErrorId 'InvalidProjectColumnName' -Category InvalidArgument -TargetObject 'bad name'
        Add-StickyProjectColumn $s.Project.Id 'trap_colour' 'TEXT' -ErrorAction SilentlyContinue -ErrorVariable errs
        Assert-ErrorRecord $errs[0] -ErrorId 'DuplicateProjectColumn' -Category ResourceExists -TargetObject 'trap_colour'
    }

    It 'adds nothing under -WhatIf, asks under $ConfirmPreference Medium, and not with -Confirm:$false' {
        $script = 'param($c, $p) $ConfirmPreference = "Medium"; Add-StickyProjectColumn $p extra TEXT -Connection $c'
        (Invoke-Hostless 'param($c, $p) Add-StickyProjectColumn $p extra TEXT -WhatIf -Connection $c' $s.Connection, $s.Project.Id).Output.Count | Should -Be 0
        $r = Invoke-Hostless $script $s.Connection, $s.Project.Id
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        (Invoke-Hostless ($script + ' -Confirm:$false') $s.Connection, $s.Project.Id).Output.Name | Should -Be 'extra'
    }

    It 'outputs columns that survive ConvertTo-Json' {
        $json = Add-StickyProjectColumn $s.Project.Id 'code' 'CHAR(4)' | ConvertTo-Json | ConvertFrom-Json
        $json.Name | Should -Be 'code'
        $json.SqlType | Should -Be 'CHAR(4)'
    }

    It 'has help with examples' {
        (Get-Help Add-StickyProjectColumn -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Rename-StickyProjectColumn' {
    BeforeEach {
        $s = New-SeriesStore 'rename-column'
        Add-StickyProjectSeries $s.Project.Id '5c173ff2' (Utc 2020 7 1) (Utc 2020 7 2) -Value @{ trap_colour = 'yellow' } | Out-Null
    }
    AfterEach { Remove-TestStore $s }

    It 'renames a column, keeping its values, and passes the new column through' {
        $col = Rename-StickyProjectColumn -ProjectId $s.Project.Id -Name 'trap_colour' -NewName 'card_colour' -PassThru
        $col.Name | Should -Be 'card_colour'
        $col.OldName | Should -Be 'trap_colour'
        (Get-StickyProjectSeries -ProjectId $s.Project.Id).card_colour | Should -Be 'yellow'
    }

    It 'takes the project by property name' {
        Get-StickyProject 'field' | Rename-StickyProjectColumn -Name 'height_m' -NewName 'height'
        (Get-StickyProjectSeries -ProjectId $s.Project.Id)[0].PSObject.Properties.Name | Should -Contain 'height'
    }

    It 'reports an unknown column and a built-in column, naming them' {
        Rename-StickyProjectColumn $s.Project.Id 'colour' 'x' -ErrorAction SilentlyContinue -ErrorVariable errs
        Assert-ErrorRecord $errs[0] -ErrorId 'ProjectColumnNotFound' -Category ObjectNotFound -TargetObject 'colour'
        $err = { Rename-StickyProjectColumn $s.Project.Id 'device' 'trap' -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'ReservedProjectColumn' -Category InvalidArgument -TargetObject 'device'
    }

    It 'renames nothing under -WhatIf, asks under $ConfirmPreference Medium, and not with -Confirm:$false' {
        $script = 'param($c, $p) $ConfirmPreference = "Medium"; Rename-StickyProjectColumn $p trap_colour colour -Connection $c -PassThru'
        (Invoke-Hostless 'param($c, $p) Rename-StickyProjectColumn $p trap_colour colour -WhatIf -Connection $c' $s.Connection, $s.Project.Id).Exception | Should -BeNullOrEmpty
        $r = Invoke-Hostless $script $s.Connection, $s.Project.Id
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        (Get-StickyProjectSeries -ProjectId $s.Project.Id).trap_colour | Should -Be 'yellow'
        (Invoke-Hostless ($script + ' -Confirm:$false') $s.Connection, $s.Project.Id).Output.Name | Should -Be 'colour'
    }

    It 'passes through a column that survives ConvertTo-Json' {
        $json = Rename-StickyProjectColumn $s.Project.Id 'height_m' 'height' -PassThru | ConvertTo-Json | ConvertFrom-Json
        $json.OldName | Should -Be 'height_m'
        $json.SqlType | Should -Be 'DOUBLE'
    }

    It 'has help with examples' {
        (Get-Help Rename-StickyProjectColumn -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Remove-StickyProjectColumn' {
    BeforeEach {
        $s = New-SeriesStore 'remove-column'
        Add-StickyProjectSeries $s.Project.Id '5c173ff2' (Utc 2020 7 1) (Utc 2020 7 2) -Value @{ trap_colour = 'yellow'; height_m = 2 } | Out-Null
    }
    AfterEach { Remove-TestStore $s }

    It 'drops columns and their values, and passes them through' {
        $dropped = @(Remove-StickyProjectColumn -ProjectId $s.Project.Id -Name 'trap_colour', 'height_m' -Confirm:$false -PassThru)
        $dropped.Name | Should -Be @('trap_colour', 'height_m')
        $row = Get-StickyProjectSeries -ProjectId $s.Project.Id
        $row.PSObject.Properties.Name | Should -Not -Contain 'trap_colour'
        $row.Columns.Count | Should -Be 0
        $row.Device | Should -Be '5c173ff2'
    }

    It 'takes the project by property name' {
        Get-StickyProject 'field' | Remove-StickyProjectColumn -Name 'height_m' -Confirm:$false
        (Get-StickyProjectSeries -ProjectId $s.Project.Id).Columns.Keys | Should -Be 'trap_colour'
    }

    It 'reports an unknown or built-in column, naming it, and drops the others' {
        Remove-StickyProjectColumn $s.Project.Id 'colour', 'device', 'height_m' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs.Count | Should -Be 2
        Assert-ErrorRecord $errs[0] -ErrorId 'ProjectColumnNotFound' -Category ObjectNotFound -TargetObject 'colour'
        Assert-ErrorRecord $errs[1] -ErrorId 'ReservedProjectColumn' -Category InvalidArgument -TargetObject 'device'
        (Get-StickyProjectSeries -ProjectId $s.Project.Id).Columns.Keys | Should -Be 'trap_colour'
    }

    It 'drops nothing under -WhatIf and asks by default (ConfirmImpact High)' {
        (Invoke-Hostless 'param($c, $p) Remove-StickyProjectColumn $p trap_colour -WhatIf -Connection $c' $s.Connection, $s.Project.Id).Exception | Should -BeNullOrEmpty
        $r = Invoke-Hostless 'param($c, $p) Remove-StickyProjectColumn $p trap_colour -Connection $c' $s.Connection, $s.Project.Id
        (@($r.Errors.FullyQualifiedErrorId) + @($r.Exception.ErrorRecord.FullyQualifiedErrorId)) -match '^HostFunctionNotImplemented' | Should -Not -BeNullOrEmpty
        (Get-StickyProjectSeries -ProjectId $s.Project.Id).trap_colour | Should -Be 'yellow'
        $r = Invoke-Hostless 'param($c, $p) $ConfirmPreference = "None"; Remove-StickyProjectColumn $p trap_colour -Connection $c -PassThru' $s.Connection, $s.Project.Id
        $r.Output.Name | Should -Be 'trap_colour'
    }

    It 'passes through columns that survive ConvertTo-Json' {
        $json = Remove-StickyProjectColumn $s.Project.Id 'height_m' -Confirm:$false -PassThru | ConvertTo-Json | ConvertFrom-Json
        $json.Name | Should -Be 'height_m'
        $json.ProjectId | Should -Be $s.Project.Id
    }

    It 'has help with examples' {
        (Get-Help Remove-StickyProjectColumn -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-StickyProjectColumn' {
    BeforeEach { $s = New-SeriesStore 'get-column' }
    AfterEach { Remove-TestStore $s }

    It 'lists the built-in columns, then the project''s own, with their types' {
        $columns = @(Get-StickyProjectColumn -ProjectId $s.Project.Id)
        $columns.Name | Should -Be @('id', 'device', 'start_datetime', 'end_datetime', 'trap_colour', 'height_m')
        $columns.IsBuiltIn | Should -Be @($true, $true, $true, $true, $false, $false)
        $columns.ProjectId | Sort-Object -Unique | Should -Be $s.Project.Id
        ($columns | Where-Object Name -eq 'trap_colour').SqlType | Should -Be 'CHAR(12)'
        ($columns | Where-Object Name -eq 'height_m').SqlType | Should -Be 'DOUBLE'
        $columns[0].GetType().FullName | Should -Be 'StickyPi.Core.Model.ProjectColumn'
    }

    It 'takes projects by property name or by name, and -Name filters with wildcards, ignoring case' {
        (Get-StickyProject 'field' | Get-StickyProjectColumn -Name 'TRAP*', 'height_m').Name | Should -Be @('trap_colour', 'height_m')
        (Get-StickyProjectColumn -Project 'field' -Name '*_datetime').Name | Should -Be @('start_datetime', 'end_datetime')
        @(Get-StickyProjectColumn $s.Project.Id 'nothing*') | Should -BeNullOrEmpty
    }

    It 'reports a name that is not a column and an unknown project, naming them, and writes the rest' {
        $out = @(Get-StickyProjectColumn -ProjectId $s.Project.Id, 999 -Name 'height_m', 'colour' -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.Name | Should -Be 'height_m'
        $errs.Count | Should -Be 2
        Assert-ErrorRecord $errs[0] -ErrorId 'ProjectColumnNotFound' -Category ObjectNotFound -TargetObject 'colour'
        Assert-ErrorRecord $errs[1] -ErrorId 'ProjectNotFound' -Category ObjectNotFound -TargetObject 999
    }

    It 'gives columns that Add-StickyProjectColumn takes back (the help''s copy example)' {
        $target = New-StickyProject -Name 'field 2025'
        Get-StickyProject 'field' | Get-StickyProjectColumn | Where-Object { -not $_.IsBuiltIn } |
            ForEach-Object { Add-StickyProjectColumn -ProjectId $target.Id -Name $_.Name -Type $_.SqlType } | Out-Null
        (Get-StickyProjectColumn -ProjectId $target.Id | ForEach-Object { "$($_.Name) $($_.SqlType)" }) |
            Should -Be (Get-StickyProjectColumn -ProjectId $s.Project.Id | ForEach-Object { "$($_.Name) $($_.SqlType)" })
    }

    It 'shows a table by default and survives ConvertTo-Json' {
        (Get-StickyProjectColumn -ProjectId $s.Project.Id | Format-Table | Out-String) | Should -Match 'SqlType'
        $json = Get-StickyProjectColumn -ProjectId $s.Project.Id -Name 'height_m' | ConvertTo-Json | ConvertFrom-Json
        $json.Name | Should -Be 'height_m'
        $json.SqlType | Should -Be 'DOUBLE'
    }

    It 'has help with examples' {
        (Get-Help Get-StickyProjectColumn -Examples).examples.example.code | Should -Not -BeNullOrEmpty
    }
}
