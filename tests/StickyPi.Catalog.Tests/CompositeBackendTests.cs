using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.Catalog.MariaDb;
using StickyPi.Catalog.Tests.Support;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.SampleData;
using StickyPi.Storage.S3;

namespace StickyPi.Catalog.Tests
{
    /// <summary>
    /// The MariaDB catalog joined to a file storage (<see cref="CompositeStickyBackend"/>), driven through
    /// <see cref="IStickyBackend"/> beside the embedded back-end: the same imports, replacements, deletions, tuboids
    /// and ML bundles give the same rows and the same bytes under the same keys, and nothing is left staged.
    /// </summary>
    [Collection(MariaDbCollection.Name)]
    public sealed class CompositeBackendTests : IClassFixture<S3rverFixture>, IDisposable
    {
        private static readonly ImageSeriesQuery Everything = new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue);
        private static readonly ImageFileKind[] Kinds = { ImageFileKind.Image, ImageFileKind.Thumbnail, ImageFileKind.ThumbnailMini };
        private readonly MariaDbFixture _db;
        private readonly S3rverFixture _s3;
        private readonly string _dir = TestPaths.NewTempDir("stickypi-composite");

        public CompositeBackendTests(MariaDbFixture db, S3rverFixture s3)
        {
            _db = db;
            _s3 = s3;
        }

        public void Dispose() => TestPaths.DeleteDir(_dir);

        [SkippableTheory]
        [InlineData("directory")]
        [InlineData("s3")]
        public void ImagesAreImportedReplacedAndDeletedWithTheirFilesAsInTheEmbeddedBackend(string storage)
        {
            _db.Require();
            var admin = CallerIdentity.LocalAdministrator;
            var input = Path.Combine(_dir, "input");
            Directory.CreateDirectory(input);
            var t0 = new DateTime(2021, 7, 1, 6, 0, 0, DateTimeKind.Utc);
            var files = Enumerable.Range(0, 8).Select(n => SampleImages.WriteImage(input, n < 5 ? "0a5bb6f4" : "1b74105a", t0.AddMinutes(20 * n), SampleFormat.Csv2022, 320, 240, 40 + n)).ToList();

            using (var embedded = EmbeddedStickyBackend.Open(Path.Combine(_dir, "embedded")))
            using (var composite = NewComposite(storage))
            {
                var backends = new IStickyBackend[] { embedded, composite };
                Assert.Equal(Statuses(Import(embedded, files)), Statuses(Import(composite, files)));
                Assert.All(Import(composite, files), r => Assert.Equal(ImportStatus.Skipped, r.Status));
                Assert.Equal(EmbeddedSample.Lines(embedded.GetImageSeries(admin, Everything), storedFields: false),
                    EmbeddedSample.Lines(composite.GetImageSeries(admin, Everything), storedFields: false));
                AssertSameFiles(embedded, composite);

                // Locations a caller can use: the file's path in a folder, a signed link to it in S3.
                foreach (var image in composite.GetImageSeries(admin, Everything, ImageFileKind.Thumbnail))
                {
                    byte[] got = storage == "s3"
                        ? new System.Net.Http.HttpClient().GetByteArrayAsync(image.Url).GetAwaiter().GetResult()
                        : File.ReadAllBytes(image.Url);
                    Assert.Equal(Bytes(composite, image.Key, ImageFileKind.Thumbnail), got);
                    Assert.Equal(StorageKey.OfImage(image.Key, ImageFileKind.Thumbnail), composite.Files.KeyOf(image.Url));
                }

                // Another picture under a stored key: refused by default, the stored files untouched; replaced on request.
                var old = composite.GetImageSeries(admin, Everything).First();
                var annotation = UidAnnotationSubmission.Create(old.Device, old.DateTime, old.Md5, "uid", "1", new object[0]);
                foreach (var b in backends)
                {
                    b.PutUidAnnotations(admin, new[] { annotation });
                }

                var other = Path.Combine(_dir, "other");
                Directory.CreateDirectory(other);
                var changed = SampleImages.WriteImage(other, old.Device, old.DateTime, SampleFormat.Csv2022, 320, 240, 999);
                var refused = backends.Select(b => Import(b, new[] { changed }).Single()).ToList();
                Assert.All(refused, r => Assert.Equal((ImportStatus.Failed, "Md5Conflict"), (r.Status, r.ErrorId)));
                AssertSameFiles(embedded, composite);
                Assert.Equal(old.Md5, TestFiles.Md5(Bytes(composite, old.Key, ImageFileKind.Image)));

                var replaced = backends.Select(b => Import(b, new[] { changed }, ConflictAction.Replace).Single()).ToList();
                Assert.All(replaced, r => Assert.Equal(ImportStatus.Sent, r.Status));
                Assert.Equal(TestFiles.Md5(File.ReadAllBytes(changed)), composite.GetStoredMd5(old.Key));
                Assert.Equal(File.ReadAllBytes(changed), Bytes(composite, old.Key, ImageFileKind.Image));
                AssertSameFiles(embedded, composite);
                Assert.Empty(composite.GetUidAnnotations(admin, new[] { old.Key }, false));

                // Deleting: rows and files gone in both.
                var gone = composite.GetImageSeries(admin, Everything).Take(3).Select(i => i.Key).ToList();
                Assert.Equal(embedded.DeleteImages(admin, gone).Select(i => i.Key), composite.DeleteImages(admin, gone).Select(i => i.Key));
                Assert.All(gone.SelectMany(k => Kinds.Select(kind => StorageKey.OfImage(k, kind))), key => Assert.Null(composite.Files.GetInfo(key)));
                AssertSameFiles(embedded, composite);
                Assert.Equal(5, composite.GetImageSeries(admin, Everything).Count());

                // Parsed images stored directly: all or nothing, a stored key refused before any file is written.
                var parsed = new StickyPi.Core.Parsing.StickyImageParser().Parse(File.ReadAllBytes(files[4]), files[4]);
                var before = composite.Files.List("raw_images/").Count();
                Assert.Equal(StickyErrorIds.DuplicateImage, Assert.Throws<StickyPiException>(() => composite.PutImages(admin, new[] { (parsed, File.ReadAllBytes(files[4])) })).ErrorId);
                Assert.Equal(before, composite.Files.List("raw_images/").Count());
                Assert.Empty(composite.Files.List("raw_images/.staging/"));
            }
        }

