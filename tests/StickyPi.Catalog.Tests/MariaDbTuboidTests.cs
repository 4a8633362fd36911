using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.Catalog.MariaDb;
using StickyPi.Catalog.Tests.Support;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;
using StickyPi.SampleData;

namespace StickyPi.Catalog.Tests
{
    /// <summary>
    /// Tuboid series, tuboids and ITC labels through the MariaDB catalog: the embedded store's rows, refusals and
    /// cascades for the same tuboid folders and labels; files placed only once a tuboid passed every check.
    /// </summary>
    [Collection(MariaDbCollection.Name)]
    public sealed class MariaDbTuboidTests : IDisposable
    {
        private readonly MariaDbFixture _db;
        private readonly string _dir = TestPaths.NewTempDir("stickypi-mariadb-tuboids");

        public MariaDbTuboidTests(MariaDbFixture db) => _db = db;

        public void Dispose() => TestPaths.DeleteDir(_dir);

        [SkippableFact]
        public void TuboidsAndLabelsAreStoredRefusedReadAndDeletedAsByTheEmbeddedStore()
        {
            _db.Require();
            var seriesDir = SampleTuboids.WriteFixtureSeries(_dir);
            var outside = SampleTuboids.WriteSeries(_dir, SampleTuboids.FixtureSeriesName, new[]
            {
                ("0040", 3, SampleTuboids.FixtureTuboids[0].Start.AddDays(-2), SampleTuboids.FixtureTuboids[0].End),
            });
            Assert.Equal(seriesDir, outside);
            var dirs = Directory.GetDirectories(seriesDir).OrderBy(d => d, StringComparer.Ordinal).ToList();
            dirs.Add(dirs[1]); // stored already by then: DuplicateTuboid
            var info = new TuboidSeriesInfo
            {
                Device = "08038ade", StartDateTime = new DateTime(2020, 7, 8, 20, 0, 0, DateTimeKind.Utc), EndDateTime = new DateTime(2020, 7, 9, 15, 0, 0, DateTimeKind.Utc),
                TuboidCount = 7, ImageCount = 40, AlgoName = "test", AlgoVersion = "1606980656-91e2199fccf371d3d690b2856613e8f5",
            };

            var catalog = MariaDbCatalog.Open(_db.NewDatabase());
            var local = CallerIdentity.LocalAdministrator;
            catalog.AddUser(local, "admin", "admin-pass-1".ToCharArray(), isAdmin: true);
            catalog.AddUser(local, "writer", "writer-pass-1".ToCharArray());
            catalog.AddUser(local, "reader", "reader-pass-1".ToCharArray(), canWrite: false);
            var writer = catalog.GetCallerIdentity("writer");
            var reader = catalog.GetCallerIdentity("reader");
            var admin = catalog.GetCallerIdentity("admin");

            using (var store = LocalStickyStore.Open(Path.Combine(_dir, "store")))
            {
                var expected = store.PutTiledTuboids(local, dirs, info).Select(r => r.Status + " " + (r.Error?.ErrorId ?? r.Tuboid.TuboidId)).ToList();

                var series = catalog.FindOrCreateTuboidSeries(writer, info);
                Assert.Equal(series.Id, catalog.FindOrCreateTuboidSeries(writer, info).Id);
                var placed = new List<string>();
                var outcomes = new List<string>();
                foreach (var dir in dirs)
                {
                    try
                    {
                        var name = TuboidDirectory.ParseName(dir);
                        var meta = TuboidDirectory.ReadMetadata(Path.Combine(dir, TuboidDirectory.MetadataFileName));
                        var t = catalog.InsertTuboid(writer, series.Id, name, meta, dir, () =>
                        {
                            placed.Add(name.TuboidId);
                            return () => placed.Remove(name.TuboidId);
                        });
                        outcomes.Add(ImportStatus.Sent + " " + t.TuboidId);
                    }
                    catch (StickyPiException e)
                    {
                        outcomes.Add(ImportStatus.Failed + " " + e.ErrorId);
                        Assert.Equal(dir, e.Target);
                    }
                }

                Assert.Equal(expected, outcomes);
                Assert.Contains("Failed " + TuboidErrorIds.TuboidOutsideSeries, outcomes);
                Assert.Equal("Failed " + TuboidErrorIds.DuplicateTuboid, outcomes.Last());
                Assert.Equal(6, placed.Count);
                Assert.Equal(outcomes.Where(o => o.StartsWith("Sent", StringComparison.Ordinal)).Select(o => o.Substring(5)), placed);

                var all = TuboidQuery.All;
                Assert.Equal(Tuboids(store.GetTiledTuboidSeries(local, all)), Tuboids(catalog.GetTiledTuboidSeries(reader, all)));
                var narrow = new TuboidQuery("0803%", info.StartDateTime, info.EndDateTime, "test");
                Assert.Equal(6, catalog.GetTiledTuboidSeries(reader, narrow).Count);
                Assert.Empty(catalog.GetTiledTuboidSeries(reader, new TuboidQuery("%", info.StartDateTime, info.EndDateTime.AddSeconds(-1))));
                Assert.Empty(catalog.GetTiledTuboidSeries(reader, new TuboidQuery("%", DateTime.MinValue, DateTime.MaxValue, "other")));

                // Labels: stored, unknown tuboid, duplicate, invalid, alike in both; each in its own transaction.
                var ids = catalog.GetTiledTuboidSeries(reader, all).Select(t => t.TuboidId).ToList();
                var labels = new[]
                {
                    Label(ids[0], "itc", 3), Label(ids[0], "itc-b", 4), Label(ids[2], "itc", 5), Label("08038ade.missing.0001", "itc", 1),
                    Label(ids[0], "itc", 9), new ItcLabelSubmission { TuboidId = ids[3], AlgoName = "itc", AlgoVersion = "1", Label = 1, Pattern = null, Type = "Insecta" },
                };
                var here = catalog.PutItcLabels(writer, labels);
                var there = store.PutItcLabels(local, labels);
                Assert.Equal(there.Select(r => r.Error?.ErrorId + "|" + r.Error?.Message), here.Select(r => r.Error?.ErrorId + "|" + r.Error?.Message));
                Assert.Equal(new[] { true, true, true, false, false, false }, here.Select(r => r.Error == null));
                Assert.Equal(Labels(there.Where(r => r.Label != null).Select(r => r.Label)), Labels(here.Where(r => r.Label != null).Select(r => r.Label)));
                Assert.All(here.Where(r => r.Label != null), r => Assert.Equal(writer.Id, r.Label.ApiUserId));
                Assert.Equal(Labels(store.GetItcLabels(local, ids.Concat(new[] { "nope" }))), Labels(catalog.GetItcLabels(reader, ids.Concat(new[] { "nope" }))));
                Assert.Equal(3, catalog.GetItcLabels(reader, ids).Count);
                Assert.Equal(Labelled(store.GetTiledTuboidSeriesWithItcLabels(local, all)), Labelled(catalog.GetTiledTuboidSeriesWithItcLabels(reader, all)));
                Assert.Equal(7, catalog.GetTiledTuboidSeriesWithItcLabels(reader, all).Count);

                Assert.Throws<AccessDeniedException>(() => catalog.PutItcLabels(reader, labels));
                Assert.Throws<AccessDeniedException>(() => catalog.FindOrCreateTuboidSeries(reader, info));
                Assert.Throws<AccessDeniedException>(() => catalog.DeleteTiledTuboids(writer, all));

                // Deleting returns the series and its tuboid ids (for their files), and takes tuboids and labels along.
                var deleted = catalog.DeleteTiledTuboids(admin, all).Single();
                Assert.Equal(series.Id, deleted.Series.Id);
                Assert.Equal(ids, deleted.TuboidIds);
                Assert.Empty(catalog.GetTiledTuboidSeries(reader, all));
                Assert.Empty(catalog.GetItcLabels(reader, ids));
                Assert.Empty(catalog.DeleteTiledTuboids(admin, all));
            }
        }

