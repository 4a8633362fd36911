using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Sync
{
    /// <summary>A crash between file write and commit, or a cancellation, never leaves a row without its files.</summary>
    public sealed class CrashAndCancelImportTests : IDisposable
    {
        private readonly ImportFixture _f = new ImportFixture();
        private readonly TempDir _crash = new TempDir("stickypi-sync-crash");

        public void Dispose()
        {
            _f.Dispose();
            _crash.Dispose();
        }

        [Fact]
        public void CommitThatNeverHappensLeavesAConsistentStoreAndARerunCompletesIt()
        {
            var files = ImportKit.Generate(_f.Input.Path, 12, seed: 31, width: 640, height: 480);
            var sources = ImportKit.Md5s(files);
            ImportKit.Run(_f.Store, files.Take(4));

            int calls = 0;
            _f.Store.BeforeCommit = () =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    ImportKit.CrashCopy(_f.Root, _crash.Path); // the process dies here…
                }

                throw new IOException("simulated crash before commit"); // …or the commit fails
            };
            var run = ImportKit.Run(_f.Store, files, new ImageImportOptions { MaxDegreeOfParallelism = 2 });
            _f.Store.BeforeCommit = null;

            Assert.True(calls >= 1);
            Assert.Equal(4, run.Count(ImportStatus.Skipped));
            Assert.Equal(8, run.Count(ImportStatus.Failed));
            Assert.All(run.With(ImportStatus.Failed), r => Assert.Equal(StickyErrorIds.StoreIo, r.ErrorId));
            Assert.Equal(8, run.Progress.Failed);

            // Both the store that saw the failure and the copy taken at the crash instant, once reopened.
            foreach (var root in new[] { _f.Root, _crash.Path })
            {
                using (var store = root == _f.Root ? _f.Reopen() : LocalStickyStore.Open(root, createIfMissing: false))
                {
                    var rows = ImportKit.AssertConsistent(store, sources, allowOrphans: true);
                    Assert.Equal(4, rows.Count);

                    var rerun = ImportKit.Run(store, files);
                    Assert.True(8 == rerun.Count(ImportStatus.Sent), rerun.ToString());
                    Assert.Equal(4, rerun.Count(ImportStatus.Skipped));
                    rows = ImportKit.AssertConsistent(store, sources, allowOrphans: false);
                    Assert.Equal(12, rows.Count);
                    Assert.Equal(sources.OrderBy(m => m), rows.Select(r => r.Md5).OrderBy(m => m));
                }
            }
        }

        [Fact]
        public void TransientCommitFailureOfOneBatchIsRetriedImageByImage()
        {
            var files = ImportKit.Generate(_f.Input.Path, 12, seed: 32);
            var sources = ImportKit.Md5s(files);
            int calls = 0;
            _f.Store.BeforeCommit = () =>
            {
                if (Interlocked.Increment(ref calls) == 2)
                {
                    ImportKit.CrashCopy(_f.Root, _crash.Path);
                    throw new IOException("simulated transient failure of the second commit");
                }
            };
            var run = ImportKit.Run(_f.Store, files, new ImageImportOptions { MaxDegreeOfParallelism = 2, CommitBatchSize = 3 });
            _f.Store.BeforeCommit = null;

            Assert.True(12 == run.Count(ImportStatus.Sent), run.ToString());
            Assert.Equal(12, run.Results.Select(r => r.Path).Distinct().Count());
            ImportKit.AssertConsistent(_f.Store, sources, allowOrphans: false);

            // The copy taken at the second commit: the first batch is stored, the rest is orphan files at most.
            using (var store = LocalStickyStore.Open(_crash.Path, createIfMissing: false))
            {
                var rows = ImportKit.AssertConsistent(store, sources, allowOrphans: true);
                Assert.InRange(rows.Count, 1, 3);
                var rerun = ImportKit.Run(store, files);
                Assert.Equal(12 - rows.Count, rerun.Count(ImportStatus.Sent));
                Assert.Equal(12, ImportKit.AssertConsistent(store, sources, allowOrphans: false).Count);
            }
        }

        /// <summary>
        /// A file whose commit failed keeps its in-flight claim on its key (ImageImporter.Commit emits the failure
        /// without releasing it), so a later file of the same run with that key is compared with a file that was
        /// never stored: reported Skipped ("same image as … in this batch") although nothing is stored.
        /// </summary>
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void FileWhoseCommitFailedDoesNotShadowALaterFileWithTheSameKey(bool sameContent)
        {
            var t = new DateTime(2021, 9, 1, 8, 0, 0, DateTimeKind.Utc);
            string a = SampleData.SampleImages.WriteImage(Path.Combine(_f.Input.Path, "a"), "0a5bb6f4", t, SampleData.SampleFormat.Legacy2020, 320, 240, 1);
            string b = Path.Combine(_f.Input.Path, "b", Path.GetFileName(a));
            if (sameContent)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(b));
                File.Copy(a, b);
            }
            else
            {
                SampleData.SampleImages.WriteImage(Path.GetDirectoryName(b), "0a5bb6f4", t, SampleData.SampleFormat.Legacy2020, 320, 240, 2);
            }

            bool failCommits = true;
            _f.Store.BeforeCommit = () =>
            {
                if (Volatile.Read(ref failCommits))
                {
                    throw new IOException("simulated transient commit failure");
                }
            };
            var results = new List<ImageImportResult>();
            using (var importer = new ImageImporter(_f.Store, ImportKit.Admin, new ImageImportOptions { MaxDegreeOfParallelism = 1 }))
            {
                importer.Post(a);
                Assert.True(importer.TryTake(out var first, TimeSpan.FromSeconds(30)));
                results.Add(first);
                Volatile.Write(ref failCommits, false);
                importer.Post(b);
                results.AddRange(importer.Drain());
            }

            _f.Store.BeforeCommit = null;
            Assert.Equal(ImportStatus.Failed, results[0].Status);
            Assert.Equal(StickyErrorIds.StoreIo, results[0].ErrorId);
            var second = results.Single(r => r.Path == Path.GetFullPath(b));
            var key = ImageFileName.Parse(a);
            string stored = _f.Store.GetStoredMd5(key);
            Assert.True(second.Status == ImportStatus.Sent && stored == ImportKit.Md5(b),
                "a's commit failed, so b should be stored; got " + second.Status + " " + second.ErrorId + " (" + second.Reason + "), stored md5 " + (stored ?? "none"));
        }

        [Fact]
        public void CrashDuringReplaceKeepsTheOldImageWhole()
        {
            var files = ImportKit.Generate(_f.Input.Path, 3, seed: 33, width: 640, height: 480);
            ImportKit.Run(_f.Store, files);
            var key = ImageFileName.Parse(files[2]);
            string oldMd5 = ImportKit.Md5(files[2]);
            var oldStored = ImportKit.StoredPaths(_f.Root, key).Select(File.ReadAllBytes).ToArray();
            ImportKit.ReplaceContent(files[2], seed: 777);
            string newMd5 = ImportKit.Md5(files[2]);

            _f.Store.BeforeCommit = () => ImportKit.CrashCopy(_f.Root, _crash.Path);
            var run = ImportKit.Run(_f.Store, files, new ImageImportOptions { OnConflict = ConflictAction.Replace });
            _f.Store.BeforeCommit = null;
            Assert.Equal(ImportStatus.Sent, run.For(files[2]).Status);
            Assert.Equal(newMd5, _f.Store.GetStoredMd5(key));

            var sources = ImportKit.Md5s(files);
            sources.Add(oldMd5);
            using (var store = LocalStickyStore.Open(_crash.Path, createIfMissing: false))
            {
                // The replacement never committed: the old row and the old files, all three.
                Assert.Equal(oldMd5, store.GetStoredMd5(key));
                Assert.Equal(oldStored, ImportKit.StoredPaths(_crash.Path, key).Select(File.ReadAllBytes).ToArray());
                ImportKit.AssertConsistent(store, sources, allowOrphans: false);

                var rerun = ImportKit.Run(store, files, new ImageImportOptions { OnConflict = ConflictAction.Replace });
                Assert.Equal(ImportStatus.Sent, rerun.For(files[2]).Status);
                Assert.Equal(newMd5, store.GetStoredMd5(key));
                ImportKit.AssertConsistent(store, sources, allowOrphans: false);
            }
        }

        /// <summary>200 small images, one worker slowed down a little: cancel after the first results.</summary>
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void CancelStopsPromptlyLeavesAConsistentStoreAndARerunStoresTheRest(bool disposeWithoutDrain)
        {
            var files = ImportKit.Generate(_f.Input.Path, 200, seed: 34, width: 160, height: 120);
            var sources = ImportKit.Md5s(files);
            var results = new List<ImageImportResult>();
            var options = new ImageImportOptions { MaxDegreeOfParallelism = 1, CommitBatchSize = 4, CommitInterval = TimeSpan.FromMilliseconds(20) };
            var importer = new ImageImporter(_f.Store, ImportKit.Admin, options);
            Stopwatch stopping;
            try
            {
                importer.FileOpening += _ => Thread.Sleep(10);
                foreach (var f in files)
                {
                    Assert.True(importer.Post(f));
                }

                var waited = Stopwatch.StartNew();
                while (results.Count < 3 && waited.Elapsed < TimeSpan.FromSeconds(30))
                {
                    if (importer.TryTake(out var r, TimeSpan.FromMilliseconds(100)))
                    {
                        results.Add(r);
                    }
                }

                Assert.True(results.Count >= 3, "no results within 30 s");
                stopping = Stopwatch.StartNew();
                if (disposeWithoutDrain)
                {
                    importer.Dispose();
                    while (importer.TryTake(out var r))
                    {
                        results.Add(r);
                    }
                }
                else
                {
                    importer.Cancel();
                    Assert.True(importer.IsCancellationRequested);
                    Assert.False(importer.Post(files[0]));
                    results.AddRange(importer.Drain());
                }

                Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), "stopping took " + stopping.Elapsed);
                Assert.Equal(200, importer.Progress.Posted);
            }
            finally
            {
                importer.Dispose();
            }

            Assert.InRange(results.Count, 3, 199);
            Assert.All(results, r => Assert.True(r.Status == ImportStatus.Sent, r.ToString()));
            Assert.Equal(results.Count, results.Select(r => r.Path).Distinct().Count());

            // Everything placed was committed and reported; no file without its row.
            var rows = ImportKit.AssertConsistent(_f.Store, sources, allowOrphans: false);
            Assert.Equal(results.Count, rows.Count);
            Assert.Equal(results.Select(r => r.Md5).OrderBy(m => m), rows.Select(r => r.Md5).OrderBy(m => m));

            // Also after reopening (the sweep has nothing to put back).
            var reopened = _f.Reopen();
            Assert.Equal(rows.Count, ImportKit.AssertConsistent(reopened, sources, allowOrphans: false).Count);

            var rerun = ImportKit.Run(reopened, files, new ImageImportOptions { MaxDegreeOfParallelism = 4 });
            Assert.Equal(200 - rows.Count, rerun.Count(ImportStatus.Sent));
            Assert.Equal(rows.Count, rerun.Count(ImportStatus.Skipped));
            Assert.All(rerun.With(ImportStatus.Skipped), r => Assert.True(r.FromCache, r.ToString()));
            Assert.Equal(200, ImportKit.AssertConsistent(reopened, sources, allowOrphans: false).Count);
        }
    }
}
