using System;
using System.IO;
using StickyPi.SampleData;

namespace StickyPi.PowerShell.Tests.Support
{
    /// <summary>
    /// Generated stand-ins for the shared fixtures' tiled-tuboid series (same names, shot counts and times) and ML
    /// bundle (same seven keys), from StickyPi.SampleData, so the module tests run on any clone. Tests only read them.
    /// Deterministic, so written once beside the test assembly (<c>standins/&lt;SampleData build&gt;/</c> under bin/, not
    /// the temp directory), each folder under a temporary name and renamed whole.
    /// </summary>
    public static class StandIns
    {
        private static readonly string Root = StandInFolder.RootFor(AppContext.BaseDirectory);

        private static readonly Lazy<string> Tuboids = new Lazy<string>(() => Written("tiled_tuboids", dir => SampleTuboids.WriteFixtureSeries(dir)));

        private static readonly Lazy<string> Bundle = new Lazy<string>(() => Written("ml_bundle", dir => SampleMlBundle.Write(dir)));

        /// <summary>The folder holding the series folder <see cref="SampleTuboids.FixtureSeriesName"/> (tuboids 0000, 0028-0031, 0034).</summary>
        public static string TiledTuboids => Tuboids.Value;

        /// <summary>An ML bundle folder: config/ (2 files) and data/ (5 files).</summary>
        public static string MlBundle => Bundle.Value;

        private static string Written(string name, Action<string> write) => StandInFolder.Written(Root, name, write);
    }
}
