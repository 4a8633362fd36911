using System;
using System.IO;
using StickyPi.SampleData;

namespace StickyPi.Core.Tests.Support
{
    /// <summary>
    /// Generated stand-ins for the shared fixtures (StickyPi.SampleData), for tests of behaviour rather than of the
    /// fixtures' exact bytes: the 11 raw images (same folders, names and EXIF formats), the tiled-tuboid series (same
    /// names, shot counts and times) and the ML bundle (same seven keys). Tests only read them (like the read-only
    /// fixtures). They are deterministic, so they are written once beside the test assembly
    /// (<c>standins/&lt;SampleData build&gt;/</c> under bin/, not the temp directory: a test host that is killed
    /// leaves nothing in temp), each folder written under a temporary name and renamed whole.
    /// </summary>
    public static class StandIns
    {
        private static readonly string Root = StandInFolder.RootFor(AppContext.BaseDirectory);

        private static readonly Lazy<string> Images = new Lazy<string>(() => Written("raw_images", dir => SampleImages.WriteFixtureStandIns(dir)));

        private static readonly Lazy<string> Tuboids = new Lazy<string>(() => Written("tiled_tuboids", dir => SampleTuboids.WriteFixtureSeries(dir)));

        private static readonly Lazy<string> Bundle = new Lazy<string>(() => Written("ml_bundle", dir => SampleMlBundle.Write(dir)));

        /// <summary>Like <see cref="TestPaths.RawImages"/>: 0a5bb6f4/, 1b74105a/, 2022/, 5c173ff2/ with 11 images.</summary>
        public static string RawImages => Images.Value;

        /// <summary>Like <see cref="TestPaths.TiledTuboids"/>: the series folder with tuboids 0000, 0028-0031 and 0034.</summary>
        public static string TiledTuboids => Tuboids.Value;

        /// <summary>Like <see cref="TestPaths.MlBundle"/>: config/ (2 files) and data/ (5 files).</summary>
        public static string MlBundle => Bundle.Value;

        private static string Written(string name, Action<string> write) => StandInFolder.Written(Root, name, write);
    }

    /// <summary>One data row of a theory (like <c>InlineData</c>) that needs <c>../shared/fixtures</c>: only this row is skipped.</summary>
    public sealed class FixtureInlineDataAttribute : Xunit.Sdk.DataAttribute
    {
        private readonly object[] _data;

        public FixtureInlineDataAttribute(params object[] data)
        {
            _data = data;
        }

        public override string Skip
        {
            get => base.Skip ?? Requirements.SkipReason(fixtures: true, turboJpeg: false);
            set => base.Skip = value;
        }

        public override System.Collections.Generic.IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => new[] { _data };
    }
}
