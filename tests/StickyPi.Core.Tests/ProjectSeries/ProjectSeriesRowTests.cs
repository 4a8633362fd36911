using System;
using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using static StickyPi.Core.Tests.ProjectSeries.SeriesStore;

namespace StickyPi.Core.Tests.ProjectSeries
{
    public class ProjectSeriesRowTests
    {
        [Fact]
        public void Add_stores_upstream_text_datetimes_and_returns_the_row_by_id()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            var local = new DateTime(2020, 6, 1, 12, 30, 15, 250, DateTimeKind.Utc);
            var row = s.Store.AddProjectSeries(Sys, p, "0a5bb6f4", local, T(3));
            Assert.Equal(p, row.ProjectId);
            Assert.Equal(1, row.Id);
            Assert.Equal("0a5bb6f4", row.Device);
            Assert.Equal(new DateTime(2020, 6, 1, 12, 30, 15, DateTimeKind.Utc), row.StartDateTime);
            Assert.Equal(DateTimeKind.Utc, row.StartDateTime.Kind);
            Assert.Equal(T(3), row.EndDateTime);
            Assert.Empty(row.Columns);

            var stored = s.Query("SELECT id, device, start_datetime, end_datetime FROM project_series_" + p).Single();
            Assert.Equal(new object[] { 1L, "0a5bb6f4", "2020-06-01 12:30:15", "2020-06-03 00:00:00" }, stored);
        }

