using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Dapper;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.QueryBench
{
    /// <summary>
    /// Baselines in this process: the store's SQL through Microsoft.Data.Sqlite alone (every column read with a typed
    /// getter, nothing built), the same rows mapped by Dapper into <see cref="StickyImage"/>, and the core's own API.
    /// </summary>
    internal static class DotNetQueries
    {
        private const string Columns =
            "i.id AS id, i.device AS device, i.datetime AS datetime, i.md5 AS md5, i.device_version AS device_version, " +
            "i.width AS width, i.height AS height, i.lat AS lat, i.lng AS lng, i.alt AS alt, i.\"temp\" AS \"temp\", " +
            "i.hum AS hum, i.lum AS lum, i.bat AS bat, i.but AS but, i.datetime_created AS datetime_created, " +
            "i.api_version AS api_version, i.api_user_id AS api_user_id";

        private const string SeriesSql = "SELECT " + Columns + " FROM images AS i WHERE i.device = $device AND i.datetime >= $start AND i.datetime < $end ORDER BY i.datetime";

        private const string KeySql = "WITH k(d, a, b) AS (VALUES ($d0, $a0, $b0)) SELECT " + Columns +
            " FROM k CROSS JOIN images AS i WHERE i.device = k.d AND i.datetime >= k.a AND i.datetime < k.b";

        /// <summary>Only the Microsoft.Data.Sqlite column (for quick settings experiments).</summary>
        public static bool RawOnly;

        public static void Run(string storeDir, long rows, int calls)
        {
            string db = Path.Combine(storeDir, CatalogSchema.DatabaseFileName);
            var pairs = Catalog.PairsC(rows);
            var caller = CallerIdentity.LocalAdministrator;
            Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
            SqlMapper.AddTypeHandler(new TextDateTimeHandler());

            using (var conn = new SqliteConnection("Data Source=" + db + ";Mode=ReadOnly"))
            using (var store = LocalStickyStore.Open(storeDir, createIfMissing: false))
            {
                conn.Open();
                string pragmas = Environment.GetEnvironmentVariable("STICKYPI_BENCH_RAW_PRAGMAS");
                if (!string.IsNullOrEmpty(pragmas))
                {
                    conn.Execute(pragmas);
                    Console.WriteLine("(raw and Dapper connection: " + pragmas + ")");
                }

                var devices = Devices(conn);
                string a = Catalog.DeviceA;
                Console.WriteLine("| query | Microsoft.Data.Sqlite alone | Dapper → StickyImage | core API (LocalStickyStore) | rows |");
                Console.WriteLine("|---|---|---|---|---|");
                if (Environment.GetEnvironmentVariable("STICKYPI_BENCH_PROFILE") is string profile && profile.Length > 0)
                {
                    // perf record target: one query in a loop.
                    if (profile == "rawb")
                    {
                        var rb = Median(() => Raw(conn, Devices(conn), Catalog.WeekStart, Catalog.WeekEnd), calls, 1);
                        Console.WriteLine($"profile {profile}: {rb.Ms:F1} ms, CPU {rb.CpuMs:F1} ms");
                        return;
                    }

                    if (profile == "c" || profile == "rawc")
                    {
                        var pc = profile == "c"
                            ? Median(() => pairs.Sum(p => store.EnumerateImages(caller, new[] { new ImageKey(p.Device, p.DateTime) }).Count()), calls, 3)
                            : Median(() => pairs.Sum(p => RawKey(conn, p.Device, p.DateTime)), calls, 3);
                        Console.WriteLine($"profile {profile}: {pc.Ms:F2} ms, CPU {pc.CpuMs:F2} ms");
                        return;
                    }

                    var q = profile == "whole" ? new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue) : new ImageSeriesQuery("%", Catalog.WeekStart, Catalog.WeekEnd);
                    long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
                    var prof = Median(() => store.EnumerateImageSeries(caller, q).LongCount(), calls, 1);
                    double perRow = (GC.GetTotalAllocatedBytes(precise: true) - allocated0) / (double)((calls + 1) * prof.Rows);
                    Console.WriteLine($"profile {profile}: {prof.Ms:F1} ms, CPU {prof.CpuMs:F1} ms, {perRow:F0} bytes allocated per row");
                    return;
                }

                Row("a. one device, one week", calls,
                    () => Raw(conn, new[] { a }, Catalog.WeekStart, Catalog.WeekEnd),
                    () => ViaDapper(conn, new[] { a }, Catalog.WeekStart, Catalog.WeekEnd),
                    () => store.EnumerateImageSeries(caller, new ImageSeriesQuery(a, Catalog.WeekStart, Catalog.WeekEnd)).LongCount());
                Row("b. all devices, one week", calls,
                    () => Raw(conn, Devices(conn), Catalog.WeekStart, Catalog.WeekEnd),
                    () => ViaDapper(conn, Devices(conn), Catalog.WeekStart, Catalog.WeekEnd),
                    () => store.EnumerateImageSeries(caller, new ImageSeriesQuery("%", Catalog.WeekStart, Catalog.WeekEnd)).LongCount());
                Row("c. 100 pairs, one query each", calls,
                    () => pairs.Sum(p => RawKey(conn, p.Device, p.DateTime)),
                    () => pairs.Sum(p => conn.Query<StickyImage>(KeySql.Replace("$", "@"), new { d0 = p.Device, a0 = Bound(p.DateTime), b0 = Bound(p.DateTime.AddSeconds(1)) }).Count()),
                    () => pairs.Sum(p => store.EnumerateImages(caller, new[] { new ImageKey(p.Device, p.DateTime) }).Count()));
                Row("whole catalog", 3,
                    () => Raw(conn, Devices(conn), DateTime.MinValue, DateTime.MaxValue),
                    () => ViaDapper(conn, Devices(conn), DateTime.MinValue, DateTime.MaxValue),
                    () => store.EnumerateImageSeries(caller, new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue)).LongCount(), warm: 1);
                Console.WriteLine($"(load {Program.Load()}; the core API opens a pooled connection per call, the others reuse one read-only connection)");
            }
        }

        private static void Row(string what, int calls, Func<long> raw, Func<long> dapper, Func<long> core, int warm = 3)
        {
            var r = Median(raw, calls, warm);
            var d = RawOnly ? default : Median(dapper, calls, warm);
            var c = RawOnly ? default : Median(core, calls, warm);
            string Cell((double Ms, double CpuMs, long Rows) m) =>
                $"{m.Ms:F2} ms (CPU {m.CpuMs:F2} ms)" + (what == "whole catalog" && m.Ms > 0 ? $", {m.Rows / (m.Ms / 1000):N0} rows/s" : string.Empty);
            Console.WriteLine($"| {what} | {Cell(r)} | {Cell(d)} | {Cell(c)} | {r.Rows:N0} / {d.Rows:N0} / {c.Rows:N0} |");
        }

        /// <summary>Median wall time and median process CPU time (robust to a loaded machine) of warm calls.</summary>
        private static (double Ms, double CpuMs, long Rows) Median(Func<long> body, int calls, int warm)
        {
            long rows = 0;
            for (int i = 0; i < warm; i++)
            {
                rows = body();
            }

            var times = new List<double>();
            var cpu = new List<double>();
            var process = Process.GetCurrentProcess();
            for (int i = 0; i < calls; i++)
            {
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                rows = body();
                times.Add(sw.Elapsed.TotalMilliseconds);
                process.Refresh();
                cpu.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
            }

            times.Sort();
            cpu.Sort();
            return (times[(times.Count - 1) / 2], cpu[(cpu.Count - 1) / 2], rows);
        }

        private static List<string> Devices(SqliteConnection conn)
        {
            // The store's device hop: one index seek per distinct device.
            var list = new List<string>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT device FROM images WHERE device > $p ORDER BY device LIMIT 1";
                var p = cmd.Parameters.AddWithValue("$p", string.Empty);
                while (cmd.ExecuteScalar() is string next)
                {
                    list.Add(next);
                    p.Value = next;
                }
            }

            return list;
        }

        private static long Raw(SqliteConnection conn, IEnumerable<string> devices, DateTime start, DateTime end)
        {
            long n = 0;
            double sink = 0;
            using (var tx = conn.BeginTransaction(deferred: true))
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = SeriesSql;
                var pd = cmd.Parameters.Add("$device", SqliteType.Text);
                cmd.Parameters.AddWithValue("$start", Bound(start));
                cmd.Parameters.AddWithValue("$end", Bound(end));
                foreach (var d in devices)
                {
                    pd.Value = d;
                    using (var r = cmd.ExecuteReader())
                    {
                        while (r.Read())
                        {
                            sink += ReadAll(r);
                            n++;
                        }
                    }
                }

                tx.Commit();
            }

            return sink == double.NaN ? -1 : n;
        }

        private static long RawKey(SqliteConnection conn, string device, DateTime at)
        {
            long n = 0;
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = KeySql;
                cmd.Parameters.AddWithValue("$d0", device);
                cmd.Parameters.AddWithValue("$a0", Bound(at));
                cmd.Parameters.AddWithValue("$b0", Bound(at.AddSeconds(1)));
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        ReadAll(r);
                        n++;
                    }
                }
            }

            return n;
        }

        /// <summary>Every column with its typed getter (strings decoded, numbers unboxed): the floor of any mapping.</summary>
        private static double ReadAll(SqliteDataReader r)
        {
            double s = r.GetInt64(0);
            s += r.GetString(1).Length + r.GetString(2).Length + r.GetString(3).Length;
            s += r.IsDBNull(4) ? 0 : r.GetString(4).Length;
            s += r.GetInt64(5) + r.GetInt64(6);
            for (int o = 7; o <= 13; o++)
            {
                s += r.IsDBNull(o) ? 0 : r.GetDouble(o);
            }

            s += r.IsDBNull(14) ? 0 : r.GetInt64(14);
            s += r.GetString(15).Length;
            s += r.IsDBNull(16) ? 0 : r.GetString(16).Length;
            s += r.IsDBNull(17) ? 0 : r.GetInt64(17);
            return s;
        }

        private static long ViaDapper(SqliteConnection conn, IEnumerable<string> devices, DateTime start, DateTime end)
        {
            long n = 0;
            string sql = SeriesSql.Replace("$", "@");
            foreach (var d in devices)
            {
                foreach (var img in conn.Query<StickyImage>(sql, new { device = d, start = Bound(start), end = Bound(end) }, buffered: false))
                {
                    n += img.Width > 0 ? 1 : 0;
                }
            }

            return n;
        }

        private static string Bound(DateTime value)
        {
            var utc = DateTime.SpecifyKind(value, DateTimeKind.Utc);
            return utc.Ticks % TimeSpan.TicksPerSecond == 0
                ? utc.ToString(StickyTime.DatabaseSecondsFormat, CultureInfo.InvariantCulture)
                : StickyTime.ToDatabase(utc);
        }

        /// <summary>Dapper's hook for the catalog's DATETIME text (what a Dapper-based store would need).</summary>
        private sealed class TextDateTimeHandler : SqlMapper.TypeHandler<DateTime>
        {
            public override DateTime Parse(object value) => StickyTime.FromDatabase((string)value);

            public override void SetValue(System.Data.IDbDataParameter parameter, DateTime value) => parameter.Value = StickyTime.ToDatabase(value);
        }
    }
}
