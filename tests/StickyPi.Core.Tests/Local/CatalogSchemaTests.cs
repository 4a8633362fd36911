using System;
using System.IO;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Local
{
    public class CatalogSchemaTests
    {
        /// <summary>
        /// sqlite_master of a catalog created by upstream's develop models with SQLAlchemy 1.4.46 (Base.metadata.create_all
        /// on SQLite), captured once: type, name, sql.
        /// </summary>
        internal static readonly string[][] UpstreamMaster =
        {
            new[] { "table", "images", "CREATE TABLE images (\n\tdatetime_created DATETIME NOT NULL, \n\tapi_version VARCHAR(8), \n\tapi_user_id INTEGER, \n\tid INTEGER NOT NULL, \n\tdevice VARCHAR(8) NOT NULL, \n\tdatetime DATETIME NOT NULL, \n\tmd5 VARCHAR(32) NOT NULL, \n\tdevice_version VARCHAR(8), \n\twidth SMALLINT NOT NULL, \n\theight SMALLINT NOT NULL, \n\tlat DECIMAL(9, 6), \n\tlng DECIMAL(9, 6), \n\talt SMALLINT, \n\t\"temp\" FLOAT, \n\thum FLOAT, \n\tlum FLOAT, \n\tbat SMALLINT, \n\tbut BOOLEAN, \n\tPRIMARY KEY (id), \n\tCONSTRAINT image_id UNIQUE (device, datetime)\n)" },
            new[] { "index", "image_uid", "CREATE INDEX image_uid ON images (device, datetime)" },
            new[] { "table", "tuboid_series", "CREATE TABLE tuboid_series (\n\tdatetime_created DATETIME NOT NULL, \n\tapi_version VARCHAR(8), \n\tapi_user_id INTEGER, \n\tid INTEGER NOT NULL, \n\tdevice VARCHAR(8) NOT NULL, \n\tstart_datetime DATETIME NOT NULL, \n\tend_datetime DATETIME NOT NULL, \n\tn_images INTEGER NOT NULL, \n\tn_tuboids INTEGER NOT NULL, \n\talgo_name VARCHAR(64) NOT NULL, \n\talgo_version VARCHAR(46) NOT NULL, \n\tPRIMARY KEY (id), \n\tCONSTRAINT tiled_series_id UNIQUE (device, start_datetime, end_datetime, algo_name, algo_version)\n)" },
            new[] { "table", "users", "CREATE TABLE users (\n\tdatetime_created DATETIME NOT NULL, \n\tapi_version VARCHAR(8), \n\tapi_user_id INTEGER, \n\tid INTEGER NOT NULL, \n\tusername VARCHAR(32) NOT NULL, \n\temail VARCHAR(64), \n\tpassword_hash VARCHAR(128) NOT NULL, \n\tis_admin BOOLEAN, \n\tcan_write BOOLEAN, \n\tPRIMARY KEY (id), \n\tUNIQUE (username)\n)" },
            new[] { "index", "ix_users_username", "CREATE INDEX ix_users_username ON users (username)" },
            new[] { "index", "ix_users_email", "CREATE INDEX ix_users_email ON users (email)" },
            new[] { "table", "projects", "CREATE TABLE projects (\n\tdatetime_created DATETIME NOT NULL, \n\tapi_version VARCHAR(8), \n\tapi_user_id INTEGER, \n\tid INTEGER NOT NULL, \n\tname VARCHAR(32) NOT NULL, \n\tdescription VARCHAR(20), \n\tnotes VARCHAR(2048), \n\tPRIMARY KEY (id)\n)" },
            new[] { "index", "ix_projects_name", "CREATE INDEX ix_projects_name ON projects (name)" },
            new[] { "index", "ix_projects_description", "CREATE INDEX ix_projects_description ON projects (description)" },
            new[] { "index", "ix_projects_notes", "CREATE INDEX ix_projects_notes ON projects (notes)" },
            new[] { "table", "uid_annotations", "CREATE TABLE uid_annotations (\n\tdatetime_created DATETIME NOT NULL, \n\tapi_version VARCHAR(8), \n\tapi_user_id INTEGER, \n\tid INTEGER NOT NULL, \n\tparent_image_id INTEGER NOT NULL, \n\talgo_name VARCHAR(64) NOT NULL, \n\talgo_version VARCHAR(46) NOT NULL, \n\tn_objects INTEGER NOT NULL, \n\tjson TEXT(4294000000) NOT NULL, \n\tPRIMARY KEY (id), \n\tCONSTRAINT annotation_id UNIQUE (parent_image_id, algo_name, algo_version), \n\tFOREIGN KEY(parent_image_id) REFERENCES images (id) ON DELETE CASCADE\n)" },
            new[] { "table", "uid_intents", "CREATE TABLE uid_intents (\n\tdatetime_created DATETIME NOT NULL, \n\tapi_version VARCHAR(8), \n\tapi_user_id INTEGER, \n\tid INTEGER NOT NULL, \n\tparent_image_id INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(parent_image_id) REFERENCES images (id) ON DELETE CASCADE\n)" },
            new[] { "table", "tiled_tuboids", "CREATE TABLE tiled_tuboids (\n\tdatetime_created DATETIME NOT NULL, \n\tapi_version VARCHAR(8), \n\tapi_user_id INTEGER, \n\tid INTEGER NOT NULL, \n\tparent_series_id INTEGER NOT NULL, \n\ttuboid_id VARCHAR(100) NOT NULL, \n\tid_in_series INTEGER NOT NULL, \n\tstart_datetime DATETIME NOT NULL, \n\tend_datetime DATETIME NOT NULL, \n\tn_shots INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tCONSTRAINT tuboid_id UNIQUE (tuboid_id), \n\tFOREIGN KEY(parent_series_id) REFERENCES tuboid_series (id) ON DELETE CASCADE\n)" },
            new[] { "table", "project_permissions", "CREATE TABLE project_permissions (\n\tdatetime_created DATETIME NOT NULL, \n\tapi_version VARCHAR(8), \n\tapi_user_id INTEGER, \n\tparent_project_id INTEGER NOT NULL, \n\tparent_user_id INTEGER NOT NULL, \n\tid INTEGER NOT NULL, \n\tlevel SMALLINT NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (parent_user_id, parent_project_id), \n\tFOREIGN KEY(parent_project_id) REFERENCES projects (id) ON DELETE CASCADE, \n\tFOREIGN KEY(parent_user_id) REFERENCES users (id) ON DELETE CASCADE\n)" },
            new[] { "table", "itc_labels", "CREATE TABLE itc_labels (\n\tdatetime_created DATETIME NOT NULL, \n\tapi_version VARCHAR(8), \n\tapi_user_id INTEGER, \n\tid INTEGER NOT NULL, \n\tparent_tuboid_id INTEGER NOT NULL, \n\talgo_name VARCHAR(32) NOT NULL, \n\talgo_version VARCHAR(46) NOT NULL, \n\tlabel INTEGER NOT NULL, \n\tpattern VARCHAR(128) NOT NULL, \n\ttype VARCHAR(32) NOT NULL, \n\t\"order\" VARCHAR(32), \n\tfamily VARCHAR(32), \n\tgenus VARCHAR(32), \n\tspecies VARCHAR(32), \n\tPRIMARY KEY (id), \n\tCONSTRAINT label_id UNIQUE (parent_tuboid_id, algo_name, algo_version), \n\tFOREIGN KEY(parent_tuboid_id) REFERENCES tiled_tuboids (id) ON DELETE CASCADE\n)" },
        };

        [Fact]
        public void NewCatalogHasUpstreamSchemaExactly()
        {
            using (var s = new StoreDir())
            {
                var master = Kit.Query(s.Db, "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'ix\\_stickypi\\_%' ESCAPE '\\' ORDER BY rowid");
                Assert.Equal(UpstreamMaster.Length, master.Count);
                for (int i = 0; i < UpstreamMaster.Length; i++)
                {
                    Assert.Equal(UpstreamMaster[i][0], master[i][0]);
                    Assert.Equal(UpstreamMaster[i][1], master[i][1]);
                    Assert.Equal(UpstreamMaster[i][2], master[i][2]);
                }

                // No table of ours in upstream's database.
                var tables = Kit.Query(s.Db, "SELECT name FROM sqlite_master WHERE type = 'table'").Select(r => (string)r[0]).ToList();
                Assert.Equal(9, tables.Count);
                Assert.DoesNotContain(tables, t => t.StartsWith("stickypi", StringComparison.OrdinalIgnoreCase));
            }
        }

        [Fact]
        public void ImagesAndAnnotationColumnsInUpstreamOrder()
        {
            using (var s = new StoreDir())
            {
                var images = Kit.Query(s.Db, "SELECT name, type, \"notnull\" FROM pragma_table_info('images') ORDER BY cid");
                Assert.Equal(
                    new[] { "datetime_created", "api_version", "api_user_id", "id", "device", "datetime", "md5", "device_version", "width", "height", "lat", "lng", "alt", "temp", "hum", "lum", "bat", "but" },
                    images.Select(r => (string)r[0]).ToArray());
                Assert.Equal(
                    new[] { "DATETIME", "VARCHAR(8)", "INTEGER", "INTEGER", "VARCHAR(8)", "DATETIME", "VARCHAR(32)", "VARCHAR(8)", "SMALLINT", "SMALLINT", "DECIMAL(9, 6)", "DECIMAL(9, 6)", "SMALLINT", "FLOAT", "FLOAT", "FLOAT", "SMALLINT", "BOOLEAN" },
                    images.Select(r => (string)r[1]).ToArray());

                var annotations = Kit.Query(s.Db, "SELECT name FROM pragma_table_info('uid_annotations') ORDER BY cid");
                Assert.Equal(
                    new[] { "datetime_created", "api_version", "api_user_id", "id", "parent_image_id", "algo_name", "algo_version", "n_objects", "json" },
                    annotations.Select(r => (string)r[0]).ToArray());

                var imageIndexes = Kit.Query(s.Db, "SELECT name, \"unique\" FROM pragma_index_list('images')").ToDictionary(r => (string)r[0], r => (long)r[1]);
                Assert.Equal(0, imageIndexes["image_uid"]);
                Assert.Equal(1, imageIndexes["sqlite_autoindex_images_1"]);
                Assert.Equal(new[] { "device", "datetime" },
                    Kit.Query(s.Db, "SELECT name FROM pragma_index_info('sqlite_autoindex_images_1') ORDER BY seqno").Select(r => (string)r[0]).ToArray());

                var fk = Kit.Query(s.Db, "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('uid_annotations')").Single();
                Assert.Equal(new object[] { "images", "parent_image_id", "id", "CASCADE" }, fk);

                var userIndexes = Kit.Query(s.Db, "SELECT name FROM pragma_index_list('users')").Select(r => (string)r[0]).ToList();
                Assert.Contains("ix_users_username", userIndexes);
                Assert.Contains("ix_users_email", userIndexes);

                Assert.Equal("wal", (string)Kit.Query(s.Db, "PRAGMA journal_mode")[0][0]);
                Assert.Empty(Kit.Query(s.Db, "SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'"));
            }
        }

        [Fact]
        public void DdlKeepsSqlAlchemyTextAndOwnIndexesArePrefixed()
        {
            foreach (var obj in CatalogSchema.UpstreamObjects)
            {
                Assert.Contains(" IF NOT EXISTS ", obj.Sql);
                Assert.Contains(UpstreamMaster, m => m[1] == obj.Name && m[2] == obj.StoredSql);
            }

            Assert.All(CatalogSchema.OwnObjects, o => Assert.StartsWith("ix_stickypi_", o.Name));
        }

        [Fact]
        public void OpensCatalogCreatedByUpstreamDdlAndKeepsItsRows()
        {
            using (var dir = new TempDir())
            {
                string db = Path.Combine(dir.Path, "database.db");
                using (var conn = Kit.Raw(db))
                {
                    foreach (var obj in UpstreamMaster)
                    {
                        Exec(conn, obj[2]);
                    }

                    // Rows as SQLAlchemy writes them (local time created, microsecond text datetimes, float alt/bat).
                    Exec(conn, "INSERT INTO images (datetime_created, api_version, api_user_id, device, datetime, md5, device_version, width, height, lat, lng, alt, \"temp\", hum, lum, bat, but) " +
                               "VALUES ('2023-07-31 10:00:00.123456', '0.1.1', NULL, '512858f4', '2022-05-17 18:46:57.000000', 'e737e84d18e778cf367ca050fb96a841', '3.1.0', 4056, 3040, 49.26142, -123.25088, 97.3, 20.6, 42.6, 1.2, 72.0, 1)");
                    Exec(conn, "INSERT INTO uid_annotations (datetime_created, api_version, api_user_id, parent_image_id, algo_name, algo_version, n_objects, json) " +
                               "VALUES ('2023-07-31 10:00:01.000000', '0.1.1', NULL, 1, 'uid', '1-x', 2, '{}')");
                }

                using (var store = LocalStickyStore.Open(dir.Path, createIfMissing: false))
                {
                    var img = store.GetImages(Kit.Admin, new[] { new ImageKey("512858f4", Kit.T(2022, 5, 17, 18, 46, 57)) }).Single();
                    Assert.Equal(1, img.Id);
                    Assert.Equal(97.3, img.Alt);
                    Assert.Equal(72.0, img.Bat);
                    Assert.True(img.But);
                    Assert.Equal(49.26142, img.Lat);
                    Assert.Equal("3.1.0", img.DeviceVersion);
                    Assert.Equal(new DateTime(2023, 7, 31, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234560), img.DateTimeCreated);
                    Assert.Null(img.ApiUserId);

                    var annotation = store.GetUidAnnotations(Kit.Admin, new[] { img.Key }, includeJson: true).Single();
                    Assert.Equal("{}", annotation.Json);
                    Assert.Equal(2, annotation.NObjects);

                    // Our helper indexes were added, upstream's objects left untouched.
                    var master = Kit.Query(db, "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").ToDictionary(r => (string)r[0], r => (string)r[1]);
                    Assert.Contains("ix_stickypi_uid_intents_parent_image_id", master.Keys);
                    Assert.All(UpstreamMaster, m => Assert.Equal(m[2], master[m[1]]));
                }
            }
        }

        [Fact]
        public void RejectsCatalogOfAnotherUpstreamVersion()
        {
            using (var dir = new TempDir())
            {
                using (var conn = Kit.Raw(Path.Combine(dir.Path, "database.db")))
                {
                    // main-branch images table: no lum/bat/but, api_user instead of api_user_id.
                    Exec(conn, "CREATE TABLE images (datetime_created DATETIME NOT NULL, api_version VARCHAR(8), api_user VARCHAR(32), id INTEGER NOT NULL, device VARCHAR(8) NOT NULL, datetime DATETIME NOT NULL, md5 VARCHAR(32) NOT NULL, PRIMARY KEY (id))");
                }

                var e = Assert.Throws<StickyPiException>(() => LocalStickyStore.Open(dir.Path));
                Assert.Equal(StickyErrorIds.StoreCorrupt, e.ErrorId);
                Assert.Contains("api_user_id", e.Message);
            }
        }

        [Fact]
        public void MissingStoreWithoutCreateIsNotFound()
        {
            using (var dir = new TempDir())
            {
                var e = Assert.Throws<StickyPiException>(() => LocalStickyStore.Open(Path.Combine(dir.Path, "nope"), createIfMissing: false));
                Assert.Equal(StickyErrorKind.NotFound, e.Kind);
                Assert.False(Directory.Exists(Path.Combine(dir.Path, "nope")));

                e = Assert.Throws<StickyPiException>(() => LocalStickyStore.Open(dir.Path, createIfMissing: false));
                Assert.Equal(StickyErrorKind.NotFound, e.Kind);
            }
        }

        [Fact]
        public void NotADatabaseIsStoreCorrupt()
        {
            using (var dir = new TempDir())
            {
                File.WriteAllText(Path.Combine(dir.Path, "database.db"), "this is not sqlite, just some text that is long enough to have a header............");
                var e = Assert.Throws<StickyPiException>(() => LocalStickyStore.Open(dir.Path));
                Assert.Equal(StickyErrorIds.StoreCorrupt, e.ErrorId);
            }
        }

        [Fact]
        public void ForeignKeysAreOnForStoreConnections()
        {
            using (var s = new StoreDir())
            using (var conn = s.Store.OpenConnection())
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "PRAGMA foreign_keys";
                Assert.Equal(1L, cmd.ExecuteScalar());
                cmd.CommandText = "PRAGMA busy_timeout";
                Assert.Equal((long)CatalogSchema.BusyTimeoutMilliseconds, cmd.ExecuteScalar());
            }
        }

        private static void Exec(Microsoft.Data.Sqlite.SqliteConnection conn, string sql)
        {
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
        }
    }
}
