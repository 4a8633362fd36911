using System;
using System.IO;
using System.Linq;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.MlBundles
{
    /// <summary>Names and keys that could escape the bundle folder are refused, and nothing is written outside.</summary>
    public class MlBundleSafetyTests
    {
        public static readonly TheoryData<string> BadKeys = new TheoryData<string>
        {
            "../x.yaml", "/etc/passwd", "C:\\x", "C:x.yaml", "c:/x.yaml", "a/../../b", "a\0b.yaml", "\\\\server\\share\\x.yaml",
            "//server/share/x.yaml", "a\\..\\..\\x.yaml", "a//b.yaml", "a/", "./x.yaml", "config/./x.yaml", "..", "", "a\u0001.yaml",
            "config/x:stream.yaml", "data/\u007f.svg",
        };

        public static readonly TheoryData<string> BadNames = new TheoryData<string>
        {
            "..", ".", "", "a/b", "a\\b", "../x", "C:", "C:\\bundle", "/abs", "a\0b", "tab\there", "x:y",
        };

        [Theory]
        [MemberData(nameof(BadKeys))]
        public void Keys_that_could_escape_are_rejected_with_the_offending_value(string key)
        {
            var ex = Assert.Throws<StickyPiException>(() => MlBundlePaths.Resolve("/tmp/bundle-root", key));
            Assert.Equal(MlBundleErrorIds.InvalidKey, ex.ErrorId);
            Assert.Equal(StickyErrorKind.InvalidArgument, ex.Kind);
            Assert.Equal(key, ex.Target);
            Assert.Contains("Invalid ML bundle file key '", ex.Message);
            if (key.Length > 0 && !key.Any(char.IsControl))
            {
                Assert.Contains("'" + key + "'", ex.Message);
            }
        }

        [Theory]
        [MemberData(nameof(BadNames))]
        public void Bundle_names_must_be_one_plain_folder_name(string name)
        {
            var ex = Assert.Throws<StickyPiException>(() => MlBundlePaths.CheckBundleName(name));
            Assert.Equal(MlBundleErrorIds.InvalidBundleName, ex.ErrorId);
            Assert.Equal(name, ex.Target);
        }

        [Fact]
        public void Ordinary_keys_and_names_are_accepted()
        {
            MlBundlePaths.CheckBundleName("universal-insect-detector");
            MlBundlePaths.CheckBundleName("bundle v2.1");
            Assert.Equal(Path.Combine("/tmp/b", "data", "x y.svg"), MlBundlePaths.Resolve("/tmp/b", "data/x y.svg"));
            Assert.Equal(Path.Combine("/tmp/b", "..hidden.yaml"), MlBundlePaths.Resolve("/tmp/b/", "..hidden.yaml"));
        }

        [Theory]
        [MemberData(nameof(BadKeys))]
        public void The_store_refuses_to_write_or_accept_bad_keys_and_writes_nothing_outside(string key)
        {
            using var tmp = new TempDir();
            var src = MlKit.Write(tmp.Combine("src"), "config/a.yaml", "a: 1");
            using var store = MlKit.Store(tmp);
            var before = MlKit.Snapshot(tmp.Path);

            var ex = Assert.Throws<StickyPiException>(() => store.StoreMlBundleFile(MlKit.Admin, "b", key, src, DateTime.UtcNow));
            Assert.Equal(MlBundleErrorIds.InvalidKey, ex.ErrorId);
            var entry = new MlBundleFile("b", key, src, "817330f0c49bcbd8d938eb4c44342c7f", DateTime.UtcNow, 4);
            Assert.Equal(MlBundleErrorIds.InvalidKey,
                Assert.Throws<StickyPiException>(() => store.GetMlBundleUploadTargets(MlKit.Admin, new[] { entry })).ErrorId);
            Assert.Equal(MlBundleErrorIds.InvalidKey,
                Assert.Throws<StickyPiException>(() => store.OpenMlBundleFile(MlKit.Admin, "b", key)).ErrorId);

            Assert.Equal(before, MlKit.Snapshot(tmp.Path));
            Assert.False(File.Exists("/tmp/x.yaml") && File.ReadAllText("/tmp/x.yaml") == "a: 1");
        }

        [Theory]
        [MemberData(nameof(BadNames))]
        public void Every_operation_refuses_a_bad_bundle_name(string name)
        {
            using var tmp = new TempDir();
            var srcRoot = tmp.Combine("src");
            var src = MlKit.Write(srcRoot, "config/a.yaml", "a: 1");
            using var store = MlKit.Store(tmp);
            var before = MlKit.Snapshot(tmp.Path);

            Assert.Equal(MlBundleErrorIds.InvalidBundleName,
                Assert.Throws<StickyPiException>(() => store.GetMlBundleFileList(MlKit.Admin, name)).ErrorId);
            Assert.Equal(MlBundleErrorIds.InvalidBundleName,
                Assert.Throws<StickyPiException>(() => store.StoreMlBundleFile(MlKit.Admin, name, "config/a.yaml", src, DateTime.UtcNow)).ErrorId);
            Assert.Equal(MlBundleErrorIds.InvalidBundleName,
                Assert.Throws<StickyPiException>(() => MlKit.Sync(store).Push(name, srcRoot)).ErrorId);
            Assert.Equal(MlBundleErrorIds.InvalidBundleName,
                Assert.Throws<StickyPiException>(() => MlKit.Sync(store).Pull(name, tmp.Combine("x"))).ErrorId);
            Assert.Equal(before, MlKit.Snapshot(tmp.Path));
        }

        [Fact]
        public void A_hostile_listing_cannot_make_a_pull_write_outside_the_folder()
        {
            using var tmp = new TempDir();
            var remote = new ScriptedRemote();
            var content = System.Text.Encoding.ASCII.GetBytes("pwned: true");
            var md5 = MlBundleChecksum.Compute(content);
            foreach (var key in new[] { "../evil.yaml", "../../evil.yaml", "/tmp/evil.yaml", "config/../../evil.yaml", "C:\\evil.yaml" })
            {
                remote.Files.Add(new MlBundleFile("b", key, key, md5, DateTime.UtcNow, content.Length));
                remote.Content[key] = content;
            }

            remote.Files.Add(new MlBundleFile("b", "config/ok.yaml", "x", md5, DateTime.UtcNow, content.Length));
            remote.Content["config/ok.yaml"] = content;

            var dst = tmp.Combine("work", "b");
            var before = MlKit.Snapshot(tmp.Path);
            var results = new MlBundleSync(remote).Pull("b", dst);
            Assert.Equal(6, results.Count);
            Assert.Equal(5, results.Count(r => r.Status == MlBundleTransferStatus.Failed && r.ErrorId == MlBundleErrorIds.InvalidKey));
            Assert.Single(results, r => r.Status == MlBundleTransferStatus.Downloaded && r.Key == "config/ok.yaml");

            var after = MlKit.Snapshot(tmp.Path);
            after.ExceptWith(before);
            Assert.All(after, p => Assert.StartsWith(Path.DirectorySeparatorChar + "work", p));
            Assert.Equal(new[] { "config/ok.yaml" }, MlBundleListing.List(dst, MlBundleSelection.All).Select(f => f.Key));
            Assert.False(File.Exists(tmp.Combine("work", "evil.yaml")));
            Assert.False(File.Exists(tmp.Combine("evil.yaml")));
        }

        [Fact]
        public void The_store_does_not_write_through_a_symbolic_link_in_the_bundle_folder()
        {
            if (OperatingSystem.IsWindows())
            {
                return; // creating links needs a privilege there
            }

            using var tmp = new TempDir();
            var src = MlKit.Write(tmp.Combine("src"), "config/a.yaml", "a: 1");
            var outside = tmp.Combine("outside");
            Directory.CreateDirectory(outside);
            using var store = MlKit.Store(tmp);
            Directory.CreateDirectory(Path.Combine(store.RootDirectory, "ml", "b"));
            Directory.CreateSymbolicLink(Path.Combine(store.RootDirectory, "ml", "b", "config"), outside);

            var ex = Assert.Throws<StickyPiException>(() => store.StoreMlBundleFile(MlKit.Admin, "b", "config/a.yaml", src, DateTime.UtcNow));
            Assert.Equal(MlBundleErrorIds.LinkInBundlePath, ex.ErrorId);
            Assert.Empty(Directory.GetFileSystemEntries(outside));
        }
    }
}
