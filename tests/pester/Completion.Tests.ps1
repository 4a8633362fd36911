#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    Tab completion of stored names, driven through TabExpansion2 as the console does: device ids, project names, user
    names, algorithm names and ML bundle names, from the session's default connection or from a -Connection already on
    the command line, quoted and wildcard-escaped where the command line needs it.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule
    $savedEnv = $env:STICKYPI_LOCAL_DIR
    $env:STICKYPI_LOCAL_DIR = $null

    # The completion texts offered with the cursor at the end of the line (or at -Column).
    function Complete([string] $Line, [int] $Column = -1) {
        if ($Column -lt 0) { $Column = $Line.Length }
        @((TabExpansion2 -inputScript $Line -cursorColumn $Column).CompletionMatches | ForEach-Object CompletionText)
    }

    $password = ConvertTo-SecureString 'correct horse battery' -AsPlainText -Force
    $work = New-TestDirectory -Name 'completion-input'
    $t0 = [datetime]::new(2020, 7, 5, 20, 33, 31, [DateTimeKind]::Utc)
    New-TestImage -Directory $work -Device '5c173ff2' -DateTime $t0 | Out-Null
    New-TestImage -Directory $work -Device '5c173ff3' -DateTime $t0 -Index 1 | Out-Null
    New-TestImage -Directory $work -Device '0a5bb6f4' -DateTime $t0 -Index 2 | Out-Null
    $seriesDir = New-TestTuboidSeries -Directory $work -Device '08038ade' -TuboidNumber 0, 1
    $bundle = New-TestMlBundle -Directory $work -Name 'insect-detector'

    $full = New-TestStore -Name 'completion'
    Send-StickyImage -Path $work | Out-Null
    Get-StickySeries -Device '5c173ff2' | Set-UidAnnotation -AlgoName 'insect-detector' -AlgoVersion '1-a' | Out-Null
    Get-StickySeries -Device '5c173ff2' | Set-UidAnnotation -AlgoName 'universal insect detector' -AlgoVersion '1-a' | Out-Null
    Send-StickyTuboid -Path $seriesDir -AlgoName 'tuboid-maker' -ImageCount 10 -TuboidCount 2 | Out-Null
    Get-StickyTuboid | Select-Object -First 1 | Set-ItcLabel -AlgoName 'itc-classifier' -AlgoVersion '1' -Label 1 -Pattern '^Insecta.*' -Type 'Insecta' | Out-Null
    Sync-MLBundle -Name 'insect-detector' -Path $bundle -Direction Push | Out-Null
    'Field season 2024', "O'Brien's traps", 'batch*1', 'batch-all-1', 'lab' | ForEach-Object { New-StickyProject -Name $_ } | Out-Null
    'alice', 'albert' | ForEach-Object { New-StickyUser -UserName $_ -Password $password } | Out-Null

    $empty = New-TestStore -Name 'completion-empty'
    # The store holding the data is the default again unless a test says otherwise.
    Connect-StickyApi -LocalDir $full.Directory | Out-Null
}

AfterAll {
    Remove-TestStore $full, $empty
    Remove-TestDirectory $work
    $env:STICKYPI_LOCAL_DIR = $savedEnv
}

