using StickyPi.Server.Interop.Tests.Support;

namespace StickyPi.Server.Interop.Tests
{
    /// <summary>
    /// Our server swapped in for upstream's on upstream's own deployment (its MariaDB database and its S3 bucket over
    /// TLS, through upstream's MYSQL_* and S3_* variables and its CA as AWS_CA_BUNDLE): every answer and every file
    /// link's content is what upstream's server gives for the data it stored itself.
    /// </summary>
    [Collection(InteropCollection.Name)]
    public sealed class SharedStackTests
    {
        private readonly InteropFixture _f;

        public SharedStackTests(InteropFixture fixture) => _f = fixture;

        [SkippableTheory]
        [InlineData("images")]
        [InlineData("thumbnails")]
        [InlineData("annotations")]
        [InlineData("tuboids")]
        [InlineData("tuboid files")]
        [InlineData("users")]
        [InlineData("projects")]
        public void OurServerOnUpstreamsDatabaseAndBucketAnswersAsUpstreamsServer(string what)
        {
            _f.RequireUpstream();
            Assert.True(_f.SharedStackError == null, _f.SharedStackError);
            var theirs = _f.SharedStack.Upstream[what];
            Assert.NotEmpty(theirs);
            Assert.True(string.Join("\n", theirs) == string.Join("\n", _f.SharedStack.Ours[what]),
                "upstream:\n" + string.Join("\n", theirs) + "\nours:\n" + string.Join("\n", _f.SharedStack.Ours[what]) + "\nour server's log:\n" + _f.SharedStack.OurLog);
        }
    }
}
