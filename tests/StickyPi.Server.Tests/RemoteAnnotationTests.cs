using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Remote;
using StickyPi.SampleData;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>
    /// The remote back-end's UID annotations and images to annotate against our server in process: what it returns
    /// is compared, property by property, with what the embedded store returns when it opens the server's own data
    /// folder afterwards (the same rows), so cmdlet output is the same local or remote.
    /// </summary>
    public sealed class RemoteAnnotationTests : IDisposable
    {
        private const string Device = "0a5bb6f4";
        private const string OtherDevice = "1b74105a";
        private static readonly DateTime T0 = new DateTime(2021, 7, 1, 20, 0, 0, DateTimeKind.Utc);
        private static readonly CallerIdentity LocalAdmin = CallerIdentity.LocalAdministrator;
        private readonly string _data = TestPaths.NewTempDir("stickypi-remote-ann-data");
        private readonly string _input = TestPaths.NewTempDir("stickypi-remote-ann-input");
        private readonly string _cache = TestPaths.NewTempDir("stickypi-remote-ann-cache");
        private readonly List<StickyImage> _images;
        private StickyServer _server;

        public RemoteAnnotationTests()
        {
            // The season is stored before the server starts, straight into the folder it will serve.
            var files = Enumerable.Range(0, 10).Select(i => Write(i < 6 ? Device : OtherDevice, T0.AddMinutes(20 * i), i)).ToList();
            using (var store = EmbeddedStickyBackend.Open(_data))
            {
                var parser = new StickyImageParser();
                _images = store.PutImages(LocalAdmin, files.Select(f =>
                {
                    var bytes = File.ReadAllBytes(f);
                    return (parser.Parse(bytes, Path.GetFileName(f)), bytes);
                })).ToList();
            }

            _server = new StickyServer(_data);
        }

        public void Dispose()
        {
            _server?.Dispose();
            TestPaths.DeleteDir(_data);
            TestPaths.DeleteDir(_input);
            TestPaths.DeleteDir(_cache);
        }

        [Fact]
        public void PutGetSeriesAndTheJoinReturnWhatTheEmbeddedStoreReturns()
        {
            var a = _images[0];
            var b = _images[1];
            var c = _images[7];
            var items = new[]
            {
                Item(a, "insect-tuboid", "1611234567-aaaa", 2),
                Item(a, "insect-tuboid", "1622222222-bbbb", 0),
                Item(c, "other-algo", "1", 3),
                Item(b, "insect-tuboid", "1611234567-aaaa", 1),
            };

            List<UidAnnotation> put, byKey, byKeyWithJson, series, seriesWithJson;
            List<StickyAnnotatedImage> joined, joinedWithJson;
            var query = new ImageSeriesQuery("%", T0, T0.AddDays(1));
            using (var remote = Connect(out var caller))
            {
                Assert.Empty(remote.ValidateUidAnnotations(caller, items));
                put = remote.PutUidAnnotations(caller, items).ToList();
                byKey = remote.GetUidAnnotations(caller, _images.Select(i => i.Key), includeJson: false).ToList();
                byKeyWithJson = remote.GetUidAnnotations(caller, new[] { c.Key, a.Key, b.Key }, includeJson: true).ToList();
                series = remote.GetUidAnnotationSeries(caller, query, includeJson: false).ToList();
                seriesWithJson = remote.GetUidAnnotationSeries(caller, new ImageSeriesQuery(Device, T0, T0.AddMinutes(30)), includeJson: true).ToList();
                joined = remote.GetImagesWithUidAnnotationSeries(caller, query, ImageFileKind.Metadata, includeJson: false).ToList();
                joinedWithJson = remote.GetImagesWithUidAnnotationSeries(caller, new ImageSeriesQuery("1b74%", T0, T0.AddDays(1)), ImageFileKind.Metadata, includeJson: true).ToList();
                Assert.Empty(remote.GetUidAnnotationSeries(caller, new ImageSeriesQuery("%", T0.AddYears(1), T0.AddYears(2)), false));
                Assert.Empty(remote.GetImagesWithUidAnnotationSeries(caller, new ImageSeriesQuery("%", T0.AddYears(1), T0.AddYears(2)), ImageFileKind.Metadata, false));
            }

            // The put echo: in the items' order, with ids and the parents' keys, json blanked as upstream does.
            Assert.Equal(items.Select(i => i.Key.FileName + " " + i.AlgoName + "/" + i.AlgoVersion + " " + i.AnnotationCount),
                put.Select(p => new ImageKey(p.Device, p.DateTime).FileName + " " + p.AlgoName + "/" + p.AlgoVersion + " " + p.NObjects));
            Assert.All(put, p => Assert.Equal(string.Empty, p.Json));
            Assert.All(put, p => Assert.True(p.Id > 0));

            _server.Dispose();
            _server = null;
            using (var local = EmbeddedStickyBackend.Open(_data))
            {
                Assert.Equal(Lines(local.GetUidAnnotations(LocalAdmin, _images.Select(i => i.Key), false)), Lines(byKey));
                Assert.Equal(Lines(local.GetUidAnnotations(LocalAdmin, new[] { a.Key, b.Key, c.Key }, true)), Lines(byKeyWithJson));
                Assert.Equal(Lines(local.GetUidAnnotationSeries(LocalAdmin, query, false)), Lines(series));
                Assert.Equal(Lines(local.GetUidAnnotationSeries(LocalAdmin, new ImageSeriesQuery(Device, T0, T0.AddMinutes(30)), true)), Lines(seriesWithJson));
                Assert.Equal(Lines(local.GetImagesWithUidAnnotationSeries(LocalAdmin, query, ImageFileKind.Metadata, false)), Lines(joined));
                Assert.Equal(Lines(local.GetImagesWithUidAnnotationSeries(LocalAdmin, new ImageSeriesQuery("1b74%", T0, T0.AddDays(1)), ImageFileKind.Metadata, true)), Lines(joinedWithJson));

                // The rows put returned are the rows stored (the embedded read of the same ids).
                var stored = local.GetUidAnnotations(LocalAdmin, _images.Select(i => i.Key), false).ToDictionary(x => x.Id);
                Assert.All(put, p => Assert.Equal(Line(WithoutJson(stored[p.Id])), Line(WithoutJson(p))));
            }

            Assert.Equal(4, byKey.Count);
            Assert.All(byKey, x => Assert.Null(x.Json));
            Assert.All(byKeyWithJson, x => Assert.Contains("\"algo_name\": \"" + x.AlgoName + "\"", x.Json));
            Assert.Equal(10 + 1, joined.Count); // image a has two annotations
            Assert.Equal(3, seriesWithJson.Count);
        }

        [Fact]
        public void ABadItemIsReportedAloneWithTheEmbeddedStoresErrorAndTheGoodOnesAreStored()
        {
            var good = Item(_images[2], "insect-tuboid", "1", 1);
            var alreadyStored = Item(_images[3], "insect-tuboid", "1", 1);
            var batch = new[]
            {
                good,
                UidAnnotationSubmission.Create(Device, T0.AddDays(3), _images[0].Md5, "insect-tuboid", "1", new object[0]), // no such image
                UidAnnotationSubmission.Create(Device, _images[4].DateTime, new string('0', 32), "insect-tuboid", "1", new object[0]), // other md5
                Item(_images[3], "insect-tuboid", "1", 2), // stored before
                Item(_images[2], "insect-tuboid", "1", 4), // the first item again
            };

            List<UidAnnotationProblem> problems;
            using (var remote = Connect(out var caller))
            {
                remote.PutUidAnnotations(caller, new[] { alreadyStored });
                problems = remote.ValidateUidAnnotations(caller, batch).ToList();
                Assert.Equal(new[] { 1, 2, 3, 4 }, problems.Select(p => p.Index));
                Assert.Equal(new[] { StickyErrorIds.ParentImageNotFound, StickyErrorIds.Md5Mismatch, StickyErrorIds.DuplicateAnnotation, StickyErrorIds.DuplicateAnnotation },
                    problems.Select(p => p.ErrorId));

                // As Set-UidAnnotation does: the bad items are reported, the good one stored.
                var stored = remote.PutUidAnnotations(caller, batch.Where((_, i) => problems.All(p => p.Index != i))).Single();
                Assert.Equal(_images[2].Key, new ImageKey(stored.Device, stored.DateTime));

                // Put alone refuses the whole batch with the first problem's error, naming its item, and stores nothing.
                var refused = Assert.Throws<StickyPiException>(() => remote.PutUidAnnotations(caller, new[] { Item(_images[5], "insect-tuboid", "1", 1), batch[1] }));
                Assert.Equal(StickyErrorIds.ParentImageNotFound, refused.ErrorId);
                Assert.Equal(batch[1].SourceName, refused.Target);
                Assert.Contains("nothing was stored", refused.Message);
                Assert.Empty(remote.GetUidAnnotations(caller, new[] { _images[5].Key }, false));
            }

            _server.Dispose();
            _server = null;
            using (var local = EmbeddedStickyBackend.Open(_data))
            {
                // The embedded store finds the same problems, with the same messages, in the same data (the good item
                // is stored by now, so locally it is a duplicate too).
                var expected = local.ValidateUidAnnotations(LocalAdmin, batch).Where(p => p.Index != 0 && p.Index != 4).Select(p => p.ToString());
                Assert.Equal(expected, problems.Where(p => p.Index != 4).Select(p => p.ToString()));
                Assert.Equal(2, local.GetUidAnnotationSeries(LocalAdmin, new ImageSeriesQuery("%", T0, T0.AddDays(1)), false).Count());
            }
        }

        [Fact]
        public void ABatchLargerThanTheServersJsonLimitIsSentInSeveralRequestsAndStoredWhole()
        {
            // Three items of ~6 MB: together over the server's 16 MiB JSON limit, which one request would exceed (413).
            var items = Enumerable.Range(2, 3).Select(i => UidAnnotationSubmission.Create(_images[i].Device, _images[i].DateTime, _images[i].Md5, "big-outlines", "1",
                new object[] { new Dictionary<string, object> { ["name"] = "insect", ["contour"] = Enumerable.Range(0, 380_000).Select(n => (object)new object[] { new object[] { n % 4000, n % 3000 } }).ToArray() } })).ToList();
            Assert.True(items.Sum(i => i.StoredJson.Length) > 16 * 1024 * 1024);
            using (var remote = Connect(out var caller))
            {
                var stored = remote.PutUidAnnotations(caller, items);
                Assert.Equal(items.Select(i => i.Key), stored.Select(a => new ImageKey(a.Device, a.DateTime)));
                var read = remote.GetUidAnnotations(caller, items.Select(i => i.Key), includeJson: true).ToList();
                Assert.Equal(items.Select(i => i.StoredJson), read.Select(a => a.Json));
            }
        }

        [Fact]
        public void AReadOnlyUsersPutIsRefusedByTheServerNamingTheItemAndNothingIsStored()
        {
            using (var admin = Connect(out var adminCaller))
            {
                admin.AddUser(adminCaller, "reader", "reader-pass-1".ToCharArray(), canWrite: false);
            }

            var item = Item(_images[0], "insect-tuboid", "1", 1);
            using (var reader = Connect(out var caller, "reader", "reader-pass-1"))
            {
                Assert.Equal(UserRole.ReadOnly, caller.Role);
                var denied = Assert.Throws<AccessDeniedException>(() => reader.ValidateUidAnnotations(caller, new[] { item }));
                Assert.Equal(StickyErrorKind.PermissionDenied, denied.Kind);

                var refused = Assert.Throws<StickyPiException>(() => reader.PutUidAnnotations(caller, new[] { item }));
                Assert.Equal(StickyErrorIds.RemoteAccessDenied, refused.ErrorId);
                Assert.Equal(StickyErrorKind.PermissionDenied, refused.Kind);
                Assert.Equal(item.SourceName, refused.Target);
                Assert.Contains("403", refused.Message);
                Assert.Contains(item.SourceName, refused.Message);

                var toAnnotate = Assert.Throws<StickyPiException>(() => reader.GetImagesToAnnotate(caller, "insect-tuboid", "1", new ImageSeriesQuery("%", T0, T0.AddDays(1))));
                Assert.Equal(StickyErrorIds.RemoteAccessDenied, toAnnotate.ErrorId);

                // Reading is open to every user.
                Assert.Empty(reader.GetUidAnnotations(caller, new[] { _images[0].Key }, false));
            }
        }

        [Fact]
        public void ImagesToAnnotateAreReservedEightAtATimeInKeyOrderSkippingAnnotatedOnes()
        {
            var query = new ImageSeriesQuery("%", T0, T0.AddDays(1));
            List<StickyImage> first, second, third, otherVersion;
            using (var remote = Connect(out var caller))
            {
                remote.PutUidAnnotations(caller, new[] { Item(_images[1], "insect-tuboid", "5", 1) });
                first = remote.GetImagesToAnnotate(caller, "insect-tuboid", "5", query).ToList();
                second = remote.GetImagesToAnnotate(caller, "insect-tuboid", "5", query, ImageFileKind.Thumbnail).ToList();
                third = remote.GetImagesToAnnotate(caller, "insect-tuboid", "5", query).ToList();
                otherVersion = remote.GetImagesToAnnotate(caller, "insect-tuboid", "6", query).ToList();
                Assert.Throws<ArgumentException>(() => remote.GetImagesToAnnotate(caller, "", "5", query));
            }

            // All but the annotated image, in the embedded store's order (device, then time), none twice.
            var expected = _images.Where(i => !i.Key.Equals(_images[1].Key)).OrderBy(i => i.Device, StringComparer.Ordinal).ThenBy(i => i.DateTime).ToList();
            Assert.Equal(8, first.Count);
            Assert.Equal(expected.Take(8).Select(i => i.FileName), first.Select(i => i.FileName));
            Assert.Equal(expected.Skip(8).Select(i => i.FileName), second.Select(i => i.FileName));
            Assert.All(first, i => Assert.Equal(string.Empty, i.Url));
            Assert.All(second, i => Assert.False(string.IsNullOrEmpty(i.Url)));
            Assert.Empty(third);
            // A reservation blocks an image for every algorithm and version (as upstream); the annotated image is free,
            // and version 5 is older than 6 (compared as text), so it needs annotating again.
            Assert.Equal(new[] { _images[1].FileName }, otherVersion.Select(i => i.FileName));

            _server.Dispose();
            _server = null;
            using (var local = EmbeddedStickyBackend.Open(_data))
            {
                var rows = local.GetImages(LocalAdmin, first.Select(i => i.Key)).ToList();
                Assert.Equal(Lines(rows), Lines(first));
            }
        }

        [Fact]
        public void DevicesAndAlgorithmNamesCompleteFromTheServersWholeCatalog()
        {
            var now = StickyTime.Normalize(DateTime.UtcNow);
            using (var remote = Connect(out var caller))
            {
                foreach (var (device, when, seed) in new[] { ("0a5b0001", now.AddMinutes(-30), 1), ("0a5c0002", now.AddDays(-30).AddMinutes(-50), 2), ("7f000003", now.AddMinutes(-40), 3) })
                {
                    var session = remote.BeginImageImport(caller, new Core.Sync.ImageImportOptions());
                    var path = Write(device, when, seed + 100);
                    session.Post(path);
                    Assert.All(session.Drain(), r => Assert.True(r.Status == Core.Sync.ImportStatus.Sent, r.Path + ": " + r.Reason));
                    session.Dispose();
                }

                var recent = remote.GetImageSeries(caller, new ImageSeriesQuery("0a5b0001", now.AddHours(-1), now.AddHours(1))).Single();
                remote.PutUidAnnotations(caller, new[] { Item(recent, "insect-tuboid", "1", 1), Item(recent, "Insect-2", "1", 1), Item(recent, "bug", "1", 1) });

                // StickyPi.Server answers from its whole catalog (complete_image_devices): Device's images from 2021 too,
                // which upstream's server, sampled in recent windows, would not show (the interop tests cover that path).
                Assert.Equal(new[] { "0a5b0001", Device, "0a5c0002" }, remote.CompleteImageDevices(caller, "0A5")); // ASCII case-insensitive, as the embedded store
                Assert.Equal(new[] { "0a5b0001", Device }, remote.CompleteImageDevices(caller, "0a5b"));
                Assert.Equal(new[] { "0a5b0001" }, remote.CompleteImageDevices(caller, "0a5", limit: 1));
                Assert.Equal(new[] { "0a5b0001", Device, "0a5c0002", OtherDevice, "7f000003" }, remote.CompleteImageDevices(caller, "*"));
                Assert.Equal(new[] { "Insect-2", "insect-tuboid" }, remote.CompleteAlgoNames(caller, AlgoNameSource.UidAnnotations, "ins"));
                Assert.Equal(new[] { "Insect-2", "bug", "insect-tuboid" }, remote.CompleteAlgoNames(caller, AlgoNameSource.UidAnnotations, ""));
                Assert.Empty(remote.CompleteAlgoNames(caller, AlgoNameSource.ItcLabels, "x"));
            }
        }

        private RemoteStickyBackend Connect(out CallerIdentity caller, string user = null, string password = null) =>
            RemoteStickyBackend.Connect(_server.Server.BaseAddress, user ?? StickyServer.AdminName, password ?? StickyServer.AdminPassword, out caller,
                cacheRoot: _cache, handler: _server.Server.CreateHandler());

        private string Write(string device, DateTime utc, int seed) =>
            SampleImages.WriteImage(_input, device, utc, seed % 2 == 0 ? SampleFormat.Legacy2020 : SampleFormat.Csv2022, 320, 240, seed);

        private static UidAnnotationSubmission Item(StickyImage image, string algoName, string algoVersion, int objects) =>
            UidAnnotationSubmission.Create(image.Device, image.DateTime, image.Md5, algoName, algoVersion,
                Enumerable.Range(0, objects).Select(n => (object)new Dictionary<string, object> { ["name"] = "insect", ["value"] = n, ["contour"] = new object[] { new object[] { new object[] { n, n + 1 } } } }));

        private static UidAnnotation WithoutJson(UidAnnotation a)
        {
            a.Json = null;
            return a;
        }

        private static string Lines(IEnumerable<UidAnnotation> rows) => string.Join("\n", rows.Select(Line));

        private static string Lines(IEnumerable<StickyImage> rows) => string.Join("\n", rows.Select(Line));

        /// <summary>Every property; datetime_created to the second, as the wire carries it.</summary>
        private static string Line(UidAnnotation a) => a == null ? "(none)" : string.Join("|",
            a.Id, a.ParentImageId, a.Device, Time(a.DateTime), a.AlgoName, a.AlgoVersion, a.NObjects, a.Json ?? "(null)",
            Time(StickyTime.Normalize(a.DateTimeCreated)), a.ApiVersion, a.ApiUserId);

        private static string Line(StickyImage i) => string.Join("|",
            i.Id, i.Device, Time(i.DateTime), i.Md5, i.DeviceVersion, i.Width, i.Height, Number(i.Lat), Number(i.Lng), Small(i.Alt), Single(i.Temp),
            Single(i.Hum), Single(i.Lum), Small(i.Bat), i.But, Time(StickyTime.Normalize(i.DateTimeCreated)), i.ApiVersion, i.ApiUserId, i.Url,
            i is StickyAnnotatedImage joined ? Line(joined.Annotation) : "");

        private static string Time(DateTime t) => t.ToString("o", CultureInfo.InvariantCulture) + t.Kind;

        /// <summary>FLOAT columns: the catalog holds single precision widened, the wire its shortest text (spec §9 #4).</summary>
        private static string Single(double? d) => d.HasValue ? ((float)d.Value).ToString("R", CultureInfo.InvariantCulture) : "(null)";

        /// <summary>SMALLINT columns: the wire carries the whole number (as MariaDB stores it), the embedded catalog what was parsed.</summary>
        private static string Small(double? d) => d.HasValue ? Math.Round(d.Value).ToString(CultureInfo.InvariantCulture) : "(null)";

        private static string Number(double? d) => d?.ToString("R", CultureInfo.InvariantCulture) ?? "(null)";
    }
}
