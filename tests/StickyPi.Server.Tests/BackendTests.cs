using System;
using System.IO;
using System.Linq;
using System.Text;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>The back-end interface's embedded provider and its file half.</summary>
    public class BackendTests
    {
        [FixtureTheory]
        [InlineData("raw_images/5c173ff2/5c173ff2.2020-06-20_21-33-24.jpg", true)]
        [InlineData("ml/bundle/data/x.svg", true)]
        [InlineData("tiled_tuboids/a.b/a.b.0001/tuboid.jpg", true)]
        [InlineData("database.db", false)]
        [InlineData(".stickypi-tmp/x", false)]
        [InlineData("raw_images/../database.db", false)]
        [InlineData("raw_images/./x.jpg", false)]
        [InlineData("raw_images//x.jpg", false)]
        [InlineData("raw_images/", false)]
        [InlineData("/raw_images/x.jpg", false)]
        [InlineData("raw_images\\..\\database.db", false)]
        [InlineData("ml/b/x\u0000.yaml", false)]
        [InlineData("ml/b/C:x.yaml", false)]
        [InlineData("ml/b/x. ", false)]
        [InlineData("", false)]
        public void Storage_keys_stay_under_the_public_prefixes(string key, bool valid)
        {
            Assert.Equal(valid, StorageKey.IsValid(key));
            if (!valid)
            {
                var e = Assert.Throws<StickyPiException>(() => StorageKey.Validate(key));
                Assert.Equal(StickyErrorKind.InvalidArgument, e.Kind);
            }
        }

        [FixtureFact]
        public void Local_directory_storage_puts_lists_reads_and_deletes_by_key_and_maps_paths_back_to_keys()
        {
            var root = TestPaths.NewTempDir("stickypi-storage");
            try
            {
                var storage = new LocalDirectoryStorage(root);
                var mtime = new DateTime(2021, 2, 3, 4, 5, 6, DateTimeKind.Utc);
                var info = storage.Put("ml/b1/data/x.svg", new MemoryStream(Encoding.UTF8.GetBytes("<svg/>")), mtime);
                Assert.Equal(6, info.Length);
                Assert.Equal(mtime, info.LastModifiedUtc);
                storage.Put("ml/b1/config/c.yaml", new MemoryStream(Encoding.UTF8.GetBytes("a: 1")));
                storage.Put("ml/b10/data/y.svg", new MemoryStream(Encoding.UTF8.GetBytes("<svg/>")));
                Assert.Equal(new[] { "ml/b1/config/c.yaml", "ml/b1/data/x.svg" }, storage.List("ml/b1/").Select(f => f.Key).OrderBy(k => k, StringComparer.Ordinal).ToArray());
                using (var reader = new StreamReader(storage.OpenRead("ml/b1/data/x.svg")))
                {
                    Assert.Equal("<svg/>", reader.ReadToEnd());
                }

                var etag = storage.GetInfo("ml/b1/data/x.svg").ETag;
                storage.Put("ml/b1/data/x.svg", new MemoryStream(Encoding.UTF8.GetBytes("<svg></svg>")));
                Assert.NotEqual(etag, storage.GetInfo("ml/b1/data/x.svg").ETag);

                Assert.Equal("ml/b1/data/x.svg", storage.KeyOf(Path.Combine(root, "ml", "b1", "data", "x.svg")));
                Assert.Null(storage.KeyOf(Path.Combine(root, "database.db")));
                Assert.Null(storage.KeyOf(Path.Combine(root, "..", "elsewhere", "ml", "x")));
                Assert.Null(storage.KeyOf("relative/../../etc/passwd"));
                Assert.Throws<StickyPiException>(() => storage.OpenRead("ml/../database.db"));
                Assert.Throws<StickyPiException>(() => storage.Put("database.db", new MemoryStream()));
                Assert.Equal(StickyErrorKind.NotFound, Assert.Throws<StickyPiException>(() => storage.OpenRead("ml/b1/none.svg")).Kind);
                Assert.True(storage.Delete("ml/b1/data/x.svg"));
                Assert.False(storage.Delete("ml/b1/data/x.svg"));
                Assert.Null(storage.GetInfo("ml/b1/data/x.svg"));
                Assert.Empty(Directory.GetFiles(root, "*.tmp", SearchOption.AllDirectories));
            }
            finally
            {
                TestPaths.DeleteDir(root);
            }
        }

        [FixtureFact]
        public void The_embedded_backend_is_the_store_behind_both_halves()
        {
            var root = TestPaths.NewTempDir("stickypi-backend");
            try
            {
                using (IStickyBackend backend = EmbeddedStickyBackend.Open(root))
                {
                    Assert.Equal("Local", backend.Kind);
                    Assert.Equal(Path.GetFullPath(root), backend.Location);
                    var admin = CallerIdentity.LocalAdministrator;
                    var user = backend.AddUser(admin, "alice", "alice-password".ToCharArray(), isAdmin: false);
                    Assert.True(backend.VerifyPassword("alice", "alice-password".ToCharArray()));
                    var byId = backend.FindCallerIdentity(user.Id);
                    Assert.Equal("alice", byId.UserName);
                    Assert.Null(backend.FindCallerIdentity(user.Id + 100));

                    var bytes = File.ReadAllBytes(TestPaths.Image("5c173ff2", "5c173ff2.2020-06-20_21-33-24.jpg"));
                    var parsed = new StickyPi.Core.Parsing.StickyImageParser().Parse(bytes, "5c173ff2.2020-06-20_21-33-24.jpg");
                    backend.PutImages(admin, new[] { (parsed, bytes) });
                    var image = backend.GetImages(admin, new[] { parsed.Key }, ImageFileKind.Thumbnail).Single();
                    var key = backend.Files.KeyOf(image.Url);
                    Assert.Equal("raw_images/5c173ff2/5c173ff2.2020-06-20_21-33-24.jpg.thumbnail", key);
                    Assert.True(backend.Files.GetInfo(key).Length > 0);
                    backend.DeleteImages(admin, new[] { parsed.Key });
                    Assert.Null(backend.Files.GetInfo(key));
                }
            }
            finally
            {
                TestPaths.DeleteDir(root);
            }
        }
    }
}
