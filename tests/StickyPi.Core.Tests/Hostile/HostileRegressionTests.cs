using System;
using System.IO;
using System.Linq;
using System.Text;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Local;
using StickyPi.Core.Tests.Support;
using StickyPi.Core.Tests.Sync;
using StickyPi.SampleData;

namespace StickyPi.Core.Tests.Hostile
{
    /// <summary>The six bugs of issue 10, each reproduced with the input that found it.</summary>
    public class HostileRegressionTests
    {
        private static readonly DateTime LastSecond = new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc);

        // 1. A legal year-9999 name made DateTime.AddSeconds throw on an importer thread, which ended the process.
        [Fact]
        public void Year9999FileNameImportsAndIsFoundByKey()
        {
            using (var src = new TempDir("stickypi-hostile"))
            using (var store = new StoreDir())
            {
                var path = SampleImages.WriteImage(src.Path, "5c173ff2", LastSecond, SampleFormat.Csv2022, 64, 48, 7);
                Assert.EndsWith("5c173ff2.9999-12-31_23-59-59.jpg", path);

                var run = ImportKit.Run(store.Store, new[] { path });
                var result = Assert.Single(run.Results);
                Assert.True(result.Status == ImportStatus.Sent, run.ToString());

                var key = new ImageKey("5c173ff2", LastSecond);
                Assert.Equal(ImportKit.Md5(path), store.Store.GetStoredMd5(key));
                Assert.Equal(ImportKit.Md5(path), store.Store.GetStoredMd5s(new[] { key })[key]);
                var image = Assert.Single(store.Store.GetImages(Kit.Admin, new[] { key }));
                Assert.Equal(LastSecond, image.DateTime);

                // A second import of the same file is decided by the same key range: skipped, not duplicated.
                var again = ImportKit.Run(store.Store, new[] { path });
                Assert.Equal(ImportStatus.Skipped, Assert.Single(again.Results).Status);
                Assert.Single(store.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery("%", ImportKit.SeriesStart, DateTime.MaxValue), ImageFileKind.Metadata));
            }
        }

        [Fact]
        public void LastSecondUpperBoundSortsAfterEveryFormOfThatSecond()
        {
            Assert.Equal(SqliteRows.LastSecondUpperBound, SqliteRows.NextSecondBound(LastSecond));
            Assert.Equal(SqliteRows.LastSecondUpperBound, SqliteRows.NextSecondBound(DateTime.MaxValue));
            foreach (var stored in new[] { "9999-12-31 23:59:59", "9999-12-31 23:59:59.000000", "9999-12-31 23:59:59.999999" })
            {
                Assert.True(string.CompareOrdinal(stored, SqliteRows.LastSecondUpperBound) < 0, stored);
            }

            Assert.Equal("2020-01-01 00:00:00", SqliteRows.NextSecondBound(new DateTime(2019, 12, 31, 23, 59, 59, 500, DateTimeKind.Utc)));
            Assert.Equal("0001-01-01 00:00:01", SqliteRows.NextSecondBound(DateTime.MinValue));
        }

        // 5. \N{NO SUCH NAME} was kept verbatim; Python refuses unknown names and resolves real ones.
        [Theory]
        [InlineData(@"'\N{NO SUCH NAME}'")]
        [InlineData(@"'\N{}'")]
        [InlineData(@"'\N{BULLET'")]
        [InlineData(@"'\Nx'")]
        [InlineData(@"'\N'")]
        [InlineData(@"'\N{ LATIN SMALL LETTER A}'")]
        [InlineData(@"'\N{LATIN  SMALL LETTER A}'")]
        [InlineData(@"'\N{LATIN CAPITAL LETTER A WITH MACRON AND GRAVE}'")] // a named sequence: lookup() only
        [InlineData(@"'\N{Hangul syllable GA}'")] // CPython compares the Hangul prefix case-sensitively
        [InlineData(@"'\N{CJK UNIFIED IDEOGRAPH-4e00}'")]
        [InlineData(@"'\N{CJK UNIFIED IDEOGRAPH-4DC0}'")] // between two ideograph ranges
        [InlineData(@"'\N{TANGUT IDEOGRAPH-17000}'")]
        [InlineData(@"'\N{<control>}'")]
        [InlineData(@"'\N{latin small letter é}'")]
        public void UnknownOrMalformedCharacterNamesAreRefused(string literal)
        {
            var e = Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse(literal, "x.jpg", "EXIF Make"));
            Assert.Equal(StickyErrorIds.InvalidExif, e.ErrorId);
            Assert.Contains(@"\N", e.Message);
        }

        [Theory]
        [InlineData(@"'\N{BULLET}'", "\u2022")]
        [InlineData(@"'\N{bullet}'", "\u2022")]
        [InlineData(@"'\N{LINE FEED}'", "\n")] // alias (control)
        [InlineData(@"'\N{line feed}'", "\n")]
        [InlineData(@"'\N{BEL}'", "\u0007")] // alias (abbreviation)
        [InlineData(@"'\N{BELL}'", "\U0001F514")]
        [InlineData(@"'\N{LATIN CAPITAL LETTER GHA}'", "\u01A2")] // alias (correction)
        [InlineData(@"'\N{HANGUL SYLLABLE GA}'", "\uAC00")]
        [InlineData(@"'\N{HANGUL SYLLABLE GAGG}'", "\uAC02")]
        [InlineData(@"'\N{HANGUL SYLLABLE A}'", "\uC544")]
        [InlineData(@"'\N{CJK UNIFIED IDEOGRAPH-4E00}'", "\u4E00")]
        [InlineData(@"'\N{CJK UNIFIED IDEOGRAPH-04E00}'", "\u4E00")]
        [InlineData(@"'\N{CJK UNIFIED IDEOGRAPH-20000}'", "\U00020000")]
        [InlineData(@"'\N{NUSHU CHARACTER-1B170}'", "\U0001B170")]
        [InlineData(@"'a\N{SPACE}b' ""\N{DIGIT ONE}""", "a b1")]
        [InlineData(@"""\N{APOSTROPHE}""", "'")]
        public void RealCharacterNamesResolveAsPythonDoes(string literal, string expected)
        {
            Assert.Equal(expected, PythonLiteral.Parse(literal));
        }

        [Fact]
        public void UnknownCharacterNameInMakeIsAPerFileError()
        {
            using (var src = new TempDir("stickypi-hostile"))
            using (var store = new StoreDir())
            {
                var make = Encoding.UTF8.GetBytes(@"{'lat': 0, 'lng': 0, 'alt': 0, 'temp': 20.5, 'hum': 40.0, 'note': '\N{NO SUCH NAME}'}");
                var bad = Path.Combine(src.Path, "0a5bb6f4.2020-06-01_12-00-00.jpg");
                File.WriteAllBytes(bad, SampleImages.CreateJpegWithRawExif(make, null, 64, 48));
                var goodMake = Encoding.UTF8.GetBytes(@"{'lat': 0, 'lng': 0, 'alt': 0, 'temp': 20.5, 'hum': 40.0, 'note': '\N{BULLET}'}");
                var good = Path.Combine(src.Path, "0a5bb6f4.2020-06-01_12-20-00.jpg");
                File.WriteAllBytes(good, SampleImages.CreateJpegWithRawExif(goodMake, null, 64, 48));

                var run = ImportKit.Run(store.Store, new[] { bad, good });
                var failed = run.For(bad);
                Assert.Equal(ImportStatus.Failed, failed.Status);
                Assert.Equal(StickyErrorIds.InvalidExif, failed.ErrorId);
                Assert.Contains("NO SUCH NAME", failed.Reason);
                Assert.Equal(ImportStatus.Sent, run.For(good).Status);
            }
        }

        // 6. An empty 'v' field was stored as 1.0.0, the legacy default that marks a 2020 device.
        [Fact]
        public void EmptyDeviceVersionIsKeptEmpty()
        {
            var p = new ParsedImage();
            StickyExif.ApplyCsv(p, "v,T,H\n,20.5,40.0", "x.jpg");
            Assert.Equal(string.Empty, p.DeviceVersion);
            Assert.Equal(20.5, p.Temp);
        }

        [Fact]
        public void EmptyDeviceVersionIsStoredEmptyNotAsTheLegacyDefault()
        {
            using (var src = new TempDir("stickypi-hostile"))
            using (var store = new StoreDir())
            {
                var path = Path.Combine(src.Path, "1b74105a.2022-07-01_08-00-00.jpg");
                File.WriteAllBytes(path, SampleImages.CreateJpeg(64, 48, 1, new ExifSpec("StickyPi", "v,T,H,L,B,lat,lng,a,b,l\n,21.5,40.0,1.5,80,49.2,-123.2,90.5,0,0")));
                var run = ImportKit.Run(store.Store, new[] { path });
                Assert.True(Assert.Single(run.Results).Status == ImportStatus.Sent, run.ToString());
                var rows = Kit.Query(store.Db, "SELECT device_version FROM images");
                Assert.Equal(string.Empty, Assert.Single(rows)[0]);
                Assert.Equal(string.Empty, Assert.Single(ImportKit.AllRows(store.Store)).DeviceVersion);
            }
        }
    }
}
