using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Local;
using StickyPi.PowerShell.Tests.Support;
using static StickyPi.PowerShell.Tests.Support.HostResultExtensions;

namespace StickyPi.PowerShell.Tests
{
    /// <summary>The project series and column cmdlets, with projects seeded by plain SQL (independent of the projects cmdlets).</summary>
    public class ProjectSeriesTests
    {
        private const string Row = "StickyPi.Core.Model.ProjectSeriesRow";
        private const string Column = "StickyPi.Core.Model.ProjectColumn";

        /// <summary>Creates the store, a project "lab1" (id 1) with upstream's series table, and the users asked for.</summary>
        private static void Seed(string storeDir, params (string Name, bool CanWrite, int Level)[] users)
        {
            using (var store = LocalStickyStore.Open(storeDir))
            {
                using (var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store.DatabasePath, Pooling = false }.ToString()))
                {
                    conn.Open();
                    Exec(conn, "INSERT INTO projects (id, datetime_created, api_version, name) VALUES (1, '2020-01-01 00:00:00.000000', '0.1.1', 'lab1')");
                    Exec(conn, "CREATE TABLE project_series_1 (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, device CHAR(8) NOT NULL, " +
                               "start_datetime DATETIME NOT NULL, end_datetime DATETIME NOT NULL, UNIQUE(device, start_datetime, end_datetime))");
                    long id = 10;
                    foreach (var u in users)
                    {
                        Exec(conn, "INSERT INTO users (id, datetime_created, api_version, username, password_hash, is_admin, can_write) VALUES (" +
                                   id + ", '2020-01-01 00:00:00.000000', '0.1.1', '" + u.Name + "', 'x', 0, " + (u.CanWrite ? 1 : 0) + ")");
                        if (u.Level > 0)
                        {
                            Exec(conn, "INSERT INTO project_permissions (datetime_created, api_version, parent_project_id, parent_user_id, level) VALUES ('2020-01-01 00:00:00.000000', '0.1.1', 1, " +
                                       id + ", " + u.Level + ")");
                        }

                        id++;
                    }
                }
            }

