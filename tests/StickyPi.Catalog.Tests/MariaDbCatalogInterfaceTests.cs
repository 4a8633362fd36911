using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.Catalog.MariaDb;
using StickyPi.Catalog.Tests.Support;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.SampleData;

namespace StickyPi.Catalog.Tests
{
    /// <summary>
    /// The MariaDB catalog as an <see cref="IStickyCatalog"/>, beside the embedded back-end holding the same rows:
    /// file locations name the same storage keys, and completion offers the same names.
    /// </summary>
    [Collection(MariaDbCollection.Name)]
    public sealed class MariaDbCatalogInterfaceTests : IDisposable
    {
        private static readonly ImageSeriesQuery Everything = new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue);
        private readonly MariaDbFixture _db;
        private readonly string _dir = TestPaths.NewTempDir("stickypi-mariadb-interface");

        public MariaDbCatalogInterfaceTests(MariaDbFixture db) => _db = db;

        public void Dispose() => TestPaths.DeleteDir(_dir);

        [SkippableFact]
        public void FileLocationsAreTheEmbeddedBackendsKeysAndCompletionOffersTheSameNames()
        {
            _db.Require();
            var local = CallerIdentity.LocalAdministrator;
            var maria = MariaDbCatalog.Open(_db.NewDatabase());
            IStickyCatalog catalog = maria;
            using (var backend = new EmbeddedStickyBackend(EmbeddedSample.Import(_dir)))
            {
                IStickyCatalog embedded = backend;
                maria.CommitImageRows(local, embedded.GetImageSeries(local, Everything).ToList(), false);
                foreach (var algo in new[] { "uid", "Uid-b", "other" })
                {
                    var parent = embedded.GetImageSeries(local, Everything).First();
                    var item = UidAnnotationSubmission.Create(parent.Device, parent.DateTime, parent.Md5, algo, "1", new object[0]);
                    embedded.PutUidAnnotations(local, new[] { item });
                    catalog.PutUidAnnotations(local, new[] { item });
                }

                foreach (var what in new[] { ImageFileKind.Image, ImageFileKind.Thumbnail, ImageFileKind.ThumbnailMini })
                {
                    var theirs = embedded.GetImageSeries(local, Everything, what).Select(i => backend.Files.KeyOf(i.Url)).ToList();
                    Assert.Equal(theirs, catalog.GetImageSeries(local, Everything, what).Select(i => i.Url));
                    Assert.All(theirs, k => Assert.True(StorageKey.IsValid(k), k));
                    var keys = embedded.GetImageSeries(local, Everything).Select(i => i.Key).Take(3).ToList();
                    Assert.Equal(embedded.GetImages(local, keys, what).Select(i => backend.Files.KeyOf(i.Url)), catalog.GetImages(local, keys, what).Select(i => i.Url));
                    Assert.Equal(embedded.GetImagesWithUidAnnotationSeries(local, Everything, what, false).Select(i => backend.Files.KeyOf(i.Url)),
                        catalog.GetImagesWithUidAnnotationSeries(local, Everything, what, false).Select(i => i.Url));
                }

                Assert.All(catalog.GetImageSeries(local, Everything, ImageFileKind.Metadata), i => Assert.Equal(string.Empty, i.Url));
                Assert.Equal(embedded.GetImagesToAnnotate(local, "uid", "1", Everything, ImageFileKind.Thumbnail).Select(i => backend.Files.KeyOf(i.Url)),
                    catalog.GetImagesToAnnotate(local, "uid", "1", Everything, ImageFileKind.Thumbnail).Select(i => i.Url));

                // Tuboids: the same series in both, file keys alike.
                var seriesDir = SampleTuboids.WriteFixtureSeries(_dir);
                var dirs = Directory.GetDirectories(seriesDir).OrderBy(d => d, StringComparer.Ordinal).ToList();
                var info = new TuboidSeriesInfo
                {
                    Device = "08038ade", StartDateTime = new DateTime(2020, 7, 8, 20, 0, 0, DateTimeKind.Utc), EndDateTime = new DateTime(2020, 7, 9, 15, 0, 0, DateTimeKind.Utc),
                    TuboidCount = 6, ImageCount = 40, AlgoName = "Tracker", AlgoVersion = "1606980656-91e2199fccf371d3d690b2856613e8f5",
                };
                backend.PutTiledTuboids(local, dirs, info);
                var series = maria.FindOrCreateTuboidSeries(local, info);
                foreach (var dir in dirs)
                {
                    maria.InsertTuboid(local, series.Id, TuboidDirectory.ParseName(dir), TuboidDirectory.ReadMetadata(Path.Combine(dir, TuboidDirectory.MetadataFileName)), dir);
                }

                string Files(TiledTuboid t, Func<string, string> key) => key(t.TuboidFile) + " " + key(t.MetadataFile) + " " + key(t.ContextFile);
                Assert.Equal(embedded.GetTiledTuboidSeries(local, TuboidQuery.All, true).Select(t => Files(t, backend.Files.KeyOf)),
                    catalog.GetTiledTuboidSeries(local, TuboidQuery.All, true).Select(t => Files(t, k => k)));
                Assert.Equal(embedded.GetTiledTuboidSeriesWithItcLabels(local, TuboidQuery.All, true).Select(t => Files(t, backend.Files.KeyOf)),
                    catalog.GetTiledTuboidSeriesWithItcLabels(local, TuboidQuery.All, true).Select(t => Files(t, k => k)));
                Assert.All(catalog.GetTiledTuboidSeries(local, TuboidQuery.All, false), t => Assert.Null(t.TuboidFile));

                // Completion: the same names for the same rows.
                foreach (var user in new[] { "ada", "Adam", "bob" })
                {
                    embedded.AddUser(local, user, "pass-word-1".ToCharArray());
                    catalog.AddUser(local, user, "pass-word-1".ToCharArray());
                }

                foreach (var project in new[] { "alpha", "Alps", "beta" })
                {
                    embedded.AddProject(local, project);
                    catalog.AddProject(local, project);
                }

                var asked = new List<string>();
                foreach (var typed in new[] { "", "0", "1B", "5c17*", "a", "AL", "u", "T", "zz" })
                {
                    asked.Add(typed);
                    Assert.Equal(embedded.CompleteImageDevices(local, typed), catalog.CompleteImageDevices(local, typed));
                    Assert.Equal(embedded.CompleteImageDevices(local, typed, 2), catalog.CompleteImageDevices(local, typed, 2));
                    Assert.Equal(embedded.CompleteTuboidDevices(local, typed), catalog.CompleteTuboidDevices(local, typed));
                    Assert.Equal(embedded.CompleteUserNames(local, typed), catalog.CompleteUserNames(local, typed));
                    Assert.Equal(embedded.CompleteProjectNames(local, typed), catalog.CompleteProjectNames(local, typed));
                    foreach (AlgoNameSource source in Enum.GetValues(typeof(AlgoNameSource)))
                    {
                        Assert.Equal(embedded.CompleteAlgoNames(local, source, typed), catalog.CompleteAlgoNames(local, source, typed));
                    }
                }

                Assert.Equal(new[] { "0a5bb6f4", "1b74105a", "5c173ff2" }, catalog.CompleteImageDevices(local, ""));
                Assert.Equal(new[] { "Uid-b", "uid" }, catalog.CompleteAlgoNames(local, AlgoNameSource.UidAnnotations, "u"));
                Assert.Equal(new[] { "Alps", "alpha" }, catalog.CompleteProjectNames(local, "al"));
                Assert.Equal(new[] { "Tracker" }, catalog.CompleteAlgoNames(local, AlgoNameSource.TuboidSeries, "t"));
                Assert.Empty(catalog.CompleteImageDevices(local, "0", 0));
            }
        }
    }
}
