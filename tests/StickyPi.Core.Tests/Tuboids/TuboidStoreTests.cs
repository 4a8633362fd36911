using System;
using System.IO;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Local;
using StickyPi.Core.Tests.Support;
using static StickyPi.Core.Tests.Tuboids.TuboidKit;

namespace StickyPi.Core.Tests.Tuboids
{
    public class TuboidStoreTests
    {
        [Theory]
        [InlineData(false)]
        [FixtureInlineData(true)]
        public void Fixture_series_uploads_with_Appendix_A_values_and_upstream_layout(bool sharedFixtures)
        {
            var seriesDir = sharedFixtures ? RealSeriesDir : SeriesDir;
            using (var s = new StoreDir())
            {
                var results = s.Store.PutTiledTuboids(Writer, TuboidsIn(seriesDir), Info());
                Assert.Equal(6, results.Count);
                Assert.All(results, r => Assert.True(r.Status == ImportStatus.Sent, r.Reason));

                foreach (var (suffix, id, shots, start, end) in Expected)
                {
                    var t = results.Single(r => r.TuboidId == SeriesName + "." + suffix).Tuboid;
                    Assert.NotNull(t.Id);
                    Assert.Equal(id, t.IdInSeries);
                    Assert.Equal(shots, t.NShots);
                    Assert.Equal(start, t.StartDateTime);
                    Assert.Equal(end, t.EndDateTime);
                    Assert.Equal("test", t.AlgoNameSeries);
                    Assert.Equal("11111111-19191919", t.AlgoVersionSeries);
                    Assert.Equal(6, t.NTuboidsSeries);
                    Assert.Equal("08038ade", t.DeviceSeries);
                    Assert.Equal(SeriesStart, t.StartDateTimeSeries);
                    Assert.Equal(SeriesEnd, t.EndDateTimeSeries);
                    Assert.Equal(5L, t.ApiUserId);
                    Assert.Equal("0.1.1", t.ApiVersion);
                }

                // Read back: same values, files at tiled_tuboids/<series id>/<tuboid_id>/ with the source bytes.
                var read = s.Store.GetTiledTuboidSeries(Admin, new TuboidQuery("%", SeriesStart, SeriesEnd), includeFiles: true);
                Assert.Equal(Expected.Select(e => e.Id), read.Select(t => t.IdInSeries));
                foreach (var t in read)
                {
                    var (_, _, shots, start, end) = Expected.Single(e => e.Id == t.IdInSeries);
                    Assert.Equal(shots, t.NShots);
                    Assert.Equal(start, t.StartDateTime);
                    Assert.Equal(end, t.EndDateTime);
                    Assert.Equal(SeriesStart, t.StartDateTimeSeries);
                    Assert.Equal(SeriesEnd, t.EndDateTimeSeries);
                    Assert.Equal(6, t.NTuboidsSeries);
                    string dir = Path.Combine(s.Path, "tiled_tuboids", SeriesName, t.TuboidId);
                    Assert.Equal(Path.Combine(dir, "tuboid.jpg"), t.TuboidFile);
                    Assert.Equal(Path.Combine(dir, "metadata.txt"), t.MetadataFile);
                    Assert.Equal(Path.Combine(dir, "context.jpg"), t.ContextFile);
                    string src = Path.Combine(seriesDir, t.TuboidId);
                    foreach (var f in new[] { "tuboid.jpg", "metadata.txt", "context.jpg" })
                    {
                        Assert.Equal(File.ReadAllBytes(Path.Combine(src, f)), File.ReadAllBytes(Path.Combine(dir, f)));
                    }
                }

                // Without files, no paths.
                Assert.All(s.Store.GetTiledTuboidSeries(Admin, TuboidQuery.All), t => Assert.Null(t.TuboidFile));

                // Catalog: upstream text datetimes, api_user_id on series (spec §8 #13) and tuboids.
                var series = Kit.Query(s.Db, "SELECT device, start_datetime, end_datetime, n_images, n_tuboids, algo_name, algo_version, api_user_id FROM tuboid_series").Single();
                Assert.Equal(new object[] { "08038ade", "2020-07-08 20:00:00.000000", "2020-07-09 15:00:00.000000", 10L, 6L, "test", "11111111-19191919", 5L }, series);
                var row = Kit.Query(s.Db, "SELECT start_datetime, end_datetime, n_shots, id_in_series, api_user_id FROM tiled_tuboids WHERE tuboid_id LIKE '%.0034'").Single();
                Assert.Equal(new object[] { "2020-07-09 10:09:01.000000", "2020-07-09 13:16:25.000000", 11L, 34L, 5L }, row);
            }
        }

