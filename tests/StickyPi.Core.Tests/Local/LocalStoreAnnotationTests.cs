using System;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Tests.Local
{
    public class LocalStoreAnnotationTests
    {
        private static readonly DateTime D0 = Kit.T(2020, 6, 20, 21, 33, 24);

        [Fact]
        public void PutStoresUpstreamJsonAndReturnsRowsWithEmptyJson()
        {
            using (var s = new StoreDir())
            {
                var img = Kit.Image("5c173ff2", D0);
                img.parsed.Md5 = "65e69135d29871e8ee0ac453583effaf"; // the md5 of spec §4.6, so its example applies verbatim

                var staged = s.Store.StageImage(img.parsed, img.bytes);
                var parent = s.Store.CommitStagedImages(Kit.Admin, new[] { staged }, false).Single();

                var caller = new CallerIdentity(42, "uid-bot", canWrite: true, isAdmin: false);
                var stored = s.Store.PutUidAnnotations(caller, new[] { UidAnnotationSubmission.FromJson(PythonJsonTests.Spec46Input, "spec.json") }).Single();
                Assert.NotNull(stored.Id);
                Assert.Equal(parent.Id, stored.ParentImageId);
                Assert.Equal(string.Empty, stored.Json);
                Assert.Equal("5c173ff2", stored.Device);
                Assert.Equal(D0, stored.DateTime);
                Assert.Equal(1, stored.NObjects);
                Assert.Equal(42, stored.ApiUserId);
                Assert.Equal("0.1.1", stored.ApiVersion);

                var raw = Kit.Query(s.Db, "SELECT json, n_objects, algo_name, algo_version, api_user_id, api_version, datetime_created FROM uid_annotations").Single();
                Assert.Equal(PythonJsonTests.Spec46Stored, raw[0]);
                Assert.Equal(1L, raw[1]);
                Assert.Equal("uid", raw[2]);
                Assert.Equal("1598113346-ad2cd78dfaca12821046dfb8994724d5", raw[3]);
                Assert.Equal(42L, raw[4]);
                Assert.Equal("0.1.1", raw[5]);
                Assert.Equal(StickyTime.ToDatabase(stored.DateTimeCreated), raw[6]);

                var withJson = s.Store.GetUidAnnotations(Kit.Admin, new[] { img.parsed.Key }, includeJson: true).Single();
                Assert.Equal(PythonJsonTests.Spec46Stored, withJson.Json);
                Assert.Equal("5c173ff2", withJson.Device);
                Assert.Equal(D0, withJson.DateTime);
                Assert.Equal(stored.DateTimeCreated, withJson.DateTimeCreated);
                Assert.Null(s.Store.GetUidAnnotations(Kit.Admin, new[] { img.parsed.Key }, includeJson: false).Single().Json);
            }
        }

        [Fact]
        public void GetByKeysAndSeries()
        {
            using (var s = new StoreDir())
            {
                var a = Kit.Image("0a5bb6f4", D0);
                var b = Kit.Image("0a5bb6f4", D0.AddMinutes(20));
                var c = Kit.Image("1b74105a", D0);
                Kit.Put(s.Store, a, b, c);
                s.Store.PutUidAnnotations(Kit.Admin, new[]
                {
                    Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5, "1-a", objects: 3),
                    Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5, "2-a", objects: 0),
                    Kit.Annotation("1b74105a", D0, c.parsed.Md5, "1-a"),
                });

                var byKey = s.Store.GetUidAnnotations(Kit.Admin, new[] { a.parsed.Key, b.parsed.Key, new ImageKey("ffffffff", D0) }, false);
                Assert.Equal(new[] { "1-a", "2-a" }, byKey.Select(x => x.AlgoVersion));
                Assert.Equal(new[] { 3, 0 }, byKey.Select(x => x.NObjects));
                Assert.All(byKey, x => Assert.Null(x.Json));

                var series = s.Store.GetUidAnnotationSeries(Kit.Admin, new ImageSeriesQuery("%", D0, D0.AddHours(1)), includeJson: true);
                Assert.Equal(new[] { "0a5bb6f4", "0a5bb6f4", "1b74105a" }, series.Select(x => x.Device));
                Assert.All(series, x => Assert.StartsWith("{\"annotations\": [", x.Json));

                Assert.Single(s.Store.GetUidAnnotationSeries(Kit.Admin, new ImageSeriesQuery("1B7%", D0, D0.AddHours(1)), false));
                Assert.Empty(s.Store.GetUidAnnotationSeries(Kit.Admin, new ImageSeriesQuery("%", D0.AddSeconds(1), D0.AddHours(1)), false));
                Assert.Empty(s.Store.GetUidAnnotations(Kit.Admin, new ImageKey[0], true));
            }
        }

        [Fact]
        public void MissingParentMd5MismatchAndDuplicateAreRejected()
        {
            using (var s = new StoreDir())
            {
                var a = Kit.Image("0a5bb6f4", D0);
                Kit.Put(s.Store, a);
                s.Store.PutUidAnnotations(Kit.Admin, new[] { Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5, "1-a") });

                var e = Assert.Throws<StickyPiException>(() => s.Store.PutUidAnnotations(Kit.Admin, new[] { Kit.Annotation("0a5bb6f4", D0.AddSeconds(1), a.parsed.Md5) }));
                Assert.Equal(StickyErrorIds.ParentImageNotFound, e.ErrorId);
                Assert.Equal(StickyErrorKind.NotFound, e.Kind);

                e = Assert.Throws<StickyPiException>(() => s.Store.PutUidAnnotations(Kit.Admin, new[] { Kit.Annotation("0a5bb6f4", D0, new string('0', 32), "2-a") }));
                Assert.Equal(StickyErrorIds.Md5Mismatch, e.ErrorId);
                Assert.Equal(StickyErrorKind.InvalidData, e.Kind);

                e = Assert.Throws<StickyPiException>(() => s.Store.PutUidAnnotations(Kit.Admin, new[] { Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5, "1-a") }));
                Assert.Equal(StickyErrorIds.DuplicateAnnotation, e.ErrorId);
                Assert.Equal(StickyErrorKind.Conflict, e.Kind);

                // A new version for the same image and algorithm is a new row.
                s.Store.PutUidAnnotations(Kit.Admin, new[] { Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5, "2-a") });
                Assert.Equal(2, Kit.Count(s.Db, "uid_annotations"));

                var reader = new CallerIdentity(5, "ro", canWrite: false, isAdmin: false);
                e = Assert.ThrowsAny<StickyPiException>(() => s.Store.PutUidAnnotations(reader, new[] { Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5, "3-a") }));
                Assert.Equal(StickyErrorKind.PermissionDenied, e.Kind);
            }
        }

        [Fact]
        public void OneBadItemStoresNothingAndValidateReportsPerItem()
        {
            using (var s = new StoreDir())
            {
                var a = Kit.Image("0a5bb6f4", D0);
                var b = Kit.Image("0a5bb6f4", D0.AddMinutes(20));
                Kit.Put(s.Store, a, b);
                s.Store.PutUidAnnotations(Kit.Admin, new[] { Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5, "0-old") });

                var batch = new[]
                {
                    Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5, "1-a"), // good
                    Kit.Annotation("0a5bb6f4", D0.AddMinutes(20), a.parsed.Md5, "1-a"), // md5 of the other image
                    Kit.Annotation("1b74105a", D0, a.parsed.Md5, "1-a"), // no parent
                    Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5, "0-old"), // already stored
                    Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5, "1-a"), // repeats item 0
                    Kit.Annotation("0a5bb6f4", D0.AddMinutes(20), b.parsed.Md5, "1-a"), // good
                };

                var e = Assert.Throws<StickyPiException>(() => s.Store.PutUidAnnotations(Kit.Admin, batch));
                Assert.Equal(StickyErrorIds.Md5Mismatch, e.ErrorId);
                Assert.Equal(1, Kit.Count(s.Db, "uid_annotations"));

                var problems = s.Store.ValidateUidAnnotations(Kit.Admin, batch);
                Assert.Equal(new[] { 1, 2, 3, 4 }, problems.Select(p => p.Index));
                Assert.Equal(new[] { StickyErrorIds.Md5Mismatch, StickyErrorIds.ParentImageNotFound, StickyErrorIds.DuplicateAnnotation, StickyErrorIds.DuplicateAnnotation },
                    problems.Select(p => p.ErrorId));
                Assert.Same(batch[2], problems[1].Submission);
                Assert.Equal(1, Kit.Count(s.Db, "uid_annotations"));

                var good = batch.Where((x, i) => problems.All(p => p.Index != i)).ToList();
                Assert.Equal(2, s.Store.PutUidAnnotations(Kit.Admin, good).Count);
                Assert.Equal(3, Kit.Count(s.Db, "uid_annotations"));
                Assert.Empty(s.Store.ValidateUidAnnotations(Kit.Admin, new UidAnnotationSubmission[0]));
            }
        }

        [Fact]
        public void FailureBeforeCommitStoresNoAnnotation()
        {
            using (var s = new StoreDir())
            {
                var a = Kit.Image("0a5bb6f4", D0);
                Kit.Put(s.Store, a);
                s.Store.BeforeCommit = () => throw new InvalidOperationException("boom");
                Assert.Throws<InvalidOperationException>(() => s.Store.PutUidAnnotations(Kit.Admin, new[] { Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5) }));
                s.Store.BeforeCommit = null;
                Assert.Equal(0, Kit.Count(s.Db, "uid_annotations"));
            }
        }

        [Fact]
        public void ImagesWithAnnotationsIsALeftJoinSorted()
        {
            using (var s = new StoreDir())
            {
                var a = Kit.Image("1b74105a", D0);
                var b = Kit.Image("0a5bb6f4", D0.AddMinutes(20));
                var c = Kit.Image("0a5bb6f4", D0);
                var outside = Kit.Image("0a5bb6f4", D0.AddDays(2));
                Kit.Put(s.Store, a, b, c, outside);
                s.Store.PutUidAnnotations(Kit.Admin, new[]
                {
                    Kit.Annotation("0a5bb6f4", D0.AddMinutes(20), b.parsed.Md5, "2-b"),
                    Kit.Annotation("0a5bb6f4", D0.AddMinutes(20), b.parsed.Md5, "1-b", objects: 4),
                    Kit.Annotation("1b74105a", D0, a.parsed.Md5, "1-a"),
                    Kit.Annotation("0a5bb6f4", D0.AddDays(2), outside.parsed.Md5, "1-o"),
                });

                var rows = s.Store.GetImagesWithUidAnnotationSeries(Kit.Admin, new ImageSeriesQuery("%", D0, D0.AddDays(1)), ImageFileKind.Thumbnail, includeJson: false);
                Assert.Equal(
                    new[] { ("0a5bb6f4", D0, (string)null), ("0a5bb6f4", D0.AddMinutes(20), "2-b"), ("0a5bb6f4", D0.AddMinutes(20), "1-b"), ("1b74105a", D0, "1-a") },
                    rows.Select(r => (r.Device, r.DateTime, r.AlgoVersion)).ToArray());
                Assert.Null(rows[0].Annotation);
                Assert.Null(rows[0].NObjects);
                Assert.Equal(4, rows[2].NObjects);
                Assert.Equal(rows[1].Id, rows[1].Annotation.ParentImageId);
                Assert.Equal("0a5bb6f4", rows[1].Annotation.Device);
                Assert.Equal(D0.AddMinutes(20), rows[1].Annotation.DateTime);
                Assert.Null(rows[1].Annotation.Json);
                Assert.All(rows, r => Assert.EndsWith(".jpg.thumbnail", r.Url));

                var withJson = s.Store.GetImagesWithUidAnnotationSeries(Kit.Admin, new ImageSeriesQuery("1b74105a", D0, D0.AddDays(1)), ImageFileKind.Metadata, includeJson: true);
                Assert.StartsWith("{\"annotations\": ", withJson.Single().Annotation.Json);
                Assert.Equal(string.Empty, withJson.Single().Url);

                // Nothing matching: an empty list (upstream returns [{}]).
                Assert.Empty(s.Store.GetImagesWithUidAnnotationSeries(Kit.Admin, new ImageSeriesQuery("ffff%", D0, D0.AddDays(1)), ImageFileKind.Metadata, false));
            }
        }
    }
}
