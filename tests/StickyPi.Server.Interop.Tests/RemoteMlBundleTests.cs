using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;
using StickyPi.Core.Sync;
using StickyPi.Server.Interop.Tests.Support;
using StickyPi.Storage.S3;

namespace StickyPi.Server.Interop.Tests
{
    /// <summary>
    /// Sync-MLBundle's engine over a remote connection, against upstream's own server (Flask + MariaDB, bundles in S3
    /// served by s3rver over TLS, presigned POST uploads and GET downloads) and against ours started as its own process:
    /// the shared fixture bundle plus a file of two 15 MiB checksum parts goes up, a re-run sends nothing, a pull into an
    /// empty folder gives the same bytes with the listed times, and the rest of upstream's rules.
    /// </summary>
    public sealed class RemoteMlBundleTests : IClassFixture<RemoteMlBundleFixture>
    {
        private readonly RemoteMlBundleFixture _f;

        public RemoteMlBundleTests(RemoteMlBundleFixture fixture) => _f = fixture;

        public static IEnumerable<object[]> Servers => new[] { new object[] { "ours" }, new object[] { "upstream" } };

        [SkippableTheory]
        [MemberData(nameof(Servers))]
        public void APushSendsTheWholeBundleOnceWithTheListedChecksums(string server)
        {
            var run = _f.Require(server);
            Assert.Equal(run.SourceKeys, run.FirstPush.Select(r => r.Key));
            Assert.All(run.FirstPush, r => Assert.True(r.Status == MlBundleTransferStatus.Uploaded, r.Key + ": " + r.Error?.Message));
            Assert.Equal(run.SourceKeys, run.Listing.Select(f => f.Key));
            foreach (var f in run.Listing.Where(f => f.Key != RemoteMlBundleFixture.BigKey))
            {
                Assert.Equal(run.SourceMd5[f.Key], f.Md5);
                Assert.Equal("ml/" + RemoteMlBundleFixture.Bundle + "/" + f.Key, f.Path);
            }

            // The large file: ours lists the 15 MiB multipart checksum; S3 the MD5 of the whole object (one POST, spec §8 #26).
            var big = run.Listing.Single(f => f.Key == RemoteMlBundleFixture.BigKey);
            Assert.Equal(server == "ours" ? run.SourceMd5[big.Key] : run.BigWholeMd5, big.Md5);
            Assert.EndsWith("-2", run.SourceMd5[big.Key]);
            Assert.Empty(run.SecondPush);
        }

        [SkippableFact]
        public void OurS3StorageReadsTheBucketUpstreamsServerWroteUnderTheSameKeysAndChecksums()
        {
            var run = _f.Require("upstream");
            Assert.True(run.BucketError == null, run.BucketError);
            string prefix = "ml/" + RemoteMlBundleFixture.Bundle + "/";
            Assert.Equal(run.SourceKeys.Select(k => prefix + k), run.BucketETags.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var key in run.SourceKeys.Where(k => k != RemoteMlBundleFixture.BigKey && k != "config/config.yaml"))
            {
                Assert.Equal(run.SourceMd5[key], run.BucketETags[prefix + key]);
            }

            // The file changed and pushed again late in the run, and the large one (S3's whole-object MD5, spec §8 #26).
            Assert.Equal(run.ChangedMd5, run.BucketETags[prefix + "config/config.yaml"]);
            Assert.Equal(run.BigWholeMd5, run.BucketETags[prefix + RemoteMlBundleFixture.BigKey]);
            Assert.Equal(run.BigWholeMd5, run.BucketBigMd5);
        }

        [SkippableFact]
        public void OurMariaDbCatalogOpensTheDatabaseUpstreamsServerMadeAndSharesItsUsersWithIt()
        {
            var run = _f.Require("upstream");
            Assert.True(run.CatalogError == null, run.CatalogError);
            // Every table as upstream's server created it is the table our catalog creates.
            Assert.True(run.CatalogDifferences.Count == 0, string.Join("\n", run.CatalogDifferences));
            Assert.Equal(UserRole.Admin, run.CatalogAdmin.Role);
            Assert.True(run.CatalogPasswordAccepted, "upstream's passlib hash of the admin password");
            Assert.False(run.CatalogWrongPasswordAccepted);
            // The users upstream's server made: its two bootstrap users and the read-only user of this run.
            Assert.Contains("bundle_reader:ReadOnly", run.CatalogUsers);
            Assert.Contains("spi_uid:Admin", run.CatalogUsers);
            Assert.Equal(run.CatalogUsers.OrderBy(u => u, StringComparer.Ordinal), run.CatalogUsers);
            // Written by our catalog, read by upstream's server: the user signs in (and, upstream showing every user to
            // anyone, spec §8 #4, sees itself among them).
            Assert.Contains("catalog_made", run.CatalogMadeUserSees);
            Assert.Equal(StickyErrorIds.RemoteAccessDenied, run.CatalogDeletedUserError);
        }

