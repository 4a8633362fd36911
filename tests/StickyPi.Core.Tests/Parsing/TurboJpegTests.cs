using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using SkiaSharp;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Tests.Support;
using StickyPi.SampleData;

namespace StickyPi.Core.Tests.Parsing
{
    /// <summary>
    /// The optional TurboJPEG decoder: used when the library is installed, same results as the SkiaSharp path (which
    /// each test also runs, forced per parser instance, not through the process environment).
    /// </summary>
    public sealed class TurboJpegTests : IDisposable
    {
        private const string Name = "0a5bb6f4.2020-06-20_20-19-15.jpg";

        // Spec Appendix A: md5, width, height, temp of every fixture (FixtureParsingTests checks all the fields on the
        // default path; here both paths are checked against these and against each other).
        private static readonly (string Dir, string File, string Md5, int Width, int Height, double Temp)[] Fixtures =
        {
            ("0a5bb6f4", "0a5bb6f4.2020-06-20_20-19-15.jpg", "725a7d5c7eee7ee15533ff1c45cab6de", 2592, 1944, 20.700000762939453),
            ("0a5bb6f4", "0a5bb6f4.2020-06-20_20-37-59.jpg", "383ea0c4d38c85454aae6bfb5ec1adb4", 2592, 1944, 21.799999237060547),
            ("0a5bb6f4", "0a5bb6f4.2020-06-20_20-56-43.jpg", "63d0f80d4e2dbefe2ad79e269a9317f3", 2592, 1944, 21.899999618530273),
            ("0a5bb6f4", "0a5bb6f4.2020-06-20_21-15-27.jpg", "5a8b82012ee3b69a5b7c944ca240ab73", 2592, 1944, 21.200000762939453),
            ("0a5bb6f4", "0a5bb6f4.2020-06-20_21-23-49.jpg", "1872e05995a6b8ed06da4f202270ede6", 2592, 1944, 21.700000762939453),
            ("1b74105a", "1b74105a.2020-07-05_10-07-16.jpg", "22886796080b30776c1a7f892db8c580", 2592, 1944, 10.300000190734863),
            ("1b74105a", "1b74105a.2020-07-05_10-26-18.jpg", "766f39c6167a03dd31659e9789fc2b6e", 2592, 1944, 10.399999618530273),
            ("2022", "512858f4.2022-05-17_18-34-50.jpg", "4743bd4d1918fc7d5bfec4cb8adf370c", 4056, 3040, 17.0),
            ("2022", "512858f4.2022-05-17_18-37-24.jpg", "8b284e28f6fe4b009b5a3c2f51c3aa6a", 4056, 3040, 16.4),
            ("2022", "512858f4.2022-05-17_18-46-57.jpg", "e737e84d18e778cf367ca050fb96a841", 4056, 3040, 20.6),
            ("5c173ff2", "5c173ff2.2020-06-20_21-33-24.jpg", "65e69135d29871e8ee0ac453583effaf", 2592, 1944, 21.899999618530273),
        };

        private readonly TempDir _dir = new TempDir("stickypi-tj");

        public void Dispose() => _dir.Dispose();

        public static IEnumerable<object[]> FixtureFiles() => Fixtures.Select(f => new object[] { f.File });

        private static string PathOf(string file)
        {
            var f = Fixtures.Single(x => x.File == file);
            return Path.Combine(TestPaths.RawImages, f.Dir, f.File);
        }

        /// <summary>The generated stand-in of a fixture (same folder, name and EXIF format; other content).</summary>
        private static string StandInOf(string file)
        {
            var f = Fixtures.Single(x => x.File == file);
            return Path.Combine(StandIns.RawImages, f.Dir, f.File);
        }

        /// <summary>A parser on the TurboJPEG path (the test requires the library) or forced onto the SkiaSharp path.</summary>
        private static StickyImageParser ParserFor(bool turbo)
        {
            if (turbo)
            {
                RequireTurboJpeg();
            }

            return new StickyImageParser { UseTurboJpeg = turbo };
        }

        /// <summary>
        /// TurboJPEG must be loaded wherever it is expected — in CI (which installs libturbojpeg0) and wherever the
        /// library file is present — so a broken loader fails the tests instead of silently testing SkiaSharp twice.
        /// </summary>
        private static void RequireTurboJpeg()
        {
            Assert.True(TurboJpeg.IsLoaded, "TurboJPEG is not loaded: " + TurboJpeg.Description);
        }

