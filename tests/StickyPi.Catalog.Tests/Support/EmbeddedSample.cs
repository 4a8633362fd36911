using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.SampleData;

namespace StickyPi.Catalog.Tests.Support
{
    /// <summary>Generated images of three devices (both file-name formats) imported into an embedded store, the reference both catalogs are held to.</summary>
    internal static class EmbeddedSample
    {
        public static readonly DateTime T0 = new DateTime(2020, 7, 5, 20, 0, 0, DateTimeKind.Utc);

        /// <summary>Imports 12 images (4 per device) into a new store under <paramref name="dir"/> and returns the store, open.</summary>
        public static LocalStickyStore Import(string dir)
        {
            var input = Path.Combine(dir, "input");
            Directory.CreateDirectory(input);
            int n = 0;
            foreach (var (device, format) in new[] { ("5c173ff2", SampleFormat.Legacy2020), ("1b74105a", SampleFormat.Csv2022), ("0a5bb6f4", SampleFormat.Csv2022) })
            {
                for (int i = 0; i < 4; i++, n++)
                {
                    SampleImages.WriteImage(input, device, T0.AddMinutes(20 * i + n), format, 320, 240, 500 + n);
                }
            }

            var store = LocalStickyStore.Open(Path.Combine(dir, "store"));
            using (var importer = new ImageImporter(store, CallerIdentity.LocalAdministrator))
            {
                foreach (var f in Directory.GetFiles(input).OrderBy(f => f, StringComparer.Ordinal))
                {
                    importer.Post(f);
                }

                Assert.All(importer.Drain(), r => Assert.True(r.Status == ImportStatus.Sent, r.Path + ": " + r.Reason));
            }

            return store;
        }

        public static List<StickyImage> All(LocalStickyStore store) =>
            store.GetImageSeries(CallerIdentity.LocalAdministrator, new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue)).ToList();

        /// <summary>
        /// Every field of each image but the file location (which comes from the storage, not the catalog); without
        /// <paramref name="storedFields"/> also without what the catalog sets (id, creation time, user). The creation time
        /// to the second: upstream's MariaDB DATETIME keeps whole seconds, where the embedded store keeps microseconds.
        /// </summary>
        public static List<string> Lines(IEnumerable<StickyImage> images, bool storedFields = true) => images.Select(i => string.Join("|",
            storedFields ? i.Id : null, i.Device, i.DateTime.ToString("o"), i.DateTime.Kind, i.Md5, i.DeviceVersion, i.Width, i.Height,
            F(i.Lat), F(i.Lng), Whole(i.Alt), Single(i.Temp), Single(i.Hum), Single(i.Lum), Whole(i.Bat), i.But,
            storedFields ? StickyTime.Normalize(i.DateTimeCreated).ToString("o") : null, i.DateTimeCreated.Kind, i.ApiVersion, storedFields ? i.ApiUserId : null)).ToList();

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