Describe 'Argument completion of -Device' {
    It 'offers 5c173ff2 for "Get-StickySeries -Device 5c1" at column 28 after Connect-StickyApi' {
        Connect-StickyApi -LocalDir $full.Directory | Out-Null
        $r = TabExpansion2 'Get-StickySeries -Device 5c1' 28
        $r.CompletionMatches.CompletionText | Should -Contain '5c173ff2'
        $r.CompletionMatches.CompletionText | Should -Be @('5c173ff2', '5c173ff3')
        $r.CompletionMatches[0].ResultType | Should -Be 'ParameterValue'
        $r.ReplacementIndex | Should -Be 25
        $r.ReplacementLength | Should -Be 3
    }

    It 'completes by wildcard and ignores case' {
        Complete 'Get-StickySeries -Device *ff3' | Should -Be '5c173ff3'
        Complete 'Get-StickySeries -Device 5C17' | Should -Be @('5c173ff2', '5c173ff3')
        Complete 'Get-StickySeries -Device 5c?73ff2' | Should -Be '5c173ff2'
        # The first positional argument is -Device: an empty word offers every device.
        Complete 'Get-StickySeries ' | Should -Be @('0a5bb6f4', '5c173ff2', '5c173ff3')
    }

    It 'completes the positional -Device and keeps an opening quote' {
        Complete 'Get-StickySeries 0a' | Should -Be '0a5bb6f4'
        Complete "Get-StickySeries -Device '5c173ff2" | Should -Be "'5c173ff2'"
        Complete 'Get-StickySeries -Device "0a' | Should -Be '"0a5bb6f4"'
    }

    It 'completes -Device of every image cmdlet from the stored images' {
        foreach ($command in 'Get-StickyImage', 'Remove-StickyImage', 'Get-UidAnnotation', 'Get-StickyImageToAnnotate', 'Set-UidAnnotation',
            'Add-StickyProjectSeries', 'Set-StickyProjectSeries', 'Send-StickyTuboid') {
            Complete "$command -Device 0a" | Should -Be '0a5bb6f4' -Because $command
        }
    }

    It 'completes -Device of the tuboid cmdlets from the stored tuboid series' {
        Complete 'Get-StickyTuboid -Device 0' | Should -Be '08038ade'
        Complete 'Remove-StickyTuboid -Device ' | Should -Be '08038ade'
    }

    It 'offers nothing for a prefix no device has, and no file names' {
        Push-Location $work
        try { Complete 'Get-StickySeries -Device 5c1737' | Should -BeNullOrEmpty }
        finally { Pop-Location }
        Complete 'Get-StickySeries -Device ffff' | Should -BeNullOrEmpty
    }
}

Describe 'Argument completion with a -Connection on the command line' {
    It 'reads the store of -Connection, not the session default' {
        Connect-StickyApi -LocalDir $empty.Directory | Out-Null
        try {
            Complete 'Get-StickySeries -Device 5c1' | Should -BeNullOrEmpty
            $c = $full.Connection
            Complete 'Get-StickySeries -Connection $c -Device 5c1' | Should -Be @('5c173ff2', '5c173ff3')
            Complete 'Get-StickyProject -Connection $c -Name la' | Should -Be 'lab'
        }
        finally {
            Connect-StickyApi -LocalDir $full.Directory | Out-Null
        }
    }

    It 'offers nothing, and never throws or writes, for a closed connection or no connection at all' {
        $closed = Connect-StickyApi -LocalDir $full.Directory
        Disconnect-StickyApi -Connection $closed
        Connect-StickyApi -LocalDir $full.Directory | Out-Null
        $errorsBefore = $Error.Count
        $out = & { Complete 'Get-StickySeries -Connection $closed -Device 5c1' } *>&1
        $out | Should -BeNullOrEmpty
        Disconnect-StickyApi
        try {
            $out = & { Complete 'Get-StickySeries -Device 5c1'; Complete 'Get-StickyUser -UserName a' } *>&1
            $out | Should -BeNullOrEmpty
        }
        finally {
            Connect-StickyApi -LocalDir $full.Directory | Out-Null
        }
        $Error.Count | Should -Be $errorsBefore
    }

    It 'offers nothing, and never throws or writes, when the store cannot be opened or -Connection is not a connection' {
        # A folder whose database.db is not a SQLite catalog, named by $env:STICKYPI_LOCAL_DIR: opening it fails.
        $garbage = New-TestDirectory -Name 'completion-garbage'
        [IO.File]::WriteAllBytes((Join-Path $garbage 'database.db'), [byte[]](1..255))
        Disconnect-StickyApi
        try {
            $env:STICKYPI_LOCAL_DIR = $garbage
            { Get-StickySeries } | Should -Throw
            $errorsBefore = $Error.Count
            $out = & { Complete 'Get-StickySeries -Device 5c'; Complete 'Sync-MLBundle -Name i'; Complete 'Get-StickySeries -Connection "junk" -Device 5c' } *>&1
            $out | Should -BeNullOrEmpty
            $Error.Count | Should -Be $errorsBefore
        }
        finally {
            $env:STICKYPI_LOCAL_DIR = $null
            Remove-TestDirectory $garbage
            Connect-StickyApi -LocalDir $full.Directory | Out-Null
        }
    }

    It 'falls back to an existing store named by $env:STICKYPI_LOCAL_DIR, and never creates one' {
        Disconnect-StickyApi
        try {
            $env:STICKYPI_LOCAL_DIR = $full.Directory
            Complete 'Get-StickySeries -Device 0a' | Should -Be '0a5bb6f4'
            $nowhere = Join-Path $work 'no-store-here'
            $env:STICKYPI_LOCAL_DIR = $nowhere
            Complete 'Get-StickySeries -Device 0a' | Should -BeNullOrEmpty
            Test-Path $nowhere | Should -BeFalse
        }
        finally {
            $env:STICKYPI_LOCAL_DIR = $null
            Connect-StickyApi -LocalDir $full.Directory | Out-Null
        }
    }
}

