using System;
using System.IO;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Sync
{
    /// <summary>Parallelism changes nothing stored; a plan writes nothing.</summary>
    public sealed class ParallelAndPlanImportTests : IDisposable
    {
        private readonly ImportFixture _f = new ImportFixture();

        public void Dispose() => _f.Dispose();

        [Fact]
        public void OneAndFourWorkersStoreIdenticalRowsAndFiles()
        {
            var files = ImportKit.Generate(_f.Input.Path, 60, seed: 41, width: 640, height: 480);
            using (var otherDir = new TempDir("stickypi-sync-store4"))
            using (var other = LocalStickyStore.Open(otherDir.Path))
            {
                var one = ImportKit.Run(_f.Store, files, new ImageImportOptions { MaxDegreeOfParallelism = 1 });
                var four = ImportKit.Run(other, files.AsEnumerable().Reverse(), new ImageImportOptions { MaxDegreeOfParallelism = 4, LookupBatchSize = 5, CommitBatchSize = 7 });
                Assert.True(60 == one.Count(ImportStatus.Sent), one.ToString());
                Assert.True(60 == four.Count(ImportStatus.Sent), four.ToString());

                var a = ImportKit.AllRows(_f.Store);
                var b = ImportKit.AllRows(other);
                Assert.Equal(60, a.Count);
                Assert.Equal(60, b.Count);
                Assert.Equal(ImportKit.Md5s(files).OrderBy(m => m), a.Select(r => r.Md5).OrderBy(m => m));
                for (int i = 0; i < a.Count; i++)
                {
                    var x = a[i];
                    var y = b[i];
                    Assert.Equal(x.Key, y.Key);
                    Assert.Equal(x.Md5, y.Md5);
                    Assert.Equal(x.DeviceVersion, y.DeviceVersion);
                    Assert.Equal(x.Width, y.Width);
                    Assert.Equal(x.Height, y.Height);
                    Assert.Equal(x.Lat, y.Lat);
                    Assert.Equal(x.Lng, y.Lng);
                    Assert.Equal(x.Alt, y.Alt);
                    Assert.Equal(x.Temp, y.Temp);
                    Assert.Equal(x.Hum, y.Hum);
                    Assert.Equal(x.Lum, y.Lum);
                    Assert.Equal(x.Bat, y.Bat);
                    Assert.Equal(x.But, y.But);
                    Assert.Equal(x.ApiVersion, y.ApiVersion);
                    Assert.Equal(x.ApiUserId, y.ApiUserId);

                    // Thumbnails are deterministic too.
                    var pa = ImportKit.StoredPaths(_f.Root, x.Key);
                    var pb = ImportKit.StoredPaths(otherDir.Path, y.Key);
                    for (int n = 0; n < 3; n++)
                    {
                        Assert.Equal(File.ReadAllBytes(pa[n]), File.ReadAllBytes(pb[n]));
                    }
                }

                ImportKit.AssertConsistent(_f.Store, ImportKit.Md5s(files), allowOrphans: false);
                ImportKit.AssertConsistent(other, ImportKit.Md5s(files), allowOrphans: false);
            }
        }

        [Fact]
        public void PlanOnlyOnAnEmptyStoreWritesNothingAndReadsNothing()
        {
            var files = ImportKit.Generate(_f.Input.Path, 6, seed: 42);
            var plan = ImportKit.Run(_f.Store, files, new ImageImportOptions { PlanOnly = true, MaxDegreeOfParallelism = 3 });

            Assert.Equal(6, plan.Results.Count);
            Assert.All(plan.Results, r =>
            {
                Assert.Equal(ImportStatus.Planned, r.Status);
                Assert.NotNull(r.Device);
                Assert.NotNull(r.DateTime);
                Assert.Null(r.Image);
            });
            Assert.Equal(0, plan.Progress.Sent);
            Assert.Equal(0, plan.Progress.FilesOpened); // deciding "new" needs only the name and the store
            Assert.Empty(plan.Opened);
            Assert.Empty(ImportKit.AllRows(_f.Store));
            Assert.False(Directory.Exists(Path.Combine(_f.Root, "raw_images")));
            Assert.Empty(ImportKit.FilesUnder(_f.Root, ".stickypi-tmp"));

            // The plan was right: the real run sends exactly the planned files.
            var run = ImportKit.Run(_f.Store, files);
            Assert.Equal(plan.Results.Select(r => r.Path).OrderBy(p => p), run.With(ImportStatus.Sent).Select(r => r.Path).OrderBy(p => p));
        }

        [Fact]
        public void PlanOnlyPlansNewFilesSkipsStoredOnesAndReportsConflicts()
        {
            var files = ImportKit.Generate(_f.Input.Path, 8, seed: 43, width: 640, height: 480);
            ImportKit.Run(_f.Store, files.Take(4));
            var rowsBefore = ImportKit.AllRows(_f.Store).Select(r => r.Id + " " + r.Md5).ToList();
            var filesBefore = ImportKit.FilesUnder(_f.Root, "raw_images").OrderBy(p => p).ToList();
            var bytesBefore = filesBefore.Select(File.ReadAllBytes).ToList();
            ImportKit.ReplaceContent(files[0], seed: 4343);

            foreach (var action in new[] { ConflictAction.Report, ConflictAction.Skip, ConflictAction.Replace })
            {
                var plan = ImportKit.Run(_f.Store, files, new ImageImportOptions { PlanOnly = true, OnConflict = action });

                Assert.Equal(8, plan.Results.Count);
                Assert.All(files.Skip(4), f => Assert.Equal(ImportStatus.Planned, plan.For(f).Status));
                Assert.All(files.Skip(1).Take(3), f => Assert.Equal(ImportStatus.Skipped, plan.For(f).Status));
                var changed = plan.For(files[0]);
                switch (action)
                {
                    case ConflictAction.Report:
                        Assert.Equal(ImportStatus.Failed, changed.Status);
                        Assert.Equal(StickyErrorIds.Md5Conflict, changed.ErrorId);
                        break;
                    case ConflictAction.Skip:
                        Assert.Equal(ImportStatus.Skipped, changed.Status);
                        break;
                    default:
                        Assert.Equal(ImportStatus.Planned, changed.Status);
                        Assert.Equal(ImportKit.Md5(files[0]), changed.Md5);
                        break;
                }

                // Nothing written.
                Assert.Equal(rowsBefore, ImportKit.AllRows(_f.Store).Select(r => r.Id + " " + r.Md5).ToList());
                var filesAfter = ImportKit.FilesUnder(_f.Root, "raw_images").OrderBy(p => p).ToList();
                Assert.Equal(filesBefore, filesAfter);
                Assert.Equal(bytesBefore, filesAfter.Select(File.ReadAllBytes).ToList());
                Assert.Empty(ImportKit.TempLeftovers(_f.Root));

                // Only what deciding needs was read: the changed stored file (nothing new, nothing cached).
                Assert.All(plan.Opened, p => Assert.Equal(Path.GetFullPath(files[0]), p));
            }
        }
    }
}
