using System;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.MlBundles
{
    public class MlBundleSyncTests
    {
        [Theory]
        [InlineData(false)]
        [FixtureInlineData(true)]
        public void Shared_files_push_seven_then_none_into_ml_bundle_folder(bool sharedFixtures)
        {
            using var tmp = new TempDir();
            var src = MlKit.CopyShared(tmp.Combine("src"), shared: sharedFixtures);
            var md5 = MlKit.Md5s(src);
            if (sharedFixtures)
            {
                Assert.Equal(MlKit.SharedMd5.OrderBy(kv => kv.Key, StringComparer.Ordinal), md5.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            }

            using var store = MlKit.Store(tmp);
            var sync = MlKit.Sync(store);

            var first = sync.Push(MlKit.Bundle, src);
            Assert.Equal(7, first.Count);
            Assert.All(first, r => Assert.Equal(MlBundleTransferStatus.Uploaded, r.Status));
            Assert.All(first, r => Assert.Equal(md5[r.Key], r.Md5));
            Assert.All(first, r => Assert.Equal(MlBundleDirection.Push, r.Direction));
            foreach (var r in first)
            {
                var stored = Path.Combine(store.RootDirectory, "ml", MlKit.Bundle, r.Key);
                Assert.Equal(stored, r.RemotePath);
                Assert.True(File.Exists(stored));
                Assert.Equal(File.GetLastWriteTimeUtc(r.Path), File.GetLastWriteTimeUtc(stored)); // mtime kept
            }

            Assert.Empty(sync.Push(MlKit.Bundle, src));

            var listed = store.GetMlBundleFileList(MlKit.Reader, MlKit.Bundle, MlBundleSelection.All);
            Assert.Equal(MlKit.SharedMd5.Keys.OrderBy(k => k, StringComparer.Ordinal), listed.Select(f => f.Key));
            Assert.All(listed, f => Assert.Equal(md5[f.Key], f.Md5));
            Assert.All(listed, f => Assert.Equal(f.Path, f.Url));
            Assert.Empty(store.GetMlBundleFileList(MlKit.Reader, "unknown-bundle"));
        }

        [Theory]
        [InlineData(false)]
        [FixtureInlineData(true)]
        public void Appendix_A_with_a_stand_in_model_push_8_0_then_pull_model_3_data_5_all_0(bool sharedFixtures)
        {
            using var tmp = new TempDir();
            var src = MlKit.CopyShared(tmp.Combine("src"), withModel: true, shared: sharedFixtures);
            using var store = MlKit.Store(tmp);
            var sync = MlKit.Sync(store);

            Assert.Equal(8, sync.Push(MlKit.Bundle, src).Count);
            Assert.Empty(sync.Push(MlKit.Bundle, src));

            var dst = tmp.Combine("fresh", MlKit.Bundle);
            var model = sync.Pull(MlKit.Bundle, dst, MlBundleSelection.Model);
            Assert.Equal(new[] { "config/config.yaml", "config/mask_rcnn_R_101_C4_3x.yaml", MlKit.StandInModel }, MlKit.Keys(model));
            Assert.All(model, r => Assert.Equal(MlBundleTransferStatus.Downloaded, r.Status));

            var data = sync.Pull(MlKit.Bundle, dst, MlBundleSelection.Data);
            Assert.Equal(5, data.Count);
            Assert.All(data, r => Assert.StartsWith("data/", r.Key));

            Assert.Empty(sync.Pull(MlKit.Bundle, dst, MlBundleSelection.All));

            // Same content and mtimes as the source, no temporary files left.
            foreach (var f in MlBundleListing.List(src, MlBundleSelection.All))
            {
                var pulled = Path.Combine(dst, f.Key);
                Assert.Equal(f.Md5, MlBundleChecksum.Compute(pulled));
                Assert.Equal(f.MTime, File.GetLastWriteTimeUtc(pulled));
            }

            Assert.Empty(Directory.GetFiles(dst, "*" + MlBundleSync.PartSuffix, SearchOption.AllDirectories));
        }

        [Fact]
        public void Pull_restores_the_remote_mtime()
        {
            using var tmp = new TempDir();
            var src = tmp.Combine("src");
            var when = new DateTime(2019, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567);
            MlKit.Write(src, "config/a.yaml", "a: 1", when);
            using var store = MlKit.Store(tmp);
            var sync = MlKit.Sync(store);
            sync.Push("b", src);

            var dst = tmp.Combine("out", "b");
            var pulled = Assert.Single(sync.Pull("b", dst));
            Assert.Equal(when, pulled.MTime);
            Assert.Equal(when, File.GetLastWriteTimeUtc(Path.Combine(dst, "config", "a.yaml")));
            Assert.Equal(Path.Combine(dst, "config", "a.yaml"), pulled.Path);
        }

        [Fact]
        public void A_changed_local_file_is_pushed_again_only_when_newer()
        {
            using var tmp = new TempDir();
            var src = MlKit.CopyShared(tmp.Combine("src"));
            var md5 = MlKit.Md5s(src);
            using var store = MlKit.Store(tmp);
            var sync = MlKit.Sync(store);
            sync.Push(MlKit.Bundle, src);
            var stored = Path.Combine(store.RootDirectory, "ml", MlKit.Bundle, "config", "config.yaml");

            // Different and older than the stored copy: kept remotely.
            MlKit.Write(src, "config/config.yaml", "changed: old", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            Assert.Empty(sync.Push(MlKit.Bundle, src));
            Assert.Equal(md5["config/config.yaml"], MlBundleChecksum.Compute(stored));

            // Different and newer: uploaded.
            MlKit.Write(src, "config/config.yaml", "changed: new", new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            var again = Assert.Single(sync.Push(MlKit.Bundle, src));
            Assert.Equal("config/config.yaml", again.Key);
            Assert.Equal("changed: new", File.ReadAllText(stored));

            // Same content, newer mtime: skipped (md5 equal).
            File.SetLastWriteTimeUtc(Path.Combine(src, "config", "config.yaml"), new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            Assert.Empty(sync.Push(MlKit.Bundle, src));
        }

        [Fact]
        public void Pull_takes_a_newer_different_remote_file_and_keeps_a_local_file_newer_than_the_remote()
        {
            using var tmp = new TempDir();
            var src = tmp.Combine("src");
            MlKit.Write(src, "config/a.yaml", "remote a", new DateTime(2021, 6, 1, 0, 0, 0, DateTimeKind.Utc));
            MlKit.Write(src, "config/b.yaml", "remote b", new DateTime(2021, 6, 1, 0, 0, 0, DateTimeKind.Utc));
            using var store = MlKit.Store(tmp);
            var sync = MlKit.Sync(store);
            sync.Push("b1", src);

            var dst = tmp.Combine("work", "b1");
            MlKit.Write(dst, "config/a.yaml", "local a, older", new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            MlKit.Write(dst, "config/b.yaml", "local b, newer", new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc));

            var pulled = Assert.Single(sync.Pull("b1", dst));
            Assert.Equal("config/a.yaml", pulled.Key);
            Assert.Equal("remote a", File.ReadAllText(Path.Combine(dst, "config", "a.yaml")));
            Assert.Equal("local b, newer", File.ReadAllText(Path.Combine(dst, "config", "b.yaml")));
        }

        [Fact]
        public void Pull_requires_the_folder_to_be_named_like_the_bundle()
        {
            using var tmp = new TempDir();
            using var store = MlKit.Store(tmp);
            var ex = Assert.Throws<StickyPiException>(() => MlKit.Sync(store).Pull("b", tmp.Combine("other")));
            Assert.Equal(MlBundleErrorIds.DirectoryNameMismatch, ex.ErrorId);
            Assert.False(Directory.Exists(tmp.Combine("other")));

            var push = Assert.Throws<StickyPiException>(() => MlKit.Sync(store).Push("b", tmp.Combine("missing")));
            Assert.Equal(MlBundleErrorIds.DirectoryNotFound, push.ErrorId);
        }

        [Fact]
        public void Plan_only_lists_the_transfers_and_copies_nothing()
        {
            using var tmp = new TempDir();
            var src = MlKit.CopyShared(tmp.Combine("src"));
            using var store = MlKit.Store(tmp);
            var planned = MlKit.Sync(store, options: new MlBundleSyncOptions { PlanOnly = true }).Push(MlKit.Bundle, src);
            Assert.Equal(7, planned.Count);
            Assert.All(planned, r => Assert.Equal(MlBundleTransferStatus.Planned, r.Status));
            Assert.False(Directory.Exists(Path.Combine(store.RootDirectory, "ml")));
        }

        [Fact]
        public void Progress_counts_the_bytes_of_the_files_transferred()
        {
            using var tmp = new TempDir();
            var src = MlKit.CopyShared(tmp.Combine("src"));
            long total = MlBundleListing.List(src, MlBundleSelection.All).Sum(f => f.Size);
            using var store = MlKit.Store(tmp);
            long maxDone = 0;
            int calls = 0;
            var sync = MlKit.Sync(store, options: new MlBundleSyncOptions
            {
                Progress = p =>
                {
                    calls++;
                    Assert.True(p.BytesDone >= maxDone || p.Phase != "Transferring");
                    maxDone = Math.Max(maxDone, p.BytesDone);
                },
            });
            sync.Push(MlKit.Bundle, src);
            Assert.True(calls > 7);
            Assert.Equal(total, maxDone);
            Assert.Equal("Done", sync.Progress.Phase);
            Assert.Equal(total, sync.Progress.BytesTotal);
            Assert.Equal(100, sync.Progress.PercentComplete);
        }

        [Fact]
        public void Cancelling_a_pull_leaves_no_partial_file_under_a_final_name()
        {
            using var tmp = new TempDir();
            var src = MlKit.CopyShared(tmp.Combine("src"));
            var md5 = MlKit.Md5s(src);
            using var store = MlKit.Store(tmp);
            MlKit.Sync(store).Push(MlKit.Bundle, src);

            using var cts = new CancellationTokenSource();
            var dst = tmp.Combine("pull", MlKit.Bundle);
            var sync = MlKit.Sync(store, options: new MlBundleSyncOptions
            {
                Progress = p =>
                {
                    if (p.CurrentKey == "data/0a5bb6f4.2020-07-02_18-59-29.svg" && p.BytesDone > 0)
                    {
                        cts.Cancel(); // in the middle of a 2.5 MB file
                    }
                },
            });
            Assert.ThrowsAny<OperationCanceledException>(() => sync.Pull(MlKit.Bundle, dst, MlBundleSelection.All, cts.Token));

            var present = MlBundleListing.List(dst, MlBundleSelection.All);
            Assert.DoesNotContain(present, f => f.Key == "data/0a5bb6f4.2020-07-02_18-59-29.svg");
            Assert.All(present, f => Assert.Equal(md5[f.Key], f.Md5)); // whatever is there is complete
            Assert.Empty(Directory.GetFiles(dst, "*" + MlBundleSync.PartSuffix, SearchOption.AllDirectories));

            // A re-run completes it.
            var rest = MlKit.Sync(store).Pull(MlKit.Bundle, dst);
            Assert.Equal(7 - present.Count, rest.Count);
        }

        [Fact]
        public void Cancelling_a_push_leaves_no_partial_file_in_the_store()
        {
            using var tmp = new TempDir();
            var src = MlKit.CopyShared(tmp.Combine("src"));
            using var store = MlKit.Store(tmp);
            using var cts = new CancellationTokenSource();
            var sync = MlKit.Sync(store, options: new MlBundleSyncOptions
            {
                Progress = p =>
                {
                    if (p.CurrentKey == "data/0a5bb6f4.2020-06-30_20-41-05.svg" && p.BytesDone > 0)
                    {
                        cts.Cancel();
                    }
                },
            });
            Assert.ThrowsAny<OperationCanceledException>(() => sync.Push(MlKit.Bundle, src, MlBundleSelection.All, cts.Token));
            var stored = store.GetMlBundleFileList(MlKit.Admin, MlKit.Bundle);
            Assert.Equal(new[] { "config/config.yaml", "config/mask_rcnn_R_101_C4_3x.yaml" }, stored.Select(f => f.Key));
            Assert.DoesNotContain(Directory.GetFiles(Path.Combine(store.RootDirectory, "ml"), "*", SearchOption.AllDirectories),
                p => !p.EndsWith(".yaml", StringComparison.Ordinal));
        }

        [Fact]
        public void A_crash_between_temp_write_and_rename_leaves_no_partial_final_file()
        {
            using var tmp = new TempDir();
            var src = tmp.Combine("src");
            MlKit.Write(src, "config/a.yaml", "version 1", new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            using var store = MlKit.Store(tmp);
            MlKit.Sync(store).Push("b", src);
            var storedPath = Path.Combine(store.RootDirectory, "ml", "b", "config", "a.yaml");

            // Store side: the upload dies before its rename; the stored version stays whole.
            MlKit.Write(src, "config/a.yaml", "version 2", new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            MlKit.Write(src, "config/new.yaml", "brand new", new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            store.MlBundleBeforeRename = temp =>
            {
                Assert.True(File.Exists(temp));
                throw new IOException("simulated crash");
            };
            var failed = MlKit.Sync(store).Push("b", src);
            Assert.All(failed, r => Assert.Equal(MlBundleTransferStatus.Failed, r.Status));
            Assert.Equal(2, failed.Count);
            Assert.Equal("version 1", File.ReadAllText(storedPath));
            Assert.False(File.Exists(Path.Combine(store.RootDirectory, "ml", "b", "config", "new.yaml")));
            Assert.Empty(Directory.GetFiles(Path.Combine(store.RootDirectory, ".stickypi-tmp"), "*.part", SearchOption.AllDirectories));
            store.MlBundleBeforeRename = null;

            // Client side: the download dies before its rename.
            var dst = tmp.Combine("pull", "b");
            MlKit.Write(dst, "config/a.yaml", "local old", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            var crashing = MlKit.Sync(store, options: new MlBundleSyncOptions { BeforeRename = _ => throw new IOException("simulated crash") });
            var pullFailed = Assert.Single(crashing.Pull("b", dst));
            Assert.Equal(MlBundleTransferStatus.Failed, pullFailed.Status);
            Assert.Equal(MlBundleErrorIds.TransferFailed, pullFailed.ErrorId);
            Assert.Equal("local old", File.ReadAllText(Path.Combine(dst, "config", "a.yaml")));
            Assert.Empty(Directory.GetFiles(dst, "*" + MlBundleSync.PartSuffix, SearchOption.AllDirectories));
        }

        [Fact]
        public void A_download_that_does_not_match_the_listed_checksum_is_not_saved()
        {
            using var tmp = new TempDir();
            var remote = new ScriptedRemote();
            remote.Files.Add(new MlBundleFile("b", "config/a.yaml", "x", "00000000000000000000000000000000", DateTime.UtcNow, 5));
            remote.Content["config/a.yaml"] = System.Text.Encoding.ASCII.GetBytes("hello");
            var dst = tmp.Combine("b");
            var r = Assert.Single(new MlBundleSync(remote).Pull("b", dst));
            Assert.Equal(MlBundleTransferStatus.Failed, r.Status);
            Assert.Equal(StickyErrorIds.Md5Mismatch, r.ErrorId);
            Assert.False(File.Exists(Path.Combine(dst, "config", "a.yaml")));
            Assert.Empty(Directory.GetFiles(dst, "*", SearchOption.AllDirectories));
        }

        [Fact]
        public void A_read_only_caller_cannot_push_but_can_pull()
        {
            using var tmp = new TempDir();
            var src = MlKit.CopyShared(tmp.Combine("src"));
            using var store = MlKit.Store(tmp);
            var ex = Assert.ThrowsAny<StickyPiException>(() => MlKit.Sync(store, MlKit.Reader).Push(MlKit.Bundle, src));
            Assert.Equal(LocalStoreErrorIds.PermissionDenied, ex.ErrorId);
            Assert.Equal(StickyErrorKind.PermissionDenied, ex.Kind);
            Assert.False(Directory.Exists(Path.Combine(store.RootDirectory, "ml")));
            Assert.ThrowsAny<StickyPiException>(() => store.StoreMlBundleFile(MlKit.Reader, MlKit.Bundle, "config/x.yaml",
                Path.Combine(src, "config", "config.yaml"), DateTime.UtcNow));
            Assert.ThrowsAny<StickyPiException>(() => store.GetMlBundleUploadTargets(MlKit.Reader, MlBundleListing.List(src, MlBundleSelection.All, MlKit.Bundle)));

            Assert.Equal(7, MlKit.Sync(store, MlKit.Writer).Push(MlKit.Bundle, src).Count);
            Assert.Equal(7, MlKit.Sync(store, MlKit.Reader).Pull(MlKit.Bundle, tmp.Combine("ro", MlKit.Bundle)).Count);
        }
    }
}