        [SkippableTheory]
        [InlineData("directory")]
        [InlineData("s3")]
        public void AGroupThatFailsCanBeCommittedAgainImageByImage(string storage)
        {
            _db.Require();
            var admin = CallerIdentity.LocalAdministrator;
            var input = Path.Combine(_dir, "input");
            var t0 = new DateTime(2021, 7, 1, 6, 0, 0, DateTimeKind.Utc);
            var stored = SampleImages.WriteImage(Path.Combine(input, "a"), "0a5bb6f4", t0, SampleFormat.Csv2022, 320, 240, 1);
            var newer = SampleImages.WriteImage(Path.Combine(input, "b"), "0a5bb6f4", t0, SampleFormat.Csv2022, 320, 240, 2);
            var fresh = SampleImages.WriteImage(Path.Combine(input, "b"), "0a5bb6f4", t0.AddMinutes(20), SampleFormat.Csv2022, 320, 240, 3);
            var parser = new StickyPi.Core.Parsing.StickyImageParser();
            StagedImage Stage(IStickyBackend b, string path)
            {
                var bytes = File.ReadAllBytes(path);
                return b.StageImage(parser.Parse(bytes, path), bytes, bytes.Length);
            }

            using (var composite = NewComposite(storage))
            {
                composite.CommitStagedImages(admin, new[] { Stage(composite, stored) }, false);
                var pending = Stage(composite, newer);
                var other = Stage(composite, fresh);
                Assert.True(pending.IsPending);
                Assert.False(other.IsPending);

                // The group is refused (the pending image's key is stored), nothing of it is written...
                Assert.Equal(StickyErrorIds.DuplicateImage, Assert.Throws<StickyPiException>(() => composite.CommitStagedImages(admin, new[] { other, pending }, false)).ErrorId);
                Assert.Equal(File.ReadAllBytes(stored), Bytes(composite, pending.Key, ImageFileKind.Image));
                Assert.Single(composite.GetImageSeries(admin, Everything));

                // ...and each image can then be committed alone, the replacement with its own staged files.
                Assert.Equal(TestFiles.Md5(fresh), composite.CommitStagedImages(admin, new[] { other }, false).Single().Md5);
                Assert.Equal(TestFiles.Md5(newer), composite.CommitStagedImages(admin, new[] { pending }, true).Single().Md5);
                Assert.Equal(File.ReadAllBytes(newer), Bytes(composite, pending.Key, ImageFileKind.Image));
                Assert.Equal(new[] { TestFiles.Md5(newer), TestFiles.Md5(fresh) }, composite.GetImageSeries(admin, Everything).Select(i => i.Md5));
                Assert.Empty(composite.Files.List("raw_images/.staging/"));
                Assert.Throws<InvalidOperationException>(() => composite.CommitStagedImages(admin, new[] { pending }, true));
            }
        }

