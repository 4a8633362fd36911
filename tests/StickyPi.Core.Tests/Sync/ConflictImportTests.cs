using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;
using StickyPi.SampleData;

namespace StickyPi.Core.Tests.Sync
{
    /// <summary>Same device and datetime, other content: against the store (§8 #6, #21) and within one batch.</summary>
    public sealed class ConflictImportTests : IDisposable
    {
        private static readonly DateTime T0 = new DateTime(2021, 7, 1, 12, 0, 0, DateTimeKind.Utc);
        private readonly ImportFixture _f = new ImportFixture();

        public void Dispose() => _f.Dispose();

        private static byte[][] StoredBytes(string root, ImageKey key) =>
            ImportKit.StoredPaths(root, key).Select(File.ReadAllBytes).ToArray();

        /// <summary>Three stored images; the middle one's file is then replaced by other content (new mtime).</summary>
        private (List<string> files, string changed, ImageKey key, string oldMd5, byte[][] oldStored) StoreThenChangeOne()
        {
            var files = ImportKit.Generate(_f.Input.Path, 3, seed: 1, width: 640, height: 480);
            var first = ImportKit.Run(_f.Store, files);
            Assert.True(3 == first.Count(ImportStatus.Sent), first.ToString());

            string changed = files[1];
            var key = ImageFileName.Parse(changed);
            string oldMd5 = ImportKit.Md5(changed);
            var oldStored = StoredBytes(_f.Root, key);
            ImportKit.ReplaceContent(changed, seed: 4242);
            Assert.NotEqual(oldMd5, ImportKit.Md5(changed));
            return (files, changed, key, oldMd5, oldStored);
        }

        [Fact]
        public void ChangedFileIsReportedAsMd5ConflictAndNothingIsOverwritten()
        {
            var (files, changed, key, oldMd5, oldStored) = StoreThenChangeOne();
            string newMd5 = ImportKit.Md5(changed);

            var run = ImportKit.Run(_f.Store, files, new ImageImportOptions { OnConflict = ConflictAction.Report });

            var r = run.For(changed);
            Assert.Equal(ImportStatus.Failed, r.Status);
            Assert.Equal(StickyErrorIds.Md5Conflict, r.ErrorId);
            Assert.Equal(StickyErrorKind.Conflict, r.Error.Kind);
            Assert.Contains(Path.GetFullPath(changed), r.Reason);
            Assert.Contains(oldMd5, r.Reason);
            Assert.Contains(newMd5, r.Reason);
            Assert.Equal(newMd5, r.Md5);
            Assert.False(r.FromCache);
            Assert.Equal(2, run.Count(ImportStatus.Skipped));
            Assert.Equal(1, run.Progress.Failed);
            Assert.Equal(1, run.Progress.FilesOpened); // only the changed file (its size/mtime no longer match the cache)

            Assert.Equal(oldMd5, _f.Store.GetStoredMd5(key));
            Assert.Equal(oldStored, StoredBytes(_f.Root, key));
            Assert.Empty(ImportKit.TempLeftovers(_f.Root));

            // Reported again on the next run (now from the cache), still without touching the store.
            var again = ImportKit.Run(_f.Store, files);
            Assert.Equal(StickyErrorIds.Md5Conflict, again.For(changed).ErrorId);
            Assert.Equal(0, again.Progress.FilesOpened);
            Assert.Equal(oldStored, StoredBytes(_f.Root, key));
        }

        [Fact]
        public void ChangedFileIsSkippedOnRequest()
        {
            var (files, changed, key, oldMd5, oldStored) = StoreThenChangeOne();

            var run = ImportKit.Run(_f.Store, files, new ImageImportOptions { OnConflict = ConflictAction.Skip });

            var r = run.For(changed);
            Assert.Equal(ImportStatus.Skipped, r.Status);
            Assert.Equal(ImportKit.Md5(changed), r.Md5);
            Assert.Contains(oldMd5, r.Reason);
            Assert.Equal(3, run.Count(ImportStatus.Skipped));
            Assert.Equal(0, run.Progress.Failed);
            Assert.Equal(oldMd5, _f.Store.GetStoredMd5(key));
            Assert.Equal(oldStored, StoredBytes(_f.Root, key));
        }

