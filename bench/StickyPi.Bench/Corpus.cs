using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using StickyPi.SampleData;

namespace StickyPi.Bench
{
    /// <summary>A fixture image the corpus is copied from.</summary>
    internal sealed class Fixture
    {
        public string Path;
        public byte[] Bytes;
        public int Width;
        public int Height;
        public bool Is2022;
    }

    /// <summary>What a synthesised corpus holds.</summary>
    internal sealed class CorpusInfo
    {
        public string Directory;
        public int Count;
        public int Count5Mp;
        public int Count12Mp;
        public long Bytes;
        public double Seconds;
    }

    /// <summary>
    /// Builds benchmark corpora. Copies of the fixture JPEGs get unique bytes (a COM segment inserted after the
    /// leading APPn segments, so JFIF and EXIF stay exactly as they were and the JPEG stays valid) and unique valid
    /// names: <c>&lt;device&gt;.&lt;yyyy-MM-dd_HH-mm-ss&gt;.jpg</c>, 8-hex-digit devices, shots 20 minutes apart.
    /// </summary>
    internal static class Corpus
    {
        public const string DefaultFixtures = "/work/shared/fixtures/raw_images";

        // Four devices per camera generation; shots of one device 20 minutes apart.
        private static readonly string[] Devices2020 = { "b5a20001", "b5a20002", "b5a20003", "b5a20004" };
        private static readonly string[] Devices2022 = { "c12b2201", "c12b2202", "c12b2203", "c12b2204" };
        private static readonly DateTime Start2020 = new DateTime(2020, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        private static readonly DateTime Start2022 = new DateTime(2022, 5, 1, 0, 0, 0, DateTimeKind.Utc);

        public static List<Fixture> LoadFixtures(string directory)
        {
            if (!System.IO.Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException("Fixture folder not found: " + directory + " (use --fixtures DIR).");
            }

            var list = new List<Fixture>();
            foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*.jpg", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
            {
                var bytes = File.ReadAllBytes(path);
                if (!TryFrameSize(bytes, out var w, out var h))
                {
                    continue;
                }

                list.Add(new Fixture { Path = path, Bytes = bytes, Width = w, Height = h, Is2022 = w * h > 8_000_000 });
            }

            if (!list.Any(f => !f.Is2022) || !list.Any(f => f.Is2022))
            {
                throw new InvalidOperationException("The fixture folder needs both 5 MP (2020) and 12 MP (2022) JPEGs: " + directory);
            }

            return list;
        }

        /// <summary>The mix: 175 × 5 MP + 65 × 12 MP for 240, scaled.</summary>
        public static (int n5, int n12) Mix(int n)
        {
            int n12 = (int)Math.Round(n * 65.0 / 240.0, MidpointRounding.AwayFromZero);
            return (n - n12, n12);
        }

        public static CorpusInfo Synthesize(string directory, IReadOnlyList<Fixture> fixtures, int n, int salt)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var (n5, n12) = Mix(n);
            var f5 = fixtures.Where(f => !f.Is2022).ToArray();
            var f12 = fixtures.Where(f => f.Is2022).ToArray();
            System.IO.Directory.CreateDirectory(directory);
            long total = 0;
            var jobs = Enumerable.Range(0, n5).Select(i => (gen2022: false, i)).Concat(Enumerable.Range(0, n12).Select(i => (gen2022: true, i))).ToArray();
            Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, job =>
            {
                var source = job.gen2022 ? f12[job.i % f12.Length] : f5[job.i % f5.Length];
                var devices = job.gen2022 ? Devices2022 : Devices2020;
                var device = devices[job.i % devices.Length];
                var utc = (job.gen2022 ? Start2022 : Start2020).AddMinutes(20.0 * (job.i / devices.Length));
                var comment = string.Format(CultureInfo.InvariantCulture, "StickyPi.Bench copy {0}/{1} salt {2} of {3}",
                    job.gen2022 ? "12mp" : "5mp", job.i, salt, Path.GetFileName(source.Path));
                var bytes = WithComment(source.Bytes, comment);
                var dir = Path.Combine(directory, device);
                System.IO.Directory.CreateDirectory(dir);
                File.WriteAllBytes(Path.Combine(dir, SampleImages.FileName(device, utc)), bytes);
                System.Threading.Interlocked.Add(ref total, bytes.Length);
            });

