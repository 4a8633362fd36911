using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Local
{
    /// <summary>Fake parsed images (the store never decodes bytes) and a temporary store directory.</summary>
    internal static class Kit
    {
        public static readonly CallerIdentity Admin = CallerIdentity.LocalAdministrator;

        public static DateTime T(int year, int month, int day, int hour, int minute, int second) =>
            new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);

        public static (ParsedImage parsed, byte[] bytes) Image(string device, DateTime dateTime, string content = "v1")
        {
            var bytes = Encoding.ASCII.GetBytes("JPEG " + device + " " + dateTime.ToString("o") + " " + content);
            var parsed = new ParsedImage
            {
                Device = device,
                DateTime = dateTime,
                Md5 = Md5(bytes),
                Width = 2592,
                Height = 1944,
                Format = ExifFormat.Legacy2020,
                Temp = 21.899999618530273,
                Hum = 76.80000305175781,
                Thumbnail = Encoding.ASCII.GetBytes("thumb " + content),
                ThumbnailMini = Encoding.ASCII.GetBytes("mini " + content),
            };
            return (parsed, bytes);
        }

        /// <summary>A 2022-format image as in spec §4.5 (fractional alt and bat, button, device version).</summary>
        public static (ParsedImage parsed, byte[] bytes) Image2022(string device, DateTime dateTime)
        {
            var img = Image(device, dateTime, "2022");
            img.parsed.Format = ExifFormat.Csv2022;
            img.parsed.Width = 4056;
            img.parsed.Height = 3040;
            img.parsed.DeviceVersion = "3.1.0";
            img.parsed.Temp = 20.6;
            img.parsed.Hum = 42.6;
            img.parsed.Bat = 72.0;
            img.parsed.Lum = 1.2;
            img.parsed.Lat = 49.26142;
            img.parsed.Lng = -123.25088;
            img.parsed.Alt = 97.3;
            img.parsed.But = true;
            return img;
        }

        public static string Md5(byte[] bytes)
        {
            using (var md5 = MD5.Create())
            {
                return string.Concat(md5.ComputeHash(bytes).Select(b => b.ToString("x2")));
            }
        }

        public static IReadOnlyList<StickyImage> Put(LocalStickyStore store, params (ParsedImage parsed, byte[] bytes)[] images) =>
            store.PutImages(Admin, images);

        public static SqliteConnection Raw(string dbPath)
        {
            var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false }.ToString());
            conn.Open();
            return conn;
        }

        public static List<object[]> Query(string dbPath, string sql)
        {
            using (var conn = Raw(dbPath))
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

        public static long Count(string dbPath, string table) => (long)Query(dbPath, "SELECT COUNT(*) FROM " + table)[0][0];

        /// <summary>Copies a store directory as a crash would leave it (the -shm index is rebuilt by SQLite).</summary>
        public static void Snapshot(string from, string to)
        {
            foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            {
                Directory.CreateDirectory(dir.Replace(from, to));
            }

            foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            {
                if (Path.GetFileName(file) == "session.lock")
                {
                    // Held exclusively by the live store; a crashed process would have left it unlocked.
                    File.WriteAllText(file.Replace(from, to), string.Empty);
                }
                else if (!file.EndsWith("-shm", StringComparison.Ordinal))
                {
                    using (var src = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                    using (var dst = File.Create(file.Replace(from, to)))
                    {
                        src.CopyTo(dst);
                    }
                }
            }
        }

        public static UidAnnotationSubmission Annotation(string device, DateTime dateTime, string md5, string algoVersion = "1598113346-ad2cd78dfaca12821046dfb8994724d5", int objects = 1)
        {
            var annotations = Enumerable.Range(0, objects).Select(i => (object)new Dictionary<string, object>
            {
                ["contour"] = new object[] { new object[] { new object[] { 1 + i, 2 } }, new object[] { new object[] { 3, 4 } } },
                ["name"] = "insect",
                ["value"] = i,
            }).ToList();
            return UidAnnotationSubmission.Create(device, dateTime, md5, "uid", algoVersion, annotations);
        }
    }

    /// <summary>A store in a fresh temporary directory.</summary>
    public sealed class StoreDir : IDisposable
    {
        private readonly TempDir _dir = new TempDir("stickypi-store");

        public StoreDir()
        {
            Store = LocalStickyStore.Open(_dir.Path);
        }

        public string Path => _dir.Path;

        public LocalStickyStore Store { get; private set; }

        public string Db => Store.DatabasePath;

        public LocalStickyStore Reopen()
        {
            Store.Dispose();
            Store = LocalStickyStore.Open(_dir.Path, createIfMissing: false);
            return Store;
        }

        public void Dispose()
        {
            Store.Dispose();
            _dir.Dispose();
        }
    }
}
