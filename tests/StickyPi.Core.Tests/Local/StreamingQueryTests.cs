using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Tests.Support;
using Xunit;

namespace StickyPi.Core.Tests.Local
{
    /// <summary>
    /// Streamed queries (issue 13): the same rows in the same order as the materialising reader they replace, on a
    /// generated catalog with SQLite's loose typing; and an enumeration stopped early leaves no reader behind.
    /// </summary>
    public class StreamingQueryTests
    {
        private static readonly string[] Devices = { "0a5b1c2d", "1f2e3d4c", "9abcdef0", "Ab12Cd34" };

        [Fact]
        public void Series_and_key_queries_give_the_rows_and_order_of_the_reference_reader()
        {
            using var dir = new StoreDir();
            int rows = Generate(dir.Db, perDevice: 800);
            var store = dir.Store;
            var admin = Kit.Admin;

            var all = store.EnumerateImageSeries(admin, new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue)).ToList();
            Assert.Equal(rows, all.Count);
            Assert.Equal(Reference(dir.Db, "%", DateTime.MinValue, DateTime.MaxValue), all.Select(Describe).ToList());

            var from = new DateTime(2024, 6, 2, 3, 0, 0, DateTimeKind.Utc);
            var to = from.AddDays(3);
            var window = store.EnumerateImageSeries(admin, new ImageSeriesQuery("%b%", from, to)).Select(Describe).ToList();
            Assert.NotEmpty(window);
            Assert.Equal(Reference(dir.Db, "%b%", from, to), window);

            // The list methods are the same sequences, materialised.
            Assert.Equal(window, store.GetImageSeries(admin, new ImageSeriesQuery("%b%", from, to)).Select(Describe).ToList());

