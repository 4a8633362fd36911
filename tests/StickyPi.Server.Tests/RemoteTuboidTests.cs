using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;
using StickyPi.Core.Sync;
using StickyPi.SampleData;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>
    /// Tiled tuboids and ITC labels through the remote back-end against our server, side by side with an embedded store
    /// fed the same directories and labels: the same results, rows and error ids; a re-upload sends nothing; a bad
    /// directory fails alone; a read-only user is refused.
    /// </summary>
    public sealed class RemoteTuboidTests : IDisposable
    {
        private const string Algo = "test";
        private readonly string _input = TestPaths.NewTempDir("stickypi-remote-tuboids");
        private readonly string _cache = TestPaths.NewTempDir("stickypi-remote-cache");
        private readonly string _localRoot = TestPaths.NewTempDir("stickypi-local-tuboids");
        private readonly StickyServer _server = new StickyServer();
        private readonly RouteCounter _routes;

        public RemoteTuboidTests()
        {
            _routes = new RouteCounter(_server.Server.CreateHandler());
        }

        public void Dispose()
        {
            _routes.Dispose();
            _server.Dispose();
            TestPaths.DeleteDir(_input);
            TestPaths.DeleteDir(_cache);
            TestPaths.DeleteDir(_localRoot);
        }

        [Fact]
        public async Task UploadsLabelsQueriesAndDeletionsGiveTheEmbeddedStoresResults()
        {
            var series = SampleTuboids.WriteFixtureSeries(_input);
            string name = Path.GetFileName(series);

            // Two bad directories among the good ones: one without context.jpg, one whose metadata.txt is not upstream's.
            string noContext = Path.Combine(series, name + ".0098");
            Directory.CreateDirectory(noContext);
            File.Copy(Path.Combine(series, name + ".0000", "tuboid.jpg"), Path.Combine(noContext, "tuboid.jpg"));
            File.Copy(Path.Combine(series, name + ".0000", "metadata.txt"), Path.Combine(noContext, "metadata.txt"));
            string badMetadata = Path.Combine(series, name + ".0099");
            Directory.CreateDirectory(badMetadata);
            foreach (var f in new[] { "tuboid.jpg", "context.jpg" })
            {
                File.Copy(Path.Combine(series, name + ".0000", f), Path.Combine(badMetadata, f));
            }

            File.WriteAllText(Path.Combine(badMetadata, "metadata.txt"), "08038ade.2020-07-09_10-09-01,1,2\n");
            var dirs = TuboidUploader.ExpandDirectory(series);
            Assert.Equal(8, dirs.Count);
            var info = new TuboidSeriesInfo { AlgoName = Algo, ImageCount = 10, TuboidCount = 8 };

            using (var remote = Connect(out var remoteCaller))
            using (var local = EmbeddedStickyBackend.Open(_localRoot))
            {
                var localCaller = LocalAdmin(local);
                var sentRemote = dirs.Select(d => remote.UploadTuboid(remoteCaller, d, info)).ToList();
                var sentLocal = dirs.Select(d => local.UploadTuboid(localCaller, d, info)).ToList();
                AssertSameResults(sentLocal, sentRemote, localCaller, remoteCaller);
                Assert.Equal(6, sentRemote.Count(r => r.Status == ImportStatus.Sent));
                Assert.Equal(TuboidErrorIds.MissingTuboidFile, sentRemote.Single(r => r.Path == noContext).ErrorId);
                Assert.Equal(TuboidErrorIds.InvalidTuboidMetadata, sentRemote.Single(r => r.Path == badMetadata).ErrorId);
                Assert.Contains(badMetadata, sentRemote.Single(r => r.Path == badMetadata).Reason);
                Assert.Equal(6, _routes.Count("_put_tiled_tuboids"));

                // Again: every stored tuboid is refused as a duplicate, as locally, and not one byte of it is sent.
                var againRemote = dirs.Select(d => remote.UploadTuboid(remoteCaller, d, info)).ToList();
                var againLocal = dirs.Select(d => local.UploadTuboid(localCaller, d, info)).ToList();
                AssertSameResults(againLocal, againRemote, localCaller, remoteCaller);
                Assert.Equal(6, againRemote.Count(r => r.ErrorId == TuboidErrorIds.DuplicateTuboid));
                Assert.Equal(6, _routes.Count("_put_tiled_tuboids"));

                // Queries: rows, order and series fields as the embedded store's.
                var all = TuboidQuery.All;
                AssertSameTuboids(local.GetTiledTuboidSeries(localCaller, all).ToList(), remote.GetTiledTuboidSeries(remoteCaller, all).ToList(), localCaller, remoteCaller);
                var narrow = new TuboidQuery("08038a%", new DateTime(2020, 7, 8, 20, 0, 0, DateTimeKind.Utc), new DateTime(2020, 7, 9, 15, 0, 0, DateTimeKind.Utc), Algo);
                Assert.Equal(6, remote.GetTiledTuboidSeries(remoteCaller, narrow).Count());
                Assert.Empty(remote.GetTiledTuboidSeries(remoteCaller, new TuboidQuery("%", narrow.Start, narrow.End, "another-algorithm")));
                Assert.Empty(remote.GetTiledTuboidSeries(remoteCaller, new TuboidQuery("%", narrow.Start, narrow.End.AddSeconds(-1))));
                Assert.Equal(local.CompleteTuboidDevices(localCaller, "080"), remote.CompleteTuboidDevices(remoteCaller, "080"));
                Assert.Empty(remote.CompleteTuboidDevices(remoteCaller, "ff"));

                // With files: the URLs give back the bytes that were sent.
                var withFiles = remote.GetTiledTuboidSeries(remoteCaller, all, includeFiles: true).First();
                using (var http = _server.CreateClient())
                {
                    var source = Path.Combine(series, withFiles.TuboidId);
                    Assert.Equal(File.ReadAllBytes(Path.Combine(source, "tuboid.jpg")), await http.GetByteArrayAsync(withFiles.TuboidFile));
                    Assert.Equal(File.ReadAllBytes(Path.Combine(source, "metadata.txt")), await http.GetByteArrayAsync(withFiles.MetadataFile));
                    Assert.Equal(File.ReadAllBytes(Path.Combine(source, "context.jpg")), await http.GetByteArrayAsync(withFiles.ContextFile));
                }

                // Labels: stored ones with their ids, and the same refusals (unknown tuboid, duplicate, invalid) item by item.
                string first = name + ".0000", second = name + ".0034";
                var labels = new[]
                {
                    Label(first, "insect_tuboid_classifier", "1111-abce", 1, "Insecta.*", "Insecta", order: "Diptera"),
                    Label(second, "insect_tuboid_classifier", "1111-abce", 2, "Insecta.*", "Insecta", genus: "Drosophila"),
                    Label(name + ".0042", "insect_tuboid_classifier", "1111-abce", 3, "x", "y"),
                    Label(first, "insect_tuboid_classifier", "1111-abce", 4, "again", "again"),
                    Label(second, "insect_tuboid_classifier", "1111-abce", 5, "Insecta.*", string.Empty),
                    Label(second, "other_classifier", "2", 6, "Araneae.*", "Araneae"),
                };
                var putRemote = remote.PutItcLabels(remoteCaller, labels);
                var putLocal = local.PutItcLabels(localCaller, labels);
                Assert.Equal(putLocal.Select(r => r.ErrorId), putRemote.Select(r => r.ErrorId));
                Assert.Equal(new string[] { null, null, TuboidErrorIds.TuboidNotFound, TuboidErrorIds.DuplicateItcLabel, TuboidErrorIds.InvalidItcLabel, null },
                    putRemote.Select(r => r.ErrorId));
                for (int i = 0; i < labels.Length; i++)
                {
                    if (putLocal[i].Succeeded)
                    {
                        AssertSameLabel(putLocal[i].Label, putRemote[i].Label, localCaller, remoteCaller);
                        Assert.NotNull(putRemote[i].Label.Id);
                    }
                }

                var ids = new[] { second, first, name + ".0042" };
                var gotLocal = local.GetItcLabels(localCaller, ids).ToList();
                var gotRemote = remote.GetItcLabels(remoteCaller, ids).ToList();
                Assert.Equal(3, gotRemote.Count);
                Assert.Equal(gotLocal.Count, gotRemote.Count);
                for (int i = 0; i < gotLocal.Count; i++)
                {
                    AssertSameLabel(gotLocal[i], gotRemote[i], localCaller, remoteCaller);
                }

                // Upstream answers every label of the store for ids it does not know (§8 #9); here, nothing.
                Assert.Empty(remote.GetItcLabels(remoteCaller, new[] { name + ".0042" }));

                var joinLocal = local.GetTiledTuboidSeriesWithItcLabels(localCaller, all).ToList();
                var joinRemote = remote.GetTiledTuboidSeriesWithItcLabels(remoteCaller, all).ToList();
                AssertSameTuboids(joinLocal.Cast<TiledTuboid>().ToList(), joinRemote.Cast<TiledTuboid>().ToList(), localCaller, remoteCaller);
                Assert.Equal(7, joinRemote.Count);
                for (int i = 0; i < joinLocal.Count; i++)
                {
                    Assert.Equal(joinLocal[i].ItcLabel == null, joinRemote[i].ItcLabel == null);
                    if (joinLocal[i].ItcLabel != null)
                    {
                        AssertSameLabel(joinLocal[i].ItcLabel, joinRemote[i].ItcLabel, localCaller, remoteCaller);
                    }
                }

                // Deletion: the series rows, then nothing left.
                var deletedLocal = local.DeleteTiledTuboids(localCaller, all);
                var deletedRemote = remote.DeleteTiledTuboids(remoteCaller, all);
                Assert.Single(deletedRemote);
                var l0 = deletedLocal.Single();
                var r0 = deletedRemote.Single();
                Assert.Equal((l0.Id, l0.Device, l0.StartDateTime, l0.EndDateTime, l0.NImages, l0.NTuboids, l0.AlgoName, l0.AlgoVersion, l0.ApiVersion),
                    (r0.Id, r0.Device, r0.StartDateTime, r0.EndDateTime, r0.NImages, r0.NTuboids, r0.AlgoName, r0.AlgoVersion, r0.ApiVersion));
                Assert.Empty(remote.GetTiledTuboidSeries(remoteCaller, all));
                Assert.Empty(remote.GetItcLabels(remoteCaller, ids));

                // Deleted: the same directories go up again.
                Assert.Equal(6, dirs.Select(d => remote.UploadTuboid(remoteCaller, d, info)).Count(r => r.Status == ImportStatus.Sent));
            }
        }

        [Fact]
        public async Task AReadOnlyUserReadsButIsRefusedUploadsLabelsAndDeletion()
        {
            var series = SampleTuboids.WriteFixtureSeries(_input);
            var info = new TuboidSeriesInfo { AlgoName = Algo, ImageCount = 10, TuboidCount = 6 };
            using (var admin = _server.Admin())
            {
                (await admin.Post("put_users", "[{\"username\": \"reader\", \"password\": \"reader-pass-1\", \"can_write\": false}]")).AssertOk();
            }

            using (var remote = Connect(out var adminCaller))
            {
                Assert.Equal(ImportStatus.Sent, remote.UploadTuboid(adminCaller, TuboidUploader.ExpandDirectory(series)[0], info).Status);
            }

            using (var reader = Connect(out var readerCaller, "reader", "reader-pass-1"))
            {
                Assert.False(readerCaller.CanWrite);
                var stored = reader.GetTiledTuboidSeries(readerCaller, TuboidQuery.All).Single();
                var dir = TuboidUploader.ExpandDirectory(series)[1];
                var upload = Assert.Throws<StickyPiException>(() => reader.UploadTuboid(readerCaller, dir, info));
                Assert.Equal(StickyErrorIds.RemoteAccessDenied, upload.ErrorId);
                Assert.Contains("403", upload.Message);
                var label = Assert.Throws<StickyPiException>(() => reader.PutItcLabels(readerCaller, new[] { Label(stored.TuboidId, "a", "1", 1, "p", "t") }));
                Assert.Equal(StickyErrorIds.RemoteAccessDenied, label.ErrorId);
                var delete = Assert.Throws<StickyPiException>(() => reader.DeleteTiledTuboids(readerCaller, TuboidQuery.All));
                Assert.Equal(StickyErrorIds.RemoteAccessDenied, delete.ErrorId);
                Assert.Single(reader.GetTiledTuboidSeries(readerCaller, TuboidQuery.All));
                Assert.Empty(reader.GetItcLabels(readerCaller, new[] { stored.TuboidId }));
            }
        }

        [Fact]
        public void AFullSeriesAndShotsOutsideTheSeriesFailTheirDirectoryWithoutSendingIt()
        {
            var series = SampleTuboids.WriteFixtureSeries(_input);
            var dirs = TuboidUploader.ExpandDirectory(series);
            using (var remote = Connect(out var caller))
            {
                // n_tuboids 2: the third directory finds the series full, as the embedded store says it.
                var results = remote.PutTiledTuboids(caller, dirs.Take(3), new TuboidSeriesInfo
                {
                    AlgoName = Algo, ImageCount = 10, TuboidCount = 2, Device = "08038ade", AlgoVersion = "1606980656-91e2199fccf371d3d690b2856613e8f5",
                    StartDateTime = new DateTime(2020, 7, 8, 20, 0, 0, DateTimeKind.Utc), EndDateTime = new DateTime(2020, 7, 9, 15, 0, 0, DateTimeKind.Utc),
                });
                Assert.Equal(new[] { ImportStatus.Sent, ImportStatus.Sent, ImportStatus.Failed }, results.Select(r => r.Status));
                Assert.Equal(TuboidErrorIds.SeriesFull, results[2].ErrorId);
                Assert.Equal(2, _routes.Count("_put_tiled_tuboids"));

                // A series that ends before the tuboid's last shot.
                var early = remote.UploadTuboid(caller, dirs[3], new TuboidSeriesInfo
                {
                    AlgoName = "short", ImageCount = 1, TuboidCount = 9, EndDateTime = new DateTime(2020, 7, 9, 5, 0, 0, DateTimeKind.Utc),
                });
                Assert.Equal(TuboidErrorIds.TuboidOutsideSeries, early.ErrorId);
                Assert.Equal(dirs[3], early.Error.Target);
                Assert.Equal(2, _routes.Count("_put_tiled_tuboids"));

                // Incomplete series information fails the directory (UploadTuboid) or the call (PutTiledTuboids), as locally.
                var noCount = remote.UploadTuboid(caller, dirs[4], new TuboidSeriesInfo { AlgoName = Algo, ImageCount = 1 });
                Assert.Equal(TuboidErrorIds.InvalidTuboidSeries, noCount.ErrorId);
                Assert.Equal(TuboidErrorIds.InvalidTuboidSeries,
                    Assert.Throws<StickyPiException>(() => remote.PutTiledTuboids(caller, dirs, new TuboidSeriesInfo { AlgoName = Algo })).ErrorId);
            }
        }

        [Fact]
        public void DeletingOneAlgorithmsSeriesIsRefusedWhenTheServerWouldDeleteAnothersToo()
        {
            var series = SampleTuboids.WriteFixtureSeries(_input);
            var other = SampleTuboids.WriteSeries(_input, "08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.other-version", SampleTuboids.FixtureTuboids.Take(2));
            using (var remote = Connect(out var caller))
            {
                Assert.All(remote.PutTiledTuboids(caller, TuboidUploader.ExpandDirectory(series).Take(2), new TuboidSeriesInfo
                {
                    AlgoName = Algo, ImageCount = 10, TuboidCount = 6, Device = "08038ade", AlgoVersion = "v1",
                    StartDateTime = new DateTime(2020, 7, 8, 20, 0, 0, DateTimeKind.Utc), EndDateTime = new DateTime(2020, 7, 9, 15, 0, 0, DateTimeKind.Utc),
                }), r => Assert.Equal(ImportStatus.Sent, r.Status));
                Assert.All(TuboidUploader.ExpandDirectory(other).Select(d => remote.UploadTuboid(caller, d, new TuboidSeriesInfo { AlgoName = "other", ImageCount = 3, TuboidCount = 2 })),
                    r => Assert.Equal(ImportStatus.Sent, r.Status));

                var refused = Assert.Throws<StickyPiException>(() => remote.DeleteTiledTuboids(caller, new TuboidQuery("%", DateTime.MinValue, DateTime.MaxValue, Algo)));
                Assert.Equal(StickyErrorKind.Conflict, refused.Kind);
                Assert.Contains("other", refused.Message);
                Assert.Equal(4, remote.GetTiledTuboidSeries(caller, TuboidQuery.All).Count());

                // A series whose bounds hold no other algorithm's series: only it goes.
                var narrow = SampleTuboids.WriteSeries(_input, "08038ade.2020-07-09_03-00-00.2020-07-09_15-00-00.narrow", SampleTuboids.FixtureTuboids.Skip(1).Take(1));
                Assert.Equal(ImportStatus.Sent, remote.UploadTuboid(caller, TuboidUploader.ExpandDirectory(narrow).Single(), new TuboidSeriesInfo { AlgoName = "narrow", ImageCount = 1, TuboidCount = 1 }).Status);
                var deleted = remote.DeleteTiledTuboids(caller, new TuboidQuery("08038ade", DateTime.MinValue, DateTime.MaxValue, "narrow"));
                Assert.Equal("narrow", deleted.Single().AlgoName);
                Assert.Equal(4, remote.GetTiledTuboidSeries(caller, TuboidQuery.All).Count());
            }
        }

        [Fact]
        public void LabellingTuboidAfterTuboidAsksForTheSeriesOnceAndSeesTuboidsAnotherClientSentMeanwhile()
        {
            var series = SampleTuboids.WriteFixtureSeries(_input);
            var dirs = TuboidUploader.ExpandDirectory(series);
            var info = new TuboidSeriesInfo { AlgoName = Algo, ImageCount = 10, TuboidCount = 6 };
            using (var mine = Connect(out var caller))
            using (var other = Connect(out var otherCaller))
            {
                Assert.All(dirs.Take(3).Select(d => mine.UploadTuboid(caller, d, info)), r => Assert.Equal(ImportStatus.Sent, r.Status));
                int asked = _routes.Count("get_tiled_tuboid_series/metadata");
                var labelled = dirs.Take(3).Select(d => mine.PutItcLabels(caller, new[] { Label(Path.GetFileName(d), "itc", "1", 1, "p", "t") }).Single()).ToList();
                Assert.All(labelled, r => Assert.True(r.Succeeded, r.Error?.Message));
                Assert.Equal(asked, _routes.Count("get_tiled_tuboid_series/metadata"));

                // Sent by another client after this one read the series: found by asking again, not refused as unknown.
                Assert.Equal(ImportStatus.Sent, other.UploadTuboid(otherCaller, dirs[3], info).Status);
                var late = mine.PutItcLabels(caller, new[] { Label(Path.GetFileName(dirs[3]), "itc", "1", 1, "p", "t") }).Single();
                Assert.True(late.Succeeded, late.Error?.Message);
                Assert.Equal(Path.GetFileName(dirs[3]), late.Label.TuboidId);
                Assert.Equal(4, mine.GetItcLabels(caller, dirs.Select(Path.GetFileName)).Count());
            }
        }

        private RemoteStickyBackend Connect(out CallerIdentity caller, string user = null, string password = null) =>
            RemoteStickyBackend.Connect(_server.Server.BaseAddress, user ?? StickyServer.AdminName, password ?? StickyServer.AdminPassword, out caller, _cache, _routes);

        private static CallerIdentity LocalAdmin(IStickyBackend local)
        {
            var user = local.AddUser(CallerIdentity.LocalAdministrator, "tester", "tester-password-1".ToCharArray(), isAdmin: true);
            return local.FindCallerIdentity(user.Id);
        }

        private static ItcLabelSubmission Label(string tuboidId, string algo, string version, int label, string pattern, string type, string order = null, string genus = null) =>
            new ItcLabelSubmission { TuboidId = tuboidId, AlgoName = algo, AlgoVersion = version, Label = label, Pattern = pattern, Type = type, Order = order, Genus = genus };

        private static void AssertSameResults(IReadOnlyList<TuboidUploadResult> local, IReadOnlyList<TuboidUploadResult> remote, CallerIdentity localCaller, CallerIdentity remoteCaller)
        {
            Assert.Equal(local.Count, remote.Count);
            for (int i = 0; i < local.Count; i++)
            {
                Assert.Equal((local[i].Path, local[i].Status, local[i].TuboidId, local[i].ErrorId), (remote[i].Path, remote[i].Status, remote[i].TuboidId, remote[i].ErrorId));
                Assert.Equal(local[i].Error?.Kind, remote[i].Error?.Kind);
                Assert.Equal(local[i].Error?.Target, remote[i].Error?.Target);
                if (local[i].Tuboid != null)
                {
                    AssertSameTuboids(new[] { local[i].Tuboid }, new[] { remote[i].Tuboid }, localCaller, remoteCaller);
                }
            }
        }

        /// <summary>Every property equal but the creation time (each store's clock) and the creator (each store's user).</summary>
        private static void AssertSameTuboids(IReadOnlyList<TiledTuboid> local, IReadOnlyList<TiledTuboid> remote, CallerIdentity localCaller, CallerIdentity remoteCaller)
        {
            Assert.Equal(local.Count, remote.Count);
            for (int i = 0; i < local.Count; i++)
            {
                foreach (var p in typeof(TiledTuboid).GetProperties().Where(p => p.Name != nameof(TiledTuboid.DateTimeCreated) && p.Name != nameof(TiledTuboid.ApiUserId)))
                {
                    Assert.True(Equals(p.GetValue(local[i]), p.GetValue(remote[i])), local[i].TuboidId + " " + p.Name + ": " + p.GetValue(local[i]) + " locally, " + p.GetValue(remote[i]) + " remotely");
                }

                Assert.Equal(localCaller.Id, local[i].ApiUserId);
                Assert.Equal(remoteCaller.Id, remote[i].ApiUserId);
                Assert.Equal(DateTimeKind.Utc, remote[i].DateTimeCreated.Kind);
                Assert.InRange(remote[i].DateTimeCreated, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
            }
        }

        private static void AssertSameLabel(ItcLabel local, ItcLabel remote, CallerIdentity localCaller, CallerIdentity remoteCaller)
        {
            foreach (var p in typeof(ItcLabel).GetProperties().Where(p => p.Name != nameof(ItcLabel.DateTimeCreated) && p.Name != nameof(ItcLabel.ApiUserId)))
            {
                Assert.True(Equals(p.GetValue(local), p.GetValue(remote)), local + " " + p.Name + ": " + p.GetValue(local) + " locally, " + p.GetValue(remote) + " remotely");
            }

            Assert.Equal(localCaller.Id, local.ApiUserId);
            Assert.Equal(remoteCaller.Id, remote.ApiUserId);
        }

        /// <summary>The real in-process server's handler, counting the requests per route (to show what was not sent).</summary>
        private sealed class RouteCounter : DelegatingHandler
        {
            private readonly ConcurrentDictionary<string, int> _counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);

            public RouteCounter(HttpMessageHandler inner)
                : base(inner)
            {
            }

            public int Count(string route) => _counts.TryGetValue(route, out var n) ? n : 0;

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                _counts.AddOrUpdate(request.RequestUri.AbsolutePath.Trim('/'), 1, (_, n) => n + 1);
                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
