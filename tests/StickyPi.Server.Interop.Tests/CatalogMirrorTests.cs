using System.Linq;
using StickyPi.Server.Interop.Tests.Support;

namespace StickyPi.Server.Interop.Tests
{
    /// <summary>
    /// Our MariaDB catalog reads what upstream's own server wrote into its database (projects, permissions, series rows
    /// of every column type, tuboids with their ITC labels) exactly as upstream's API gives it back.
    /// </summary>
    [Collection(InteropCollection.Name)]
    public sealed class CatalogMirrorTests
    {
        private readonly InteropFixture _f;

        public CatalogMirrorTests(InteropFixture fixture) => _f = fixture;

        [SkippableTheory]
        [InlineData("projects", 1)]
        [InlineData("permissions", 2)]
        [InlineData("series", 2)]
        [InlineData("tuboids", 6)]
        [InlineData("labels", 2)]
        public void OurCatalogReadsWhatUpstreamsServerStoredAsItsApiGivesItBack(string what, int count)
        {
            _f.RequireUpstream();
            Assert.True(_f.CatalogMirrorError == null, _f.CatalogMirrorError);
            var byApi = _f.CatalogMirror.ByApi[what];
            Assert.Equal(count, byApi.Count);
            Assert.Equal(string.Join("\n", byApi), string.Join("\n", _f.CatalogMirror.ByCatalog[what]));
        }

        [SkippableFact]
        public void TheTypedValuesSurviveTheRoundTrip()
        {
            _f.RequireUpstream();
            Assert.True(_f.CatalogMirrorError == null, _f.CatalogMirrorError);
            var row = _f.CatalogMirror.ByCatalog["series"].First();
            Assert.Contains("big=9007199254740993", row);
            Assert.Contains("lat=49.260612", row);
            Assert.Contains("note=dry week", row);
            Assert.Contains("seen=2022-03-04T08:06:07.0000000Z", row);
        }
    }
}