        [Fact]
        public void Second_upload_is_refused_as_series_full_and_changes_nothing()
        {
            using (var s = new StoreDir())
            {
                s.Store.PutTiledTuboids(Writer, FixtureTuboids, Info());
                var before = StoredFiles(s.Path).Select(f => File.GetLastWriteTimeUtc(Path.Combine(s.Path, "tiled_tuboids", f))).ToList();

                var again = s.Store.PutTiledTuboids(Writer, FixtureTuboids, Info());
                Assert.Equal(6, again.Count);
                Assert.All(again, r =>
                {
                    Assert.Equal(ImportStatus.Failed, r.Status);
                    Assert.Equal(TuboidErrorIds.SeriesFull, r.ErrorId);
                    Assert.Equal(StickyErrorKind.LimitsExceeded, r.Error.Kind);
                    Assert.Contains(r.Path, r.Reason);
                });
                Assert.Equal(6, Kit.Count(s.Db, "tiled_tuboids"));
                Assert.Equal(1, Kit.Count(s.Db, "tuboid_series"));
                Assert.Equal(before, StoredFiles(s.Path).Select(f => File.GetLastWriteTimeUtc(Path.Combine(s.Path, "tiled_tuboids", f))).ToList());
            }
        }

        [Fact]
        public void More_tuboids_than_announced_are_refused_and_an_existing_series_keeps_its_counts()
        {
            using (var s = new StoreDir())
            {
                var first = s.Store.PutTiledTuboids(Writer, FixtureTuboids.Take(3), Info(tuboids: 4));
                Assert.All(first, r => Assert.Equal(ImportStatus.Sent, r.Status));

                // A later upload announcing 6 does not raise the series' own n_tuboids (4).
                var second = s.Store.PutTiledTuboids(Writer, FixtureTuboids.Skip(3), Info(tuboids: 6));
                Assert.Equal(new[] { ImportStatus.Sent, ImportStatus.Failed, ImportStatus.Failed }, second.Select(r => r.Status));
                Assert.All(second.Skip(1), r => Assert.Equal(TuboidErrorIds.SeriesFull, r.ErrorId));
                Assert.All(s.Store.GetTiledTuboidSeries(Admin, TuboidQuery.All), t => Assert.Equal(4, t.NTuboidsSeries));
                Assert.Equal(4, StoredFiles(s.Path).Count / 3);
            }
        }

        [Fact]
        public void Series_bounds_are_closed_and_apply_to_the_series_not_the_shots()
        {
            using (var s = new StoreDir())
            {
                s.Store.PutTiledTuboids(Writer, FixtureTuboids, Info());
                int Count(string device, DateTime start, DateTime end) => s.Store.GetTiledTuboidSeries(Reader, new TuboidQuery(device, start, end)).Count;

                Assert.Equal(0, Count("08038ade", SeriesStart, T(2020, 7, 9, 14, 59, 59))); // Appendix A: verified upstream
                Assert.Equal(6, Count("08038ade", SeriesStart, SeriesEnd));
                Assert.Equal(0, Count("08038ade", SeriesStart.AddSeconds(1), SeriesEnd));
                Assert.Equal(6, Count("%", DateTime.MinValue, DateTime.MaxValue));
                Assert.Equal(6, Count(DevicePattern.FromWildcard("08038A*"), T(2020, 1, 1, 0, 0, 0), T(2021, 1, 1, 0, 0, 0)));
                Assert.Equal(6, Count(DevicePattern.FromWildcard("????8ade"), SeriesStart, SeriesEnd));
                Assert.Equal(0, Count(DevicePattern.FromWildcard("0a*"), DateTime.MinValue, DateTime.MaxValue));

                // The tuboids' own shots (22:16 to 14:31) lie within a window that does not contain the series: none.
                Assert.Equal(0, Count("%", T(2020, 7, 8, 22, 0, 0), T(2020, 7, 9, 14, 40, 0)));

                Assert.Equal(6, s.Store.GetTiledTuboidSeries(Reader, new TuboidQuery("%", SeriesStart, SeriesEnd, "test", "11111111-19191919")).Count);
                Assert.Empty(s.Store.GetTiledTuboidSeries(Reader, new TuboidQuery("%", SeriesStart, SeriesEnd, "other")));
            }
        }

