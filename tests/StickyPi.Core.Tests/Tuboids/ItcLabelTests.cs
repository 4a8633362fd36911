using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Tests.Local;
using static StickyPi.Core.Tests.Tuboids.TuboidKit;

namespace StickyPi.Core.Tests.Tuboids
{
    public class ItcLabelTests
    {
        public static ItcLabelSubmission Label(string tuboidId, string version = "1600000000-abc", int label = 3) => new ItcLabelSubmission
        {
            TuboidId = tuboidId,
            AlgoName = "insect_tuboid_classifier",
            AlgoVersion = version,
            Label = label,
            Pattern = "^Insecta.Diptera.*",
            Type = "Insecta",
            Order = "Diptera",
            Family = null,
        };

        private static StoreDir WithFixture()
        {
            var s = new StoreDir();
            s.Store.PutTiledTuboids(Writer, FixtureTuboids, Info());
            return s;
        }

        [Fact]
        public void Labels_are_stored_per_item_and_read_back_by_tuboid_id()
        {
            using (var s = WithFixture())
            {
                var results = s.Store.PutItcLabels(Writer, new[]
                {
                    Label(SeriesName + ".0000"),
                    Label(SeriesName + ".0099"),              // no such tuboid
                    Label(SeriesName + ".0000"),              // duplicate of the first
                    Label(SeriesName + ".0000", "1700000000-def", 4), // a new version is a new label
                    Label(SeriesName + ".0034"),
                });
                Assert.Equal(new string[] { null, TuboidErrorIds.TuboidNotFound, TuboidErrorIds.DuplicateItcLabel, null, null }, results.Select(r => r.ErrorId));
                Assert.Equal(StickyErrorKind.NotFound, results[1].Error.Kind);
                Assert.Contains(SeriesName + ".0099", results[1].Error.Message);
                Assert.Equal(StickyErrorKind.Conflict, results[2].Error.Kind);
                var stored = results[0].Label;
                Assert.NotNull(stored.Id);
                Assert.Equal(5L, stored.ApiUserId);
                Assert.Equal(3, Kit.Count(s.Db, "itc_labels"));

                var labels = s.Store.GetItcLabels(Kit.Admin, new[] { SeriesName + ".0000", SeriesName + ".0099" });
                Assert.Equal(2, labels.Count);
                Assert.All(labels, l => Assert.Equal(SeriesName + ".0000", l.TuboidId));
                Assert.Equal(new[] { 3, 4 }, labels.Select(l => l.Label));
                Assert.Equal("Diptera", labels[0].Order);
                Assert.Null(labels[0].Family);
                Assert.Equal("^Insecta.Diptera.*", labels[0].Pattern);
                Assert.Equal(stored.ParentTuboidId, labels[0].ParentTuboidId);

                var row = Kit.Query(s.Db, "SELECT algo_name, algo_version, label, pattern, type, \"order\", family, api_user_id FROM itc_labels ORDER BY id").First();
                Assert.Equal(new object[] { "insect_tuboid_classifier", "1600000000-abc", 3L, "^Insecta.Diptera.*", "Insecta", "Diptera", System.DBNull.Value, 5L }, row);
            }
        }

        [Fact]
        public void Unknown_tuboid_ids_give_no_labels_not_every_label()
        {
            using (var s = WithFixture())
            {
                s.Store.PutItcLabels(Writer, new[] { Label(SeriesName + ".0000"), Label(SeriesName + ".0028") });
                Assert.Empty(s.Store.GetItcLabels(Kit.Admin, new[] { "08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.x.0001" }));
                Assert.Empty(s.Store.GetItcLabels(Kit.Admin, new string[0]));
                Assert.Single(s.Store.GetItcLabels(Reader, new[] { SeriesName + ".0028" }));
            }
        }

        [Fact]
        public void Label_for_a_missing_tuboid_is_refused_and_invalid_fields_are_caught()
        {
            using (var s = new StoreDir())
            {
                var r = s.Store.PutItcLabels(Writer, new[] { Label(SeriesName + ".0000") }).Single();
                Assert.Equal(TuboidErrorIds.TuboidNotFound, r.ErrorId);
                var noType = Label(SeriesName + ".0000");
                noType.Type = null;
                Assert.Equal(TuboidErrorIds.InvalidItcLabel, s.Store.PutItcLabels(Writer, new[] { noType }).Single().ErrorId);
                var longName = Label(SeriesName + ".0000");
                longName.AlgoName = new string('a', 33);
                Assert.Equal(TuboidErrorIds.InvalidItcLabel, s.Store.PutItcLabels(Writer, new[] { longName }).Single().ErrorId);
                Assert.Equal(0, Kit.Count(s.Db, "itc_labels"));
            }
        }

        [Fact]
        public void Read_only_users_cannot_put_labels()
        {
            using (var s = WithFixture())
            {
                var e = Assert.ThrowsAny<StickyPiException>(() => s.Store.PutItcLabels(Reader, new[] { Label(SeriesName + ".0000") }));
                Assert.Equal(LocalStoreErrorIds.PermissionDenied, e.ErrorId);
                Assert.Equal(0, Kit.Count(s.Db, "itc_labels"));
            }
        }

        [Fact]
        public void Join_keeps_the_tuboid_id_one_row_per_label_and_unlabelled_tuboids_once()
        {
            using (var s = WithFixture())
            {
                s.Store.PutItcLabels(Writer, new[] { Label(SeriesName + ".0000"), Label(SeriesName + ".0000", "1700000000-def", 4), Label(SeriesName + ".0034", label: 7) });
                var tuboids = s.Store.GetTiledTuboidSeries(Kit.Admin, TuboidQuery.All);
                var rows = s.Store.GetTiledTuboidSeriesWithItcLabels(Kit.Admin, TuboidQuery.All, includeFiles: true);
                Assert.Equal(7, rows.Count);
                Assert.All(rows, r => Assert.Equal(tuboids.Single(t => t.TuboidId == r.TuboidId).Id, r.Id));
                Assert.All(rows, r => Assert.NotNull(r.TuboidFile));
                Assert.Equal(new int?[] { 3, 4 }, rows.Where(r => r.IdInSeries == 0).Select(r => r.Label));
                Assert.Equal(7, rows.Single(r => r.IdInSeries == 34).Label);
                Assert.Equal("1600000000-abc", rows.Single(r => r.IdInSeries == 34).LabelAlgoVersion);
                var unlabelled = rows.Where(r => r.ItcLabel == null).ToList();
                Assert.Equal(new[] { 28, 29, 30, 31 }, unlabelled.Select(r => r.IdInSeries));
                Assert.All(unlabelled, r => Assert.Null(r.Label));

                Assert.Empty(s.Store.GetTiledTuboidSeriesWithItcLabels(Kit.Admin, new TuboidQuery("%", SeriesStart, T(2020, 7, 9, 14, 59, 59))));
            }
        }
    }
}