            // Keys: a handful (one chunk, sorted) and more than a chunk (sorted as a whole), with unknown keys mixed in.
            var keys = all.Where((_, n) => n % 5 == 0).Select(i => i.Key).Reverse()
                .Concat(new[] { new ImageKey("0a5b1c2d", new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc)) }).ToList();
            Assert.True(keys.Count > SqliteRows.ChunkSize);
            var expected = all.Where((_, n) => n % 5 == 0).Select(Describe).OrderBy(d => d, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, store.EnumerateImages(admin, keys).Select(Describe).OrderBy(d => d, StringComparer.Ordinal).ToList());
            Assert.Equal(all.Where((_, n) => n % 5 == 0).Select(Describe).ToList(), store.EnumerateImages(admin, keys).Select(Describe).ToList());
            var few = keys.Take(5).ToList();
            Assert.Equal(all.Where(i => few.Contains(i.Key)).Select(Describe).ToList(), store.GetImages(admin, few).Select(Describe).ToList());
        }

        [Fact]
        public void Loose_typing_reads_as_before_numbers_as_text_reals_in_integer_columns_and_nulls()
        {
            using var dir = new StoreDir();
            Generate(dir.Db, perDevice: 40);
            var image = dir.Store.EnumerateImageSeries(Kit.Admin, new ImageSeriesQuery("0a5b1c2d", DateTime.MinValue, DateTime.MaxValue)).ToList();

            // Row 0 of each device: alt 97.3 in a SMALLINT column, bat 72 in a SMALLINT column, temp as INTEGER in FLOAT.
            Assert.Equal(97.3, image[0].Alt);
            Assert.Equal(72.0, image[0].Bat);
            // Row 1: unparsable text in numeric columns reads as null, numeric text as its number, 'true' as a button press.
            Assert.Null(image[1].Temp);
            Assert.Equal(12.5, image[1].Hum);
            Assert.True(image[1].But);
            Assert.Equal(2592, image[1].Width);
            // Row 2: NULLs everywhere they are allowed, a datetime stored without a fraction.
            Assert.Null(image[2].Lat);
            Assert.Null(image[2].But);
            Assert.Null(image[2].DeviceVersion);
            Assert.Null(image[2].ApiUserId);
            Assert.Equal(0, image[2].DateTime.Millisecond);
            Assert.Equal(DateTimeKind.Utc, image[2].DateTime.Kind);
        }

        [Fact]
        public void An_enumeration_stopped_early_closes_its_reader_so_a_checkpoint_and_a_writer_go_through_at_once()
        {
            using var dir = new StoreDir();
            Generate(dir.Db, perDevice: 500);
            var query = new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue);

            using var other = Open(dir.Db);
            Write(other); // frames in the WAL that the streaming reader's snapshot will use

            var e = dir.Store.EnumerateImageSeries(Kit.Admin, query).GetEnumerator();
            for (int n = 0; n < 10; n++)
            {
                Assert.True(e.MoveNext());
            }

            // While the reader is open its snapshot pins the WAL: a truncating checkpoint cannot finish.
            Write(other);
            Assert.Equal(1L, Checkpoint(other));

            e.Dispose();
            Assert.Equal(0L, Checkpoint(other));
            Write(other);
            Assert.False(e.MoveNext());

            // The same through foreach/Take (what Select-Object -First does to the pipeline).
            Assert.Equal(10, dir.Store.EnumerateImageSeries(Kit.Admin, query).Take(10).Count());
            Write(other);
            Assert.Equal(0L, Checkpoint(other));
        }

        [Fact]
        public void A_utf16_catalog_reads_the_same_rows_as_the_reference_reader()
        {
            // Text is read in place only from UTF-8 catalogs; any other encoding goes through SQLite's conversion.
            using var dir = new TempDir("stickypi-utf16");
            string db = System.IO.Path.Combine(dir.Path, CatalogSchema.DatabaseFileName);
            using (var conn = Open(db))
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "PRAGMA encoding='UTF-16le'; CREATE TABLE placeholder (x INTEGER); DROP TABLE placeholder;";
                cmd.ExecuteNonQuery();
                cmd.CommandText = "PRAGMA encoding";
                Assert.Equal("UTF-16le", cmd.ExecuteScalar());
            }

            using var store = LocalStickyStore.Open(dir.Path, createIfMissing: false);
            Generate(db, perDevice: 60);
            var all = store.EnumerateImageSeries(Kit.Admin, new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue)).Select(Describe).ToList();
            Assert.Equal(Devices.Length * 60, all.Count);
            Assert.Equal(Reference(db, "%", DateTime.MinValue, DateTime.MaxValue), all);
        }

        [Fact]
        public void Enumerations_interleaved_or_on_parallel_threads_each_read_their_own_rows()
        {
            // Each enumeration holds its own read handle (opened without SQLite's mutex) until it is disposed.
            using var dir = new StoreDir();
            Generate(dir.Db, perDevice: 300);
            var store = dir.Store;
            var everything = new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue);
            var oneDevice = new ImageSeriesQuery("1f2e3d4c", DateTime.MinValue, DateTime.MaxValue);
            var expectedAll = Reference(dir.Db, "%", DateTime.MinValue, DateTime.MaxValue);
            var expectedOne = Reference(dir.Db, "1f2e3d4c", DateTime.MinValue, DateTime.MaxValue);

            var a = new List<string>();
            var b = new List<string>();
            using (var ea = store.EnumerateImageSeries(Kit.Admin, everything).GetEnumerator())
            using (var eb = store.EnumerateImageSeries(Kit.Admin, oneDevice).GetEnumerator())
            {
                bool moreA = true, moreB = true;
                while (moreA || moreB)
                {
                    if (moreA && (moreA = ea.MoveNext()))
                    {
                        a.Add(Describe(ea.Current));
                    }

                    if (moreB && (moreB = eb.MoveNext()))
                    {
                        b.Add(Describe(eb.Current));
                    }
                }
            }

            Assert.Equal(expectedAll, a);
            Assert.Equal(expectedOne, b);

            var results = new List<string>[8];
            System.Threading.Tasks.Parallel.For(0, results.Length, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 4 }, n =>
                results[n] = store.EnumerateImageSeries(Kit.Admin, n % 2 == 0 ? everything : oneDevice).Select(Describe).ToList());
            for (int n = 0; n < results.Length; n++)
            {
                Assert.Equal(n % 2 == 0 ? expectedAll : expectedOne, results[n]);
            }
        }

        [Fact]
        public void An_enumeration_still_open_when_the_store_is_disposed_closes_its_handle_at_the_end()
        {
            using var dir = new StoreDir();
            Generate(dir.Db, perDevice: 50);
            var e = dir.Store.EnumerateImageSeries(Kit.Admin, new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue)).GetEnumerator();
            Assert.True(e.MoveNext());
            dir.Store.Dispose();
            e.Dispose();

            // Nothing of the store holds the catalog: a writer gets the exclusive lock at once (busy timeout 0).
            using var other = Open(dir.Db);
            using var cmd = other.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode=DELETE";
            Assert.Equal("delete", cmd.ExecuteScalar());
        }

        [Fact]
        public void Access_and_arguments_are_checked_when_the_query_is_made_not_when_it_is_read()
        {
            using var dir = new StoreDir();
            var reader = new CallerIdentity(7, "reader", canWrite: false, isAdmin: false);
            Assert.Throws<ArgumentNullException>(() => dir.Store.EnumerateImageSeries(Kit.Admin, null));
            Assert.Throws<ArgumentOutOfRangeException>(() => dir.Store.EnumerateImageSeries(Kit.Admin, new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue), (ImageFileKind)42));
            Assert.Throws<ArgumentNullException>(() => dir.Store.EnumerateImages(Kit.Admin, null));
            Assert.Empty(dir.Store.EnumerateImageSeries(reader, new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue)));
        }

        /// <summary>
        /// The rows as the materialising reader read them: every column boxed (GetValue) and converted with the
        /// invariant culture, datetimes with ParseExact, one query per device in ordinal order, then by datetime.
        /// </summary>
        private static List<string> Reference(string db, string like, DateTime start, DateTime end)
        {
            var result = new List<string>();
            using var conn = Open(db);
            var devices = new List<string>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT DISTINCT device FROM images WHERE device LIKE $p ESCAPE '\\' ORDER BY device";
                cmd.Parameters.AddWithValue("$p", like);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    devices.Add(r.GetString(0));
                }
            }

            devices.Sort(StringComparer.Ordinal);
            foreach (var device in devices)
            {
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "SELECT " + SqliteRows.ImageColumns + " FROM images AS i WHERE i.device = $d AND i.datetime >= $a AND i.datetime < $b ORDER BY i.datetime";
                cmd.Parameters.AddWithValue("$d", device);
                cmd.Parameters.AddWithValue("$a", SqliteRows.Bound(start));
                cmd.Parameters.AddWithValue("$b", SqliteRows.Bound(end));
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    object V(string c) => r.GetValue(r.GetOrdinal(c));
                    var img = new StickyImage
                    {
                        Id = Long(V("id")),
                        Device = Str(V("device")),
                        DateTime = StickyTime.Normalize(Date(V("datetime"))),
                        Md5 = Str(V("md5")),
                        DeviceVersion = Str(V("device_version")),
                        Width = (int)(Long(V("width")) ?? 0),
                        Height = (int)(Long(V("height")) ?? 0),
                        Lat = Dbl(V("lat")),
                        Lng = Dbl(V("lng")),
                        Alt = Dbl(V("alt")),
                        Temp = Dbl(V("temp")),
                        Hum = Dbl(V("hum")),
                        Lum = Dbl(V("lum")),
                        Bat = Dbl(V("bat")),
                        But = V("but") switch { DBNull _ => (bool?)null, long l => l != 0, double d => d != 0, string s => s == "1" || s.Equals("true", StringComparison.OrdinalIgnoreCase), _ => null },
                        DateTimeCreated = Date(V("datetime_created")),
                        ApiVersion = Str(V("api_version")),
                        ApiUserId = Long(V("api_user_id")),
                    };
                    result.Add(Describe(img));
                }
            }

            return result;
        }

        private static string Str(object v) => v is DBNull ? null : Convert.ToString(v, CultureInfo.InvariantCulture);

        private static long? Long(object v) => v switch
        {
            DBNull _ => null,
            long l => l,
            double d => (long)d,
            string s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : (long?)null,
            _ => null,
        };

        private static double? Dbl(object v) => v switch
        {
            DBNull _ => null,
            double d => d,
            long l => l,
            string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : (double?)null,
            _ => null,
        };

        private static DateTime Date(object v) => v is DBNull
            ? default
            : DateTime.ParseExact((string)v, new[] { "yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF" },
                CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

        private static string Describe(StickyImage i) => string.Join("|", new object[]
        {
            i.Id, i.Device, i.DateTime.ToString("o", CultureInfo.InvariantCulture), i.DateTime.Kind, i.Md5, i.DeviceVersion, i.Width, i.Height,
            R(i.Lat), R(i.Lng), R(i.Alt), R(i.Temp), R(i.Hum), R(i.Lum), R(i.Bat), i.But,
            i.DateTimeCreated.ToString("o", CultureInfo.InvariantCulture), i.DateTimeCreated.Kind, i.ApiVersion, i.ApiUserId, i.Url,
        }.Select(o => o?.ToString() ?? "<null>"));

        private static string R(double? d) => d?.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>
        /// Rows written straight into the catalog, devices interleaved in capture order as imports arrive, with the
        /// storage classes upstream's writers leave: fractions and whole seconds, numbers in text, reals in integer
        /// columns and NULLs. Row k of each device follows the pattern k % 3 (see the loose-typing test).
        /// </summary>
        private static int Generate(string db, int perDevice)
        {
            using var conn = Open(db);
            using var tx = conn.BeginTransaction();
            using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO images (datetime_created, api_version, api_user_id, device, datetime, md5, device_version, " +
                "width, height, lat, lng, alt, \"temp\", hum, lum, bat, but) VALUES ($c, $av, $u, $d, $t, $m, $dv, $w, $h, $lat, $lng, $alt, $temp, $hum, $lum, $bat, $but)";
            var names = new[] { "$c", "$av", "$u", "$d", "$t", "$m", "$dv", "$w", "$h", "$lat", "$lng", "$alt", "$temp", "$hum", "$lum", "$bat", "$but" };
            var p = names.ToDictionary(n => n, n => cmd.Parameters.Add(n, SqliteType.Text));
            var rnd = new Random(11);
            var start = new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc);
            int count = 0;
            for (int k = 0; k < perDevice; k++)
            {
                for (int d = 0; d < Devices.Length; d++)
                {
                    var at = start.AddMinutes(20 * k).AddSeconds(d * 37);
                    int kind = k % 3;
                    p["$c"].Value = at.AddMinutes(3).AddTicks(rnd.Next(1, 9_999_999) * 10L).ToString(kind == 2 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
                    p["$av"].Value = "0.1.1";
                    p["$u"].Value = kind == 2 ? DBNull.Value : (object)(long)(1 + d);
                    p["$d"].Value = Devices[d];
                    p["$t"].Value = at.ToString(kind == 2 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
                    p["$m"].Value = Guid.NewGuid().ToString("N");
                    p["$dv"].Value = kind == 2 ? DBNull.Value : (object)"2.1.3";
                    p["$w"].Value = kind == 1 ? (object)"2592" : 2592L;
                    p["$h"].Value = 1944L;
                    p["$lat"].Value = kind == 2 ? DBNull.Value : (object)(49.26142 + (rnd.NextDouble() / 1000));
                    p["$lng"].Value = kind == 2 ? DBNull.Value : (object)-123.25088;
                    p["$alt"].Value = kind == 0 ? (object)97.3 : 40L;
                    p["$temp"].Value = kind == 0 ? (object)21L : kind == 1 ? "n/a" : (object)(20 + rnd.NextDouble());
                    p["$hum"].Value = kind == 1 ? (object)"12.5" : Math.Round(rnd.NextDouble() * 100, 1);
                    p["$lum"].Value = kind == 2 ? DBNull.Value : (object)(double)rnd.Next(4000);
                    p["$bat"].Value = kind == 0 ? (object)72.0 : (long)rnd.Next(100);
                    p["$but"].Value = kind == 1 ? (object)"true" : kind == 2 ? DBNull.Value : 0L;
                    cmd.ExecuteNonQuery();
                    count++;
                }
            }

            tx.Commit();
            return count;
        }

        private static SqliteConnection Open(string db)
        {
            var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false, DefaultTimeout = 0 }.ToString());
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA busy_timeout=0";
            cmd.ExecuteNonQuery();
            return conn;
        }

        private static void Write(SqliteConnection conn)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "INSERT INTO users (datetime_created, username, password_hash) VALUES ('2024-01-01 00:00:00.000000', $n, 'x')";
            cmd.Parameters.AddWithValue("$n", "writer-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }

        /// <summary>The busy flag of a truncating checkpoint: 1 while some reader still uses the WAL.</summary>
        private static long Checkpoint(SqliteConnection conn)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var r = cmd.ExecuteReader();
            Assert.True(r.Read());
            return r.GetInt64(0);
        }
    }
}
