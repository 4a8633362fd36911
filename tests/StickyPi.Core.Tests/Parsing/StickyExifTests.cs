using System.Text;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Tests.Parsing
{
    public class StickyExifTests
    {
        private const string Comment = "v,T,H,B,L,lat,lng,a,l,b\n3.1.0,20.6,42.6,72,1.20,49.26142,-123.25088,97.3,1652813182,1";

        [Theory]
        [InlineData("")]
        [InlineData("ASCII\0\0\0")]
        [InlineData("JIS\0\0\0\0\0")]
        [InlineData("\0\0\0\0\0\0\0\0")]
        public void CharsetPrefixesAreStripped(string prefix)
        {
            Assert.Equal(Comment, StickyExif.DecodeUserComment(Encoding.ASCII.GetBytes(prefix + Comment)));
        }

        [Fact]
        public void UnicodePrefixDecodesUtf16EitherByteOrder()
        {
            var prefix = Encoding.ASCII.GetBytes("UNICODE\0");
            Assert.Equal(Comment, StickyExif.DecodeUserComment(Concat(prefix, Encoding.Unicode.GetBytes(Comment))));
            Assert.Equal(Comment, StickyExif.DecodeUserComment(Concat(prefix, Encoding.BigEndianUnicode.GetBytes(Comment))));
        }

        [Fact]
        public void Utf8IsDecoded()
        {
            Assert.Equal("v\n3.1.0-é", StickyExif.DecodeUserComment(Encoding.UTF8.GetBytes("v\n3.1.0-é")));
        }

        [Fact]
        public void Spec45WorkedExample()
        {
            var p = new ParsedImage();
            StickyExif.ApplyCsv(p, Comment, "x.jpg");
            Assert.Equal(ExifFormat.Csv2022, p.Format);
            Assert.Equal("3.1.0", p.DeviceVersion);
            Assert.Equal(20.6, p.Temp);
            Assert.Equal(42.6, p.Hum);
            Assert.Equal(72.0, p.Bat);
            Assert.Equal(1.2, p.Lum);
            Assert.Equal(49.26142, p.Lat);
            Assert.Equal(-123.25088, p.Lng);
            Assert.Equal(97.3, p.Alt);
            Assert.True(p.But);
            Assert.Empty(p.Extra);
        }

        [Theory]
        [InlineData("0", false)]
        [InlineData("1", true)]
        [InlineData("2", true)]
        [InlineData("-1", true)]
        [InlineData("00", false)]
        [InlineData(" 1 ", true)]
        public void ButtonIsIntegerThenBool(string value, bool expected)
        {
            var p = new ParsedImage();
            StickyExif.ApplyCsv(p, "b\n" + value, "x.jpg");
            Assert.Equal(expected, p.But);
        }

        [Fact]
        public void UnknownAndLastSyncColumnsAreIgnoredAndOrderIsFree()
        {
            var p = new ParsedImage();
            StickyExif.ApplyCsv(p, "zz,l,H,T\nwhatever,notanumber,50.5,-3", "x.jpg");
            Assert.Equal(50.5, p.Hum);
            Assert.Equal(-3.0, p.Temp);
            Assert.Null(p.DeviceVersion);
        }

        [Theory]
        [InlineData("nan")]
        [InlineData("inf")]
        [InlineData("1,5")]
        [InlineData("0x10")]
        public void NonNumericValuesAreRejected(string value)
        {
            var e = Assert.Throws<StickyPiException>(() => StickyExif.ApplyCsv(new ParsedImage(), "H,T\n50," + value, "dir/x.jpg"));
            Assert.Equal(StickyErrorIds.InvalidExif, e.ErrorId);
            Assert.Contains("dir/x.jpg", e.Message);
        }

        [Fact]
        public void LegacyNoFlashConversions()
        {
            var p = new ParsedImage();
            StickyExif.ApplyLegacy(p, "{'lng': 0.0, 'lat': 0.0, 'alt': 0.0, 'datetime': '2020-06-20 06:38:36', "
                + "'no_flash_exposure_time': (23646, 1000000), 'no_flash_iso': 100, 'no_flash_bv': (236, 100), "
                + "'no_flash_shutter_speed': (5402260, 1000000), 'temp': 21.899999618530273, 'hum': 76.80000305175781}", "x.jpg");
            Assert.Equal(ExifFormat.Legacy2020, p.Format);
            Assert.Null(p.Lat);
            Assert.Equal(21.899999618530273, p.Temp);
            Assert.Equal(3, p.Extra.Count);
            Assert.Equal(0.023646, p.Extra["no_flash_exposure_time"]);
            Assert.Equal(100L, p.Extra["no_flash_analog_gain"]);
            Assert.Equal(2.36, p.Extra["no_flash_digital_gain"]);
        }

        [Fact]
        public void LegacyWithoutNoFlashKeepsOtherKeys()
        {
            var p = new ParsedImage();
            StickyExif.ApplyLegacy(p, "{'lat': -121.7552, 'lng': 49.243553, 'alt': 22, 'no_flash_iso': 100}", "x.jpg");
            Assert.Equal(-121.7552, p.Lat);
            Assert.Equal(49.243553, p.Lng);
            Assert.Equal(22.0, p.Alt);
            Assert.Null(p.Temp);
            Assert.Equal(100L, p.Extra["no_flash_iso"]);
        }

        [Fact]
        public void FormatRule()
        {
            Assert.True(StickyExif.IsLegacyMake("{'a': 1}"));
            Assert.True(StickyExif.IsLegacyMake(" {}"));
            Assert.False(StickyExif.IsLegacyMake("StickyPi"));
            Assert.False(StickyExif.IsLegacyMake("Raspberry Pi"));
            Assert.False(StickyExif.IsLegacyMake("[{}]"));
        }

        [Fact]
        public void MissingMakeIsMissingExif()
        {
            var e = Assert.Throws<StickyPiException>(() => StickyExif.Apply(new ParsedImage(), new StickyExifTags(null, Encoding.ASCII.GetBytes(Comment)), "a/x.jpg"));
            Assert.Equal(StickyErrorIds.MissingExif, e.ErrorId);
            Assert.Contains("a/x.jpg", e.Message);
        }

        private static byte[] Concat(byte[] a, byte[] b)
        {
            var r = new byte[a.Length + b.Length];
            a.CopyTo(r, 0);
            b.CopyTo(r, a.Length);
            return r;
        }
    }
}
