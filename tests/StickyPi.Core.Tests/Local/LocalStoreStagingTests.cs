using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Tests.Local
{
    public class LocalStoreStagingTests
    {
        private static readonly DateTime D0 = Kit.T(2020, 6, 20, 20, 19, 15);

        private static string[] TempFiles(string root)
        {
            string tmp = Path.Combine(root, ".stickypi-tmp");
            return Directory.Exists(tmp)
                ? Directory.GetFiles(tmp, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "session.lock").ToArray()
                : new string[0];
        }

        [Fact]
        public void StageWritesFinalFilesAndLeavesNoTemporaries()
        {
            using (var s = new StoreDir())
            {
                var img = Kit.Image("0a5bb6f4", D0);
                var staged = s.Store.StageImage(img.parsed, img.bytes);

                Assert.False(staged.IsPending);
                Assert.Equal(Path.Combine(s.Path, "raw_images", "0a5bb6f4", "0a5bb6f4.2020-06-20_20-19-15.jpg"), staged.ImagePath);
                Assert.Equal(staged.ImagePath + ".thumbnail", staged.ThumbnailPath);
                Assert.Equal(staged.ImagePath + ".thumbnail-mini", staged.ThumbnailMiniPath);
                Assert.Equal(img.bytes, File.ReadAllBytes(staged.ImagePath));
                Assert.Equal(img.parsed.Thumbnail, File.ReadAllBytes(staged.ThumbnailPath));
                Assert.Equal(img.parsed.ThumbnailMini, File.ReadAllBytes(staged.ThumbnailMiniPath));
                Assert.Empty(TempFiles(s.Path));
                Assert.Equal(0, Kit.Count(s.Db, "images"));
                Assert.Equal("1.0.0", staged.Row.DeviceVersion);
                Assert.Null(staged.Row.Id);

                var rows = s.Store.CommitStagedImages(Kit.Admin, new[] { staged }, replaceExisting: false);
                Assert.Equal(img.parsed.Md5, s.Store.GetStoredMd5(img.parsed.Key));
                Assert.NotNull(rows.Single().Id);
                Assert.Throws<InvalidOperationException>(() => s.Store.CommitStagedImages(Kit.Admin, new[] { staged }, false));
            }
        }

        [Fact]
        public void ParallelStagingThenOneCommit()
        {
            using (var s = new StoreDir())
            {
                var images = Enumerable.Range(0, 64).Select(i => Kit.Image(i % 2 == 0 ? "0a5bb6f4" : "1b74105a", D0.AddMinutes(i))).ToArray();
                var staged = new StagedImage[images.Length];
                Parallel.For(0, images.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
                {
                    Assert.Null(s.Store.GetStoredMd5(images[i].parsed.Key));
                    staged[i] = s.Store.StageImage(images[i].parsed, images[i].bytes);
                });

                var rows = s.Store.CommitStagedImages(Kit.Admin, staged, replaceExisting: false);
                Assert.Equal(64, rows.Select(r => r.Id).Distinct().Count());
                Assert.Equal(64, s.Store.GetStoredMd5s(images.Select(i => i.parsed.Key)).Count);
                Assert.Empty(TempFiles(s.Path));
            }
        }

        [Fact]
        public void DuplicateInBatchCommitsNothing()
        {
            using (var s = new StoreDir())
            {
                var existing = Kit.Image("0a5bb6f4", D0, "stored");
                Kit.Put(s.Store, existing);

                var fresh = s.Store.StageImage(Kit.Image("0a5bb6f4", D0.AddHours(1)).parsed, Kit.Image("0a5bb6f4", D0.AddHours(1)).bytes);
                var dup = Kit.Image("0a5bb6f4", D0, "new content");
                var stagedDup = s.Store.StageImage(dup.parsed, dup.bytes);
                Assert.True(stagedDup.IsPending);

                var e = Assert.Throws<StickyPiException>(() => s.Store.CommitStagedImages(Kit.Admin, new[] { fresh, stagedDup }, replaceExisting: false));
                Assert.Equal(StickyErrorIds.DuplicateImage, e.ErrorId);
                Assert.Equal(StickyErrorKind.Conflict, e.Kind);

                Assert.Equal(1, Kit.Count(s.Db, "images"));
                Assert.Null(s.Store.GetStoredMd5(fresh.Key));
                Assert.Equal(existing.bytes, File.ReadAllBytes(stagedDup.ImagePath)); // stored original untouched
                Assert.Equal(existing.parsed.Thumbnail, File.ReadAllBytes(stagedDup.ThumbnailPath));

                // The same key twice in one batch is a duplicate too.
                var x = Kit.Image("1b74105a", D0);
                var s1 = s.Store.StageImage(x.parsed, x.bytes);
                var s2 = s.Store.StageImage(x.parsed, x.bytes);
                e = Assert.Throws<StickyPiException>(() => s.Store.CommitStagedImages(Kit.Admin, new[] { s1, s2 }, replaceExisting: false));
                Assert.Equal(StickyErrorIds.DuplicateImage, e.ErrorId);
                Assert.Equal(1, Kit.Count(s.Db, "images"));
            }
        }

        [Fact]
        public void ReplaceExistingSwapsRowFilesAndDropsAnnotations()
        {
            using (var s = new StoreDir())
            {
                var old = Kit.Image("0a5bb6f4", D0, "old");
                Kit.Put(s.Store, old);
                s.Store.PutUidAnnotations(Kit.Admin, new[] { Kit.Annotation("0a5bb6f4", D0, old.parsed.Md5) });

                var replacement = Kit.Image("0a5bb6f4", D0, "new");
                var staged = s.Store.StageImage(replacement.parsed, replacement.bytes);
                Assert.True(staged.IsPending);
                Assert.Equal(old.bytes, File.ReadAllBytes(staged.ImagePath)); // not yet replaced

                var row = s.Store.CommitStagedImages(Kit.Admin, new[] { staged }, replaceExisting: true).Single();
                Assert.Equal(row.Id, s.Store.GetImages(Kit.Admin, new[] { old.parsed.Key }).Single().Id);
                Assert.Equal(replacement.parsed.Md5, s.Store.GetStoredMd5(replacement.parsed.Key));
                Assert.Equal(replacement.bytes, File.ReadAllBytes(staged.ImagePath));
                Assert.Equal(replacement.parsed.Thumbnail, File.ReadAllBytes(staged.ThumbnailPath));
                Assert.Equal(replacement.parsed.ThumbnailMini, File.ReadAllBytes(staged.ThumbnailMiniPath));
                Assert.Equal(0, Kit.Count(s.Db, "uid_annotations"));
                Assert.Equal(1, Kit.Count(s.Db, "images"));
                Assert.Empty(TempFiles(s.Path));
            }
        }

        [Fact]
        public void FailedReplaceRestoresOldFiles()
        {
            using (var s = new StoreDir())
            {
                var old = Kit.Image("0a5bb6f4", D0, "old");
                Kit.Put(s.Store, old);
                var replacement = Kit.Image("0a5bb6f4", D0, "new");
                var staged = s.Store.StageImage(replacement.parsed, replacement.bytes);
                s.Store.BeforeCommit = () => throw new IOException("disk gone");
                var e = Assert.Throws<StickyPiException>(() => s.Store.CommitStagedImages(Kit.Admin, new[] { staged }, replaceExisting: true));
                Assert.Equal(StickyErrorIds.StoreIo, e.ErrorId);
                s.Store.BeforeCommit = null;

                Assert.Equal(old.parsed.Md5, s.Store.GetStoredMd5(old.parsed.Key));
                Assert.Equal(old.bytes, File.ReadAllBytes(staged.ImagePath));
                Assert.Equal(old.parsed.Thumbnail, File.ReadAllBytes(staged.ThumbnailPath));
            }
        }

        [Fact]
        public void CrashBeforeCommitThenRestageCompletes()
        {
            using (var s = new StoreDir())
            using (var crash = new Support.TempDir("stickypi-crash"))
            {
                var images = new[] { Kit.Image("0a5bb6f4", D0), Kit.Image("0a5bb6f4", D0.AddMinutes(20)), Kit.Image("1b74105a", D0) };
                var staged = images.Select(i => s.Store.StageImage(i.parsed, i.bytes)).ToList();
                s.Store.BeforeCommit = () =>
                {
                    Kit.Snapshot(s.Path, crash.Path);
                    throw new InvalidOperationException("simulated crash");
                };
                Assert.Throws<InvalidOperationException>(() => s.Store.CommitStagedImages(Kit.Admin, staged, replaceExisting: false));
                s.Store.BeforeCommit = null;
                Assert.Equal(0, Kit.Count(s.Db, "images"));

                foreach (var root in new[] { s.Path, crash.Path })
                {
                    using (var store = root == s.Path ? s.Reopen() : LocalStickyStore.Open(root, createIfMissing: false))
                    {
                        Assert.Equal(0, Kit.Count(store.DatabasePath, "images"));
                        Assert.Empty(TempFiles(root));

                        var again = images.Select(i => store.StageImage(i.parsed, i.bytes)).ToList();
                        Assert.All(again, a => Assert.False(a.IsPending));
                        store.CommitStagedImages(Kit.Admin, again, replaceExisting: false);

                        var rows = store.GetImageSeries(Kit.Admin, new ImageSeriesQuery("%", D0, D0.AddDays(1)), ImageFileKind.Image);
                        Assert.Equal(3, rows.Count);
                        Assert.All(rows, r => Assert.Equal(r.Md5, Kit.Md5(File.ReadAllBytes(r.Url))));
                    }
                }
            }
        }

        [Fact]
        public void CrashDuringReplaceKeepsOldImageConsistent()
        {
            using (var s = new StoreDir())
            using (var crash = new Support.TempDir("stickypi-crash"))
            {
                var old = Kit.Image("0a5bb6f4", D0, "old");
                Kit.Put(s.Store, old);
                var replacement = Kit.Image("0a5bb6f4", D0, "new");
                var staged = s.Store.StageImage(replacement.parsed, replacement.bytes);
                s.Store.BeforeCommit = () => Kit.Snapshot(s.Path, crash.Path);
                s.Store.CommitStagedImages(Kit.Admin, new[] { staged }, replaceExisting: true);

                // At the crash the new files were in place but the old row not yet replaced: open puts the old files back.
                Assert.Equal(replacement.bytes, File.ReadAllBytes(Path.Combine(crash.Path, "raw_images", "0a5bb6f4", old.parsed.Key.FileName)));
                using (var store = LocalStickyStore.Open(crash.Path))
                {
                    var row = store.GetImages(Kit.Admin, new[] { old.parsed.Key }, ImageFileKind.Image).Single();
                    Assert.Equal(old.parsed.Md5, row.Md5);
                    Assert.Equal(old.bytes, File.ReadAllBytes(row.Url));
                    Assert.Equal(old.parsed.Thumbnail, File.ReadAllBytes(row.Url + ".thumbnail"));
                    Assert.Equal(old.parsed.ThumbnailMini, File.ReadAllBytes(row.Url + ".thumbnail-mini"));
                }
            }
        }

        [Fact]
        public void OpenSweepsDeadSessionsButNotLiveOnes()
        {
            using (var s = new StoreDir())
            {
                string tmp = Path.Combine(s.Path, ".stickypi-tmp");
                string dead = Path.Combine(tmp, "20200101000000-1-deadbeef");
                Directory.CreateDirectory(Path.Combine(dead, "trash-x", "0"));
                File.WriteAllText(Path.Combine(dead, "abc.part"), "half written");
                File.WriteAllText(Path.Combine(dead, "session.lock"), string.Empty);
                File.WriteAllText(Path.Combine(dead, "trash-x", "0", "1b74105a.2020-06-20_20-19-15.jpg"), "trashed, row gone");
                File.WriteAllText(Path.Combine(tmp, "loose.part"), "x");

                // A second store writing at the same time owns a live session.
                using (var live = LocalStickyStore.Open(s.Path))
                {
                    var img = Kit.Image("0a5bb6f4", D0);
                    var pendingOwner = live.StageImage(img.parsed, img.bytes);
                    var liveSessions = Directory.GetDirectories(tmp).Where(d => d != dead).ToList();
                    Assert.Single(liveSessions);

                    using (LocalStickyStore.Open(s.Path))
                    {
                        Assert.False(Directory.Exists(dead));
                        Assert.False(File.Exists(Path.Combine(tmp, "loose.part")));
                        Assert.True(Directory.Exists(liveSessions[0]));
                    }

                    live.CommitStagedImages(Kit.Admin, new[] { pendingOwner }, false);
                }

                Assert.Empty(Directory.GetDirectories(tmp));
                Assert.False(File.Exists(Path.Combine(s.Path, "raw_images", "1b74105a", "1b74105a.2020-06-20_20-19-15.jpg")));
            }
        }

        [Fact]
        public void StageRequiresThumbnails()
        {
            using (var s = new StoreDir())
            {
                var img = Kit.Image("0a5bb6f4", D0);
                img.parsed.ThumbnailMini = null;
                Assert.Throws<ArgumentException>(() => s.Store.StageImage(img.parsed, img.bytes));
                Assert.Empty(TempFiles(s.Path));
            }
        }
    }
}