        [SkippableTheory]
        [MemberData(nameof(Servers))]
        public void APullIntoAnEmptyFolderGivesTheSameFilesWithTheListedTimesAndARerunGetsNothing(string server)
        {
            var run = _f.Require(server);
            Assert.All(run.Pull, r => Assert.True(r.Status == MlBundleTransferStatus.Downloaded, r.Key + ": " + r.Error?.Message));
            Assert.Equal(run.SourceKeys, run.Pull.Select(r => r.Key));
            Assert.Empty(run.PullDifferences);
            Assert.Empty(run.PullAgain);
        }

        [SkippableTheory]
        [MemberData(nameof(Servers))]
        public void WhatSelectsTheDataFiles(string server)
        {
            var run = _f.Require(server);
            Assert.Equal(run.SourceKeys.Where(k => k.StartsWith("data/", StringComparison.Ordinal) || k.StartsWith("config/", StringComparison.Ordinal)), run.DataPullKeys);
        }

        [SkippableTheory]
        [MemberData(nameof(Servers))]
        public void AChangedFileGoesUpOnlyOnceItIsNewerThanTheServersCopy(string server)
        {
            var run = _f.Require(server);
            Assert.Empty(run.ChangedOlderPush);
            Assert.Equal(new[] { "config/config.yaml" }, run.ChangedNewerPush.Select(r => r.Key));
            Assert.Equal(MlBundleTransferStatus.Uploaded, run.ChangedNewerPush[0].Status);
            Assert.Equal(run.ChangedMd5, run.ChangedListedMd5);
        }

        [SkippableTheory]
        [MemberData(nameof(Servers))]
        public void AReadOnlyUserCannotPushAndNothingIsStored(string server)
        {
            var run = _f.Require(server);
            Assert.NotNull(run.ReadOnlyError);
            Assert.Equal(StickyErrorKind.PermissionDenied, run.ReadOnlyError.Kind);
            Assert.Equal(0, run.ReadOnlyStored);
        }

        [SkippableTheory]
        [MemberData(nameof(Servers))]
        public void ABundleWhoseNameStartsWithThisOnesIsNotPartOfIt(string server)
        {
            var run = _f.Require(server);
            Assert.DoesNotContain(run.Listing, f => f.Key.Contains("..", StringComparison.Ordinal));
            if (server == "upstream")
            {
                // Upstream's S3 listing takes the prefix ml/<bundle> without its slash (spec §8 #25): the client drops the other bundle.
                Assert.Contains(run.RawListingKeys, k => k.StartsWith("../", StringComparison.Ordinal));
            }
        }
    }

    /// <summary>Runs the scenario once against each server (stopped before the tests run) and keeps what happened.</summary>
    public sealed class RemoteMlBundleFixture : IDisposable
    {
        public const string Bundle = "remote-interop";
        public const string BigKey = "output/model_final.pth";
        private static readonly DateTime Old = new DateTime(2022, 2, 3, 4, 5, 6, DateTimeKind.Utc);

        private readonly Dictionary<string, BundleRun> _runs = new Dictionary<string, BundleRun>();
        private readonly string _missing;
        private readonly string _upstreamMissing;

        public RemoteMlBundleFixture()
        {
            if (!Directory.Exists(Path.Combine(InteropPaths.Fixtures, "ml_bundle")))
            {
                _missing = "the shared fixture bundle is missing: " + Path.Combine(InteropPaths.Fixtures, "ml_bundle");
                return;
            }

            if (!File.Exists(InteropPaths.ServerDll))
            {
                _missing = "StickyPi.Server is not built: " + InteropPaths.ServerDll;
                return;
            }

            using (var ours = new OurServer(ServerIdentity.NewRandom()))
            {
                _runs["ours"] = BundleRun.Execute(ours.BaseUrl + "/", ours.Identity, null);
            }

            _upstreamMissing = UpstreamServer.Unavailable();
            if (_upstreamMissing == null)
            {
                try
                {
                    using (var upstream = UpstreamServer.Start())
                    {
                        var run = BundleRun.Execute("http://127.0.0.1:" + upstream.Port + "/", upstream.Identity, upstream.CaBundle);
                        run.ReadBucket(upstream);
                        run.ReadCatalog(upstream);
                        _runs["upstream"] = run;
                    }
                }
                catch (InvalidOperationException e)
                {
                    _runs["upstream"] = new BundleRun { Error = e.ToString() };
                }
            }
        }

