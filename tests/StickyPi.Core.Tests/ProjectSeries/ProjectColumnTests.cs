using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using static StickyPi.Core.Tests.ProjectSeries.SeriesStore;

namespace StickyPi.Core.Tests.ProjectSeries
{
    public class ProjectColumnTests
    {
        [Theory]
        [InlineData("Integer", "INTEGER")]
        [InlineData("integer", "INTEGER")]
        [InlineData("DOUBLE", "DOUBLE")]
        [InlineData("DECIMAL(9,6)", "DECIMAL(9,6)")]
        [InlineData("decimal( 9, 6 )", "DECIMAL(9,6)")]
        [InlineData("CHAR(1)", "CHAR(1)")]
        [InlineData(" char (255) ", "CHAR(255)")]
        [InlineData("DATETIME", "DATETIME")]
        [InlineData("TEXT", "TEXT")]
        [InlineData("BOOLEAN", "BOOLEAN")]
        [InlineData("INT", "INTEGER")]
        [InlineData("DECIMAL(10,2)", "DECIMAL(10,2)")]
        [InlineData("decimal(11, 8)", "DECIMAL(11,8)")]
        [InlineData("DECIMAL(65,30)", "DECIMAL(65,30)")]
        [InlineData("DECIMAL(12)", "DECIMAL(12,0)")]
        [InlineData("DECIMAL", "DECIMAL(10,0)")]
        [InlineData("VARCHAR(32)", "VARCHAR(32)")]
        [InlineData("varchar( 16383 )", "VARCHAR(16383)")]
        [InlineData("SMALLINT", "SMALLINT")]
        [InlineData("TINYINT", "TINYINT")]
        [InlineData("MEDIUMINT", "MEDIUMINT")]
        [InlineData("BIGINT", "BIGINT")]
        [InlineData("FLOAT", "FLOAT")]
        [InlineData("BOOL", "BOOLEAN")]
        public void Accepted_types_parse_to_their_canonical_sql(string text, string sql)
        {
            Assert.Equal(sql, ProjectColumnType.Parse(text).SqlType);
            Assert.True(ProjectColumnType.TryParse(text, out _));
        }

        [Theory]
        [InlineData("CHAR(0)")]
        [InlineData("CHAR(256)")]
        [InlineData("CHAR(16) NOT NULL")]
        [InlineData("INTEGER DEFAULT 1")]
        [InlineData("INTEGER); DROP TABLE images; --")]
        [InlineData("DECIMAL(66,2)")]
        [InlineData("DECIMAL(40,31)")]
        [InlineData("DECIMAL(5,6)")]
        [InlineData("DECIMAL(0,0)")]
        [InlineData("DECIMAL(11,-8)")]
        [InlineData("DECIMAL(11,8,2)")]
        [InlineData("DECIMAL(11,8) NOT NULL")]
        [InlineData("VARCHAR(0)")]
        [InlineData("VARCHAR(16384)")]
        [InlineData("VARCHAR")]
        [InlineData("CHAR")]
        [InlineData("FLOAT(7,4)")]
        [InlineData("BLOB")]
        [InlineData("")]
        [InlineData(null)]
        public void Anything_else_is_refused(string text)
        {
            var ex = Assert.Throws<StickyPiException>(() => ProjectColumnType.Parse(text));
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectColumnType, ex.ErrorId);
            Assert.Equal(StickyErrorKind.InvalidArgument, ex.Kind);
            Assert.False(ProjectColumnType.TryParse(text, out _));
        }