        [SkippableTheory]
        [InlineData("directory")]
        [InlineData("s3")]
        public void TuboidsAndMlBundlesGoThroughTheFileStorageAsInTheEmbeddedBackend(string storage)
        {
            _db.Require();
            var admin = CallerIdentity.LocalAdministrator;
            var seriesDir = SampleTuboids.WriteFixtureSeries(Path.Combine(_dir, "tuboids"));
            var dirs = Directory.GetDirectories(seriesDir).OrderBy(d => d, StringComparer.Ordinal).ToList();
            var bundle = Path.Combine(_dir, "bundle");
            SampleMlBundle.Write(bundle);

            using (var embedded = EmbeddedStickyBackend.Open(Path.Combine(_dir, "embedded")))
            using (var composite = NewComposite(storage))
            {
                var info = new TuboidSeriesInfo { AlgoName = "composite", ImageCount = 10, TuboidCount = 5 };
                Assert.Equal(embedded.UploadTuboid(admin, dirs[0], info).Status, composite.UploadTuboid(admin, dirs[0], info).Status);
                var resolved = TuboidUploader.ResolveSeriesInfo(dirs[0], info);
                var rest = dirs.Skip(1).ToList();
                Assert.Equal(embedded.PutTiledTuboids(admin, rest, resolved).Select(r => r.Status + " " + r.ErrorId),
                    composite.PutTiledTuboids(admin, rest, resolved).Select(r => r.Status + " " + r.ErrorId));
                var stored = composite.GetTiledTuboidSeries(admin, TuboidQuery.All, includeFiles: true).ToList();
                Assert.Equal(5, stored.Count);
                Assert.Equal(embedded.GetTiledTuboidSeries(admin, TuboidQuery.All, true).Select(t => embedded.Files.KeyOf(t.TuboidFile)), stored.Select(t => composite.Files.KeyOf(t.TuboidFile)));
                foreach (var t in stored)
                {
                    foreach (var (location, file) in new[] { (t.TuboidFile, "tuboid.jpg"), (t.MetadataFile, "metadata.txt"), (t.ContextFile, "context.jpg") })
                    {
                        var key = composite.Files.KeyOf(location);
                        Assert.Equal(File.ReadAllBytes(Path.Combine(dirs.Single(d => d.EndsWith(t.TuboidId, StringComparison.Ordinal)), file)), Read(composite, key));
                    }
                }

                // The sixth finds the series full, and none of its files reach the storage.
                var full = composite.PutTiledTuboids(admin, new[] { dirs.Last() }, resolved).Single();
                Assert.Equal(TuboidErrorIds.SeriesFull, full.ErrorId);
                Assert.Equal(15, composite.Files.List("tiled_tuboids/").Count());

                Assert.Equal(embedded.DeleteTiledTuboids(admin, TuboidQuery.All).Select(s => s.Device + s.NTuboids), composite.DeleteTiledTuboids(admin, TuboidQuery.All).Select(s => s.Device + s.NTuboids));
                Assert.Empty(composite.Files.List("tiled_tuboids/"));

                // ML bundles: pushed, listed alike, nothing more to send, pulled back byte for byte.
                var pushed = new MlBundleSync(composite.AsMlBundleRemote(admin)).Push("insects-v1", bundle);
                new MlBundleSync(embedded.AsMlBundleRemote(admin)).Push("insects-v1", bundle);
                Assert.NotEmpty(pushed);
                Assert.All(pushed, r => Assert.Equal(MlBundleTransferStatus.Uploaded, r.Status));
                string Listing(IStickyBackend b, MlBundleSelection what) => string.Join("\n", b.GetMlBundleFileList(admin, "insects-v1", what).Select(f => f.Key + " " + f.Md5 + " " + f.Size));
                foreach (MlBundleSelection what in Enum.GetValues(typeof(MlBundleSelection)))
                {
                    Assert.Equal(Listing(embedded, what), Listing(composite, what));
                }

                Assert.Empty(new MlBundleSync(composite.AsMlBundleRemote(admin)).Push("insects-v1", bundle));
                var pulled = Path.Combine(_dir, "pulled", "insects-v1");
                new MlBundleSync(composite.AsMlBundleRemote(admin)).Pull("insects-v1", pulled);
                foreach (var f in Directory.GetFiles(bundle, "*", SearchOption.AllDirectories))
                {
                    Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(pulled, f.Substring(bundle.Length + 1))));
                }

