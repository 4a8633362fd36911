using System;
using System.IO;
using System.Linq;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Hostile
{
    /// <summary>The new parsing pieces of issue 10 at their edges (also what mutation testing asked for).</summary>
    public class ParserEdgeTests
    {
        private static byte[] Jpeg(params byte[][] parts) => new byte[] { 0xFF, 0xD8 }.Concat(parts.SelectMany(p => p)).ToArray();

        private static byte[] Segment(byte marker, params byte[] body) =>
            new byte[] { 0xFF, marker, (byte)((body.Length + 2) >> 8), (byte)(body.Length + 2) }.Concat(body).ToArray();

        private static byte[] Sof(byte marker, int width, int height) =>
            Segment(marker, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0);

        [Theory]
        [InlineData(0xC0)]
        [InlineData(0xC1)]
        [InlineData(0xC2)]
        [InlineData(0xC3)]
        [InlineData(0xC5)]
        [InlineData(0xC9)]
        [InlineData(0xCB)]
        [InlineData(0xCF)]
        public void EveryFrameMarkerGivesItsSize(int marker)
        {
            var data = Jpeg(Segment(0xE0, 1, 2, 3), Sof((byte)marker, 4056, 3040), Segment(0xDA, 0, 0));
            Assert.True(JpegFrameHeader.TryRead(data, data.Length, out var w, out var h));
            Assert.Equal((4056, 3040), (w, h));
        }

        [Theory]
        [InlineData(0xC4)] // DHT
        [InlineData(0xC8)] // JPG
        [InlineData(0xCC)] // DAC
        [InlineData(0xDB)] // DQT
        [InlineData(0xBF)]
        [InlineData(0xFE)] // COM
        public void TablesAreNotFrames(int marker)
        {
            Assert.False(JpegFrameHeader.IsStartOfFrame(marker));
            var data = Jpeg(Segment((byte)marker, 8, 0, 16, 0, 16, 1), Sof(0xC0, 640, 480));
            Assert.True(JpegFrameHeader.TryRead(data, data.Length, out var w, out var h));
            Assert.Equal((640, 480), (w, h));
        }

        [Fact]
        public void FillBytesStrayBytesAndStandaloneMarkersAreSkippedAsLibjpegDoes()
        {
            var data = Jpeg(new byte[] { 0x00, 0x12, 0xFF, 0xFF, 0xFF, 0x01, 0xFF, 0xD3, 0xFF, 0xD8 }, Sof(0xC0, 5, 7));
            Assert.True(JpegFrameHeader.TryRead(data, data.Length, out var w, out var h));
            Assert.Equal((5, 7), (w, h));
        }

        [Fact]
        public void NoFrameBeforeTheScanOrTheEndIsNoFrame()
        {
            foreach (var data in new[]
            {
                Jpeg(Segment(0xDA, 1, 2), Sof(0xC0, 5, 7)),            // scan first
                Jpeg(new byte[] { 0xFF, 0xD9 }, Sof(0xC0, 5, 7)),       // end first
                Jpeg(new byte[] { 0xFF, 0x00 }, Sof(0xC0, 5, 7)),       // a stuffed byte is no marker
                Jpeg(new byte[] { 0xFF, 0xE0, 0x00, 0x01 }, Sof(0xC0, 5, 7)), // segment length < 2
                Jpeg(new byte[] { 0xFF, 0xE0, 0x00 }),                  // length cut
                Jpeg(new byte[] { 0xFF, 0xC0, 0x00, 0x06, 8, 0, 7, 0 }), // frame segment too short
                Jpeg(Sof(0xC0, 5, 7).Take(8).ToArray()),                // frame cut
                Jpeg(Segment(0xE1, new byte[100])),                     // runs out
                Jpeg(),
                new byte[] { 0xFF, 0xD9, 0xFF, 0xC0, 0, 11, 8, 0, 7, 0, 5, 1, 1, 0x11, 0 }, // no SOI
            })
            {
                Assert.False(JpegFrameHeader.TryRead(data, data.Length, out _, out _), BitConverter.ToString(data));
            }

            Assert.False(JpegFrameHeader.TryRead(null, 0, out _, out _));
            Assert.False(JpegFrameHeader.TryRead(null, 10, out _, out _));
            var ok = Jpeg(Sof(0xC0, 5, 7));
            Assert.False(JpegFrameHeader.TryRead(ok, ok.Length + 1, out _, out _));
            Assert.False(JpegFrameHeader.TryRead(ok, 3, out _, out _));
            Assert.True(JpegFrameHeader.TryRead(ok.Concat(new byte[10]).ToArray(), ok.Length, out var w, out _));
            Assert.Equal(5, w);
        }

        [Fact]
        public void FrameHeadersAtTheirShortestAreRead()
        {
            foreach (var data in new[]
            {
                Jpeg(new byte[] { 0xFF, 0xD0 }, Sof(0xC0, 5, 7)),           // RST0 and RST7 stand alone like RST1-6
                Jpeg(new byte[] { 0xFF, 0xD7 }, Sof(0xC0, 5, 7)),
                Jpeg(new byte[] { 0xFF, 0xFE, 0x00, 0x02 }, Sof(0xC0, 5, 7)), // an empty comment segment
                Jpeg(new byte[] { 0xFF, 0xC0, 0x00, 0x07, 8, 0, 7, 0, 5 }),    // SOF length 7: the size and nothing more
                Jpeg(Sof(0xC0, 5, 7).Take(9).ToArray()),                      // the data ends right after the width
            })
            {
                Assert.True(JpegFrameHeader.TryRead(data, data.Length, out var w, out var h), BitConverter.ToString(data));
                Assert.Equal((5, 7), (w, h));
            }
        }

        [Fact]
        public void OnlyTheLengthGivenIsRead()
        {
            var data = Jpeg(Segment(0xE0, 1, 2, 3), Sof(0xC0, 100, 50));
            Assert.False(JpegFrameHeader.TryRead(data, data.Length - 5, out _, out _)); // the width cut off
            Assert.True(JpegFrameHeader.TryRead(data, data.Length, out _, out var h));
            Assert.Equal(50, h);
        }

        [Fact]
        public void BoundedReadsStopAtTheCapAndNameTheFile()
        {
            using (var dir = new TempDir("stickypi-hostile"))
            {
                var path = dir.Combine("f.txt");
                File.WriteAllText(path, new string('x', 1000));
                Assert.Equal(1000, BoundedFile.ReadAllBytes(path, 1000).Length);
                var e = Assert.Throws<StickyPiException>(() => BoundedFile.ReadAllBytes(path, 999, "thing"));
                Assert.Equal(StickyErrorIds.FileTooLarge, e.ErrorId);
                Assert.Equal(StickyErrorKind.LimitsExceeded, e.Kind);
                Assert.Equal(path, e.Target);
                Assert.Contains("thing too large", e.Message);
                Assert.Contains("999", e.Message);

                var missing = Assert.Throws<StickyPiException>(() => BoundedFile.ReadAllBytes(dir.Combine("none"), 10));
                Assert.Equal(StickyErrorIds.FileNotFound, missing.ErrorId);
                Assert.Equal(StickyErrorIds.FileUnreadable, Assert.Throws<StickyPiException>(() => BoundedFile.ReadAllBytes(dir.Path, 10)).ErrorId);

                File.WriteAllBytes(path, new byte[] { 0xEF, 0xBB, 0xBF, (byte)'h', (byte)'i' });
                Assert.Equal("hi", BoundedFile.ReadAllText(path, 5));
                BoundedFile.CheckLength(path, 5, 5);
                Assert.Throws<StickyPiException>(() => BoundedFile.CheckLength(path, 6, 5));
            }
        }

        [Fact]
        public void BoundedReadsOfADeviceWithoutALengthStopAtTheCap()
        {
            if (!File.Exists("/dev/zero"))
            {
                return;
            }

            // Whole chunks up to the cap, then one byte more: no more than cap + 1 bytes are ever read.
            var e = Assert.Throws<StickyPiException>(() => BoundedFile.ReadAllBytes("/dev/zero", 1 << 20));
            Assert.Equal(StickyErrorIds.FileTooLarge, e.ErrorId);
            Assert.Contains("(more than 1048576 bytes allowed, 1048577 found)", e.Message);
        }

        [Fact]
        public void BoundedReadsAtTheirEdges()
        {
            using (var dir = new TempDir("stickypi-hostile"))
            {
                // A file known to be too large is refused by its length, unread: the message gives its whole size.
                var big = dir.Combine("big.bin");
                File.WriteAllBytes(big, new byte[5000]);
                var e = Assert.Throws<StickyPiException>(() => BoundedFile.ReadAllBytes(big, 100));
                Assert.Contains("(more than 100 bytes allowed, 5000 found)", e.Message);

                // A cap far beyond the file allocates for the file, not for the cap.
                var small = dir.Combine("small.txt");
                File.WriteAllBytes(small, new byte[] { 1, 2, 3 });
                Assert.Equal(new byte[] { 1, 2, 3 }, BoundedFile.ReadAllBytes(small, int.MaxValue));
                Assert.Equal(new byte[] { 1, 2, 3 }, BoundedFile.ReadAllBytes(small, (long)int.MaxValue + 1));
                Assert.Equal(new byte[] { 1, 2, 3 }, BoundedFile.ReadAllBytes(small, long.MaxValue)); // "no cap" read nothing before

                // Text: a UTF-16 byte-order mark is honoured as well as UTF-8's.
                File.WriteAllBytes(small, new byte[] { 0xFF, 0xFE, (byte)'h', 0, (byte)'i', 0 });
                Assert.Equal("hi", BoundedFile.ReadAllText(small, 6));

                // An I/O error other than a missing file or a denied access (here a name too long for the file system).
                var io = Assert.Throws<StickyPiException>(() => BoundedFile.ReadAllBytes(dir.Combine(new string('n', 300)), 10));
                Assert.Equal(StickyErrorIds.FileUnreadable, io.ErrorId);
                Assert.Equal(StickyErrorKind.ResourceUnavailable, io.Kind);
            }
        }

        [Fact]
        public void TheNameTableHasEveryNameAndAliasOfTheUcdItWasMadeFrom()
        {
            Assert.Equal("15.0.0", UnicodeNames.UnicodeVersion);
            const string Ucd = "/usr/share/unicode";
            if (!File.Exists(Path.Combine(Ucd, "UnicodeData.txt")) || !File.ReadAllText(Path.Combine(Ucd, "ReadMe.txt")).Contains("Version 15.0.0"))
            {
                return; // the check needs Debian's unicode-data 15.0 (CI's machine has it); the cases below still run
            }

            int checkedNames = 0;
            foreach (var line in File.ReadLines(Path.Combine(Ucd, "UnicodeData.txt")).Concat(File.ReadLines(Path.Combine(Ucd, "NameAliases.txt"))))
            {
                var f = line.Split(';');
                if (line.StartsWith("#", StringComparison.Ordinal) || f.Length < 2 || f[1].StartsWith("<", StringComparison.Ordinal))
                {
                    continue;
                }

                Assert.True(UnicodeNames.TryLookup(f[1], out var cp), f[1]);
                if (!line.Contains("correction") && !line.Contains("control") && !line.Contains("alternate") && !line.Contains("figment") && !line.Contains("abbreviation"))
                {
                    Assert.Equal(int.Parse(f[0], System.Globalization.NumberStyles.HexNumber), cp);
                }

                checkedNames++;
            }

            Assert.True(checkedNames > 30000);
        }

        [Theory]
        [InlineData("HANGUL SYLLABLE GA", 0xAC00)]
        [InlineData("HANGUL SYLLABLE HIH", 0xD7A3)]
        [InlineData("HANGUL SYLLABLE GGWEOLB", -1)] // no such trailing consonant: LB is, but not after... (checked below)
        [InlineData("HANGUL SYLLABLE ", -1)]
        [InlineData("HANGUL SYLLABLE GX", -1)]
        [InlineData("HANGUL SYLLABLE GAX", -1)]
        [InlineData("HANGUL SYLLABLE GS", -1)] // no vowel: GS is a trailing consonant, never the whole rest
        [InlineData("CJK UNIFIED IDEOGRAPH-3400", 0x3400)]
        [InlineData("CJK UNIFIED IDEOGRAPH-4DBF", 0x4DBF)]
        [InlineData("CJK UNIFIED IDEOGRAPH-33FF", -1)]
        [InlineData("CJK UNIFIED IDEOGRAPH-9FFF", 0x9FFF)]
        [InlineData("CJK UNIFIED IDEOGRAPH-A000", -1)]
        [InlineData("CJK UNIFIED IDEOGRAPH-323AF", 0x323AF)]
        [InlineData("CJK UNIFIED IDEOGRAPH-323B0", -1)]
        [InlineData("CJK UNIFIED IDEOGRAPH-4E0", -1)]
        [InlineData("CJK UNIFIED IDEOGRAPH-004E00", -1)]
        [InlineData("CJK UNIFIED IDEOGRAPH-4G00", -1)]
        [InlineData("space", 0x20)]
        [InlineData("SPACE ", -1)]
        [InlineData("", -1)]
        [InlineData(null, -1)]
        public void ComputedAndTableNames(string name, int expected)
        {
            if (name == "HANGUL SYLLABLE GGWEOLB")
            {
                // GG + WEO + LB: a real syllable; the longest-match rule must find it.
                Assert.True(UnicodeNames.TryLookup(name, out var syllable));
                Assert.Equal(0xAC00 + (((1 * 21) + 14) * 28) + 11, syllable);
                return;
            }

            Assert.Equal(expected >= 0, UnicodeNames.TryLookup(name, out var cp));
            if (expected >= 0)
            {
                Assert.Equal(expected, cp);
            }
        }

        [Fact]
        public void OverlongNamesAreRefusedUnread()
        {
            Assert.False(UnicodeNames.TryLookup(new string('A', UnicodeNames.MaxNameLength + 1), out _));
            Assert.False(UnicodeNames.TryLookup(new string('A', UnicodeNames.MaxNameLength), out _));
        }
    }
}
