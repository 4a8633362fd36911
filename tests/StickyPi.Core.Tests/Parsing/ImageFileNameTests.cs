using System;
using System.IO;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Tests.Parsing
{
    public class ImageFileNameTests
    {
        [Theory]
        [InlineData("5c173ff2.2020-06-20_21-33-24.jpg", "5c173ff2", 2020, 6, 20, 21, 33, 24)]
        [InlineData("/data/raw/2022/512858f4.2022-05-17_18-46-57.jpg", "512858f4", 2022, 5, 17, 18, 46, 57)]
        [InlineData("0A5BB6F4.2020-06-20_20-19-15.jpg", "0A5BB6F4", 2020, 6, 20, 20, 19, 15)] // kept as given
        [InlineData("0a5bb6f4.2020-6-2_1-3-4.jpg", "0a5bb6f4", 2020, 6, 2, 1, 3, 4)] // strptime tolerates no padding
        [InlineData("0a5bb6f4.2020-06-20_20-19-15.png", "0a5bb6f4", 2020, 6, 20, 20, 19, 15)] // extension unchecked
        [InlineData("0a5bb6f4.2019-11-01_00-00-00.jpg", "0a5bb6f4", 2019, 11, 1, 0, 0, 0)] // the earliest accepted
        [InlineData("0a5bb6f4.2024-02-29_23-59-59.JPG", "0a5bb6f4", 2024, 2, 29, 23, 59, 59)]
        public void GoodNames(string path, string device, int y, int mo, int d, int h, int mi, int s)
        {
            var key = ImageFileName.Parse(path);
            Assert.Equal(device, key.Device);
            Assert.Equal(new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc), key.DateTime);
            Assert.Equal(DateTimeKind.Utc, key.DateTime.Kind);

            Assert.True(ImageFileName.TryParse(path, out var key2, out var error));
            Assert.Null(error);
            Assert.Equal(key, key2);
        }

        [Fact]
        public void StoredNameIsRebuiltPadded()
        {
            Assert.Equal("0a5bb6f4.2020-06-02_01-03-04.jpg", ImageFileName.Parse("0a5bb6f4.2020-6-2_1-3-4.png").FileName);
        }

        [Theory]
        [InlineData("0a5bb6f4.jpg", "2 fields")]
        [InlineData("0a5bb6f4.2020-06-20_20-19-15.x.jpg", "4 fields")]
        [InlineData("0a5bb6f4_2020-06-20_20-19-15", "1 field")]
        [InlineData("0x123456.2020-06-20_20-19-15.jpg", "device '0x123456'")]
        [InlineData("-1234567.2020-06-20_20-19-15.jpg", "device '-1234567'")]
        [InlineData("1_234567.2020-06-20_20-19-15.jpg", "device '1_234567'")]
        [InlineData("0a5bb6f.2020-06-20_20-19-15.jpg", "device '0a5bb6f'")]
        [InlineData("0a5bb6f4a.2020-06-20_20-19-15.jpg", "device '0a5bb6f4a'")]
        [InlineData("ga5bb6f4.2020-06-20_20-19-15.jpg", "device 'ga5bb6f4'")]
        [InlineData("0a5bb6f4.2020-13-01_00-00-00.jpg", "datetime '2020-13-01_00-00-00'")]
        [InlineData("0a5bb6f4.2021-02-29_00-00-00.jpg", "datetime")]
        [InlineData("0a5bb6f4.2020-06-20_24-00-00.jpg", "datetime")]
        [InlineData("0a5bb6f4.2020-06-20_20-60-00.jpg", "datetime")]
        [InlineData("0a5bb6f4.2020-06-20_20-19-60.jpg", "datetime")]
        [InlineData("0a5bb6f4.2020-06-20-20-19-15.jpg", "datetime")]
        [InlineData("0a5bb6f4.2020-06-20T20:19:15Z.jpg", "datetime")]
        [InlineData("0a5bb6f4.20-06-20_20-19-15.jpg", "datetime")]
        [InlineData("0a5bb6f4.2020-006-20_20-19-15.jpg", "datetime")]
        [InlineData("0a5bb6f4.2020-+6-20_20-19-15.jpg", "datetime")]
        [InlineData("0a5bb6f4.yesterday.jpg", "datetime 'yesterday'")]
        [InlineData("0a5bb6f4..jpg", "datetime ''")]
        public void InvalidNames(string path, string expected)
        {
            var e = Assert.Throws<StickyPiException>(() => ImageFileName.Parse(path));
            Assert.Equal(StickyErrorIds.InvalidFileName, e.ErrorId);
            Assert.Equal(StickyErrorKind.InvalidData, e.Kind);
            Assert.Equal(path, e.Target);
            Assert.Contains(path, e.Message);
            Assert.Contains(expected, e.Message);

            Assert.False(ImageFileName.TryParse(path, out _, out var error));
            Assert.Equal(e.Message, error);
        }

        [Theory]
        [InlineData("0a5bb6f4.2019-10-31_23-59-59.jpg")]
        [InlineData("0a5bb6f4.2000-01-01_00-00-00.jpg")]
        [InlineData("0a5bb6f4.0001-01-01_00-00-00.jpg")]
        public void TooOld(string name)
        {
            var path = Path.Combine("some", "dir", name);
            var e = Assert.Throws<StickyPiException>(() => ImageFileName.Parse(path));
            Assert.Equal(StickyErrorIds.ImageTooOld, e.ErrorId);
            Assert.Equal(StickyErrorKind.InvalidData, e.Kind);
            Assert.Contains(path, e.Message);
            Assert.Contains("2019-11-01", e.Message);

            Assert.False(ImageFileName.TryParse(path, out _, out var id, out _));
            Assert.Equal(StickyErrorIds.ImageTooOld, id);
        }

        [Fact]
        public void EmptyPath()
        {
            var e = Assert.Throws<StickyPiException>(() => ImageFileName.Parse(""));
            Assert.Equal(StickyErrorIds.InvalidFileName, e.ErrorId);
        }
    }
}