        private static bool TurboJpegExpected()
        {
            if (Requirements.InCi)
            {
                return true;
            }

            if (TurboJpeg.HiddenByEnvironment)
            {
                return false; // STICKYPI_TURBOJPEG_LIBRARY=none: as if the library were not installed
            }

            string[] candidates;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
                    .Where(d => d.Length > 0).Select(d => Path.Combine(d, "turbojpeg.dll")).ToArray();
            }
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                candidates = new[] { "/opt/homebrew/lib/libturbojpeg.0.dylib", "/usr/local/lib/libturbojpeg.0.dylib" };
            }
            else
            {
                candidates = new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib" }
                    .Select(d => d + "/libturbojpeg.so.0").ToArray();
            }

            return candidates.Any(File.Exists);
        }

        [Fact]
        public void DecoderIsLoadedWhereverTheLibraryIsInstalled()
        {
            var description = TurboJpeg.Description;
            Assert.False(string.IsNullOrWhiteSpace(description));
            if (!TurboJpegExpected())
            {
                // Neither CI nor an installed library: the SkiaSharp path must then be the default.
                Assert.False(new StickyImageParser().UseTurboJpeg && !TurboJpeg.IsLoaded);
                return;
            }

            Assert.True(TurboJpeg.IsLoaded, description);
            Assert.Contains("turbojpeg", description, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(!TurboJpeg.DisabledByEnvironment, TurboJpeg.IsAvailable);
            Assert.Equal(TurboJpeg.IsAvailable, new StickyImageParser().UseTurboJpeg);

            // And a default parser really decodes with it.
            if (TurboJpeg.IsAvailable)
            {
                var parser = new StickyImageParser();
                parser.ParseFile(StandInOf(Fixtures[0].File));
                Assert.Equal(1, parser.TurboJpegDecodes);
                Assert.Equal(0, parser.TurboJpegRefusals);
            }
        }

        [FixtureTheory(TurboJpeg = true)]
        [MemberData(nameof(FixtureFiles))]
        public void FixturesParseToTheSameValuesOnBothPaths(string file)
        {
            var expected = Fixtures.Single(x => x.File == file);
            var path = PathOf(file);
            var turboParser = ParserFor(true);
            var turbo = turboParser.ParseFile(path);
            var skia = ParserFor(false).ParseFile(path);
            Assert.Equal(1, turboParser.TurboJpegDecodes);

            foreach (var p in new[] { turbo, skia })
            {
                Assert.Equal(expected.Md5, p.Md5);
                Assert.Equal(expected.Width, p.Width);
                Assert.Equal(expected.Height, p.Height);
                Assert.Equal(expected.Temp, p.Temp);
                FixtureParsingTests.AssertJpegSize(p.Thumbnail, 512, 384);
                FixtureParsingTests.AssertJpegSize(p.ThumbnailMini, 128, 96);
            }

            // Everything but the thumbnail bytes is the decoder's business of neither path.
            Assert.Equal(skia.Device, turbo.Device);
            Assert.Equal(skia.DateTime, turbo.DateTime);
            Assert.Equal(skia.Format, turbo.Format);
            Assert.Equal(skia.Lat, turbo.Lat);
            Assert.Equal(skia.Lng, turbo.Lng);
            Assert.Equal(skia.Alt, turbo.Alt);
            Assert.Equal(skia.Hum, turbo.Hum);
            Assert.Equal(skia.DeviceVersion, turbo.DeviceVersion);
            Assert.Equal(skia.Bat, turbo.Bat);
            Assert.Equal(skia.Lum, turbo.Lum);
            Assert.Equal(skia.But, turbo.But);
            Assert.Equal(skia.Extra.OrderBy(kv => kv.Key), turbo.Extra.OrderBy(kv => kv.Key));

            // Visually the same thumbnails: both are re-encoded JPEGs of slightly different decodes (IDCT rounding,
            // chroma upsampling), so they are compared as pixels.
            AssertVisuallyEqual(skia.Thumbnail, turbo.Thumbnail, file + " thumbnail");
            AssertVisuallyEqual(skia.ThumbnailMini, turbo.ThumbnailMini, file + " mini thumbnail");

            // TurboJPEG 2.x encodes with the standard Huffman tables, SkiaSharp with optimised ones: a little larger.
            Assert.InRange(turbo.Thumbnail.Length, skia.Thumbnail.Length * 0.9, skia.Thumbnail.Length * 1.3);
            Assert.InRange(turbo.ThumbnailMini.Length, skia.ThumbnailMini.Length * 0.9, skia.ThumbnailMini.Length * 1.4);
        }

        [FixtureTheory(TurboJpeg = true)]
        [MemberData(nameof(FixtureFiles))]
        public void FixturesParseWithoutThumbnailsOnBothPaths(string file)
        {
            var expected = Fixtures.Single(x => x.File == file);
            var turboParser = ParserFor(true);
            foreach (var parser in new[] { turboParser, ParserFor(false) })
            {
                var p = parser.ParseFile(PathOf(file), makeThumbnails: false);
                Assert.Null(p.Thumbnail);
                Assert.Null(p.ThumbnailMini);
                Assert.Equal(expected.Md5, p.Md5);
                Assert.Equal(expected.Width, p.Width);
                Assert.Equal(expected.Height, p.Height);
            }

            Assert.Equal(1, turboParser.TurboJpegDecodes);
        }

        [TurboJpegTheory]
        [InlineData(100, 80)]
        [InlineData(512, 384)]
        [InlineData(513, 385)]
        [InlineData(640, 480)]
        [InlineData(1023, 767)]
        [InlineData(1944, 2592)]
        [InlineData(3000, 200)]
        [InlineData(4056, 3040)]
        public void GeneratedSizesGiveTheSameThumbnailSizesOnBothPaths(int width, int height)
        {
            var content = SampleImages.CreateJpeg(width, height, 5, new SampleMetadata { Format = SampleFormat.Legacy2020, Temp = 20, Hum = 50 }.ToExif());

            // The DCT scale arithmetic of the TurboJPEG path is SkiaSharp's.
            using (var codec = SKCodec.Create(new SKMemoryStream(content)))
            {
                for (var n = 1; n <= 8; n++)
                {
                    var s = codec.GetScaledDimensions(n / 8f);
                    Assert.Equal(s.Width, TurboJpeg.Scaled(width, n));
                    Assert.Equal(s.Height, TurboJpeg.Scaled(height, n));
                }
            }

            var path = Path.Combine(_dir.Path, Name);
            File.WriteAllBytes(path, content);
            var turboParser = ParserFor(true);
            var turbo = turboParser.ParseFile(path);
            var skia = ParserFor(false).ParseFile(path);
            Assert.Equal(1, turboParser.TurboJpegDecodes);
            Assert.Equal(width, turbo.Width);
            Assert.Equal(height, turbo.Height);

            var thumb = StickyImageParser.FitWithin(width, height, 512, 384);
            var mini = StickyImageParser.FitWithin(thumb.Width, thumb.Height, 128, 96);
            foreach (var p in new[] { turbo, skia })
            {
                FixtureParsingTests.AssertJpegSize(p.Thumbnail, thumb.Width, thumb.Height);
                FixtureParsingTests.AssertJpegSize(p.ThumbnailMini, mini.Width, mini.Height);
            }

            AssertVisuallyEqual(skia.Thumbnail, turbo.Thumbnail, width + "×" + height);
        }

        [Theory]
        [InlineData(false)]
        [TurboJpegInlineData(true)]
        public void TruncatedJpegIsRejectedOnBothPaths(bool turbo)
        {
            var parser = ParserFor(turbo);
            var full = SampleImages.CreateJpeg(1024, 768, 3, new SampleMetadata { Format = SampleFormat.Legacy2020, Temp = 20, Hum = 50 }.ToExif());
            foreach (var fraction in new[] { 0.5, 0.9, 0.99 })
            {
                var cut = new byte[(int)(full.Length * fraction)];
                Buffer.BlockCopy(full, 0, cut, 0, cut.Length);
                foreach (var thumbnails in new[] { true, false })
                {
                    AssertRejected(parser, Write(cut), StickyErrorIds.TruncatedJpeg, thumbnails);
                }
            }

            if (turbo)
            {
                // TurboJPEG itself saw each truncation (as a warning, which fails the decode), not just the Skia path.
                Assert.Equal(6, parser.TurboJpegRefusals);
                Assert.Equal(0, parser.TurboJpegDecodes);
            }

            Assert.Equal(1024, parser.ParseFile(Write(full)).Width);
        }

        [Theory]
        [InlineData(false)]
        [TurboJpegInlineData(true)]
        public void OtherMalformedInputIsRejectedOnBothPaths(bool turbo)
        {
            var parser = ParserFor(turbo);
            var full = Small2022Jpeg();
            var header = new byte[40];
            Buffer.BlockCopy(full, 0, header, 0, header.Length);
            AssertRejected(parser, Write(header), StickyErrorIds.TruncatedJpeg);

            // The entropy-coded data overwritten (corrupt, not short) or the frame header damaged: whatever the outcome,
            // it is the same on both paths (TurboJPEG refuses on any warning and leaves the verdict to SkiaSharp).
            var garbage = WithCorruptScan(full);
            var badFrame = WithEmptyFrame(full);
            foreach (var content in new[] { garbage, badFrame })
            {
                var reference = Outcome(ParserFor(false), Write(content));
                Assert.Equal(reference, Outcome(parser, Write(content)));
            }

            Assert.Equal("TruncatedJpeg", Outcome(ParserFor(false), Write(badFrame)));
            AssertRejected(parser, Write(SampleImages.CreatePng()), StickyErrorIds.NotAJpeg);
            AssertRejected(parser, Write(Encoding.UTF8.GetBytes("this is not an image\n")), StickyErrorIds.NotAJpeg);
            AssertRejected(parser, Write(new byte[] { 0xFF, 0xD8, 0xFF }), StickyErrorIds.TruncatedJpeg);
            AssertRejected(parser, Write(SampleImages.CreateJpegWithoutExif()), StickyErrorIds.MissingExif);
            AssertRejected(parser, Write(Array.Empty<byte>()), StickyErrorIds.EmptyFile);
        }

        [TurboJpegFact]
        public void AThreadKeepsDecodingWithTurboJpegAfterCorruptFiles()
        {
            // Regression: a corrupt scan and then a 0 × 0 frame left this thread's TurboJPEG handle failing every later
            // header, so all later images of that thread (an import worker) silently went to the slower SkiaSharp path.
            var parser = ParserFor(true);
            var full = Small2022Jpeg();
            var good = Write(full);
            ParsedImage reference = null;
            var fresh = new System.Threading.Thread(() => reference = ParserFor(true).ParseFile(good)); // its own handle
            fresh.Start();
            fresh.Join();

            Outcome(parser, Write(WithCorruptScan(full)));
            Outcome(parser, Write(WithEmptyFrame(full)));
            long decodes = parser.TurboJpegDecodes, refusals = parser.TurboJpegRefusals;
            Assert.True(refusals >= 2, "the corrupt files were refused by TurboJPEG");

            var after = parser.ParseFile(Write(full));
            Assert.Equal(decodes + 1, parser.TurboJpegDecodes);
            Assert.Equal(refusals, parser.TurboJpegRefusals);
            Assert.Equal(reference.Thumbnail, after.Thumbnail);
            Assert.Equal(reference.ThumbnailMini, after.ThumbnailMini);
        }

        [TurboJpegFact]
        public void DecompressReportsTruncationAsAFailureWithTurboJpegsMessage()
        {
            RequireTurboJpeg();
            var full = SampleImages.CreateJpeg(640, 480, 9, new SampleMetadata { Format = SampleFormat.Legacy2020, Temp = 20, Hum = 50 }.ToExif());
            var cut = new byte[full.Length * 3 / 4];
            Buffer.BlockCopy(full, 0, cut, 0, cut.Length);
            var pixels = Marshal.AllocHGlobal(640 * 480 * 4);
            try
            {
                foreach (var (content, ok) in new[] { (full, true), (cut, false) })
                {
                    var pin = GCHandle.Alloc(content, GCHandleType.Pinned);
                    try
                    {
                        Assert.True(TurboJpeg.TryReadHeader(pin.AddrOfPinnedObject(), content.Length, out var w, out var h, out _));
                        Assert.Equal((640, 480), (w, h));
                        var decoded = TurboJpeg.TryDecompress(pin.AddrOfPinnedObject(), content.Length, pixels, 160, 160 * 4, 120,
                            TurboJpeg.PixelFormatBgra, out var error, out var warningOnly);
                        Assert.Equal(ok, decoded);
                        if (!ok)
                        {
                            Assert.True(warningOnly, error);
                            Assert.Contains("Premature end", error, StringComparison.OrdinalIgnoreCase);
                        }
                    }
                    finally
                    {
                        pin.Free();
                    }
                }
            }
            finally
            {
                Marshal.FreeHGlobal(pixels);
            }
        }

        [TurboJpegFact]
        public void TurboJpegPathIsThreadSafeAndDeterministic()
        {
            var parser = ParserFor(true);
            var paths = Fixtures.Select(f => StandInOf(f.File)).ToArray();
            var sequential = paths.Select(p => parser.ParseFile(p)).ToArray();
            var results = new ParsedImage[paths.Length * 3];
            System.Threading.Tasks.Parallel.For(0, results.Length, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 6 },
                i => results[i] = parser.ParseFile(paths[i % paths.Length]));
            for (var i = 0; i < results.Length; i++)
            {
                var s = sequential[i % paths.Length];
                Assert.Equal(s.Md5, results[i].Md5);
                Assert.Equal(s.Thumbnail, results[i].Thumbnail);
                Assert.Equal(s.ThumbnailMini, results[i].ThumbnailMini);
            }

            Assert.Equal(paths.Length * 4, parser.TurboJpegDecodes);
        }

        private string Write(byte[] content)
        {
            var path = _dir.Combine(Name);
            File.WriteAllBytes(path, content);
            return path;
        }

        private static void AssertRejected(StickyImageParser parser, string path, string errorId, bool makeThumbnails = true)
        {
            var e = Assert.ThrowsAny<StickyPiException>(() => parser.ParseFile(path, makeThumbnails));
            Assert.Equal(errorId, e.ErrorId);
            Assert.Contains(Path.GetFileName(path), e.Message);
            Assert.Equal(path, e.Target);
        }

        private static string Outcome(StickyImageParser parser, string path)
        {
            try
            {
                var p = parser.ParseFile(path);
                return "parsed " + p.Width + "×" + p.Height + ", thumbnail " + (p.Thumbnail != null);
            }
            catch (StickyPiException e)
            {
                Assert.Contains(Path.GetFileName(path), e.Message);
                return e.ErrorId;
            }
        }

        private static byte[] Small2022Jpeg() =>
            SampleImages.CreateJpeg(320, 240, 7, new ExifSpec("StickyPi", "v,T,H,B,L,lat,lng,a,l,b\n3.1.0,20.6,42.6,72,1.20,49.26142,-123.25088,97.3,1652813182,1"));

        /// <summary>A copy whose entropy-coded data (after the first 40 bytes of the scan) is random: corrupt, not short.</summary>
        private static byte[] WithCorruptScan(byte[] jpeg)
        {
            var garbage = (byte[])jpeg.Clone();
            var random = new Random(11);
            for (var i = FindMarker(garbage, 0xDA) + 40; i < garbage.Length - 2; i++)
            {
                garbage[i] = (byte)random.Next(0, 0xFF);
            }

            return garbage;
        }

        /// <summary>A copy whose frame header says 0 × 0 pixels.</summary>
        private static byte[] WithEmptyFrame(byte[] jpeg)
        {
            var badFrame = (byte[])jpeg.Clone();
            var sof = FindMarker(badFrame, 0xC0);
            badFrame[sof + 5] = badFrame[sof + 6] = badFrame[sof + 7] = badFrame[sof + 8] = 0;
            return badFrame;
        }

        private static int FindMarker(byte[] jpeg, byte marker)
        {
            for (var i = 2; i + 1 < jpeg.Length; i++)
            {
                if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
                {
                    return i;
                }
            }

            throw new InvalidOperationException("marker not found");
        }

        /// <summary>Mean absolute difference per channel ≤ 2 (of 255), and no pixel off by more than 48 in any channel.</summary>
        private static void AssertVisuallyEqual(byte[] expectedJpeg, byte[] actualJpeg, string what)
        {
            using (var a = SKBitmap.Decode(expectedJpeg))
            using (var b = SKBitmap.Decode(actualJpeg))
            {
                Assert.Equal(a.Width, b.Width);
                Assert.Equal(a.Height, b.Height);
                long sum = 0;
                var max = 0;
                for (var y = 0; y < a.Height; y++)
                {
                    for (var x = 0; x < a.Width; x++)
                    {
                        var p = a.GetPixel(x, y);
                        var q = b.GetPixel(x, y);
                        foreach (var d in new[] { Math.Abs(p.Red - q.Red), Math.Abs(p.Green - q.Green), Math.Abs(p.Blue - q.Blue) })
                        {
                            sum += d;
                            max = Math.Max(max, d);
                        }
                    }
                }

                var mean = (double)sum / (3L * a.Width * a.Height);
                Assert.True(mean <= 2.0 && max <= 48, $"{what}: mean absolute difference {mean:F3}, max {max}");
            }
        }
    }
}