        /// <summary>The run against a server; skips (outside CI) when its pieces are missing; fails when the scenario broke.</summary>
        public BundleRun Require(string server)
        {
            string missing = _missing ?? (server == "upstream" ? _upstreamMissing : null);
            if (missing != null)
            {
                Assert.False(InteropPaths.UnderCi, "Under CI the remote ML bundle interop tests must run, but " + missing);
                Skip.If(true, missing);
            }

            var run = _runs[server];
            Assert.True(run.Error == null, "The scenario against " + server + "'s server failed: " + run.Error);
            return run;
        }

        public void Dispose()
        {
        }

        /// <summary>What our client did against one server, and what the server then held.</summary>
        public sealed class BundleRun
        {
            public string Error;
            public List<string> SourceKeys;
            public Dictionary<string, string> SourceMd5;
            public string BigWholeMd5;
            public List<MlBundleTransferResult> FirstPush;
            public List<MlBundleFile> Listing;
            public List<string> RawListingKeys;
            public List<MlBundleTransferResult> SecondPush;
            public List<MlBundleTransferResult> Pull;
            public List<string> PullDifferences = new List<string>();
            public List<MlBundleTransferResult> PullAgain;
            public List<string> DataPullKeys;
            public List<MlBundleTransferResult> ChangedOlderPush;
            public List<MlBundleTransferResult> ChangedNewerPush;
            public string ChangedMd5;
            public string ChangedListedMd5;
            public StickyPiException ReadOnlyError;
            public int ReadOnlyStored = -1;

            public static BundleRun Execute(string baseUrl, ServerIdentity identity, string caBundle)
            {
                var run = new BundleRun();
                string work = InteropPaths.NewTempDir("interop-remote-ml");
                try
                {
                    run.Scenario(new Uri(baseUrl), identity, caBundle, work);
                }
                catch (Exception e)
                {
                    run.Error = e.ToString();
                }
                finally
                {
                    InteropPaths.DeleteDir(work);
                }

                return run;
            }