        [Fact]
        public void Per_directory_failures_have_stable_ids_and_do_not_stop_the_batch()
        {
            using (var s = new StoreDir())
            using (var src = new TempDir("stickypi-tuboids"))
            {
                var dirs = CopyTuboids(src.Path, "0000", "0028", "0029", "0030", "0031", "0034");

                // 0028: metadata.txt with a bad third line; 0029: no context.jpg; 0030: shots after the series end.
                var meta = Path.Combine(dirs[1], "metadata.txt");
                var lines = File.ReadAllLines(meta);
                lines[2] = "08038ade.2020-07-09_03-54-00,1.0,2.0";
                File.WriteAllLines(meta, lines);
                File.Delete(Path.Combine(dirs[2], "context.jpg"));
                File.AppendAllText(Path.Combine(dirs[3], "metadata.txt"), "08038ade.2020-07-09_15-20-00,1.0,2.0,1.0\n");
                var badName = Path.Combine(src.Path, "not-a-tuboid");
                CopyDir(dirs[4], badName);

                var results = s.Store.PutTiledTuboids(Writer, new[] { dirs[0], dirs[1], dirs[2], dirs[3], badName, dirs[5], dirs[5] }, Info(tuboids: 10));
                Assert.Equal(
                    new[] { null, TuboidErrorIds.InvalidTuboidMetadata, TuboidErrorIds.MissingTuboidFile, TuboidErrorIds.TuboidOutsideSeries,
                            TuboidErrorIds.InvalidTuboidName, null, TuboidErrorIds.DuplicateTuboid },
                    results.Select(r => r.ErrorId));
                Assert.Equal(meta + "(3): expected 4 comma-separated fields <device>.<YYYY-MM-DD_HH-MM-SS>,<x>,<y>,<scale>, got 3", results[1].Reason);
                Assert.Contains(Path.Combine(dirs[2], "context.jpg"), results[2].Reason);
                Assert.Contains("2020-07-09T15:20:00Z", results[3].Reason);
                Assert.Contains("not-a-tuboid", results[4].Reason);
                Assert.All(results, r => Assert.NotNull(r.Path));
                Assert.Equal(2, Kit.Count(s.Db, "tiled_tuboids"));
                Assert.Equal(6, StoredFiles(s.Path).Count);
            }
        }

        [Fact]
        public void A_stored_tuboid_is_never_overwritten_by_a_different_upload()
        {
            using (var s = new StoreDir())
            using (var src = new TempDir("stickypi-tuboids"))
            {
                var dir = CopyTuboids(src.Path, "0034").Single();
                Assert.Equal(ImportStatus.Sent, s.Store.PutTiledTuboids(Writer, new[] { dir }, Info()).Single().Status);
                var stored = Path.Combine(s.Path, "tiled_tuboids", SeriesName, Path.GetFileName(dir), "tuboid.jpg");
                var original = File.ReadAllBytes(stored);

                File.WriteAllBytes(Path.Combine(dir, "tuboid.jpg"), new byte[] { 1, 2, 3 });
                var again = s.Store.PutTiledTuboids(Writer, new[] { dir }, Info()).Single();
                Assert.Equal(TuboidErrorIds.DuplicateTuboid, again.ErrorId);
                Assert.Equal(original, File.ReadAllBytes(stored));
                Assert.Empty(Directory.GetFiles(Path.Combine(s.Path, ".stickypi-tmp"), "*.part", SearchOption.AllDirectories));
            }
        }