        [SkippableFact]
        public void FilesThatCannotBePlacedLeaveNoRowAndTheSeriesCountsOnlyStoredTuboids()
        {
            _db.Require();
            var seriesDir = SampleTuboids.WriteFixtureSeries(_dir);
            var dirs = Directory.GetDirectories(seriesDir).OrderBy(d => d, StringComparer.Ordinal).ToList();
            var catalog = MariaDbCatalog.Open(_db.NewDatabase());
            catalog.AddUser(CallerIdentity.LocalAdministrator, "writer", "writer-pass-1".ToCharArray());
            var writer = catalog.GetCallerIdentity("writer");
            var info = new TuboidSeriesInfo
            {
                Device = "08038ade", StartDateTime = new DateTime(2020, 7, 8, 20, 0, 0, DateTimeKind.Utc), EndDateTime = new DateTime(2020, 7, 9, 15, 0, 0, DateTimeKind.Utc),
                TuboidCount = 1, ImageCount = 40, AlgoName = "test", AlgoVersion = "v1",
            };
            var series = catalog.FindOrCreateTuboidSeries(writer, info);
            var name = TuboidDirectory.ParseName(dirs[0]);
            var meta = TuboidDirectory.ReadMetadata(Path.Combine(dirs[0], TuboidDirectory.MetadataFileName));

            var failed = Assert.Throws<IOException>(() => catalog.InsertTuboid(writer, series.Id, name, meta, dirs[0], () => throw new IOException("bucket unreachable")));
            Assert.Equal("bucket unreachable", failed.Message);
            Assert.Empty(catalog.GetTiledTuboidSeries(writer, TuboidQuery.All));

            // The series (one tuboid) still has room: the failed upload was not counted.
            Assert.Equal(name.TuboidId, catalog.InsertTuboid(writer, series.Id, name, meta, dirs[0]).TuboidId);
            var full = Assert.Throws<StickyPiException>(() => catalog.InsertTuboid(writer, series.Id, TuboidDirectory.ParseName(dirs[1]),
                TuboidDirectory.ReadMetadata(Path.Combine(dirs[1], TuboidDirectory.MetadataFileName)), dirs[1]));
            Assert.Equal((TuboidErrorIds.SeriesFull, (object)dirs[1]), (full.ErrorId, full.Target));
        }

