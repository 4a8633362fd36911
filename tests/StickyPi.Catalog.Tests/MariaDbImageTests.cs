using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MySqlConnector;
using StickyPi.Catalog.MariaDb;
using StickyPi.Catalog.Tests.Support;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.SampleData;

namespace StickyPi.Catalog.Tests
{
    /// <summary>
    /// Image rows: generated images imported into an embedded store, their rows written into upstream's MariaDB schema
    /// as upstream's server writes them, and both catalogs asked the same questions give the same images.
    /// </summary>
    public sealed class MariaDbImageTests : IClassFixture<MariaDbFixture>, IDisposable
    {
        private readonly MariaDbFixture _db;
        private readonly string _dir = TestPaths.NewTempDir("stickypi-mariadb-images");

        public MariaDbImageTests(MariaDbFixture db) => _db = db;

        public void Dispose() => TestPaths.DeleteDir(_dir);

        [SkippableFact]
        public void KeysAndSeriesGiveTheEmbeddedStoresImagesForTheSameRows()
        {
            _db.Require();
            var t0 = new DateTime(2020, 7, 5, 20, 0, 0, DateTimeKind.Utc);
            var input = System.IO.Path.Combine(_dir, "input");
            System.IO.Directory.CreateDirectory(input);
            int n = 0;
            foreach (var (device, format) in new[] { ("5c173ff2", SampleFormat.Legacy2020), ("1b74105a", SampleFormat.Csv2022), ("0a5bb6f4", SampleFormat.Csv2022) })
            {
                for (int i = 0; i < 4; i++, n++)
                {
                    SampleImages.WriteImage(input, device, t0.AddMinutes(20 * i + n), format, 320, 240, 500 + n);
                }
            }

            var admin = CallerIdentity.LocalAdministrator;
            List<StickyImage> embedded;
            using (var store = LocalStickyStore.Open(System.IO.Path.Combine(_dir, "store")))
            {
                using (var importer = new ImageImporter(store, admin))
                {
                    foreach (var f in System.IO.Directory.GetFiles(input))
                    {
                        importer.Post(f);
                    }

                    Assert.All(importer.Drain(), r => Assert.True(r.Status == ImportStatus.Sent, r.Path + ": " + r.Reason));
                }

                embedded = store.GetImageSeries(admin, new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue)).ToList();
            }

            var cs = _db.NewDatabase();
            var catalog = MariaDbCatalog.Open(cs);
            using (var conn = new MySqlConnection(cs))
            {
                conn.Open();
                foreach (var img in embedded)
                {
                    Insert(conn, img);
                }
            }

            Assert.Equal(12, embedded.Count);
            Assert.Equal(string.Join("\n", Lines(embedded)), string.Join("\n", Lines(catalog.GetImageSeries(admin, new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue)))));
            var window = new ImageSeriesQuery("5c17%", t0.AddMinutes(20), t0.AddMinutes(61)); // half-open: the image at +60 min is in, +83 out
            Assert.Equal(Lines(embedded.Where(i => i.Device == "5c173ff2" && i.DateTime >= window.Start && i.DateTime < window.End)), Lines(catalog.GetImageSeries(admin, window)));
            Assert.Equal(2, catalog.GetImageSeries(admin, window).Count);

            var asked = new[] { embedded[3].Key, embedded[7].Key, new ImageKey("ffffffff", t0), embedded[3].Key, new ImageKey(embedded[0].Device.ToUpperInvariant(), embedded[0].DateTime) };
            Assert.Equal(Lines(new[] { embedded[3], embedded[7] }.OrderBy(i => i.Device, StringComparer.Ordinal)), Lines(catalog.GetImages(admin, asked)));
            Assert.Equal(embedded[5].Md5, catalog.GetStoredMd5(embedded[5].Key));
            Assert.Null(catalog.GetStoredMd5(new ImageKey(embedded[5].Device, embedded[5].DateTime.AddSeconds(1))));
            Assert.Equal(embedded.ToDictionary(i => i.Key, i => i.Md5), catalog.GetStoredMd5s(embedded.Select(i => i.Key).Concat(new[] { new ImageKey("ffffffff", t0) })));
        }

        /// <summary>A row as upstream's server writes it (DATETIME, DECIMAL(9,6), FLOAT, TINYINT(1)).</summary>
        private static void Insert(MySqlConnection conn, StickyImage i)
        {
            using (var cmd = new MySqlCommand("INSERT INTO images (datetime_created, api_version, api_user_id, id, device, datetime, md5, device_version, width, height, " +
                "lat, lng, alt, `temp`, hum, lum, bat, but) VALUES (@created, @version, @user, @id, @device, @datetime, @md5, @dv, @w, @h, @lat, @lng, @alt, @temp, @hum, @lum, @bat, @but)", conn))
            {
                cmd.Parameters.AddWithValue("@created", i.DateTimeCreated);
                cmd.Parameters.AddWithValue("@version", (object)i.ApiVersion ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@user", (object)i.ApiUserId ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@id", i.Id);
                cmd.Parameters.AddWithValue("@device", i.Device);
                cmd.Parameters.AddWithValue("@datetime", i.DateTime);
                cmd.Parameters.AddWithValue("@md5", i.Md5);
                cmd.Parameters.AddWithValue("@dv", (object)i.DeviceVersion ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@w", i.Width);
                cmd.Parameters.AddWithValue("@h", i.Height);
                foreach (var (name, value) in new[] { ("@lat", i.Lat), ("@lng", i.Lng), ("@alt", i.Alt), ("@temp", i.Temp), ("@hum", i.Hum), ("@lum", i.Lum), ("@bat", i.Bat) })
                {
                    cmd.Parameters.AddWithValue(name, (object)value ?? DBNull.Value);
                }

                cmd.Parameters.AddWithValue("@but", i.But == null ? (object)DBNull.Value : (i.But.Value ? 1 : 0));
                cmd.ExecuteNonQuery();
            }
        }

        /// <summary>
        /// Every field of each image but the file location (which comes from the storage, not the catalog). The creation
        /// time to the second: upstream's MariaDB DATETIME keeps whole seconds, where the embedded store keeps microseconds.
        /// </summary>
        private static IEnumerable<string> Lines(IEnumerable<StickyImage> images) => images.Select(i => string.Join("|",
            i.Id, i.Device, i.DateTime.ToString("o"), i.DateTime.Kind, i.Md5, i.DeviceVersion, i.Width, i.Height,
            F(i.Lat), F(i.Lng), Whole(i.Alt), Single(i.Temp), Single(i.Hum), Single(i.Lum), Whole(i.Bat), i.But,
            StickyTime.Normalize(i.DateTimeCreated).ToString("o"), i.DateTimeCreated.Kind, i.ApiVersion, i.ApiUserId)).ToList();

        private static string F(double? d) => d?.ToString("R", CultureInfo.InvariantCulture) ?? "null";

        /// <summary>
        /// A FLOAT column (temp, hum, lum) as MariaDB gives it back, in its shortest text (20.1), as upstream's server reads
        /// it and as our server renders the embedded store's 20.100000381469727 (the single the EXIF parser produced).
        /// </summary>
        private static string Single(double? d) => d == null ? "null" : ((float)d.Value).ToString("R", CultureInfo.InvariantCulture);

        /// <summary>A SMALLINT column (alt, bat): MariaDB rounds what it is given, where SQLite keeps 128.4 as it came.</summary>
        private static string Whole(double? d) => F(d == null ? (double?)null : Math.Round(d.Value, MidpointRounding.AwayFromZero));
    }
}
