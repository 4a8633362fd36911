#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    A remote connection as a lab admin or a CI job uses it: Connect-StickyApi -Uri -Credential against StickyPi.Server
    started on 127.0.0.1, then the image cmdlets over HTTP (upstream's wire protocol), a read-only user, and tab
    completion through the server's own routes.
#>
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'StickyPi.TestSupport.psm1') -Force
    Import-TestModule

    function Get-Md5([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm MD5).Hash.ToLowerInvariant() }

    $server = Start-TestStickyServer
    $work = New-TestDirectory -Name 'remote-input'
    $t0 = [datetime]::new(2020, 7, 5, 20, 0, 0, [DateTimeKind]::Utc)
    $files = @(
        0..2 | ForEach-Object { New-TestImage -Directory $work -Device '5c173ff2' -DateTime $t0.AddMinutes(20 * $_) -Format Legacy2020 -Index $_ }
        New-TestImage -Directory $work -Device '1b74105a' -DateTime ([datetime]::new(2022, 5, 17, 18, 30, 0, [DateTimeKind]::Utc)) -Format Csv2022
    )

    # A read-only user, made the way any client makes one (put_users as the administrator).
    $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('admin:' + $server.Credential.GetNetworkCredential().Password))
    $null = Invoke-RestMethod -Method Post -Uri ($server.Url + 'put_users') -Headers @{ Authorization = "Basic $basic" } -ContentType 'application/json' `
        -Body '[{"username": "reader", "password": "reader-password-1", "can_write": false}]'
    $reader = [pscredential]::new('reader', (ConvertTo-SecureString 'reader-password-1' -AsPlainText -Force))
}

AfterAll {
    Get-Variable -Name remote -Scope Script -ErrorAction SilentlyContinue | ForEach-Object { if ($_.Value) { Disconnect-StickyApi -Connection $_.Value } }
    Stop-TestStickyServer $server
    Remove-TestDirectory $work
}

Describe 'Connect-StickyApi -Uri -Credential' {
    It 'checks the password at once, reads the role, and becomes the session default' {
        $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential
        $remote.Kind | Should -Be 'Remote'
        $remote.Location | Should -Be $server.Url
        $remote.User | Should -Be 'admin'
        $remote.IsDefault | Should -BeTrue
    }

    It 'stops with RemoteAccessDenied (AuthenticationError) for a wrong password, naming the server' {
        $wrong = [pscredential]::new('admin', (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        $err = { Connect-StickyApi -Uri $server.Url -Credential $wrong } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'RemoteAccessDenied' -Category AuthenticationError -TargetObject ([uri]$server.Url)
        $err.Exception.Message | Should -BeLike "*$($server.Url)*401*"
    }

    It 'stops with a connection error when nothing answers' {
        $err = { Connect-StickyApi -Uri 'http://127.0.0.1:9/' -Credential $server.Credential } | Should -Throw -PassThru
        Assert-ErrorRecord $err -ErrorId 'RemoteUnavailable' -Category ConnectionError
    }
}

Describe 'The image cmdlets on a remote connection' {
    BeforeAll { $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential }

    It 'Send-StickyImage sends each file with its md5, and a re-run skips every file without opening it' {
        $sent = @(Get-ChildItem $work -Filter *.jpg | Send-StickyImage)
        $sent.Count | Should -Be 4
        $sent.Status | Sort-Object -Unique | Should -Be 'Sent'
        foreach ($r in $sent) { $r.Md5 | Should -Be (Get-Md5 $r.Path) }

        $again = @(Send-StickyImage -Path $work)
        $again.Count | Should -Be 4
        $again.Status | Sort-Object -Unique | Should -Be 'Skipped'
        $again.FromCache | Sort-Object -Unique | Should -BeTrue
    }

    It 'Get-StickySeries reads the series from the server, sorted, and Get-StickyImage finds the same rows by key' {
        $series = @(Get-StickySeries -Device '*')
        $series.Count | Should -Be 4
        ($series | ForEach-Object { "$($_.Device)@$($_.DateTime.ToString('s'))" }) |
            Should -Be @('1b74105a@2022-05-17T18:30:00', '5c173ff2@2020-07-05T20:00:00', '5c173ff2@2020-07-05T20:20:00', '5c173ff2@2020-07-05T20:40:00')
        ($series | Where-Object Device -eq '1b74105a').Md5 | Should -Be (Get-Md5 $files[3].FullName)

        $byKey = @($series | Get-StickyImage)
        $byKey.Md5 | Should -Be $series.Md5
        @(Get-StickySeries -Device '5c17*' -StartTime $t0.AddMinutes(10) -EndTime $t0.AddMinutes(40)).Count | Should -Be 1
    }

    It 'Remove-StickyImage deletes on the server' {
        $removed = @(Get-StickySeries -Device '5c173ff2' | Select-Object -First 1 | Remove-StickyImage -PassThru -Confirm:$false)
        $removed.Count | Should -Be 1
        @(Get-StickySeries -Device '*').Count | Should -Be 3
    }
}

Describe 'Users on a remote connection' {
    BeforeAll { $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential }
    AfterAll { $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential }

    It 'New-StickyUser creates a server user, who can then connect with that role' {
        $password = ConvertTo-SecureString 'field-password-1' -AsPlainText -Force
        $user = New-StickyUser -UserName 'field_station' -Password $password -Confirm:$false
        $user.UserName | Should -Be 'field_station'
        $user.Role | Should -Be 'ReadWrite'
        $user.Id | Should -BeGreaterThan 0

        $field = Connect-StickyApi -Uri $server.Url -Credential ([pscredential]::new('field_station', $password))
        try { $field.User | Should -Be 'field_station' } finally { Disconnect-StickyApi -Connection $field }
    }

    It 'New-StickyUser refuses a too-long name as a local store does, before anything is sent' {
        $password = ConvertTo-SecureString 'field-password-1' -AsPlainText -Force
        $long = 'n' * 33
        New-StickyUser -UserName $long -Password $password -Confirm:$false -Connection $remote -ErrorAction SilentlyContinue -ErrorVariable errs | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ValueTooLong,*'
        $errs[0].Exception.Message | Should -BeLike '*UserName*33*'
        @(Get-StickyUser -Connection $remote | Where-Object UserName -like 'nnnn*') | Should -BeNullOrEmpty
    }

    It 'completes -UserName with the server''s user names' {
        $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential
        $line = 'Get-StickyUser -UserName field'
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('field_station')
    }

    It 'Remove-StickyUser removes exactly the named user, though the server''s filter is a LIKE (a_b is not axb)' {
        $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential
        $password = ConvertTo-SecureString 'other-password-1' -AsPlainText -Force
        $null = New-StickyUser -UserName 'axb' -Password $password -Confirm:$false
        $null = New-StickyUser -UserName 'a_b' -Password $password -Confirm:$false
        $removed = @(Remove-StickyUser -UserName 'a_b' -PassThru -Confirm:$false)
        $removed.UserName | Should -Be 'a_b'
        $names = @(Get-StickyUser).UserName
        $names | Should -Contain 'axb'
        $names | Should -Not -Contain 'a_b'
    }

    It 'lists the server''s users with the roles the server gives them' {
        $users = @(Get-StickyUser)
        $users.UserName | Should -Contain 'reader'
        ($users | Where-Object UserName -eq 'reader').Role | Should -Be 'ReadOnly'
        (Get-StickyUser -UserName admin).Role | Should -Be 'Admin'
        (Get-StickyUser -UserName admin).Id | Should -BeGreaterThan 0
    }
}

Describe 'A read-only server user' {
    It 'may query, but Send-StickyImage stops before reading any file' {
        $ro = Connect-StickyApi -Uri $server.Url -Credential $reader
        try {
            @(Get-StickySeries -Device '*' -Connection $ro).Count | Should -Be 3
            $err = { Send-StickyImage -Path $work -Connection $ro } | Should -Throw -PassThru
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        finally {
            Disconnect-StickyApi -Connection $ro
        }
    }
}

Describe 'Completion on a remote connection to StickyPi.Server (its own complete_* routes)' {
    BeforeAll { $script:remote = Connect-StickyApi -Uri $server.Url -Credential $server.Credential }

    It 'completes -Device with every image device of the server, however old (2020 and 2022 here)' {
        # Upstream's protocol has no such route: there the module samples recent windows and would offer neither.
        $line = 'Get-StickySeries -Device '
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('1b74105a', '5c173ff2')
        $line = 'Get-StickySeries -Device 5C'
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('5c173ff2')
    }

    It 'completes with the embedded store''s answer for the same data' {
        $local = New-TestStore -Name 'remote-completion'
        try {
            Send-StickyImage -Path $work -Connection $local.Connection | Out-Null
            Get-StickySeries -Device '5c173ff2' -Connection $local.Connection | Select-Object -First 1 | Remove-StickyImage -Confirm:$false -Connection $local.Connection
            # The back-ends behind the connections (internal: the completers call them with the connection's caller).
            $store = $remote.GetType().GetProperty('Store', [Reflection.BindingFlags]'NonPublic, Instance')
            $caller = $remote.GetType().GetProperty('Caller', [Reflection.BindingFlags]'NonPublic, Instance')
            foreach ($typed in '', '1', '5c1*', 'x') {
                $fromServer = @($store.GetValue($remote).CompleteImageDevices($caller.GetValue($remote), $typed, 10)) -join ','
                $fromStore = @($store.GetValue($local.Connection).CompleteImageDevices($caller.GetValue($local.Connection), $typed, 10)) -join ','
                $fromServer | Should -Be $fromStore -Because "typed '$typed'"
            }
        }
        finally {
            Remove-TestStore $local
        }
    }
}
