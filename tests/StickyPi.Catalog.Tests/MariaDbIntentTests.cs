using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using MySqlConnector;
using StickyPi.Catalog.MariaDb;
using StickyPi.Catalog.Tests.Support;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.Tests
{
    /// <summary>
    /// Images to annotate (reservations) and images joined with their annotations: the embedded store's answers for
    /// the same rows, and no image handed out twice when workers ask at once.
    /// </summary>
    [Collection(MariaDbCollection.Name)]
    public sealed class MariaDbIntentTests : IDisposable
    {
        private static readonly ImageSeriesQuery Everything = new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue);
        private readonly MariaDbFixture _db;
        private readonly string _dir = TestPaths.NewTempDir("stickypi-mariadb-intents");

        public MariaDbIntentTests(MariaDbFixture db) => _db = db;

        public void Dispose() => TestPaths.DeleteDir(_dir);

        [SkippableFact]
        public void ReservationsAndAnnotatedSeriesAreTheEmbeddedStoresForTheSameRows()
        {
            _db.Require();
            using (var store = EmbeddedSample.Import(_dir))
            {
                var (catalog, writer, cs) = Mirror(store);
                var local = CallerIdentity.LocalAdministrator;
                var images = EmbeddedSample.All(store);

                // Annotations older than the version asked for do not count; newer or equal ones do (text order, as upstream).
                var annotations = new[]
                {
                    Annotation(images[0], "uid", "1.0"), Annotation(images[1], "uid", "3.0"), Annotation(images[2], "other", "9.9"),
                    Annotation(images[4], "uid", "2.0"), Annotation(images[4], "uid", "2.5"),
                };
                store.PutUidAnnotations(local, annotations);
                catalog.PutUidAnnotations(writer, annotations);

                foreach (bool json in new[] { false, true })
                {
                    foreach (var q in new[] { Everything, new ImageSeriesQuery("5c17%", EmbeddedSample.T0, EmbeddedSample.T0.AddMinutes(61)), new ImageSeriesQuery("ffff%", DateTime.MinValue, DateTime.MaxValue) })
                    {
                        Assert.Equal(Joined(store.GetImagesWithUidAnnotationSeries(local, q, ImageFileKind.Metadata, json)), Joined(catalog.GetImagesWithUidAnnotationSeries(writer, q, json)));
                    }
                }

                Assert.Equal(13, catalog.GetImagesWithUidAnnotationSeries(writer, Everything, false).Count);

                // A fractional end keeps the image of its whole second, in both.
                var first = images.OrderBy(i => i.DateTime).First();
                var half = new ImageSeriesQuery(first.Device, first.DateTime, first.DateTime.AddMilliseconds(500));
                Assert.Equal(new[] { first.Key }, catalog.GetImageSeries(writer, half).Select(i => i.Key));
                Assert.Equal(store.GetImageSeries(local, half).Select(i => i.Key), catalog.GetImageSeries(writer, half).Select(i => i.Key));

                // Successive reservations: the same images in the same order, 8 at most per call, then none.
                var rounds = new List<(string, string)>();
                for (int n = 0; n < 3; n++)
                {
                    rounds.Add((Keys(store.GetImagesToAnnotate(local, "uid", "2.0", Everything)), Keys(catalog.GetImagesToAnnotate(writer, "uid", "2.0", Everything))));
                }

                Assert.All(rounds, r => Assert.Equal(r.Item1, r.Item2));
                Assert.Equal(new[] { 8, 2, 0 }, rounds.Select(r => r.Item2.Length == 0 ? 0 : r.Item2.Split(' ').Length));
                Assert.DoesNotContain(images[1].Key.FileName, rounds.Select(r => r.Item2));
                Assert.All(Intents(cs), i => Assert.Equal(writer.Id, i.User));

                // A reservation older than 6 hours is dropped and its image handed out again.
                Execute(cs, "UPDATE uid_intents SET datetime_created = datetime_created - INTERVAL 7 HOUR WHERE parent_image_id = " + images[3].Id);
                Assert.Equal(images[3].Key.FileName, Keys(catalog.GetImagesToAnnotate(writer, "uid", "2.0", Everything)));
                Assert.Equal(10, Intents(cs).Count);

                var reader = catalog.GetCallerIdentity("reader");
                Assert.Throws<StickyPi.Core.Access.AccessDeniedException>(() => catalog.GetImagesToAnnotate(reader, "uid", "2.0", Everything));
                Assert.Throws<ArgumentException>(() => catalog.GetImagesToAnnotate(writer, "", "2.0", Everything));
            }
        }

        [SkippableFact]
        public void WorkersAskingAtOnceNeverGetTheSameImage()
        {
            _db.Require();
            var catalog = MariaDbCatalog.Open(_db.NewDatabase());
            catalog.AddUser(CallerIdentity.LocalAdministrator, "writer", "writer-pass-1".ToCharArray());
            var writer = catalog.GetCallerIdentity("writer");
            var t = new DateTime(2022, 5, 1, 0, 0, 0, DateTimeKind.Utc);
            catalog.CommitImageRows(writer, Enumerable.Range(0, 30).Select(n => new StickyImage
            {
                Device = "0a5bb6f4", DateTime = t.AddMinutes(20 * n), Md5 = n.ToString("x32"), Width = 320, Height = 240,
            }).ToList(), false);

            var handed = new ConcurrentBag<string>();
            Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, _ =>
            {
                foreach (var img in catalog.GetImagesToAnnotate(writer, "uid", "1", Everything))
                {
                    handed.Add(img.Key.FileName);
                }
            });

            Assert.Equal(30, handed.Count);
            Assert.Equal(30, handed.Distinct().Count());
        }

        // ---------------------------------------------------------------- helpers

        /// <summary>A new database holding the store's image rows under the same ids, with a writer and a read-only user.</summary>
        private (MariaDbCatalog, CallerIdentity, string) Mirror(LocalStickyStore store)
        {
            var cs = _db.NewDatabase();
            var catalog = MariaDbCatalog.Open(cs);
            catalog.AddUser(CallerIdentity.LocalAdministrator, "writer", "writer-pass-1".ToCharArray());
            catalog.AddUser(CallerIdentity.LocalAdministrator, "reader", "reader-pass-1".ToCharArray(), canWrite: false);
            var writer = catalog.GetCallerIdentity("writer");
            var stored = catalog.CommitImageRows(writer, EmbeddedSample.All(store), false);
            Assert.Equal(EmbeddedSample.All(store).Select(i => i.Id), stored.Select(i => i.Id));
            return (catalog, writer, cs);
        }

        private static UidAnnotationSubmission Annotation(StickyImage parent, string algo, string version) =>
            UidAnnotationSubmission.Create(parent.Device, parent.DateTime, parent.Md5, algo, version, new object[]
            {
                new System.Collections.Specialized.OrderedDictionary { { "contour", new[] { new[] { new[] { 1, 2 } } } }, { "name", "insect" }, { "value", 0 } },
            });

        private static string Keys(IEnumerable<StickyImage> images) => string.Join(" ", images.Select(i => i.Key.FileName));

        private static IEnumerable<string> Joined(IEnumerable<StickyAnnotatedImage> rows) => rows.Select(r =>
            r.Id + " " + EmbeddedSample.Lines(new StickyImage[] { r }, storedFields: false).Single() + " / " + (r.Annotation == null ? "none" : string.Join("|",
                r.Annotation.Id, r.Annotation.ParentImageId, r.Annotation.Device, r.Annotation.DateTime.ToString("o"), r.Annotation.AlgoName,
                r.Annotation.AlgoVersion, r.Annotation.NObjects, r.Annotation.Json ?? "(null)"))).ToList();

        private static List<(long Parent, long? User)> Intents(string cs)
        {
            var list = new List<(long, long?)>();
            using (var conn = new MySqlConnection(cs))
            {
                conn.Open();
                using (var cmd = new MySqlCommand("SELECT parent_image_id, api_user_id FROM uid_intents", conn))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        list.Add((r.GetInt64(0), r.IsDBNull(1) ? (long?)null : r.GetInt64(1)));
                    }
                }
            }

            return list;
        }

        private static void Execute(string cs, string sql)
        {
            using (var conn = new MySqlConnection(cs))
            {
                conn.Open();
                using (var cmd = new MySqlCommand(sql, conn))
                {
                    cmd.ExecuteNonQuery();
                }
            }
        }
    }
}
