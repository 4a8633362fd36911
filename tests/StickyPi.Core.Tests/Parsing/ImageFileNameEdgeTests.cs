using System;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Tests.Parsing
{
    /// <summary>The file-name datetime at its edges (what mutation testing found untested).</summary>
    public class ImageFileNameEdgeTests
    {
        [Theory]
        [InlineData(null)]
        [InlineData("2020-01-02-03_04-05-06")] // four date parts
        [InlineData("2020-01-02_03-04")] // two time parts
        [InlineData("0000-01-02_03-04-05")] // year 0
        [InlineData("2020-00-02_03-04-05")] // month 0
        [InlineData("2020-01-00_03-04-05")] // day 0
        [InlineData("2020-01-02_-04-05")] // empty hour
        [InlineData("2020-01-02_003-04-05")] // three-digit hour
        [InlineData("2020-01-02_1/-04-05")] // '/' is just below '0'
        [InlineData("2020-01-02_1:-04-05")] // ':' is just above '9'
        [InlineData("2020-01-02_1x-04-05")]
        public void MalformedDatetimesAreRefusedWithoutThrowing(string text)
        {
            Assert.False(ImageFileName.TryParseDateTime(text, out var value));
            Assert.Equal(default(DateTime), value);
        }

        [Theory]
        [InlineData("2020-1-2_3-4-5", 2020, 1, 2, 3, 4, 5)]
        [InlineData("0001-01-01_00-00-00", 1, 1, 1, 0, 0, 0)]
        [InlineData("2020-12-31_23-59-59", 2020, 12, 31, 23, 59, 59)]
        [InlineData("2020-09-09_09-09-09", 2020, 9, 9, 9, 9, 9)]
        public void ValidDatetimesAtTheEdges(string text, int y, int mo, int d, int h, int mi, int s)
        {
            Assert.True(ImageFileName.TryParseDateTime(text, out var value));
            Assert.Equal(new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc), value);
            Assert.Equal(DateTimeKind.Utc, value.Kind);
        }

        [Theory]
        [InlineData("0a5bb6f4_2020-06-20_20-19-15", "got 1 field")]
        [InlineData("0a5bb6f4.jpg", "got 2 fields")]
        public void TheFieldCountIsSpelledRight(string name, string ending)
        {
            Assert.False(ImageFileName.TryParse(name, out _, out var error));
            Assert.EndsWith(ending, error);
        }
    }
}