                Assert.Equal(new[] { "insects-v1" }, composite.CompleteMlBundleNames(admin, "ins"));
                Assert.Equal(MlBundleErrorIds.FileNotFound, Assert.Throws<StickyPiException>(() => composite.OpenMlBundleFile(admin, "insects-v1", "config/none.yaml")).ErrorId);
            }
        }

        /// <summary>A new database joined to a new folder, or to a new bucket of the S3 server.</summary>
        private CompositeStickyBackend NewComposite(string storage)
        {
            IStickyFileStorage files;
            if (storage == "s3")
            {
                _s3.Require();
                files = new S3FileStorage(_s3.NewBucket());
            }
            else
            {
                files = new LocalDirectoryStorage(Path.Combine(_dir, "files-" + Guid.NewGuid().ToString("N")));
            }

            return new CompositeStickyBackend(MariaDbCatalog.Open(_db.NewDatabase()), files, "MariaDb", Path.Combine(_dir, "cache-" + Guid.NewGuid().ToString("N")),
                null, files as IDisposable);
        }

        private static IReadOnlyList<ImageImportResult> Import(IStickyBackend backend, IEnumerable<string> files, ConflictAction onConflict = ConflictAction.Report)
        {
            using (var session = backend.BeginImageImport(CallerIdentity.LocalAdministrator, new ImageImportOptions { OnConflict = onConflict }))
            {
                foreach (var f in files)
                {
                    session.Post(f);
                }

                session.Complete();
                return session.Drain().OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
            }
        }

        private static IEnumerable<string> Statuses(IEnumerable<ImageImportResult> results) => results.Select(r => Path.GetFileName(r.Path) + " " + r.Status + " " + r.ErrorId);

        /// <summary>Every stored image's three files hold the same bytes in both back-ends.</summary>
        private static void AssertSameFiles(EmbeddedStickyBackend embedded, IStickyBackend composite)
        {
            var admin = CallerIdentity.LocalAdministrator;
            var keys = embedded.GetImageSeries(admin, Everything).Select(i => i.Key).ToList();
            Assert.Equal(keys, composite.GetImageSeries(admin, Everything).Select(i => i.Key));
            foreach (var key in keys)
            {
                foreach (var kind in Kinds)
                {
                    Assert.Equal(Read(embedded, StorageKey.OfImage(key, kind)), Bytes(composite, key, kind));
                }
            }
        }

        private static byte[] Bytes(IStickyBackend backend, ImageKey key, ImageFileKind kind) => Read(backend, StorageKey.OfImage(key, kind));

        private static byte[] Read(IStickyBackend backend, string key)
        {
            using (var stream = backend.Files.OpenRead(key))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                return copy.ToArray();
            }
        }
    }
}
