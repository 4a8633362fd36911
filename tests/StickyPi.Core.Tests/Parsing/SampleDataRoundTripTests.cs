using System;
using System.IO;
using System.Linq;
using System.Text;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Jpeg;
using SkiaSharp;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Tests.Support;
using StickyPi.SampleData;

namespace StickyPi.Core.Tests.Parsing
{
    /// <summary>Images from StickyPi.SampleData parse back to the values written.</summary>
    public sealed class SampleDataRoundTripTests : IDisposable
    {
        private readonly TempDir _dir = new TempDir("stickypi-sample");
        private readonly StickyImageParser _parser = new StickyImageParser();

        public void Dispose() => _dir.Dispose();

        [Theory]
        [InlineData(1, true)]
        [InlineData(2, false)]
        [InlineData(3, true)]
        public void Legacy2020RoundTrip(int seed, bool gps)
        {
            var utc = new DateTime(2020, 6, 20, 21, 33, 24, DateTimeKind.Utc);
            var m = SampleMetadata.Random(new Random(seed), SampleFormat.Legacy2020, utc, gps);
            var path = SampleImages.WriteImage(_dir.Path, "5c173ff2", utc, m.ToExif(), 640, 480, seed);
            Assert.Equal("5c173ff2.2020-06-20_21-33-24.jpg", Path.GetFileName(path));

            var p = _parser.ParseFile(path);
            Assert.Equal(ExifFormat.Legacy2020, p.Format);
            Assert.Equal("5c173ff2", p.Device);
            Assert.Equal(utc, p.DateTime);
            Assert.Equal(StickyImageParser.ComputeMd5(File.ReadAllBytes(path)), p.Md5);
            Assert.Equal(640, p.Width);
            Assert.Equal(480, p.Height);
            Assert.Equal(m.Temp, p.Temp);
            Assert.Equal(m.Hum, p.Hum);
            if (gps)
            {
                Assert.NotNull(m.Lat);
                Assert.Equal(m.Lat, p.Lat);
                Assert.Equal(m.Lng, p.Lng);
                Assert.Equal(m.Alt, p.Alt);
            }
            else
            {
                Assert.Null(p.Lat);
                Assert.Null(p.Lng);
                Assert.Null(p.Alt);
            }

            Assert.Null(p.DeviceVersion);
            Assert.Equal(m.ExposureNumerator / 1000000.0, p.Extra["no_flash_exposure_time"]);
            Assert.Equal(m.Iso, p.Extra["no_flash_analog_gain"]);
            Assert.Equal(m.BrightnessNumerator / 100.0, p.Extra["no_flash_digital_gain"]);
            FixtureParsingTests.AssertJpegSize(p.Thumbnail, 512, 384);
            FixtureParsingTests.AssertJpegSize(p.ThumbnailMini, 128, 96);
        }

        [Fact]
        public void LegacyMakeLooksLikeTheSpecExample()
        {
            var m = new SampleMetadata
            {
                Format = SampleFormat.Legacy2020,
                DeviceClock = new DateTime(2020, 6, 20, 6, 38, 36),
                Temp = 21.899999618530273,
                Hum = 76.80000305175781,
            };
            Assert.Equal("{'lng': 0.0, 'lat': 0.0, 'alt': 0.0, 'datetime': '2020-06-20 06:38:36', "
                + "'no_flash_exposure_time': (23646, 1000000), 'no_flash_iso': 100, 'no_flash_bv': (236, 100), "
                + "'no_flash_shutter_speed': (5402260, 1000000), 'temp': 21.899999618530273, 'hum': 76.80000305175781}", m.ToLegacyMake());
        }

