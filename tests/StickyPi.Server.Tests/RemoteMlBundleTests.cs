using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;
using StickyPi.Core.Sync;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>
    /// Sync-MLBundle's engine (<see cref="MlBundleSync"/>) over a remote connection to our server: uploads through the
    /// presigned-POST-shaped links, downloads from the signed file URLs, upstream's decision rules, the 15 MiB multipart
    /// checksum, and refusals that fail only their file.
    /// </summary>
    public sealed class RemoteMlBundleTests : IDisposable
    {
        private const string Bundle = "insects-v3";
        private static readonly DateTime Old = new DateTime(2021, 4, 5, 6, 7, 8, DateTimeKind.Utc);
        private readonly string _work = TestPaths.NewTempDir("stickypi-remote-ml");
        private readonly StickyServer _server = new StickyServer();
        private readonly ConcurrentQueue<(HttpMethod Method, Uri Url, bool Authorized)> _requests = new ConcurrentQueue<(HttpMethod, Uri, bool)>();

        public void Dispose()
        {
            _server.Dispose();
            TestPaths.DeleteDir(_work);
        }

        [Fact]
        public void APushSendsEveryFileTheServerLacksAndARerunSendsNothing()
        {
            string source = MakeBundle(Path.Combine(_work, "source", Bundle));
            using (var backend = Connect(out var caller))
            {
                var sync = new MlBundleSync(backend.AsMlBundleRemote(caller));
                var pushed = sync.Push(Bundle, source);
                Assert.All(pushed, r => Assert.True(r.Status == MlBundleTransferStatus.Uploaded, r.Key + ": " + r.Error?.Message));
                Assert.Equal(LocalKeys(source), pushed.Select(r => r.Key).OrderBy(k => k, StringComparer.Ordinal));

                // The server lists each file with the checksum of the bytes sent, the large one in two 15 MiB parts.
                var listed = backend.GetMlBundleFileList(caller, Bundle);
                Assert.Equal(LocalKeys(source), listed.Select(f => f.Key));
                foreach (var f in listed)
                {
                    Assert.Equal(MlBundleChecksum.Compute(Path.Combine(source, f.Key)), f.Md5);
                    Assert.Equal("ml/" + Bundle + "/" + f.Key, f.Path);
                }

                Assert.EndsWith("-2", listed.Single(f => f.Key == "output/model_final.pth").Md5);
                Assert.Empty(sync.Push(Bundle, source));
            }

            // File URLs got no credentials; only the API routes did.
            Assert.Contains(_requests, r => r.Url.AbsolutePath == "/files/upload");
            Assert.All(_requests.Where(r => r.Url.AbsolutePath.StartsWith("/files/", StringComparison.Ordinal)), r => Assert.False(r.Authorized, r.Url.AbsolutePath));
            Assert.All(_requests.Where(r => !r.Url.AbsolutePath.StartsWith("/files/", StringComparison.Ordinal)), r => Assert.True(r.Authorized, r.Url.AbsolutePath));
        }

        [Fact]
        public void AChangedFileGoesUpOnlyWhenItIsNewerThanTheServersCopy()
        {
            string source = MakeBundle(Path.Combine(_work, "source", Bundle));
            using (var backend = Connect(out var caller))
            {
                var sync = new MlBundleSync(backend.AsMlBundleRemote(caller));
                Assert.All(sync.Push(Bundle, source), r => Assert.Equal(MlBundleTransferStatus.Uploaded, r.Status));

                // Changed but older than the server's copy (stored at upload time): upstream's rule keeps the server's.
                string config = Path.Combine(source, "config", "config.yaml");
                File.WriteAllText(config, "changed: 1\n");
                File.SetLastWriteTimeUtc(config, Old);
                Assert.Empty(sync.Push(Bundle, source));

                File.SetLastWriteTimeUtc(config, DateTime.UtcNow.AddMinutes(1));
                var pushed = sync.Push(Bundle, source);
                Assert.Equal(new[] { "config/config.yaml" }, pushed.Select(r => r.Key));
                Assert.Equal(MlBundleTransferStatus.Uploaded, pushed[0].Status);
                Assert.Equal(MlBundleChecksum.Compute(config), backend.GetMlBundleFileList(caller, Bundle).Single(f => f.Key == "config/config.yaml").Md5);

                using (var stored = backend.OpenMlBundleFile(caller, Bundle, "config/config.yaml"))
                using (var reader = new StreamReader(stored))
                {
                    Assert.Equal("changed: 1\n", reader.ReadToEnd());
                }
            }
        }

        [Fact]
        public void APullIntoAnEmptyFolderGivesTheSameFilesWithTheListedTimesAndARerunGetsNothing()
        {
            string source = MakeBundle(Path.Combine(_work, "source", Bundle));
            string target = Path.Combine(_work, "target", Bundle);
            using (var backend = Connect(out var caller))
            {
                var sync = new MlBundleSync(backend.AsMlBundleRemote(caller));
                sync.Push(Bundle, source);
                var listed = backend.GetMlBundleFileList(caller, Bundle).ToDictionary(f => f.Key);

                var bytes = new List<long>();
                var progress = new MlBundleSync(backend.AsMlBundleRemote(caller), new MlBundleSyncOptions { Progress = p => bytes.Add(p.BytesDone) });
                var pulled = progress.Pull(Bundle, target);
                Assert.All(pulled, r => Assert.True(r.Status == MlBundleTransferStatus.Downloaded, r.Key + ": " + r.Error?.Message));
                Assert.Equal(LocalKeys(source), LocalKeys(target));
                foreach (var key in LocalKeys(source))
                {
                    string mine = Path.Combine(target, key);
                    Assert.Equal(File.ReadAllBytes(Path.Combine(source, key)), File.ReadAllBytes(mine));
                    Assert.Equal(listed[key].MTime, File.GetLastWriteTimeUtc(mine));
                }

                Assert.Empty(Directory.GetFiles(target, "*" + MlBundleSync.PartSuffix, SearchOption.AllDirectories));
                Assert.True(bytes.Max() >= new FileInfo(Path.Combine(source, "output", "model_final.pth")).Length, "progress did not report the bytes received");
                Assert.Empty(sync.Pull(Bundle, target));
            }
        }

        [Fact]
        public void WhatSelectsDataOrModelFilesBothWays()
        {
            string source = MakeBundle(Path.Combine(_work, "source", Bundle));
            using (var backend = Connect(out var caller))
            {
                var sync = new MlBundleSync(backend.AsMlBundleRemote(caller));
                var data = sync.Push(Bundle, source, MlBundleSelection.Data);
                Assert.Equal(new[] { "config/config.yaml", "data/0a5bb6f4.2020-06-30_20-41-05.svg", "data/1b74105a.2020-09-17_13-50-40.svg" }, data.Select(r => r.Key));
                Assert.Equal(data.Select(r => r.Key), backend.GetMlBundleFileList(caller, Bundle).Select(f => f.Key));

                var model = sync.Push(Bundle, source, MlBundleSelection.Model);
                Assert.Equal(new[] { "output/model_final.pth" }, model.Select(r => r.Key));
                Assert.Equal(new[] { "config/config.yaml", "output/model_final.pth" }, backend.GetMlBundleFileList(caller, Bundle, MlBundleSelection.Model).Select(f => f.Key));

                string target = Path.Combine(_work, "model-only", Bundle);
                var pulled = sync.Pull(Bundle, target, MlBundleSelection.Model);
                Assert.Equal(new[] { "config/config.yaml", "output/model_final.pth" }, pulled.Select(r => r.Key));
                Assert.Equal(new[] { "config/config.yaml", "output/model_final.pth" }, LocalKeys(target));
            }
        }

        [Fact]
        public async Task AReadOnlyUserIsRefusedByTheClientAndByTheServerAndNothingIsStored()
        {
            string source = MakeBundle(Path.Combine(_work, "source", Bundle));
            using (var admin = _server.Admin())
            {
                (await admin.Post("put_users", "[{\"username\": \"reader\", \"password\": \"reader-pass-1\", \"can_write\": false}]")).AssertOk();
            }

            using (var backend = Connect(out var caller, "reader", "reader-pass-1"))
            {
                Assert.False(caller.CanWrite);
                Assert.ThrowsAny<StickyPiException>(() => new MlBundleSync(backend.AsMlBundleRemote(caller)).Push(Bundle, source));

                // Claiming write access does not help: the server refuses the upload links (403).
                var claimed = new CallerIdentity(caller.Id, caller.UserName, canWrite: true, isAdmin: false);
                var e = Assert.Throws<StickyPiException>(() => new MlBundleSync(backend.AsMlBundleRemote(claimed)).Push(Bundle, source));
                Assert.Equal(StickyErrorIds.RemoteAccessDenied, e.ErrorId);
                Assert.Contains("403", e.Message);

                // Reading is open to every role.
                Assert.Empty(backend.GetMlBundleFileList(caller, Bundle));
            }

            using (var backend = Connect(out var caller))
            {
                Assert.Empty(backend.GetMlBundleFileList(caller, Bundle));
            }
        }

        [Fact]
        public void AFileThatChangedAfterItWasListedIsCutOffAndFailsAloneNamingItsKey()
        {
            string source = MakeBundle(Path.Combine(_work, "source", Bundle));
            using (var backend = Connect(out var caller))
            {
                var sync = new MlBundleSync(backend.AsMlBundleRemote(caller));
                var plan = sync.Plan(Bundle, source, MlBundleDirection.Push);
                string changed = Path.Combine(source, "data", "1b74105a.2020-09-17_13-50-40.svg");
                File.WriteAllText(changed, File.ReadAllText(changed).Replace('a', 'b')); // same length, other content

                var results = new List<MlBundleTransferResult>();
                sync.Execute(plan, results.Add);
                var failed = results.Single(r => r.Status == MlBundleTransferStatus.Failed);
                Assert.Equal("data/1b74105a.2020-09-17_13-50-40.svg", failed.Key);
                Assert.Equal(MlBundleErrorIds.ChecksumMismatch, failed.ErrorId);
                Assert.Contains("data/1b74105a.2020-09-17_13-50-40.svg", failed.Error.Message);
                Assert.Equal(LocalKeys(source).Count - 1, results.Count(r => r.Status == MlBundleTransferStatus.Uploaded));

                // The server never got the whole body: the key is not stored at all.
                Assert.DoesNotContain(backend.GetMlBundleFileList(caller, Bundle), f => f.Key == failed.Key);
                Assert.Equal(new[] { failed.Key }, sync.Push(Bundle, source).Select(r => r.Key));
            }
        }

        [Fact]
        public void ADownloadWhoseStoredFileIsGoneFailsAloneAndLeavesNoPartialFile()
        {
            string source = MakeBundle(Path.Combine(_work, "source", Bundle));
            string target = Path.Combine(_work, "target", Bundle);
            using (var backend = Connect(out var caller))
            {
                var sync = new MlBundleSync(backend.AsMlBundleRemote(caller));
                sync.Push(Bundle, source);
                var plan = sync.Plan(Bundle, target, MlBundleDirection.Pull);
                File.Delete(Path.Combine(_server.DataDirectory, "ml", Bundle, "config", "config.yaml"));

                var results = new List<MlBundleTransferResult>();
                sync.Execute(plan, results.Add);
                var failed = results.Single(r => r.Status == MlBundleTransferStatus.Failed);
                Assert.Equal("config/config.yaml", failed.Key);
                Assert.Equal(MlBundleErrorIds.FileNotFound, failed.ErrorId);
                Assert.Contains("404", failed.Error.Message);
                Assert.DoesNotContain("signature=", failed.Error.Message);
                Assert.Equal(LocalKeys(source).Where(k => k != "config/config.yaml"), LocalKeys(target));
                Assert.Empty(Directory.GetFiles(target, "*" + MlBundleSync.PartSuffix, SearchOption.AllDirectories));
            }
        }

        [Fact]
        public void TheBackEndsSingleFileCallsStoreAndReadOneFile()
        {
            string file = Path.Combine(_work, "weights.txt");
            File.WriteAllText(file, "one file\n");
            using (var backend = Connect(out var caller))
            {
                long sent = 0;
                var stored = backend.StoreMlBundleFile(caller, Bundle, "output/notes.txt", file, Old, bytesCopied: n => sent += n);
                Assert.Equal(new FileInfo(file).Length, sent);
                Assert.Equal(MlBundleChecksum.Compute(file), stored.Md5);

                // The same content again needs nothing.
                Assert.Equal(stored.Md5, backend.StoreMlBundleFile(caller, Bundle, "output/notes.txt", file, Old).Md5);

                // Other content with an older time: the server keeps its newer copy and says so.
                File.WriteAllText(file, "other content\n");
                var e = Assert.Throws<StickyPiException>(() => backend.StoreMlBundleFile(caller, Bundle, "output/notes.txt", file, Old));
                Assert.Equal(StickyErrorKind.Conflict, e.Kind);
                Assert.Equal("output/notes.txt", e.Target);

                using (var read = backend.OpenMlBundleFile(caller, Bundle, "output/notes.txt"))
                using (var reader = new StreamReader(read))
                {
                    Assert.Equal("one file\n", reader.ReadToEnd());
                }

                var missing = Assert.Throws<StickyPiException>(() => backend.OpenMlBundleFile(caller, Bundle, "output/none.txt"));
                Assert.Equal(MlBundleErrorIds.FileNotFound, missing.ErrorId);

                // Bundle names through StickyPi.Server's complete_ml_bundle_names, as the embedded store completes them.
                Assert.Equal(new[] { Bundle }, backend.CompleteMlBundleNames(caller, "INS"));
                Assert.Empty(backend.CompleteMlBundleNames(caller, "other"));
                Assert.Empty(backend.CompleteMlBundleNames(caller, "ins", limit: 0));
            }
        }

        [Fact]
        public void CancellingAPushStopsItAndStoresNoPartialFile()
        {
            string source = MakeBundle(Path.Combine(_work, "source", Bundle));
            using (var backend = Connect(out var caller))
            using (var cancel = new CancellationTokenSource())
            {
                // Cancel once the large file is under way.
                var sync = new MlBundleSync(backend.AsMlBundleRemote(caller), new MlBundleSyncOptions
                {
                    Progress = p =>
                    {
                        if (p.CurrentKey == "output/model_final.pth" && p.BytesDone > 0)
                        {
                            cancel.Cancel();
                        }
                    },
                });
                Assert.ThrowsAny<OperationCanceledException>(() => sync.Push(Bundle, source, cancellationToken: cancel.Token));
                Assert.DoesNotContain(backend.GetMlBundleFileList(caller, Bundle), f => f.Key == "output/model_final.pth");
            }
        }

        /// <summary>Five data, config and output files (one of 15 MiB + 1 KiB: two checksum parts) and files the selection leaves out.</summary>
        private static string MakeBundle(string root)
        {
            void Write(string key, string text)
            {
                string path = Path.Combine(root, key);
                Directory.CreateDirectory(Path.GetDirectoryName(path));
                File.WriteAllText(path, text);
                File.SetLastWriteTimeUtc(path, Old);
            }

            Write("config/config.yaml", "model: mask_rcnn\nclasses: 12\n");
            Write("data/0a5bb6f4.2020-06-30_20-41-05.svg", "<svg xmlns='http://www.w3.org/2000/svg'><rect width='10' height='12'/></svg>");
            Write("data/1b74105a.2020-09-17_13-50-40.svg", "<svg xmlns='http://www.w3.org/2000/svg'><circle r='a4'/></svg>");
            Write("README.txt", "a bundle made by the tests\n");
            Write("data/ignored.bin", "not an eligible suffix");
            string model = Path.Combine(root, "output", "model_final.pth");
            Directory.CreateDirectory(Path.GetDirectoryName(model));
            var bytes = new byte[MlBundleChecksum.PartSize + 1024];
            new Random(20261205).NextBytes(bytes);
            File.WriteAllBytes(model, bytes);
            File.SetLastWriteTimeUtc(model, Old);
            return root;
        }

        private static List<string> LocalKeys(string root) =>
            MlBundleListing.List(root, MlBundleSelection.All, Bundle, true).Select(f => f.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();

        private RemoteStickyBackend Connect(out CallerIdentity caller, string user = null, string password = null) =>
            RemoteStickyBackend.Connect(_server.Server.BaseAddress, user ?? StickyServer.AdminName, password ?? StickyServer.AdminPassword, out caller,
                Path.Combine(_work, "cache"), new Recorder(_server.Server.CreateHandler(), _requests));

        /// <summary>Notes each request that reaches the server (method, URL, whether it carried credentials) and passes it on.</summary>
        private sealed class Recorder : DelegatingHandler
        {
            private readonly ConcurrentQueue<(HttpMethod, Uri, bool)> _seen;

            public Recorder(HttpMessageHandler inner, ConcurrentQueue<(HttpMethod, Uri, bool)> seen)
                : base(inner) => _seen = seen;

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                _seen.Enqueue((request.Method, request.RequestUri, request.Headers.Authorization != null));
                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
