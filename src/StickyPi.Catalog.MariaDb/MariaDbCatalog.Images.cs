using System;
using System.Collections.Generic;
using System.Linq;
using MySqlConnector;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.MariaDb
{
    /// <summary>
    /// Image rows (spec §2.1, §3.1) in upstream's <c>images</c> table, read through the embedded store's one row mapping
    /// (<c>SqliteRows.ReadImage</c> over an ADO.NET reader), so both catalogs give the same objects for the same rows.
    /// File locations come with the composite that joins this catalog to its file storage.
    /// </summary>
    public sealed partial class MariaDbCatalog
    {
        /// <summary>The columns the shared image mapper reads, under its names (backticks: MariaDB's quoting).</summary>
        private const string ImageColumns =
            "i.id AS id, i.device AS device, i.datetime AS datetime, i.md5 AS md5, i.device_version AS device_version, " +
            "i.width AS width, i.height AS height, i.lat AS lat, i.lng AS lng, i.alt AS alt, i.`temp` AS `temp`, " +
            "i.hum AS hum, i.lum AS lum, i.bat AS bat, i.but AS but, i.datetime_created AS datetime_created, " +
            "i.api_version AS api_version, i.api_user_id AS api_user_id";

        /// <summary>The stored md5 of an image, or null when no image has this key.</summary>
        public string GetStoredMd5(ImageKey key) => GetStoredMd5s(new[] { key }).TryGetValue(key, out var md5) ? md5 : null;

        /// <summary>The stored md5s of those keys that have an image.</summary>
        public IDictionary<ImageKey, string> GetStoredMd5s(IEnumerable<ImageKey> keys) =>
            ImagesByKeys(keys).ToDictionary(i => i.Key, i => i.Md5);

        /// <summary>Images with exactly these (device, second) keys; unknown keys are absent. Sorted by device, datetime.</summary>
        public IReadOnlyList<StickyImage> GetImages(CallerIdentity caller, IEnumerable<ImageKey> keys)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetImages);
            return Sorted(ImagesByKeys(keys));
        }

        /// <summary>
        /// Images whose device matches the LIKE pattern (escape <c>\</c>; case-insensitive under upstream's collation) and
        /// whose datetime is in the half-open window <c>[Start, End)</c>, sorted by device, datetime.
        /// </summary>
        public IReadOnlyList<StickyImage> GetImageSeries(CallerIdentity caller, ImageSeriesQuery query)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetImages);
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            return Sorted(Run(conn =>
            {
                using (var cmd = new MySqlCommand("SELECT " + ImageColumns + " FROM images AS i WHERE i.device LIKE @device ESCAPE '\\\\' " +
                    "AND i.datetime >= @start AND i.datetime < @end", conn))
                {
                    BindSeries(cmd, query);
                    return ReadImages(cmd);
                }
            }));
        }

        // ---------------------------------------------------------------- helpers

        private List<StickyImage> ImagesByKeys(IEnumerable<ImageKey> keys)
        {
            var list = (keys ?? throw new ArgumentNullException(nameof(keys))).Where(k => k.Device != null).Distinct().ToList();
            return list.Count == 0 ? new List<StickyImage>() : Run(conn => ImagesByKeys(conn, null, list, forUpdate: false));
        }

        /// <summary>The images with exactly these keys (a device differing in case is another key), optionally locked for the transaction.</summary>
        private static List<StickyImage> ImagesByKeys(MySqlConnection conn, MySqlTransaction tx, List<ImageKey> keys, bool forUpdate)
        {
            var images = new List<StickyImage>();
            // DATETIME holds whole seconds here, so a key matches its row exactly; 500 keys per statement.
            foreach (var chunk in SqliteRows.Chunk(keys, SqliteRows.ChunkSize))
            {
                using (var cmd = new MySqlCommand { Connection = conn, Transaction = tx })
                {
                    var pairs = new List<string>();
                    for (int i = 0; i < chunk.Count; i++)
                    {
                        pairs.Add("(@d" + i + ", @t" + i + ")");
                        cmd.Parameters.AddWithValue("@d" + i, chunk[i].Device);
                        cmd.Parameters.AddWithValue("@t" + i, StickyTime.Normalize(chunk[i].DateTime));
                    }

                    cmd.CommandText = "SELECT " + ImageColumns + " FROM images AS i WHERE (i.device, i.datetime) IN (" + string.Join(", ", pairs) + ")" +
                        (forUpdate ? " FOR UPDATE" : string.Empty);
                    var wanted = new HashSet<ImageKey>(chunk);
                    images.AddRange(ReadImages(cmd).Where(img => wanted.Contains(img.Key)));
                }
            }

            return images;
        }

        /// <summary>The images with these ids.</summary>
        private static List<StickyImage> ImagesByIds(MySqlConnection conn, MySqlTransaction tx, IReadOnlyList<long> ids)
        {
            var images = new List<StickyImage>(ids.Count);
            foreach (var chunk in SqliteRows.Chunk(ids, SqliteRows.ChunkSize))
            {
                using (var cmd = new MySqlCommand("SELECT " + ImageColumns + " FROM images AS i WHERE i.id IN (" + string.Join(", ", chunk) + ")", conn, tx))
                {
                    images.AddRange(ReadImages(cmd));
                }
            }

            return images;
        }

        /// <summary>A series query's device pattern and half-open window; the bounds keep their fractions (an image at 12:00:00 is before an end of 12:00:00.5).</summary>
        private static void BindSeries(MySqlCommand cmd, ImageSeriesQuery query)
        {
            cmd.Parameters.AddWithValue("@device", query.DeviceLikePattern);
            cmd.Parameters.AddWithValue("@start", StickyTime.AsUtc(query.Start));
            cmd.Parameters.AddWithValue("@end", StickyTime.AsUtc(query.End));
        }

        private static List<StickyImage> ReadImages(MySqlCommand cmd)
        {
            var images = new List<StickyImage>();
            using (var reader = cmd.ExecuteReader())
            {
                var row = new RowReader(reader);
                while (row.Read())
                {
                    images.Add(SqliteRows.ReadImage(row));
                }
            }

            return images;
        }

        /// <summary>Device in ordinal order, then time, as the embedded store sorts (upstream's collation would ignore case).</summary>
        private static IReadOnlyList<StickyImage> Sorted(List<StickyImage> images) =>
            images.OrderBy(i => i.Device, StringComparer.Ordinal).ThenBy(i => i.DateTime).ToList();
    }
}
