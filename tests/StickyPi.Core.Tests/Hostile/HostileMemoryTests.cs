using System;
using System.IO;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Local;
using StickyPi.Core.Tests.Support;
using StickyPi.Core.Tests.Sync;
using StickyPi.SampleData;

namespace StickyPi.Core.Tests.Hostile
{
    [CollectionDefinition(nameof(AllocationMeasured), DisableParallelization = true)]
    public sealed class AllocationMeasured
    {
    }

    /// <summary>Memory bounded by configuration, not by the input (issue 10 #2 and the size caps).</summary>
    [Collection(nameof(AllocationMeasured))]
    public class HostileMemoryTests
    {
        // 2. A small file declaring 65535×65535 was decoded (≈460 MB for one file).
        [Theory]
        [InlineData(65535, 65535)]
        [InlineData(13400, 13355)] // 178,957,000 pixels: just above Pillow's limit
        public void DecompressionBombIsRefusedFromItsHeaderBeforeAnyPixelIsDecoded(int width, int height)
        {
            using (var src = new TempDir("stickypi-hostile"))
            using (var store = new StoreDir())
            {
                var path = Path.Combine(src.Path, "5c173ff2.2022-06-01_00-00-00.jpg");
                File.WriteAllBytes(path, HostileFiles.Bomb(width, height));
                Assert.True(new FileInfo(path).Length < 64 * 1024);

                long before = GC.GetTotalAllocatedBytes(precise: true);
                var run = ImportKit.Run(store.Store, new[] { path }, new ImageImportOptions { MaxDegreeOfParallelism = 1 });
                long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

                var result = Assert.Single(run.Results);
                Assert.Equal(ImportStatus.Failed, result.Status);
                Assert.Equal(StickyErrorIds.ImageTooLarge, result.ErrorId);
                Assert.Equal(StickyErrorKind.LimitsExceeded, result.Error.Kind);
                Assert.Equal(path, result.Error.Target);
                Assert.Contains(width + "x" + height, result.Reason);
                Assert.True(allocated < 32L << 20, allocated + " bytes allocated for one refused bomb");
                Assert.Equal(0, Kit.Count(store.Db, "images"));
                Assert.Empty(ImportKit.FilesUnder(store.Path, "raw_images"));
            }
        }

        [Fact]
        public void PixelLimitIsConfigurableBothWays()
        {
            using (var src = new TempDir("stickypi-hostile"))
            {
                var path = SampleImages.WriteImage(src.Path, "0a5bb6f4", new DateTime(2022, 6, 1, 0, 0, 0, DateTimeKind.Utc), SampleFormat.Csv2022, 320, 240, 3);
                var strict = new StickyImageParser(limits: new InputLimits { MaxImagePixels = 320 * 240 - 1 });
                var e = Assert.Throws<StickyPiException>(() => strict.ParseFile(path));
                Assert.Equal(StickyErrorIds.ImageTooLarge, e.ErrorId);
                var exact = new StickyImageParser(limits: new InputLimits { MaxImagePixels = 320 * 240 });
                Assert.Equal(320, exact.ParseFile(path).Width);
                Assert.Equal(InputLimits.PillowMaxImagePixels, new StickyImageParser().Limits.MaxImagePixels);
                Assert.Throws<ArgumentOutOfRangeException>(() => new InputLimits { MaxImagePixels = 0 });
            }
        }

        [Fact]
        public void BombsAtTheLimitAreNotRefusedForTheirSize()
        {
            // 13,377 × 13,377 = 178,944,129 ≤ 178,956,970: Pillow would try it, so do we (a DCT-scaled decode of the
            // 64×48 scan data, about 11 MB of pixels).
            using (var src = new TempDir("stickypi-hostile"))
            {
                var path = Path.Combine(src.Path, "5c173ff2.2022-06-01_00-00-00.jpg");
                File.WriteAllBytes(path, HostileFiles.Bomb(13377, 13377));
                try
                {
                    Assert.Equal(13377, new StickyImageParser().ParseFile(path).Width);
                }
                catch (StickyPiException e)
                {
                    Assert.NotEqual(StickyErrorIds.ImageTooLarge, e.ErrorId);
                }
            }
        }

        [Theory]
        [InlineData(new byte[] { 0x13, 0x37, 0x00 })] // garbage
        [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 })] // a JPEG start, then 200 MB of zeros
        public void HugeFileIsRefusedWithoutBeingRead(byte[] head)
        {
            using (var src = new TempDir("stickypi-hostile"))
            using (var store = new StoreDir())
            {
                var path = Path.Combine(src.Path, "1b74105a.2022-06-01_00-00-00.jpg");
                HostileFiles.Sparse(path, 200L << 20, head);

                long before = GC.GetTotalAllocatedBytes(precise: true);
                var run = ImportKit.Run(store.Store, new[] { path });
                long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

                var result = Assert.Single(run.Results);
                Assert.Equal(StickyErrorIds.FileTooLarge, result.ErrorId);
                Assert.Equal(StickyErrorKind.LimitsExceeded, result.Error.Kind);
                Assert.Empty(run.Opened); // decided from its size: never opened
                Assert.True(allocated < 16L << 20, allocated + " bytes allocated");

                var e = Assert.Throws<StickyPiException>(() => new StickyImageParser().ParseFile(path));
                Assert.Equal(StickyErrorIds.FileTooLarge, e.ErrorId);
            }
        }

        [Fact]
        public void GarbageUnderTheSizeLimitIsRefusedAfterThreeBytes()
        {
            using (var src = new TempDir("stickypi-hostile"))
            using (var store = new StoreDir())
            {
                var path = Path.Combine(src.Path, "1b74105a.2022-06-01_00-00-00.jpg");
                HostileFiles.Sparse(path, 120L << 20, new byte[] { 0x50, 0x4B, 0x03, 0x04 });
                long before = GC.GetTotalAllocatedBytes(precise: true);
                var run = ImportKit.Run(store.Store, new[] { path }, new ImageImportOptions { Limits = new InputLimits { MaxImageFileBytes = 1L << 30 } });
                long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                Assert.Equal(StickyErrorIds.NotAJpeg, Assert.Single(run.Results).ErrorId);
                Assert.True(allocated < 16L << 20, allocated + " bytes allocated");
            }
        }

        [Fact]
        public void CappedReadsRefuseLargeMetadataAndAnnotationFiles()
        {
            using (var dir = new TempDir("stickypi-hostile"))
            {
                var metadata = dir.Combine("metadata.txt");
                HostileFiles.Sparse(metadata, 100L << 20, new byte[] { (byte)'0' });
                var e = Assert.Throws<StickyPiException>(() => TuboidDirectory.ReadMetadata(metadata));
                Assert.Equal(StickyErrorIds.FileTooLarge, e.ErrorId);
                Assert.Equal(metadata, e.Target);

                var json = dir.Combine("annotations.json");
                File.WriteAllText(json, "{\"annotations\": []}" + new string(' ', 5000));
                var e2 = Assert.Throws<StickyPiException>(() => BoundedFile.ReadAllText(json, 4096, "annotation file"));
                Assert.Equal(StickyErrorIds.FileTooLarge, e2.ErrorId);
                Assert.StartsWith("{\"annotations\"", BoundedFile.ReadAllText(json, 8192));
            }
        }
    }
}