        [Fact]
        public void ChangedFileReplacesStoredImageAndDropsItsAnnotations()
        {
            var (files, changed, key, oldMd5, oldStored) = StoreThenChangeOne();
            var otherKey = ImageFileName.Parse(files[0]);
            _f.Store.PutUidAnnotations(ImportKit.Admin, new[]
            {
                Annotation(key, oldMd5),
                Annotation(otherKey, ImportKit.Md5(files[0])),
            });
            Assert.Single(_f.Store.GetUidAnnotations(ImportKit.Admin, new[] { key }, includeJson: false));
            long oldId = _f.Store.GetImages(ImportKit.Admin, new[] { key }).Single().Id.Value;
            string newMd5 = ImportKit.Md5(changed);

            var run = ImportKit.Run(_f.Store, files, new ImageImportOptions { OnConflict = ConflictAction.Replace });

            var r = run.For(changed);
            Assert.True(ImportStatus.Sent == r.Status, run.ToString());
            Assert.Equal(newMd5, r.Md5);
            Assert.Equal(newMd5, r.Image.Md5);
            Assert.Equal(2, run.Count(ImportStatus.Skipped));

            var row = _f.Store.GetImages(ImportKit.Admin, new[] { key }, ImageFileKind.Image).Single();
            Assert.Equal(newMd5, row.Md5);
            Assert.Equal(640, row.Width);
            Assert.Equal("3.1.0", row.DeviceVersion); // metadata of the new file (2022 format)
            Assert.NotEqual(oldId, row.Id);
            Assert.Equal(File.ReadAllBytes(changed), File.ReadAllBytes(row.Url));
            var parsed = new StickyImageParser().ParseFile(changed);
            Assert.Equal(parsed.Thumbnail, File.ReadAllBytes(row.Url + ".thumbnail"));
            Assert.Equal(parsed.ThumbnailMini, File.ReadAllBytes(row.Url + ".thumbnail-mini"));
            Assert.NotEqual(oldStored[1], File.ReadAllBytes(row.Url + ".thumbnail"));

            // The old image's annotations are gone, the other image's stay.
            Assert.Empty(_f.Store.GetUidAnnotations(ImportKit.Admin, new[] { key }, includeJson: false));
            Assert.Single(_f.Store.GetUidAnnotations(ImportKit.Admin, new[] { otherKey }, includeJson: false));
            Assert.Equal(3, ImportKit.AllRows(_f.Store).Count);
            ImportKit.AssertConsistent(_f.Store, ImportKit.Md5s(files), allowOrphans: false);

            // Now the stored image is the new one: a re-run skips it from the cache.
            var again = ImportKit.Run(_f.Store, files, new ImageImportOptions { OnConflict = ConflictAction.Replace });
            Assert.All(again.Results, x => Assert.True(x.Status == ImportStatus.Skipped && x.FromCache, x.ToString()));
        }

        private static UidAnnotationSubmission Annotation(ImageKey key, string md5) =>
            UidAnnotationSubmission.Create(key.Device, key.DateTime, md5, "uid", "1598113346-ad2cd78dfaca12821046dfb8994724d5",
                new List<object> { new Dictionary<string, object> { ["contour"] = new object[] { new object[] { new object[] { 1, 2 } } }, ["name"] = "insect", ["value"] = 1 } });

