using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.Core.Model;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Tuboids
{
    /// <summary>The fixture series of spec Appendix A (generated stand-in, or the shared one) and copies that tests may alter.</summary>
    internal static class TuboidKit
    {
        public const string SeriesName = "08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.1606980656-91e2199fccf371d3d690b2856613e8f5";

        public static readonly CallerIdentity Writer = new CallerIdentity(5, "writer", canWrite: true, isAdmin: false);
        public static readonly CallerIdentity Reader = new CallerIdentity(42, "reader", canWrite: false, isAdmin: false);
        public static readonly CallerIdentity Admin = new CallerIdentity(1, "admin", canWrite: true, isAdmin: true);

        public static readonly DateTime SeriesStart = T(2020, 7, 8, 20, 0, 0);
        public static readonly DateTime SeriesEnd = T(2020, 7, 9, 15, 0, 0);

        /// <summary>Appendix A: suffix, id_in_series, n_shots, start, end.</summary>
        public static readonly (string Suffix, int Id, int Shots, DateTime Start, DateTime End)[] Expected =
        {
            ("0000", 0, 53, T(2020, 7, 8, 22, 16, 46), T(2020, 7, 9, 14, 31, 22)),
            ("0028", 28, 37, T(2020, 7, 9, 3, 16, 42), T(2020, 7, 9, 14, 31, 22)),
            ("0029", 29, 36, T(2020, 7, 9, 3, 16, 42), T(2020, 7, 9, 14, 31, 22)),
            ("0030", 30, 25, T(2020, 7, 9, 3, 16, 42), T(2020, 7, 9, 12, 38, 56)),
            ("0031", 31, 27, T(2020, 7, 9, 3, 35, 26), T(2020, 7, 9, 11, 42, 43)),
            ("0034", 34, 11, T(2020, 7, 9, 10, 9, 1), T(2020, 7, 9, 13, 16, 25)),
        };

        /// <summary>The generated stand-in series (same names and Appendix A values as the shared fixture series).</summary>
        public static string SeriesDir => Path.Combine(StandIns.TiledTuboids, SeriesName);

        /// <summary>The shared fixture series itself (../shared/fixtures; tests using it are [FixtureFact]s).</summary>
        public static string RealSeriesDir => Path.Combine(TestPaths.TiledTuboids, SeriesName);

        /// <summary>The stand-in series' six tuboid directories, in name order.</summary>
        public static List<string> FixtureTuboids => TuboidsIn(SeriesDir);

        public static List<string> TuboidsIn(string seriesDir) => Directory.GetDirectories(seriesDir).OrderBy(d => d, StringComparer.Ordinal).ToList();

        /// <summary>Upstream tests' series_info.</summary>
        public static TuboidSeriesInfo Info(int? tuboids = 6, int? images = 10) => new TuboidSeriesInfo
        {
            Device = "08038ade",
            StartDateTime = SeriesStart,
            EndDateTime = SeriesEnd,
            TuboidCount = tuboids,
            ImageCount = images,
            AlgoName = "test",
            AlgoVersion = "11111111-19191919",
        };

        public static DateTime T(int y, int mo, int d, int h, int mi, int s) => new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc);

        /// <summary>Copies fixture tuboid directories under <paramref name="root"/> (same names).</summary>
        public static List<string> CopyTuboids(string root, params string[] suffixes)
        {
            var result = new List<string>();
            foreach (var src in FixtureTuboids.Where(d => suffixes.Length == 0 || suffixes.Any(s => d.EndsWith("." + s, StringComparison.Ordinal))))
            {
                string dst = Path.Combine(root, SeriesName, Path.GetFileName(src));
                CopyDir(src, dst);
                result.Add(dst);
            }

            return result;
        }

        public static void CopyDir(string src, string dst)
        {
            Directory.CreateDirectory(dst);
            foreach (var f in Directory.GetFiles(src))
            {
                File.Copy(f, Path.Combine(dst, Path.GetFileName(f)), true);
            }
        }

        /// <summary>Every file under the store's tiled_tuboids folder, relative to it.</summary>
        public static List<string> StoredFiles(string storeRoot)
        {
            string dir = Path.Combine(storeRoot, "tiled_tuboids");
            return Directory.Exists(dir)
                ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => f.Substring(dir.Length + 1)).OrderBy(f => f, StringComparer.Ordinal).ToList()
                : new List<string>();
        }
    }
}