        [Fact]
        public void Series_information_requires_both_counts()
        {
            using (var s = new StoreDir())
            {
                var e = Assert.Throws<StickyPiException>(() => s.Store.PutTiledTuboids(Writer, FixtureTuboids, Info(tuboids: null)));
                Assert.Equal(TuboidErrorIds.InvalidTuboidSeries, e.ErrorId);
                Assert.Contains("n_tuboids", e.Message);
                e = Assert.Throws<StickyPiException>(() => s.Store.PutTiledTuboids(Writer, FixtureTuboids, Info(images: null)));
                Assert.Contains("n_images", e.Message);
                Assert.Equal(0, Kit.Count(s.Db, "tuboid_series"));
            }
        }

        [Fact]
        public void Read_only_users_cannot_put_and_non_admins_cannot_delete()
        {
            using (var s = new StoreDir())
            {
                var e = Assert.ThrowsAny<StickyPiException>(() => s.Store.PutTiledTuboids(Reader, FixtureTuboids, Info()));
                Assert.Equal(LocalStoreErrorIds.PermissionDenied, e.ErrorId);
                Assert.Equal(StickyErrorKind.PermissionDenied, e.Kind);
                Assert.Equal(0, Kit.Count(s.Db, "tuboid_series"));

                s.Store.PutTiledTuboids(Writer, FixtureTuboids, Info());
                Assert.Equal(6, s.Store.GetTiledTuboidSeries(Reader, TuboidQuery.All).Count);
                e = Assert.ThrowsAny<StickyPiException>(() => s.Store.DeleteTiledTuboids(Writer, TuboidQuery.All));
                Assert.Equal(LocalStoreErrorIds.PermissionDenied, e.ErrorId);
                e = Assert.ThrowsAny<StickyPiException>(() => s.Store.DeleteTiledTuboids(Reader, TuboidQuery.All));
                Assert.Equal(LocalStoreErrorIds.PermissionDenied, e.ErrorId);
                Assert.Equal(6, Kit.Count(s.Db, "tiled_tuboids"));
            }
        }

        [Fact]
        public void Delete_removes_series_tuboids_labels_files_and_directories()
        {
            using (var s = new StoreDir())
            {
                s.Store.PutTiledTuboids(Writer, FixtureTuboids, Info());
                s.Store.PutItcLabels(Writer, new[] { ItcLabelTests.Label(SeriesName + ".0000") });

                Assert.Empty(s.Store.DeleteTiledTuboids(Admin, new TuboidQuery("%", SeriesStart, T(2020, 7, 9, 14, 59, 59))));
                var deleted = s.Store.DeleteTiledTuboids(Admin, new TuboidQuery("08038ade", SeriesStart, SeriesEnd));
                var series = Assert.Single(deleted);
                Assert.Equal("08038ade", series.Device);
                Assert.Equal(SeriesStart, series.StartDateTime);
                Assert.Equal(SeriesEnd, series.EndDateTime);
                Assert.Equal(10, series.NImages);
                Assert.Equal(6, series.NTuboids);
                Assert.Equal(5L, series.ApiUserId);
                Assert.Equal("11111111-19191919", series.AlgoVersion);

                Assert.Equal(0, Kit.Count(s.Db, "tuboid_series"));
                Assert.Equal(0, Kit.Count(s.Db, "tiled_tuboids"));
                Assert.Equal(0, Kit.Count(s.Db, "itc_labels"));
                Assert.Empty(StoredFiles(s.Path));
                Assert.False(Directory.Exists(Path.Combine(s.Path, "tiled_tuboids", SeriesName)));
                Assert.Empty(s.Store.DeleteTiledTuboids(Admin, TuboidQuery.All));

                // The same series can be uploaded again.
                Assert.All(s.Store.PutTiledTuboids(Writer, FixtureTuboids, Info()), r => Assert.Equal(ImportStatus.Sent, r.Status));
            }
        }

        [Fact]
        public void Failure_before_commit_leaves_no_tuboid_row_and_no_files()
        {
            using (var s = new StoreDir())
            {
                s.Store.BeforeCommit = () => throw new IOException("disk gone");
                var e = Assert.Throws<StickyPiException>(() => s.Store.PutTiledTuboids(Writer, FixtureTuboids.Take(1), Info()));
                Assert.Equal(StickyErrorIds.StoreIo, e.ErrorId);
                s.Store.BeforeCommit = null;

                Assert.Equal(0, Kit.Count(s.Db, "tiled_tuboids"));
                Assert.Empty(StoredFiles(s.Path));
                Assert.All(s.Store.PutTiledTuboids(Writer, FixtureTuboids, Info()), r => Assert.Equal(ImportStatus.Sent, r.Status));
                Assert.Equal(18, StoredFiles(s.Path).Count);
            }
        }

