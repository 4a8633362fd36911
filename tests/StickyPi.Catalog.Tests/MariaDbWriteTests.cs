using System;
using System.Collections.Generic;
using System.Linq;
using MySqlConnector;
using StickyPi.Catalog.MariaDb;
using StickyPi.Catalog.Tests.Support;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.Tests
{
    /// <summary>
    /// Image rows and UID annotations written through the MariaDB catalog: the same rows, refusals and cascades as the
    /// embedded store given the same input, all-or-nothing, with upstream's case-insensitive keys kept safe.
    /// </summary>
    [Collection(MariaDbCollection.Name)]
    public sealed class MariaDbWriteTests : IDisposable
    {
        private const string AlgoVersion = "1598113346-ad2cd78dfaca12821046dfb8994724d5";
        private static readonly ImageSeriesQuery Everything = new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue);
        private readonly MariaDbFixture _db;
        private readonly string _dir = TestPaths.NewTempDir("stickypi-mariadb-writes");

        public MariaDbWriteTests(MariaDbFixture db) => _db = db;

        public void Dispose() => TestPaths.DeleteDir(_dir);

        [SkippableFact]
        public void CommittedRowsAreTheEmbeddedStoresImagesWithTheCallerAsWriter()
        {
            _db.Require();
            var (catalog, writer, _) = NewCatalog();
            List<StickyImage> embedded;
            using (var store = EmbeddedSample.Import(_dir))
            {
                embedded = EmbeddedSample.All(store);
            }

            var before = StickyTime.Normalize(DateTime.UtcNow);
            var stored = catalog.CommitImageRows(writer, embedded.Select(Unstored).Reverse().ToList(), replaceExisting: false);

            // In the batch's order: callers (the upload ingest) match rows to what they sent by position.
            Assert.Equal(12, stored.Count);
            Assert.Equal(EmbeddedSample.Lines(embedded.AsEnumerable().Reverse(), storedFields: false), EmbeddedSample.Lines(stored, storedFields: false));
            Assert.Equal(EmbeddedSample.Lines(stored.OrderBy(i => i.Device, StringComparer.Ordinal).ThenBy(i => i.DateTime)), EmbeddedSample.Lines(catalog.GetImageSeries(writer, Everything)));
            Assert.All(stored, i => Assert.Equal((writer.Id, LocalStickyStore.ApiVersion, DateTimeKind.Utc), (i.ApiUserId, i.ApiVersion, i.DateTimeCreated.Kind)));
            Assert.All(stored, i => Assert.InRange(i.DateTimeCreated, before, DateTime.UtcNow));
            Assert.Equal(12, stored.Select(i => i.Id).Distinct().Count());
            Assert.Equal(embedded.ToDictionary(i => i.Key, i => i.Md5), catalog.GetStoredMd5s(embedded.Select(i => i.Key)));
        }

        [SkippableFact]
        public void BatchesCommittedAtOnceAllLandWithoutDeadlocking()
        {
            _db.Require();
            var (catalog, writer, reader) = NewCatalog();
            var t = new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            var results = new System.Collections.Concurrent.ConcurrentBag<string>();
            System.Threading.Tasks.Parallel.For(0, 8, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
            {
                for (int batch = 0; batch < 5; batch++)
                {
                    // Interleaved keys: every batch inserts into the same index gaps as the others.
                    var rows = Enumerable.Range(0, 4).Select(n => Row("0a5bb6f4", t.AddMinutes(((batch * 4 + n) * 8 + worker) * 20), worker + "-" + batch + "-" + n)).ToList();
                    var stored = catalog.CommitImageRows(writer, rows, replaceExisting: false);
                    Assert.Equal(rows.Select(r => r.Md5), stored.Select(r => r.Md5));
                    foreach (var r in stored)
                    {
                        results.Add(r.Md5);
                    }
                }
            });

            Assert.Equal(160, results.Distinct().Count());
            Assert.Equal(160, catalog.GetImageSeries(reader, Everything).Count);
        }

        [SkippableFact]
        public void AStoredKeyRefusesTheWholeBatchAndReplacingItDropsItsAnnotations()
        {
            _db.Require();
            var (catalog, writer, reader) = NewCatalog();
            var t = new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc);
            var first = catalog.CommitImageRows(writer, new[] { Row("0a5bb6f4", t, "a"), Row("0a5bb6f4", t.AddMinutes(20), "b") }, false);
            catalog.PutUidAnnotations(writer, new[] { Annotation(first[0], "uid") });

            var batch = new[] { Row("0a5bb6f4", t.AddMinutes(40), "c"), Row("0a5bb6f4", t, "d") };
            var duplicate = Assert.Throws<StickyPiException>(() => catalog.CommitImageRows(writer, batch, false));
            Assert.Equal((StickyErrorIds.DuplicateImage, StickyErrorKind.Conflict, (object)first[0].Key), (duplicate.ErrorId, duplicate.Kind, duplicate.Target));
            Assert.Contains(first[0].Key.FileName + " already stored; nothing was written", duplicate.Message);
            Assert.Equal(new[] { Md5("a"), Md5("b") }, catalog.GetImageSeries(reader, Everything).Select(i => i.Md5));

            var twice = Assert.Throws<StickyPiException>(() => catalog.CommitImageRows(writer, new[] { Row("0a5bb6f4", t.AddHours(1), "e"), Row("0a5bb6f4", t.AddHours(1), "f") }, true));
            Assert.Equal(StickyErrorIds.DuplicateImage, twice.ErrorId);
            Assert.Contains("appears twice in this batch", twice.Message);

            var replaced = catalog.CommitImageRows(writer, batch, replaceExisting: true);
            Assert.Equal(new[] { Md5("c"), Md5("d") }, replaced.Select(i => i.Md5));
            Assert.NotEqual(first[0].Id, replaced[1].Id);
            Assert.Equal(new[] { Md5("d"), Md5("b"), Md5("c") }, catalog.GetImageSeries(reader, Everything).Select(i => i.Md5));
            Assert.Empty(catalog.GetUidAnnotations(reader, new[] { first[0].Key }, includeJson: false));
            Assert.Equal(0L, Count(catalog, "uid_annotations"));

            var denied = Assert.Throws<AccessDeniedException>(() => catalog.CommitImageRows(reader, new[] { Row("0a5bb6f4", t.AddDays(1), "g") }, false));
            Assert.Equal(StickyErrorKind.PermissionDenied, denied.Kind);
            Assert.Equal(3L, Count(catalog, "images"));
        }

        [SkippableFact]
        public void ADeviceDifferingOnlyInCaseIsOneKeyThatIsNeverReplaced()
        {
            _db.Require();
            var (catalog, writer, reader) = NewCatalog();
            var t = new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc);
            catalog.CommitImageRows(writer, new[] { Row("0a5bb6f4", t, "lower") }, false);

            foreach (bool replace in new[] { false, true })
            {
                var e = Assert.Throws<StickyPiException>(() => catalog.CommitImageRows(writer, new[] { Row("0A5BB6F4", t, "upper") }, replace));
                Assert.Equal((StickyErrorIds.DuplicateImage, (object)new ImageKey("0A5BB6F4", t)), (e.ErrorId, e.Target));
                Assert.Contains("taken by device 0a5bb6f4's image", e.Message);
            }

            Assert.Equal(new[] { "0a5bb6f4:" + Md5("lower") }, catalog.GetImageSeries(reader, Everything).Select(i => i.Device + ":" + i.Md5));
            Assert.Empty(catalog.GetImages(reader, new[] { new ImageKey("0A5BB6F4", t) }));
        }

        [SkippableFact]
        public void DeletingImagesReturnsTheirRowsAndTakesTheirAnnotationsAlong()
        {
            _db.Require();
            var (catalog, writer, reader) = NewCatalog();
            var admin = catalog.GetCallerIdentity("admin");
            var t = new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc);
            var rows = catalog.CommitImageRows(writer, Enumerable.Range(0, 5).Select(n => Row("1b74105a", t.AddMinutes(20 * n), "x" + n)).ToList(), false);
            catalog.PutUidAnnotations(writer, rows.Select(r => Annotation(r, "uid")));

            Assert.Equal(StickyErrorKind.PermissionDenied, Assert.Throws<AccessDeniedException>(() => catalog.DeleteImages(writer, new[] { rows[0].Key })).Kind);
            var deleted = catalog.DeleteImages(admin, new[] { rows[3].Key, rows[1].Key, new ImageKey("1B74105A", rows[2].DateTime), new ImageKey("ffffffff", t), rows[1].Key });

            Assert.Equal(EmbeddedSample.Lines(new[] { rows[1], rows[3] }), EmbeddedSample.Lines(deleted));
            Assert.Equal(new[] { rows[0].Id, rows[2].Id, rows[4].Id }, catalog.GetImageSeries(reader, Everything).Select(i => i.Id));
            Assert.Equal(new[] { rows[0].Id, rows[2].Id, rows[4].Id }, catalog.GetUidAnnotationSeries(reader, Everything, false).Select(a => (long?)a.ParentImageId));
            Assert.Empty(catalog.DeleteImages(admin, new[] { rows[1].Key }));
        }

        [SkippableFact]
        public void AnnotationsAreAcceptedRefusedAndReadBackAsByTheEmbeddedStore()
        {
            _db.Require();
            var (catalog, writer, reader) = NewCatalog();
            using (var store = EmbeddedSample.Import(_dir))
            {
                var local = CallerIdentity.LocalAdministrator;
                var embedded = EmbeddedSample.All(store);
                catalog.CommitImageRows(writer, embedded.Select(Unstored).ToList(), false);
                var remote = catalog.GetImageSeries(reader, Everything);
                Assert.Equal(embedded.Select(i => i.Id), remote.Select(i => i.Id));

                var batch = new[] { Annotation(embedded[0], "uid"), Annotation(embedded[0], "uid-b"), Annotation(embedded[5], "uid"), Annotation(embedded[11], "uid") };
                var storedHere = catalog.PutUidAnnotations(writer, batch);
                var storedThere = store.PutUidAnnotations(local, batch);
                Assert.Equal(Annotations(storedThere), Annotations(storedHere));
                Assert.All(storedHere, a => Assert.Equal((writer.Id, string.Empty), (a.ApiUserId, a.Json)));

                foreach (bool json in new[] { false, true })
                {
                    var keys = new[] { embedded[11].Key, embedded[0].Key, embedded[3].Key, new ImageKey(embedded[5].Device.ToUpperInvariant(), embedded[5].DateTime) };
                    Assert.Equal(Annotations(store.GetUidAnnotations(local, keys, json)), Annotations(catalog.GetUidAnnotations(reader, keys, json)));
                    Assert.Equal(3, catalog.GetUidAnnotations(reader, keys, json).Count);
                    Assert.Equal(Annotations(store.GetUidAnnotationSeries(local, Everything, json)), Annotations(catalog.GetUidAnnotationSeries(reader, Everything, json)));
                    var window = new ImageSeriesQuery(embedded[0].Device, embedded[0].DateTime, embedded[0].DateTime.AddSeconds(1));
                    Assert.Equal(Annotations(store.GetUidAnnotationSeries(local, window, json)), Annotations(catalog.GetUidAnnotationSeries(reader, window, json)));
                }

                Assert.Equal(batch[2].StoredJson, catalog.GetUidAnnotations(reader, new[] { embedded[5].Key }, true).Single().Json);

                // Every kind of problem, per item, alike in both; storing the batch raises the first and stores nothing.
                var wrongMd5 = UidAnnotationSubmission.Create(embedded[2].Device, embedded[2].DateTime, Md5("other"), "uid", AlgoVersion, new object[0]);
                var problems = new[]
                {
                    Annotation(embedded[1], "uid"),
                    Annotation(Row("ffffffff", embedded[1].DateTime, "none"), "uid"),
                    wrongMd5,
                    Annotation(embedded[5], "uid"),
                    Annotation(embedded[1], "uid"),
                };
                var found = catalog.ValidateUidAnnotations(writer, problems);
                Assert.Equal(Problems(store.ValidateUidAnnotations(local, problems)), Problems(found));
                Assert.Equal(new[] { StickyErrorIds.ParentImageNotFound, StickyErrorIds.Md5Mismatch, StickyErrorIds.DuplicateAnnotation, StickyErrorIds.DuplicateAnnotation },
                    found.Select(p => p.ErrorId));
                var refused = Assert.Throws<StickyPiException>(() => catalog.PutUidAnnotations(writer, problems));
                Assert.Equal((StickyErrorIds.ParentImageNotFound, (object)problems[1].SourceName), (refused.ErrorId, refused.Target));
                Assert.Contains("(3 more item(s) with problems; nothing was stored)", refused.Message);
                Assert.Equal(4L, Count(catalog, "uid_annotations"));

                // Upstream's collation makes "UID" the stored "uid": refused as one, nothing of the batch stored.
                var caseOnly = new[] { Annotation(embedded[2], "uid"), Annotation(embedded[0], "UID") };
                var collision = Assert.Throws<StickyPiException>(() => catalog.PutUidAnnotations(writer, caseOnly));
                Assert.Equal(StickyErrorIds.DuplicateAnnotation, collision.ErrorId);
                Assert.Contains("is already stored", collision.Message);
                var inBatch = Assert.Throws<StickyPiException>(() => catalog.PutUidAnnotations(writer, new[] { Annotation(embedded[3], "new"), Annotation(embedded[3], "NEW") }));
                Assert.Equal((StickyErrorIds.DuplicateAnnotation, StickyErrorKind.Conflict), (inBatch.ErrorId, inBatch.Kind));
                Assert.Contains("differ only in case", inBatch.Message);
                Assert.Equal(4L, Count(catalog, "uid_annotations"));
                Assert.Equal(StickyErrorKind.PermissionDenied, Assert.Throws<AccessDeniedException>(() => catalog.PutUidAnnotations(reader, new[] { Annotation(embedded[2], "uid") })).Kind);
            }
        }

        // ---------------------------------------------------------------- helpers

        /// <summary>A new database with an administrator, a writer and a read-only user.</summary>
        private (MariaDbCatalog Catalog, CallerIdentity Writer, CallerIdentity Reader) NewCatalog()
        {
            var catalog = MariaDbCatalog.Open(_db.NewDatabase());
            var local = CallerIdentity.LocalAdministrator;
            catalog.AddUser(local, "admin", "admin-pass-1".ToCharArray(), isAdmin: true);
            catalog.AddUser(local, "writer", "writer-pass-1".ToCharArray());
            catalog.AddUser(local, "reader", "reader-pass-1".ToCharArray(), canWrite: false);
            return (catalog, catalog.GetCallerIdentity("writer"), catalog.GetCallerIdentity("reader"));
        }

        /// <summary>A row as a caller hands it over: no id, creation time or user.</summary>
        private static StickyImage Unstored(StickyImage i) => new StickyImage
        {
            Device = i.Device, DateTime = i.DateTime, Md5 = i.Md5, DeviceVersion = i.DeviceVersion, Width = i.Width, Height = i.Height,
            Lat = i.Lat, Lng = i.Lng, Alt = i.Alt, Temp = i.Temp, Hum = i.Hum, Lum = i.Lum, Bat = i.Bat, But = i.But, ApiVersion = i.ApiVersion,
        };

        private static StickyImage Row(string device, DateTime t, string content) => new StickyImage
        {
            Device = device, DateTime = t, Md5 = Md5(content), Width = 320, Height = 240, Temp = 21.5, Hum = 40, Lum = 100, Bat = 87, But = false,
        };

        private static string Md5(string content) => TestFiles.Md5(System.Text.Encoding.UTF8.GetBytes(content));

        private static UidAnnotationSubmission Annotation(StickyImage parent, string algo)
        {
            var submission = UidAnnotationSubmission.Create(parent.Device, parent.DateTime, parent.Md5, algo, AlgoVersion, new object[]
            {
                new System.Collections.Specialized.OrderedDictionary { { "contour", new[] { new[] { new[] { 1, 2 } }, new[] { new[] { 3, 4 } } } }, { "name", "insect" }, { "value", 0 } },
            });
            return submission;
        }

        private static IEnumerable<string> Annotations(IEnumerable<UidAnnotation> rows) => rows.Select(a => string.Join("|",
            a.Id, a.ParentImageId, a.Device, a.DateTime.ToString("o"), a.AlgoName, a.AlgoVersion, a.NObjects, a.Json ?? "(null)",
            a.DateTimeCreated.Kind, a.ApiVersion)).ToList();

        private static IEnumerable<string> Problems(IEnumerable<UidAnnotationProblem> problems) =>
            problems.Select(p => p.Index + "|" + p.ErrorId + "|" + p.Kind + "|" + p.Message).ToList();

        private long Count(MariaDbCatalog catalog, string table)
        {
            using (var conn = new MySqlConnection(_db.ConnectionString(catalog.Location.Substring(catalog.Location.LastIndexOf('/') + 1))))
            {
                conn.Open();
                using (var cmd = new MySqlCommand("SELECT COUNT(*) FROM " + table, conn))
                {
                    return Convert.ToInt64(cmd.ExecuteScalar());
                }
            }
        }
    }
}
