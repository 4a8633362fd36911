using System;
using System.Linq;
using MySqlConnector;
using StickyPi.Catalog.MariaDb;
using StickyPi.Catalog.Tests.Support;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.Tests
{
    /// <summary>The MariaDB catalog on a private MariaDB server: upstream's schema made and checked, identities, passwords and user reads.</summary>
    [Collection(MariaDbCollection.Name)]
    public sealed class MariaDbCatalogTests
    {
        private const string LocalVersion = StickyPi.Core.Local.LocalStickyStore.ApiVersion;
        private readonly MariaDbFixture _db;
        private string _lastDatabase;

        public MariaDbCatalogTests(MariaDbFixture db) => _db = db;

        [SkippableFact]
        public void AnEmptyDatabaseGetsUpstreamsTablesAsMariaDbShowsThemAndReopensAsItIs()
        {
            _db.Require();
            var cs = _db.NewDatabase();
            var catalog = MariaDbCatalog.Open(cs);
            Assert.StartsWith("mariadb://127.0.0.1:" + _db.Port + "/t_", catalog.Location);
            using (var conn = Open(cs))
            {
                foreach (var (name, create) in MariaDbSchema.Tables)
                {
                    Assert.Equal(create, Scalar(conn, "SHOW CREATE TABLE `" + name + "`", 1));
                }
            }

            MariaDbCatalog.Open(cs, createSchema: false);
            Assert.Equal(new[] { "id", "username", "email", "password_hash", "is_admin", "can_write" }, MariaDbSchema.Columns["users"].Skip(3));
        }

        [SkippableFact]
        public void AMissingDatabaseIsCreatedWithUpstreamsCollationAndTablesButOnlyWhenAsked()
        {
            _db.Require();
            var name = "new_" + Guid.NewGuid().ToString("N").Substring(0, 12);
            var cs = _db.ConnectionString(name);
            Assert.Equal(StickyErrorIds.StoreIo, Assert.Throws<StickyPiException>(() => MariaDbCatalog.Open(cs, createSchema: false)).ErrorId);
            var catalog = MariaDbCatalog.Open(cs);
            Assert.Empty(catalog.GetUsers(CallerIdentity.LocalAdministrator));
            using (var conn = Open(_db.ConnectionString(null)))
            {
                Assert.Equal("utf8mb4_general_ci", Scalar(conn, "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + name + "'", 0));
            }

            MariaDbCatalog.Open(cs, createSchema: false);
        }

        [SkippableFact]
        public void ADatabaseWithoutUpstreamsTablesOrColumnsIsRefusedNamingWhatIsMissing()
        {
            _db.Require();
            var empty = _db.NewDatabase();
            var none = Assert.Throws<StickyPiException>(() => MariaDbCatalog.Open(empty, createSchema: false));
            Assert.Equal((MariaDbErrorIds.CatalogSchemaMismatch, "users"), (none.ErrorId, none.Target));

            var cs = _db.NewDatabase();
            MariaDbCatalog.Open(cs);
            using (var conn = Open(cs))
            {
                Execute(conn, "ALTER TABLE itc_labels DROP COLUMN genus");
            }

            var e = Assert.Throws<StickyPiException>(() => MariaDbCatalog.Open(cs));
            Assert.Equal((MariaDbErrorIds.CatalogSchemaMismatch, StickyErrorKind.InvalidData, "itc_labels.genus"), (e.ErrorId, e.Kind, e.Target));
            Assert.Contains("mariadb://127.0.0.1:" + _db.Port, e.Message);

            var other = _db.NewDatabase();
            using (var conn = Open(other))
            {
                Execute(conn, "CREATE TABLE unrelated (id INT)");
            }

            Assert.Equal("users", Assert.Throws<StickyPiException>(() => MariaDbCatalog.Open(other)).Target); // not emptied, not taken over
        }

        [SkippableFact]
        public void UsersSignInByTheirExactNameWithUpstreamsHashesAndTheRolesTheirFlagsGive()
        {
            _db.Require();
            var (catalog, ids) = WithUsers();
            Assert.Equal((ids[0], "ada", UserRole.Admin), Describe(catalog.GetCallerIdentity("ada")));
            Assert.Equal((ids[1], "reader", UserRole.ReadOnly), Describe(catalog.GetCallerIdentity("reader")));
            Assert.Equal((ids[2], "plain", UserRole.ReadWrite), Describe(catalog.GetCallerIdentity("plain"))); // NULL flags: upstream's defaults
            Assert.Equal((ids[1], "reader", UserRole.ReadOnly), Describe(catalog.FindCallerIdentity(ids[1])));
            Assert.Null(catalog.FindCallerIdentity(ids.Max() + 100));

            // Upstream's collation would let ADA in as ada; names match exactly here, as in the embedded store.
            var unknown = Assert.Throws<StickyPiException>(() => catalog.GetCallerIdentity("ADA"));
            Assert.Equal(("UserNotFound", StickyErrorKind.NotFound, "ADA"), (unknown.ErrorId, unknown.Kind, unknown.Target));
            Assert.True(catalog.VerifyPassword("ada", "ada-password-1".ToCharArray()));
            Assert.False(catalog.VerifyPassword("ADA", "ada-password-1".ToCharArray()));
            Assert.False(catalog.VerifyPassword("ada", "ada-password-2".ToCharArray()));
            Assert.False(catalog.VerifyPassword("nobody", "ada-password-1".ToCharArray()));
        }

        [SkippableFact]
        public void AdministratorsListUsersByLikePatternAndOthersSeeOnlyThemselves()
        {
            _db.Require();
            var (catalog, _) = WithUsers();
            var admin = catalog.GetCallerIdentity("ada");
            Assert.Equal(new[] { "a_b", "ada", "axb", "plain", "reader" }, catalog.GetUsers(admin).Select(u => u.UserName));
            Assert.Equal(new[] { "a_b" }, catalog.GetUsers(admin, "a\\_b").Select(u => u.UserName)); // an escaped _ is itself
            Assert.Equal(new[] { "a_b", "axb" }, catalog.GetUsers(admin, "a_b").Select(u => u.UserName));
            Assert.Equal(new[] { "ada" }, catalog.GetUsers(admin, "AD%").Select(u => u.UserName)); // LIKE ignores case, as upstream's
            var ada = catalog.GetUser(admin, "ada");
            Assert.Equal(("ada@example.org", true, true, "1.0.0"), (ada.Email, ada.IsAdmin, ada.CanWrite, ada.ApiVersion));
            Assert.Equal(DateTimeKind.Utc, ada.DateTimeCreated.Kind);
            Assert.Equal(new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc), ada.DateTimeCreated);
            Assert.Null(catalog.GetUser(admin, "Ada"));

            var reader = catalog.GetCallerIdentity("reader");
            Assert.Equal(new[] { "reader" }, catalog.GetUsers(reader).Select(u => u.UserName));
            Assert.Null(catalog.GetUser(reader, "ada"));
            Assert.Equal("reader", catalog.GetUser(reader, "reader").UserName);
        }

        [SkippableFact]
        public void ARefusedLoginAndAnUnreachableServerNameTheDatabase()
        {
            _db.Require();
            var cs = _db.NewDatabase();
            var database = new MySqlConnectionStringBuilder(cs).Database;
            var denied = Assert.Throws<StickyPiException>(() => MariaDbCatalog.Open(_db.ConnectionString(database, password: "wrong")));
            Assert.Equal((StickyErrorIds.RemoteAccessDenied, StickyErrorKind.PermissionDenied), (denied.ErrorId, denied.Kind));
            Assert.Contains(database, denied.Message);
            Assert.DoesNotContain("wrong", denied.Message);

            var nowhere = new MySqlConnectionStringBuilder(cs) { Port = 9, ConnectionTimeout = 3 }.ConnectionString;
            var unreachable = Assert.Throws<StickyPiException>(() => MariaDbCatalog.Open(nowhere));
            Assert.Equal(StickyErrorIds.RemoteUnavailable, unreachable.ErrorId);
            Assert.Contains("127.0.0.1:9/", unreachable.Message);
        }

        [SkippableFact]
        public void AdministratorsCreateUsersAllOrNoneAndANameTakenInAnyCaseIsRefused()
        {
            _db.Require();
            var (catalog, _) = WithUsers();
            catalog.PasswordHashRounds = 1000;
            var admin = catalog.GetCallerIdentity("ada");
            var created = catalog.PutUsers(admin, new[]
            {
                new StickyUserSubmission { UserName = "emilie", Password = "emilie-password-1".ToCharArray(), Email = "e@example.org" },
                new StickyUserSubmission { UserName = "root2", Password = "root-password-1".ToCharArray(), IsAdmin = true },
                new StickyUserSubmission { UserName = "viewer", Password = "viewer-password-1".ToCharArray(), CanWrite = false },
            });
            Assert.Equal(new[] { "emilie", "root2", "viewer" }, created.Select(u => u.UserName));
            Assert.Equal(new[] { UserRole.ReadWrite, UserRole.Admin, UserRole.ReadOnly }, created.Select(u => u.Role));
            Assert.All(created, u => Assert.Equal((admin.Id, LocalVersion), (u.ApiUserId, u.ApiVersion)));
            Assert.True(Math.Abs((created[0].DateTimeCreated - DateTime.UtcNow).TotalMinutes) < 5);
            Assert.True(created[1].Id > created[0].Id && created[2].Id > created[1].Id);
            Assert.True(catalog.VerifyPassword("emilie", "emilie-password-1".ToCharArray()));
            Assert.Equal(UserRole.ReadOnly, catalog.GetCallerIdentity("viewer").Role);

            int before = catalog.GetUsers(admin).Count;
            var exact = Assert.Throws<StickyPiException>(() => catalog.AddUser(admin, "emilie", "x-password-1".ToCharArray()));
            Assert.Equal((StickyUserErrorIds.DuplicateUser, StickyErrorKind.Conflict, "emilie"), (exact.ErrorId, exact.Kind, exact.Target));
            var cased = Assert.Throws<StickyPiException>(() => catalog.PutUsers(admin, new[]
            {
                new StickyUserSubmission { UserName = "new_one", Password = "x-password-1".ToCharArray() },
                new StickyUserSubmission { UserName = "Emilie", Password = "x-password-1".ToCharArray() },
            }));
            Assert.Equal((StickyUserErrorIds.DuplicateUser, "Emilie"), (cased.ErrorId, cased.Target));
            Assert.Contains("'emilie'", cased.Message);
            var twice = Assert.Throws<StickyPiException>(() => catalog.PutUsers(admin, new[]
            {
                new StickyUserSubmission { UserName = "twin", Password = "x-password-1".ToCharArray() },
                new StickyUserSubmission { UserName = "twin", Password = "x-password-1".ToCharArray() },
            }));
            Assert.Equal(StickyUserErrorIds.DuplicateUser, twice.ErrorId);
            var tooLong = Assert.Throws<StickyPiException>(() => catalog.AddUser(admin, new string('n', 33), "x-password-1".ToCharArray()));
            Assert.Equal((StickyUserErrorIds.ValueTooLong, "UserName"), (tooLong.ErrorId, tooLong.Target));
            Assert.Equal("Password", Assert.Throws<StickyPiException>(() => catalog.AddUser(admin, "nopass", new char[0])).Target);
            Assert.Equal(before, catalog.GetUsers(admin).Count); // nothing of the refused batches was stored

            var writer = catalog.GetCallerIdentity("emilie");
            var denied = Assert.ThrowsAny<StickyPiException>(() => catalog.AddUser(writer, "other", "x-password-1".ToCharArray()));
            Assert.Equal(StickyErrorKind.PermissionDenied, denied.Kind);
        }

        [SkippableFact]
        public void DeletingUsersTakesExactNamesWithTheirPermissionsButNeverTheLastAdministrator()
        {
            _db.Require();
            var (catalog, ids) = WithUsers();
            var admin = catalog.GetCallerIdentity("ada");
            string cs = _lastDatabase;
            using (var conn = Open(cs))
            {
                Execute(conn, "INSERT INTO projects (datetime_created, name) VALUES ('2021-01-01 00:00:00', 'traps')");
                Execute(conn, "INSERT INTO project_permissions (datetime_created, parent_project_id, parent_user_id, level) SELECT '2021-01-01 00:00:00', id, " + ids[2] + ", 1 FROM projects");
            }

            var deleted = catalog.DeleteUsers(admin, new[] { "plain", "PLAIN", "nobody", "a_b" });
            Assert.Equal(new[] { "plain", "a_b" }, deleted.Select(u => u.UserName));
            Assert.Equal(new[] { "ada", "axb", "reader" }, catalog.GetUsers(admin).Select(u => u.UserName));
            using (var conn = Open(cs))
            {
                Assert.Equal(0L, Convert.ToInt64(Scalar(conn, "SELECT COUNT(*) FROM project_permissions", 0)));
                Assert.Equal(1L, Convert.ToInt64(Scalar(conn, "SELECT COUNT(*) FROM projects", 0)));
            }

            var last = Assert.Throws<StickyPiException>(() => catalog.DeleteUsers(admin, new[] { "ada", "axb" }));
            Assert.Equal((StickyUserErrorIds.LastAdministrator, StickyErrorKind.Conflict, "ada"), (last.ErrorId, last.Kind, last.Target));
            Assert.Equal(new[] { "ada", "axb", "reader" }, catalog.GetUsers(admin).Select(u => u.UserName));
            Assert.Equal(new[] { "ada" }, catalog.DeleteUsers(CallerIdentity.LocalAdministrator, new[] { "ada" }).Select(u => u.UserName));
        }

        /// <summary>A catalog with users written as upstream's server writes them (passlib SHA-512-crypt hashes).</summary>
        private (MariaDbCatalog, long[]) WithUsers()
        {
            var cs = _lastDatabase = _db.NewDatabase();
            var catalog = MariaDbCatalog.Open(cs);
            using (var conn = Open(cs))
            {
                var rows = new[] { ("ada", "ada-password-1", "1", "1"), ("reader", "reader-password-1", "0", "0"), ("plain", "plain-password-1", "NULL", "NULL"), ("a_b", "x-password-1", "0", "1"), ("axb", "x-password-1", "0", "1") };
                foreach (var (name, password, admin, write) in rows)
                {
                    using (var cmd = new MySqlCommand("INSERT INTO users (datetime_created, api_version, username, email, password_hash, is_admin, can_write) " +
                        "VALUES ('2021-03-04 05:06:07', '1.0.0', @n, @e, @h, " + admin + ", " + write + ")", conn))
                    {
                        cmd.Parameters.AddWithValue("@n", name);
                        cmd.Parameters.AddWithValue("@e", name + "@example.org");
                        cmd.Parameters.AddWithValue("@h", PasswordHash.Hash(password.ToCharArray(), rounds: 1000));
                        cmd.ExecuteNonQuery();
                    }
                }

                var ids = rows.Select(r => Convert.ToInt64(Scalar(conn, "SELECT id FROM users WHERE BINARY username = '" + r.Item1 + "'", 0))).ToArray();
                return (catalog, ids);
            }
        }

        private static (long?, string, UserRole) Describe(CallerIdentity c) => (c.Id, c.UserName, c.Role);

        private static MySqlConnection Open(string cs)
        {
            var conn = new MySqlConnection(cs);
            conn.Open();
            return conn;
        }

        private static void Execute(MySqlConnection conn, string sql)
        {
            using (var cmd = new MySqlCommand(sql, conn))
            {
                cmd.ExecuteNonQuery();
            }
        }

        private static object Scalar(MySqlConnection conn, string sql, int column)
        {
            using (var cmd = new MySqlCommand(sql, conn))
            using (var r = cmd.ExecuteReader())
            {
                Assert.True(r.Read(), sql);
                return r.GetValue(column);
            }
        }
    }
}
