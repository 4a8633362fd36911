using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SkiaSharp;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Parsing
{
    /// <summary>Every shared fixture parses to the values of spec Appendix A.</summary>
    public class FixtureParsingTests
    {
        public sealed class Expected
        {
            public string Dir;
            public string File;
            public ExifFormat Format;
            public string Md5;
            public int Width;
            public int Height;
            public double? Lat;
            public double? Lng;
            public double? Alt;
            public double Temp;
            public double Hum;
            public string Version;
            public double? Bat;
            public double? Lum;
            public bool? But;

            public override string ToString() => File;
        }

        private static Expected Legacy(string dir, string file, string md5, double? lat, double? lng, double? alt, double temp, double hum) =>
            new Expected { Dir = dir, File = file, Format = ExifFormat.Legacy2020, Md5 = md5, Width = 2592, Height = 1944, Lat = lat, Lng = lng, Alt = alt, Temp = temp, Hum = hum };

        private static Expected Csv(string file, string md5, double lat, double lng, double alt, double temp, double hum, double lum) =>
            new Expected
            {
                Dir = "2022", File = file, Format = ExifFormat.Csv2022, Md5 = md5, Width = 4056, Height = 3040, Lat = lat, Lng = lng, Alt = alt,
                Temp = temp, Hum = hum, Version = "3.1.0", Bat = 72, Lum = lum, But = true,
            };

        // Spec Appendix A.
        private static readonly Expected[] All =
        {
            Legacy("0a5bb6f4", "0a5bb6f4.2020-06-20_20-19-15.jpg", "725a7d5c7eee7ee15533ff1c45cab6de", null, null, null, 20.700000762939453, 82.0),
            Legacy("0a5bb6f4", "0a5bb6f4.2020-06-20_20-37-59.jpg", "383ea0c4d38c85454aae6bfb5ec1adb4", null, null, null, 21.799999237060547, 77.30000305175781),
            Legacy("0a5bb6f4", "0a5bb6f4.2020-06-20_20-56-43.jpg", "63d0f80d4e2dbefe2ad79e269a9317f3", null, null, null, 21.899999618530273, 76.5999984741211),
            Legacy("0a5bb6f4", "0a5bb6f4.2020-06-20_21-15-27.jpg", "5a8b82012ee3b69a5b7c944ca240ab73", null, null, null, 21.200000762939453, 79.5),
            Legacy("0a5bb6f4", "0a5bb6f4.2020-06-20_21-23-49.jpg", "1872e05995a6b8ed06da4f202270ede6", null, null, null, 21.700000762939453, 86.30000305175781),
            Legacy("1b74105a", "1b74105a.2020-07-05_10-07-16.jpg", "22886796080b30776c1a7f892db8c580", -121.7552, 49.243553, 22.0, 10.300000190734863, 97.5999984741211),
            Legacy("1b74105a", "1b74105a.2020-07-05_10-26-18.jpg", "766f39c6167a03dd31659e9789fc2b6e", -121.7552, 49.243553, 22.0, 10.399999618530273, 97.5),
            Csv("512858f4.2022-05-17_18-34-50.jpg", "4743bd4d1918fc7d5bfec4cb8adf370c", 49.2614, -123.25103, 81.7, 17.0, 44.6, 1.86),
            Csv("512858f4.2022-05-17_18-37-24.jpg", "8b284e28f6fe4b009b5a3c2f51c3aa6a", 49.26066, -123.25032, 127.1, 16.4, 45.3, 1.81),
            Csv("512858f4.2022-05-17_18-46-57.jpg", "e737e84d18e778cf367ca050fb96a841", 49.26142, -123.25088, 97.3, 20.6, 42.6, 1.2),
            Legacy("5c173ff2", "5c173ff2.2020-06-20_21-33-24.jpg", "65e69135d29871e8ee0ac453583effaf", null, null, null, 21.899999618530273, 76.80000305175781),
        };

        public static IEnumerable<object[]> Fixtures() => All.Select(e => new object[] { e.File });

        private static Expected Find(string file) => All.Single(e => e.File == file);

        private static readonly StickyImageParser Parser = new StickyImageParser();

        private static string PathOf(Expected e) => Path.Combine(TestPaths.RawImages, e.Dir, e.File);

        /// <summary>The generated stand-in of a fixture (same folder, name and EXIF format; other content).</summary>
        private static string StandIn(Expected e) => Path.Combine(StandIns.RawImages, e.Dir, e.File);

        [FixtureTheory]
        [MemberData(nameof(Fixtures))]
        public void ParsesToAppendixAValues(string file)
        {
            var e = Find(file);
            var path = PathOf(e);
            var p = Parser.ParseFile(path);

            var key = ImageFileName.Parse(path);
            Assert.Equal(e.File.Substring(0, 8), p.Device);
            Assert.Equal(key.DateTime, p.DateTime);
            Assert.Equal(e.File, p.Key.FileName);
            Assert.Equal(path, p.SourcePath);
            Assert.Equal(e.Md5, p.Md5);
            Assert.Equal(e.Width, p.Width);
            Assert.Equal(e.Height, p.Height);
            Assert.Equal(e.Format, p.Format);
            Assert.Equal(e.Lat, p.Lat);
            Assert.Equal(e.Lng, p.Lng);
            Assert.Equal(e.Alt, p.Alt);
            Assert.Equal(e.Temp, p.Temp);
            Assert.Equal(e.Hum, p.Hum);
            Assert.Equal(e.Version, p.DeviceVersion);
            Assert.Equal(e.Bat, p.Bat);
            Assert.Equal(e.Lum, p.Lum);
            Assert.Equal(e.But, p.But);

            AssertJpegSize(p.Thumbnail, 512, 384);
            AssertJpegSize(p.ThumbnailMini, 128, 96);
        }

        [FixtureTheory]
        [MemberData(nameof(Fixtures))]
        public void ParsesWithoutThumbnails(string file)
        {
            var e = Find(file);
            var p = Parser.ParseFile(PathOf(e), makeThumbnails: false);
            Assert.Null(p.Thumbnail);
            Assert.Null(p.ThumbnailMini);
            Assert.Equal(e.Md5, p.Md5);
            Assert.Equal(e.Width, p.Width);
            Assert.Equal(e.Height, p.Height);
            Assert.Equal(e.Temp, p.Temp);
        }

        [Fact]
        public void ParseFromBytesMatchesParseFile()
        {
            var path = StandIn(All[0]);
            var fromFile = Parser.ParseFile(path);
            var p = Parser.Parse(File.ReadAllBytes(path), path);
            Assert.Equal(fromFile.Md5, p.Md5);
            Assert.Equal(fromFile.Temp, p.Temp);
            Assert.Equal(fromFile.Thumbnail, p.Thumbnail);
            AssertJpegSize(p.Thumbnail, 512, 384);
        }

        [FixtureFact]
        public void Spec44WorkedExampleNoFlashValues()
        {
            var p = Parser.ParseFile(Path.Combine(TestPaths.RawImages, "5c173ff2", "5c173ff2.2020-06-20_21-33-24.jpg"), makeThumbnails: false);
            Assert.Equal(new DateTime(2020, 6, 20, 21, 33, 24, DateTimeKind.Utc), p.DateTime); // name, not the dict's datetime
            Assert.Null(p.Lat);
            Assert.Null(p.Lng);
            Assert.Null(p.Alt);
            Assert.Null(p.DeviceVersion);
            Assert.Equal(0.023646, p.Extra["no_flash_exposure_time"]);
            Assert.Equal(100L, p.Extra["no_flash_analog_gain"]);
            Assert.Equal(2.36, p.Extra["no_flash_digital_gain"]);
            foreach (var removed in new[] { "no_flash_iso", "no_flash_bv", "no_flash_shutter_speed", "datetime", "lat", "lng", "alt", "temp", "hum" })
            {
                Assert.False(p.Extra.ContainsKey(removed), removed);
            }
        }

        [Fact]
        public void ComputeMd5OverloadsAgree()
        {
            var path = StandIn(All[7]);
            var bytes = File.ReadAllBytes(path);
            string expected;
            using (var md5 = System.Security.Cryptography.MD5.Create())
            {
                expected = string.Concat(md5.ComputeHash(bytes).Select(b => b.ToString("x2")));
            }

            Assert.Equal(expected, StickyImageParser.ComputeMd5(bytes));
            using (var s = File.OpenRead(path))
            {
                Assert.Equal(expected, StickyImageParser.ComputeMd5(s));
            }
        }

        [Fact]
        public void ParserIsThreadSafe()
        {
            var paths = All.Select(StandIn).ToArray();
            var sequential = paths.Select(p => Parser.ParseFile(p)).ToArray();
            var results = new ParsedImage[paths.Length * 3];
            System.Threading.Tasks.Parallel.For(0, results.Length, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 6 },
                i => results[i] = Parser.ParseFile(paths[i % paths.Length]));
            for (var i = 0; i < results.Length; i++)
            {
                var s = sequential[i % paths.Length];
                Assert.Equal(s.Md5, results[i].Md5);
                Assert.Equal(s.Temp, results[i].Temp);
                Assert.Equal(s.Thumbnail, results[i].Thumbnail);
                AssertJpegSize(results[i].Thumbnail, 512, 384);
            }
        }

        internal static void AssertJpegSize(byte[] jpeg, int width, int height)
        {
            Assert.NotNull(jpeg);
            Assert.True(jpeg.Length > 3 && jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");
            using (var codec = SKCodec.Create(new SKMemoryStream(jpeg)))
            {
                Assert.NotNull(codec);
                Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
                Assert.Equal(width, codec.Info.Width);
                Assert.Equal(height, codec.Info.Height);
            }

            using (var bitmap = SKBitmap.Decode(jpeg))
            {
                Assert.NotNull(bitmap); // decodes fully
            }
        }
    }
}
