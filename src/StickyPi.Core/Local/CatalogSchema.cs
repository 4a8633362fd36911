using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// The SQLite schema of upstream's local store (spec §2), exactly as SQLAlchemy 1.4 emits it for SQLite
    /// (captured from SQLAlchemy 1.4.46 with upstream's develop models), so <c>sqlite_master</c> of a catalog created
    /// here is identical to one created by upstream. SQLite drops <c>IF NOT EXISTS</c> from the stored text.
    /// </summary>
    public static class CatalogSchema
    {
        /// <summary>File name of the catalog inside the store directory (upstream's <c>LocalAPI._database_filename</c>).</summary>
        public const string DatabaseFileName = "database.db";

        /// <summary>Busy timeout set on every connection: upstream's Python client uses 60 s as well.</summary>
        public const int BusyTimeoutMilliseconds = 60000;

        private const string Common =
            "\tdatetime_created DATETIME NOT NULL, \n" +
            "\tapi_version VARCHAR(8), \n" +
            "\tapi_user_id INTEGER, \n";

        /// <summary>Upstream's tables in SQLAlchemy's creation order (parents first), each with its indexes.</summary>
        public static IReadOnlyList<SchemaObject> UpstreamObjects { get; } = new[]
        {
            Table("images",
                Common +
                "\tid INTEGER NOT NULL, \n" +
                "\tdevice VARCHAR(8) NOT NULL, \n" +
                "\tdatetime DATETIME NOT NULL, \n" +
                "\tmd5 VARCHAR(32) NOT NULL, \n" +
                "\tdevice_version VARCHAR(8), \n" +
                "\twidth SMALLINT NOT NULL, \n" +
                "\theight SMALLINT NOT NULL, \n" +
                "\tlat DECIMAL(9, 6), \n" +
                "\tlng DECIMAL(9, 6), \n" +
                "\talt SMALLINT, \n" +
                "\t\"temp\" FLOAT, \n" +
                "\thum FLOAT, \n" +
                "\tlum FLOAT, \n" +
                "\tbat SMALLINT, \n" +
                "\tbut BOOLEAN, \n" +
                "\tPRIMARY KEY (id), \n" +
                "\tCONSTRAINT image_id UNIQUE (device, datetime)\n"),
            Index("image_uid", "images", "device, datetime"),
            Table("tuboid_series",
                Common +
                "\tid INTEGER NOT NULL, \n" +
                "\tdevice VARCHAR(8) NOT NULL, \n" +
                "\tstart_datetime DATETIME NOT NULL, \n" +
                "\tend_datetime DATETIME NOT NULL, \n" +
                "\tn_images INTEGER NOT NULL, \n" +
                "\tn_tuboids INTEGER NOT NULL, \n" +
                "\talgo_name VARCHAR(64) NOT NULL, \n" +
                "\talgo_version VARCHAR(46) NOT NULL, \n" +
                "\tPRIMARY KEY (id), \n" +
                "\tCONSTRAINT tiled_series_id UNIQUE (device, start_datetime, end_datetime, algo_name, algo_version)\n"),
            Table("users",
                Common +
                "\tid INTEGER NOT NULL, \n" +
                "\tusername VARCHAR(32) NOT NULL, \n" +
                "\temail VARCHAR(64), \n" +
                "\tpassword_hash VARCHAR(128) NOT NULL, \n" +
                "\tis_admin BOOLEAN, \n" +
                "\tcan_write BOOLEAN, \n" +
                "\tPRIMARY KEY (id), \n" +
                "\tUNIQUE (username)\n"),
            Index("ix_users_username", "users", "username"),
            Index("ix_users_email", "users", "email"),
            Table("projects",
                Common +
                "\tid INTEGER NOT NULL, \n" +
                "\tname VARCHAR(32) NOT NULL, \n" +
                "\tdescription VARCHAR(20), \n" +
                "\tnotes VARCHAR(2048), \n" +
                "\tPRIMARY KEY (id)\n"),
            Index("ix_projects_name", "projects", "name"),
            Index("ix_projects_description", "projects", "description"),
            Index("ix_projects_notes", "projects", "notes"),
            Table("uid_annotations",
                Common +
                "\tid INTEGER NOT NULL, \n" +
                "\tparent_image_id INTEGER NOT NULL, \n" +
                "\talgo_name VARCHAR(64) NOT NULL, \n" +
                "\talgo_version VARCHAR(46) NOT NULL, \n" +
                "\tn_objects INTEGER NOT NULL, \n" +
                "\tjson TEXT(4294000000) NOT NULL, \n" +
                "\tPRIMARY KEY (id), \n" +
                "\tCONSTRAINT annotation_id UNIQUE (parent_image_id, algo_name, algo_version), \n" +
                "\tFOREIGN KEY(parent_image_id) REFERENCES images (id) ON DELETE CASCADE\n"),
            Table("uid_intents",
                Common +
                "\tid INTEGER NOT NULL, \n" +
                "\tparent_image_id INTEGER NOT NULL, \n" +
                "\tPRIMARY KEY (id), \n" +
                "\tFOREIGN KEY(parent_image_id) REFERENCES images (id) ON DELETE CASCADE\n"),
            Table("tiled_tuboids",
                Common +
                "\tid INTEGER NOT NULL, \n" +
                "\tparent_series_id INTEGER NOT NULL, \n" +
                "\ttuboid_id VARCHAR(100) NOT NULL, \n" +
                "\tid_in_series INTEGER NOT NULL, \n" +
                "\tstart_datetime DATETIME NOT NULL, \n" +
                "\tend_datetime DATETIME NOT NULL, \n" +
                "\tn_shots INTEGER NOT NULL, \n" +
                "\tPRIMARY KEY (id), \n" +
                "\tCONSTRAINT tuboid_id UNIQUE (tuboid_id), \n" +
                "\tFOREIGN KEY(parent_series_id) REFERENCES tuboid_series (id) ON DELETE CASCADE\n"),
            Table("project_permissions",
                Common +
                "\tparent_project_id INTEGER NOT NULL, \n" +
                "\tparent_user_id INTEGER NOT NULL, \n" +
                "\tid INTEGER NOT NULL, \n" +
                "\tlevel SMALLINT NOT NULL, \n" +
                "\tPRIMARY KEY (id), \n" +
                "\tUNIQUE (parent_user_id, parent_project_id), \n" +
                "\tFOREIGN KEY(parent_project_id) REFERENCES projects (id) ON DELETE CASCADE, \n" +
                "\tFOREIGN KEY(parent_user_id) REFERENCES users (id) ON DELETE CASCADE\n"),
            Table("itc_labels",
                Common +
                "\tid INTEGER NOT NULL, \n" +
                "\tparent_tuboid_id INTEGER NOT NULL, \n" +
                "\talgo_name VARCHAR(32) NOT NULL, \n" +
                "\talgo_version VARCHAR(46) NOT NULL, \n" +
                "\tlabel INTEGER NOT NULL, \n" +
                "\tpattern VARCHAR(128) NOT NULL, \n" +
                "\ttype VARCHAR(32) NOT NULL, \n" +
                "\t\"order\" VARCHAR(32), \n" +
                "\tfamily VARCHAR(32), \n" +
                "\tgenus VARCHAR(32), \n" +
                "\tspecies VARCHAR(32), \n" +
                "\tPRIMARY KEY (id), \n" +
                "\tCONSTRAINT label_id UNIQUE (parent_tuboid_id, algo_name, algo_version), \n" +
                "\tFOREIGN KEY(parent_tuboid_id) REFERENCES tiled_tuboids (id) ON DELETE CASCADE\n"),
        };

        /// <summary>
        /// Our own indexes: only on foreign-key child columns upstream leaves unindexed, so cascading deletes do not
        /// scan the child table per parent row. Upstream never reads the schema beyond <c>PRAGMA table_info</c>, and
        /// these cannot make any of its queries slower. No index on <c>images.datetime</c>: without statistics SQLite
        /// would prefer it for upstream's <c>device LIKE</c> series queries, which is slower for wide windows.
        /// </summary>
        public static IReadOnlyList<SchemaObject> OwnObjects { get; } = new[]
        {
            Index("ix_stickypi_uid_intents_parent_image_id", "uid_intents", "parent_image_id"),
            Index("ix_stickypi_tiled_tuboids_parent_series_id", "tiled_tuboids", "parent_series_id"),
        };

        /// <summary>Columns our code reads or writes, per table; an existing catalog lacking one is from another upstream version.</summary>
        internal static readonly IReadOnlyDictionary<string, string[]> RequiredColumns = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["images"] = new[]
            {
                "datetime_created", "api_version", "api_user_id", "id", "device", "datetime", "md5", "device_version",
                "width", "height", "lat", "lng", "alt", "temp", "hum", "lum", "bat", "but",
            },
            ["uid_annotations"] = new[]
            {
                "datetime_created", "api_version", "api_user_id", "id", "parent_image_id", "algo_name", "algo_version",
                "n_objects", "json",
            },
        };

        /// <summary>
        /// Page cache per connection, in KiB (SQLite's default is 2 MiB). A week of all devices touches ~4 MiB of table
        /// pages once per device; with the default cache every device re-reads them from the OS (query b: −20% CPU
        /// measured, bench/RESULTS.md). Memory is taken only as pages are used, and stays private to the process, unlike
        /// mmap, whose mapped pages would count against the process's resident size on a whole-catalog read.
        /// </summary>
        public const int CacheSizeKiB = 16384;

        /// <summary>SQLite handles already configured: a pooled connection keeps its handle, and with it these settings.</summary>
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured =
            new System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object>();

        /// <summary>
        /// Every connection: cascades need foreign keys (off by default in SQLite), and waits instead of failing on
        /// locks. Run once per SQLite handle, not on every take from the pool (three statements saved per operation:
        /// a third of a single-key lookup's time, bench/RESULTS.md).
        /// </summary>
        internal static void ConfigureConnection(SqliteConnection connection)
        {
            var handle = connection.Handle;
            if (handle != null && Configured.TryGetValue(handle, out _))
            {
                return;
            }

            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=" + BusyTimeoutMilliseconds + "; PRAGMA cache_size=-" + CacheSizeKiB + ";";
                cmd.ExecuteNonQuery();
            }

            if (handle != null)
            {
                Configured.GetValue(handle, _ => new object());
            }
        }

        /// <summary>
        /// Creates what is missing (tables of an upstream catalog are kept as they are), switches to WAL once, and
        /// checks the columns we rely on. Never runs ANALYZE or PRAGMA optimize (spec Appendix B).
        /// </summary>
        internal static void Ensure(SqliteConnection connection)
        {
            EnsureWal(connection);

            var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')";
                using (var reader = cmd.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        existing.Add(reader.GetString(0));
                    }
                }
            }

            var missing = UpstreamObjects.Concat(OwnObjects).Where(o => !existing.Contains(o.Name)).ToList();
            if (missing.Count > 0)
            {
                // Only write when something is missing, so opening a busy catalog takes no write lock.
                using (var tx = connection.BeginTransaction(deferred: false))
                {
                    foreach (var obj in missing)
                    {
                        using (var cmd = connection.CreateCommand())
                        {
                            cmd.Transaction = tx;
                            cmd.CommandText = obj.Sql;
                            cmd.ExecuteNonQuery();
                        }
                    }

                    tx.Commit();
                }
            }

            foreach (var pair in RequiredColumns)
            {
                var columns = TableColumns(connection, pair.Key);
                var absent = pair.Value.Where(c => !columns.Contains(c)).ToList();
                if (absent.Count > 0)
                {
                    throw new StickyPiException(StickyErrorIds.StoreCorrupt, StickyErrorKind.InvalidData,
                        "Table '" + pair.Key + "' of the catalog lacks column(s) " + string.Join(", ", absent) +
                        "; it was created by an incompatible version of the Sticky Pi API.", pair.Key);
                }
            }
        }

        /// <summary>Column names of a table in declaration order (<c>PRAGMA table_info</c>).</summary>
        public static IReadOnlyList<string> ColumnNames(SqliteConnection connection, string table) => TableColumns(connection, table);

        private static List<string> TableColumns(SqliteConnection connection, string table)
        {
            var names = new List<string>();
            using (var cmd = connection.CreateCommand())
            {
                // PRAGMA arguments cannot be parameters; callers pass our own constant table names only.
                cmd.CommandText = "SELECT name FROM pragma_table_info($t) ORDER BY cid";
                cmd.Parameters.AddWithValue("$t", table);
                using (var reader = cmd.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        names.Add(reader.GetString(0));
                    }
                }
            }

            return names;
        }

        private static void EnsureWal(SqliteConnection connection)
        {
            try
            {
                using (var cmd = connection.CreateCommand())
                {
                    cmd.CommandText = "PRAGMA journal_mode";
                    var mode = Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                    if (string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    {
                        return;
                    }

                    cmd.CommandText = "PRAGMA journal_mode=WAL";
                    cmd.ExecuteScalar();
                }
            }
            catch (SqliteException)
            {
                // Another process holds the database; the mode is persistent, a later open will switch it.
            }
        }

        private static SchemaObject Table(string name, string body) =>
            new SchemaObject(name, "table", "CREATE TABLE IF NOT EXISTS " + name + " (\n" + body + ")");

        private static SchemaObject Index(string name, string table, string columns) =>
            new SchemaObject(name, "index", "CREATE INDEX IF NOT EXISTS " + name + " ON " + table + " (" + columns + ")");
    }

    /// <summary>One table or index of the catalog and its DDL.</summary>
    public sealed class SchemaObject
    {
        internal SchemaObject(string name, string type, string sql)
        {
            Name = name;
            Type = type;
            Sql = sql;
        }

        public string Name { get; }

        /// <summary><c>table</c> or <c>index</c>.</summary>
        public string Type { get; }

        public string Sql { get; }

        /// <summary>The text SQLite keeps in <c>sqlite_master.sql</c> (it drops <c>IF NOT EXISTS</c>).</summary>
        public string StoredSql => Sql.Replace(" IF NOT EXISTS", string.Empty);

        public override string ToString() => Type + " " + Name;
    }
}
