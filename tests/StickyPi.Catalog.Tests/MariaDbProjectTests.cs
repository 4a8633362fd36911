using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MySqlConnector;
using StickyPi.Catalog.MariaDb;
using StickyPi.Catalog.Tests.Support;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.Tests
{
    /// <summary>
    /// Projects and permissions through the MariaDB catalog: one scripted session of four users run against the
    /// embedded store and against MariaDB gives the same transcript (rows, refusals and their messages), and each
    /// project's series table comes and goes with it.
    /// </summary>
    [Collection(MariaDbCollection.Name)]
    public sealed class MariaDbProjectTests : IDisposable
    {
        private readonly MariaDbFixture _db;
        private readonly string _dir = TestPaths.NewTempDir("stickypi-mariadb-projects");

        public MariaDbProjectTests(MariaDbFixture db) => _db = db;

        public void Dispose() => TestPaths.DeleteDir(_dir);

        [SkippableFact]
        public void TheSameSessionGivesTheEmbeddedStoresTranscript()
        {
            _db.Require();
            var cs = _db.NewDatabase();
            var catalog = MariaDbCatalog.Open(cs);
            List<string> expected;
            using (var store = LocalStickyStore.Open(Path.Combine(_dir, "store")))
            {
                expected = Session(store, name => store.GetCallerIdentity(name), id => SqliteTableExists(store.DatabasePath, StickyProjectNames.SeriesTable(id)));
            }

            var tables = new List<string>();
            var actual = Session(catalog, name => catalog.GetCallerIdentity(name), id =>
            {
                tables.Add(id + ":" + SeriesTableExists(cs, id));
                return SeriesTableExists(cs, id);
            });

            Assert.Equal(string.Join("\n", expected), string.Join("\n", actual));
            Assert.Contains(expected, l => l.Contains(StickyUserErrorIds.LastProjectAdministrator));
            Assert.Contains(expected, l => l.Contains(StickyUserErrorIds.ProjectNotFound));
            Assert.Contains(expected, l => l.Contains("AmbiguousProjectName"));
            Assert.Equal(new[] { "1:True", "2:True", "3:True", "1:False", "2:False", "3:False" }, tables);
        }

        /// <summary>
        /// The scripted session; <paramref name="hasSeriesTable"/> is asked after the projects are made and after they
        /// are deleted. <c>dynamic</c>: both catalogs have the same methods, and only the embedded one claims the interface yet.
        /// </summary>
        private static List<string> Session(dynamic catalog, Func<string, CallerIdentity> identity, Func<long, bool> hasSeriesTable)
        {
            var log = new Transcript(Describe);
            void Do(string what, Func<object> step) => log.Do(what, step);

            var local = CallerIdentity.LocalAdministrator;
            catalog.AddUser(local, "ada", "ada-pass-1".ToCharArray(), null, true, true);
            catalog.AddUser(local, "bob", "bob-pass-1".ToCharArray(), null, false, true);
            catalog.AddUser(local, "cy", "cy-pass-1".ToCharArray(), null, false, false);
            catalog.AddUser(local, "dee", "dee-pass-1".ToCharArray(), null, false, true);
            var ada = identity("ada");
            var bob = identity("bob");
            var cy = identity("cy");
            var dee = identity("dee");

            Do("bob adds alpha", () => catalog.AddProject(bob, "alpha", "first", "notes of alpha"));
            Do("cy adds gamma", () => catalog.AddProject(cy, "gamma"));
            Do("ada adds Alpha", () => catalog.AddProject(ada, "Alpha"));
            Do("bob adds beta", () => catalog.AddProject(bob, "beta", null, null));
            Do("bob adds a long description", () => catalog.AddProject(bob, "delta", new string('d', 21)));
            Do("bob adds no name", () => catalog.AddProject(bob, ""));
            log.Add("series tables: " + string.Join(",", new long[] { 1, 2, 3 }.Select(id => hasSeriesTable(id))));
            foreach (var who in new[] { ada, bob, cy, dee })
            {
                Do(who.UserName + " lists", () => catalog.GetProjects(who, null));
            }

            Do("ada lists al%", () => catalog.GetProjects(ada, new[] { StickyProjectFilter.ByName("al%") }));
            Do("ada lists id 3 or notes", () => catalog.GetProjects(ada, new[] { StickyProjectFilter.ById(3), new StickyProjectFilter { NotesLike = "%alpha" } }));
            Do("bob resolves ALPHA", () => catalog.ResolveProjectId(bob, "ALPHA"));
            Do("ada resolves alpha", () => catalog.ResolveProjectId(ada, "alpha"));
            Do("ada resolves ALPHA", () => catalog.ResolveProjectId(ada, "ALPHA"));
            Do("cy resolves alpha", () => catalog.ResolveProjectId(cy, "alpha"));

            Do("bob gives cy read", () => catalog.PutProjectPermission(bob, 1L, "cy", 1));
            Do("bob gives dee admin", () => catalog.PutProjectPermission(bob, 1L, "dee", 3));
            Do("bob gives dee level 4", () => catalog.PutProjectPermission(bob, 1L, "dee", 4));
            Do("bob gives nobody read", () => catalog.PutProjectPermission(bob, 1L, "nobody", 1));
            Do("bob gives ADA read (name case)", () => catalog.PutProjectPermission(bob, 1L, "ADA", 1));
            Do("cy gives dee read", () => catalog.PutProjectPermission(cy, 1L, "dee", 1));
            Do("bob gives cy read on beta by id", () => catalog.PutProjectPermission(bob, 3L, cy.Id.Value, 1));
            Do("cy lists permissions", () => catalog.GetProjectPermissions(cy, null));
            Do("ada lists permissions of beta", () => catalog.GetProjectPermissions(ada, new[] { StickyProjectFilter.ByName("beta") }));

            Do("bob steps down to write", () => catalog.PutProjectPermission(bob, 1L, "bob", 2));
            Do("bob steps down again", () => catalog.PutProjectPermission(bob, 1L, "bob", 2));
            Do("dee gives cy admin", () => catalog.PutProjectPermission(dee, 1L, "cy", 3));
            Do("dee removes own admin", () => catalog.DeleteProjectPermission(dee, 1L, "dee"));
            Do("dee steps down", () => catalog.PutProjectPermission(dee, 1L, "dee", 1));
            Do("ada removes dee's admin", () => catalog.DeleteProjectPermission(ada, 1L, "dee"));
            Do("ada removes dee again", () => catalog.DeleteProjectPermission(ada, 1L, "dee"));
            Do("ada lists permissions", () => catalog.GetProjectPermissions(ada, null));

            Do("dee deletes alpha", () => catalog.DeleteProject(dee, 1L));
            Do("bob deletes alpha", () => catalog.DeleteProject(bob, 1L));
            Do("bob deletes nothing", () => catalog.DeleteProject(bob, 99L));
            Do("bob deletes all he can", () => catalog.DeleteProjects(bob, null));
            Do("ada deletes al% and beta", () => catalog.DeleteProjects(ada, new[] { StickyProjectFilter.ByName("al%"), StickyProjectFilter.ByName("beta") }));
            Do("ada lists", () => catalog.GetProjects(ada, null));
            log.Add("series tables: " + string.Join(",", new long[] { 1, 2, 3 }.Select(id => hasSeriesTable(id))));
            return log.Lines;
        }

        private static string Describe(object result)
        {
            switch (result)
            {
                case StickyProject p:
                    return string.Join("|", p.Id, p.Name, p.Description ?? "null", p.Notes ?? "null", p.ApiVersion, p.ApiUserId, p.DateTimeCreated.Kind);
                case ProjectPermission pp:
                    return string.Join("|", pp.Id, pp.ProjectId, pp.ProjectName, pp.UserId, pp.UserName, pp.Level, pp.ApiVersion, pp.ApiUserId, pp.DateTimeCreated.Kind);
                default:
                    return null;
            }
        }

        private static bool SqliteTableExists(string database, string table)
        {
            using (var conn = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + database + ";Mode=ReadOnly;Pooling=False"))
            {
                conn.Open();
                using (var cmd = conn.CreateCommand())
                {
                    cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $t";
                    cmd.Parameters.AddWithValue("$t", table);
                    return System.Convert.ToInt64(cmd.ExecuteScalar()) == 1;
                }
            }
        }

        private static bool SeriesTableExists(string cs, long projectId)
        {
            using (var conn = new MySqlConnection(cs))
            {
                conn.Open();
                using (var cmd = new MySqlCommand("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @t", conn))
                {
                    cmd.Parameters.AddWithValue("@t", StickyProjectNames.SeriesTable(projectId));
                    return Convert.ToInt64(cmd.ExecuteScalar()) == 1;
                }
            }
        }
    }
}
