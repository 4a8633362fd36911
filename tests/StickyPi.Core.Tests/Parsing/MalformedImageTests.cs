using System;
using System.IO;
using System.Text;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Tests.Support;
using StickyPi.SampleData;

namespace StickyPi.Core.Tests.Parsing
{
    /// <summary>Every rejection names the file and carries a stable error id.</summary>
    public sealed class MalformedImageTests : IDisposable
    {
        private const string Name = "0a5bb6f4.2020-06-20_20-19-15.jpg";
        private const string CsvHeader = "v,T,H,B,L,lat,lng,a,l,b";
        private const string CsvValues = "3.1.0,20.6,42.6,72,1.20,49.26142,-123.25088,97.3,1652813182,1";

        private readonly TempDir _dir = new TempDir("stickypi-parse");
        private readonly StickyImageParser _parser = new StickyImageParser();

        public void Dispose() => _dir.Dispose();

        private string Write(byte[] content, string name = Name)
        {
            var path = _dir.Combine(name);
            File.WriteAllBytes(path, content);
            return path;
        }

        private StickyPiException AssertRejected(string path, string errorId, bool makeThumbnails = true)
        {
            var e = Assert.ThrowsAny<StickyPiException>(() => _parser.ParseFile(path, makeThumbnails));
            Assert.Equal(errorId, e.ErrorId);
            Assert.Contains(Path.GetFileName(path), e.Message);
            Assert.Equal(path, e.Target);
            return e;
        }

        private static byte[] Jpeg(string make, string userComment = null) =>
            SampleImages.CreateJpeg(320, 240, 7, new ExifSpec(make, userComment));

        private static byte[] Csv(string comment) => Jpeg("StickyPi", comment);

        [Fact]
        public void BadNameFailsBeforeAnyIo()
        {
            var path = Path.Combine(_dir.Path, "missing-dir", "not-a-sticky-name.jpg");
            var e = Assert.Throws<StickyPiException>(() => _parser.ParseFile(path));
            Assert.Equal(StickyErrorIds.InvalidFileName, e.ErrorId);
            Assert.Contains("not-a-sticky-name.jpg", e.Message);

            e = Assert.Throws<StickyPiException>(() => _parser.Parse(Array.Empty<byte>(), "0a5bb6f4.2019-01-01_00-00-00.jpg"));
            Assert.Equal(StickyErrorIds.ImageTooOld, e.ErrorId);
        }

        [Fact]
        public void MissingFile()
        {
            var e = AssertRejected(_dir.Combine(Name), StickyErrorIds.FileNotFound);
            Assert.Equal(StickyErrorKind.NotFound, e.Kind);
            e = AssertRejected(Path.Combine(_dir.Path, "no-such-dir", Name), StickyErrorIds.FileNotFound);
            Assert.Equal(StickyErrorKind.NotFound, e.Kind);
        }

