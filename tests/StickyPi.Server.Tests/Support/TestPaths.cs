using System;
using System.IO;

namespace StickyPi.Tests.Support
{
    /// <summary>The server tests' own paths: the fixture tuboid series and its files.</summary>
    public static partial class TestPaths
    {
        public const string TuboidSeries = "08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.1606980656-91e2199fccf371d3d690b2856613e8f5";

        public static string TuboidSeriesDir => Path.Combine(Fixtures, "tiled_tuboids", TuboidSeries);

        public static string Image(string device, string name) => Path.Combine(RawImages, device, name);
    }
}
