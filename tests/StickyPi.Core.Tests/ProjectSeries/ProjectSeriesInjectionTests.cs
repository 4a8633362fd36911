using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using static StickyPi.Core.Tests.ProjectSeries.SeriesStore;

namespace StickyPi.Core.Tests.ProjectSeries
{
    /// <summary>Upstream builds these statements from input (spec §8 #2); here hostile names, types and values change nothing.</summary>
    public class ProjectSeriesInjectionTests
    {
        public static IEnumerable<object[]> HostileNames() => new[]
        {
            "x\"; DROP TABLE users; --",
            "x\" INTEGER); DROP TABLE images; --",
            "a b",
            "1abc",
            "",
            "naïve",
            "x;",
            "x'",
            "[x]",
            "`x`",
            "x\n",
            new string('a', 65),
        }.Select(n => new object[] { n });

        [Theory]
        [MemberData(nameof(HostileNames))]
        public void Hostile_column_names_are_refused_and_the_database_is_unchanged(string name)
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "ok", ProjectColumnType.Text);
            s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2));
            var before = s.Fingerprint();

            var add = Assert.Throws<StickyPiException>(() => s.Store.AddProjectColumn(Sys, p, name, ProjectColumnType.Integer));
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectColumnName, add.ErrorId);
            Assert.Equal(StickyErrorKind.InvalidArgument, add.Kind);
            Assert.Equal(name, add.Target);
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectColumnName, Assert.Throws<StickyPiException>(() => s.Store.RenameProjectColumn(Sys, p, "ok", name)).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.ProjectColumnNotFound, Assert.Throws<StickyPiException>(() => s.Store.RenameProjectColumn(Sys, p, name, "fine")).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.ProjectColumnNotFound, Assert.Throws<StickyPiException>(() => s.Store.RemoveProjectColumn(Sys, p, name)).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.UnknownProjectColumn, Assert.Throws<StickyPiException>(() =>
                s.Store.AddProjectSeries(Sys, p, "bbbbbbbb", T(1), T(2), new Dictionary<string, object> { [name] = 1 })).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.UnknownProjectColumn, Assert.Throws<StickyPiException>(() =>
                s.Store.SetProjectSeries(Sys, p, 1, new Dictionary<string, object> { [name] = 1 })).ErrorId);
            Assert.Equal(before, s.Fingerprint());
        }

        [Theory]
        [InlineData("INTEGER); DROP TABLE images; --")]
        [InlineData("INTEGER; DROP TABLE users")]
        [InlineData("CHAR(8) REFERENCES users(id) ON DELETE CASCADE")]
        [InlineData("TEXT DEFAULT (randomblob(8))")]
        [InlineData("TEXT GENERATED ALWAYS AS (1)")]
        [InlineData("CHAR(8)) --")]
        public void Hostile_types_never_reach_sql(string type)
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            var before = s.Fingerprint();
            var ex = Assert.Throws<StickyPiException>(() => ProjectColumnType.Parse(type));
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectColumnType, ex.ErrorId);
            Assert.Contains("DECIMAL(p,s)", ex.Message);
            Assert.Equal(before, s.Fingerprint());
        }

        [Fact]
        public void Hostile_values_and_devices_are_stored_literally()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "notes", ProjectColumnType.Text);
            const string evil = "'); DROP TABLE users; --\" \\ %_";
            var row = s.Store.AddProjectSeries(Sys, p, "a'\"; --", T(1), T(2), new Dictionary<string, object> { ["notes"] = evil });
            Assert.Equal("a'\"; --", row.Device);
            Assert.Equal(evil, row.Columns["notes"]);
            var set = s.Store.SetProjectSeries(Sys, p, row.Id, new Dictionary<string, object> { ["notes"] = evil + "2", ["start_datetime"] = "2020-06-01" });
            Assert.Equal(evil + "2", set.Columns["notes"]);
            Assert.Single(s.Query("SELECT name FROM sqlite_master WHERE name = 'users'"));
            Assert.Single(s.Store.GetProjectSeries(Sys, p));
        }

        [Fact]
        public void Hostile_project_ids_are_numbers_and_cannot_name_other_tables()
        {
            using var s = new SeriesStore();
            s.AddProject("lab1");
            var before = s.Fingerprint();
            Assert.Equal(ProjectSeriesErrorIds.ProjectNotFound, Assert.Throws<StickyPiException>(() => s.Store.GetProjectSeries(Sys, -1)).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.ProjectNotFound, Assert.Throws<StickyPiException>(() => s.Store.RemoveProjectColumn(Sys, long.MaxValue, "x")).ErrorId);
            Assert.Equal(before, s.Fingerprint());
        }
    }
}
