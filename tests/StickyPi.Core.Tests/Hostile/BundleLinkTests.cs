using System;
using System.IO;
using System.Linq;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.MlBundles;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Hostile
{
    /// <summary>Issue 10 #3 and #4: symbolic links in bundle folders, on both sides of a transfer.</summary>
    public class BundleLinkTests
    {
        // 3. A dangling link aborted the whole push.
        [Fact]
        public void DanglingLinkInAPushedFolderIsOneFileErrorAndTheRestGoesOn()
        {
            if (OperatingSystem.IsWindows())
            {
                return; // creating links needs a privilege there
            }

            using var tmp = new TempDir("stickypi-hostile");
            var src = tmp.Combine("b");
            MlKit.Write(src, "config/a.yaml", "a: 1");
            MlKit.Write(src, "data/x.svg", "<svg/>");
            File.CreateSymbolicLink(Path.Combine(src, "data", "gone.svg"), tmp.Combine("no-such-file.svg"));
            Directory.CreateSymbolicLink(Path.Combine(src, "data", "gone-folder"), tmp.Combine("no-such-folder"));
            using var store = MlKit.Store(tmp);

            var results = MlKit.Sync(store).Push("b", src);

            var failed = Assert.Single(results, r => r.Status == MlBundleTransferStatus.Failed);
            Assert.Equal(MlBundleErrorIds.LinkOutsideBundle, failed.ErrorId);
            Assert.Equal(Path.Combine(src, "data", "gone.svg"), failed.Error.Target);
            Assert.Equal(new[] { "config/a.yaml", "data/x.svg" }, results.Where(r => r.Status == MlBundleTransferStatus.Uploaded).Select(r => r.Key).OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal(new[] { "config/a.yaml", "data/x.svg" }, store.GetMlBundleFileList(MlKit.Admin, "b").Select(f => f.Key));
        }

        [Fact]
        public void LinksInAPushedFolderAreFollowedOnlyInsideIt()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            using var tmp = new TempDir("stickypi-hostile");
            var src = tmp.Combine("b");
            var secret = MlKit.Write(tmp.Path, "secret/id_rsa.txt", "PRIVATE KEY");
            MlKit.Write(src, "config/a.yaml", "a: 1");
            File.CreateSymbolicLink(Path.Combine(src, "config", "b.yaml"), Path.Combine(src, "config", "a.yaml")); // inside: followed
            File.CreateSymbolicLink(Path.Combine(src, "config", "stolen.txt"), secret); // outside: refused
            Directory.CreateSymbolicLink(Path.Combine(src, "data"), Path.GetDirectoryName(secret)); // outside folder: refused
            Directory.CreateSymbolicLink(Path.Combine(src, "loop"), src); // loop back inside: bounded by the depth limit
            using var store = MlKit.Store(tmp);

            var results = MlKit.Sync(store).Push("b", src, MlBundleSelection.All);

            Assert.Contains(results, r => r.Key == "config/b.yaml" && r.Status == MlBundleTransferStatus.Uploaded);
            var refused = results.Where(r => r.Status == MlBundleTransferStatus.Failed).ToList();
            Assert.All(refused, r => Assert.Equal(MlBundleErrorIds.LinkOutsideBundle, r.ErrorId));
            Assert.Contains(refused, r => (string)r.Error.Target == Path.Combine(src, "config", "stolen.txt"));
            Assert.Contains(refused, r => (string)r.Error.Target == Path.Combine(src, "data"));
            Assert.Contains(refused, r => (string)r.Error.Target == Path.Combine(src, "loop") && r.Error.Message.Contains("loop"));
            Assert.DoesNotContain(results, r => r.Key.StartsWith("loop/", StringComparison.Ordinal));
            foreach (var f in store.GetMlBundleFileList(MlKit.Admin, "b"))
            {
                Assert.NotEqual("PRIVATE KEY", File.ReadAllText(f.Path));
            }
        }

        // 4. Pull followed a link inside the store's ml/ folder out of the store.
        [Fact]
        public void PullNeverReadsThroughALinkOutOfTheStore()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            using var tmp = new TempDir("stickypi-hostile");
            var secret = MlKit.Write(tmp.Path, "secret/passwords.txt", "hunter2");
            using var store = MlKit.Store(tmp);
            var bundle = Path.Combine(store.RootDirectory, "ml", "b");
            MlKit.Write(bundle, "config/a.yaml", "a: 1");
            File.CreateSymbolicLink(Path.Combine(bundle, "config", "leak.txt"), secret);
            Directory.CreateSymbolicLink(Path.Combine(bundle, "data"), Path.GetDirectoryName(secret));

            Assert.Equal(new[] { "config/a.yaml" }, store.GetMlBundleFileList(MlKit.Admin, "b").Select(f => f.Key));
            var e = Assert.Throws<StickyPiException>(() => store.OpenMlBundleFile(MlKit.Admin, "b", "config/leak.txt"));
            Assert.Equal(MlBundleErrorIds.LinkOutsideBundle, e.ErrorId);
            Assert.Throws<StickyPiException>(() => store.OpenMlBundleFile(MlKit.Admin, "b", "data/passwords.txt"));

            var dst = tmp.Combine("work", "b");
            var results = MlKit.Sync(store).Pull("b", dst);
            Assert.Equal(new[] { "config/a.yaml" }, results.Where(r => r.Status == MlBundleTransferStatus.Downloaded).Select(r => r.Key));
            Assert.Equal(new[] { Path.Combine("config", "a.yaml") }, Directory.GetFiles(dst, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dst, f)));
        }

        [Fact]
        public void AWholeBundleFolderLinkedOutOfTheStoreIsNotRead()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            using var tmp = new TempDir("stickypi-hostile");
            MlKit.Write(tmp.Path, "elsewhere/config/a.yaml", "a: 1");
            using var store = MlKit.Store(tmp);
            Directory.CreateDirectory(Path.Combine(store.RootDirectory, "ml"));
            Directory.CreateSymbolicLink(Path.Combine(store.RootDirectory, "ml", "b"), tmp.Combine("elsewhere"));

            var e = Assert.Throws<StickyPiException>(() => store.OpenMlBundleFile(MlKit.Admin, "b", "config/a.yaml"));
            Assert.Equal(MlBundleErrorIds.LinkOutsideBundle, e.ErrorId);
        }

        [Fact]
        public void PullDoesNotWriteThroughALinkedFolderOfTheDestination()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            using var tmp = new TempDir("stickypi-hostile");
            using var store = MlKit.Store(tmp);
            var src = tmp.Combine("src", "b");
            MlKit.Write(src, "config/a.yaml", "a: 1");
            MlKit.Write(src, "data/sub/x.svg", "<svg/>");
            MlKit.Sync(store).Push("b", src);

            var outside = tmp.Combine("outside");
            Directory.CreateDirectory(outside);
            var dst = tmp.Combine("work", "b");
            Directory.CreateDirectory(dst);
            Directory.CreateSymbolicLink(Path.Combine(dst, "data"), outside);

            var results = MlKit.Sync(store).Pull("b", dst);
            Assert.Contains(results, r => r.Key == "config/a.yaml" && r.Status == MlBundleTransferStatus.Downloaded);
            var refused = Assert.Single(results, r => r.Status == MlBundleTransferStatus.Failed);
            Assert.Equal(MlBundleErrorIds.LinkOutsideBundle, refused.ErrorId);
            Assert.Empty(Directory.GetFileSystemEntries(outside));
        }
    }
}
