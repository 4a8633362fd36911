using System;
using System.Linq;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.Core.Tests.Access;

namespace StickyPi.Core.Tests.Projects
{
    public class UsersProjectsPermissionsTests
    {
        private static CallerIdentity Local => AccessStore.Local;

        private static StickyPiException Error(Action action) => Assert.ThrowsAny<StickyPiException>(action);

        private static string Scalar(AccessStore s, string sql, params (string, object)[] args)
        {
            using var conn = new SqliteConnection("Data Source=" + s.Store.DatabasePath);
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            foreach (var (n, v) in args)
            {
                cmd.Parameters.AddWithValue(n, v);
            }

            return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        // ---------------------------------------------------------------- users

        [Fact]
        public void Users_are_stored_with_a_passlib_hash_that_is_never_output()
        {
            using var s = new AccessStore();
            s.Store.PasswordHashRounds = PasswordHash.DefaultRounds;
            var password = "s3cret-Passw0rd".ToCharArray();
            var created = s.Store.AddUser(Local, "alice", password, "alice@example.org", isAdmin: false, canWrite: true);
            Assert.Equal("alice", created.UserName);
            Assert.Equal("***********", created.PasswordHash);
            Assert.Equal(UserRole.ReadWrite, created.Role);
            Assert.Null(created.ApiUserId);
            Assert.Equal(LocalStickyStoreVersion, created.ApiVersion);

            var stored = Scalar(s, "SELECT password_hash FROM users WHERE username = 'alice'");
            Assert.Matches(@"^\$6\$rounds=656000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$", stored);
            Assert.Equal("0", Scalar(s, "SELECT is_admin FROM users WHERE username = 'alice'"));
            Assert.Equal("1", Scalar(s, "SELECT can_write FROM users WHERE username = 'alice'"));

            Assert.True(s.Store.VerifyPassword("alice", "s3cret-Passw0rd".ToCharArray()));
            Assert.False(s.Store.VerifyPassword("alice", "wrong".ToCharArray()));
            Assert.False(s.Store.VerifyPassword("Alice", "s3cret-Passw0rd".ToCharArray()));
            Assert.False(s.Store.VerifyPassword("nobody", "s3cret-Passw0rd".ToCharArray()));

            var listed = s.Store.GetUsers(Local).Single();
            Assert.Equal("***********", listed.PasswordHash);
            Assert.Equal("alice@example.org", listed.Email);
        }

        [Fact]
        public void Upstream_sha256_hashes_still_verify()
        {
            using var s = new AccessStore();
            s.User("legacy");
            using (var conn = new SqliteConnection("Data Source=" + s.Store.DatabasePath))
            {
                conn.Open();
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "UPDATE users SET password_hash = '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA' WHERE username = 'legacy'";
                cmd.ExecuteNonQuery();
            }

            Assert.True(s.Store.VerifyPassword("legacy", "Hello world!".ToCharArray()));
        }

        [Fact]
        public void Duplicate_user_is_a_conflict_and_a_batch_is_all_or_nothing()
        {
            using var s = new AccessStore();
            s.User("alice");
            var e = Error(() => s.Store.AddUser(Local, "alice", "x".ToCharArray()));
            Assert.Equal(StickyUserErrorIds.DuplicateUser, e.ErrorId);
            Assert.Equal(StickyErrorKind.Conflict, e.Kind);
            Assert.Equal("alice", e.Target);

            e = Error(() => s.Store.PutUsers(Local, new[]
            {
                new StickyUserSubmission { UserName = "bob", Password = "x".ToCharArray() },
                new StickyUserSubmission { UserName = "alice", Password = "y".ToCharArray() },
            }));
            Assert.Equal(StickyUserErrorIds.DuplicateUser, e.ErrorId);
            Assert.Null(s.Store.GetUser(Local, "bob"));

            // §8 #7: every created user is returned, not only the last one.
            var both = s.Store.PutUsers(Local, new[]
            {
                new StickyUserSubmission { UserName = "bob", Password = "x".ToCharArray() },
                new StickyUserSubmission { UserName = "carol", Password = "y".ToCharArray(), CanWrite = false },
            });
            Assert.Equal(new[] { "bob", "carol" }, both.Select(u => u.UserName).ToArray());
            Assert.Equal(UserRole.ReadOnly, both[1].Role);

            // SQLite's UNIQUE is case-sensitive, as upstream's local store.
            Assert.Equal("Alice", s.Store.AddUser(Local, "Alice", "z".ToCharArray()).UserName);
        }

        [Theory]
        [InlineData("", "pw", null, StickyUserErrorIds.ValueRequired, "UserName")]
        [InlineData("a-name-that-is-longer-than-32-chars", "pw", null, StickyUserErrorIds.ValueTooLong, "UserName")]
        [InlineData("alice", "", null, StickyUserErrorIds.ValueRequired, "Password")]
        [InlineData("alice", "pw", "an-email-address-that-is-far-too-long-for-its-64-character-column@example.org", StickyUserErrorIds.ValueTooLong, "Email")]
        public void Invalid_users_are_refused_naming_the_field(string name, string password, string email, string errorId, string field)
        {
            using var s = new AccessStore();
            var e = Error(() => s.Store.AddUser(Local, name, password.ToCharArray(), email));
            Assert.Equal(errorId, e.ErrorId);
            Assert.Equal(field, e.Target);
            Assert.Contains(field, e.Message);
            Assert.Empty(s.Store.GetUsers(Local));
        }

        [Fact]
        public void User_names_match_exactly_and_wildcard_listing_uses_like()
        {
            using var s = new AccessStore();
            s.User("a_b");
            s.User("axb");
            s.User("alice");
            var axb = s.Store.GetCallerIdentity("axb");
            Assert.Equal("axb", axb.UserName);

            // §8 #5: '_' in a name does not match other users.
            Assert.Equal("a_b", s.Store.GetCallerIdentity("a_b").UserName);
            Assert.Equal("a_b", s.Store.GetUser(Local, "a_b").UserName);
            Assert.Null(s.Store.GetUser(Local, "A_B"));
            Assert.Equal(new[] { "a_b" }, s.Store.GetUsers(Local, DevicePattern.FromWildcard("a_b")).Select(u => u.UserName).ToArray());
            Assert.Equal(new[] { "a_b", "alice", "axb" }, s.Store.GetUsers(Local, DevicePattern.FromWildcard("a*")).Select(u => u.UserName).ToArray());
            Assert.Equal(StickyUserErrorIds.UserNotFound, Error(() => s.Store.GetCallerIdentity("a%")).ErrorId);
        }

        [Fact]
        public void Deleting_users_cascades_permissions_keeps_projects_and_protects_the_last_administrator()
        {
            using var s = new AccessStore();
            var root = s.User("root", isAdmin: true);
            var alice = s.User("alice");
            var p = s.Store.AddProject(alice, "bees");
            s.Store.PutProjectPermission(Local, p.Id, "root", 1);

            var deleted = s.Store.DeleteUsers(root, new[] { "alice", "ghost" });
            Assert.Equal(new[] { "alice" }, deleted.Select(u => u.UserName).ToArray());
            Assert.Single(s.Store.GetProjects(Local));
            Assert.Equal(new[] { "root" }, s.Store.GetProjectPermissions(Local).Select(r => r.UserName).ToArray());

            var e = Error(() => s.Store.DeleteUsers(root, new[] { "root" }));
            Assert.Equal(StickyUserErrorIds.LastAdministrator, e.ErrorId);
            Assert.NotNull(s.Store.GetUser(Local, "root"));

            s.User("root2", isAdmin: true);
            Assert.Single(s.Store.DeleteUsers(root, new[] { "root" }));

            // The local administrator needs no stored account and may remove the last one.
            Assert.Single(s.Store.DeleteUsers(Local, new[] { "root2" }));
            Assert.Empty(s.Store.GetUsers(Local));
        }

        // ---------------------------------------------------------------- projects

        [Fact]
        public void Creating_a_project_makes_upstreams_series_table_and_gives_the_creator_level_3()
        {
            using var s = new AccessStore();
            var alice = s.User("alice");
            var p = s.Store.AddProject(alice, "bees", "meadow 2024", "long notes");
            Assert.Equal(p.Id, p.ProjectId);
            Assert.Equal("project_series_" + p.Id, p.SeriesTableName);
            Assert.Equal(alice.Id, p.ApiUserId);
            Assert.Equal(
                "CREATE TABLE project_series_1 (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, device CHAR(8) NOT NULL, start_datetime DATETIME NOT NULL, end_datetime DATETIME NOT NULL, UNIQUE(device, start_datetime, end_datetime))",
                Scalar(s, "SELECT sql FROM sqlite_master WHERE name = 'project_series_1'"));
            var perm = s.Store.GetProjectPermissions(alice).Single();
            Assert.Equal((ProjectLevel.Admin, "alice", p.Id, "bees"), (perm.Level, perm.UserName, perm.ProjectId, perm.ProjectName));

            // The same name may be used twice (upstream's name column is not unique).
            var again = s.Store.AddProject(alice, "bees");
            Assert.NotEqual(p.Id, again.Id);

            // The trusted caller gets no permission row (it has no id).
            s.Store.AddProject(Local, "orphan");
            Assert.Equal(2, s.Store.GetProjectPermissions(Local).Count);
        }

        [Theory]
        [InlineData("", null, null, StickyUserErrorIds.ValueRequired, "Name")]
        [InlineData("a-project-name-longer-than-32-chars", null, null, StickyUserErrorIds.ValueTooLong, "Name")]
        [InlineData("bees", "twenty-one characters", null, StickyUserErrorIds.ValueTooLong, "Description")]
        public void Project_fields_are_length_checked(string name, string description, string notes, string errorId, string field)
        {
            using var s = new AccessStore();
            var e = Error(() => s.Store.AddProject(Local, name, description, notes));
            Assert.Equal(errorId, e.ErrorId);
            Assert.Equal(field, e.Target);
            Assert.Contains(field, e.Message);
            Assert.Equal("0", Scalar(s, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'project_series_%'"));
            Assert.Equal("Notes", Error(() => s.Store.AddProject(Local, "bees", null, new string('n', 2049))).Target);
            Assert.Equal("exactly twenty chars", s.Store.AddProject(Local, "bees", "exactly twenty chars", new string('n', 2048)).Description);
        }

        [Fact]
        public void Project_filters_use_like_on_name_description_notes_and_equality_on_id()
        {
            using var s = new AccessStore();
            s.Store.AddProject(Local, "Bees-2024", "meadow");
            s.Store.AddProject(Local, "bees_2025", "forest", "oak");
            s.Store.AddProject(Local, "wasps");
            string[] Names(params StickyProjectFilter[] f) => s.Store.GetProjects(Local, f).Select(p => p.Name).ToArray();
            Assert.Equal(3, Names().Length);
            Assert.Equal(new[] { "Bees-2024", "bees_2025" }, Names(StickyProjectFilter.ByName(DevicePattern.FromWildcard("bees*"))));
            Assert.Equal(new[] { "bees_2025" }, Names(StickyProjectFilter.ByName(DevicePattern.FromWildcard("bees_*"))));
            Assert.Equal(new[] { "wasps" }, Names(StickyProjectFilter.ById(3)));
            Assert.Equal(new[] { "Bees-2024", "wasps" }, Names(StickyProjectFilter.ById(3), new StickyProjectFilter { DescriptionLike = "mea%" }));
            Assert.Equal(new[] { "bees_2025" }, Names(new StickyProjectFilter { NotesLike = "oak", NameLike = "%" }));
            Assert.Empty(Names(StickyProjectFilter.ById(99)));
        }

        [Fact]
        public void Deleting_a_project_drops_its_series_table_and_permissions_and_explains_refusals()
        {
            using var s = new AccessStore();
            var alice = s.User("alice");
            var bob = s.User("bob");
            var p = s.Store.AddProject(alice, "bees");
            var hidden = s.Store.AddProject(alice, "hidden");
            s.Store.PutProjectPermission(alice, p.Id, "bob", 2);

            var denied = Error(() => s.Store.DeleteProject(bob, p.Id));
            Assert.Equal(AccessPolicy.PermissionDeniedId, denied.ErrorId);
            Assert.Equal(StickyErrorKind.PermissionDenied, denied.Kind);
            Assert.Equal(StickyUserErrorIds.ProjectNotFound, Error(() => s.Store.DeleteProject(bob, hidden.Id)).ErrorId);
            Assert.Equal(StickyUserErrorIds.ProjectNotFound, Error(() => s.Store.DeleteProject(alice, 42)).ErrorId);

            Assert.Equal("bees", s.Store.DeleteProject(alice, p.Id).Name);
            Assert.Equal("0", Scalar(s, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'project_series_" + p.Id + "'"));
            Assert.Equal("0", Scalar(s, "SELECT COUNT(*) FROM project_permissions WHERE parent_project_id = " + p.Id));
            Assert.Empty(s.Store.GetProjects(bob));
        }

        // ---------------------------------------------------------------- permissions

        [Fact]
        public void Granting_again_updates_the_level_and_levels_are_range_checked()
        {
            using var s = new AccessStore();
            var alice = s.User("alice");
            s.User("bob");
            var p = s.Store.AddProject(alice, "bees");
            Assert.Equal(ProjectLevel.Read, s.Store.PutProjectPermission(alice, p.Id, "bob", 1).Level);
            var updated = s.Store.PutProjectPermission(alice, p.Id, "bob", 2);
            Assert.Equal(ProjectLevel.ReadWrite, updated.Level);
            Assert.True(updated.Id > 0);
            Assert.Equal(2, s.Store.GetProjectPermissions(alice).Count);

            foreach (var bad in new[] { 0, 4, -1 })
            {
                var e = Error(() => s.Store.PutProjectPermission(alice, p.Id, "bob", bad));
                Assert.Equal(StickyUserErrorIds.InvalidPermissionLevel, e.ErrorId);
                Assert.Equal(StickyErrorKind.InvalidArgument, e.Kind);
            }

            Assert.Equal(StickyUserErrorIds.UserNotFound, Error(() => s.Store.PutProjectPermission(alice, p.Id, "nobody", 1)).ErrorId);
            Assert.Equal(StickyUserErrorIds.UserNotFound, Error(() => s.Store.PutProjectPermission(alice, p.Id, 999L, 1)).ErrorId);
            Assert.Equal(StickyUserErrorIds.ProjectNotFound, Error(() => s.Store.PutProjectPermission(alice, 999, "bob", 1)).ErrorId);

            // §8 #11: the trusted caller (no id) can grant, by name or id.
            var carol = s.User("carol");
            Assert.Equal(ProjectLevel.Admin, s.Store.PutProjectPermission(Local, p.Id, carol.Id.Value, 3).Level);
        }

        [Fact]
        public void The_last_project_administrator_cannot_be_removed_or_downgraded_except_by_a_global_admin()
        {
            using var s = new AccessStore();
            var alice = s.User("alice");
            var root = s.User("root", isAdmin: true);
            s.User("bob");
            var p = s.Store.AddProject(alice, "bees");

            Assert.Equal(StickyUserErrorIds.LastProjectAdministrator, Error(() => s.Store.DeleteProjectPermission(alice, p.Id, "alice")).ErrorId);
            Assert.Equal(StickyUserErrorIds.LastProjectAdministrator, Error(() => s.Store.PutProjectPermission(alice, p.Id, "alice", 1)).ErrorId);
            Assert.Equal(StickyUserErrorIds.PermissionNotFound, Error(() => s.Store.DeleteProjectPermission(alice, p.Id, "bob")).ErrorId);

            s.Store.PutProjectPermission(alice, p.Id, "bob", 3);
            Assert.Equal(ProjectLevel.Admin, s.Store.DeleteProjectPermission(alice, p.Id, "alice").Level);
            Assert.Empty(s.Store.GetProjects(alice));

            // A global administrator may leave a project without a level-3 holder.
            Assert.Equal("bob", s.Store.DeleteProjectPermission(root, p.Id, "bob").UserName);
            Assert.Empty(s.Store.GetProjectPermissions(root));
        }

        [Fact]
        public void A_read_only_user_is_capped_at_read_whatever_its_row_says()
        {
            using var s = new AccessStore();
            var alice = s.User("alice");
            var viewer = s.User("viewer", canWrite: false);
            s.User("bob");
            var p = s.Store.AddProject(alice, "bees");
            s.Store.PutProjectPermission(alice, p.Id, "viewer", 3);
            Assert.Single(s.Store.GetProjects(viewer));
            Assert.Equal(2, s.Store.GetProjectPermissions(viewer).Count);
            Assert.Equal(AccessPolicy.PermissionDeniedId, Error(() => s.Store.PutProjectPermission(viewer, p.Id, "bob", 1)).ErrorId);
            Assert.Equal(AccessPolicy.PermissionDeniedId, Error(() => s.Store.DeleteProject(viewer, p.Id)).ErrorId);
        }

        private const string LocalStickyStoreVersion = Core.Local.LocalStickyStore.ApiVersion;
    }
}
