using System.Linq;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Server.Interop.Tests.Support;

namespace StickyPi.Server.Interop.Tests
{
    /// <summary>
    /// Our client side — the import pipeline with the sink that sends — against upstream's own server and ours, over
    /// HTTP on 127.0.0.1: the same outcome from both.
    /// </summary>
    [Collection(InteropCollection.Name)]
    public sealed class RemoteSinkTests
    {
        private readonly InteropFixture _f;

        public RemoteSinkTests(InteropFixture fixture) => _f = fixture;

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void ImagesSentThroughThePipelineAreStoredWithTheirMd5s(string server)
        {
            var run = Run(server);
            Assert.Equal(ClientImport.Count, run.First.Count);
            Assert.All(run.First, r => Assert.True(r.Status == ImportStatus.Sent, r.Path + ": " + r.Status + " " + r.Reason));
            Assert.All(run.First, r => Assert.Equal(r.Md5, r.Image.Md5));
            foreach (var sent in run.Sent)
            {
                Assert.True(run.Stored.TryGetValue(sent.Key, out var stored), sent.Key + " is not on " + server + "'s server");
                Assert.Equal(sent.Value, stored);
            }
        }

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void ARerunIsDecidedFromTheCacheAndTheServersMd5sWithoutOpeningAFile(string server)
        {
            var run = Run(server);
            Assert.All(run.Rerun, r => Assert.Equal(ImportStatus.Skipped, r.Status));
            Assert.All(run.Rerun, r => Assert.True(r.FromCache));
            Assert.Equal(0, run.OpenedOnRerun);
        }

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void AConflictingFileIsReportedAndNeverSent(string server)
        {
            var run = Run(server);
            Assert.Equal(ImportStatus.Failed, run.Conflict.Status);
            Assert.Equal(StickyErrorIds.Md5Conflict, run.Conflict.ErrorId);
            var name = run.Sent.Keys.OrderBy(k => k).First(k => k.StartsWith("1b74105a", System.StringComparison.Ordinal));
            Assert.Equal(run.Sent[name], run.Stored[name]);
        }

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void AReadOnlyUsersUploadIsRefusedForItsFileAlone(string server)
        {
            var run = Run(server);
            var refused = Assert.Single(run.ReadOnly);
            Assert.Equal(ImportStatus.Failed, refused.Status);
            Assert.Equal(StickyErrorIds.RemoteAccessDenied, refused.ErrorId);
            Assert.Contains("403", refused.Reason);
            Assert.Equal(ClientImport.Count, run.Stored.Count); // the refused image is not there
        }

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void TheModulesRemoteBackEndReadsSortedSeriesAndKeysAndDeletes(string server)
        {
            var run = Run(server);
            Assert.Equal(UserRole.Admin, run.BackendRole);
            var names = run.Sent.Keys.OrderBy(k => k, System.StringComparer.Ordinal).ToList();
            Assert.Equal(names, run.Series.Select(i => i.FileName));
            Assert.All(run.Series, i => Assert.Equal(run.Sent[i.FileName], i.Md5));
            Assert.All(run.Series, i => Assert.True(i.Id > 0));
            Assert.Equal(names, run.ByKey.Select(i => i.FileName));
            var deleted = Assert.Single(run.Deleted);
            Assert.Equal(run.Sent[deleted.FileName], deleted.Md5);
            Assert.Equal(names.Where(n => n != deleted.FileName), run.SeriesAfterDelete.Select(i => i.FileName));
        }

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void TheRemoteBackEndAddsUsersAndRemovesExactlyTheNamedOne(string server)
        {
            var run = Run(server);
            Assert.Equal("interop_a_b", run.UserAdded.UserName);
            Assert.Equal(UserRole.ReadOnly, run.UserAdded.Role);
            Assert.Equal(new[] { "interop_a_b" }, run.UsersDeleted);
            Assert.Contains("interop_axb", run.UsersLeft);
            Assert.DoesNotContain("interop_a_b", run.UsersLeft);
        }

        private ClientImport Run(string server)
        {
            if (server == "upstream")
            {
                _f.RequireUpstream();
                Assert.True(_f.UpstreamClient != null, "our client failed against upstream's server: " + _f.UpstreamClientError);
                return _f.UpstreamClient;
            }

            _f.RequireOurs();
            Assert.True(_f.OursClient != null, "our client failed against our server: " + _f.OursClientError);
            return _f.OursClient;
        }
    }
}
