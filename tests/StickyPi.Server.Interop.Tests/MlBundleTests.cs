using System.Linq;
using System.Text.Json.Nodes;
using StickyPi.Server.Interop.Tests.Support;

namespace StickyPi.Server.Interop.Tests
{
    /// <summary>ML bundle files larger than one 15 MiB checksum part (spec §1.9, §8 #26), ours only.</summary>
    [Collection(InteropCollection.Name)]
    public sealed class MlBundleTests
    {
        private readonly InteropFixture _f;

        public MlBundleTests(InteropFixture fixture) => _f = fixture;

        [SkippableFact]
        public void AFileOfTwoChecksumPartsIsListedWithTheMultipartChecksumAndDownloadsVerified()
        {
            _f.RequireOurs();
            var r = _f.LargeBundle;
            Assert.True(r != null, "bundle_large.py did not finish: " + _f.LargeBundleRun);
            var expected = r["expected_checksums"].AsObject();
            Assert.EndsWith("-2", (string)expected["output/model_final.pth"]); // the fixture really spans two parts
            Assert.Equal(new[] { "config/config.yaml", "output/model_final.pth" }, r["uploaded"].AsArray().Select(k => (string)k));
            foreach (var kv in expected)
            {
                Assert.Equal((string)kv.Value, (string)r["listed"][kv.Key]);
            }

            Assert.True(r["downloaded"] is JsonArray, "upstream's client refused our download: " + r["downloaded"]);
            Assert.Equal(new[] { "config/config.yaml", "output/model_final.pth" }, r["downloaded"].AsArray().Select(k => (string)k));
            Assert.True((bool)r["same_bytes"]);
        }
    }
}
