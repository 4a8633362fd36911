using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.Bench
{
    /// <summary>What one child-process scenario measured.</summary>
    internal sealed class ScenarioResult
    {
        public string Mode { get; set; }

        public int Files { get; set; }

        public int Sent { get; set; }

        public int Skipped { get; set; }

        public int Failed { get; set; }

        public int FilesOpened { get; set; }

        /// <summary>In-process wall time of the whole scenario (store and cache opening included).</summary>
        public double Seconds { get; set; }

        /// <summary>Time to open the store (catalog schema check, sweep).</summary>
        public double StoreOpenSeconds { get; set; }

        /// <summary>Time to open the store and the importer (stat cache load).</summary>
        public double OpenSeconds { get; set; }

        /// <summary>User + system CPU time of the process at the end.</summary>
        public double CpuSeconds { get; set; }

        /// <summary>VmHWM of /proc/self/status (kB), else PeakWorkingSet64.</summary>
        public long PeakRssKb { get; set; }

        public long AllocatedBytes { get; set; }

        public int Gen2Collections { get; set; }

        public double GcPauseSeconds { get; set; }

        public string FirstError { get; set; }

        /// <summary>Highest VmRSS seen by a 20 ms sampler (kB), for attributing the peak.</summary>
        public long SampledPeakRssKb { get; set; }

        /// <summary>Median VmRSS (kB) over the second half of the run.</summary>
        public long PlateauRssKb { get; set; }

        /// <summary>Median VmRSS (kB) from 25 % to 50 % of the run.</summary>
        public long SecondQuarterRssKb { get; set; }

        /// <summary>GC committed memory (kB) at the sample with the highest VmRSS; the rest is native (SkiaSharp, SQLite, runtime).</summary>
        public long GcCommittedAtPeakKb { get; set; }

        /// <summary>Wall time of the child process as seen by the parent (runtime start-up included).</summary>
        public double ProcessSeconds { get; set; }

        /// <summary>The JPEG decoder the child's parser used: "TurboJPEG …" or "SkiaSharp".</summary>
        public string Decoder { get; set; }
    }

    /// <summary>The scenarios run in child processes (one each, so peak RSS is the scenario's own).</summary>
    internal static class Scenarios
    {
        public const string ResultPrefix = "BENCH-RESULT ";

        public static int RunChild(string mode, string[] args)
        {
            var sampler = new MemorySampler();
            ScenarioResult result;
            switch (mode)
            {
                case "limit":
                    result = Limit(args[0], args.Length > 1 ? int.Parse(args[1]) : Environment.ProcessorCount);
                    break;
                case "import":
                    result = Import(args[0], args[1], "import");
                    break;
                case "noop":
                    result = Import(args[0], args[1], "noop");
                    break;
                case "thumbs":
                    // For checking that parser changes keep the output: thumbs DIR prints each file's parse digest.
                    foreach (var f in ImageFileFinder.Enumerate(args[0], recurse: true).OrderBy(x => x, StringComparer.Ordinal))
                    {
                        var parsed = new StickyImageParser().ParseFile(f);
                        Console.WriteLine(Path.GetFileName(f) + " " + parsed.Md5 + " " + parsed.Width + "x" + parsed.Height + " " +
                            Corpus.Md5Hex(parsed.Thumbnail) + " " + Corpus.Md5Hex(parsed.ThumbnailMini));
                    }

                    return 0;
                case "samples":
                    // Generated images of assorted sizes for the "thumbs" check: samples DIR
                    var sizes = new[] { (100, 80), (128, 96), (320, 240), (513, 385), (640, 480), (1024, 768), (1100, 700), (2000, 3000), (4056, 3040), (3000, 700) };
                    for (int i = 0; i < sizes.Length; i++)
                    {
                        StickyPi.SampleData.SampleImages.WriteImage(args[0], "e0000001", new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(20 * i),
                            i % 2 == 0 ? StickyPi.SampleData.SampleFormat.Legacy2020 : StickyPi.SampleData.SampleFormat.Csv2022, sizes[i].Item1, sizes[i].Item2, seed: 100 + i);
                    }

                    return 0;
                case "synth-small":
                    // For profiling by hand: synth-small DIR N
                    var sc = Corpus.SynthesizeSmall(args[0], int.Parse(args[1]), 320, 240);
                    result = new ScenarioResult { Mode = "synth-small", Files = sc.Count, Seconds = sc.Seconds };
                    break;
                case "synth":
                    // For profiling by hand: synth DIR N [FIXTURES]
                    var c = Corpus.Synthesize(args[0], Corpus.LoadFixtures(args.Length > 2 ? args[2] : Corpus.DefaultFixtures), int.Parse(args[1]), salt: 9);
                    result = new ScenarioResult { Mode = "synth", Files = c.Count, Seconds = c.Seconds };
                    break;
                default:
                    Console.Error.WriteLine("Unknown child mode: " + mode);
                    return 2;
            }

            var proc = Process.GetCurrentProcess();
            result.Decoder = DecoderName();
            result.CpuSeconds = proc.TotalProcessorTime.TotalSeconds;
            result.PeakRssKb = PeakRssKb(proc);
            sampler.Stop();
            if (Environment.GetEnvironmentVariable("STICKYPI_BENCH_SMAPS") == "1")
            {
                DumpSmaps();
            }

            result.SampledPeakRssKb = sampler.PeakRssKb;
            result.GcCommittedAtPeakKb = sampler.GcCommittedAtPeakKb;
            result.PlateauRssKb = sampler.SecondHalfMedianRssKb;
            result.SecondQuarterRssKb = sampler.SecondQuarterMedianRssKb;
            result.AllocatedBytes = GC.GetTotalAllocatedBytes(false);
            result.Gen2Collections = GC.CollectionCount(2);
            result.GcPauseSeconds = GC.GetTotalPauseDuration().TotalSeconds;
            Console.Out.WriteLine(ResultPrefix + JsonSerializer.Serialize(result));
            Console.Out.Flush();
            return 0;
        }

        /// <summary>The decoder a default <see cref="StickyImageParser"/> of this process uses.</summary>
        public static string DecoderName() => TurboJpeg.IsAvailable ? TurboJpeg.Description : "SkiaSharp " + typeof(SkiaSharp.SKCodec).Assembly.GetName().Version;

        /// <summary>
        /// The limit: the same files' read + md5 + EXIF + scaled decode + both thumbnails encoded, with the same parser,
        /// on <paramref name="workers"/> threads pulling files from a shared counter; no store, no cache.
        /// </summary>
        private static ScenarioResult Limit(string corpus, int workers)
        {
            var sw = Stopwatch.StartNew();
            var files = ImageFileFinder.Enumerate(corpus, recurse: true).ToArray();
            var parser = new StickyImageParser();
            int next = -1, failed = 0;
            string firstError = null;
            long thumbBytes = 0;
            var threads = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < files.Length)
                {
                    try
                    {
                        var parsed = parser.ParseFile(files[i], makeThumbnails: true);
                        Interlocked.Add(ref thumbBytes, parsed.Thumbnail.Length + parsed.ThumbnailMini.Length);
                    }
                    catch (StickyPiException e)
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstError, e.Message, null);
                    }
                }
            })).ToArray();
            foreach (var t in threads)
            {
                t.Start();
            }

            foreach (var t in threads)
            {
                t.Join();
            }

            return new ScenarioResult
            {
                Mode = "limit",
                Files = files.Length,
                Sent = files.Length - failed,
                Failed = failed,
                FilesOpened = files.Length,
                Seconds = sw.Elapsed.TotalSeconds,
                FirstError = firstError,
            };
        }

        /// <summary>An import with default options, streamed as Send-StickyImage does (post, take what is ready).</summary>
        private static ScenarioResult Import(string corpus, string storeDir, string mode)
        {
            var result = new ScenarioResult { Mode = mode };
            var sw = Stopwatch.StartNew();
            using (var store = LocalStickyStore.Open(storeDir))
            {
                result.StoreOpenSeconds = sw.Elapsed.TotalSeconds;
                using (var importer = new ImageImporter(store, CallerIdentity.LocalAdministrator))
                {
                result.OpenSeconds = sw.Elapsed.TotalSeconds;
                foreach (var file in ImageFileFinder.Enumerate(corpus, recurse: true))
                {
                    importer.Post(file);
                    while (importer.TryTake(out var r))
                    {
                        Tally(result, r);
                    }
                }

                foreach (var r in importer.Drain())
                {
                    Tally(result, r);
                }

                result.FilesOpened = importer.Progress.FilesOpened;
                }
            }

            result.Seconds = sw.Elapsed.TotalSeconds;
            return result;
        }

        private static void Tally(ScenarioResult result, ImageImportResult r)
        {
            result.Files++;
            switch (r.Status)
            {
                case ImportStatus.Sent:
                    result.Sent++;
                    break;
                case ImportStatus.Skipped:
                    result.Skipped++;
                    break;
                default:
                    result.Failed++;
                    result.FirstError = result.FirstError ?? (r.Path + ": " + r.Reason);
                    break;
            }
        }

        /// <summary>Resident memory by mapping (anonymous mappings bucketed by size), to stderr: what the RSS is made of.</summary>
        private static void DumpSmaps()
        {
            var byName = new Dictionary<string, long>();
            string name = null;
            long size = 0;
            foreach (var line in File.ReadLines("/proc/self/smaps"))
            {
                var parts = line.Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 5 && parts[0].Contains('-') && !line.Contains(':') || (parts.Length >= 5 && parts[0].Contains('-') && parts[1].Length == 4))
                {
                    var range = parts[0].Split('-');
                    size = (Convert.ToInt64(range[1], 16) - Convert.ToInt64(range[0], 16)) >> 10;
                    name = parts.Length >= 6 ? parts[5] : (size >= 60000 ? "[anon ≥60 MB reserve]" : size >= 1024 ? "[anon ≥1 MB]" : "[anon <1 MB]");
                }
                else if (line.StartsWith("Rss:", StringComparison.Ordinal) && name != null)
                {
                    long rss = long.Parse(parts[1]);
                    byName[name] = (byName.TryGetValue(name, out var v) ? v : 0) + rss;
                }
            }

            foreach (var kv in byName.OrderByDescending(k => k.Value).Take(12))
            {
                Console.Error.WriteLine($"[smaps] {kv.Value / 1024.0,7:F1} MB  {kv.Key}");
            }
        }

        public static long PeakRssKb(Process proc)
        {
            try
            {
                foreach (var line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        return long.Parse(line.Substring(6).Trim().Split(' ')[0]);
                    }
                }
            }
            catch (IOException)
            {
            }

            proc.Refresh();
            return proc.PeakWorkingSet64 / 1024;
        }

        /// <summary>Samples VmRSS and the GC's committed bytes every 20 ms.</summary>
        private sealed class MemorySampler
        {
            private readonly Thread _thread;
            private static readonly bool Timeline = Environment.GetEnvironmentVariable("STICKYPI_BENCH_TIMELINE") == "1";
            private readonly List<long> _samples = new List<long>();
            private volatile bool _stop;

            public MemorySampler()
            {
                _thread = new Thread(() =>
                {
                    while (!_stop)
                    {
                        long rss = CurrentRssKb();
                        _samples.Add(rss);
                        if (Timeline && _samples.Count % 50 == 0)
                        {
                            var gc = GC.GetGCMemoryInfo();
                            Console.Error.WriteLine($"[sampler] rss {rss / 1024} MB, gc committed {gc.TotalCommittedBytes >> 20} MB, gc heap {gc.HeapSizeBytes >> 20} MB, loh {gc.GenerationInfo[3].SizeAfterBytes >> 20} MB (free {gc.GenerationInfo[3].FragmentationAfterBytes >> 20} MB), gen2 {gc.GenerationInfo[2].SizeAfterBytes >> 20} MB, gen2 GCs {GC.CollectionCount(2)}, allocated {GC.GetTotalAllocatedBytes(false) >> 20} MB so far");
                        }
                        if (rss > PeakRssKb)
                        {
                            PeakRssKb = rss;
                            GcCommittedAtPeakKb = GC.GetGCMemoryInfo().TotalCommittedBytes / 1024;
                        }

                        Thread.Sleep(20);
                    }
                }) { IsBackground = true, Name = "bench memory sampler" };
                _thread.Start();
            }

            public long PeakRssKb { get; private set; }

            public long GcCommittedAtPeakKb { get; private set; }

            /// <summary>Median VmRSS over the second half of the run (kB): the plateau, without start-up or one-off spikes.</summary>
            public long SecondHalfMedianRssKb => Median(_samples.Count / 2, _samples.Count);

            /// <summary>Median VmRSS from 25 % to 50 % of the run (kB), to compare with the second half: growth with N.</summary>
            public long SecondQuarterMedianRssKb => Median(_samples.Count / 4, _samples.Count / 2);

            private long Median(int from, int to)
            {
                var part = _samples.Skip(from).Take(Math.Max(0, to - from)).OrderBy(v => v).ToList();
                return part.Count == 0 ? 0 : part[part.Count / 2];
            }

            public void Stop()
            {
                _stop = true;
                _thread.Join();
            }

            private static long CurrentRssKb()
            {
                try
                {
                    foreach (var line in File.ReadLines("/proc/self/status"))
                    {
                        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                        {
                            return long.Parse(line.Substring(6).Trim().Split(' ')[0]);
                        }
                    }
                }
                catch (IOException)
                {
                }

                return 0;
            }
        }

        public static ScenarioResult Parse(string stdout)
        {
            var line = stdout.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
            if (line == null)
            {
                return null;
            }

            return JsonSerializer.Deserialize<ScenarioResult>(line.Substring(ResultPrefix.Length));
        }
    }
}