        [Theory]
        [InlineData(11, true)]
        [InlineData(12, false)]
        public void Csv2022RoundTrip(int seed, bool gps)
        {
            var utc = new DateTime(2022, 5, 17, 18, 46, 57, DateTimeKind.Utc);
            var m = SampleMetadata.Random(new Random(seed), SampleFormat.Csv2022, utc, gps);
            var content = SampleImages.CreateJpeg(800, 600, seed, m.ToExif());
            var p = _parser.Parse(content, "/in/memory/512858f4.2022-05-17_18-46-57.jpg");

            Assert.Equal(ExifFormat.Csv2022, p.Format);
            Assert.Equal("512858f4", p.Device);
            Assert.Equal(utc, p.DateTime);
            Assert.Equal(800, p.Width);
            Assert.Equal(600, p.Height);
            Assert.Equal("3.1.0", p.DeviceVersion);
            Assert.Equal(m.Temp, p.Temp);
            Assert.Equal(m.Hum, p.Hum);
            Assert.Equal(m.Bat, p.Bat);
            Assert.Equal(m.Lum, p.Lum);
            Assert.Equal(m.But, p.But);
            Assert.Equal(m.Lat, p.Lat);
            Assert.Equal(m.Lng, p.Lng);
            Assert.Equal(m.Alt, p.Alt);
            if (!gps)
            {
                Assert.Null(p.Lat);
            }

            FixtureParsingTests.AssertJpegSize(p.Thumbnail, 512, 384);
        }

        [Fact]
        public void CsvCommentLooksLikeTheSpecExample()
        {
            var m = new SampleMetadata
            {
                Format = SampleFormat.Csv2022, Temp = 20.6, Hum = 42.6, Bat = 72, Lum = 1.2, Lat = 49.26142, Lng = -123.25088, Alt = 97.3,
                LastSync = 1652813182, But = true,
            };
            Assert.Equal("v,T,H,B,L,lat,lng,a,l,b\n3.1.0,20.6,42.6,72,1.20,49.26142,-123.25088,97.3,1652813182,1", m.ToCsvComment());
        }

        [Fact]
        public void MetadataExtractorReadsBackRawExif()
        {
            var make = Encoding.ASCII.GetBytes("StickyPi\0");
            var comment = Encoding.UTF8.GetBytes("v,T\n3.1.0,20.5");
            var jpeg = SampleImages.CreateJpegWithRawExif(make, comment);

            var directories = JpegMetadataReader.ReadMetadata(new MemoryStream(jpeg), new IJpegSegmentMetadataReader[] { new ExifReader() });
            var ifd0 = directories.OfType<ExifIfd0Directory>().Single();
            Assert.Empty(ifd0.Errors);
            Assert.Equal("StickyPi", ifd0.GetString(ExifDirectoryBase.TagMake));
            var sub = directories.OfType<ExifSubIfdDirectory>().Single();
            Assert.Empty(sub.Errors);
            Assert.Equal(comment, sub.GetByteArray(ExifDirectoryBase.TagUserComment));
            Assert.Equal("0230", Encoding.ASCII.GetString(sub.GetByteArray(ExifDirectoryBase.TagExifVersion)));

            var tags = StickyExif.ReadTags(jpeg, "x.jpg");
            Assert.Equal(Encoding.ASCII.GetBytes("StickyPi"), tags.Make); // trailing NUL trimmed
            Assert.Equal(comment, tags.UserComment);
        }

        [Fact]
        public void ShortValuesAreStoredInline()
        {
            var tags = StickyExif.ReadTags(SampleImages.CreateJpegWithRawExif(Encoding.ASCII.GetBytes("ab\0"), new byte[] { 1, 2 }), "x.jpg");
            Assert.Equal(Encoding.ASCII.GetBytes("ab"), tags.Make);
            Assert.Equal(new byte[] { 1, 2 }, tags.UserComment);

            tags = StickyExif.ReadTags(SampleImages.CreateJpegWithRawExif(Encoding.ASCII.GetBytes("StickyPi\0"), null), "x.jpg");
            Assert.Null(tags.UserComment);
            tags = StickyExif.ReadTags(SampleImages.CreateJpegWithoutExif(), "x.jpg");
            Assert.Null(tags.Make);
        }

        [Fact]
        public void WriteImageNamesAndFormats()
        {
            var utc = new DateTime(2020, 7, 5, 10, 7, 16, DateTimeKind.Utc);
            var path = SampleImages.WriteImage(_dir.Path, "1b74105a", utc, SampleFormat.Legacy2020, 640, 480, 5);
            Assert.Equal(Path.Combine(_dir.Path, "1b74105a.2020-07-05_10-07-16.jpg"), path);
            Assert.Equal(ExifFormat.Legacy2020, _parser.ParseFile(path, false).Format);

            var utc2 = new DateTime(2022, 5, 17, 18, 34, 50, DateTimeKind.Utc);
            var path2 = SampleImages.WriteImage(_dir.Path, "512858f4", utc2, SampleFormat.Csv2022, 640, 480, 5);
            var p2 = _parser.ParseFile(path2, false);
            Assert.Equal(ExifFormat.Csv2022, p2.Format);
            Assert.NotNull(p2.Lat);
            Assert.NotNull(p2.Temp);
        }

