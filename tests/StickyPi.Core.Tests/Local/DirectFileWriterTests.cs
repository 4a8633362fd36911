using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Local
{
    public class DirectFileWriterTests
    {
        private static readonly bool DirectPlatform = RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
            && (RuntimeInformation.ProcessArchitecture == Architecture.X64 || RuntimeInformation.ProcessArchitecture == Architecture.Arm64);

        private static byte[] Random(int length, int seed, int slack = 0)
        {
            // Slack past the length, as a pooled buffer has: none of it may reach the file.
            var bytes = new byte[length + slack];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(4095)]
        [InlineData(4096)]
        [InlineData(4097)]
        [InlineData(65536)]
        [InlineData((1 << 20) + 3)]
        [InlineData(3000001)]
        public void WritesExactlyTheBytesGivenWhateverTheAlignment(int length)
        {
            using (var dir = new TempDir("stickypi-direct"))
            using (var writer = new DirectFileWriter(enabled: true))
            {
                var bytes = Random(length, length, slack: 777);
                string path = Path.Combine(dir.Path, "f.part");

                bool written = writer.TryWrite(path, bytes, length);

                // Where O_DIRECT is known (64-bit Linux) it is used unless the file system refused it; then nothing is left.
                Assert.Equal(DirectPlatform && writer.IsActive, written);
                if (written)
                {
                    Assert.Equal(bytes.Take(length).ToArray(), File.ReadAllBytes(path));
                }
                else
                {
                    Assert.False(File.Exists(path));
                }
            }
        }

        [Fact]
        public void NeverReplacesAnExistingFileAndStaysActive()
        {
            using (var dir = new TempDir("stickypi-direct"))
            using (var writer = new DirectFileWriter(enabled: true))
            {
                string path = Path.Combine(dir.Path, "taken.part");
                File.WriteAllText(path, "already here");
                bool activeBefore = writer.IsActive;

                Assert.False(writer.TryWrite(path, Random(100000, 1), 100000));
                Assert.Equal("already here", File.ReadAllText(path));
                Assert.Equal(activeBefore, writer.IsActive);

                // A missing folder is the ordinary write's error to report, not a reason to stop writing directly.
                Assert.False(writer.TryWrite(Path.Combine(dir.Path, "missing", "f.part"), Random(100000, 2), 100000));
                Assert.Equal(activeBefore, writer.IsActive);
            }
        }

        [Fact]
        public void DisabledOrDisposedWriterWritesNothing()
        {
            using (var dir = new TempDir("stickypi-direct"))
            {
                using (var off = new DirectFileWriter(enabled: false))
                {
                    Assert.False(off.IsActive);
                    Assert.False(off.TryWrite(Path.Combine(dir.Path, "a.part"), Random(100000, 3), 100000));
                }

                var writer = new DirectFileWriter(enabled: true);
                writer.Dispose();
                Assert.False(writer.IsActive);
                Assert.False(writer.TryWrite(Path.Combine(dir.Path, "b.part"), Random(100000, 4), 100000));
                Assert.Empty(Directory.GetFiles(dir.Path));
            }
        }

        [Fact]
        public void ParallelWritersShareThePooledBuffersSafely()
        {
            using (var dir = new TempDir("stickypi-direct"))
            using (var writer = new DirectFileWriter(enabled: true))
            {
                // Sizes that make pooled buffers grow and be swapped between threads.
                var lengths = Enumerable.Range(0, 48).Select(i => 70000 + (i * 104729 % 2500000)).ToArray();
                var data = lengths.Select((n, i) => Random(n, 100 + i, slack: 4096)).ToArray();
                var wrote = new bool[lengths.Length];

                Parallel.For(0, lengths.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i =>
                    wrote[i] = writer.TryWrite(Path.Combine(dir.Path, i + ".part"), data[i], lengths[i]));

                for (int i = 0; i < lengths.Length; i++)
                {
                    string path = Path.Combine(dir.Path, i + ".part");
                    if (wrote[i])
                    {
                        Assert.Equal(data[i].Take(lengths[i]).ToArray(), File.ReadAllBytes(path));
                    }
                    else
                    {
                        Assert.False(File.Exists(path));
                    }
                }

                Assert.Equal(DirectPlatform && writer.IsActive, wrote.All(w => w));
            }
        }

        [Fact]
        public void StoreOriginalsLargeEnoughForDirectWritesAreStoredExactly()
        {
            using (var s = new StoreDir())
            {
                var img = Kit.Image("0a5bb6f4", Kit.T(2020, 6, 20, 20, 19, 15));
                int length = DirectFileWriter.MinimumLength * 3 + 17;
                var bytes = Random(length, 9, slack: 1000);
                img.parsed.Md5 = Kit.Md5(bytes.Take(length).ToArray());

                var staged = s.Store.StageImage(img.parsed, bytes, length);
                s.Store.CommitStagedImages(Kit.Admin, new[] { staged }, replaceExisting: false);

                Assert.Equal(bytes.Take(length).ToArray(), File.ReadAllBytes(staged.ImagePath));
                Assert.Equal(img.parsed.Md5, s.Store.GetStoredMd5(new ImageKey("0a5bb6f4", Kit.T(2020, 6, 20, 20, 19, 15))));
            }
        }
    }
}