Describe 'Argument completion of -Project' {
    It 'completes project names, quoting those that need it' {
        Complete 'Get-StickyProjectSeries -Project Fi' | Should -Be "'Field season 2024'"
        Complete 'Grant-StickyProjectPermission -Project o' | Should -Be "'O''Brien''s traps'"
        Complete 'Revoke-StickyProjectPermission -Project la' | Should -Be 'lab'
        Complete 'Get-StickyProjectPermission -Project "fi' | Should -Be '"Field season 2024"'
    }

    It 'escapes wildcard characters where the parameter takes wildcards, so the completion finds exactly that project' {
        Complete 'Get-StickyProject -Name batch' | Should -Be @("'batch``*1'", 'batch-all-1')
        Complete 'Grant-StickyProjectPermission -Project batch' | Should -Be @('batch*1', 'batch-all-1')
        $text = Complete 'Get-StickyProject -Name batch' | Select-Object -First 1
        (Invoke-Expression "Get-StickyProject -Name $text").Name | Should -Be 'batch*1'
    }

    It 'gives a completion that the command accepts as typed' {
        $text = Complete 'Grant-StickyProjectPermission -Project o'
        $granted = Invoke-Expression "Grant-StickyProjectPermission -Project $text -UserName alice -Level Read"
        $granted.ProjectName | Should -Be "O'Brien's traps"
    }
}

Describe 'Argument completion of -UserName' {
    It 'completes stored user names for the user and permission cmdlets' {
        Complete 'Get-StickyUser -UserName al' | Should -Be @('albert', 'alice')
        Complete 'Remove-StickyUser -UserName ali' | Should -Be 'alice'
        Complete 'Grant-StickyProjectPermission -Project lab -UserName alb' | Should -Be 'albert'
        Complete 'Get-StickyProjectPermission -UserName *ce' | Should -Be 'alice'
    }

    It 'completes Connect-StickyApi -UserName from the store its -LocalDir names' {
        Connect-StickyApi -LocalDir $empty.Directory | Out-Null
        try {
            $dir = $full.Directory
            Complete "Connect-StickyApi -LocalDir '$dir' -UserName al" | Should -Be @('albert', 'alice')
            Complete 'Connect-StickyApi -LocalDir $dir -UserName ali' | Should -Be 'alice'
            Push-Location (Split-Path $dir -Parent)
            try { Complete "Connect-StickyApi $(Split-Path $dir -Leaf) -UserName alb" | Should -Be 'albert' }
            finally { Pop-Location }
            Complete "Connect-StickyApi -LocalDir '$(Join-Path $work 'none')' -UserName a" | Should -BeNullOrEmpty
            Test-Path (Join-Path $work 'none') | Should -BeFalse
        }
        finally {
            Connect-StickyApi -LocalDir $full.Directory | Out-Null
        }
    }

    It 'does not complete the name of a user being created' {
        Complete 'New-StickyUser -UserName al' | Should -Not -Contain 'alice'
    }
}

Describe 'Argument completion of -AlgoName and ML bundle names' {
    It 'completes UID annotation algorithms for Set-UidAnnotation and Get-StickyImageToAnnotate, quoting names with spaces' {
        Complete 'Set-UidAnnotation -AlgoName ' | Should -Be @('insect-detector', "'universal insect detector'")
        Complete 'Get-StickyImageToAnnotate -AlgoName uni' | Should -Be "'universal insect detector'"
    }

    It 'completes tuboid algorithms for the tuboid cmdlets and ITC algorithms for Set-ItcLabel' {
        Complete 'Send-StickyTuboid -AlgoName t' | Should -Be 'tuboid-maker'
        Complete 'Remove-StickyTuboid -AlgoName ' | Should -Be 'tuboid-maker'
        Complete 'Set-ItcLabel -AlgoName ' | Should -Be 'itc-classifier'
    }

    It 'completes Sync-MLBundle -Name with the stored bundles' {
        Complete 'Sync-MLBundle -Name ins' | Should -Be 'insect-detector'
        Complete 'Sync-MLBundle ' -Column 14 | Should -Contain 'insect-detector'
        Complete 'Sync-MLBundle -Name zz' | Should -BeNullOrEmpty
    }
}
