using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Local;
using StickyPi.Core.Tests.Support;
using StickyPi.Core.Tests.Sync;
using StickyPi.Core.Tests.Tuboids;
using StickyPi.SampleData;

namespace StickyPi.Core.Tests.Hostile
{
    /// <summary>
    /// After a batch of hostile files the store holds exactly the good ones: no half-written row, no file without its
    /// row, no temporary file, nothing outside the store's own folders.
    /// </summary>
    [Collection(nameof(AllocationMeasured))]
    public class StoreConsistencyTests
    {
        private const string MaybeSent = "(may be stored)";

        private static readonly DateTime T0 = new DateTime(2022, 6, 1, 0, 0, 0, DateTimeKind.Utc);

        [Fact]
        public void AHostileBatchLeavesOnlyTheGoodImagesAndTuboidsInAConsistentStore()
        {
            using (var src = new TempDir("stickypi-hostile"))
            using (var store = new StoreDir())
            {
                var good = ImportKit.Generate(src.Combine("good"), 8, seed: 21, width: 96, height: 72);
                good.Add(SampleImages.WriteImage(src.Combine("good"), "5c173ff2", new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc), SampleFormat.Csv2022, 64, 48, 5));
                var bad = HostileImages(src.Combine("bad"), File.ReadAllBytes(good[1]));
                var storeEntriesBefore = TopLevel(store.Path);

                var run = ImportKit.Run(store.Store, good.Concat(bad.Keys).ToList(), new ImageImportOptions { MaxDegreeOfParallelism = 2 });

                Assert.Equal(good.Count + bad.Count, run.Results.Count);
                foreach (var path in good)
                {
                    Assert.True(run.For(path).Status == ImportStatus.Sent, run.For(path).Status + " " + run.For(path).Reason);
                }

                foreach (var (path, ids) in bad)
                {
                    var r = run.For(path);
                    if (r.Status == ImportStatus.Sent && ids.Contains(MaybeSent))
                    {
                        good.Add(path); // a flipped byte the image does not depend on: stored, as upstream would
                        continue;
                    }

                    Assert.True(r.Status == ImportStatus.Failed, path + ": " + r.Status);
                    Assert.True(ids.Contains(r.ErrorId), Path.GetFileName(path) + ": " + r.ErrorId + " " + r.Reason);
                    Assert.Equal(Path.GetFullPath(path), r.Error.Target);
                }

                var rows = ImportKit.AssertConsistent(store.Store, ImportKit.Md5s(good), allowOrphans: false);
                Assert.Equal(good.Count, rows.Count);
                Assert.Equal(good.Count, (int)Kit.Count(store.Db, "images"));
                Assert.Contains(rows, r => r.DateTime.Year == 9999);

                // Tuboids: good series directories stored, hostile ones refused one by one.
                var tuboids = TuboidKit.CopyTuboids(src.Combine("tuboids"), "0000", "0028", "0029", "0030");
                File.Delete(Path.Combine(tuboids[1], "tuboid.jpg"));                                              // missing file
                File.WriteAllText(Path.Combine(tuboids[2], "metadata.txt"), "not,a,tuboid\n");                     // mutated metadata
                HostileFiles.Sparse(Path.Combine(tuboids[3], "metadata.txt"), 100L << 20, new byte[] { (byte)'0' }); // 100 MB metadata
                var tuboidResults = store.Store.PutTiledTuboids(Kit.Admin, tuboids, TuboidKit.Info(tuboids: 4));
                Assert.Equal(ImportStatus.Sent, tuboidResults[0].Status);
                Assert.All(tuboidResults.Skip(1), r => Assert.Equal(ImportStatus.Failed, r.Status));
                Assert.Contains(tuboidResults, r => r.ErrorId == StickyErrorIds.FileTooLarge);
                Assert.Equal(3, TuboidKit.StoredFiles(store.Path).Count); // one tuboid's three files
                Assert.Equal(1, (int)Kit.Count(store.Db, "tiled_tuboids"));

                // Nothing but the store's own entries at its root, nothing left in its temporary folder.
                var allowed = new HashSet<string>(storeEntriesBefore) { "raw_images", "tiled_tuboids", "database.db-wal", "database.db-shm", "cache", ".stickypi-tmp" };
                Assert.All(TopLevel(store.Path), e => Assert.Contains(e, allowed));
                Assert.Empty(ImportKit.TempLeftovers(store.Path));
                Assert.DoesNotContain(Directory.GetFiles(store.Path, "*", SearchOption.AllDirectories), f => f.Contains(".tmp", StringComparison.Ordinal) && !f.Contains(".stickypi-tmp", StringComparison.Ordinal));
            }
        }

        /// <summary>Hostile image files and the error ids each may get.</summary>
        private static Dictionary<string, string[]> HostileImages(string dir, byte[] sample)
        {
            Directory.CreateDirectory(dir);
            var files = new Dictionary<string, string[]>();
            int n = 0;
            string Name(string device = "1b74105a") => Path.Combine(dir, device + "." + T0.AddMinutes(n++).ToString("yyyy-MM-dd_HH-mm-ss") + ".jpg");
            void Add(byte[] bytes, params string[] ids)
            {
                var p = Name();
                File.WriteAllBytes(p, bytes);
                files[p] = ids;
            }

            Add(HostileFiles.Bomb(65535, 65535), StickyErrorIds.ImageTooLarge);
            Add(HostileFiles.Bomb(40000, 40000), StickyErrorIds.ImageTooLarge);
            Add(new byte[0], StickyErrorIds.EmptyFile);
            Add(SampleImages.CreatePng(), StickyErrorIds.NotAJpeg);
            Add(sample.Take(2).ToArray(), StickyErrorIds.NotAJpeg);
            foreach (var cut in new[] { 20, 200, sample.Length / 2, sample.Length - 2 })
            {
                Add(sample.Take(cut).ToArray(), StickyErrorIds.TruncatedJpeg, StickyErrorIds.MissingExif, StickyErrorIds.InvalidExif);
            }

            var rng = new Random(5);
            int sof = HostileFiles.FindFrameHeader(sample);
            for (int i = 0; i < 6; i++)
            {
                // Mutations in the segments before the frame header (EXIF, tables): refused or, where harmless, stored.
                var m = (byte[])sample.Clone();
                for (int k = 0; k < 4; k++)
                {
                    m[rng.Next(2, sof)] ^= (byte)rng.Next(1, 256);
                }

                var p = Name("0a5bb6f4");
                File.WriteAllBytes(p, m);
                files[p] = new[] { StickyErrorIds.TruncatedJpeg, StickyErrorIds.MissingExif, StickyErrorIds.InvalidExif, StickyErrorIds.NotAJpeg, StickyErrorIds.ImageTooLarge, MaybeSent };
            }

            var big = Name();
            HostileFiles.Sparse(big, 150L << 20, new byte[] { 0xFF, 0xD8, 0xFF });
            files[big] = new[] { StickyErrorIds.FileTooLarge };
            var badName = Path.Combine(dir, "1b74105a.2022-13-01_00-00-00.jpg");
            File.WriteAllBytes(badName, sample);
            files[badName] = new[] { StickyErrorIds.InvalidFileName };
            var leap = Path.Combine(dir, "1b74105a.2022-06-30_23-59-60.jpg");
            File.WriteAllBytes(leap, sample);
            files[leap] = new[] { StickyErrorIds.InvalidFileName };
            return files;
        }

        private static HashSet<string> TopLevel(string root) =>
            new HashSet<string>(Directory.GetFileSystemEntries(root).Select(Path.GetFileName), StringComparer.Ordinal);
    }
}