        [Fact]
        public void Crash_between_file_copy_and_commit_leaves_a_consistent_store_that_accepts_the_retry()
        {
            using (var s = new StoreDir())
            using (var crash = new TempDir("stickypi-crash"))
            using (var src = new TempDir("stickypi-tuboids"))
            {
                var dir = CopyTuboids(src.Path, "0034").Single();
                s.Store.BeforeCommit = () =>
                {
                    Kit.Snapshot(s.Path, crash.Path);
                    throw new InvalidOperationException("simulated crash");
                };
                Assert.Throws<InvalidOperationException>(() => s.Store.PutTiledTuboids(Writer, new[] { dir }, Info()));
                s.Store.BeforeCommit = null;

                // The crashed copy: files in place, no row. The store lists nothing and takes the retry, replacing the orphans.
                string final = Path.Combine(crash.Path, "tiled_tuboids", SeriesName, Path.GetFileName(dir));
                Assert.True(File.Exists(Path.Combine(final, "tuboid.jpg")));
                File.WriteAllBytes(Path.Combine(final, "context.jpg"), new byte[] { 9 }); // as a torn leftover would be
                using (var store = LocalStickyStore.Open(crash.Path, createIfMissing: false))
                {
                    Assert.Empty(store.GetTiledTuboidSeries(Admin, TuboidQuery.All));
                    Assert.Equal(0, Kit.Count(store.DatabasePath, "tiled_tuboids"));
                    var retry = store.PutTiledTuboids(Writer, new[] { dir }, Info()).Single();
                    Assert.Equal(ImportStatus.Sent, retry.Status);
                    Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "context.jpg")), File.ReadAllBytes(Path.Combine(final, "context.jpg")));
                }

                // The live store rolled back its files.
                Assert.Empty(StoredFiles(s.Path));
                Assert.Equal(ImportStatus.Sent, s.Store.PutTiledTuboids(Writer, new[] { dir }, Info()).Single().Status);
            }
        }

        [Fact]
        public void Uploader_derives_the_series_from_the_names_and_expands_series_directories()
        {
            Assert.Equal(FixtureTuboids, TuboidUploader.ExpandDirectory(SeriesDir));
            Assert.Equal(new[] { FixtureTuboids[0] }, TuboidUploader.ExpandDirectory(FixtureTuboids[0]));

            var info = TuboidUploader.ResolveSeriesInfo(FixtureTuboids[0], new TuboidSeriesInfo { AlgoName = "test", ImageCount = 10, TuboidCount = 6 });
            Assert.Equal("08038ade", info.Device);
            Assert.Equal(SeriesStart, info.StartDateTime);
            Assert.Equal(SeriesEnd, info.EndDateTime);
            Assert.Equal("1606980656-91e2199fccf371d3d690b2856613e8f5", info.AlgoVersion);

            var given = TuboidUploader.ResolveSeriesInfo(FixtureTuboids[0], Info());
            Assert.Equal("11111111-19191919", given.AlgoVersion);

            using (var s = new StoreDir())
            {
                var results = FixtureTuboids.Select(d => TuboidUploader.Upload(s.Store, Writer, d, new TuboidSeriesInfo { AlgoName = "test", ImageCount = 10, TuboidCount = 6 })).ToList();
                Assert.All(results, r => Assert.Equal(ImportStatus.Sent, r.Status));
                Assert.All(results, r => Assert.Equal("1606980656-91e2199fccf371d3d690b2856613e8f5", r.Tuboid.AlgoVersionSeries));
                var bad = TuboidUploader.Upload(s.Store, Writer, Path.Combine(Path.GetTempPath(), "nothing-here"), new TuboidSeriesInfo { AlgoName = "x", ImageCount = 1, TuboidCount = 1 });
                Assert.Equal(TuboidErrorIds.InvalidTuboidName, bad.ErrorId);
            }
        }
    }
}
