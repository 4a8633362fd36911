using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using StickyPi.Catalog.MariaDb;
using StickyPi.Catalog.Tests.Support;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.Tests
{
    /// <summary>
    /// Project series and user columns through the MariaDB catalog, in upstream's <c>project_series_&lt;id&gt;</c>
    /// tables: one scripted session (every column type, values at and past their limits, renames, removals, refusals)
    /// gives the embedded store's transcript, typed values included.
    /// </summary>
    [Collection(MariaDbCollection.Name)]
    public sealed class MariaDbProjectSeriesTests : IDisposable
    {
        private static readonly DateTime T0 = new DateTime(2021, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        private readonly MariaDbFixture _db;
        private readonly string _dir = TestPaths.NewTempDir("stickypi-mariadb-series");

        public MariaDbProjectSeriesTests(MariaDbFixture db) => _db = db;

        public void Dispose() => TestPaths.DeleteDir(_dir);

        [SkippableFact]
        public void TheSameSessionGivesTheEmbeddedStoresTranscript()
        {
            _db.Require();
            var catalog = MariaDbCatalog.Open(_db.NewDatabase());
            List<string> expected;
            using (var store = LocalStickyStore.Open(Path.Combine(_dir, "store")))
            {
                expected = Session(store, name => store.GetCallerIdentity(name));
            }

            var actual = Session(catalog, name => catalog.GetCallerIdentity(name));
            Assert.Equal(string.Join("\n", expected), string.Join("\n", actual));
            foreach (var id in new[] { ProjectSeriesErrorIds.DuplicateProjectSeries, ProjectSeriesErrorIds.InvalidProjectSeriesValue, ProjectSeriesErrorIds.UnknownProjectColumn,
                ProjectSeriesErrorIds.ProjectSeriesNotFound, ProjectSeriesErrorIds.DuplicateProjectColumn, ProjectSeriesErrorIds.ReservedProjectColumn,
                ProjectSeriesErrorIds.ProjectColumnNotFound, ProjectSeriesErrorIds.InvalidProjectSeries, "PermissionDenied", "ProjectNotFound" })
            {
                Assert.Contains(expected, l => l.Contains("=> " + id + " "));
            }
        }

        [Theory]
        [InlineData("int(11)", "INTEGER")]
        [InlineData("tinyint(1)", "BOOLEAN")]
        [InlineData("tinyint(4)", "TINYINT")]
        [InlineData("bigint(20)", "BIGINT")]
        [InlineData("decimal(9,6)", "DECIMAL(9,6)")]
        [InlineData("char(8)", "CHAR(8)")]
        [InlineData("varchar(10)", "VARCHAR(10)")]
        [InlineData("datetime", "DATETIME")]
        [InlineData("int(10) unsigned", "int(10) unsigned")]
        [InlineData("json", "json")]
        public void MariaDbsColumnTypesAreNamedAsTheEmbeddedStoreDeclaresThem(string mariaDb, string declared) =>
            Assert.Equal(declared, MariaDbCatalog.DeclaredType(mariaDb));

        private static List<string> Session(dynamic catalog, Func<string, CallerIdentity> identity)
        {
            var log = new Transcript(Describe);
            void Do(string what, Func<object> step) => log.Do(what, step);

            var local = CallerIdentity.LocalAdministrator;
            catalog.AddUser(local, "ed", "ed-pass-1".ToCharArray(), null, false, true);
            catalog.AddUser(local, "flo", "flo-pass-1".ToCharArray(), null, false, true);
            var ed = identity("ed");
            var flo = identity("flo");
            long p = ((StickyProject)catalog.AddProject(ed, "traps", null, null)).Id;
            catalog.PutProjectPermission(ed, p, "flo", 1);

            var types = new (string Name, string Type)[]
            {
                ("count", "INTEGER"), ("tiny", "TINYINT"), ("lat", "DECIMAL(9,6)"), ("weight", "DOUBLE"), ("temp", "FLOAT"), ("seen", "DATETIME"),
                ("notes", "TEXT"), ("code", "CHAR(4)"), ("label", "VARCHAR(10)"), ("ok", "BOOLEAN"), ("big", "BIGINT"),
            };
            foreach (var (name, type) in types)
            {
                Do("add column " + name, () => catalog.AddProjectColumn(ed, p, name, ProjectColumnType.Parse(type)));
            }

            Do("add column COUNT again", () => catalog.AddProjectColumn(ed, p, "COUNT", ProjectColumnType.Integer));
            Do("add column device", () => catalog.AddProjectColumn(ed, p, "device", ProjectColumnType.Integer));
            Do("flo adds a column", () => catalog.AddProjectColumn(flo, p, "x", ProjectColumnType.Integer));
            Do("columns", () => catalog.GetProjectColumns(flo, p));

            var full = new Dictionary<string, object>
            {
                ["count"] = 42, ["tiny"] = "-128", ["lat"] = 49.2606123456, ["weight"] = 0.1 + 0.2, ["temp"] = 21.4, ["seen"] = "2021-06-01T12:30:45Z",
                ["notes"] = "naïve — ünïcödé", ["code"] = "AB€D", ["label"] = "ten chars!", ["ok"] = true, ["big"] = 9007199254740993L,
            };
            Do("add row", () => catalog.AddProjectSeries(ed, p, "0a5bb6f4", T0, T0.AddDays(7), full));
            Do("add row with nulls", () => catalog.AddProjectSeries(ed, p, "1b74105a", T0, T0.AddDays(7), new Dictionary<string, object> { ["count"] = null }));
            Do("add the same window", () => catalog.AddProjectSeries(ed, p, "0a5bb6f4", T0, T0.AddDays(7), null));
            Do("add reversed window", () => catalog.AddProjectSeries(ed, p, "0a5bb6f4", T0.AddDays(7), T0, null));
            Do("add long device", () => catalog.AddProjectSeries(ed, p, "0a5bb6f4x", T0, T0.AddDays(7), null));
            Do("add tiny 128", () => catalog.AddProjectSeries(ed, p, "2c000000", T0, T0.AddDays(1), new Dictionary<string, object> { ["tiny"] = 128 }));
            Do("add lat 1000", () => catalog.AddProjectSeries(ed, p, "2c000000", T0, T0.AddDays(1), new Dictionary<string, object> { ["lat"] = 1000 }));
            Do("add label 11 chars", () => catalog.AddProjectSeries(ed, p, "2c000000", T0, T0.AddDays(1), new Dictionary<string, object> { ["label"] = "eleven char" }));
            Do("add unknown column", () => catalog.AddProjectSeries(ed, p, "2c000000", T0, T0.AddDays(1), new Dictionary<string, object> { ["nope"] = 1 }));
            Do("add ok = maybe", () => catalog.AddProjectSeries(ed, p, "2c000000", T0, T0.AddDays(1), new Dictionary<string, object> { ["ok"] = "maybe" }));
            Do("add seen year 999", () => catalog.AddProjectSeries(ed, p, "2c000000", T0, T0.AddDays(1), new Dictionary<string, object> { ["seen"] = new DateTime(999, 1, 1) }));
            Do("flo adds a row", () => catalog.AddProjectSeries(flo, p, "2c000000", T0, T0.AddDays(1), null));
            Do("add row on no project", () => catalog.AddProjectSeries(ed, 99L, "2c000000", T0, T0.AddDays(1), null));
            Do("rows", () => catalog.GetProjectSeries(flo, p));

            Do("set count and end", () => catalog.SetProjectSeries(ed, p, 1L, new Dictionary<string, object> { ["COUNT"] = 7, ["end_datetime"] = "2021-06-09 00:00:00", ["ok"] = 0 }));
            Do("set onto the other row's window", () => catalog.SetProjectSeries(ed, p, 1L, new Dictionary<string, object> { ["device"] = "1b74105a", ["end_datetime"] = T0.AddDays(7) }));
            Do("set id", () => catalog.SetProjectSeries(ed, p, 1L, new Dictionary<string, object> { ["id"] = 5 }));
            Do("set unknown before missing row", () => catalog.SetProjectSeries(ed, p, 77L, new Dictionary<string, object> { ["nope"] = 5 }));
            Do("set missing row", () => catalog.SetProjectSeries(ed, p, 77L, new Dictionary<string, object> { ["count"] = 5 }));
            Do("set start after end", () => catalog.SetProjectSeries(ed, p, 1L, new Dictionary<string, object> { ["start_datetime"] = T0.AddDays(30) }));

            Do("rename count to n_insects", () => catalog.RenameProjectColumn(ed, p, "count", "n_insects"));
            Do("rename Label to LABEL", () => catalog.RenameProjectColumn(ed, p, "Label", "LABEL"));
            Do("rename lat to temp", () => catalog.RenameProjectColumn(ed, p, "lat", "temp"));
            Do("rename device", () => catalog.RenameProjectColumn(ed, p, "device", "dev"));
            Do("rename missing", () => catalog.RenameProjectColumn(ed, p, "missing", "other"));
            Do("rename to a bad name", () => catalog.RenameProjectColumn(ed, p, "tiny", "1tiny"));
            Do("remove notes", () => catalog.RemoveProjectColumn(ed, p, "notes"));
            Do("remove end_datetime", () => catalog.RemoveProjectColumn(ed, p, "end_datetime"));
            Do("flo removes weight", () => catalog.RemoveProjectColumn(flo, p, "weight"));
            Do("columns after", () => catalog.GetProjectColumns(ed, p));
            Do("rows after", () => catalog.GetProjectSeries(ed, p));

            Do("flo deletes row 1", () => catalog.DeleteProjectSeries(flo, p, 1L));
            Do("delete row 1", () => catalog.DeleteProjectSeries(ed, p, 1L));
            Do("delete row 1 again", () => catalog.DeleteProjectSeries(ed, p, 1L));
            Do("rows at the end", () => catalog.GetProjectSeries(ed, p));
            return log.Lines;
        }

        private static string Describe(object result)
        {
            switch (result)
            {
                case ProjectColumn c:
                    return string.Join("|", c.ProjectId, c.Name, c.SqlType, c.Type?.SqlType ?? "null", c.OldName ?? "-", c.IsBuiltIn);
                case ProjectSeriesRow r:
                    return string.Join("|", r.Id, r.ProjectId, r.Device, r.StartDateTime.ToString("o"), r.EndDateTime.ToString("o")) + " {" +
                        string.Join(", ", r.Columns.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Key + "=" + Value(k.Value))) + "}";
                default:
                    return null;
            }
        }

        private static string Value(object v) => v == null ? "null" : v.GetType().Name + ":" +
            (v is DateTime dt ? dt.ToString("o") + dt.Kind : v is double d ? d.ToString("R", CultureInfo.InvariantCulture) : Convert.ToString(v, CultureInfo.InvariantCulture));
    }
}
