using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using SkiaSharp;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Bench
{
    /// <summary>
    /// <c>--profile</c>: a Stopwatch breakdown of one image's path, stage by stage, on one thread, with a private copy of
    /// the parser's decode steps (SkiaSharp calls as StickyImageParser makes them), then the store's staging and commit.
    /// For finding where the time goes before tuning; not part of the report's targets.
    /// </summary>
    internal static class Profile
    {
        private static readonly SKSamplingOptions Linear = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None);

        public static void Run(string corpus, string storeDir, int passes)
        {
            var files = StickyPi.Core.Sync.ImageFileFinder.Enumerate(corpus, true).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            var groups = files.GroupBy(f => Path.GetFileName(f).StartsWith("c12", StringComparison.Ordinal) ? "12 MP 2022" : "5 MP 2020");
            var parser = new StickyImageParser();

            // Warm-up (JIT, native library load).
            foreach (var f in files.Take(4))
            {
                parser.ParseFile(f);
            }

            foreach (var g in groups)
            {
                var t = new Dictionary<string, double>();
                int n = 0;
                for (int pass = 0; pass < passes; pass++)
                {
                    foreach (var f in g)
                    {
                        Stages(f, t);
                        n++;
                    }
                }

                Console.WriteLine($"{g.Key}: {n / passes} files × {passes} passes, thread CPU ms per image");
                foreach (var kv in t)
                {
                    Console.WriteLine($"  {kv.Key,-44} {kv.Value / n,8:F3}");
                }
            }

            // The store side, on one thread: staging (3 files written + flushed + renamed) and the batched commit.
            var parsedList = files.Select(f => (parser.ParseFile(f), File.ReadAllBytes(f))).ToList();
            using (var store = LocalStickyStore.Open(storeDir))
            {
                var sw = Stopwatch.StartNew();
                var staged = parsedList.Select(p => store.StageImage(p.Item1, p.Item2)).ToList();
                double stage = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                foreach (var chunk in staged.Chunk(128))
                {
                    store.CommitStagedImages(CallerIdentity.LocalAdministrator, chunk, false);
                }

                double commit = sw.Elapsed.TotalMilliseconds;
                Console.WriteLine($"Store, {files.Length} images: StageImage {stage / files.Length:F3} ms/image, CommitStagedImages (batches of 128) {commit / files.Length:F3} ms/image");
            }

            var tmp = Path.Combine(storeDir, "fsync-probe");
            var buf = new byte[300_000];
            var sw2 = Stopwatch.StartNew();
            for (int i = 0; i < 50; i++)
            {
                using (var fs = new FileStream(tmp + i, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920))
                {
                    fs.Write(buf, 0, buf.Length);
                    fs.Flush(true);
                }
            }

            Console.WriteLine($"Write 300 KB + fsync: {sw2.Elapsed.TotalMilliseconds / 50:F3} ms (wall, mostly waiting)");
        }

        private static void Stages(string path, Dictionary<string, double> t)
        {
            var sw = new CpuWatch();
            void Lap(string name)
            {
                t[name] = (t.TryGetValue(name, out var v) ? v : 0) + sw.ElapsedMs;
                sw.Restart();
            }

            var bytes = File.ReadAllBytes(path);
            Lap("read (File.ReadAllBytes)");
            using (var md5 = MD5.Create())
            {
                md5.ComputeHash(bytes);
            }

            Lap("md5");
            var image = new ParsedImage { Device = "x", DateTime = DateTime.UtcNow };
            var tags = StickyExif.ReadTags(bytes, path);
            Lap("EXIF read (MetadataExtractor)");
            StickyExif.Apply(image, tags, path);
            Lap("EXIF apply");
            var pin = GCHandle.Alloc(bytes, GCHandleType.Pinned);
            try
            {
                using (var data = SKData.Create(pin.AddrOfPinnedObject(), bytes.Length))
                using (var codec = SKCodec.Create(data))
                {
                    var full = codec.Info;
                    var thumbSize = Fit(full.Width, full.Height, 512, 384);
                    SKSizeI decodeSize = default;
                    for (var k = 1; k <= 8; k++)
                    {
                        decodeSize = codec.GetScaledDimensions(k / 8f);
                        if (decodeSize.Width >= thumbSize.Width && decodeSize.Height >= thumbSize.Height)
                        {
                            break;
                        }
                    }

                    Lap("codec create + header");

                    // Probe, not what the parser does: the cost of the next smaller DCT scale (for 12 MP images 1/8 gives
                    // 507×380, just under the 512×384 thumbnail, so the parser must decode at 1/4).
                    var smaller = codec.GetScaledDimensions(1 / 8f);
                    if (smaller != decodeSize)
                    {
                        var si = new SKImageInfo(smaller.Width, smaller.Height, SKImageInfo.PlatformColorType, SKAlphaType.Opaque);
                        using (var probe = new SKBitmap(si))
                        {
                            codec.GetPixels(si, probe.GetPixels());
                        }

                        Lap("(probe, unused) decode at " + smaller.Width + "x" + smaller.Height);
                    }

                    var info = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKImageInfo.PlatformColorType, SKAlphaType.Opaque);
                    using (var decoded = new SKBitmap(info))
                    {
                        var r = codec.GetPixels(info, decoded.GetPixels());
                        if (r != SKCodecResult.Success)
                        {
                            throw new InvalidDataException(r.ToString());
                        }

                        Lap("decode at " + decodeSize.Width + "x" + decodeSize.Height);
                        using (var thumb = Scale(decoded, thumbSize))
                        {
                            Lap("resize to " + thumbSize.Width + "x" + thumbSize.Height);
                            Encode(thumb);
                            Lap("encode thumbnail");
                            var miniSize = Fit(thumbSize.Width, thumbSize.Height, 128, 96);
                            using (var half = Scale(thumb, new SKSizeI(thumb.Width / 2, thumb.Height / 2)))
                            using (var mini = Scale(half, miniSize))
                            {
                                Lap("resize to mini (2 halvings)");
                                Encode(mini);
                                Lap("encode mini");
                            }
                        }
                    }
                }
            }
            finally
            {
                pin.Free();
            }

            sw.Restart();
            new StickyImageParser().ParseFile(path);
            Lap("= StickyImageParser.ParseFile (whole)");
        }

        /// <summary>Thread CPU time (CLOCK_THREAD_CPUTIME_ID), so other work on a shared machine skews it less than wall time.</summary>
        private sealed class CpuWatch
        {
            private long _start;

            public CpuWatch()
            {
                Restart();
            }

            public double ElapsedMs => (Now() - _start) / 1e6;

            public void Restart() => _start = Now();

            public void Start() => Restart();

            private static long Now()
            {
                clock_gettime(3, out var ts);
                return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
            }

            [DllImport("libc", SetLastError = false)]
            private static extern int clock_gettime(int clock, out Timespec ts);

            [StructLayout(LayoutKind.Sequential)]
            private struct Timespec
            {
                public long Seconds;
                public long Nanoseconds;
            }
        }

        private static SKBitmap Scale(SKBitmap src, SKSizeI size)
        {
            var dst = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKImageInfo.PlatformColorType, SKAlphaType.Opaque));
            src.ScalePixels(dst, Linear);
            return dst;
        }

        private static byte[] Encode(SKBitmap bmp)
        {
            using (var pixmap = bmp.PeekPixels())
            using (var data = pixmap.Encode(new SKJpegEncoderOptions(75, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)))
            {
                return data.ToArray();
            }
        }

        private static SKSizeI Fit(int w, int h, int mw, int mh)
        {
            if (w <= mw && h <= mh)
            {
                return new SKSizeI(w, h);
            }

            double a = (double)w / h;
            return (double)mw / mh >= a ? new SKSizeI((int)Math.Round(mh * a), mh) : new SKSizeI(mw, (int)Math.Round(mw / a));
        }
    }
}
