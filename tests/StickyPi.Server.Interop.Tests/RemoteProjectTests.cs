using System;
using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Server.Interop.Tests.Support;

namespace StickyPi.Server.Interop.Tests
{
    /// <summary>
    /// The module's remote back-end on projects, permissions, project series and columns against upstream's own server
    /// and ours, over HTTP on 127.0.0.1 (RemoteProjectRun): the same rows and the same errors from both, except where
    /// upstream's server cannot do what ours does (changing a permission) or where values are refused to protect it.
    /// </summary>
    [Collection(InteropCollection.Name)]
    public sealed class RemoteProjectTests
    {
        private static readonly DateTime T0 = RemoteProjectRun.T0;
        private readonly InteropFixture _f;

        public RemoteProjectTests(InteropFixture fixture) => _f = fixture;

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void ProjectsAreCreatedSeenByTheirHoldersAndResolvedByName(string server)
        {
            var run = Run(server);
            Assert.Equal(("interop_p", "desc", "notes"), (run.AdminProject.Name, run.AdminProject.Description, run.AdminProject.Notes));
            Assert.True(run.AdminProject.ApiUserId > 0);
            Assert.Equal("Ada_Proj", run.AdaProject.Name);
            Assert.Equal(new[] { run.AdaProject.Id }.Concat(run.TwinIds), run.AdaSees);
            Assert.Subset(run.AdminSees.ToHashSet(), run.AdaSees.Append(run.AdminProject.Id).ToHashSet());
            Assert.Empty(run.EmilieSeesBefore);
            Assert.Equal(run.AdaProject.Id, run.ResolvedCaseInsensitive);
            Assert.Equal(run.TwinIds, run.AmbiguousCandidates);
            Assert.Equal(new[] { "Ada_Proj", "twin" }, run.AdaCompletions);
        }

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void PermissionsAreGrantedAndListedWithNamesAndReadOnlyHoldersAreRefused(string server)
        {
            var run = Run(server);
            Assert.Equal((run.AdaProject.Id, "Ada_Proj", "proj_emilie", ProjectLevel.Read), (run.Granted.ProjectId, run.Granted.ProjectName, run.Granted.UserName, run.Granted.Level));
            Assert.True(run.Granted.Id > 0, "the row is read back with its id (upstream echoes null)");
            Assert.Equal(new[] { ("proj_ada", ProjectLevel.Admin), ("proj_emilie", ProjectLevel.Read) }, run.Permissions.Select(p => (p.UserName, p.Level)));
            Assert.All(run.Permissions, p => Assert.Equal("Ada_Proj", p.ProjectName));

            // Ours lists no other user to Ada, so she cannot name one; upstream lists everyone but cannot change a permission.
            Assert.Equal(server == "ours" ? StickyUserErrorIds.UserNotFound : StickyErrorIds.RemoteError, run.AdaRaisesEmilieByName);

            Assert.Equal(AccessPolicy.PermissionDeniedId, run.EmilieAddsSeries);
            Assert.Empty(run.EmilieDeletes);
            Assert.Equal(new[] { run.AdaProject.Id }, run.EmilieSeesAfter);
            // Ours revokes (its own delete_project_permissions); upstream has no route for it.
            Assert.Equal(server == "ours" ? null : StickyErrorIds.NotAvailableRemotely, run.Revoke);
        }

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void SeriesRowsAndColumnsAreWrittenAndReadBackByIdWithTheEmbeddedStoresErrors(string server)
        {
            var run = Run(server);
            Assert.Equal(("bait", "INTEGER"), (run.Column.Name, run.Column.SqlType));
            Assert.Equal(("0123abcd", T0, T0.AddDays(11), 3L, "dry"), (run.RowA.Device, run.RowA.StartDateTime, run.RowA.EndDateTime, run.RowA.Columns["bait"], run.RowA.Columns["note"]));
            Assert.Equal("cdef1234", run.RowB.Device);
            Assert.Null(run.RowB.Columns["bait"]);
            Assert.Equal(ProjectSeriesErrorIds.DuplicateProjectSeries, run.Duplicate);

            // Upstream's server writes values into its SQL text: a quote is refused before it is sent there.
            Assert.Equal(server == "ours" ? null : ProjectSeriesErrorIds.InvalidProjectSeriesValue, run.QuotedValue);

            Assert.Equal((run.RowB.Id, 7L, T0.AddDays(12)), (run.Updated.Id, run.Updated.Columns["bait"], run.Updated.EndDateTime));
            Assert.Equal(ProjectSeriesErrorIds.ProjectSeriesNotFound, run.SetMissingRow);
            Assert.Equal(ProjectSeriesErrorIds.UnknownProjectColumn, run.SetUnknownColumn);
            Assert.Equal(("has_bait", "bait"), (run.Renamed.Name, run.Renamed.OldName));
            Assert.Equal(ProjectSeriesErrorIds.ReservedProjectColumn, run.RemoveBuiltIn);

            // The deleted row itself (upstream's answer is the table's first row).
            Assert.Equal((run.RowB.Id, "cdef1234"), (run.DeletedRow.Id, run.DeletedRow.Device));
            var left = Assert.Single(run.FinalRows);
            Assert.Equal((run.RowA.Id, "0123abcd"), (left.Id, left.Device));
            Assert.Equal(new[] { "has_bait" }, left.Columns.Keys);
            Assert.Equal(3L, left.Columns["has_bait"]);
            // Listing the columns is StickyPi.Server's own route; upstream's protocol has none.
            Assert.Equal(server == "ours" ? null : StickyErrorIds.NotAvailableRemotely, run.ListColumns);
            Assert.Equal(server == "ours" ? new[] { "id", "device", "start_datetime", "end_datetime", "has_bait" } : null, run.ColumnNames);
        }