        [Fact]
        public void Get_returns_every_row_with_every_column_typed_by_declared_type()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "trap_colour", ProjectColumnType.Parse("CHAR(16)"));
            s.Store.AddProjectColumn(Sys, p, "n_traps", ProjectColumnType.Parse("Integer"));
            s.Store.AddProjectColumn(Sys, p, "lat", ProjectColumnType.Parse("DECIMAL(9,6)"));
            s.Store.AddProjectColumn(Sys, p, "height", ProjectColumnType.Parse("DOUBLE"));
            s.Store.AddProjectColumn(Sys, p, "checked_at", ProjectColumnType.Parse("DATETIME"));
            s.Store.AddProjectColumn(Sys, p, "notes", ProjectColumnType.Parse("TEXT"));
            s.Store.AddProjectColumn(Sys, p, "baited", ProjectColumnType.Parse("BOOLEAN"));
            var values = new Dictionary<string, object>
            {
                ["TRAP_COLOUR"] = "yellow",
                ["n_traps"] = 3,
                ["lat"] = 49.2614234,
                ["height"] = "1.5",
                ["checked_at"] = new DateTimeOffset(2020, 6, 2, 10, 0, 0, TimeSpan.FromHours(2)),
                ["notes"] = "l'été \"north\"",
                ["baited"] = true,
            };
            s.Store.AddProjectSeries(Sys, p, "0a5bb6f4", T(1), T(2), values);
            s.Store.AddProjectSeries(Sys, p, "1b74105a", T(1), T(2));

            var rows = s.Store.GetProjectSeries(Sys, p);
            Assert.Equal(2, rows.Count);
            var c = rows[0].Columns;
            Assert.Equal(new[] { "trap_colour", "n_traps", "lat", "height", "checked_at", "notes", "baited" }, c.Keys.ToArray());
            Assert.Equal("yellow", c["trap_colour"]);
            Assert.Equal(3L, c["n_traps"]);
            Assert.Equal(49.261423m, c["lat"]); // DECIMAL(9,6): exact, rounded to 6 places
            Assert.Equal(1.5, c["height"]);
            Assert.Equal(new DateTime(2020, 6, 2, 8, 0, 0, DateTimeKind.Utc), c["checked_at"]);
            Assert.Equal("l'été \"north\"", c["notes"]);
            Assert.Equal(true, c["baited"]);
            Assert.True(rows[1].Columns.Values.All(v => v == null));
            Assert.Equal("2020-06-02 08:00:00", s.Query("SELECT checked_at FROM project_series_" + p + " WHERE id = 1")[0][0]);
            Assert.Equal(1L, s.Query("SELECT baited FROM project_series_" + p + " WHERE id = 1")[0][0]);
        }

        [Fact]
        public void Rows_written_by_upstream_and_columns_of_other_types_are_read()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("old");
            s.Exec("ALTER TABLE project_series_" + p + " ADD COLUMN legacy VARCHAR(32)");
            s.Exec("ALTER TABLE project_series_" + p + " ADD COLUMN Integer_col Integer");
            s.Exec("INSERT INTO project_series_" + p + " (device, start_datetime, end_datetime, legacy, Integer_col) VALUES ('5c173ff2', '2020-06-20 21:33:24', '2020-06-21 00:00:00', 'abc', 7)");
            var row = s.Store.GetProjectSeries(Sys, p).Single();
            Assert.Equal(new DateTime(2020, 6, 20, 21, 33, 24, DateTimeKind.Utc), row.StartDateTime);
            Assert.Equal("abc", row.Columns["legacy"]);
            Assert.Equal(7L, row.Columns["integer_col"]);

            var updated = s.Store.SetProjectSeries(Sys, p, row.Id, new Dictionary<string, object> { ["legacy"] = 12 });
            Assert.Equal("12", updated.Columns["legacy"]); // VARCHAR has TEXT affinity: SQLite keeps the number as text
        }

        [Fact]
        public void Duplicate_device_and_window_is_a_conflict_and_nothing_is_stored()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectSeries(Sys, p, "0a5bb6f4", T(1), T(2));
            var ex = Assert.Throws<StickyPiException>(() => s.Store.AddProjectSeries(Sys, p, "0a5bb6f4", T(1).AddMilliseconds(400), T(2)));
            Assert.Equal(ProjectSeriesErrorIds.DuplicateProjectSeries, ex.ErrorId);
            Assert.Equal(StickyErrorKind.Conflict, ex.Kind);
            Assert.Single(s.Store.GetProjectSeries(Sys, p));

            var other = s.Store.AddProjectSeries(Sys, p, "0a5bb6f4", T(2), T(3));
            var set = Assert.Throws<StickyPiException>(() => s.Store.SetProjectSeries(Sys, p, other.Id, new Dictionary<string, object> { ["start_datetime"] = T(1), ["end_datetime"] = T(2) }));
            Assert.Equal(ProjectSeriesErrorIds.DuplicateProjectSeries, set.ErrorId);
            Assert.Equal(T(2), s.Store.GetProjectSeries(Sys, p).Single(r => r.Id == other.Id).StartDateTime);
        }

        [Fact]
        public void Set_updates_only_the_given_columns_and_returns_only_that_row()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "trap_colour", ProjectColumnType.Char(16));
            var a = s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["trap_colour"] = "blue" });
            var b = s.Store.AddProjectSeries(Sys, p, "bbbbbbbb", T(1), T(2), new Dictionary<string, object> { ["trap_colour"] = "yellow" });

            // Upstream re-selects by value equality, returning every yellow row (spec §8 #12); here: the row by id.
            var updated = s.Store.SetProjectSeries(Sys, p, a.Id, new Dictionary<string, object> { ["trap_colour"] = "yellow", ["device"] = "cccccccc", ["end_datetime"] = "2020-06-05T00:00:00Z" });
            Assert.Equal(a.Id, updated.Id);
            Assert.Equal("cccccccc", updated.Device);
            Assert.Equal(T(1), updated.StartDateTime);
            Assert.Equal(T(5), updated.EndDateTime);
            Assert.Equal("yellow", updated.Columns["trap_colour"]);
            Assert.Equal("yellow", s.Store.GetProjectSeries(Sys, p).Single(r => r.Id == b.Id).Columns["trap_colour"]);

            var cleared = s.Store.SetProjectSeries(Sys, p, a.Id, new Dictionary<string, object> { ["trap_colour"] = null });
            Assert.Null(cleared.Columns["trap_colour"]);
        }

        [Fact]
        public void Set_and_Delete_of_a_missing_row_are_NotFound()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            var set = Assert.Throws<StickyPiException>(() => s.Store.SetProjectSeries(Sys, p, 42, new Dictionary<string, object> { ["device"] = "aaaaaaaa" }));
            Assert.Equal(ProjectSeriesErrorIds.ProjectSeriesNotFound, set.ErrorId);
            Assert.Equal(StickyErrorKind.NotFound, set.Kind);
            Assert.Equal(42L, set.Target);
            var del = Assert.Throws<StickyPiException>(() => s.Store.DeleteProjectSeries(Sys, p, 42));
            Assert.Equal(ProjectSeriesErrorIds.ProjectSeriesNotFound, del.ErrorId);
        }

        [Fact]
        public void Delete_returns_the_deleted_row_not_the_first_one()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "n", ProjectColumnType.Integer);
            s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["n"] = 1 });
            var second = s.Store.AddProjectSeries(Sys, p, "bbbbbbbb", T(3), T(4), new Dictionary<string, object> { ["n"] = 2 });
            var deleted = s.Store.DeleteProjectSeries(Sys, p, second.Id);
            Assert.Equal(second.Id, deleted.Id);
            Assert.Equal("bbbbbbbb", deleted.Device);
            Assert.Equal(2L, deleted.Columns["n"]);
            Assert.Equal(new[] { "aaaaaaaa" }, s.Store.GetProjectSeries(Sys, p).Select(r => r.Device).ToArray());
        }

        [Fact]
        public void Unknown_and_built_in_columns_in_values_are_refused_naming_the_column()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "trap_colour", ProjectColumnType.Char(16));
            var ex = Assert.Throws<StickyPiException>(() => s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["colour"] = "x" }));
            Assert.Equal(ProjectSeriesErrorIds.UnknownProjectColumn, ex.ErrorId);
            Assert.Contains("'colour'", ex.Message);
            Assert.Contains("trap_colour", ex.Message);
            Assert.Equal("colour", ex.Target);

            var builtIn = Assert.Throws<StickyPiException>(() => s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["Device"] = "x" }));
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectSeriesValue, builtIn.ErrorId);
            var id = Assert.Throws<StickyPiException>(() => s.Store.SetProjectSeries(Sys, p, 1, new Dictionary<string, object> { ["id"] = 5 }));
            Assert.Equal(ProjectSeriesErrorIds.UnknownProjectColumn, id.ErrorId);
            Assert.Empty(s.Store.GetProjectSeries(Sys, p));
        }

        [Theory]
        [InlineData("CHAR(4)", "toolong", "at most 4 characters")]
        [InlineData("INTEGER", "1.5", "whole number")]
        [InlineData("INTEGER", 1.5, "whole number")]
        [InlineData("DOUBLE", "abc", "a number")]
        [InlineData("DOUBLE", double.NaN, "finite")]
        [InlineData("DECIMAL(9,6)", 1000.0, "below 1000")]
        [InlineData("DATETIME", "next tuesday", "date and time")]
        [InlineData("BOOLEAN", "maybe", "boolean")]
        [InlineData("BOOLEAN", 2, "boolean")]
        public void Values_that_do_not_fit_the_declared_type_are_refused(string type, object value, string expected)
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "c", ProjectColumnType.Parse(type));
            var ex = Assert.Throws<StickyPiException>(() => s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["c"] = value }));
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectSeriesValue, ex.ErrorId);
            Assert.Equal(StickyErrorKind.InvalidArgument, ex.Kind);
            Assert.Contains("'c'", ex.Message);
            Assert.Contains(expected, ex.Message);
            Assert.Empty(s.Store.GetProjectSeries(Sys, p));
        }

        [Fact]
        public void Device_and_window_are_checked()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectSeries, Assert.Throws<StickyPiException>(() => s.Store.AddProjectSeries(Sys, p, "", T(1), T(2))).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectSeries, Assert.Throws<StickyPiException>(() => s.Store.AddProjectSeries(Sys, p, "123456789", T(1), T(2))).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectSeries, Assert.Throws<StickyPiException>(() => s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(2), T(1))).ErrorId);
            var row = s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(2), T(2));
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectSeries, Assert.Throws<StickyPiException>(() => s.Store.SetProjectSeries(Sys, p, row.Id, new Dictionary<string, object> { ["end_datetime"] = T(1) })).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectSeries, Assert.Throws<StickyPiException>(() => s.Store.SetProjectSeries(Sys, p, row.Id, new Dictionary<string, object> { ["start_datetime"] = null })).ErrorId);
        }

        [Fact]
        public void Missing_project_is_NotFound_and_a_project_without_table_is_reported()
        {
            using var s = new SeriesStore();
            var ex = Assert.Throws<StickyPiException>(() => s.Store.GetProjectSeries(Sys, 99));
            Assert.Equal(ProjectSeriesErrorIds.ProjectNotFound, ex.ErrorId);
            Assert.Equal(StickyErrorKind.NotFound, ex.Kind);
            Assert.Equal(99L, ex.Target);
            long p = s.AddProject("broken");
            s.Exec("DROP TABLE project_series_" + p);
            Assert.Equal(ProjectSeriesErrorIds.ProjectSeriesTableMissing, Assert.Throws<StickyPiException>(() => s.Store.GetProjectSeries(Sys, p)).ErrorId);
        }

        [Fact]
        public void Project_names_resolve_among_readable_projects_exact_name_first()
        {
            using var s = new SeriesStore();
            long a = s.AddProject("lab1");
            long b = s.AddProject("lab_");
            long c = s.AddProject("dup");
            long d = s.AddProject("dup");
            long u = s.AddUser("eve", false, true);
            s.Grant(c, u, 1);
            var eve = s.Caller("eve");
            Assert.Equal(a, s.Store.ResolveProjectId(Sys, "lab1"));
            Assert.Equal(b, s.Store.ResolveProjectId(Sys, "lab_"));
            Assert.Equal(a, s.Store.ResolveProjectId(Sys, "LAB1")); // the only one differing in case only
            Assert.Equal(ProjectSeriesErrorIds.ProjectNotFound, Assert.Throws<StickyPiException>(() => s.Store.ResolveProjectId(Sys, "lab%")).ErrorId);
            var ambiguous = Assert.ThrowsAny<StickyPiException>(() => s.Store.ResolveProjectId(Sys, "dup"));
            Assert.Equal(ProjectSeriesErrorIds.AmbiguousProjectName, ambiguous.ErrorId);
            Assert.Contains(c + ", " + d, ambiguous.Message);

            // Eve only sees one of the two "dup" projects, and none named lab1.
            Assert.Equal(c, s.Store.ResolveProjectId(eve, "dup"));
            Assert.Equal(ProjectSeriesErrorIds.ProjectNotFound, Assert.Throws<StickyPiException>(() => s.Store.ResolveProjectId(eve, "lab1")).ErrorId);
        }
    }
}
