using System;
using System.IO;
using System.Linq;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.MlBundles
{
    public class MlBundleListingTests
    {
        [FixtureFact]
        public void The_shared_bundle_lists_seven_files_with_appendix_A_md5s()
        {
            var all = MlBundleListing.List(TestPaths.MlBundle, MlBundleSelection.All, "b");
            Assert.Equal(MlKit.SharedMd5.Keys.OrderBy(k => k, StringComparer.Ordinal), all.Select(f => f.Key));
            Assert.All(all, f => Assert.Equal(MlKit.SharedMd5[f.Key], f.Md5));
            Assert.All(all, f => Assert.Equal("b", f.BundleName));
            Assert.All(all, f => Assert.Equal(new FileInfo(f.Path).Length, f.Size));
            Assert.All(all, f => Assert.Equal(DateTimeKind.Utc, f.MTime.Kind));

            Assert.Equal(7, MlBundleListing.List(TestPaths.MlBundle, MlBundleSelection.Data).Count);
            Assert.Equal(new[] { "config/config.yaml", "config/mask_rcnn_R_101_C4_3x.yaml" },
                MlBundleListing.List(TestPaths.MlBundle, MlBundleSelection.Model).Select(f => f.Key));
        }

        [Fact]
        public void Eligibility_is_a_case_sensitive_suffix_test()
        {
            foreach (var ok in new[] { "a.yaml", "a.yml", "model_final.pth", "my_model_final.pth", "a.svg", "a.jpeg", "a.jpg", "a.txt", "a.db" })
            {
                Assert.True(MlBundleListing.IsEligible(ok), ok);
            }

            foreach (var no in new[] { "a.SVG", "a.Yaml", "model.pth", "model_final.pth.bak", "a.json", "a.yaml.stickypi-part", "" })
            {
                Assert.False(MlBundleListing.IsEligible(no), no);
            }
        }

        [Fact]
        public void Selection_compares_the_whole_directory_and_skips_cache_folders_with_their_subfolders()
        {
            using var tmp = new TempDir();
            var b = tmp.Path;
            foreach (var key in new[]
            {
                "root.yaml", "data/a.svg", "config/c.yaml", "output/model_final.pth", "output/other.pth", "data/b.SVG",
                "data/sub/x.svg", "x/data/y.svg", "x/output/model_final.pth",
                ".cache/a.yaml", ".cache/sub/b.yaml", ".cache/sub/deeper/c.svg", "data/.cache/d.svg",
            })
            {
                MlKit.Write(b, key, key);
            }

            string[] Keys(MlBundleSelection what) => MlBundleListing.List(b, what).Select(f => f.Key).ToArray();

            Assert.Equal(new[] { "config/c.yaml", "data/a.svg", "data/sub/x.svg", "output/model_final.pth", "root.yaml", "x/data/y.svg", "x/output/model_final.pth" },
                Keys(MlBundleSelection.All));
            Assert.Equal(new[] { "config/c.yaml", "data/a.svg" }, Keys(MlBundleSelection.Data));
            Assert.Equal(new[] { "config/c.yaml", "output/model_final.pth" }, Keys(MlBundleSelection.Model));

            Assert.False(MlBundleListing.Selects("data/sub/x.svg", MlBundleSelection.Data));
            Assert.False(MlBundleListing.Selects("data/sub/x.svg", MlBundleSelection.Model));
            Assert.False(MlBundleListing.Selects("root.yaml", MlBundleSelection.Data));
            Assert.True(MlBundleListing.Selects("root.yaml", MlBundleSelection.All));
        }

        [Fact]
        public void A_missing_folder_lists_nothing()
        {
            using var tmp = new TempDir();
            Assert.Empty(MlBundleListing.List(tmp.Combine("nope"), MlBundleSelection.All));
        }
    }
}
