using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.ImageBench
{
    /// <summary>
    /// <c>nice -n 10 dotnet run -c Release --project bench/StickyPi.ImageBench -- [--n 240] [--rounds 5] [--workers 1]</c>
    /// <para>
    /// Compares, on the import bench's corpus (175 × 5 MP + 65 × 12 MP copies of the fixtures), what the parser does
    /// per image — MD5, EXIF, decode, 512×384 thumbnail, 128×96 mini, both JPEG-encoded at quality 75 — with
    /// SkiaSharp (the baseline), with TurboJPEG (the parser's default where libturbojpeg is installed) and with
    /// SixLabors.ImageSharp 2.1.13 doing the decode, resizes and encodes. Each decoder runs in a child process of
    /// its own, so its peak RSS is its own. Then every decoder gets crafted files (truncated scan, 65535×65535 SOF,
    /// zero-size frame, garbage after valid EXIF) in a child watched by this process: killed past 3 GiB RSS or 60 s.
    /// </para>
    /// </summary>
    internal static class Program
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
        private static readonly string[] Decoders = { "skia", "turbo", "imagesharp", "exif-only" };
        private const long RssCapBytes = 3L << 30;

        private static int Main(string[] args)
        {
            if (args.Length >= 3 && args[0] == "--child")
            {
                return Child(args[1], args[2], args.Skip(3).ToArray());
            }

            int n = IntArg(args, "--n", 240), passes = IntArg(args, "--rounds", 5), workers = IntArg(args, "--workers", 1);
            string fixtures = StringArg(args, "--fixtures", Bench.Corpus.DefaultFixtures);
            string work = Path.Combine(Path.GetTempPath(), "stickypi-imagebench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            try
            {
                var machine = Bench.MachineInfo.Describe();
                Console.WriteLine("# ImageSharp 2.1.13 against SkiaSharp + TurboJPEG, " + DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", Inv) + " UTC");
                Console.WriteLine("machine: " + machine.Summary + "; SkiaSharp " + machine.SkiaSharp + "; ImageSharp " + FileVersionInfo.GetVersionInfo(typeof(Image).Assembly.Location).ProductVersion);
                Console.WriteLine("load average (1 min) at start: " + Bench.MachineInfo.LoadAverage() + "; TurboJPEG available: " + TurboJpeg.IsAvailable);
                var fixtureList = Bench.Corpus.LoadFixtures(fixtures);
                var corpus = Bench.Corpus.Synthesize(Path.Combine(work, "corpus"), fixtureList, n, salt: 7);
                Console.WriteLine($"corpus: {corpus.Count} images ({corpus.Count5Mp} × 5 MP, {corpus.Count12Mp} × 12 MP), {corpus.Bytes / 1e6:F0} MB; {passes} rounds of one timed pass per decoder after a warm-up, {workers} worker(s)");
                Console.WriteLine();

                // Rounds interleave the decoders (one timed pass each per round), and each ratio is taken within its
                // round: on a shared machine the load moves between rounds, less within one.
                var rounds = new List<Dictionary<string, Dictionary<string, string>>>();
                for (int round = 0; round < passes; round++)
                {
                    rounds.Add(Decoders.ToDictionary(d => d, d => RunChild(d, "throughput", new[] { corpus.Directory, "1", workers.ToString(Inv) }, out _)));
                }

                Console.WriteLine("| decoder | images/s (median round) | ms/image | vs SkiaSharp (median of per-round ratios) | per-round ratios | peak RSS MB (max) | thumbnails as the parser's | load avg per round |");
                Console.WriteLine("|---|---:|---:|---:|---|---:|---|---|");
                foreach (string decoder in Decoders)
                {
                    var rates = rounds.Select(r => Double(r[decoder], "img_per_s")).ToList();
                    var ratios = rounds.Select(r => Double(r[decoder], "img_per_s") / Double(r["skia"], "img_per_s")).ToList();
                    double rate = Median(rates);
                    Console.WriteLine($"| {decoder} | {rate:F1} | {1000 / rate:F1} | {Median(ratios):F2}× | {string.Join(", ", ratios.Select(x => x.ToString("F2", Inv)))} | {rounds.Max(r => Double(r[decoder], "peak_rss_mb")):F0} | {Get(rounds[0][decoder], "sizes")} | {string.Join(", ", rounds.Select(r => Get(r[decoder], "load")))} |");
                }

                Console.WriteLine();
                var crafted = Crafted.Write(Path.Combine(work, "crafted"), fixtureList);
                Console.WriteLine("| file | " + string.Join(" | ", Decoders.Take(3)) + " |");
                Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---|", 3)));
                foreach (var (name, path) in crafted)
                {
                    var cells = new List<string>();
                    foreach (string decoder in Decoders.Take(3))
                    {
                        var r = RunChild(decoder, "crafted", new[] { path }, out string killed);
                        cells.Add(killed ?? $"{Get(r, "outcome")} ({Double(r, "ms"):F0} ms, peak RSS {Double(r, "peak_rss_mb"):F0} MB)");
                    }

                    Console.WriteLine("| " + name + " | " + string.Join(" | ", cells) + " |");
                }

                Console.WriteLine();
                Console.WriteLine("load average (1 min) at end: " + Bench.MachineInfo.LoadAverage());
                return 0;
            }
            finally
            {
                if (Directory.Exists(work))
                {
                    Directory.Delete(work, recursive: true);
                }
            }
        }

        /// <summary>Runs one measurement in a child process, killing it past <see cref="RssCapBytes"/> or 60 s.</summary>
        private static Dictionary<string, string> RunChild(string decoder, string mode, string[] args, out string killed)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath, new[] { typeof(Program).Assembly.Location, "--child", decoder, mode }.Concat(args))
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            if (Environment.ProcessPath != null && Path.GetFileNameWithoutExtension(Environment.ProcessPath) != "dotnet")
            {
                start = new ProcessStartInfo(Environment.ProcessPath, new[] { "--child", decoder, mode }.Concat(args)) { RedirectStandardOutput = true, UseShellExecute = false };
            }

            start.Environment[TurboJpeg.DecoderVariable] = decoder == "skia" ? "skia" : string.Empty;
            using (var child = Process.Start(start))
            {
                var output = child.StandardOutput.ReadToEndAsync();
                var clock = Stopwatch.StartNew();
                long peak = 0;
                killed = null;
                while (!child.WaitForExit(20))
                {
                    peak = Math.Max(peak, RssOf(child.Id));
                    TimeSpan limit = mode == "crafted" ? TimeSpan.FromSeconds(60) : TimeSpan.FromMinutes(20);
                    if (peak > RssCapBytes || clock.Elapsed > limit)
                    {
                        child.Kill(entireProcessTree: true);
                        child.WaitForExit();
                        killed = peak > RssCapBytes
                            ? $"killed: RSS passed {RssCapBytes >> 30} GiB after {clock.ElapsedMilliseconds} ms"
                            : $"killed: still running after {limit.TotalSeconds:F0} s (peak RSS {peak / 1e6:F0} MB)";
                        break;
                    }
                }

                var result = new Dictionary<string, string>();
                if (killed == null)
                {
                    foreach (string line in output.Result.Split('\n').Where(l => l.StartsWith("RESULT ", StringComparison.Ordinal)))
                    {
                        foreach (string pair in line.Substring(7).Split('\t'))
                        {
                            int eq = pair.IndexOf('=');
                            result[pair.Substring(0, eq)] = pair.Substring(eq + 1);
                        }
                    }

                    if (child.ExitCode != 0 && !result.ContainsKey("outcome"))
                    {
                        killed = "child exited " + child.ExitCode;
                    }
                }

                return result;
            }
        }

        private static int Child(string decoder, string mode, string[] args)
        {
            var pipeline = ImagePipeline.Create(decoder);
            if (mode == "crafted")
            {
                byte[] bytes = File.ReadAllBytes(args[0]);
                var clock = Stopwatch.StartNew();
                string outcome;
                try
                {
                    var (thumb, mini) = pipeline.Run(bytes, args[0]);
                    outcome = $"accepted, thumbnails {thumb}/{mini}";
                }
                catch (StickyPiException e)
                {
                    outcome = "refused: " + e.ErrorId;
                }
                catch (Exception e)
                {
                    outcome = "refused: " + e.GetType().Name + ": " + e.Message.Split('\n')[0].Replace("|", "/");
                }

                Report(("outcome", outcome), ("ms", clock.Elapsed.TotalMilliseconds.ToString("F1", Inv)), ("peak_rss_mb", (PeakRss() / 1e6).ToString("F0", Inv)));
                return 0;
            }

            string[] files = Directory.EnumerateFiles(args[0], "*.jpg", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            int passes = int.Parse(args[1], Inv), workers = int.Parse(args[2], Inv);
            string sizes = "same sizes";
            var reference = new StickyImageParser();
            foreach (string f in files.Take(12))
            {
                // Warm-up, and the check that the thumbnails have the parser's sizes.
                var (thumb, mini) = pipeline.Run(File.ReadAllBytes(f), f);
                if (decoder != "exif-only")
                {
                    ParsedImage expected = reference.Parse(File.ReadAllBytes(f), f);
                    string want = JpegSize(expected.Thumbnail) + "/" + JpegSize(expected.ThumbnailMini);
                    if (thumb + "/" + mini != want)
                    {
                        sizes = "DIFFERENT: " + thumb + "/" + mini + " instead of " + want;
                    }
                }
            }

            var times = new List<double>();
            for (int p = 0; p < passes; p++)
            {
                var clock = Stopwatch.StartNew();
                Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = workers }, f => pipeline.Run(File.ReadAllBytes(f), f));
                times.Add(clock.Elapsed.TotalSeconds);
            }

            double best = times.Min(), median = times.OrderBy(t => t).ElementAt(times.Count / 2);
            Report(
                ("img_per_s", (files.Length / best).ToString("F2", Inv)),
                ("ms_per_image", (median * 1000 / files.Length).ToString("F2", Inv)),
                ("peak_rss_mb", (PeakRss() / 1e6).ToString("F0", Inv)),
                ("sizes", decoder == "exif-only" ? "(no thumbnails)" : sizes),
                ("load", Bench.MachineInfo.LoadAverage()));
            return 0;
        }

        internal static string JpegSize(byte[] jpeg) =>
            Bench.Corpus.TryFrameSize(jpeg, out int w, out int h) ? w.ToString(Inv) + "×" + h.ToString(Inv) : "?";

        private static void Report(params (string Key, string Value)[] pairs) =>
            Console.WriteLine("RESULT " + string.Join("\t", pairs.Select(p => p.Key + "=" + p.Value)));

        private static long PeakRss() => StatusKb("/proc/self/status", "VmHWM:");

        private static long RssOf(int pid) => StatusKb("/proc/" + pid.ToString(Inv) + "/status", "VmRSS:");

        private static long StatusKb(string file, string key)
        {
            try
            {
                string line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
                return line == null ? 0 : long.Parse(line.Substring(key.Length).Trim().Split(' ')[0], Inv) * 1024;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        private static int IntArg(string[] args, string name, int fallback) => int.Parse(StringArg(args, name, fallback.ToString(Inv)), Inv);

        private static string StringArg(string[] args, string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        private static double Median(List<double> values) => values.OrderBy(v => v).ElementAt(values.Count / 2);

        private static double Double(Dictionary<string, string> r, string key) => r.TryGetValue(key, out string v) ? double.Parse(v, Inv) : double.NaN;

        private static string Get(Dictionary<string, string> r, string key) => r.TryGetValue(key, out string v) ? v : "?";
    }

    /// <summary>The per-image work of an import with one of the decoders; returns the thumbnails' sizes.</summary>
    internal abstract class ImagePipeline
    {
        public static ImagePipeline Create(string decoder)
        {
            switch (decoder)
            {
                case "skia":
                case "turbo":
                    if ((decoder == "turbo") != TurboJpeg.IsAvailable)
                    {
                        throw new InvalidOperationException(decoder + ": TurboJPEG available = " + TurboJpeg.IsAvailable);
                    }

                    return new ParserPipeline();
                case "imagesharp":
                    return new ImageSharpPipeline();
                default:
                    return new ExifOnlyPipeline();
            }
        }

        public abstract (string Thumb, string Mini) Run(byte[] content, string path);

        /// <summary>The parser itself (MD5, EXIF, DCT-scaled decode, thumbnails) with SkiaSharp or TurboJPEG.</summary>
        private sealed class ParserPipeline : ImagePipeline
        {
            private readonly StickyImageParser _parser = new StickyImageParser();

            public override (string Thumb, string Mini) Run(byte[] content, string path)
            {
                ParsedImage image = _parser.Parse(content, path);
                return (Program.JpegSize(image.Thumbnail), Program.JpegSize(image.ThumbnailMini));
            }
        }

        /// <summary>The same MD5 and EXIF, then decode, resize and encode with ImageSharp (one thread per image).</summary>
        private sealed class ImageSharpPipeline : ImagePipeline
        {
            private static readonly Configuration Config = CreateConfig();
            private static readonly JpegEncoder Encoder = new JpegEncoder { Quality = 75, ColorType = JpegColorType.YCbCrRatio420 };

            private static Configuration CreateConfig()
            {
                Configuration c = Configuration.Default.Clone();
                c.MaxDegreeOfParallelism = 1; // the import parallelises across images, as for the other decoders
                return c;
            }

            public override (string Thumb, string Mini) Run(byte[] content, string path)
            {
                var image = new ParsedImage { SourcePath = path, Md5 = StickyImageParser.ComputeMd5(content) };
                StickyExif.Apply(image, StickyExif.ReadTags(content, path), path);

                // ImageSharp 2.x has no DCT-scaled decode: every image is decoded at full size.
                using (Image<Rgb24> full = Image.Load<Rgb24>(Config, content))
                {
                    image.Width = full.Width;
                    image.Height = full.Height;
                    Size thumbSize = Fit(full.Width, full.Height, StickyImageParser.ThumbnailMaxWidth, StickyImageParser.ThumbnailMaxHeight);
                    full.Mutate(x => x.Resize(thumbSize.Width, thumbSize.Height, KnownResamplers.Box));
                    image.Thumbnail = Encode(full);
                    Size miniSize = Fit(full.Width, full.Height, StickyImageParser.MiniMaxWidth, StickyImageParser.MiniMaxHeight);
                    full.Mutate(x => x.Resize(miniSize.Width, miniSize.Height, KnownResamplers.Box));
                    image.ThumbnailMini = Encode(full);
                }

                return (Program.JpegSize(image.Thumbnail), Program.JpegSize(image.ThumbnailMini));
            }

            private static byte[] Encode(Image<Rgb24> image)
            {
                using (var stream = new MemoryStream())
                {
                    image.SaveAsJpeg(stream, Encoder);
                    return stream.ToArray();
                }
            }

            /// <summary>Pillow's thumbnail size rule (as the parser's FitWithin): aspect kept, closest integer aspect.</summary>
            private static Size Fit(int width, int height, int maxWidth, int maxHeight)
            {
                if (width <= maxWidth && height <= maxHeight)
                {
                    return new Size(width, height);
                }

                double aspect = (double)width / height;
                int x = maxWidth, y = maxHeight;
                if ((double)x / y >= aspect)
                {
                    x = Round(y * aspect, v => Math.Abs(aspect - (v / y)));
                }
                else
                {
                    y = Round(x / aspect, v => v == 0 ? 0 : Math.Abs(aspect - (x / v)));
                }

                return new Size(x, y);
            }

            private static int Round(double number, Func<double, double> error)
            {
                double lo = Math.Floor(number), hi = Math.Ceiling(number);
                return Math.Max((int)(error(lo) <= error(hi) ? lo : hi), 1);
            }
        }

        /// <summary>MD5 and EXIF only: the floor under every decoder's figure.</summary>
        private sealed class ExifOnlyPipeline : ImagePipeline
        {
            public override (string Thumb, string Mini) Run(byte[] content, string path)
            {
                var image = new ParsedImage { SourcePath = path, Md5 = StickyImageParser.ComputeMd5(content) };
                StickyExif.Apply(image, StickyExif.ReadTags(content, path), path);
                return ("-", "-");
            }
        }
    }

    /// <summary>Hostile files made from a real 5 MP fixture, so EXIF passes and the decoder meets the damage.</summary>
    internal static class Crafted
    {
        public static List<(string Name, string Path)> Write(string directory, IReadOnlyList<Bench.Fixture> fixtures)
        {
            Directory.CreateDirectory(directory);
            Bench.Fixture source = fixtures.First(f => !f.Is2022);
            byte[] jpeg = source.Bytes;
            int sof = FindSof(jpeg);
            int scan = FindMarker(jpeg, 0xDA);
            var files = new List<(string, byte[])>
            {
                ("truncated scan (file cut at 60 %)", jpeg.Take(scan + ((jpeg.Length - scan) * 6 / 10)).ToArray()),
                ("65535×65535 SOF (scan data of the 5 MP image)", WithFrameSize(jpeg, sof, 65535, 65535)),
                ("zero-size frame (SOF 0×0)", WithFrameSize(jpeg, sof, 0, 0)),
                ("garbage after valid EXIF (1 MB random)", jpeg.Take(sof).Concat(RandomBytes(1 << 20)).ToArray()),
            };
            var result = new List<(string, string)>();
            int i = 0;
            foreach (var (name, bytes) in files)
            {
                // A valid name: the parser checks it before reading anything.
                string path = Path.Combine(directory, "c0ffee0" + (i++).ToString(CultureInfo.InvariantCulture) + ".2020-06-20_20-19-15.jpg");
                File.WriteAllBytes(path, bytes);
                result.Add((name, path));
            }

            return result;
        }

        private static byte[] WithFrameSize(byte[] jpeg, int sof, int width, int height)
        {
            byte[] copy = (byte[])jpeg.Clone();
            copy[sof + 5] = (byte)(height >> 8);
            copy[sof + 6] = (byte)height;
            copy[sof + 7] = (byte)(width >> 8);
            copy[sof + 8] = (byte)width;
            return copy;
        }

        private static byte[] RandomBytes(int n)
        {
            var bytes = new byte[n];
            new Random(42).NextBytes(bytes);
            return bytes;
        }

        private static int FindSof(byte[] jpeg)
        {
            for (byte m = 0xC0; m <= 0xC2; m++)
            {
                int at = FindMarker(jpeg, m);
                if (at > 0)
                {
                    return at;
                }
            }

            throw new InvalidDataException("no SOF0-2 in the fixture");
        }

        /// <summary>Offset of the first segment with marker <paramref name="marker"/>, walking segment lengths.</summary>
        private static int FindMarker(byte[] jpeg, byte marker)
        {
            int p = 2;
            while (p + 4 <= jpeg.Length && jpeg[p] == 0xFF)
            {
                if (jpeg[p + 1] == marker)
                {
                    return p;
                }

                p += 2 + ((jpeg[p + 2] << 8) | jpeg[p + 3]);
            }

            return -1;
        }
    }
}
