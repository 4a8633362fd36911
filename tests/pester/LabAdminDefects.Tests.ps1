#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Regression tests of issue 14: defects found driving the module as a lab admin, in a real pwsh on the embedded
    store. Also the owner of the default-view assertions (every output type's table columns, rendered at 80 and 120).
    The runner sets $env:STICKYPI_TEST_MODULE and $env:STICKYPI_TEST_SAMPLES; without them the packaged module of this
    checkout is used and sample images are generated with tools/StickyPi.Quickstart.
#>

BeforeDiscovery {
    $script:isWindowsHost = [IO.Path]::DirectorySeparatorChar -eq '\'
}

BeforeAll {
    $repo = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $module = if ($env:STICKYPI_TEST_MODULE) { $env:STICKYPI_TEST_MODULE } else { Join-Path $repo 'out/StickyPi/StickyPi.psd1' }
    Import-Module $module -Force

    $script:temps = [System.Collections.Generic.List[string]]::new()
    function New-DefectTestFolder {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('stickypi-defects-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $script:temps.Add($dir)
        $dir
    }

    # Sample images: the runner's, a quickstart's, or generated here.
    $script:samples = $env:STICKYPI_TEST_SAMPLES
    if (-not $samples -or -not (Test-Path $samples)) {
        $samples = Join-Path $repo 'quickstart/samples'
    }
    if (-not (Get-ChildItem $samples -Recurse -Filter *.jpg -ErrorAction SilentlyContinue | Select-Object -First 1)) {
        $work = New-DefectTestFolder
        Push-Location $work
        try {
            & dotnet run --project (Join-Path $repo 'tools/StickyPi.Quickstart') -- --count 4 | Out-Null
        } finally {
            Pop-Location
        }
        $samples = Join-Path $work 'quickstart/samples'
    }
    $script:sampleFiles = @(Get-ChildItem $samples -Recurse -Filter *.jpg | Sort-Object Name | Select-Object -First 4)

    $script:password = ConvertTo-SecureString 'pw-defects-1' -AsPlainText -Force

    # One store: the local administrator sets it up; 'reader' is read-only, 'alice' and 'writer' read-write.
    $script:store = New-DefectTestFolder
    $script:admin = Connect-StickyApi -LocalDir $store
    New-StickyUser -UserName reader -Password $password -ReadOnly -Connection $admin | Out-Null
    New-StickyUser -UserName alice -Password $password -Connection $admin | Out-Null
    New-StickyUser -UserName writer -Password $password -Connection $admin | Out-Null
    $script:reader = Connect-StickyApi -LocalDir $store -UserName reader
    $script:alice = Connect-StickyApi -LocalDir $store -UserName alice
    $script:images = @($sampleFiles | Send-StickyImage -Connection $admin)
    $script:image = Get-StickySeries -Device '*' -Connection $admin | Select-Object -First 1
}

AfterAll {
    foreach ($connection in $script:admin, $script:reader, $script:alice) {
        if ($connection) {
            Disconnect-StickyApi -Connection $connection -ErrorAction SilentlyContinue
        }
    }
    foreach ($dir in $script:temps) {
        Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
    }
}

Describe 'Issue 14 #1: the last user who can administer a project cannot leave' {
    It 'refuses when the only other Admin row belongs to a read-only user, naming the project and the fix' {
        $project = New-StickyProject -Name 'lab-admins' -Connection $alice
        Grant-StickyProjectPermission -ProjectId $project.Id -UserName reader -Level Admin -Connection $admin | Out-Null

        Revoke-StickyProjectPermission -ProjectId $project.Id -UserName alice -Confirm:$false -Connection $alice -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'LastProjectAdministrator,StickyPi.PowerShell.Cmdlets.RevokeStickyProjectPermissionCommand'
        $err[0].ToString() | Should -BeLike "*'lab-admins'*"
        $err[0].ToString() | Should -BeLike "*'reader'*read-only*"
        $err[0].ToString() | Should -BeLike '*grant level Admin to a read-write user first*'
        @(Get-StickyProjectPermission -ProjectId $project.Id -Connection $admin | Where-Object UserName -eq alice).Count | Should -Be 1

        # Lowering her own level is the same loss.
        Grant-StickyProjectPermission -ProjectId $project.Id -UserName alice -Level ReadWrite -Connection $alice -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'LastProjectAdministrator,*'

        # Once a read-write user holds Admin, she may leave.
        Grant-StickyProjectPermission -ProjectId $project.Id -UserName writer -Level Admin -Connection $alice | Out-Null
        Revoke-StickyProjectPermission -ProjectId $project.Id -UserName alice -Confirm:$false -Connection $alice -ErrorAction Stop
        @(Get-StickyProjectPermission -ProjectId $project.Id -Connection $admin | Where-Object UserName -eq alice).Count | Should -Be 0
    }
}

Describe 'Issue 14 #2, #5 and #7: every denial is one PermissionDenied record in PowerShell terms' {
    BeforeAll {
        $project = New-StickyProject -Name 'lab-denials' -Connection $admin
        Add-StickyProjectColumn -ProjectId $project.Id -Name note -Type TEXT -Connection $admin | Out-Null
        $row = Add-StickyProjectSeries -ProjectId $project.Id -Device 0a5bb6f4 -StartTime '2020-06-01' -EndTime '2020-07-01' -Connection $admin
        Grant-StickyProjectPermission -ProjectId $project.Id -UserName reader -Level Admin -Connection $admin | Out-Null
        $bundle = Join-Path (New-DefectTestFolder) 'bundle'
        New-Item -ItemType Directory -Path (Join-Path $bundle 'config') -Force | Out-Null
        Set-Content -Path (Join-Path $bundle 'config/a.yaml') -Value 'a: 1'
        $missing = Join-Path (New-DefectTestFolder) 'not-there'

        # Every cmdlet that changes the store (or reserves images), called as the read-only user.
        $script:writeCalls = [ordered]@{
            'Add-StickyProjectColumn'        = @{ ProjectId = $project.Id; Name = 'c2'; Type = 'TEXT' }
            'Add-StickyProjectSeries'        = @{ ProjectId = $project.Id; Device = '1b74105a'; StartTime = '2020-06-01'; EndTime = '2020-07-01' }
            'Get-StickyImageToAnnotate'      = @{ AlgoName = 'uid'; AlgoVersion = '1700000000-abc' }
            'Grant-StickyProjectPermission'  = @{ ProjectId = $project.Id; UserName = 'writer'; Level = 'Read' }
            'New-StickyProject'              = @{ Name = 'denied' }
            'New-StickyUser'                 = @{ UserName = 'denied'; Password = $password }
            'Remove-StickyImage'             = @{ Device = $image.Device; DateTime = $image.DateTime; Confirm = $false }
            'Remove-StickyProject'           = @{ Id = $project.Id; Confirm = $false }
            'Remove-StickyProjectColumn'     = @{ ProjectId = $project.Id; Name = 'note'; Confirm = $false }
            'Remove-StickyProjectSeries'     = @{ ProjectId = $project.Id; Id = $row.Id; Confirm = $false }
            'Remove-StickyTuboid'            = @{ Device = '08038ade'; Confirm = $false }
            'Remove-StickyUser'              = @{ UserName = 'writer'; Confirm = $false }
            'Rename-StickyProjectColumn'     = @{ ProjectId = $project.Id; Name = 'note'; NewName = 'notes' }
            'Revoke-StickyProjectPermission' = @{ ProjectId = $project.Id; UserName = 'reader'; Confirm = $false }
            'Send-StickyImage'               = @{ LiteralPath = @($sampleFiles.FullName) + $missing }
            'Send-StickyTuboid'              = @{ LiteralPath = $missing; AlgoName = 'tracker'; ImageCount = 1; TuboidCount = 1 }
            'Set-ItcLabel'                   = @{ TuboidId = 'x'; AlgoName = 'a'; AlgoVersion = '1'; Label = 1; Pattern = '.*'; Type = 'Insecta' }
            'Set-StickyProjectSeries'        = @{ ProjectId = $project.Id; Id = $row.Id; Value = @{ note = 'x' } }
            'Set-UidAnnotation'              = @{ Device = $image.Device; DateTime = $image.DateTime; Md5 = $image.Md5; AlgoName = 'uid'; AlgoVersion = '1700000000-abc' }
            'Sync-MLBundle'                  = @{ Name = 'bundle'; Path = $bundle; Direction = 'Push' }
        }
        # The denial's target: the item the cmdlet was acting on, or the store for cmdlets refused before reading files.
        $script:targets = @{
            'New-StickyUser'    = 'denied'
            'Remove-StickyUser' = 'writer'
            'Send-StickyImage'  = $store
            'Set-UidAnnotation' = $store
        }
        $script:actions = @{
            'Set-UidAnnotation' = 'add UID annotations'
            'Send-StickyImage'  = 'send images'
            'New-StickyUser'    = 'create users'
        }
        function Get-StoreState {
            [ordered]@{
                Images      = @(Get-StickySeries -Device '*' -Connection $admin).Count
                Users       = (@(Get-StickyUser -Connection $admin).UserName | Sort-Object) -join ','
                Projects    = (@(Get-StickyProject -Connection $admin).Name | Sort-Object) -join ','
                Permissions = @(Get-StickyProjectPermission -Connection $admin).Count
                Series      = (@(Get-StickyProjectSeries -ProjectId $project.Id -Connection $admin) | ForEach-Object { $_.Device + ':' + $_.note }) -join ','
                Columns     = @((Get-StickyProjectSeries -ProjectId $project.Id -Connection $admin)[0].Columns.Keys) -join ','
                Annotations = @(Get-UidAnnotation -Device $image.Device -DateTime $image.DateTime -Connection $admin).Count
            } | ConvertTo-Json -Compress
        }
    }

    It 'covers every write cmdlet of the module' {
        $writers = Get-Command -Module StickyPi | Where-Object { $_.Verb -notin 'Get', 'Connect', 'Disconnect' -or $_.Name -eq 'Get-StickyImageToAnnotate' }
        @($writeCalls.Keys | Sort-Object) | Should -Be @($writers.Name | Sort-Object)
    }

    It '<_> as a read-only user: one PermissionDenied record, silenced by -ErrorAction SilentlyContinue, kept in -ErrorVariable, nothing changed' -ForEach @(
        'Add-StickyProjectColumn', 'Add-StickyProjectSeries', 'Get-StickyImageToAnnotate', 'Grant-StickyProjectPermission', 'New-StickyProject',
        'New-StickyUser', 'Remove-StickyImage', 'Remove-StickyProject', 'Remove-StickyProjectColumn', 'Remove-StickyProjectSeries', 'Remove-StickyTuboid',
        'Remove-StickyUser', 'Rename-StickyProjectColumn', 'Revoke-StickyProjectPermission', 'Send-StickyImage', 'Send-StickyTuboid', 'Set-ItcLabel',
        'Set-StickyProjectSeries', 'Set-UidAnnotation', 'Sync-MLBundle') {
        $name = $_
        $params = $writeCalls[$name]
        $typeName = (Get-Command $name).ImplementingType.FullName
        $before = Get-StoreState

        $out = & $name @params -Connection $reader -ErrorAction SilentlyContinue -ErrorVariable denied
        @($out).Count | Should -Be 0
        $denied.Count | Should -Be 1 -Because "$name reports the denial once, not per item"
        $record = $denied[0]
        $record | Should -BeOfType System.Management.Automation.ErrorRecord
        $record.FullyQualifiedErrorId | Should -Be "PermissionDenied,$typeName"
        $record.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $record.TargetObject | Should -Not -BeNullOrEmpty
        if ($targets.ContainsKey($name)) {
            $record.TargetObject | Should -Be $targets[$name]
        }
        $record.Exception.GetType().Name | Should -Be 'AccessDeniedException'
        $record.ToString() | Should -BeLike "User 'reader' is read-only*and cannot * ($name)*"
        $record.ToString() | Should -Not -Match 'may not|put_|ReadOnly\)'
        if ($actions.ContainsKey($name)) {
            $record.ToString() | Should -BeLike "User 'reader' is read-only and cannot $($actions[$name]) ($name)."
        }
        Get-StoreState | Should -Be $before
    }

    It '<_> as a read-only user: a terminating error by default, caught by try/catch with its record' -ForEach @(
        'Set-UidAnnotation', 'Send-StickyImage', 'New-StickyUser', 'Remove-StickyImage', 'Revoke-StickyProjectPermission', 'Sync-MLBundle') {
        $name = $_
        $params = $writeCalls[$name]
        $caught = $null
        $after = $false
        try {
            & $name @params -Connection $reader
            $after = $true
        } catch {
            $caught = $_
        }
        $after | Should -BeFalse
        $caught.FullyQualifiedErrorId | Should -Be "PermissionDenied,$((Get-Command $name).ImplementingType.FullName)"
        $caught.CategoryInfo.Category | Should -Be 'PermissionDenied'

        { & $name @params -Connection $reader -ErrorAction Stop } | Should -Throw -ErrorId 'PermissionDenied,*'
    }

    It 'Send-StickyImage of many files as a read-only user: one error, no result, no file read' {
        $files = @($sampleFiles.FullName) + (Join-Path $store 'missing.jpg')
        $results = $files | Send-StickyImage -Connection $reader -ErrorAction SilentlyContinue -ErrorVariable denied
        @($results).Count | Should -Be 0
        $denied.Count | Should -Be 1
        $denied[0].FullyQualifiedErrorId | Should -Be 'PermissionDenied,StickyPi.PowerShell.Cmdlets.SendStickyImageCommand'
        $denied[0].ToString() | Should -Be "User 'reader' is read-only and cannot send images (Send-StickyImage)."
    }

    It 'a project-level denial of a read-write user is non-terminating, names the project and the level needed, and the rest goes on' {
        $mine = New-StickyProject -Name 'lab-alice' -Connection $alice
        $theirs = New-StickyProject -Name 'lab-theirs' -Connection $admin
        Grant-StickyProjectPermission -ProjectId $theirs.Id -UserName alice -Level Read -Connection $admin | Out-Null
        $removed = Remove-StickyProject -Id $theirs.Id, $mine.Id -Confirm:$false -PassThru -Connection $alice -ErrorAction SilentlyContinue -ErrorVariable denied
        @($removed.Id) | Should -Be @($mine.Id)
        $denied.Count | Should -Be 1
        $denied[0].FullyQualifiedErrorId | Should -Be 'PermissionDenied,StickyPi.PowerShell.Cmdlets.RemoveStickyProjectCommand'
        $denied[0].TargetObject | Should -Be $theirs.Id
        $denied[0].ToString() | Should -Be "User 'alice' holds level Read on project 'lab-theirs' (id $($theirs.Id)) and cannot remove projects (Remove-StickyProject) there: that needs level Admin."
    }
}

Describe 'Issue 14 #3: a pull refuses a stored key that escapes the destination' -Skip:$isWindowsHost {
    It 'reports InvalidMlBundleKey naming the key, writes nothing for it and pulls the rest' {
        $src = Join-Path (New-DefectTestFolder) 'hostile'
        New-Item -ItemType Directory -Path (Join-Path $src 'config') -Force | Out-Null
        Set-Content -Path (Join-Path $src 'config/a.yaml') -Value 'a: 1'
        Sync-MLBundle -Name hostile -Path $src -Direction Push -Connection $admin | Out-Null
        $data = New-Item -ItemType Directory -Path (Join-Path $store 'ml/hostile/data') -Force
        $key = 'data/..\..\x.svg'
        # A legal file name on Linux; Join-Path would turn its backslashes into separators.
        [IO.File]::WriteAllText([IO.Path]::Combine($data.FullName, '..\..\x.svg'), '<svg/>')

        $outRoot = New-DefectTestFolder
        $dst = Join-Path $outRoot 'work/hostile'
        $results = Sync-MLBundle -Name hostile -Path $dst -Direction Pull -Connection $reader -ErrorAction SilentlyContinue -ErrorVariable refused
        $refused.Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -Be 'InvalidMlBundleKey,StickyPi.PowerShell.Cmdlets.SyncMLBundleCommand'
        $refused[0].TargetObject | Should -Be $key
        $refused[0].ToString() | Should -BeLike "*$([WildcardPattern]::Escape($key))*"
        @($results | Where-Object Key -eq 'config/a.yaml' | Where-Object Status -eq 'Downloaded').Count | Should -Be 1
        Test-Path (Join-Path $dst 'config/a.yaml') | Should -BeTrue
        @(Get-ChildItem $outRoot -Recurse -File | Where-Object Name -like '*x.svg').Count | Should -Be 0
    }
}

Describe 'Issue 14 #4: one ErrorId for an ambiguous project name, in every cmdlet' {
    BeforeAll {
        $script:dup1 = New-StickyProject -Name 'dup-name' -Connection $admin
        $script:dup2 = New-StickyProject -Name 'dup-name' -Connection $admin
        function Assert-Ambiguous($record, [string]$cmdletType) {
            $record.FullyQualifiedErrorId | Should -Be "AmbiguousProjectName,StickyPi.PowerShell.Cmdlets.$cmdletType"
            $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $record.TargetObject | Should -Be 'dup-name'
            $record.ToString() | Should -BeLike "*ids $($dup1.Id), $($dup2.Id)*"
            $record.ToString() | Should -BeLike '*-ProjectId*'
        }
    }

    It 'Grant-StickyProjectPermission' {
        Grant-StickyProjectPermission -Project dup-name -UserName writer -Level Read -Connection $admin -ErrorAction SilentlyContinue -ErrorVariable e
        Assert-Ambiguous $e[0] 'GrantStickyProjectPermissionCommand'
    }

    It 'Revoke-StickyProjectPermission' {
        Revoke-StickyProjectPermission -Project dup-name -UserName writer -Confirm:$false -Connection $admin -ErrorAction SilentlyContinue -ErrorVariable e
        Assert-Ambiguous $e[0] 'RevokeStickyProjectPermissionCommand'
    }

    It 'Get-StickyProjectSeries' {
        Get-StickyProjectSeries -Project dup-name -Connection $admin -ErrorAction SilentlyContinue -ErrorVariable e
        Assert-Ambiguous $e[0] 'GetStickyProjectSeriesCommand'
    }
}

Describe 'Issue 14 #6: a duplicate New-StickyUser is refused before any password is hashed' {
    It 'checks the name first (no hash computed), and hashes for a new name' {
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'StickyPi.Core' } | Select-Object -First 1
        $counter = $core.GetType('StickyPi.Core.Access.PasswordHash').GetProperty('HashesComputedOnThisThread')
        $counter | Should -Not -BeNullOrEmpty -Because 'the core exposes how many hashes this thread computed'
        $before = $counter.GetValue($null)

        New-StickyUser -UserName alice -Password $password -Connection $admin -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].FullyQualifiedErrorId | Should -Be 'DuplicateUser,StickyPi.PowerShell.Cmdlets.NewStickyUserCommand'
        $counter.GetValue($null) | Should -Be $before

        New-StickyUser -UserName 'fresh-user' -Password $password -Connection $admin | Out-Null
        $counter.GetValue($null) | Should -Be ($before + 1)
    }
}