        [Fact]
        public void Add_rename_remove_change_the_table_and_keep_values()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            var added = s.Store.AddProjectColumn(Sys, p, "trap_colour", ProjectColumnType.Char(16));
            Assert.Equal("trap_colour", added.Name);
            Assert.Equal("CHAR(16)", added.SqlType);
            Assert.Equal(ProjectColumnType.Char(16), added.Type);
            var row = s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["trap_colour"] = "yellow" });

            var renamed = s.Store.RenameProjectColumn(Sys, p, "TRAP_COLOUR", "colour");
            Assert.Equal("colour", renamed.Name);
            Assert.Equal("trap_colour", renamed.OldName);
            Assert.Equal("CHAR(16)", renamed.SqlType);
            Assert.Equal("yellow", s.Store.GetProjectSeries(Sys, p).Single().Columns["colour"]);

            var caseOnly = s.Store.RenameProjectColumn(Sys, p, "colour", "Colour");
            Assert.Equal("Colour", caseOnly.Name);

            var removed = s.Store.RemoveProjectColumn(Sys, p, "colour");
            Assert.Equal("Colour", removed.Name);
            Assert.Equal(new[] { "id", "device", "start_datetime", "end_datetime" }, s.Columns(p).Select(c => c.Name).ToArray());
            Assert.Empty(s.Store.GetProjectSeries(Sys, p).Single().Columns);
            Assert.Equal(row.Id, s.Store.GetProjectSeries(Sys, p).Single().Id);

            var listed = s.Store.GetProjectColumns(Sys, p);
            Assert.Equal(4, listed.Count);
            Assert.All(listed, c => Assert.True(c.IsBuiltIn));
        }

        [Fact]
        public void Duplicate_missing_and_built_in_columns_are_refused()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "n", ProjectColumnType.Integer);
            s.Store.AddProjectColumn(Sys, p, "m", ProjectColumnType.Integer);
            var before = s.Fingerprint();

            Assert.Equal(ProjectSeriesErrorIds.DuplicateProjectColumn, Assert.Throws<StickyPiException>(() => s.Store.AddProjectColumn(Sys, p, "N", ProjectColumnType.Text)).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.DuplicateProjectColumn, Assert.Throws<StickyPiException>(() => s.Store.RenameProjectColumn(Sys, p, "n", "m")).ErrorId);
            var missing = Assert.Throws<StickyPiException>(() => s.Store.RenameProjectColumn(Sys, p, "zz", "yy"));
            Assert.Equal(ProjectSeriesErrorIds.ProjectColumnNotFound, missing.ErrorId);
            Assert.Equal(StickyErrorKind.NotFound, missing.Kind);
            Assert.Equal(ProjectSeriesErrorIds.ProjectColumnNotFound, Assert.Throws<StickyPiException>(() => s.Store.RemoveProjectColumn(Sys, p, "zz")).ErrorId);
            foreach (var builtIn in new[] { "id", "device", "Start_DateTime", "end_datetime" })
            {
                Assert.Equal(ProjectSeriesErrorIds.ReservedProjectColumn, Assert.Throws<StickyPiException>(() => s.Store.AddProjectColumn(Sys, p, builtIn, ProjectColumnType.Text)).ErrorId);
                Assert.Equal(ProjectSeriesErrorIds.ReservedProjectColumn, Assert.Throws<StickyPiException>(() => s.Store.RemoveProjectColumn(Sys, p, builtIn)).ErrorId);
                Assert.Equal(ProjectSeriesErrorIds.ReservedProjectColumn, Assert.Throws<StickyPiException>(() => s.Store.RenameProjectColumn(Sys, p, builtIn, "x")).ErrorId);
                Assert.Equal(ProjectSeriesErrorIds.ReservedProjectColumn, Assert.Throws<StickyPiException>(() => s.Store.RenameProjectColumn(Sys, p, "n", builtIn)).ErrorId);
            }

            Assert.Equal(ProjectSeriesErrorIds.ReservedProjectColumn, Assert.Throws<StickyPiException>(() => s.Store.AddProjectColumn(Sys, p, "project_id", ProjectColumnType.Integer)).ErrorId);
            Assert.Equal(before, s.Fingerprint());
        }

        [Fact]
        public void A_column_an_index_depends_on_cannot_be_dropped_and_the_error_says_why()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "site", ProjectColumnType.Char(8));
            s.Exec("CREATE INDEX ix_site ON project_series_" + p + " (site)");
            var ex = Assert.Throws<StickyPiException>(() => s.Store.RemoveProjectColumn(Sys, p, "site"));
            Assert.Equal(ProjectSeriesErrorIds.ProjectColumnInUse, ex.ErrorId);
            Assert.Equal(StickyErrorKind.Conflict, ex.Kind);
            Assert.Contains("site", ex.Message);
            Assert.Contains("site", s.Columns(p).Select(c => c.Name));
        }

        [Fact]
        public void Bundled_sqlite_supports_drop_and_rename_column()
        {
            using var s = new SeriesStore();
            var version = (string)s.Query("SELECT sqlite_version()")[0][0];
            var parts = version.Split('.').Select(int.Parse).ToArray();
            Assert.True(parts[0] > 3 || (parts[0] == 3 && parts[1] >= 35), "SQLite " + version + " has no ALTER TABLE DROP COLUMN");
        }

        [Fact]
        public void Columns_upstream_added_with_odd_names_can_be_renamed_and_removed()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Exec("ALTER TABLE project_series_" + p + " ADD COLUMN \"trap colour\" VARCHAR(10)");
            s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["trap colour"] = "red" });
            Assert.Equal("red", s.Store.GetProjectSeries(Sys, p).Single().Columns["trap colour"]);
            s.Store.RenameProjectColumn(Sys, p, "trap colour", "trap_colour");
            Assert.Equal("red", s.Store.GetProjectSeries(Sys, p).Single().Columns["trap_colour"]);
            s.Store.RemoveProjectColumn(Sys, p, "trap_colour");
            Assert.Equal(4, s.Columns(p).Count);
        }
    }
}
