using System.Linq;
using StickyPi.PowerShell.Tests.Support;
using static StickyPi.PowerShell.Tests.Support.HostResultExtensions;

namespace StickyPi.PowerShell.Tests
{
    /// <summary>Users, projects and permissions through the packaged module, acting as different stored users.</summary>
    public class UsersProjectsTests
    {
        private const string User = "StickyPi.Core.Model.StickyUser";
        private const string Project = "StickyPi.Core.Model.StickyProject";
        private const string Permission = "StickyPi.Core.Model.ProjectPermission";

        /// <summary>ConvertTo-SecureString is not in the core engine: builds a SecureString by hand.</summary>
        private const string Secure = @"
function Secure([string] $text) { $s = [System.Security.SecureString]::new(); $text.ToCharArray() | ForEach-Object { $s.AppendChar($_) }; $s.MakeReadOnly(); $s }
";

        private static string Connect(Workspace ws, string user = null) =>
            "$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + (user == null ? string.Empty : " -UserName " + HostRunner.Quote(user)) + "\n";

        [Fact]
        public void Users_are_created_from_credentials_and_secure_strings_and_the_hash_never_shows()
        {
            using var ws = new Workspace();
            var r = HostRunner.Run(Connect(ws) + Secure + @"
New-StickyUser -Credential ([pscredential]::new('alice', (Secure 'alice-password'))) -Email alice@example.org
New-StickyUser bob (Secure 'bob-password') -Admin
New-StickyUser -UserName viewer -Password (Secure 'viewer-password') -ReadOnly
New-StickyUser -UserName carol -Password (Secure 'x') -WhatIf
New-StickyUser -UserName alice -Password (Secure 'again')
'count ' + @(Get-StickyUser).Count
'wild ' + @(Get-StickyUser -UserName 'a*', '*o*').Count
Get-StickyUser -UserName nobody
'done'
");
            Assert.True(r.ExitCode == 0, r.ToString());
            var users = r.OfType(User);
            Assert.Equal(new[] { "alice", "bob", "viewer" }, users.Select(u => u.Str("UserName")).ToArray());
            Assert.All(users, u => Assert.Equal("***********", u.Str("PasswordHash")));
            Assert.Equal(new[] { "ReadWrite", "Admin", "ReadOnly" }, users.Select(u => u.Str("Role")).ToArray());
            Assert.Equal("alice@example.org", users[0].Str("Email"));
            Assert.DoesNotContain(r.ToString(), "$6$");
            Assert.Contains(r.HostLines, l => l.StartsWith("What if:") && l.Contains("carol"));
            Assert.Contains("count 3", r.Texts);
            Assert.Contains("wild 2", r.Texts);
            Assert.Equal(2, r.Errors.Count);
            Assert.Equal("DuplicateUser", r.Errors[0].ErrorId());
            Assert.Equal("ResourceExists", r.Errors[0].Str("category"));
            Assert.Equal("alice", r.Errors[0].Str("target"));
            Assert.Equal("UserNotFound", r.Errors[1].ErrorId());
            Assert.Equal("ObjectNotFound", r.Errors[1].Str("category"));
        }

        [Fact]
        public void A_stored_user_sees_only_its_projects_and_permission_errors_are_non_terminating()
        {
            using var ws = new Workspace();
            var r = HostRunner.Run(Connect(ws) + Secure + @"
$null = New-StickyUser alice (Secure 'alice-password')
$null = New-StickyUser bob (Secure 'bob-password')
$null = New-StickyProject -Name orphan -Description 'made by local'
$alice = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + @" -UserName alice
'as ' + $alice.User
'users ' + (@(Get-StickyUser | ForEach-Object UserName) -join ',')
$bees = New-StickyProject -Name bees -Description 'meadow 2024' -Notes 'north field'
$null = New-StickyProject wasps
'alice sees ' + (@(Get-StickyProject | ForEach-Object Name) -join ',')
New-StickyUser -UserName carol -Password (Secure 'x')
'continued'
$bees | Grant-StickyProjectPermission -UserName bob -Level Read
$null = Connect-StickyApi " + HostRunner.Quote(ws.Store) + @" bob
'bob sees ' + (@(Get-StickyProject | ForEach-Object Name) -join ',')
Get-StickyProject | Get-StickyProjectPermission | ForEach-Object { 'perm ' + $_.ProjectName + ' ' + $_.UserName + ' ' + $_.Level }
Get-StickyProject bees | Remove-StickyProject -Confirm:$false
Grant-StickyProjectPermission -Project bees -UserName bob -Level Admin
'bob still sees ' + @(Get-StickyProject).Count
$null = Connect-StickyApi " + HostRunner.Quote(ws.Store) + @"
'local sees ' + @(Get-StickyProject).Count
");
            Assert.True(r.ExitCode == 0, r.ToString());
            var t = r.Texts;
            Assert.Contains("as alice", t);
            Assert.Contains("users alice", t);
            Assert.Contains("alice sees bees,wasps", t);
            Assert.Contains("continued", t);
            Assert.Contains("bob sees bees", t);
            Assert.Contains("perm bees alice Admin", t);
            Assert.Contains("perm bees bob Read", t);
            Assert.Contains("bob still sees 1", t);
            Assert.Contains("local sees 3", t);

            var granted = r.OfType(Permission).Single();
            Assert.Equal("bob", granted.Str("UserName"));
            Assert.Equal("Read", granted.Str("Level"));

            Assert.Equal(3, r.Errors.Count);
            Assert.All(r.Errors, e => Assert.Equal("PermissionDenied", e.ErrorId()));
            Assert.All(r.Errors, e => Assert.Equal("PermissionDenied", e.Str("category")));
            Assert.Equal("carol", r.Errors[0].Str("target"));
            Assert.Contains("bees", r.Errors[1].Str("target"));
            Assert.Equal("bees", r.Errors[2].Str("target"));
        }

        [Fact]
        public void Removals_honour_WhatIf_and_Confirm_and_revocation_works_from_the_pipeline()
        {
            using var ws = new Workspace();
            var r = HostRunner.Run(Connect(ws) + Secure + @"
$null = New-StickyUser alice (Secure 'alice-password')
$null = New-StickyUser bob (Secure 'bob-password')
$p = New-StickyProject bees
$null = Grant-StickyProjectPermission -Project bees -UserName alice, bob -Level ReadWrite
$null = Grant-StickyProjectPermission -ProjectId $p.Id -UserName bob -Level 3
'levels ' + (@(Get-StickyProjectPermission | ForEach-Object { $_.UserName + '=' + $_.Level }) -join ',')
Get-StickyProjectPermission -Project bees -UserName bob | Revoke-StickyProjectPermission -WhatIf
Get-StickyProjectPermission -Project bees -UserName bob | Revoke-StickyProjectPermission -Confirm:$false -PassThru | ForEach-Object { 'revoked ' + $_.UserName }
'left ' + (@(Get-StickyProjectPermission | ForEach-Object UserName) -join ',')
Get-StickyUser bob | Remove-StickyUser -WhatIf
try { Remove-StickyUser bob -ErrorAction Stop } catch { 'refused' }
'users ' + @(Get-StickyUser).Count
Remove-StickyUser -UserName bob, ghost -Confirm:$false -PassThru | ForEach-Object { 'removed ' + $_.UserName }
Get-StickyProject bees | Remove-StickyProject -WhatIf
'projects ' + @(Get-StickyProject).Count
Get-StickyProject | Remove-StickyProject -Confirm:$false -PassThru | ForEach-Object { 'gone ' + $_.Name }
'projects ' + @(Get-StickyProject).Count + ' permissions ' + @(Get-StickyProjectPermission).Count
Grant-StickyProjectPermission -Project bees -UserName alice -Level Read
'done'
");
            Assert.True(r.ExitCode == 0, r.ToString());
            var t = r.Texts;
            Assert.Contains("levels alice=ReadWrite,bob=Admin", t);
            Assert.Contains(r.HostLines, l => l.StartsWith("What if:") && l.Contains("bob on project 1"));
            Assert.Contains("revoked bob", t);
            Assert.Contains("left alice", t);
            Assert.Contains(r.HostLines, l => l.StartsWith("What if:") && l.Contains("Remove the user") && l.Contains("bob"));
            Assert.Contains("refused", t);
            Assert.Contains("users 2", t);
            Assert.Contains("removed bob", t);
            Assert.Contains(r.HostLines, l => l.StartsWith("What if:") && l.Contains("bees (1)"));
            Assert.Contains("projects 1", t);
            Assert.Contains("gone bees", t);
            Assert.Contains("projects 0 permissions 0", t);
            var errors = r.Errors.Select(e => e.ErrorId()).ToList();
            Assert.Contains("UserNotFound", errors);
            Assert.Equal("ProjectNotFound", errors.Last());
            Assert.Equal("ghost", r.Errors.First(e => e.ErrorId() == "UserNotFound").Str("target"));
        }

        [Fact]
        public void Invalid_input_gives_clear_errors_and_default_views_format_the_output()
        {
            using var ws = new Workspace();
            var r = HostRunner.Run(Connect(ws) + Secure + @"
New-StickyProject -Name bees -Description 'a description that is far too long'
try { Grant-StickyProjectPermission -Project 1 -UserName x -Level 0 } catch { 'level ' + $_.FullyQualifiedErrorId.Split(',')[0] }
$null = New-StickyProject bees
$null = New-StickyProject bees
$null = New-StickyUser alice (Secure 'alice-password')
Grant-StickyProjectPermission -Project bees -UserName alice -Level Read
$null = Grant-StickyProjectPermission -ProjectId 2 -UserName alice -Level Read
Get-StickyUser | Out-Default
Get-StickyProject | Out-Default
Get-StickyProjectPermission | Out-Default
", json: false);
            Assert.True(r.ExitCode == 0, r.ToString());
            var all = string.Join("\n", r.HostLines) + "\n" + r.StdErr;
            Assert.Contains("Description is 34 characters long; at most 20", all);
            Assert.Contains("level ParameterArgumentValidationError", all);
            Assert.Contains("2 projects you may see are named 'bees'", all);
            Assert.Contains(r.HostLines, l => l.Contains("UserName") && l.Contains("Role") && l.Contains("Created (UTC)"));
            Assert.Contains(r.HostLines, l => l.Contains("Name") && l.Contains("Description") && !l.Contains("UserName"));
            Assert.Contains(r.HostLines, l => l.Contains("ProjectId") && l.Contains("ProjectName") && l.Contains("Level"));
            Assert.DoesNotContain("PasswordHash", all);
        }
    }
}