            SqliteConnection.ClearAllPools();
        }

        private static void Exec(SqliteConnection conn, string sql)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }

        private static string Connect(Workspace ws, string user = null) =>
            "$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + (user == null ? string.Empty : " -UserName " + user) + "\n";

        [Fact]
        public void Project_to_series_rows_to_Get_StickySeries_pipeline_uses_custom_columns_and_half_open_windows()
        {
            using var ws = new Workspace(images: 12, seed: 11);
            Seed(ws.Store);
            var r = HostRunner.Run(Connect(ws) + "$null = Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + @"
$imgs = @(Get-StickySeries)
$dev = $imgs[0].Device
$mine = @($imgs | Where-Object Device -eq $dev)
$first = $mine[0].DateTime
$last = $mine[$mine.Count - 1].DateTime
Add-StickyProjectColumn -ProjectId 1 -Name trap_colour -Type 'CHAR(16)' | ForEach-Object { 'col ' + $_.Name + ' ' + $_.SqlType }
$null = Add-StickyProjectColumn 1 n_traps Integer
$row = Add-StickyProjectSeries -ProjectId 1 -Device $dev -StartTime $first -EndTime $last -Value @{ trap_colour = 'yellow'; n_traps = 2 }
'added ' + $row.Id + ' ' + $row.trap_colour + ' ' + $row.n_traps.GetType().Name + ' ' + $row.StartDateTime.Kind
$null = Add-StickyProjectSeries 1 deadbeef 2020-01-01 2020-01-02 -Value @{ trap_colour = 'blue' }
'rows ' + @(Get-StickyProjectSeries -ProjectId 1).Count
'yellow ' + @(Get-StickyProjectSeries -ProjectId 1 | Where-Object trap_colour -eq 'yellow').Count
'by name ' + @(Get-StickyProjectSeries -Project lab1).Count
'by project object ' + @([pscustomobject]@{ Id = 1; ProjectId = 1; Name = 'lab1' } | Get-StickyProjectSeries).Count
'images ' + @(Get-StickyProjectSeries -Project lab1 | Where-Object trap_colour -eq 'yellow' | Get-StickySeries).Count
'direct ' + @(Get-StickySeries -Device $dev -StartTime $first -EndTime $last).Count
'mine ' + $mine.Count
");
            Assert.True(r.ExitCode == 0, r.ToString());
            var t = r.Texts;
            Assert.Equal("col trap_colour CHAR(16)", t[0]);
            Assert.Equal("added 1 yellow Int64 Utc", t[1]);
            Assert.Equal("rows 2", t[2]);
            Assert.Equal("yellow 1", t[3]);
            Assert.Equal("by name 2", t[4]);
            Assert.Equal("by project object 2", t[5]);
            int mine = int.Parse(t[8].Split(' ')[1], CultureInfo.InvariantCulture);
            Assert.True(mine >= 2, r.ToString());

            // The project window is closed, Get-StickySeries is half-open: the image at the end time is not listed.
            Assert.Equal("images " + (mine - 1), t[6]);
            Assert.Equal("direct " + (mine - 1), t[7]);
            Assert.Empty(r.Errors);
        }

        [Fact]
        public void Rows_bind_by_property_name_from_upstream_style_objects_and_show_custom_columns_as_properties()
        {
            using var ws = new Workspace();
            Seed(ws.Store);
            var r = HostRunner.Run(Connect(ws) + @"
$null = Add-StickyProjectColumn 1 checked_at DATETIME
$null = Add-StickyProjectColumn 1 baited BOOLEAN
$null = Add-StickyProjectColumn 1 lat 'DECIMAL(9,6)'
[pscustomobject]@{ project_id = 1; device = 'cafe0001'; start_datetime = '2020-06-01 00:00:00'; end_datetime = '2020-06-02' } |
    Add-StickyProjectSeries -Value ([ordered]@{ checked_at = [datetime]'2020-06-03 12:00:00'; baited = $true; lat = 49.2614234 }) | Out-Null
$row = @(Get-StickyProjectSeries 1)[0]
$row.Device + ' ' + $row.StartDateTime.ToString('yyyy-MM-dd HH:mm:ss') + ' ' + $row.EndDateTime.ToString('yyyy-MM-dd HH:mm:ss')
'checked ' + $row.checked_at.ToString('yyyy-MM-dd HH:mm:ss') + ' ' + $row.checked_at.Kind
'baited ' + $row.baited
'lat ' + $row.lat.ToString([cultureinfo]::InvariantCulture)
'columns ' + ($row.Columns.Keys -join ',')
");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(new[]
            {
                "cafe0001 2020-06-01 00:00:00 2020-06-02 00:00:00",
                "checked 2020-06-03 12:00:00 Utc",
                "baited True",
                "lat 49.261423",
                "columns checked_at,baited,lat",
            }, r.Texts);
            var row = r.OfType(Row);
            Assert.Empty(row); // only strings were written
        }

        [Fact]
        public void Set_and_Remove_honour_WhatIf_and_Confirm_and_return_the_rows_they_changed()
        {
            using var ws = new Workspace();
            Seed(ws.Store);
            var r = HostRunner.Run(Connect(ws) + @"
$null = Add-StickyProjectColumn 1 trap_colour 'CHAR(16)'
$null = Add-StickyProjectSeries 1 aaaaaaaa 2020-06-01 2020-06-02 -Value @{ trap_colour = 'yellow' }
$null = Add-StickyProjectSeries 1 bbbbbbbb 2020-06-01 2020-06-02 -Value @{ trap_colour = 'yellow' }
$null = Add-StickyProjectSeries 1 cccccccc 2020-06-01 2020-06-02 -WhatIf
$rows = @(Get-StickyProjectSeries 1)
'count ' + $rows.Count
$rows[0] | Set-StickyProjectSeries -Value @{ trap_colour = 'red' } -WhatIf
'after whatif ' + @(Get-StickyProjectSeries 1)[0].trap_colour
$rows[0] | Set-StickyProjectSeries -Value @{ trap_colour = 'red' } -EndTime 2020-06-03 -PassThru | ForEach-Object { 'set ' + $_.Id + ' ' + $_.trap_colour + ' ' + $_.EndDateTime.ToString('yyyy-MM-dd') }
Set-StickyProjectSeries -ProjectId 1 -Id 2 -Device dddddddd -PassThru | ForEach-Object { 'set by id ' + $_.Id + ' ' + $_.Device + ' ' + $_.trap_colour }
$rows | Remove-StickyProjectSeries -WhatIf
'after remove whatif ' + @(Get-StickyProjectSeries 1).Count
try { $rows[1] | Remove-StickyProjectSeries -ErrorAction Stop } catch { 'refused' }
$rows[1] | Remove-StickyProjectSeries -Confirm:$false -PassThru | ForEach-Object { 'removed ' + $_.Id + ' ' + $_.Device + ' ' + $_.trap_colour }
'left ' + @(Get-StickyProjectSeries 1).Count
Rename-StickyProjectColumn 1 trap_colour colour -PassThru | ForEach-Object { 'renamed ' + $_.OldName + ' ' + $_.Name }
Remove-StickyProjectColumn 1 colour -WhatIf
'still ' + @(Get-StickyProjectSeries 1)[0].colour
Remove-StickyProjectColumn 1 colour -Confirm:$false -PassThru | ForEach-Object { 'dropped ' + $_.Name + ' ' + $_.SqlType }
'columns left ' + @(Get-StickyProjectSeries 1)[0].Columns.Count
");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(new[]
            {
                "count 2",
                "after whatif yellow",
                "set 1 red 2020-06-03",
                "set by id 2 dddddddd yellow",
                "after remove whatif 2",
                "refused",
                "removed 2 dddddddd yellow",
                "left 1",
                "renamed trap_colour colour",
                "still red",
                "dropped colour CHAR(16)",
                "columns left 0",
            }, r.Texts);
            var whatIf = r.HostLines.Where(l => l.StartsWith("What if:", StringComparison.Ordinal)).ToList();
            Assert.Contains(whatIf, l => l.Contains("cccccccc"));
            Assert.Contains(whatIf, l => l.Contains("series 1") && l.Contains("trap_colour"));
            Assert.Equal(2, whatIf.Count(l => l.Contains("Remove project series")));
            Assert.Contains(whatIf, l => l.Contains("column colour"));
        }

        [Fact]
        public void Errors_are_non_terminating_with_category_and_target_and_hostile_input_changes_nothing()
        {
            using var ws = new Workspace();
            Seed(ws.Store, ("reader", false, 3), ("editor", true, 2));
            var r = HostRunner.Run(Connect(ws) + @"
$null = Add-StickyProjectSeries 1 aaaaaaaa 2020-06-01 2020-06-02
Get-StickyProjectSeries -ProjectId 99, 1 | ForEach-Object { 'row ' + $_.Device }
Add-StickyProjectColumn 1 'x""; DROP TABLE users; --' INTEGER
Add-StickyProjectColumn 1 ok 'INTEGER); DROP TABLE images; --'
Add-StickyProjectSeries 1 aaaaaaaa 2020-06-01 2020-06-02
Add-StickyProjectSeries 1 bbbbbbbb 2020-06-01 2020-06-02 -Value @{ nope = 1 }
Remove-StickyProjectSeries 1 999 -Confirm:$false
Remove-StickyProjectColumn 1 device -Confirm:$false
Get-StickyProjectSeries -Project nosuch
$reader = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + @" -UserName reader
Add-StickyProjectSeries 1 cccccccc 2020-06-01 2020-06-02 -Connection $reader
'reader sees ' + @(Get-StickyProjectSeries 1 -Connection $reader).Count
$editor = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + @" -UserName editor
Get-StickyProjectSeries 1 -Connection $editor | Remove-StickyProjectSeries -Confirm:$false -Connection $editor
'end ' + @(Get-StickyProjectSeries 1).Count + ' ' + @(Get-StickyProjectSeries 1)[0].Columns.Count
");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(new[] { "row aaaaaaaa", "reader sees 1", "end 1 0" }, r.Texts);
            var errors = r.Errors;
            (string Id, string Category, string Target)[] expected =
            {
                ("ProjectNotFound", "ObjectNotFound", "99"),
                ("InvalidProjectColumnName", "InvalidArgument", "x\"; DROP TABLE users; --"),
                ("InvalidProjectColumnType", "InvalidArgument", "INTEGER); DROP TABLE images; --"),
                ("DuplicateProjectSeries", "ResourceExists", "aaaaaaaa"),
                ("UnknownProjectColumn", "InvalidArgument", "nope"),
                ("ProjectSeriesNotFound", "ObjectNotFound", "999"),
                ("ReservedProjectColumn", "InvalidArgument", "device"),
                ("ProjectNotFound", "ObjectNotFound", "nosuch"),
                ("PermissionDenied", "PermissionDenied", "cccccccc"), // the row the read-only user tried to add
                ("PermissionDenied", "PermissionDenied", null),
            };
            Assert.True(errors.Count == expected.Length, r.ToString());
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i].Id, errors[i].ErrorId());
                Assert.Equal(expected[i].Category, errors[i].Str("category"));
                if (expected[i].Target != null)
                {
                    Assert.Equal(expected[i].Target, errors[i].Str("target"));
                }
            }

            // The editor (level 2) may not delete rows (level 3): the error names the row it concerned.
            Assert.Contains("aaaaaaaa", errors[9].Str("target"));
            using (var store = LocalStickyStore.Open(ws.Store))
            {
                Assert.Single(store.GetProjectSeries(StickyPi.Core.Model.CallerIdentity.LocalAdministrator, 1));
            }

            SqliteConnection.ClearAllPools();
        }

        [Fact]
        public void Default_table_views_show_windows_in_utc_and_custom_columns()
        {
            using var ws = new Workspace();
            Seed(ws.Store);
            var r = HostRunner.Run(Connect(ws) + @"
Add-StickyProjectColumn 1 trap_colour 'CHAR(16)' | Out-Default
$null = Add-StickyProjectSeries 1 aaaaaaaa '2020-06-01 06:30:00' 2020-06-02 -Value @{ trap_colour = 'yellow' }
Get-StickyProjectSeries 1 | Out-Default
", json: false);
            Assert.True(r.ExitCode == 0, r.ToString());
            var lines = r.HostLines;
            Assert.Contains(lines, l => l.Contains("ProjectId") && l.Contains("SqlType") && l.Contains("OldName"));
            Assert.Contains(lines, l => l.Contains("Start (UTC)") && l.Contains("End (UTC)") && l.Contains("Columns"));
            Assert.Contains(lines, l => l.Contains("aaaaaaaa") && l.Contains("2020-06-01 06:30:00") && l.Contains("trap_colour=yellow"));
        }
    }
}
