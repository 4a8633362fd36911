using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Local;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Tuboids
{
    /// <summary>A store holding the 11 fixture images (generated stand-ins: same devices and times), imported once and copied for each test.</summary>
    public sealed class FixtureImageStore : IDisposable
    {
        private readonly TempDir _template = new TempDir("stickypi-annotate-template");

        public FixtureImageStore()
        {
            using (var files = new TempDir("stickypi-annotate-src"))
            {
                var paths = new List<string>();
                foreach (var f in Directory.GetFiles(StandIns.RawImages, "*.jpg", SearchOption.AllDirectories))
                {
                    var dst = Path.Combine(files.Path, Path.GetFileName(f));
                    File.Copy(f, dst);
                    paths.Add(dst);
                }

                using (var store = LocalStickyStore.Open(_template.Path))
                {
                    var results = ImageImporter.ImportAll(store, Kit.Admin, paths);
                    if (results.Count(r => r.Status == ImportStatus.Sent) != 11)
                    {
                        throw new InvalidOperationException("fixture import failed: " + string.Join("; ", results.Select(r => r.Status + " " + r.Reason)));
                    }
                }
            }
        }

        /// <summary>A private copy of the imported store.</summary>
        public TempDir Copy()
        {
            var dir = new TempDir("stickypi-annotate");
            Kit.Snapshot(_template.Path, dir.Path);
            return dir;
        }

        public void Dispose() => _template.Dispose();
    }

    public class ImagesToAnnotateTests : IClassFixture<FixtureImageStore>
    {
        private static readonly CallerIdentity Worker = new CallerIdentity(7, "worker", canWrite: true, isAdmin: false);
        private static readonly ImageSeriesQuery Everything = new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue);
        private readonly FixtureImageStore _fixture;

        public ImagesToAnnotateTests(FixtureImageStore fixture)
        {
            _fixture = fixture;
        }

        [Fact]
        public void Eleven_images_none_annotated_give_8_then_3_then_0()
        {
            using (var dir = _fixture.Copy())
            using (var store = LocalStickyStore.Open(dir.Path))
            {
                var first = store.GetImagesToAnnotate(Worker, "uid", "1598113346-ad2cd78dfaca12821046dfb8994724d5", Everything, ImageFileKind.Image);
                var second = store.GetImagesToAnnotate(Worker, "uid", "1598113346-ad2cd78dfaca12821046dfb8994724d5", Everything);
                Assert.Equal(8, first.Count);
                Assert.Equal(3, second.Count);
                Assert.Empty(store.GetImagesToAnnotate(Worker, "uid", "1598113346-ad2cd78dfaca12821046dfb8994724d5", Everything));
                Assert.Empty(first.Select(i => i.Id).Intersect(second.Select(i => i.Id)));
                Assert.All(first, i => Assert.True(File.Exists(i.Url), i.Url));
                Assert.All(second, i => Assert.Equal(string.Empty, i.Url));
                Assert.All(first, i => Assert.Equal(32, i.Md5.Length));

                // One intent per returned image, made by the caller, in UTC (spec §8 #14).
                var intents = Kit.Query(store.DatabasePath, "SELECT parent_image_id, api_user_id, datetime_created, api_version FROM uid_intents");
                Assert.Equal(11, intents.Count);
                Assert.All(intents, r => Assert.Equal(7L, r[1]));
                Assert.All(intents, r => Assert.Equal("0.1.1", r[3]));
                Assert.All(intents, r => Assert.InRange(StickyTime.FromDatabase((string)r[2]), DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1)));

                // Intents block every algorithm, as upstream's.
                Assert.Empty(store.GetImagesToAnnotate(Worker, "other-algo", "1", Everything));
            }
        }

        [Fact]
        public void One_annotated_image_gives_8_then_2()
        {
            using (var dir = _fixture.Copy())
            using (var store = LocalStickyStore.Open(dir.Path))
            {
                var img = store.GetImageSeries(Kit.Admin, Everything).First();
                store.PutUidAnnotations(Kit.Admin, new[] { Kit.Annotation(img.Device, img.DateTime, img.Md5, "1598113346-ad2cd78dfaca12821046dfb8994724d5") });

                var first = store.GetImagesToAnnotate(Worker, "uid", "1598113346-ad2cd78dfaca12821046dfb8994724d5", Everything);
                var second = store.GetImagesToAnnotate(Worker, "uid", "1598113346-ad2cd78dfaca12821046dfb8994724d5", Everything);
                Assert.Equal(8, first.Count);
                Assert.Equal(2, second.Count);
                Assert.DoesNotContain(img.Id, first.Concat(second).Select(i => i.Id));
            }
        }

        [Fact]
        public void Versions_compare_as_text_and_other_algorithms_do_not_count()
        {
            using (var dir = _fixture.Copy())
            using (var store = LocalStickyStore.Open(dir.Path))
            {
                var images = store.GetImageSeries(Kit.Admin, Everything);
                store.PutUidAnnotations(Kit.Admin, new[]
                {
                    Kit.Annotation(images[0].Device, images[0].DateTime, images[0].Md5, "9"),  // "9" >= "10" as text: done
                    Kit.Annotation(images[1].Device, images[1].DateTime, images[1].Md5, "1"),  // "1" < "10": still to do
                });
                var other = UidAnnotationSubmission.Create(images[2].Device, images[2].DateTime, images[2].Md5, "another", "99", new List<object>());
                store.PutUidAnnotations(Kit.Admin, new[] { other });

                var ids = store.GetImagesToAnnotate(Worker, "uid", "10", Everything).Concat(store.GetImagesToAnnotate(Worker, "uid", "10", Everything)).Select(i => i.Id).ToList();
                Assert.Equal(10, ids.Count);
                Assert.DoesNotContain(images[0].Id, ids);
                Assert.Contains(images[1].Id, ids);
                Assert.Contains(images[2].Id, ids);
            }
        }

        [Fact]
        public void Device_pattern_and_half_open_window_select_the_images()
        {
            using (var dir = _fixture.Copy())
            using (var store = LocalStickyStore.Open(dir.Path))
            {
                var start = new DateTime(2020, 6, 20, 20, 19, 15, DateTimeKind.Utc);
                var end = new DateTime(2020, 6, 20, 21, 23, 49, DateTimeKind.Utc);
                var r = store.GetImagesToAnnotate(Worker, "uid", "1", new ImageSeriesQuery(DevicePattern.FromWildcard("0A5B*"), start, end));
                Assert.Equal(new[] { "20-19-15", "20-37-59", "20-56-43", "21-15-27" }, r.Select(i => i.DateTime.ToString("HH-mm-ss")));
                Assert.All(r, i => Assert.Equal("0a5bb6f4", i.Device));
            }
        }

        [Fact]
        public void Intents_older_than_six_hours_expire()
        {
            using (var dir = _fixture.Copy())
            using (var store = LocalStickyStore.Open(dir.Path))
            {
                Assert.Equal(8, store.GetImagesToAnnotate(Worker, "uid", "1", Everything).Count);
                Assert.Equal(3, store.GetImagesToAnnotate(Worker, "uid", "1", Everything).Count);
                using (var conn = Kit.Raw(store.DatabasePath))
                using (var cmd = conn.CreateCommand())
                {
                    // Age the first batch past 6 h (UTC) and the second to just under.
                    cmd.CommandText = "UPDATE uid_intents SET datetime_created = $old WHERE id <= 8; UPDATE uid_intents SET datetime_created = $recent WHERE id > 8";
                    cmd.Parameters.AddWithValue("$old", StickyTime.ToDatabase(DateTime.UtcNow.AddHours(-6).AddMinutes(-1)));
                    cmd.Parameters.AddWithValue("$recent", StickyTime.ToDatabase(DateTime.UtcNow.AddHours(-5).AddMinutes(-50)));
                    cmd.ExecuteNonQuery();
                }

                Assert.Equal(8, store.GetImagesToAnnotate(Worker, "uid", "1", Everything).Count);
                Assert.Equal(11, Kit.Count(store.DatabasePath, "uid_intents"));
            }
        }

        [Fact]
        public async Task Concurrent_workers_in_two_store_instances_never_get_the_same_image()
        {
            for (int round = 0; round < 3; round++)
            {
                using (var dir = _fixture.Copy())
                using (var a = LocalStickyStore.Open(dir.Path))
                using (var b = LocalStickyStore.Open(dir.Path))
                {
                    var barrier = new Barrier(4);
                    var workers = new[] { a, b, a, b }.Select((store, n) => Task.Run(() =>
                    {
                        var caller = new CallerIdentity(100 + n, "w" + n, true, false);
                        barrier.SignalAndWait();
                        return store.GetImagesToAnnotate(caller, "uid", "1", Everything).Select(i => i.Id.Value).ToList();
                    })).ToArray();
                    var results = await Task.WhenAll(workers);
                    var all = results.SelectMany(r => r).ToList();
                    Assert.Equal(11, all.Count);
                    Assert.Equal(11, all.Distinct().Count());
                    Assert.Contains(results, r => r.Count == 8);
                    Assert.Equal(11, Kit.Count(a.DatabasePath, "uid_intents"));
                }
            }
        }

        [Fact]
        public void Read_only_users_cannot_reserve_images()
        {
            using (var dir = _fixture.Copy())
            using (var store = LocalStickyStore.Open(dir.Path))
            {
                var reader = new CallerIdentity(42, "reader", canWrite: false, isAdmin: false);
                var e = Assert.ThrowsAny<StickyPiException>(() => store.GetImagesToAnnotate(reader, "uid", "1", Everything));
                Assert.Equal(LocalStoreErrorIds.PermissionDenied, e.ErrorId);
                Assert.Equal(0, Kit.Count(store.DatabasePath, "uid_intents"));
            }
        }
    }
}
