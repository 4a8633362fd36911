using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.QueryBench
{
    /// <summary>
    /// The generated catalog: <see cref="DeviceCount"/> traps, one image every 20 minutes each, rows written in capture
    /// order (devices interleaved, as a lab's imports arrive), in the schema <see cref="LocalStickyStore.Open"/> creates.
    /// No image files: queries never open them.
    /// </summary>
    internal static class Catalog
    {
        public const int DeviceCount = 50;
        public static readonly TimeSpan Interval = TimeSpan.FromMinutes(20);
        public static readonly DateTime FirstCapture = new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>The week of queries a and b (inside every device's span for the default size).</summary>
        public static readonly DateTime WeekStart = new DateTime(2024, 6, 3, 0, 0, 0, DateTimeKind.Utc);
        public static readonly DateTime WeekEnd = WeekStart.AddDays(7);

        public static string Device(int n) => ((uint)(0x1a2b3c4d + (n * 0x0137f1a3))).ToString("x8", CultureInfo.InvariantCulture);

        /// <summary>Device n's capture offset within each interval, so devices do not share datetimes.</summary>
        public static TimeSpan Offset(int n) => TimeSpan.FromSeconds((n * 23) % 1200);

        public static DateTime Capture(int device, long index) => FirstCapture + Offset(device) + TimeSpan.FromTicks(Interval.Ticks * index);

        /// <summary>The device of query a: one in the middle of the ordinal order.</summary>
        public static string DeviceA
        {
            get
            {
                var all = new List<string>();
                for (int n = 0; n < DeviceCount; n++)
                {
                    all.Add(Device(n));
                }

                all.Sort(StringComparer.Ordinal);
                return all[DeviceCount / 2];
            }
        }

        /// <summary>Query c: 100 stored (device, datetime) pairs spread over devices and time (fixed seed).</summary>
        public static List<(string Device, DateTime DateTime)> PairsC(long rows)
        {
            var rnd = new Random(13);
            long perDevice = rows / DeviceCount;
            var pairs = new List<(string, DateTime)>();
            for (int n = 0; n < 100; n++)
            {
                int d = rnd.Next(DeviceCount);
                long i = (long)(rnd.NextDouble() * perDevice);
                pairs.Add((Device(d), Capture(d, i)));
            }

            return pairs;
        }

        public static string StoreDir(string root, long rows) => Path.Combine(root, "store-" + rows.ToString(CultureInfo.InvariantCulture));

        /// <summary>Creates the store once; a complete one (marker file) is reused.</summary>
        public static string Ensure(string root, long rows)
        {
            string dir = StoreDir(root, rows);
            string marker = dir + ".complete";
            if (File.Exists(marker))
            {
                return dir;
            }

            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }

            var sw = Stopwatch.StartNew();
            Console.WriteLine($"Generating {rows:N0} images in {dir} ...");
            using (LocalStickyStore.Open(dir))
            {
                // Creates upstream's schema (CatalogSchema) and our two foreign-key indexes, WAL on.
            }

            using (var conn = new SqliteConnection("Data Source=" + Path.Combine(dir, CatalogSchema.DatabaseFileName) + ";Pooling=False"))
            {
                conn.Open();
                using (var pragma = conn.CreateCommand())
                {
                    pragma.CommandText = "PRAGMA synchronous=OFF";
                    pragma.ExecuteNonQuery();
                }

                using (var tx = conn.BeginTransaction())
                using (var cmd = conn.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText =
                        "INSERT INTO images (datetime_created, api_version, api_user_id, device, datetime, md5, device_version, " +
                        "width, height, lat, lng, alt, \"temp\", hum, lum, bat, but) VALUES ($created, '0.1.1', 1, $device, " +
                        "$datetime, $md5, $dv, $w, $h, $lat, $lng, $alt, $temp, $hum, $lum, $bat, $but)";
                    var p = new Dictionary<string, SqliteParameter>();
                    foreach (var name in new[] { "$created", "$device", "$datetime", "$md5", "$dv", "$w", "$h", "$lat", "$lng", "$alt", "$temp", "$hum", "$lum", "$bat", "$but" })
                    {
                        p[name] = cmd.Parameters.Add(name, SqliteType.Text);
                    }

                    cmd.Prepare();
                    var rnd = new Random(42);
                    long perDevice = rows / DeviceCount;
                    var md5 = new char[32];
                    for (long i = 0; i < perDevice; i++)
                    {
                        for (int d = 0; d < DeviceCount; d++)
                        {
                            var at = Capture(d, i);
                            for (int c = 0; c < 32; c++)
                            {
                                md5[c] = "0123456789abcdef"[rnd.Next(16)];
                            }

                            p["$created"].Value = StickyTime.ToDatabase(at.AddMinutes(7).AddTicks(rnd.Next(10_000_000) * 10L));
                            p["$device"].Value = Device(d);
                            p["$datetime"].Value = StickyTime.ToDatabase(at);
                            p["$md5"].Value = new string(md5);
                            p["$dv"].Value = d % 5 == 0 ? "1.0.0" : "2.1.3";
                            p["$w"].Value = 2592L;
                            p["$h"].Value = 1944L;
                            p["$lat"].Value = 51.5 + d * 0.001;
                            p["$lng"].Value = -0.12 - d * 0.001;
                            p["$alt"].Value = 40L + d;
                            p["$temp"].Value = Math.Round(15 + rnd.NextDouble() * 15, 1);
                            p["$hum"].Value = Math.Round(40 + rnd.NextDouble() * 50, 1);
                            p["$lum"].Value = (double)rnd.Next(4000);
                            p["$bat"].Value = (long)rnd.Next(20, 101);
                            p["$but"].Value = (long)(rnd.Next(50) == 0 ? 1 : 0);
                            cmd.ExecuteNonQuery();
                        }
                    }

                    tx.Commit();
                }

                using (var cp = conn.CreateCommand())
                {
                    cp.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                    cp.ExecuteNonQuery();
                }
            }

            SqliteConnection.ClearAllPools();
            File.WriteAllText(marker, DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture));
            Console.WriteLine($"Generated in {sw.Elapsed.TotalSeconds:F1} s, {new FileInfo(Path.Combine(dir, CatalogSchema.DatabaseFileName)).Length / 1048576.0:F0} MiB.");
            return dir;
        }
    }
}