Describe 'Issue 14 #8: project columns of MariaDB types, DECIMAL(p,s) exact' {
    BeforeAll {
        $script:sites = New-StickyProject -Name 'lab-decimals' -Connection $admin
        Add-StickyProjectColumn -ProjectId $sites.Id -Name lat -Type 'DECIMAL(11,8)' -Connection $admin | Out-Null
        Add-StickyProjectColumn -ProjectId $sites.Id -Name area -Type 'decimal(12, 2)' -Connection $admin | Out-Null
        Add-StickyProjectColumn -ProjectId $sites.Id -Name site -Type 'VARCHAR(8)' -Connection $admin | Out-Null
        Add-StickyProjectColumn -ProjectId $sites.Id -Name traps -Type 'SMALLINT' -Connection $admin | Out-Null
    }

    It 'declares the types in canonical spelling' {
        $types = Add-StickyProjectColumn -ProjectId $sites.Id -Name t2 -Type 'FLOAT' -Connection $admin
        $types.SqlType | Should -Be 'FLOAT'
        (Add-StickyProjectColumn -ProjectId $sites.Id -Name lng -Type ' Decimal ( 11 , 8 ) ' -Connection $admin).SqlType | Should -Be 'DECIMAL(11,8)'
    }

    It 'stores DECIMAL values rounded to the scale and reads them back exactly' {
        $row = Add-StickyProjectSeries -ProjectId $sites.Id -Device 0a5bb6f4 -StartTime '2021-01-01' -EndTime '2021-02-01' -Value @{ lat = 49.26142341; area = 1234.565; site = 'north'; traps = 12 } -Connection $admin
        $read = Get-StickyProjectSeries -ProjectId $sites.Id -Connection $admin | Where-Object Id -eq $row.Id
        $read.lat | Should -BeOfType [decimal]
        "$($read.lat)" | Should -Be '49.26142341'
        "$($read.area)" | Should -Be '1234.57'
        $read.site | Should -Be 'north'
        $read.traps | Should -Be 12
        $noisy = Set-StickyProjectSeries -ProjectId $sites.Id -Id $row.Id -Value @{ lat = 0.1 + 0.2 } -PassThru -Connection $admin
        "$($noisy.lat)" | Should -Be '0.30000000'
    }

    It 'refuses values out of the type range with a clear error naming the column, storing nothing' -ForEach @(
        @{ Value = @{ lat = 1000 }; Expected = "*'lat'*below 1000*DECIMAL(11,8)*" }
        @{ Value = @{ area = '12345678901' }; Expected = "*'area'*below 10000000000*DECIMAL(12,2)*" }
        @{ Value = @{ site = 'too long!' }; Expected = "*'site'*at most 8 characters (VARCHAR(8))*" }
        @{ Value = @{ traps = 40000 }; Expected = "*'traps'*-32768 to 32767 (SMALLINT)*" }
    ) {
        $before = @(Get-StickyProjectSeries -ProjectId $sites.Id -Connection $admin).Count
        Add-StickyProjectSeries -ProjectId $sites.Id -Device 1b74105a -StartTime '2021-03-01' -EndTime '2021-04-01' -Value $Value -Connection $admin -ErrorAction SilentlyContinue -ErrorVariable bad
        $bad.Count | Should -Be 1
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'InvalidProjectSeriesValue,*'
        $bad[0].ToString() | Should -BeLike $Expected
        @(Get-StickyProjectSeries -ProjectId $sites.Id -Connection $admin).Count | Should -Be $before
    }

    It 'refuses types beyond MariaDB''s limits, and anything that is not a type, with InvalidProjectColumnType' -ForEach @(
        @{ Type = 'DECIMAL(66,2)'; Expected = '*from 1 to 65*' }
        @{ Type = 'DECIMAL(40,31)'; Expected = '*from 0 to 30*' }
        @{ Type = 'DECIMAL(5,6)'; Expected = '*cannot exceed the precision*' }
        @{ Type = 'VARCHAR(0)'; Expected = '*from 1 to 16383*' }
        @{ Type = 'DECIMAL(11,8); DROP TABLE images'; Expected = '*not an accepted project column type*' }
        @{ Type = 'TEXT DEFAULT (randomblob(8))'; Expected = '*not an accepted project column type*' }
    ) {
        Add-StickyProjectColumn -ProjectId $sites.Id -Name bad -Type $Type -Connection $admin -ErrorAction SilentlyContinue -ErrorVariable bad
        $bad[0].FullyQualifiedErrorId | Should -Be 'InvalidProjectColumnType,StickyPi.PowerShell.Cmdlets.AddStickyProjectColumnCommand'
        $bad[0].ToString() | Should -BeLike $Expected
        (Get-StickyProjectSeries -ProjectId $sites.Id -Connection $admin | Select-Object -First 1).Columns.Keys | Should -Not -Contain 'bad'
    }
}