            private void Scenario(Uri endpoint, ServerIdentity identity, string caBundle, string work)
            {
                string source = Path.Combine(work, "source", Bundle);
                CopyTree(Path.Combine(InteropPaths.Fixtures, "ml_bundle"), source);
                var big = new byte[MlBundleChecksum.PartSize + 4096];
                new Random(20261205).NextBytes(big);
                Directory.CreateDirectory(Path.Combine(source, "output"));
                File.WriteAllBytes(Path.Combine(source, "output", "model_final.pth"), big);
                File.SetLastWriteTimeUtc(Path.Combine(source, "output", "model_final.pth"), Old);
                using (var md5 = MD5.Create())
                {
                    BigWholeMd5 = Convert.ToHexString(md5.ComputeHash(big)).ToLowerInvariant();
                }

                var local = MlBundleListing.List(source, MlBundleSelection.All, Bundle, true);
                SourceKeys = local.Select(f => f.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
                SourceMd5 = local.ToDictionary(f => f.Key, f => f.Md5);

                // Another bundle whose name starts with this one (upstream's S3 listing would mix it in).
                string other = Path.Combine(work, "other", Bundle + "-v2");
                Directory.CreateDirectory(Path.Combine(other, "data"));
                File.WriteAllText(Path.Combine(other, "data", "x.svg"), "<svg/>");

                using (var backend = Connect(endpoint, identity.AdminName, identity.AdminPassword, caBundle, work, out var admin))
                {
                    var sync = new MlBundleSync(backend.AsMlBundleRemote(admin));
                    FirstPush = sync.Push(Bundle, source).ToList();
                    sync.Push(Bundle + "-v2", other);
                    Listing = backend.GetMlBundleFileList(admin, Bundle).ToList();
                    SecondPush = sync.Push(Bundle, source).ToList();
                    using (var client = new StickyApiClient(endpoint, identity.AdminName, identity.AdminPassword))
                    using (var raw = client.PostJson("_get_ml_bundle_file_list/all", JsonSerializer.Serialize(Bundle)))
                    {
                        RawListingKeys = raw.RootElement.EnumerateArray().Select(r => r.GetProperty("key").GetString()).ToList();
                    }

                    string target = Path.Combine(work, "target", Bundle);
                    Pull = sync.Pull(Bundle, target).ToList();
                    var listed = Listing.ToDictionary(f => f.Key);
                    foreach (var key in SourceKeys)
                    {
                        string mine = Path.Combine(target, key);
                        if (!File.Exists(mine) || !File.ReadAllBytes(mine).SequenceEqual(File.ReadAllBytes(Path.Combine(source, key))))
                        {
                            PullDifferences.Add(key + ": other bytes");
                        }
                        else if (File.GetLastWriteTimeUtc(mine) != listed[key].MTime)
                        {
                            PullDifferences.Add(key + ": mtime " + File.GetLastWriteTimeUtc(mine).ToString("o") + ", listed " + listed[key].MTime.ToString("o"));
                        }
                    }

                    PullAgain = sync.Pull(Bundle, target).ToList();
                    DataPullKeys = sync.Pull(Bundle, Path.Combine(work, "data-only", Bundle), MlBundleSelection.Data).Select(r => r.Key).ToList();

                    string config = Path.Combine(source, "config", "config.yaml");
                    File.AppendAllText(config, "# changed\n");
                    File.SetLastWriteTimeUtc(config, Old);
                    ChangedOlderPush = sync.Push(Bundle, source).ToList();
                    File.SetLastWriteTimeUtc(config, DateTime.UtcNow.AddMinutes(2));
                    ChangedNewerPush = sync.Push(Bundle, source).ToList();
                    ChangedMd5 = MlBundleChecksum.Compute(config);
                    ChangedListedMd5 = backend.GetMlBundleFileList(admin, Bundle).Single(f => f.Key == "config/config.yaml").Md5;

                    using (var client = new StickyApiClient(endpoint, identity.AdminName, identity.AdminPassword))
                    {
                        client.PostJson("put_users", "[{\"username\": \"bundle_reader\", \"password\": \"reader-pass-1\", \"can_write\": false}]").Dispose();
                    }

                    using (var reader = Connect(endpoint, "bundle_reader", "reader-pass-1", caBundle, work, out var readOnly))
                    {
                        try
                        {
                            new MlBundleSync(reader.AsMlBundleRemote(readOnly)).Push(Bundle + "-ro", source);
                        }
                        catch (StickyPiException e)
                        {
                            ReadOnlyError = e;
                        }
                    }

                    ReadOnlyStored = backend.GetMlBundleFileList(admin, Bundle + "-ro").Count;
                }
            }

            /// <summary>What our S3 file storage reads from the bucket upstream's server wrote the bundle to.</summary>
            public Dictionary<string, string> BucketETags;

            public string BucketBigMd5;

            public string BucketError;

            public void ReadBucket(UpstreamServer upstream)
            {
                try
                {
                    var options = new S3StorageOptions
                    {
                        ServiceUrl = upstream.S3Endpoint,
                        Bucket = upstream.Setting("S3_BUCKET_NAME"),
                        AccessKey = upstream.Setting("S3_ACCESS_KEY"),
                        SecretKey = upstream.Setting("S3_PRIVATE_KEY"),
                    };
                    var config = new Amazon.S3.AmazonS3Config
                    {
                        ServiceURL = options.ServiceUrl.ToString(),
                        ForcePathStyle = true,
                        AuthenticationRegion = options.Region,
                        RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
                        ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
                        HttpClientFactory = new TrustingFactory(upstream.CaBundle),
                    };
                    using (var client = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(options.AccessKey, options.SecretKey), config))
                    using (var bucket = new S3FileStorage(options, client))
                    {
                        BucketETags = bucket.List("ml/" + Bundle + "/").ToDictionary(f => f.Key, f => f.ETag);
                        using (var big = bucket.OpenRead("ml/" + Bundle + "/" + BigKey))
                        using (var md5 = MD5.Create())
                        {
                            BucketBigMd5 = Convert.ToHexString(md5.ComputeHash(big)).ToLowerInvariant();
                        }
                    }
                }
                catch (Exception e)
                {
                    BucketError = e.ToString();
                }
            }

            /// <summary>What our MariaDB catalog reads from the database upstream's server made and filled.</summary>
            public List<string> CatalogDifferences = new List<string>();

            public CallerIdentity CatalogAdmin;

            public bool CatalogPasswordAccepted;

            public bool CatalogWrongPasswordAccepted;

            public List<string> CatalogUsers;

            public List<string> CatalogMadeUserSees;

            public string CatalogDeletedUserError;

            public string CatalogError;

