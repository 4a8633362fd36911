using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.MlBundles
{
    public class MlBundleChecksumTests
    {
        private static string Hex(byte[] b) => string.Concat(b.Select(x => x.ToString("x2")));

        [Fact]
        public void Empty_content_gives_an_empty_string()
        {
            using var tmp = new TempDir();
            var path = tmp.Combine("empty.txt");
            File.WriteAllBytes(path, Array.Empty<byte>());
            Assert.Equal("", MlBundleChecksum.Compute(path));
            Assert.Equal("", MlBundleChecksum.Compute(Array.Empty<byte>()));
        }

        [FixtureFact]
        public void Small_files_give_the_plain_md5_of_appendix_A()
        {
            foreach (var kv in MlKit.SharedMd5)
            {
                var path = Path.Combine(TestPaths.MlBundle, kv.Key.Replace('/', Path.DirectorySeparatorChar));
                Assert.Equal(kv.Value, MlBundleChecksum.Compute(path));
            }
        }

        [Fact]
        public void Exactly_one_part_is_still_a_plain_md5()
        {
            var content = new byte[MlBundleChecksum.PartSize];
            new Random(1).NextBytes(content);
            Assert.Equal(Hex(MD5.HashData(content)), MlBundleChecksum.Compute(content));
        }

        [Fact]
        public void A_file_over_15_MiB_gives_the_multipart_etag_with_its_part_count()
        {
            using var tmp = new TempDir();
            const int part = 15 * 1024 * 1024;
            var content = new byte[part + 123_457];
            new Random(7).NextBytes(content);
            var path = tmp.Combine("big.db");
            File.WriteAllBytes(path, content);

            // Independently: MD5 of each 15 MiB part, MD5 of the concatenated raw digests, "-2".
            var first = MD5.HashData(content.AsSpan(0, part));
            var second = MD5.HashData(content.AsSpan(part));
            var expected = Hex(MD5.HashData(first.Concat(second).ToArray())) + "-2";

            Assert.Equal(expected, MlBundleChecksum.Compute(path));
            Assert.EndsWith("-2", expected);

            // Appending in odd-sized pieces gives the same result.
            using var sum = new MlBundleChecksum();
            int offset = 0;
            var rnd = new Random(3);
            while (offset < content.Length)
            {
                int n = Math.Min(content.Length - offset, rnd.Next(1, 3_000_000));
                sum.Append(content, offset, n);
                offset += n;
            }

            Assert.Equal(expected, sum.Finish());
        }
    }
}
