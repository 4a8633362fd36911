using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MySqlConnector;
using StickyPi.Catalog.MariaDb;
using StickyPi.Catalog.Tests.Support;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.Tests
{
    /// <summary>
    /// Image rows: generated images imported into an embedded store, their rows written into upstream's MariaDB schema
    /// as upstream's server writes them, and both catalogs asked the same questions give the same images.
    /// </summary>
    [Collection(MariaDbCollection.Name)]
    public sealed class MariaDbImageTests : IDisposable
    {
        private readonly MariaDbFixture _db;
        private readonly string _dir = TestPaths.NewTempDir("stickypi-mariadb-images");

        public MariaDbImageTests(MariaDbFixture db) => _db = db;

        public void Dispose() => TestPaths.DeleteDir(_dir);

        [SkippableFact]
        public void KeysAndSeriesGiveTheEmbeddedStoresImagesForTheSameRows()
        {
            _db.Require();
            var t0 = EmbeddedSample.T0;
            var admin = CallerIdentity.LocalAdministrator;
            List<StickyImage> embedded;
            using (var store = EmbeddedSample.Import(_dir))
            {
                embedded = EmbeddedSample.All(store);
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

        private static IEnumerable<string> Lines(IEnumerable<StickyImage> images) => EmbeddedSample.Lines(images);
    }
}