        /// <summary>a/&lt;name&gt; and b/&lt;name&gt;: same key in one batch.</summary>
        private (string a, string b) SameKeyInTwoFolders(bool sameContent)
        {
            string a = SampleImages.WriteImage(Path.Combine(_f.Input.Path, "a"), "0a5bb6f4", T0, SampleFormat.Legacy2020, 320, 240, seed: 7);
            string b;
            if (sameContent)
            {
                b = Path.Combine(_f.Input.Path, "b", Path.GetFileName(a));
                Directory.CreateDirectory(Path.GetDirectoryName(b));
                File.Copy(a, b);
            }
            else
            {
                b = SampleImages.WriteImage(Path.Combine(_f.Input.Path, "b"), "0a5bb6f4", T0, SampleFormat.Csv2022, 320, 240, seed: 8);
                Assert.NotEqual(ImportKit.Md5(a), ImportKit.Md5(b));
            }

            return (a, b);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void SameKeySameContentInOneBatch_OneSentOneSkipped(int parallelism)
        {
            var (a, b) = SameKeyInTwoFolders(sameContent: true);
            var others = ImportKit.Generate(Path.Combine(_f.Input.Path, "others"), 6, seed: 3);

            var run = ImportKit.Run(_f.Store, new[] { a, b }.Concat(others), new ImageImportOptions { MaxDegreeOfParallelism = parallelism });

            var pair = new[] { run.For(a), run.For(b) };
            Assert.True(pair.Count(r => r.Status == ImportStatus.Sent) == 1, run.ToString());
            Assert.True(pair.Count(r => r.Status == ImportStatus.Skipped) == 1, run.ToString());
            Assert.All(pair, r => Assert.Equal(ImportKit.Md5(a), r.Md5));
            Assert.Equal(6, others.Count(o => run.For(o).Status == ImportStatus.Sent));

            var key = ImageFileName.Parse(a);
            Assert.Equal(ImportKit.Md5(a), _f.Store.GetStoredMd5(key));
            ImportKit.AssertConsistent(_f.Store, ImportKit.Md5s(others.Append(a)), allowOrphans: false);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void SameKeyOtherContentInOneBatch_OneSentOneMd5Conflict(int parallelism)
        {
            var (a, b) = SameKeyInTwoFolders(sameContent: false);
            var others = ImportKit.Generate(Path.Combine(_f.Input.Path, "others"), 6, seed: 3);

            var run = ImportKit.Run(_f.Store, new[] { a, b }.Concat(others), new ImageImportOptions { MaxDegreeOfParallelism = parallelism });

            var pair = new[] { run.For(a), run.For(b) };
            var sent = pair.SingleOrDefault(r => r.Status == ImportStatus.Sent);
            var failed = pair.SingleOrDefault(r => r.Status == ImportStatus.Failed);
            Assert.True(sent != null && failed != null, run.ToString());
            Assert.Equal(StickyErrorIds.Md5Conflict, failed.ErrorId);
            Assert.Contains(failed.Path, failed.Reason);
            Assert.Contains(sent.Path, failed.Reason);

            // The stored row is the sent file's, and the stored files match the stored row.
            var key = ImageFileName.Parse(a);
            var row = _f.Store.GetImages(ImportKit.Admin, new[] { key }, ImageFileKind.Image).Single();
            Assert.Equal(ImportKit.Md5(sent.Path), row.Md5);
            Assert.Equal(File.ReadAllBytes(sent.Path), File.ReadAllBytes(row.Url));
            var parsed = new StickyImageParser().ParseFile(sent.Path);
            Assert.Equal(parsed.Thumbnail, File.ReadAllBytes(row.Url + ".thumbnail"));
            Assert.Equal(parsed.ThumbnailMini, File.ReadAllBytes(row.Url + ".thumbnail-mini"));
            ImportKit.AssertConsistent(_f.Store, ImportKit.Md5s(others.Append(a).Append(b)), allowOrphans: false);
        }

        /// <summary>
        /// Same key twice in one lookup batch, but far apart: the first file is committed (and its in-flight claim
        /// released) before the worker reaches the second, whose store lookup was done before that commit.
        /// </summary>
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void SameKeyFarApartInOneBatch_IsStillSkippedOrMd5Conflict(bool sameContent)
        {
            var (a, b) = SameKeyInTwoFolders(sameContent);
            string gate = SampleImages.WriteImage(Path.Combine(_f.Input.Path, "gate"), "5c173ff2", T0, SampleFormat.Legacy2020, 320, 240, seed: 9);
            var between = ImportKit.Generate(Path.Combine(_f.Input.Path, "between"), 8, seed: 5);
            var posted = new ManualResetEventSlim(false);
            var results = new List<ImageImportResult>();
            var options = new ImageImportOptions { MaxDegreeOfParallelism = 1, CommitInterval = TimeSpan.FromMilliseconds(1) };
            using (var importer = new ImageImporter(_f.Store, ImportKit.Admin, options))
            {
                importer.FileOpening += p =>
                {
                    if (p == Path.GetFullPath(gate))
                    {
                        posted.Wait(TimeSpan.FromSeconds(10)); // the rest is queued meanwhile: one lookup batch
                    }
                    else if (p == Path.GetFullPath(between.Last()))
                    {
                        Thread.Sleep(500); // ample time for the writer to commit a
                    }
                };
                importer.Post(gate);
                foreach (var p in new[] { a }.Concat(between).Append(b))
                {
                    importer.Post(p);
                }

                posted.Set();
                results.AddRange(importer.Drain());
            }

            string all = string.Join(Environment.NewLine, results.Select(r => r.Status + " " + r.Path + " " + r.ErrorId + " " + r.Reason));
            Assert.Equal(11, results.Count);
            Assert.Equal(ImportStatus.Sent, results.Single(r => r.Path == a).Status);
            var second = results.Single(r => r.Path == b);
            var problems = new List<string>();
            if (sameContent && second.Status != ImportStatus.Skipped)
            {
                problems.Add("expected Skipped (same image already stored), got " + second.Status + " " + second.ErrorId);
            }

            if (!sameContent && !(second.Status == ImportStatus.Failed && second.ErrorId == StickyErrorIds.Md5Conflict))
            {
                problems.Add("expected Failed Md5Conflict, got " + second.Status + " " + second.ErrorId);
            }

            // The losing file's staged copies must not linger in the store's temporary folder while it stays open.
            var leftovers = ImportKit.TempLeftovers(_f.Root);
            if (leftovers.Length > 0)
            {
                problems.Add(leftovers.Length + " temporary file(s) left in .stickypi-tmp after the importer was disposed");
            }

            Assert.True(problems.Count == 0, string.Join("; ", problems) + Environment.NewLine + all);
            ImportKit.AssertConsistent(_f.Store, ImportKit.Md5s(between.Append(a).Append(gate)), allowOrphans: false);
        }
    }
}