        [Fact]
        public void ZeroBytes()
        {
            var e = AssertRejected(Write(Array.Empty<byte>()), StickyErrorIds.EmptyFile);
            Assert.Equal(StickyErrorKind.InvalidData, e.Kind);

            e = Assert.Throws<StickyPiException>(() => _parser.Parse(Array.Empty<byte>(), "/x/" + Name));
            Assert.Equal(StickyErrorIds.EmptyFile, e.ErrorId);
            Assert.Contains(Name, e.Message);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void TruncatedJpeg(bool makeThumbnails)
        {
            var full = SampleImages.CreateJpeg(1024, 768, 3, new SampleMetadata { Format = SampleFormat.Legacy2020, Temp = 20, Hum = 50 }.ToExif());
            var half = new byte[full.Length / 2];
            Buffer.BlockCopy(full, 0, half, 0, half.Length);

            var e = AssertRejected(Write(half), StickyErrorIds.TruncatedJpeg, makeThumbnails);
            Assert.Equal(StickyErrorKind.InvalidData, e.Kind);

            // The intact image parses, so it is the truncation that is detected.
            Assert.Equal(1024, _parser.ParseFile(Write(full), makeThumbnails).Width);
        }

        [Fact]
        public void TruncatedInsideHeader()
        {
            var full = Jpeg("StickyPi", CsvHeader + "\n" + CsvValues);
            var cut = new byte[40]; // inside the APP1 segment
            Buffer.BlockCopy(full, 0, cut, 0, cut.Length);
            AssertRejected(Write(cut), StickyErrorIds.TruncatedJpeg);
        }

        [Fact]
        public void PngRenamedToJpg()
        {
            var e = AssertRejected(Write(SampleImages.CreatePng()), StickyErrorIds.NotAJpeg);
            Assert.Equal(StickyErrorKind.InvalidData, e.Kind);
        }

        [Fact]
        public void TextRenamedToJpg()
        {
            AssertRejected(Write(Encoding.UTF8.GetBytes("this is not an image\n")), StickyErrorIds.NotAJpeg);
            AssertRejected(Write(new byte[] { 0xFF }), StickyErrorIds.NotAJpeg);
        }

        [Fact]
        public void NoExifAtAll()
        {
            var e = AssertRejected(Write(SampleImages.CreateJpegWithoutExif()), StickyErrorIds.MissingExif);
            Assert.Equal(StickyErrorKind.InvalidData, e.Kind);
        }

        [Fact]
        public void ExifWithoutMake()
        {
            AssertRejected(Write(SampleImages.CreateJpegWithRawExif(null, Encoding.UTF8.GetBytes(CsvHeader + "\n" + CsvValues))), StickyErrorIds.MissingExif);
        }

        [Fact]
        public void MakeRaspberryPiWithoutUserComment()
        {
            // Not '{' → 2022 format → no UserComment to read.
            var e = AssertRejected(Write(Jpeg("Raspberry Pi")), StickyErrorIds.InvalidExif);
            Assert.Contains("Raspberry Pi", e.Message);
        }

        [Fact]
        public void MakeRaspberryPiWithUnrelatedUserComment()
        {
            AssertRejected(Write(Jpeg("Raspberry Pi", "hello")), StickyErrorIds.InvalidExif);
        }

        [Fact]
        public void BrokenDict()
        {
            var e = AssertRejected(Write(Jpeg("{'lat': 0.0, 'lng' 0.0, 'alt': 0.0}")), StickyErrorIds.InvalidExif);
            Assert.Contains("EXIF Make: expected ':'", e.Message);
            Assert.Contains("at offset 19", e.Message);
            Assert.Equal(19, Assert.IsType<PythonLiteralException>(e).Offset);
        }

        [Fact]
        public void UnclosedDict()
        {
            var e = AssertRejected(Write(Jpeg("{'lat': 0.0, 'lng': 0.0")), StickyErrorIds.InvalidExif);
            Assert.Contains("'}'", e.Message);
        }

        [Fact]
        public void DictWithoutGps()
        {
            var e = AssertRejected(Write(Jpeg("{'temp': 20.0, 'hum': 50.0, 'lat': 0.0, 'lng': 0.0}")), StickyErrorIds.InvalidExif);
            Assert.Contains("'alt'", e.Message);
        }

        [Fact]
        public void DictWithNonNumericTemp()
        {
            var e = AssertRejected(Write(Jpeg("{'lat': 0.0, 'lng': 0.0, 'alt': 0.0, 'temp': 'warm'}")), StickyErrorIds.InvalidExif);
            Assert.Contains("'temp'", e.Message);
        }

        [Fact]
        public void DictWithBadNoFlashTuple()
        {
            var e = AssertRejected(Write(Jpeg("{'lat': 0.0, 'lng': 0.0, 'alt': 0.0, 'no_flash_bv': 2.36, 'no_flash_iso': 100, "
                + "'no_flash_exposure_time': (1, 2), 'no_flash_shutter_speed': (1, 2)}")), StickyErrorIds.InvalidExif);
            Assert.Contains("'no_flash_bv'", e.Message);
        }

        [Fact]
        public void CsvWithThreeLines()
        {
            var e = AssertRejected(Write(Csv(CsvHeader + "\n" + CsvValues + "\n")), StickyErrorIds.InvalidExif);
            Assert.Contains("found 3", e.Message);
        }

        [Fact]
        public void CsvWithOneLine()
        {
            AssertRejected(Write(Csv(CsvHeader)), StickyErrorIds.InvalidExif);
        }

        [Fact]
        public void CsvWithMismatchedCounts()
        {
            var e = AssertRejected(Write(Csv(CsvHeader + "\n" + CsvValues + ",extra")), StickyErrorIds.InvalidExif);
            Assert.Contains("10 fields", e.Message);
            Assert.Contains("11", e.Message);
        }

        [Fact]
        public void CsvWithNonNumericValue()
        {
            var e = AssertRejected(Write(Csv(CsvHeader + "\n3.1.0,warm,42.6,72,1.20,49.26142,-123.25088,97.3,1652813182,1")), StickyErrorIds.InvalidExif);
            Assert.Contains("'T'", e.Message);
            Assert.Contains("'warm'", e.Message);
        }

        [Fact]
        public void CsvWithFractionalButton()
        {
            var e = AssertRejected(Write(Csv(CsvHeader + "\n3.1.0,20.6,42.6,72,1.20,49.26142,-123.25088,97.3,1652813182,1.0")), StickyErrorIds.InvalidExif);
            Assert.Contains("'b'", e.Message);
        }

        [Fact]
        public void CsvWithEmptyValuesMapsToNull()
        {
            var p = _parser.ParseFile(Write(Csv(CsvHeader + "\n3.1.0,,,72,1.20,,,,1652813182,")));
            Assert.Equal(ExifFormat.Csv2022, p.Format);
            Assert.Equal("3.1.0", p.DeviceVersion);
            Assert.Null(p.Temp);
            Assert.Null(p.Hum);
            Assert.Equal(72.0, p.Bat);
            Assert.Equal(1.2, p.Lum);
            Assert.Null(p.Lat);
            Assert.Null(p.Lng);
            Assert.Null(p.Alt);
            Assert.Null(p.But);
        }

        [Fact]
        public void CsvWithCharsetPrefix()
        {
            var comment = Encoding.ASCII.GetBytes("ASCII\0\0\0" + CsvHeader + "\n" + CsvValues);
            var p = _parser.ParseFile(Write(SampleImages.CreateJpegWithRawExif(Encoding.ASCII.GetBytes("StickyPi\0"), comment)));
            Assert.Equal(20.6, p.Temp);
            Assert.True(p.But);
        }

        [Fact]
        public void LegacyKeysDoNotOverrideNameOrContent()
        {
            var make = "{'lat': 1.5, 'lng': 2.5, 'alt': 0.0, 'device': 'ffffffff', 'datetime': '2021-01-01 00:00:00', "
                + "'md5': '00000000000000000000000000000000', 'width': 1, 'height': 2, 'temp': 20, 'hum': None, 'firmware': 'x'}";
            var content = Jpeg(make);
            var p = _parser.ParseFile(Write(content));
            Assert.Equal("0a5bb6f4", p.Device);
            Assert.Equal(new DateTime(2020, 6, 20, 20, 19, 15, DateTimeKind.Utc), p.DateTime);
            Assert.Equal(StickyImageParser.ComputeMd5(content), p.Md5);
            Assert.Equal(320, p.Width);
            Assert.Equal(240, p.Height);
            Assert.Equal(1.5, p.Lat);
            Assert.Equal(2.5, p.Lng);
            Assert.Equal(0.0, p.Alt); // only all-three-zero means "no fix"
            Assert.Equal(20.0, p.Temp);
            Assert.Null(p.Hum);
            Assert.Equal("x", p.Extra["firmware"]);
            foreach (var key in new[] { "device", "datetime", "md5", "width", "height" })
            {
                Assert.False(p.Extra.ContainsKey(key), key);
            }
        }
    }
}