            return new CorpusInfo { Directory = directory, Count = n, Count5Mp = n5, Count12Mp = n12, Bytes = total, Seconds = sw.Elapsed.TotalSeconds };
        }

        /// <summary>Small generated images (SampleData, both EXIF formats) for the many-files no-op scenario.</summary>
        public static CorpusInfo SynthesizeSmall(string directory, int n, int width, int height)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            System.IO.Directory.CreateDirectory(directory);
            long total = 0;
            var devices = new[] { "d0000001", "d0000002", "d0000003", "d0000004", "d0000005", "d0000006", "d0000007", "d0000008" };
            var start = new DateTime(2021, 3, 1, 0, 0, 0, DateTimeKind.Utc);

            // One encoded card per format, made unique per copy with a COM segment (encoding 10,000 cards costs minutes).
            var templates = new[]
            {
                SampleImages.CreateJpeg(width, height, 11, SampleMetadata.Random(new Random(11), SampleFormat.Legacy2020, start, gps: true).ToExif()),
                SampleImages.CreateJpeg(width, height, 12, SampleMetadata.Random(new Random(12), SampleFormat.Csv2022, start, gps: true).ToExif()),
            };
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                var device = devices[i % devices.Length];
                var utc = start.AddMinutes(20.0 * (i / devices.Length));
                var bytes = WithComment(templates[i % 2], "StickyPi.Bench small copy " + i.ToString(CultureInfo.InvariantCulture));
                var dir = Path.Combine(directory, device);
                System.IO.Directory.CreateDirectory(dir);
                File.WriteAllBytes(Path.Combine(dir, SampleImages.FileName(device, utc)), bytes);
                System.Threading.Interlocked.Add(ref total, bytes.Length);
            });

            return new CorpusInfo { Directory = directory, Count = n, Bytes = total, Seconds = sw.Elapsed.TotalSeconds };
        }

        /// <summary>Inserts a COM segment after SOI and any APPn/COM segments that follow it.</summary>
        public static byte[] WithComment(byte[] jpeg, string text)
        {
            if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
            {
                throw new InvalidDataException("Not a JPEG.");
            }

            int p = 2;
            while (p + 4 <= jpeg.Length && jpeg[p] == 0xFF && ((jpeg[p + 1] >= 0xE0 && jpeg[p + 1] <= 0xEF) || jpeg[p + 1] == 0xFE))
            {
                p += 2 + ((jpeg[p + 2] << 8) | jpeg[p + 3]);
            }

            var payload = Encoding.ASCII.GetBytes(text);
            int segLen = payload.Length + 2;
            var result = new byte[jpeg.Length + 2 + segLen];
            Buffer.BlockCopy(jpeg, 0, result, 0, p);
            result[p] = 0xFF;
            result[p + 1] = 0xFE;
            result[p + 2] = (byte)(segLen >> 8);
            result[p + 3] = (byte)segLen;
            Buffer.BlockCopy(payload, 0, result, p + 4, payload.Length);
            Buffer.BlockCopy(jpeg, p, result, p + 4 + payload.Length, jpeg.Length - p);
            return result;
        }

        /// <summary>Width and height from the first SOFn marker.</summary>
        public static bool TryFrameSize(byte[] jpeg, out int width, out int height)
        {
            width = height = 0;
            if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
            {
                return false;
            }

            int p = 2;
            while (p + 9 < jpeg.Length)
            {
                if (jpeg[p] != 0xFF)
                {
                    return false;
                }

                byte m = jpeg[p + 1];
                int len = (jpeg[p + 2] << 8) | jpeg[p + 3];
                if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC)
                {
                    height = (jpeg[p + 5] << 8) | jpeg[p + 6];
                    width = (jpeg[p + 7] << 8) | jpeg[p + 8];
                    return true;
                }

                p += 2 + len;
            }

            return false;
        }

        public static string Md5Hex(byte[] bytes)
        {
            using (var md5 = MD5.Create())
            {
                return Convert.ToHexString(md5.ComputeHash(bytes)).ToLowerInvariant();
            }
        }
    }
}
