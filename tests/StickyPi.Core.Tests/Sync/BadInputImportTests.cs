using System;
using System.IO;
using System.Linq;
using System.Text;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;
using StickyPi.SampleData;

namespace StickyPi.Core.Tests.Sync
{
    /// <summary>Bad files in a batch fail one by one, with a stable id and their path, and leave nothing behind.</summary>
    public sealed class BadInputImportTests : IDisposable
    {
        private readonly ImportFixture _f = new ImportFixture();

        public void Dispose() => _f.Dispose();

        private string Write(string name, byte[] content)
        {
            string path = Path.Combine(_f.Input.Path, "bad", name);
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            File.WriteAllBytes(path, content);
            return path;
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void EachBadFileFailsWithItsIdAndPathAndTheGoodOnesAreSent(int parallelism)
        {
            var good = ImportKit.Generate(Path.Combine(_f.Input.Path, "good"), 4, seed: 21);
            var full = SampleImages.CreateJpeg(1024, 768, 3, new SampleMetadata { Format = SampleFormat.Legacy2020, Temp = 20, Hum = 50 }.ToExif());
            var half = full.Take(full.Length / 2).ToArray();
            var bad = new (string path, string errorId)[]
            {
                (Write("not-a-sticky-name.jpg", full), StickyErrorIds.InvalidFileName),
                (Write("0a5bb6f4.2020-13-01_00-00-00.jpg", full), StickyErrorIds.InvalidFileName),
                (Write("0a5bb6f4.2019-06-01_00-00-00.jpg", full), StickyErrorIds.ImageTooOld),
                (Write("0a5bb6f4.2021-08-01_00-00-00.jpg", new byte[0]), StickyErrorIds.EmptyFile),
                (Write("0a5bb6f4.2021-08-01_00-20-00.jpg", half), StickyErrorIds.TruncatedJpeg),
                (Write("0a5bb6f4.2021-08-01_00-40-00.jpg", SampleImages.CreatePng()), StickyErrorIds.NotAJpeg),
                (Write("0a5bb6f4.2021-08-01_01-00-00.jpg", Encoding.UTF8.GetBytes("not an image\n")), StickyErrorIds.NotAJpeg),
                (Path.Combine(_f.Input.Path, "bad", "0a5bb6f4.2021-08-01_01-20-00.jpg"), StickyErrorIds.FileNotFound),
                (Path.Combine(_f.Input.Path, "no-such-dir", "0a5bb6f4.2021-08-01_01-40-00.jpg"), StickyErrorIds.FileNotFound),
                (Write("0a5bb6f4.2021-08-01_02-00-00.jpg", SampleImages.CreateJpegWithoutExif()), StickyErrorIds.MissingExif),
                (Write("0a5bb6f4.2021-08-01_02-20-00.jpg", SampleImages.CreateJpeg(320, 240, 5, new ExifSpec("Raspberry Pi", "hello"))), StickyErrorIds.InvalidExif),
            };

            // Interleaved, so failures happen between good files of the same lookup and commit batches.
            var posted = bad.Select(b => b.path).Zip(good.Concat(Enumerable.Repeat<string>(null, bad.Length)), (b, g) => new[] { b, g })
                .SelectMany(x => x).Where(x => x != null).ToList();
            var run = ImportKit.Run(_f.Store, posted, new ImageImportOptions { MaxDegreeOfParallelism = parallelism });

            Assert.Equal(posted.Count, run.Results.Count);
            foreach (var (path, errorId) in bad)
            {
                var r = run.For(path);
                Assert.True(r.Status == ImportStatus.Failed, path + ": " + r.Status);
                Assert.True(errorId == r.ErrorId, path + ": expected " + errorId + ", got " + r.ErrorId + " " + r.Reason);
                Assert.Contains(Path.GetFullPath(path), r.Reason);
                Assert.Equal(errorId, r.Error.ErrorId);
                Assert.Equal(r.Reason, r.Error.Message);
                Assert.Null(r.Image);
            }

            Assert.All(good, g => Assert.Equal(ImportStatus.Sent, run.For(g).Status));
            Assert.Equal(bad.Length, run.Progress.Failed);
            Assert.Equal(good.Count, run.Progress.Sent);

            // Nothing of the failed files was written; nothing temporary remains.
            Assert.Equal(good.Count, ImportKit.AllRows(_f.Store).Count);
            Assert.Equal(good.Count * 3, ImportKit.FilesUnder(_f.Root, "raw_images").Length);
            foreach (var (path, _) in bad)
            {
                if (ImageFileName.TryParse(path, out var key, out _))
                {
                    Assert.All(ImportKit.StoredPaths(_f.Root, key), p => Assert.False(File.Exists(p), p));
                }
            }

            Assert.Empty(ImportKit.TempLeftovers(_f.Root));
            ImportKit.AssertConsistent(_f.Store, ImportKit.Md5s(good), allowOrphans: false);

            // After the store is closed its private temporary folder holds no session either.
            _f.Store.Dispose();
            string tmp = Path.Combine(_f.Root, ".stickypi-tmp");
            Assert.True(!Directory.Exists(tmp) || Directory.GetFileSystemEntries(tmp).Length == 0);
            _f.Reopen();
        }

        [Fact]
        public void FailedFilesAreRetriedOnTheNextRun()
        {
            var good = ImportKit.Generate(_f.Input.Path, 1, seed: 22);
            string broken = Write("0a5bb6f4.2021-08-01_00-00-00.jpg", new byte[0]);
            var run = ImportKit.Run(_f.Store, new[] { good[0], broken });
            Assert.Equal(StickyErrorIds.EmptyFile, run.For(broken).ErrorId);

            // Fixed by the user: a valid image now, stored on the next run.
            SampleImages.WriteImage(Path.GetDirectoryName(broken), "0a5bb6f4", new DateTime(2021, 8, 1, 0, 0, 0, DateTimeKind.Utc), SampleFormat.Legacy2020, 320, 240, 5);
            var again = ImportKit.Run(_f.Store, new[] { good[0], broken });
            Assert.Equal(ImportStatus.Sent, again.For(broken).Status);
            Assert.Equal(ImportStatus.Skipped, again.For(good[0]).Status);
        }

        [Fact]
        public void UnchangedBadFileFailsAgainWithoutPoisoningTheCache()
        {
            string truncated = Write("0a5bb6f4.2021-08-01_00-00-00.jpg", SampleImages.CreateJpegWithoutExif(640, 480, 3).Take(500).ToArray());
            var first = ImportKit.Run(_f.Store, new[] { truncated });
            var second = ImportKit.Run(_f.Store, new[] { truncated });
            Assert.Equal(ImportStatus.Failed, first.Results.Single().Status);
            Assert.Equal(ImportStatus.Failed, second.Results.Single().Status);
            Assert.Equal(first.Results.Single().ErrorId, second.Results.Single().ErrorId);
            Assert.False(second.Results.Single().FromCache);
            Assert.Empty(ImportKit.AllRows(_f.Store));
        }
    }
}