            public void ReadCatalog(UpstreamServer upstream)
            {
                try
                {
                    var cs = upstream.MariaDbConnectionString();
                    var catalog = StickyPi.Catalog.MariaDb.MariaDbCatalog.Open(cs, createSchema: false);
                    using (var conn = new MySqlConnector.MySqlConnection(cs))
                    {
                        conn.Open();
                        foreach (var (name, create) in StickyPi.Catalog.MariaDb.MariaDbSchema.Tables)
                        {
                            using (var cmd = new MySqlConnector.MySqlCommand("SHOW CREATE TABLE `" + name + "`", conn))
                            using (var r = cmd.ExecuteReader())
                            {
                                r.Read();
                                string theirs = System.Text.RegularExpressions.Regex.Replace(r.GetString(1), " AUTO_INCREMENT=[0-9]+", "");
                                if (Normalized(theirs) != Normalized(create))
                                {
                                    CatalogDifferences.Add(name + ":\n" + theirs);
                                }
                            }
                        }
                    }

                    CatalogAdmin = catalog.GetCallerIdentity(upstream.Identity.AdminName);
                    CatalogPasswordAccepted = catalog.VerifyPassword(upstream.Identity.AdminName, upstream.Identity.AdminPassword.ToCharArray());
                    CatalogWrongPasswordAccepted = catalog.VerifyPassword(upstream.Identity.AdminName, (upstream.Identity.AdminPassword + "x").ToCharArray());
                    CatalogUsers = catalog.GetUsers(CatalogAdmin).Select(u => u.UserName + ":" + u.Role).ToList();

                    // A user our catalog writes signs in to upstream's server; once our catalog deletes it, no more.
                    var endpoint = new Uri("http://127.0.0.1:" + upstream.Port + "/");
                    catalog.AddUser(CatalogAdmin, "catalog_made", "catalog-pass-1".ToCharArray(), canWrite: false);
                    using (var client = new StickyApiClient(endpoint, "catalog_made", "catalog-pass-1"))
                    using (var answer = client.PostJson("get_users", "[{}]"))
                    {
                        CatalogMadeUserSees = answer.RootElement.EnumerateArray().Select(r => r.GetProperty("username").GetString()).ToList();
                    }

                    catalog.DeleteUsers(CatalogAdmin, new[] { "catalog_made" });
                    try
                    {
                        using (var client = new StickyApiClient(endpoint, "catalog_made", "catalog-pass-1"))
                        using (client.PostJson("get_users", "[{}]"))
                        {
                        }
                    }
                    catch (StickyPiException e)
                    {
                        CatalogDeletedUserError = e.ErrorId;
                    }
                }
                catch (Exception e)
                {
                    CatalogError = e.ToString();
                }
            }

            /// <summary>
            /// A table's text with its plain KEY lines sorted: SQLAlchemy creates a table's indexes in the order of a Python
            /// set, so two databases made by upstream's server list them in different orders.
            /// </summary>
            private static string Normalized(string create)
            {
                var lines = create.Split('\n').Select(l => l.TrimEnd(',')).ToList();
                var keys = lines.Where(l => l.StartsWith("  KEY ", StringComparison.Ordinal)).OrderBy(l => l, StringComparer.Ordinal).ToList();
                return string.Join("\n", lines.Where(l => !l.StartsWith("  KEY ", StringComparison.Ordinal)).Concat(keys));
            }

            /// <summary>The AWS SDK's HTTP clients, trusting upstream's test CA as <see cref="Connect"/> does.</summary>
            private sealed class TrustingFactory : Amazon.Runtime.HttpClientFactory
            {
                private readonly string _caBundle;

                public TrustingFactory(string caBundle) => _caBundle = caBundle;

                public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) => new HttpClient(Handler(_caBundle));
            }

            private static RemoteStickyBackend Connect(Uri endpoint, string user, string password, string caBundle, string work, out CallerIdentity caller) =>
                RemoteStickyBackend.Connect(endpoint, user, password, out caller, Path.Combine(work, "cache"), Handler(caBundle));

            private static SocketsHttpHandler Handler(string caBundle)
            {
                var handler = new SocketsHttpHandler();
                if (caBundle != null)
                {
                    // Upstream's S3 URLs are https with a CA made by its start script: trust that CA, and only it, for them.
                    var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caBundle));
                    handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    {
                        if (errors == SslPolicyErrors.None)
                        {
                            return true;
                        }

                        if (certificate == null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                        {
                            return false;
                        }

                        using var chain = new X509Chain();
                        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                        chain.ChainPolicy.CustomTrustStore.Add(ca);
                        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                        return chain.Build(new X509Certificate2(certificate));
                    };
                }

                return handler;
            }

            private static void CopyTree(string from, string to)
            {
                foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
                {
                    string dest = Path.Combine(to, Path.GetRelativePath(from, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(dest));
                    File.Copy(file, dest);
                    File.SetAttributes(dest, FileAttributes.Normal);
                    File.SetLastWriteTimeUtc(dest, Old);
                }
            }
        }
    }
}
