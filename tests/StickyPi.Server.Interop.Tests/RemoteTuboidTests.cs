using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;
using StickyPi.Core.Sync;
using StickyPi.Server.Interop.Tests.Support;

namespace StickyPi.Server.Interop.Tests
{
    /// <summary>
    /// The module's remote back-end with tiled tuboids and ITC labels against upstream's own server (Flask + MariaDB +
    /// S3) and ours, over HTTP on 127.0.0.1, with the shared fixture series (read, never written): the same results
    /// from both, and upstream's quirks kept out of the results (a re-upload is never sent, since upstream's server would
    /// overwrite the stored files before refusing it; labels of unknown tuboids are never asked, since upstream would
    /// answer every label it holds).
    /// </summary>
    public sealed class RemoteTuboidTests : IClassFixture<RemoteTuboidTests.Runs>
    {
        private readonly Runs _runs;

        public RemoteTuboidTests(Runs runs) => _runs = runs;

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void TheFixtureSeriesIsSentOneRequestPerTuboidAndARerunSendsNothing(string server)
        {
            var run = _runs.Get(server);
            Assert.Equal(6, run.First.Count);
            Assert.All(run.First, r => Assert.True(r.Status == ImportStatus.Sent, r.Path + ": " + r.Reason));
            // One request per tuboid answered 200 (a transient failure under load may be retried, spec §1.6).
            Assert.Equal(6, run.UploadsAnsweredOk);
            var t34 = run.First.Single(r => r.TuboidId.EndsWith(".0034", StringComparison.Ordinal)).Tuboid;
            Assert.Equal((34, 11, Utc(2020, 7, 9, 10, 9, 1), Utc(2020, 7, 9, 13, 16, 25)), (t34.IdInSeries, t34.NShots, t34.StartDateTime, t34.EndDateTime));
            Assert.Equal(("08038ade", Utc(2020, 7, 8, 20, 0, 0), Utc(2020, 7, 9, 15, 0, 0), "interop", 6), (t34.DeviceSeries, t34.StartDateTimeSeries, t34.EndDateTimeSeries, t34.AlgoNameSeries, t34.NTuboidsSeries));
            Assert.True(t34.Id > 0);

            Assert.All(run.AgainFull, r => Assert.Equal(TuboidErrorIds.SeriesFull, r.ErrorId));
            Assert.All(run.Again, r => Assert.Equal(TuboidErrorIds.DuplicateTuboid, r.ErrorId));
            Assert.Equal(run.UploadRequests, run.UploadRequestsAfterRerun);
            Assert.Equal(TuboidErrorIds.SeriesFull, run.Extra.ErrorId);
        }

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void TheStoredFilesAreTheFixturesAndQueriesSelectBySeries(string server)
        {
            var run = _runs.Get(server);
            Assert.Equal(run.First.Select(r => r.TuboidId).OrderBy(i => i, StringComparer.Ordinal), run.All.Select(t => t.TuboidId));
            Assert.Equal(run.All.Select(t => t.IdInSeries).OrderBy(i => i), run.All.Select(t => t.IdInSeries));
            Assert.Equal(6, run.Narrow.Count);
            Assert.Empty(run.TooNarrow);
            Assert.Equal(new[] { "08038ade" }, run.Completed);
            foreach (var (tuboidId, file, bytes) in run.Downloaded)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(Runs.SeriesDir, tuboidId, file)), bytes);
            }

            Assert.Equal(3, run.Downloaded.Count);
        }

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void LabelsAreStoredOneResultEachAndReadBackWithTheirIds(string server)
        {
            var run = _runs.Get(server);
            Assert.Equal(new string[] { null, null, TuboidErrorIds.TuboidNotFound, TuboidErrorIds.DuplicateItcLabel }, run.Put.Select(r => r.ErrorId));
            Assert.All(run.Put.Where(r => r.Succeeded), r => Assert.True(r.Label.Id > 0));
            Assert.Equal(run.Put.Where(r => r.Succeeded).Select(r => (r.Label.Id, r.Label.TuboidId, r.Label.Order)),
                run.Got.Select(l => (l.Id, l.TuboidId, l.Order)));
            Assert.Empty(run.GotUnknown);
            Assert.Equal(6, run.Joined.Count);
            Assert.Equal(2, run.Joined.Count(t => t.ItcLabel != null));
            Assert.All(run.Joined.Where(t => t.ItcLabel != null), t => Assert.Equal(t.Id, t.ItcLabel.ParentTuboidId));
        }

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void AReadOnlyUserReadsButIsRefusedAndDeletionRemovesTheSeries(string server)
        {
            var run = _runs.Get(server);
            Assert.Equal(6, run.ReadOnlySees);
            Assert.Equal(new[] { StickyErrorIds.RemoteAccessDenied, StickyErrorIds.RemoteAccessDenied, StickyErrorIds.RemoteAccessDenied }, run.ReadOnlyRefusals);
            var deleted = Assert.Single(run.Deleted);
            Assert.Equal(("08038ade", 10, 6, "interop"), (deleted.Device, deleted.NImages, deleted.NTuboids, deleted.AlgoName));
            Assert.Empty(run.AfterDelete);
        }

        [SkippableFact]
        public void BothServersGiveTheSameRowsAndResults()
        {
            var ours = _runs.Get("ours");
            var upstream = _runs.Get("upstream");
            static object Row(TiledTuboid t) => (t.Id, t.ParentSeriesId, t.TuboidId, t.IdInSeries, t.StartDateTime, t.EndDateTime, t.NShots,
                t.AlgoNameSeries, t.AlgoVersionSeries, t.NTuboidsSeries, t.DeviceSeries, t.StartDateTimeSeries, t.EndDateTimeSeries);
            Assert.Equal(ours.First.Select(r => (r.Status, r.ErrorId, Row(r.Tuboid))), upstream.First.Select(r => (r.Status, r.ErrorId, Row(r.Tuboid))));
            Assert.Equal(ours.Again.Select(r => (r.ErrorId, r.Reason)), upstream.Again.Select(r => (r.ErrorId, r.Reason)));
            Assert.Equal(ours.AgainFull.Select(r => (r.ErrorId, r.Reason)), upstream.AgainFull.Select(r => (r.ErrorId, r.Reason)));
            Assert.Equal(ours.All.Select(Row), upstream.All.Select(Row));
            Assert.Equal(ours.Joined.Select(t => (Row(t), t.Label, t.Order, t.Genus, t.LabelAlgoName)), upstream.Joined.Select(t => (Row(t), t.Label, t.Order, t.Genus, t.LabelAlgoName)));
            Assert.Equal(ours.Put.Select(r => (r.ErrorId, r.Error?.Message)), upstream.Put.Select(r => (r.ErrorId, r.Error?.Message)));
        }

        private static DateTime Utc(int y, int mo, int d, int h, int mi, int s) => new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc);

        /// <summary>What one server did with the scenario.</summary>
        public sealed class Run
        {
            public List<TuboidUploadResult> First { get; set; }

            public int UploadRequests { get; set; }

            public int UploadsAnsweredOk { get; set; }

            public List<TuboidUploadResult> Again { get; set; }

            public List<TuboidUploadResult> AgainFull { get; set; }

            public int UploadRequestsAfterRerun { get; set; }

            public TuboidUploadResult Extra { get; set; }

            public List<TiledTuboid> All { get; set; }

            public List<TiledTuboid> Narrow { get; set; }

            public List<TiledTuboid> TooNarrow { get; set; }

            public IReadOnlyList<string> Completed { get; set; }

            public List<(string TuboidId, string File, byte[] Bytes)> Downloaded { get; } = new List<(string, string, byte[])>();

            public IReadOnlyList<ItcLabelResult> Put { get; set; }

            public List<ItcLabel> Got { get; set; }

            public List<ItcLabel> GotUnknown { get; set; }

            public List<LabelledTiledTuboid> Joined { get; set; }

            public int ReadOnlySees { get; set; }

            public List<string> ReadOnlyRefusals { get; } = new List<string>();

            public IReadOnlyList<TuboidSeries> Deleted { get; set; }

            public List<TiledTuboid> AfterDelete { get; set; }
        }

        /// <summary>
        /// Starts upstream's server (when its pieces are installed) and ours with the same identity, runs the scenario
        /// against each, stops both. Outside CI a missing piece skips the tests with the reason; under CI it fails them.
        /// </summary>
        public sealed class Runs : IDisposable
        {
            public static string SeriesDir => Path.Combine(InteropPaths.Fixtures, "tiled_tuboids",
                "08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.1606980656-91e2199fccf371d3d690b2856613e8f5");

            private readonly Dictionary<string, Run> _runs = new Dictionary<string, Run>();
            private readonly Dictionary<string, string> _errors = new Dictionary<string, string>();
            private string _missing;
            private string _upstreamMissing;

            public Runs()
            {
                try
                {
                    Prepare();
                }
                catch (Exception e)
                {
                    _errors["ours"] = _errors["upstream"] = e.ToString();
                }
            }

            public Run Get(string server)
            {
                if (_missing != null || (server == "upstream" && _upstreamMissing != null))
                {
                    string reason = _missing ?? _upstreamMissing;
                    Assert.False(InteropPaths.UnderCi, "Under CI the interop tests must run, but " + reason);
                    Skip.If(true, reason);
                }

                Assert.True(_runs.ContainsKey(server), "the tuboid scenario failed against " + server + "'s server: " + (_errors.TryGetValue(server, out var e) ? e : "(no run)"));
                return _runs[server];
            }

            public void Dispose()
            {
            }

            private void Prepare()
            {
                _missing = !Directory.Exists(SeriesDir) ? "the shared fixture series is missing: " + SeriesDir
                    : !File.Exists(InteropPaths.ServerDll) ? "StickyPi.Server is not built: " + InteropPaths.ServerDll
                    : null;
                if (_missing != null)
                {
                    return;
                }

                _upstreamMissing = UpstreamServer.Unavailable();
                UpstreamServer upstream = null;
                try
                {
                    if (_upstreamMissing == null)
                    {
                        upstream = UpstreamServer.Start();
                    }

                    var identity = upstream?.Identity ?? ServerIdentity.NewRandom();
                    using (var ours = new OurServer(identity))
                    {
                        RunOn("ours", ours.BaseUrl + "/", identity, null);
                    }

                    if (upstream != null)
                    {
                        RunOn("upstream", "http://127.0.0.1:" + upstream.Port + "/", identity, upstream.CaBundle);
                    }
                }
                finally
                {
                    upstream?.Dispose();
                }
            }

            private void RunOn(string server, string baseUrl, ServerIdentity identity, string caBundle)
            {
                var work = InteropPaths.NewTempDir("interop-tuboids");
                try
                {
                    _runs[server] = Scenario(new Uri(baseUrl), identity, work, caBundle);
                }
                catch (Exception e)
                {
                    _errors[server] = e.ToString();
                }
                finally
                {
                    InteropPaths.DeleteDir(work);
                }
            }

            private static Run Scenario(Uri endpoint, ServerIdentity identity, string work, string caBundle)
            {
                var run = new Run();
                var dirs = TuboidUploader.ExpandDirectory(SeriesDir);
                var info = new TuboidSeriesInfo { AlgoName = "interop", ImageCount = 10, TuboidCount = dirs.Count };
                using (var counter = new RouteCounter(new HttpClientHandler()))
                using (var remote = RemoteStickyBackend.Connect(endpoint, identity.AdminName, identity.AdminPassword, out var admin, Path.Combine(work, "cache"), counter))
                {
                    run.First = dirs.Select(d => remote.UploadTuboid(admin, d, info)).ToList();
                    run.UploadRequests = counter.Count("_put_tiled_tuboids");
                    run.UploadsAnsweredOk = counter.Count("_put_tiled_tuboids 200");
                    // Again into the same series: full, as the embedded store checks first. Into another algorithm's
                    // series of the same bounds: each tuboid id is stored already. Neither sends a byte.
                    run.AgainFull = dirs.Select(d => remote.UploadTuboid(admin, d, info)).ToList();
                    run.Again = dirs.Select(d => remote.UploadTuboid(admin, d, new TuboidSeriesInfo { AlgoName = "interop-2", ImageCount = 10, TuboidCount = 9 })).ToList();
                    run.UploadRequestsAfterRerun = counter.Count("_put_tiled_tuboids");

                    // A seventh tuboid (a copy under another number) finds the series full.
                    var extra = Path.Combine(work, Path.GetFileName(dirs[0]).Replace(".0000", ".0077"));
                    Directory.CreateDirectory(extra);
                    foreach (var f in Directory.GetFiles(dirs[0]))
                    {
                        File.Copy(f, Path.Combine(extra, Path.GetFileName(f)));
                    }

                    run.Extra = remote.UploadTuboid(admin, extra, info);

                    run.All = remote.GetTiledTuboidSeries(admin, TuboidQuery.All).ToList();
                    var start = new DateTime(2020, 7, 8, 20, 0, 0, DateTimeKind.Utc);
                    var end = new DateTime(2020, 7, 9, 15, 0, 0, DateTimeKind.Utc);
                    run.Narrow = remote.GetTiledTuboidSeries(admin, new TuboidQuery("0803%", start, end, "interop")).ToList();
                    run.TooNarrow = remote.GetTiledTuboidSeries(admin, new TuboidQuery("%", start.AddSeconds(1), end)).ToList();
                    run.Completed = remote.CompleteTuboidDevices(admin, "08");

                    var withFiles = remote.GetTiledTuboidSeries(admin, TuboidQuery.All, includeFiles: true).Last();
                    using (var download = new HttpClient(TrustingOnly(caBundle)))
                    {
                        foreach (var (file, url) in new[] { ("tuboid.jpg", withFiles.TuboidFile), ("metadata.txt", withFiles.MetadataFile), ("context.jpg", withFiles.ContextFile) })
                        {
                            run.Downloaded.Add((withFiles.TuboidId, file, download.GetByteArrayAsync(url).GetAwaiter().GetResult()));
                        }
                    }

                    string first = run.All[0].TuboidId, last = run.All[5].TuboidId;
                    run.Put = remote.PutItcLabels(admin, new[]
                    {
                        Label(first, 1, "Diptera"),
                        Label(last, 2, null),
                        Label(first.Substring(0, first.Length - 4) + "0042", 3, null),
                        Label(first, 4, "Hymenoptera"),
                    });
                    run.Got = remote.GetItcLabels(admin, new[] { last, first, "08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.x.0001" }).ToList();
                    run.GotUnknown = remote.GetItcLabels(admin, new[] { first.Substring(0, first.Length - 4) + "0042" }).ToList();
                    run.Joined = remote.GetTiledTuboidSeriesWithItcLabels(admin, TuboidQuery.All).ToList();

                    using (var adminClient = new StickyApiClient(endpoint, identity.AdminName, identity.AdminPassword))
                    {
                        adminClient.PostJson("put_users", "[{\"username\": \"tuboid_reader\", \"password\": \"reader-pass-1\", \"can_write\": false}]").Dispose();
                    }

                    using (var reader = RemoteStickyBackend.Connect(endpoint, "tuboid_reader", "reader-pass-1", out var readerCaller, Path.Combine(work, "cache-reader")))
                    {
                        run.ReadOnlySees = reader.GetTiledTuboidSeries(readerCaller, TuboidQuery.All).Count();
                        foreach (var attempt in new Action[]
                                 {
                                     // Another algorithm's series: not full, so the upload itself is what is refused.
                                     () => reader.UploadTuboid(readerCaller, extra, new TuboidSeriesInfo { AlgoName = "reader", ImageCount = 1, TuboidCount = 9 }),
                                     () => reader.PutItcLabels(readerCaller, new[] { Label(last, 9, null, "9999-reader") }),
                                     () => reader.DeleteTiledTuboids(readerCaller, TuboidQuery.All),
                                 })
                        {
                            try
                            {
                                attempt();
                                run.ReadOnlyRefusals.Add("(allowed)");
                            }
                            catch (StickyPiException e)
                            {
                                run.ReadOnlyRefusals.Add(e.ErrorId);
                            }
                        }
                    }

                    run.Deleted = remote.DeleteTiledTuboids(admin, TuboidQuery.All);
                    run.AfterDelete = remote.GetTiledTuboidSeries(admin, TuboidQuery.All).ToList();
                }

                return run;
            }

            private static ItcLabelSubmission Label(string tuboidId, int label, string order, string version = "1111-abce") => new ItcLabelSubmission
            {
                TuboidId = tuboidId, AlgoName = "insect_tuboid_classifier", AlgoVersion = version, Label = label, Pattern = "Insecta.*", Type = "Insecta", Order = order,
            };

            /// <summary>A handler for upstream's presigned S3 URLs: https with the CA its start script made (ours are plain http).</summary>
            private static HttpClientHandler TrustingOnly(string caBundle)
            {
                var handler = new HttpClientHandler();
                if (caBundle != null)
                {
                    var ca = X509CertificateLoader.LoadCertificateFromFile(caBundle);
                    handler.ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                    {
                        using var chain = new X509Chain();
                        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                        chain.ChainPolicy.CustomTrustStore.Add(ca);
                        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                        return cert != null && chain.Build(cert);
                    };
                }

                return handler;
            }
        }

        /// <summary>A real HTTP handler that counts requests per route (to show what was not sent).</summary>
        private sealed class RouteCounter : DelegatingHandler
        {
            private readonly ConcurrentDictionary<string, int> _counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);

            public RouteCounter(HttpMessageHandler inner)
                : base(inner)
            {
            }

            public int Count(string route) => _counts.TryGetValue(route, out var n) ? n : 0;

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                string route = request.RequestUri.AbsolutePath.Trim('/');
                _counts.AddOrUpdate(route, 1, (_, n) => n + 1);
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                _counts.AddOrUpdate(route + " " + (int)response.StatusCode, 1, (_, n) => n + 1);
                return response;
            }
        }
    }
}