        private static ItcLabelSubmission Label(string tuboidId, string algo, int label) => new ItcLabelSubmission
        {
            TuboidId = tuboidId, AlgoName = algo, AlgoVersion = "1.0", Label = label, Pattern = "Insecta/Diptera", Type = "Insecta", Order = "Diptera",
        };

        private static IEnumerable<string> Tuboids(IEnumerable<TiledTuboid> rows) => rows.Select(t => string.Join("|",
            t.Id, t.ParentSeriesId, t.TuboidId, t.IdInSeries, t.StartDateTime.ToString("o"), t.EndDateTime.ToString("o"), t.NShots, t.ApiVersion,
            t.AlgoNameSeries, t.AlgoVersionSeries, t.NTuboidsSeries, t.DeviceSeries, t.StartDateTimeSeries.ToString("o"), t.EndDateTimeSeries.ToString("o"))).ToList();

        private static IEnumerable<string> Labels(IEnumerable<ItcLabel> rows) => rows.Select(l => string.Join("|",
            l.Id, l.ParentTuboidId, l.TuboidId, l.AlgoName, l.AlgoVersion, l.Label, l.Pattern, l.Type, l.Order, l.Family, l.Genus, l.Species,
            l.ApiVersion, l.DateTimeCreated.Kind)).ToList();

        private static IEnumerable<string> Labelled(IEnumerable<LabelledTiledTuboid> rows) =>
            rows.Select(t => Tuboids(new[] { t }).Single() + " / " + (t.ItcLabel == null ? "none" : Labels(new[] { t.ItcLabel }).Single())).ToList();
    }
}