        [SkippableTheory]
        [InlineData("ours")]
        [InlineData("upstream")]
        public void ProjectsAreDeletedByIdAndByFilter(string server)
        {
            var run = Run(server);
            Assert.Equal(run.TwinIds[0], run.DeletedTwin.Id);
            Assert.Equal(new[] { run.AdminProject.Id }, run.DeletedByAdmin.Select(p => p.Id));
            Assert.DoesNotContain(run.TwinIds[0], run.AdminSeesAtEnd);
            Assert.DoesNotContain(run.AdminProject.Id, run.AdminSeesAtEnd);
            Assert.Contains(run.AdaProject.Id, run.AdminSeesAtEnd);
            Assert.Contains(run.TwinIds[1], run.AdminSeesAtEnd);
        }

        [SkippableFact]
        public void BothServersGiveTheSameSeriesRows()
        {
            var ours = Run("ours");
            var upstream = Run("upstream");
            string Rows(RemoteProjectRun r) => string.Join(";", new[] { r.RowA, r.RowB, r.Updated, r.DeletedRow }.Concat(r.FinalRows).Select(x =>
                x.Id + "|" + x.Device + "|" + x.StartDateTime.ToString("o") + "|" + x.EndDateTime.ToString("o") + "|" +
                string.Join(",", x.Columns.Where(c => c.Key != "note").Select(c => c.Key + "=" + (c.Value == null ? "null" : c.Value.GetType().Name + ":" + c.Value)))));
            Assert.Equal(Rows(ours), Rows(upstream));
        }

        private RemoteProjectRun Run(string server)
        {
            if (server == "upstream")
            {
                _f.RequireUpstream();
                Assert.True(_f.UpstreamProjects != null, "the project run failed against upstream's server: " + _f.UpstreamProjectsError);
                return _f.UpstreamProjects;
            }

            _f.RequireOurs();
            Assert.True(_f.OursProjects != null, "the project run failed against our server: " + _f.OursProjectsError);
            return _f.OursProjects;
        }
    }
}
