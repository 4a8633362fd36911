using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace StickyPi.SampleData
{
    /// <summary>
    /// Writes a tiled-tuboid series folder like the ones upstream's tuboid tiler makes (and like the shared fixture
    /// series of spec Appendix A): <c>&lt;series&gt;/&lt;series&gt;.&lt;NNNN&gt;/{tuboid.jpg, metadata.txt, context.jpg}</c>,
    /// where metadata.txt has one <c>&lt;device&gt;.&lt;YYYY-MM-DD_HH-MM-SS&gt;,x,y,scale</c> line per shot. Deterministic.
    /// </summary>
    public static class SampleTuboids
    {
        /// <summary>The fixture series' name (device 08038ade, 2020-07-08 20:00 to 2020-07-09 15:00, algorithm version).</summary>
        public const string FixtureSeriesName = "08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.1606980656-91e2199fccf371d3d690b2856613e8f5";

        /// <summary>The fixture series' tuboids (Appendix A): suffix, shots, first and last shot, so stand-ins give the same values.</summary>
        public static readonly IReadOnlyList<(string Suffix, int Shots, DateTime Start, DateTime End)> FixtureTuboids = new[]
        {
            ("0000", 53, Utc(2020, 7, 8, 22, 16, 46), Utc(2020, 7, 9, 14, 31, 22)),
            ("0028", 37, Utc(2020, 7, 9, 3, 16, 42), Utc(2020, 7, 9, 14, 31, 22)),
            ("0029", 36, Utc(2020, 7, 9, 3, 16, 42), Utc(2020, 7, 9, 14, 31, 22)),
            ("0030", 25, Utc(2020, 7, 9, 3, 16, 42), Utc(2020, 7, 9, 12, 38, 56)),
            ("0031", 27, Utc(2020, 7, 9, 3, 35, 26), Utc(2020, 7, 9, 11, 42, 43)),
            ("0034", 11, Utc(2020, 7, 9, 10, 9, 1), Utc(2020, 7, 9, 13, 16, 25)),
        };

        /// <summary>
        /// A stand-in for the fixture series under <paramref name="root"/>: same series and tuboid names, and metadata
        /// giving the same shot counts and first/last shots; small generated JPEGs. Returns the series folder.
        /// </summary>
        public static string WriteFixtureSeries(string root) => WriteSeries(root, FixtureSeriesName, FixtureTuboids);

        /// <summary>Writes one series folder with the given tuboids; returns its path.</summary>
        public static string WriteSeries(string root, string seriesName, IEnumerable<(string Suffix, int Shots, DateTime Start, DateTime End)> tuboids)
        {
            var device = seriesName.Substring(0, seriesName.IndexOf('.'));
            var series = Path.Combine(root, seriesName);
            var seed = 1;
            foreach (var (suffix, shots, start, end) in tuboids)
            {
                var dir = Path.Combine(series, seriesName + "." + suffix);
                Directory.CreateDirectory(dir);
                File.WriteAllBytes(Path.Combine(dir, "tuboid.jpg"), SampleImages.CreateJpegWithoutExif(224, 224, seed));
                File.WriteAllBytes(Path.Combine(dir, "context.jpg"), SampleImages.CreateJpegWithoutExif(320, 240, seed + 1000));
                File.WriteAllText(Path.Combine(dir, "metadata.txt"), Metadata(device, shots, start, end, seed), new UTF8Encoding(false));
                seed++;
            }

            return series;
        }

        /// <summary>metadata.txt: <paramref name="shots"/> lines from <paramref name="start"/> to <paramref name="end"/>, evenly spaced.</summary>
        public static string Metadata(string device, int shots, DateTime start, DateTime end, int seed)
        {
            var rng = new Random(seed);
            var text = new StringBuilder();
            double x = 200 + rng.Next(0, 2000), y = 100 + rng.Next(0, 1500);
            for (var i = 0; i < shots; i++)
            {
                var t = shots == 1 ? start : start.AddSeconds(Math.Round((end - start).TotalSeconds * i / (shots - 1)));
                text.Append(device).Append('.').Append(t.ToString("yyyy-MM-dd_HH-mm-ss", CultureInfo.InvariantCulture))
                    .Append(',').Append((x + rng.NextDouble() * 10).ToString("F6", CultureInfo.InvariantCulture))
                    .Append(',').Append((y + rng.NextDouble() * 10).ToString("F6", CultureInfo.InvariantCulture))
                    .Append(',').Append((0.9 + rng.NextDouble() * 1.5).ToString("F6", CultureInfo.InvariantCulture))
                    .Append('\n');
            }

            return text.ToString();
        }

        private static DateTime Utc(int y, int mo, int d, int h, int mi, int s) => new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc);
    }

    /// <summary>
    /// Writes an ML bundle folder like the shared fixture bundle: <c>config/config.yaml</c>,
    /// <c>config/mask_rcnn_R_101_C4_3x.yaml</c> and five <c>data/&lt;device&gt;.&lt;datetime&gt;.svg</c> annotation files
    /// (generated text of about the fixture files' sizes, 2.5-3 MB per SVG; not the fixture's bytes). Deterministic.
    /// </summary>
    public static class SampleMlBundle
    {
        /// <summary>The fixture bundle's seven keys (relative paths with '/').</summary>
        public static readonly IReadOnlyList<string> FixtureKeys = new[]
        {
            "config/config.yaml",
            "config/mask_rcnn_R_101_C4_3x.yaml",
            "data/0a5bb6f4.2020-06-30_20-41-05.svg",
            "data/0a5bb6f4.2020-07-02_18-59-29.svg",
            "data/0a5bb6f4.2020-07-03_05-35-30.svg",
            "data/1b74105a.2020-09-17_13-50-40.svg",
            "data/5c173ff2.2020-07-05_20-33-31.svg",
        };

        /// <summary>Writes the seven files under <paramref name="root"/>; returns their paths in key order.</summary>
        public static IReadOnlyList<string> Write(string root)
        {
            var paths = new List<string>();
            var seed = 1;
            foreach (var key in FixtureKeys)
            {
                var path = Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path));
                File.WriteAllText(path, key.EndsWith(".svg", StringComparison.Ordinal) ? Svg(seed) : Yaml(key, seed), new UTF8Encoding(false));
                paths.Add(path);
                seed++;
            }

            return paths;
        }

        private static string Yaml(string key, int seed) =>
            "# generated stand-in for " + key + "\n_BASE_: \"Base-RCNN-C4.yaml\"\nMODEL:\n  MASK_ON: True\n  RESNETS:\n    DEPTH: 101\n" +
            "SOLVER:\n  BASE_LR: 0.00" + seed.ToString(CultureInfo.InvariantCulture) + "\n  MAX_ITER: " + (1000 * seed).ToString(CultureInfo.InvariantCulture) + "\n" +
            "INPUT:\n  MIN_SIZE_TRAIN: (1024,)\n  MAX_SIZE_TRAIN: 2048\n" + new string('#', 200 * seed) + "\n";

        private static string Svg(int seed)
        {
            var rng = new Random(seed);
            var svg = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2592\" height=\"1944\">\n");
            var shapes = 22000 + rng.Next(0, 4000); // ~2.5-3 MB, like the fixture bundle's annotation files
            for (var i = 0; i < shapes; i++)
            {
                svg.Append("  <path style=\"fill:none;stroke:#0000ff\" d=\"M").Append(rng.Next(0, 2592)).Append(',').Append(rng.Next(0, 1944));
                for (var p = 0; p < 6; p++)
                {
                    svg.Append(" l").Append(rng.Next(-30, 30)).Append(',').Append(rng.Next(-30, 30));
                }

                svg.Append(" z\"/>\n");
            }

            return svg.Append("</svg>\n").ToString();
        }
    }
}
