using System;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Tests.Support;
using static StickyPi.Core.Tests.Tuboids.TuboidKit;

namespace StickyPi.Core.Tests.Tuboids
{
    public class TuboidDirectoryTests
    {
        [Fact]
        public void Name_gives_series_fields_and_id_in_series()
        {
            var n = TuboidDirectory.ParseName("/some/where/" + SeriesName + ".0034/");
            Assert.Equal(SeriesName + ".0034", n.TuboidId);
            Assert.Equal(SeriesName, n.SeriesId);
            Assert.Equal("08038ade", n.Device);
            Assert.Equal(SeriesStart, n.SeriesStart);
            Assert.Equal(SeriesEnd, n.SeriesEnd);
            Assert.Equal("1606980656-91e2199fccf371d3d690b2856613e8f5", n.AlgoVersion);
            Assert.Equal(34, n.IdInSeries);
        }

        [Theory]
        [InlineData("08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.v1", "5 dot-separated fields")]
        [InlineData("08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.v1.12.3", "got 6 fields")]
        [InlineData("08038adz.2020-07-08_20-00-00.2020-07-09_15-00-00.v1.0001", "device '08038adz'")]
        [InlineData("08038ade.2020-07-08.2020-07-09_15-00-00.v1.0001", "YYYY-MM-DD_HH-MM-SS")]
        [InlineData("08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.v1.00x1", "tuboid number")]
        [InlineData("08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00..0001", "algo_version")]
        public void Bad_names_are_InvalidTuboidName(string name, string fragment)
        {
            var e = Assert.Throws<StickyPiException>(() => TuboidDirectory.ParseName(name));
            Assert.Equal(TuboidErrorIds.InvalidTuboidName, e.ErrorId);
            Assert.Contains(fragment, e.Message);
            Assert.StartsWith(name + ": ", e.Message);
        }

        [Fact]
        public void Series_names_have_four_fields()
        {
            Assert.True(TuboidDirectory.TryParseSeriesName(SeriesDir, out var device, out var start, out var end, out var version));
            Assert.Equal("08038ade", device);
            Assert.Equal(SeriesStart, start);
            Assert.Equal(SeriesEnd, end);
            Assert.Equal("1606980656-91e2199fccf371d3d690b2856613e8f5", version);
            Assert.False(TuboidDirectory.TryParseSeriesName(SeriesName + ".0000", out _, out _, out _, out _));
        }

        [Fact]
        public void Metadata_stops_at_the_first_empty_line_and_ignores_trailing_whitespace()
        {
            var m = TuboidDirectory.ParseMetadata(
                "08038ade.2020-07-09_10-09-01,1464.3,294.5,0.97  \r\n08038ade.2020-07-09_10-27-45,1471.0,288.5,1.12\r\n   \r\n08038ade.2020-07-09_13-16-25,1,2,3\n",
                "metadata.txt");
            Assert.Equal(2, m.NShots);
            Assert.Equal(T(2020, 7, 9, 10, 9, 1), m.StartDateTime);
            Assert.Equal(T(2020, 7, 9, 10, 27, 45), m.EndDateTime);
        }

        [FixtureFact]
        public void Fixture_metadata_0034_matches_the_spec_example()
        {
            var m = TuboidDirectory.ReadMetadata(System.IO.Path.Combine(RealSeriesDir, SeriesName + ".0034", "metadata.txt"));
            Assert.Equal(11, m.NShots);
            Assert.Equal(T(2020, 7, 9, 10, 9, 1), m.StartDateTime);
            Assert.Equal(T(2020, 7, 9, 13, 16, 25), m.EndDateTime);
        }

        [Theory]
        [InlineData("", 1, "no shot")]
        [InlineData("\n08038ade.2020-07-09_10-09-01,1,2,3\n", 1, "no shot")]
        [InlineData("08038ade.2020-07-09_10-09-01,1,2,3\n08038ade.2020-07-09_10-09-02,1,2\n", 2, "4 comma-separated fields")]
        [InlineData("08038ade.2020-07-09_10-09-01,1,2,3\n08038ade.x.2020-07-09_10-09-02,1,2,3\n", 2, "is not <device>.<YYYY-MM-DD_HH-MM-SS>")]
        [InlineData("08038ade.2020-07-09_10-09-01,1,2,3\n08038ade.2020-07-09 10:09:02,1,2,3\n", 2, "invalid shot time")]
        public void Bad_metadata_names_the_file_and_line(string text, int line, string fragment)
        {
            var e = Assert.Throws<StickyPiException>(() => TuboidDirectory.ParseMetadata(text, "/x/metadata.txt"));
            Assert.Equal(TuboidErrorIds.InvalidTuboidMetadata, e.ErrorId);
            Assert.StartsWith("/x/metadata.txt(" + line + "): ", e.Message);
            Assert.Contains(fragment, e.Message);
        }
    }
}
