using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Tests.Sync
{
    /// <summary>
    /// Errors the importer's own threads meet must come back as Failed results, never escape a worker or the writer
    /// thread (an exception escaping a thread terminates the whole process: the PowerShell session, or the test host).
    /// </summary>
    public sealed class ImporterThreadSafetyTests : IDisposable
    {
        private const string KillsHost =
            "bug (lead to decide): an exception escapes an importer thread and terminates the process, so this test aborts the whole test run; ";

        private readonly ImportFixture _f = new ImportFixture();

        public void Dispose() => _f.Dispose();

        /// <summary>
        /// Writer: a commit batch holding a replacement and a new image; the replacement's group commits, the new
        /// image's group then fails, and Commit retries every item of the batch one by one, including the replacement
        /// already committed: CommitStagedImages throws InvalidOperationException ("already committed"), which
        /// Commit does not catch, and the writer thread dies.
        /// </summary>
        [Fact]
        public void FailureOfOneCommitGroupDoesNotRecommitTheOther()
        {
            var files = ImportKit.Generate(_f.Input.Path, 2, seed: 11, width: 640, height: 480);
            ImportKit.Run(_f.Store, files.Take(1));
            ImportKit.ReplaceContent(files[0], seed: 99);
            int commits = 0;
            _f.Store.BeforeCommit = () =>
            {
                // Every commit after the first fails, so the new image's retry fails too (a one-off failure
                // would be retried successfully, which is right but not what this test is about).
                if (++commits >= 2)
                {
                    throw new IOException("disk full (simulated) from the second group on");
                }
            };

            // One writer batch: both staged well within the commit interval.
            var run = ImportKit.Run(_f.Store, files, new ImageImportOptions
            {
                MaxDegreeOfParallelism = 1,
                OnConflict = ConflictAction.Replace,
                CommitInterval = TimeSpan.FromSeconds(3),
            });
            _f.Store.BeforeCommit = null;

            Assert.Equal(2, run.Results.Count);
            Assert.Equal(ImportStatus.Sent, run.For(files[0]).Status);
            Assert.Equal(ImportStatus.Failed, run.For(files[1]).Status);
            ImportKit.AssertConsistent(_f.Store, ImportKit.Md5s(files));
        }

        /// <summary>
        /// Worker: the batch lookup (LocalStickyStore.GetStoredMd5s in ImageImporter.ProcessBatch) is outside any
        /// try/catch, so a damaged catalog (StoreCorrupt), one locked beyond the busy timeout (StoreIo) or a disposed
        /// store (ObjectDisposedException) kills the worker thread instead of failing the files.
        /// </summary>
        [Fact]
        public void DamagedCatalogFailsTheFilesInsteadOfKillingTheWorker()
        {
            var files = ImportKit.Generate(_f.Input.Path, 3, seed: 12);
            ImportKit.Run(_f.Store, files.Take(1));

            // Damage the catalog's header behind the open store (another tool, a disk error): with the pooled
            // connections closed, the WAL is checkpointed and removed, and the next connection finds no database.
            SqliteConnection.ClearAllPools();
            using (var fs = new FileStream(_f.Store.DatabasePath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                var garbage = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 + 1)).ToArray();
                fs.Write(garbage, 0, garbage.Length);
            }

            var e = Assert.Throws<StickyPiException>(() => _f.Store.GetStoredMd5(ImageFileName.Parse(files[0])));
            Assert.Equal(StickyErrorIds.StoreCorrupt, e.ErrorId);

            var run = ImportKit.Run(_f.Store, files);
            Assert.Equal(3, run.Results.Count);
            Assert.All(run.Results, r => Assert.Equal(ImportStatus.Failed, r.Status));
            Assert.All(run.Results, r => Assert.Equal(StickyErrorIds.StoreCorrupt, r.ErrorId));
        }

        /// <summary>
        /// WorkerLoop's <c>catch (InvalidOperationException) when (_input.IsCompleted)</c> (meant for "input completed
        /// while waiting") also swallows any InvalidOperationException thrown while processing a batch, such as the
        /// ObjectDisposedException of a store closed under the importer: the batch's files silently get no result,
        /// yet the importer reports itself finished. Made deterministic by holding the worker on a first (bad) file
        /// until the rest is queued, the store closed and the input completed.
        /// </summary>
        [Fact]
        public void NoPostedFileIsSilentlyDropped()
        {
            string gate = Path.Combine(_f.Input.Path, "0a5bb6f4.2021-01-01_00-00-00.jpg");
            File.WriteAllBytes(gate, new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 16 }); // truncated: fails without touching the store
            var files = ImportKit.Generate(_f.Input.Path, 3, seed: 13);
            var release = new ManualResetEventSlim(false);
            var opened = new ManualResetEventSlim(false);
            var results = new List<ImageImportResult>();
            Exception thrown = null;
            var importer = new ImageImporter(_f.Store, ImportKit.Admin, new ImageImportOptions { MaxDegreeOfParallelism = 1 });
            try
            {
                importer.FileOpening += p =>
                {
                    if (p == gate)
                    {
                        opened.Set();
                        release.Wait(TimeSpan.FromSeconds(10));
                    }
                };
                importer.Post(gate);
                Assert.True(opened.Wait(TimeSpan.FromSeconds(10)));
                foreach (var f in files)
                {
                    importer.Post(f);
                }

                _f.Store.Dispose();
                importer.Complete();
                release.Set();
                results.AddRange(importer.Drain());
                importer.Dispose();
            }
            catch (Exception e)
            {
                thrown = e; // acceptable: the caller learns the import did not finish
            }

            if (thrown == null)
            {
                Assert.True(results.Count == 4,
                    "4 files posted, " + results.Count + " results, no exception: " + string.Join("; ", results.Select(r => r.Status + " " + r.Path + " " + r.ErrorId)));
            }
        }
    }
}
