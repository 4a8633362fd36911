using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.MlBundles
{
    /// <summary>
    /// S3 lists an object uploaded in one POST with the MD5 of its whole content, also above 15 MiB (spec §8 #26): a pull
    /// accepts that listing for a file of several checksum parts, and still refuses content that matches neither.
    /// </summary>
    public sealed class MlBundleWholeMd5Tests
    {
        private static byte[] TwoParts(int seed)
        {
            var bytes = new byte[MlBundleChecksum.PartSize + 777];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }

        private static string WholeMd5(byte[] bytes)
        {
            using (var md5 = MD5.Create())
            {
                return string.Concat(md5.ComputeHash(bytes).Select(b => b.ToString("x2")));
            }
        }

        [Fact]
        public void A_file_over_15_MiB_listed_with_its_whole_md5_is_downloaded()
        {
            using var tmp = new TempDir();
            var content = TwoParts(7);
            var mtime = new DateTime(2023, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            var remote = new ScriptedRemote();
            remote.Files.Add(new MlBundleFile("b", "output/model_final.pth", "x", WholeMd5(content), mtime, content.Length));
            remote.Content["output/model_final.pth"] = content;
            var dst = tmp.Combine("b");

            var r = Assert.Single(new MlBundleSync(remote).Pull("b", dst));
            Assert.Equal(MlBundleTransferStatus.Downloaded, r.Status);
            string file = Path.Combine(dst, "output", "model_final.pth");
            Assert.Equal(content, File.ReadAllBytes(file));
            Assert.Equal(mtime, File.GetLastWriteTimeUtc(file));
            Assert.EndsWith("-2", MlBundleChecksum.Compute(file));
        }

        [Fact]
        public void A_file_over_15_MiB_whose_content_matches_neither_checksum_is_not_saved()
        {
            using var tmp = new TempDir();
            var remote = new ScriptedRemote();
            remote.Files.Add(new MlBundleFile("b", "output/model_final.pth", "x", WholeMd5(TwoParts(8)), DateTime.UtcNow, MlBundleChecksum.PartSize + 777));
            remote.Content["output/model_final.pth"] = TwoParts(9);
            var dst = tmp.Combine("b");

            var r = Assert.Single(new MlBundleSync(remote).Pull("b", dst));
            Assert.Equal(MlBundleTransferStatus.Failed, r.Status);
            Assert.Equal(StickyErrorIds.Md5Mismatch, r.ErrorId);
            Assert.Empty(Directory.GetFiles(dst, "*", SearchOption.AllDirectories));
        }
    }
}