        [Fact]
        public void SeasonParsesAndIsDeterministic()
        {
            var paths = SampleImages.WriteSeason(_dir.Combine("a"), 16, 42);
            Assert.Equal(16, paths.Count);
            var parsed = paths.Select(p => _parser.ParseFile(p, makeThumbnails: false)).ToList();

            Assert.Equal(16, parsed.Select(p => p.Key).Distinct().Count());
            Assert.Contains(parsed, p => p.Format == ExifFormat.Legacy2020 && p.Lat == null);
            Assert.Contains(parsed, p => p.Format == ExifFormat.Legacy2020 && p.Lat != null);
            Assert.Contains(parsed, p => p.Format == ExifFormat.Csv2022);
            Assert.True(parsed.Select(p => p.Device).Distinct().Count() >= 3);
            Assert.All(parsed, p =>
            {
                Assert.Equal(SampleImages.DefaultWidth, p.Width);
                Assert.Equal(SampleImages.DefaultHeight, p.Height);
                Assert.NotNull(p.Temp);
                Assert.NotNull(p.Hum);
            });

            // About 20 minutes between consecutive shots of a device.
            foreach (var device in parsed.GroupBy(p => p.Device))
            {
                var times = device.Select(p => p.DateTime).OrderBy(t => t).ToList();
                for (var i = 1; i < times.Count; i++)
                {
                    var gap = times[i] - times[i - 1];
                    Assert.InRange(gap.TotalMinutes, 19, 21);
                }
            }

            var again = SampleImages.WriteSeason(_dir.Combine("b"), 16, 42);
            Assert.Equal(paths.Select(Path.GetFileName), again.Select(Path.GetFileName));
            Assert.Equal(parsed.Select(p => p.Md5), again.Select(p => StickyImageParser.ComputeMd5(File.ReadAllBytes(p))));
        }

        [Fact]
        public void CardLooksYellow()
        {
            using (var bitmap = SKBitmap.Decode(SampleImages.CreateJpegWithoutExif(320, 240, 9)))
            {
                long r = 0, g = 0, b = 0;
                for (var y = 0; y < bitmap.Height; y += 4)
                {
                    for (var x = 0; x < bitmap.Width; x += 4)
                    {
                        var c = bitmap.GetPixel(x, y);
                        r += c.Red;
                        g += c.Green;
                        b += c.Blue;
                    }
                }

                Assert.True(r > 2 * b && g > 2 * b, "card should be yellow");
            }
        }

        [Theory]
        [InlineData(320, 240, 320, 240, 128, 96)] // never upscaled
        [InlineData(1000, 300, 512, 154, 128, 39)] // Pillow's closest-aspect rounding
        [InlineData(300, 1000, 115, 384, 29, 96)]
        [InlineData(2592, 1944, 512, 384, 128, 96)]
        public void ThumbnailSizesFollowPillow(int w, int h, int tw, int th, int mw, int mh)
        {
            var size = StickyImageParser.FitWithin(w, h, 512, 384);
            Assert.Equal(tw, size.Width);
            Assert.Equal(th, size.Height);
            var mini = StickyImageParser.FitWithin(size.Width, size.Height, 128, 96);
            Assert.Equal(mw, mini.Width);
            Assert.Equal(mh, mini.Height);

            if (w * h <= 3000000)
            {
                var p = _parser.Parse(SampleImages.CreateJpeg(w, h, 1, new ExifSpec("StickyPi", "T,H\n20.0,50.0")), "0a5bb6f4.2022-01-01_00-00-00.jpg");
                FixtureParsingTests.AssertJpegSize(p.Thumbnail, tw, th);
                FixtureParsingTests.AssertJpegSize(p.ThumbnailMini, mw, mh);
            }
        }
    }
}
