using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;
using StickyPi.Core.Sync;
using StickyPi.SampleData;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>
    /// The import pipeline with the sink that sends (the remote back-end's uploads) against our server: images go up
    /// as upstream's client sends them, a re-run opens nothing, a conflict or a refusal fails only its file.
    /// </summary>
    public sealed class RemoteImportTests : IDisposable
    {
        private static readonly CallerIdentity Sender = new CallerIdentity(null, "remote", canWrite: true, isAdmin: false);
        private readonly string _input = TestPaths.NewTempDir("stickypi-remote-input");
        private readonly string _cache = TestPaths.NewTempDir("stickypi-remote-cache");
        private readonly StickyServer _server = new StickyServer();

        public void Dispose()
        {
            _server.Dispose();
            TestPaths.DeleteDir(_input);
            TestPaths.DeleteDir(_cache);
        }

        [Fact]
        public async Task ImagesAreSentWithTheirMd5sAndARerunOpensNothing()
        {
            var good = Generate(6, seed: 11);
            string badName = Path.Combine(_input, "not-a-sticky-name.jpg");
            File.Copy(good[0], badName);
            string truncated = Path.Combine(_input, "0a5bb6f4.2021-08-01_00-20-00.jpg");
            var full = File.ReadAllBytes(good[1]);
            File.WriteAllBytes(truncated, full.Take(full.Length / 2).ToArray());

            var first = Import(good.Concat(new[] { badName, truncated }));
            Assert.Equal(good.Select(Path.GetFullPath).OrderBy(p => p), first.Where(r => r.Status == ImportStatus.Sent).Select(r => r.Path).OrderBy(p => p));
            foreach (var sent in first.Where(r => r.Status == ImportStatus.Sent))
            {
                Assert.Equal(TestFiles.Md5(sent.Path), sent.Md5);
                Assert.Equal(sent.Md5, sent.Image.Md5);
                Assert.Equal(Path.GetFileName(sent.Path), sent.Image.FileName);
                Assert.True(sent.Image.Width > 0 && sent.Image.Height > 0);
            }

            Assert.Equal("InvalidFileName", first.Single(r => r.Path == Path.GetFullPath(badName)).ErrorId);
            Assert.Equal("TruncatedJpeg", first.Single(r => r.Path == Path.GetFullPath(truncated)).ErrorId);

            // What the server stored, asked the way any client asks.
            using (var api = _server.Admin())
            {
                var stored = (await api.Post("get_images/metadata", Keys(good))).AssertOk();
                Assert.Equal(good.Select(TestFiles.Md5).OrderBy(m => m), stored.Json.EnumerateArray().Select(r => r.GetProperty("md5").GetString()).OrderBy(m => m));
            }

            var opened = new List<string>();
            var again = Import(good, p => p.FileOpening += opened.Add);
            Assert.All(again, r => Assert.Equal(ImportStatus.Skipped, r.Status));
            Assert.All(again, r => Assert.True(r.FromCache, r.Path + " was not decided from the stat cache"));
            Assert.Empty(opened);
        }

        [Fact]
        public async Task AFileWhoseKeyIsStoredWithOtherContentIsAConflictAndTheStoredImageStays()
        {
            var original = Generate(1, seed: 21)[0];
            Assert.Equal(ImportStatus.Sent, Import(new[] { original }).Single().Status);
            string other = Path.Combine(_input, "other", Path.GetFileName(original));
            Directory.CreateDirectory(Path.GetDirectoryName(other));
            var key = ImageFileName(original);
            SampleImages.WriteImage(Path.GetDirectoryName(other), key.device, key.utc, SampleFormat.Csv2022, 320, 240, seed: 999);

            var result = Import(new[] { other }).Single();
            Assert.Equal(ImportStatus.Failed, result.Status);
            Assert.Equal(StickyErrorIds.Md5Conflict, result.ErrorId);
            using (var api = _server.Admin())
            {
                var stored = (await api.Post("get_images/metadata", Keys(new[] { original }))).AssertOk();
                Assert.Equal(TestFiles.Md5(original), stored[0].GetProperty("md5").GetString());
            }
        }

        [Fact]
        public async Task ARefusalByTheServerFailsEachFileWithItsReasonAndNothingIsStored()
        {
            var files = Generate(3, seed: 31);
            using (var admin = _server.Admin())
            {
                (await admin.Post("put_users", "[{\"username\": \"reader\", \"password\": \"reader-pass-1\", \"can_write\": false}]")).AssertOk();
            }

            // A read-only user may look images up but not send them: each upload is refused (403), file by file.
            var readOnly = Import(files, user: "reader", password: "reader-pass-1");
            Assert.Equal(3, readOnly.Count);
            Assert.All(readOnly, r =>
            {
                Assert.Equal(ImportStatus.Failed, r.Status);
                Assert.Equal(StickyErrorIds.RemoteAccessDenied, r.ErrorId);
                Assert.Contains("403", r.Reason);
                Assert.Contains(_server.Server.BaseAddress.Host, r.Reason);
            });

            // Wrong credentials: the lookup itself is refused (401), and every file of the batch says so.
            var wrong = Import(files, password: "not-the-password");
            Assert.All(wrong, r =>
            {
                Assert.Equal(ImportStatus.Failed, r.Status);
                Assert.Equal(StickyErrorIds.RemoteAccessDenied, r.ErrorId);
                Assert.Contains("401", r.Reason);
            });

            using (var api = _server.Admin())
            {
                Assert.Equal(0, (await api.Post("get_images/metadata", Keys(files))).AssertOk().Count);
            }
        }

        [Fact]
        public void WireRowsOfBothRoutesReadBack()
        {
            var path = Generate(1, seed: 41)[0];
            var sent = Import(new[] { path }).Single();
            Assert.Null(sent.Image.Id); // upstream's upload echo: the row as built before the insert

            using (var client = Client())
            using (var answer = client.PostJson("get_images/metadata", Keys(new[] { path })))
            {
                var row = WireImageRow.Read(answer.RootElement[0]);
                Assert.True(row.Id > 0);
                Assert.Equal(sent.Image.Key, row.Key);
                Assert.Equal(sent.Image.Md5, row.Md5);
                Assert.Equal(sent.Image.Width, row.Width);
                Assert.Equal(sent.Image.Temp.HasValue, row.Temp.HasValue);
                Assert.Equal(sent.Image.Temp ?? 0, row.Temp ?? 0, 3);

                // A legacy (2020) image: no version in the upload echo, the catalog's default in the query (spec §2.2).
                Assert.Null(sent.Image.DeviceVersion);
                Assert.Equal("1.0.0", row.DeviceVersion);
            }
        }

        private List<ImageImportResult> Import(IEnumerable<string> paths, Action<ImageImportPipeline<StickyImage>> setup = null, string user = null, string password = null)
        {
            using (var client = Client(user, password))
            using (var pipeline = new ImageImportPipeline<StickyImage>(new RemoteImageSink(client), Sender, _cache,
                new ImageImportOptions { CommitInterval = TimeSpan.FromMilliseconds(20) }))
            {
                setup?.Invoke(pipeline);
                foreach (var p in paths)
                {
                    Assert.True(pipeline.Post(p));
                }

                return pipeline.Drain().ToList();
            }
        }

        private StickyApiClient Client(string user = null, string password = null) =>
            new StickyApiClient(_server.Server.BaseAddress, user ?? StickyServer.AdminName, password ?? StickyServer.AdminPassword,
                _server.Server.CreateHandler(), maxRetries: 0);

        private List<string> Generate(int count, int seed)
        {
            var devices = new[] { "0a5bb6f4", "1b74105a", "512858f4" };
            var start = new DateTime(2021, 6, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(seed);
            return Enumerable.Range(0, count)
                .Select(i => SampleImages.WriteImage(_input, devices[i % devices.Length], start.AddMinutes(20 * i), i % 2 == 0 ? SampleFormat.Legacy2020 : SampleFormat.Csv2022, 320, 240, seed * 1000 + i))
                .ToList();
        }

        private static (string device, DateTime utc) ImageFileName(string path)
        {
            var key = StickyPi.Core.Parsing.ImageFileName.Parse(path);
            return (key.Device, key.DateTime);
        }

        private static string Keys(IEnumerable<string> paths) =>
            JsonSerializer.Serialize(paths.Select(p => StickyPi.Core.Parsing.ImageFileName.Parse(p))
                .Select(k => new Dictionary<string, string> { ["device"] = k.Device, ["datetime"] = StickyTime.ToWire(k.DateTime) }));
    }
}
