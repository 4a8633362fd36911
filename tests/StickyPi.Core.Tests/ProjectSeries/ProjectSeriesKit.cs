using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.ProjectSeries
{
    /// <summary>
    /// A store with users, projects and permissions created by plain SQL (the way upstream lays them out), so these
    /// tests do not depend on the projects API.
    /// </summary>
    internal sealed class SeriesStore : IDisposable
    {
        private readonly TempDir _dir = new TempDir("stickypi-series");

        public SeriesStore()
        {
            Store = LocalStickyStore.Open(_dir.Path);
            Db = Store.DatabasePath;
        }

        public LocalStickyStore Store { get; }

        public string Db { get; }

        public static CallerIdentity Sys => CallerIdentity.LocalAdministrator;

        public static DateTime T(int day, int hour = 0) => new DateTime(2020, 6, day, hour, 0, 0, DateTimeKind.Utc);

        public long AddUser(string name, bool isAdmin, bool canWrite) =>
            Insert("INSERT INTO users (datetime_created, api_version, username, email, password_hash, is_admin, can_write) " +
                   "VALUES ('2020-01-01 00:00:00.000000', '0.1.1', $a, NULL, 'x', $b, $c)", name, isAdmin ? 1 : 0, canWrite ? 1 : 0);

        /// <summary>A projects row and its series table with upstream's SQLite DDL (spec §2.11).</summary>
        public long AddProject(string name)
        {
            long id = Insert("INSERT INTO projects (datetime_created, api_version, name) VALUES ('2020-01-01 00:00:00.000000', '0.1.1', $a)", name);
            Exec("CREATE TABLE project_series_" + id.ToString(CultureInfo.InvariantCulture) +
                 " (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, device CHAR(8) NOT NULL, start_datetime DATETIME NOT NULL, " +
                 "end_datetime DATETIME NOT NULL, UNIQUE(device, start_datetime, end_datetime))");
            return id;
        }

        public void Grant(long projectId, long userId, int level) =>
            Insert("INSERT INTO project_permissions (datetime_created, api_version, parent_project_id, parent_user_id, level) " +
                   "VALUES ('2020-01-01 00:00:00.000000', '0.1.1', $a, $b, $c)", projectId, userId, level);

        public CallerIdentity Caller(string name) => Store.GetCallerIdentity(name);

        public long Insert(string sql, params object[] args)
        {
            using (var conn = Open())
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = sql + "; SELECT last_insert_rowid();";
                for (int i = 0; i < args.Length; i++)
                {
                    cmd.Parameters.AddWithValue("$" + (char)('a' + i), args[i] ?? DBNull.Value);
                }

                return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
        }

        public void Exec(string sql)
        {
            using (var conn = Open())
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
        }

        public List<object[]> Query(string sql)
        {
            using (var conn = Open())
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = sql;
                var rows = new List<object[]>();
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        var values = new object[r.FieldCount];
                        r.GetValues(values);
                        rows.Add(values);
                    }
                }

                return rows;
            }
        }

        /// <summary>Everything that identifies the database's state: schema text and every row of the series tables and users.</summary>
        public string Fingerprint()
        {
            var parts = Query("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").Select(r => string.Join("|", r)).ToList();
            foreach (var table in Query("SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'project_series_%' OR name IN ('users', 'projects', 'project_permissions', 'images')) ORDER BY name"))
            {
                parts.AddRange(Query("SELECT * FROM \"" + table[0] + "\" ORDER BY 1").Select(r => table[0] + ":" + string.Join("|", r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))));
            }

            return string.Join("\n", parts);
        }

        public List<(string Name, string Type)> Columns(long projectId) =>
            Query("SELECT name, type FROM pragma_table_info('project_series_" + projectId + "') ORDER BY cid").Select(r => ((string)r[0], (string)r[1])).ToList();

        public void Dispose()
        {
            Store.Dispose();
            SqliteConnection.ClearAllPools();
            _dir.Dispose();
        }

        private SqliteConnection Open()
        {
            var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Db, Pooling = false }.ToString());
            conn.Open();
            return conn;
        }
    }
}
