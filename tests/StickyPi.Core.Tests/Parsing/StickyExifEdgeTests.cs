using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Tests.Parsing
{
    /// <summary>
    /// EXIF reading and the two metadata formats at their edges: tags stored with unusual types or in the wrong IFD,
    /// charset prefixes without text, GPS with some zero coordinates (what mutation testing found untested).
    /// </summary>
    public class StickyExifEdgeTests
    {
        private const ushort Ascii = 2;
        private const ushort Undefined = 7;

        /// <summary>SOI, an APP1 Exif segment with the given chain of IFDs (little-endian TIFF), EOI.</summary>
        private static byte[] JpegWithIfds(params (ushort Tag, ushort Type, byte[] Value)[][] ifds)
        {
            var tiff = new MemoryStream();
            var w = new BinaryWriter(tiff); // little-endian, as "II" says
            w.Write(new byte[] { 0x49, 0x49, 0x2A, 0x00 });
            w.Write(8);
            var dataOffset = 8 + ifds.Sum(ifd => 2 + (12 * ifd.Length) + 4);
            var data = new MemoryStream();
            var ifdOffset = 8;
            for (var i = 0; i < ifds.Length; i++)
            {
                ifdOffset += 2 + (12 * ifds[i].Length) + 4;
                w.Write((ushort)ifds[i].Length);
                foreach (var (tag, type, value) in ifds[i])
                {
                    w.Write(tag);
                    w.Write(type);
                    w.Write(value.Length);
                    if (value.Length <= 4)
                    {
                        w.Write(value.Concat(new byte[4 - value.Length]).ToArray());
                    }
                    else
                    {
                        w.Write(dataOffset + (int)data.Length);
                        data.Write(value, 0, value.Length);
                        if (data.Length % 2 == 1)
                        {
                            data.WriteByte(0);
                        }
                    }
                }

                w.Write(i + 1 < ifds.Length ? ifdOffset : 0);
            }

            w.Write(data.ToArray());
            var body = new byte[] { (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0 }.Concat(tiff.ToArray()).ToArray();
            var length = body.Length + 2;
            return new byte[] { 0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length }
                .Concat(body).Concat(new byte[] { 0xFF, 0xD9 }).ToArray();
        }

        [Fact]
        public void TrailingNulsOfAMakeStoredAsBytesAreTrimmed()
        {
            var make = Encoding.ASCII.GetBytes("{'lat': 1.0, 'lng': 2.0, 'alt': 3.0}");
            var tags = StickyExif.ReadTags(JpegWithIfds(new[] { ((ushort)0x010F, Undefined, make.Concat(new byte[3]).ToArray()) }), "x.jpg");
            Assert.Equal(make, tags.Make);

            tags = StickyExif.ReadTags(JpegWithIfds(new[] { ((ushort)0x010F, Undefined, make) }), "x.jpg");
            Assert.Equal(make, tags.Make);

            tags = StickyExif.ReadTags(JpegWithIfds(new[] { ((ushort)0x010F, Undefined, new byte[6]) }), "x.jpg");
            Assert.Empty(tags.Make);

            var image = new ParsedImage();
            Assert.Equal(ExifFormat.Legacy2020, StickyExif.Apply(image,
                StickyExif.ReadTags(JpegWithIfds(new[] { ((ushort)0x010F, Undefined, make.Concat(new byte[1]).ToArray()) }), "x.jpg"), "x.jpg"));
            Assert.Equal((1.0, 2.0, 3.0), (image.Lat.Value, image.Lng.Value, image.Alt.Value));
        }

        [Fact]
        public void AUserCommentOutsideTheExifSubIfdIsNotTheDevices()
        {
            var make = Encoding.ASCII.GetBytes("StickyPi\0");
            var comment = Encoding.ASCII.GetBytes("v,T\n3.1.0,20.5");
            var tags = StickyExif.ReadTags(JpegWithIfds(
                new[] { ((ushort)0x010F, Ascii, make) },
                new[] { ((ushort)0x9286, Undefined, comment) }), "x.jpg"); // IFD1, the thumbnail's
            Assert.Equal(Encoding.ASCII.GetBytes("StickyPi"), tags.Make);
            Assert.Null(tags.UserComment);
        }

        [Fact]
        public void NullArgumentsAreProgrammingErrors()
        {
            Assert.Throws<ArgumentNullException>(() => StickyExif.ReadTags(null, "x.jpg"));
            Assert.Throws<ArgumentNullException>(() => StickyExif.Apply(null, new StickyExifTags(new byte[] { 1 }, null), "x.jpg"));
            Assert.Throws<ArgumentNullException>(() => StickyExif.ApplyCsv(new ParsedImage(), (byte[])null, "x.jpg"));
            Assert.Null(StickyExif.DecodeUserComment(null));
        }

        public static IEnumerable<object[]> Comments => new[]
        {
            new object[] { "ASCII\0\0\0", new byte[] { 0x00, 0x41 }, "\0A" }, // only UNICODE is UTF-16
            new object[] { "UNICODE\0", new byte[] { 0x00, 0x41 }, "A" }, // one UTF-16 unit, big-endian
            new object[] { "UNICODE\0", new byte[] { 0x41, 0x00 }, "A" }, // little-endian
            new object[] { "UNICODE\0", new byte[] { 0x41, 0x42 }, "AB" }, // no zero byte: not UTF-16 after all
            new object[] { "UNICODE\0", new byte[] { 0x00 }, "\0" }, // odd length: not UTF-16
            new object[] { "UNICODE\0", new byte[0], string.Empty }, // the prefix alone
            new object[] { "ASCII\0\0\0", new byte[0], string.Empty },
            new object[] { "ASCII\0\0", new byte[0], "ASCII\0\0" }, // 7 bytes: no prefix
        };

        [Theory]
        [MemberData(nameof(Comments))]
        public void CharsetPrefixesAtTheirEdges(string prefix, byte[] text, string expected)
        {
            Assert.Equal(expected, StickyExif.DecodeUserComment(Encoding.ASCII.GetBytes(prefix).Concat(text).ToArray()));
        }

        [Theory]
        [InlineData("0.0", "5.0", "0.0")]
        [InlineData("5.0", "0.0", "0.0")]
        [InlineData("0.0", "0.0", "5.0")]
        public void GpsWithSomeZeroCoordinatesIsAFix(string lat, string lng, string alt)
        {
            var image = new ParsedImage();
            StickyExif.ApplyLegacy(image, "{'lat': " + lat + ", 'lng': " + lng + ", 'alt': " + alt + "}", "x.jpg");
            Assert.Equal(double.Parse(lat), image.Lat);
            Assert.Equal(double.Parse(lng), image.Lng);
            Assert.Equal(double.Parse(alt), image.Alt);
        }

        [Fact]
        public void TheNoFlashShutterSpeedIsRequiredWithTheOtherNoFlashValues()
        {
            var e = Assert.Throws<StickyPiException>(() => StickyExif.ApplyLegacy(new ParsedImage(),
                "{'lat': 0, 'lng': 0, 'alt': 0, 'no_flash_bv': (1, 2), 'no_flash_exposure_time': (1, 100), 'no_flash_iso': 100}", "x.jpg"));
            Assert.Equal(StickyErrorIds.InvalidExif, e.ErrorId);
            Assert.Equal("x.jpg: EXIF Make: 'no_flash_bv' is present but 'no_flash_shutter_speed' is missing", e.Message);
        }

        [Theory]
        [InlineData("True")]
        [InlineData("False")]
        public void ABooleanIsNoCoordinate(string value)
        {
            var e = Assert.Throws<StickyPiException>(() => StickyExif.ApplyLegacy(new ParsedImage(), "{'lat': " + value + ", 'lng': 0, 'alt': 0}", "x.jpg"));
            Assert.Equal("x.jpg: EXIF Make: 'lat' must be a number, found " + value, e.Message);
        }

        [Theory]
        [InlineData("9", true)]
        [InlineData("11", true)]
        [InlineData("+0", false)]
        [InlineData("-10", true)]
        public void TheButtonIsAnyNonZeroInteger(string value, bool expected)
        {
            var image = new ParsedImage();
            StickyExif.ApplyCsv(image, "b\n" + value, "x.jpg");
            Assert.Equal(expected, image.But);
        }

        [Theory]
        [InlineData("+")]
        [InlineData("-")]
        [InlineData("1:")]
        [InlineData("/")]
        public void AButtonWithoutDigitsIsRefused(string value)
        {
            var e = Assert.Throws<StickyPiException>(() => StickyExif.ApplyCsv(new ParsedImage(), "b\n" + value, "x.jpg"));
            Assert.Equal("x.jpg: EXIF UserComment: field 'b' has the non-integer value '" + value + "'", e.Message);
        }

        [Theory]
        [InlineData(80, false)]
        [InlineData(81, true)]
        public void LongValuesAreShortenedInMessages(int length, bool shortened)
        {
            var value = new string('x', length);
            var e = Assert.Throws<StickyPiException>(() => StickyExif.ApplyCsv(new ParsedImage(), "T\n" + value, "x.jpg"));
            var shown = shortened ? new string('x', 77) + "..." : value;
            Assert.Equal("x.jpg: EXIF UserComment: field 'T' has the non-numeric value '" + shown + "'", e.Message);
        }
    }
}