Describe 'Issue 14 #9: default table views fit a terminal' {
    BeforeAll {
        # The table columns of each output type's default view (this file owns these assertions).
        $script:expectedViews = [ordered]@{
            'StickyPi.PowerShell.StickyConnection'        = 'Kind', 'User', 'IsDefault', 'Location'
            'StickyPi.Core.Model.StickyImage'             = 'Device', 'DateTime (UTC)', 'Size', 'Temp', 'Hum', 'Version', 'Md5'
            'StickyPi.Core.Model.StickyAnnotatedImage'    = 'Device', 'DateTime (UTC)', 'NObjects', 'AlgoName', 'AlgoVersion'
            'StickyPi.Core.Model.UidAnnotation'           = 'Id', 'Device', 'DateTime (UTC)', 'NObjects', 'AlgoName', 'AlgoVersion'
            'StickyPi.Core.Sync.ImageImportResult'        = 'Status', 'File', 'Reason'
            'StickyPi.Core.Sync.MlBundleTransferResult'   = 'Status', 'Direction', 'Size', 'MTime (UTC)', 'Key'
            'StickyPi.Core.Model.StickyUser'              = 'Id', 'UserName', 'Role', 'Created (UTC)', 'Email'
            'StickyPi.Core.Model.StickyProject'           = 'Id', 'Name', 'Description', 'Created (UTC)', 'Notes'
            'StickyPi.Core.Model.ProjectPermission'       = 'ProjectId', 'ProjectName', 'UserName', 'Level'
            'StickyPi.Core.Model.ProjectSeriesRow'        = 'ProjectId', 'Id', 'Device', 'Start (UTC)', 'End (UTC)', 'Columns'
            'StickyPi.Core.Model.ProjectColumn'           = 'ProjectId', 'Name', 'SqlType', 'OldName'
            'StickyPi.Core.Model.TiledTuboid'             = 'Device', 'Series start (UTC)', '#', 'Shots', 'First shot (UTC)', 'Last shot (UTC)'
            'StickyPi.Core.Model.LabelledTiledTuboid'     = 'Device', 'Series start (UTC)', '#', 'Label', 'Type', 'Order', 'Family'
            'StickyPi.Core.Model.TuboidSeries'            = 'Id', 'Device', 'Start (UTC)', 'End (UTC)', 'Images', 'Tuboids', 'AlgoName', 'AlgoVersion'
            'StickyPi.Core.Model.ItcLabel'                = 'Id', 'Tuboid', 'Label', 'Type', 'Order', 'Family', 'AlgoName'
            'StickyPi.Core.Model.TuboidUploadResult'      = 'Status', 'Tuboid', 'Shots', 'Problem'
        }
        function Get-ViewColumns([string]$typeName) {
            $view = (Get-FormatData -TypeName $typeName).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] } | Select-Object -First 1
            @($view.Control.Headers.Label)
        }
        # The header line of a rendered table: every label of the view must be in it, none dropped for lack of room.
        function Get-RenderedHeader($objects, [int]$width) {
            $lines = ($objects | Format-Table | Out-String -Width $width) -split "`r?`n" | Where-Object { $_.Trim() }
            $lines[0]
        }
    }

    It 'every output type of the module has a default table view' {
        $types = Get-Command -Module StickyPi | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ } | ForEach-Object FullName | Sort-Object -Unique
        foreach ($type in $types) {
            $expectedViews.Keys | Should -Contain $type -Because "$type is written by a cmdlet and needs its columns asserted here"
        }
    }

    It 'the default view of <_> has exactly the expected columns' -ForEach @(
        'StickyPi.PowerShell.StickyConnection', 'StickyPi.Core.Model.StickyImage', 'StickyPi.Core.Model.StickyAnnotatedImage',
        'StickyPi.Core.Model.UidAnnotation', 'StickyPi.Core.Sync.ImageImportResult', 'StickyPi.Core.Sync.MlBundleTransferResult',
        'StickyPi.Core.Model.StickyUser', 'StickyPi.Core.Model.StickyProject', 'StickyPi.Core.Model.ProjectPermission',
        'StickyPi.Core.Model.ProjectSeriesRow', 'StickyPi.Core.Model.ProjectColumn', 'StickyPi.Core.Model.TiledTuboid',
        'StickyPi.Core.Model.LabelledTiledTuboid', 'StickyPi.Core.Model.TuboidSeries', 'StickyPi.Core.Model.ItcLabel',
        'StickyPi.Core.Model.TuboidUploadResult') {
        Get-ViewColumns $_ | Should -Be $expectedViews[$_]
    }

    It 'images show device, UTC time, size, temp/hum, version and an md5 prefix at 80 and 120 columns; Url stays on the object' {
        $shown = Get-StickySeries -Device '*' -What Thumbnail -Connection $admin
        $shown[0].Url | Should -Not -BeNullOrEmpty
        foreach ($width in 80, 120) {
            $text = $shown | Format-Table | Out-String -Width $width
            $header = Get-RenderedHeader $shown $width
            foreach ($label in $expectedViews['StickyPi.Core.Model.StickyImage']) {
                $header | Should -Match ([regex]::Escape($label)) -Because "the $label column fits in $width columns"
            }
            $header | Should -Not -Match '\bUrl\b'
            $text | Should -Match ([regex]::Escape($shown[0].Md5.Substring(0, 8)))
            $text | Should -Not -Match ([regex]::Escape($shown[0].Md5))
            $text | Should -Match ([regex]::Escape($shown[0].DateTime.ToString('yyyy-MM-dd HH:mm:ss')))
            $text | Should -Not -Match ([regex]::Escape($shown[0].Url))
        }
    }

    It 'the views of <Name> keep every column at 80 columns' -ForEach @(
        @{ Name = 'import results'; Make = { $sampleFiles | Send-StickyImage -Connection $admin } }
        @{ Name = 'annotations'; Make = { $image | Set-UidAnnotation -AlgoName 'universal-insect-detector' -AlgoVersion '1700000000-0123456789abcdef0123456789abcdef' -Annotation @(@{ name = 'insect'; value = 1 }) -Connection $admin } }
        @{ Name = 'annotated images'; Make = { Get-StickySeries -Device '*' -WithAnnotation -Connection $admin } }
        @{ Name = 'users'; Make = { Get-StickyUser -Connection $admin } }
        @{ Name = 'projects'; Make = { Get-StickyProject -Connection $admin } }
        @{ Name = 'permissions'; Make = { Get-StickyProjectPermission -Connection $admin } }
        @{ Name = 'ML bundle results'; Make = {
                $b = Join-Path (New-DefectTestFolder) 'view-bundle'
                New-Item -ItemType Directory -Path (Join-Path $b 'config') -Force | Out-Null
                Set-Content -Path (Join-Path $b 'config/config.yaml') -Value 'a: 1'
                Sync-MLBundle -Name view-bundle -Path $b -Direction Push -Connection $admin } }
    ) {
        $objects = @(& $Make)
        $objects.Count | Should -BeGreaterThan 0
        $typeName = $objects[0].PSObject.TypeNames[0]
        $header = Get-RenderedHeader $objects 80
        foreach ($label in $expectedViews[$typeName]) {
            $header | Should -Match ([regex]::Escape($label)) -Because "$typeName shows $label at 80 columns"
        }
    }
}
