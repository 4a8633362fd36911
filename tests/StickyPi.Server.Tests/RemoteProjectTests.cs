using System;
using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>
    /// The remote back-end's projects, permissions, project series and columns against our server in process: every
    /// operation over the wire, the errors the embedded store gives, and the same rows as the embedded store for the
    /// same operations.
    /// </summary>
    public sealed class RemoteProjectTests : IDisposable
    {
        private const string Password = "a-long-password-1";
        private static readonly DateTime T0 = new DateTime(2021, 1, 1, 12, 12, 12, DateTimeKind.Utc);
        private readonly StickyServer _server = new StickyServer();
        private readonly string _cache = TestPaths.NewTempDir("stickypi-remote-cache");
        private readonly string _local = TestPaths.NewTempDir("stickypi-remote-embedded");
        private readonly List<IDisposable> _open = new List<IDisposable>();

        public RemoteProjectTests()
        {
            var (admin, caller) = Connect(StickyServer.AdminName, StickyServer.AdminPassword);
            admin.AddUser(caller, "ada", Password.ToCharArray());
            admin.AddUser(caller, "emilie", Password.ToCharArray());
            admin.AddUser(caller, "reader", Password.ToCharArray(), canWrite: false);
        }

        public void Dispose()
        {
            foreach (var d in _open)
            {
                d.Dispose();
            }

            _server.Dispose();
            TestPaths.DeleteDir(_cache);
            TestPaths.DeleteDir(_local);
        }

        [Fact]
        public void ProjectsAreCreatedListedAndDeleted()
        {
            var (remote, admin) = Connect(StickyServer.AdminName, StickyServer.AdminPassword);
            var first = remote.AddProject(admin, "traps", "field", "north site");
            var second = remote.AddProject(admin, "traps");
            var third = remote.AddProject(admin, "lab_2");
            Assert.Equal(new[] { "traps", "traps", "lab_2" }, new[] { first, second, third }.Select(p => p.Name));
            Assert.Equal(("field", "north site", admin.Id), (first.Description, first.Notes, first.ApiUserId));
            Assert.True(first.Id > 0 && second.Id > first.Id && third.Id > second.Id);

            Assert.Equal(new[] { first.Id, second.Id, third.Id }, remote.GetProjects(admin).Select(p => p.Id));
            Assert.Equal(new[] { first.Id, second.Id }, remote.GetProjects(admin, new[] { StickyProjectFilter.ByName("TRAPS") }).Select(p => p.Id));
            Assert.Equal(new[] { first.Id }, remote.GetProjects(admin, new[] { new StickyProjectFilter { NotesLike = "north%" } }).Select(p => p.Id));
            // Two filters matching one project list it once.
            Assert.Equal(new[] { first.Id, second.Id }, remote.GetProjects(admin, new[] { StickyProjectFilter.ById(first.Id), StickyProjectFilter.ByName("traps") }).Select(p => p.Id));

            var deleted = remote.DeleteProject(admin, second.Id);
            Assert.Equal((second.Id, "traps"), (deleted.Id, deleted.Name));
            var gone = Assert.Throws<StickyPiException>(() => remote.DeleteProject(admin, second.Id));
            Assert.Equal(StickyUserErrorIds.ProjectNotFound, gone.ErrorId);

            var byFilter = remote.DeleteProjects(admin, new[] { StickyProjectFilter.ByName("lab%") });
            Assert.Equal(new[] { third.Id }, byFilter.Select(p => p.Id));
            Assert.Equal(new[] { first.Id }, remote.GetProjects(admin).Select(p => p.Id));

            var tooLong = Assert.Throws<StickyPiException>(() => remote.AddProject(admin, "x", new string('d', 21)));
            Assert.Equal((StickyUserErrorIds.ValueTooLong, "Description"), (tooLong.ErrorId, tooLong.Target));
        }

        [Fact]
        public void ProjectNamesResolveAsTheEmbeddedStoreResolvesThem()
        {
            var (remote, ada) = Connect("ada", Password);
            var (asEmilie, emilie) = Connect("emilie", Password);
            var traps = remote.AddProject(ada, "Traps");
            var twinA = remote.AddProject(ada, "twin");
            var twinB = remote.AddProject(ada, "twin");
            var numeric = remote.AddProject(ada, "2024");

            Assert.Equal(traps.Id, remote.ResolveProjectId(ada, "Traps"));
            Assert.Equal(traps.Id, remote.ResolveProjectId(ada, "traps")); // unique case-insensitive match
            Assert.Equal(numeric.Id, remote.ResolveProjectId(ada, "2024")); // a name before an id
            Assert.Equal(twinA.Id, remote.ResolveProjectId(ada, twinA.Id.ToString()));
            var ambiguous = Assert.Throws<AmbiguousProjectNameException>(() => remote.ResolveProjectId(ada, "twin"));
            Assert.Equal(new[] { twinA.Id, twinB.Id }, ambiguous.CandidateIds);
            var missing = Assert.Throws<StickyPiException>(() => remote.ResolveProjectId(ada, "nothing"));
            Assert.Equal(StickyUserErrorIds.ProjectNotFound, missing.ErrorId);

            // Emilie holds nothing on Ada's projects: the name does not resolve for her.
            Assert.Equal(StickyUserErrorIds.ProjectNotFound, Assert.Throws<StickyPiException>(() => asEmilie.ResolveProjectId(emilie, "Traps")).ErrorId);

            Assert.Equal(new[] { "Traps", "twin" }, remote.CompleteProjectNames(ada, "t"));
            Assert.Equal(new[] { "twin" }, remote.CompleteProjectNames(ada, "tw"));
            Assert.Empty(asEmilie.CompleteProjectNames(emilie, ""));
        }

        [Fact]
        public void PermissionsAreGrantedListedChangedAndRevoked()
        {
            var (remote, admin) = Connect(StickyServer.AdminName, StickyServer.AdminPassword);
            var (asAda, ada) = Connect("ada", Password);
            var (asEmilie, emilie) = Connect("emilie", Password);
            var project = asAda.AddProject(ada, "shared");
            Assert.Empty(asEmilie.GetProjects(emilie));

            var granted = remote.PutProjectPermission(admin, project.Id, "emilie", (int)ProjectLevel.Read);
            Assert.Equal((project.Id, "shared", emilie.Id.Value, "emilie", ProjectLevel.Read), (granted.ProjectId, granted.ProjectName, granted.UserId, granted.UserName, granted.Level));
            Assert.True(granted.Id > 0);
            Assert.Equal(new[] { project.Id }, asEmilie.GetProjects(emilie).Select(p => p.Id));

            // Every user's row of the project, by user name (an administrator sees every user's name).
            var rows = remote.GetProjectPermissions(admin, new[] { StickyProjectFilter.ById(project.Id) }).ToList();
            Assert.Equal(new[] { ("ada", ProjectLevel.Admin), ("emilie", ProjectLevel.Read) }, rows.Select(r => (r.UserName, r.Level)));
            Assert.All(rows, r => Assert.Equal("shared", r.ProjectName));

            // The same level again is the row held; another level changes it (our server updates).
            Assert.Equal(granted.Id, remote.PutProjectPermission(admin, project.Id, "emilie", (int)ProjectLevel.Read).Id);
            var raised = remote.PutProjectPermission(admin, project.Id, emilie.Id.Value, (int)ProjectLevel.ReadWrite);
            Assert.Equal((granted.Id, ProjectLevel.ReadWrite, "emilie"), (raised.Id, raised.Level, raised.UserName));

            // Ada administers the project but our server lists no other user to her: naming one fails clearly, an id works.
            var unnamed = Assert.Throws<StickyPiException>(() => asAda.PutProjectPermission(ada, project.Id, "reader", (int)ProjectLevel.Read));
            Assert.Equal(StickyUserErrorIds.UserNotFound, unnamed.ErrorId);
            Assert.Contains("global administrator", unnamed.Message);
            var readerId = remote.GetUser(admin, "reader").Id;
            var byId = asAda.PutProjectPermission(ada, project.Id, readerId, (int)ProjectLevel.Read);
            Assert.Equal((readerId, ProjectLevel.Read), (byId.UserId, byId.Level));

            // Ada sees every row of her project; the names of users the server does not list to her stay empty.
            var adaSees = asAda.GetProjectPermissions(ada).ToList();
            Assert.Equal(new[] { ada.Id.Value, emilie.Id.Value, readerId }.OrderBy(i => i), adaSees.Select(r => r.UserId).OrderBy(i => i));
            Assert.Equal("ada", adaSees.Single(r => r.UserId == ada.Id).UserName);

            Assert.Equal(StickyUserErrorIds.InvalidPermissionLevel, Assert.Throws<StickyPiException>(() => remote.PutProjectPermission(admin, project.Id, "emilie", 4)).ErrorId);
            Assert.Equal(StickyUserErrorIds.UserNotFound, Assert.Throws<StickyPiException>(() => remote.PutProjectPermission(admin, project.Id, "nobody", 1)).ErrorId);

            // Revoking goes through our server's delete_project_permissions (upstream has no such route), with the embedded store's rules.
            var lastAdmin = Assert.Throws<StickyPiException>(() => asAda.DeleteProjectPermission(ada, project.Id, "ada"));
            Assert.Equal(StickyUserErrorIds.LastProjectAdministrator, lastAdmin.ErrorId);
            var revoked = remote.DeleteProjectPermission(admin, project.Id, "emilie");
            Assert.Equal((granted.Id, project.Id, "shared", "emilie", ProjectLevel.ReadWrite), (revoked.Id, revoked.ProjectId, revoked.ProjectName, revoked.UserName, revoked.Level));
            Assert.Empty(asEmilie.GetProjects(emilie));
            Assert.DoesNotContain(remote.GetProjectPermissions(admin, new[] { StickyProjectFilter.ById(project.Id) }), r => r.UserName == "emilie");
            Assert.Equal(StickyUserErrorIds.PermissionNotFound, Assert.Throws<StickyPiException>(() => remote.DeleteProjectPermission(admin, project.Id, "emilie")).ErrorId);
            // Emilie no longer sees the project at all, as on the embedded store.
            Assert.Equal(StickyUserErrorIds.ProjectNotFound, Assert.Throws<StickyPiException>(() => asEmilie.DeleteProjectPermission(emilie, project.Id, "reader")).ErrorId);
        }

        [Fact]
        public void UsersWithoutTheLevelAreRefusedAsUpstreamRefusesThem()
        {
            var (remote, admin) = Connect(StickyServer.AdminName, StickyServer.AdminPassword);
            var (asAda, ada) = Connect("ada", Password);
            var (asEmilie, emilie) = Connect("emilie", Password);
            var (asReader, reader) = Connect("reader", Password);
            var project = asAda.AddProject(ada, "guarded");
            asAda.AddProjectColumn(ada, project.Id, "bait", ProjectColumnType.Integer);
            var row = asAda.AddProjectSeries(ada, project.Id, "0123abcd", T0, T0.AddDays(1), null);
            remote.PutProjectPermission(admin, project.Id, "emilie", (int)ProjectLevel.Read);

            // A read-only user may not create projects (upstream: 403 for the route).
            Assert.Equal(AccessPolicy.PermissionDeniedId, Assert.Throws<AccessDeniedException>(() => asReader.AddProject(reader, "nope")).ErrorId);

            // Emilie reads the project but holds Read only: writes and deletions are PermissionDenied, naming the project.
            Assert.Single(asEmilie.GetProjectSeries(emilie, project.Id));
            var write = Assert.Throws<AccessDeniedException>(() => asEmilie.AddProjectSeries(emilie, project.Id, "cdef1234", T0, T0.AddDays(1), null));
            Assert.Equal((project.Id, "guarded"), (write.ProjectId, write.ProjectName));
            Assert.Throws<AccessDeniedException>(() => asEmilie.SetProjectSeries(emilie, project.Id, row.Id, new Dictionary<string, object> { ["bait"] = 1 }));
            Assert.Throws<AccessDeniedException>(() => asEmilie.DeleteProjectSeries(emilie, project.Id, row.Id));
            Assert.Throws<AccessDeniedException>(() => asEmilie.AddProjectColumn(emilie, project.Id, "x", ProjectColumnType.Text));
            Assert.Throws<AccessDeniedException>(() => asEmilie.DeleteProject(emilie, project.Id));
            Assert.Throws<AccessDeniedException>(() => asEmilie.PutProjectPermission(emilie, project.Id, emilie.Id.Value, 3));
            Assert.Empty(asEmilie.DeleteProjects(emilie)); // upstream's silent skip

            // The reader holds nothing: the project is not found for it.
            Assert.Equal(StickyUserErrorIds.ProjectNotFound, Assert.Throws<StickyPiException>(() => asReader.GetProjectSeries(reader, project.Id)).ErrorId);

            // Nothing changed.
            var after = asAda.GetProjectSeries(ada, project.Id).Single();
            Assert.Equal((row.Id, "0123abcd"), (after.Id, after.Device));
            Assert.Null(after.Columns["bait"]);
            Assert.Equal(new[] { project.Id }, asAda.GetProjects(ada).Select(p => p.Id));
        }

        [Fact]
        public void SeriesRowsAndColumnsAreAddedChangedAndRemoved()
        {
            var (remote, ada) = Connect("ada", Password);
            var project = remote.AddProject(ada, "series");
            var bait = remote.AddProjectColumn(ada, project.Id, "bait", ProjectColumnType.Integer);
            Assert.Equal((project.Id, "bait", "INTEGER", ProjectColumnType.Integer, false), (bait.ProjectId, bait.Name, bait.SqlType, bait.Type, bait.IsBuiltIn));
            remote.AddProjectColumn(ada, project.Id, "note", ProjectColumnType.Text);

            var a = remote.AddProjectSeries(ada, project.Id, "0123abcd", T0, T0.AddDays(11), new Dictionary<string, object> { ["bait"] = 3, ["note"] = "it's \"wet\"" });
            var b = remote.AddProjectSeries(ada, project.Id, "cdef1234", T0.AddSeconds(2), T0.AddDays(11), null);
            Assert.Equal(("0123abcd", T0, T0.AddDays(11), 3L, "it's \"wet\""), (a.Device, a.StartDateTime, a.EndDateTime, a.Columns["bait"], a.Columns["note"]));
            Assert.Null(b.Columns["bait"]);
            Assert.Equal(new[] { a.Id, b.Id }, remote.GetProjectSeries(ada, project.Id).Select(r => r.Id));

            var duplicate = Assert.Throws<StickyPiException>(() => remote.AddProjectSeries(ada, project.Id, "0123abcd", T0, T0.AddDays(11), null));
            Assert.Equal(ProjectSeriesErrorIds.DuplicateProjectSeries, duplicate.ErrorId);
            var unknown = Assert.Throws<StickyPiException>(() => remote.AddProjectSeries(ada, project.Id, "0123abcd", T0, T0.AddDays(2), new Dictionary<string, object> { ["nope"] = 1 }));
            Assert.Equal(ProjectSeriesErrorIds.UnknownProjectColumn, unknown.ErrorId);
            Assert.Contains("'nope'", unknown.Message);
            var builtIn = Assert.Throws<StickyPiException>(() => remote.AddProjectSeries(ada, project.Id, "0123abcd", T0, T0.AddDays(2), new Dictionary<string, object> { ["device"] = "x" }));
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectSeriesValue, builtIn.ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectSeries,
                Assert.Throws<StickyPiException>(() => remote.AddProjectSeries(ada, project.Id, "0123abcd", T0, T0.AddDays(-1), null)).ErrorId);

            var set = remote.SetProjectSeries(ada, project.Id, b.Id, new Dictionary<string, object> { ["BAIT"] = 7, ["end_datetime"] = T0.AddDays(12), ["note"] = null });
            Assert.Equal((b.Id, 7L, T0.AddDays(12)), (set.Id, set.Columns["bait"], set.EndDateTime));
            Assert.Equal(ProjectSeriesErrorIds.ProjectSeriesNotFound,
                Assert.Throws<StickyPiException>(() => remote.SetProjectSeries(ada, project.Id, 999, new Dictionary<string, object> { ["bait"] = 1 })).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.UnknownProjectColumn,
                Assert.Throws<StickyPiException>(() => remote.SetProjectSeries(ada, project.Id, b.Id, new Dictionary<string, object> { ["nope"] = 1 })).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.DuplicateProjectSeries,
                Assert.Throws<StickyPiException>(() => remote.SetProjectSeries(ada, project.Id, b.Id, new Dictionary<string, object>
                {
                    ["device"] = "0123abcd", ["start_datetime"] = T0, ["end_datetime"] = T0.AddDays(11),
                })).ErrorId);

            var renamed = remote.RenameProjectColumn(ada, project.Id, "bait", "has_bait");
            Assert.Equal(("has_bait", "bait"), (renamed.Name, renamed.OldName));
            Assert.Equal(7L, remote.GetProjectSeries(ada, project.Id).Single(r => r.Id == b.Id).Columns["has_bait"]);
            Assert.Equal(ProjectSeriesErrorIds.ProjectColumnNotFound, Assert.Throws<StickyPiException>(() => remote.RenameProjectColumn(ada, project.Id, "bait", "again")).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.DuplicateProjectColumn, Assert.Throws<StickyPiException>(() => remote.AddProjectColumn(ada, project.Id, "note", ProjectColumnType.Text)).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.ReservedProjectColumn, Assert.Throws<StickyPiException>(() => remote.RemoveProjectColumn(ada, project.Id, "device")).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.ReservedProjectColumn, Assert.Throws<StickyPiException>(() => remote.RenameProjectColumn(ada, project.Id, "id", "ident")).ErrorId);

            var removedColumn = remote.RemoveProjectColumn(ada, project.Id, "note");
            Assert.Equal("note", removedColumn.Name);
            Assert.Equal(new[] { "has_bait" }, remote.GetProjectSeries(ada, project.Id).First().Columns.Keys);

            var removed = remote.DeleteProjectSeries(ada, project.Id, b.Id); // the deleted row, not the table's first
            Assert.Equal((b.Id, "cdef1234"), (removed.Id, removed.Device));
            Assert.Equal(new[] { a.Id }, remote.GetProjectSeries(ada, project.Id).Select(r => r.Id));
            Assert.Equal(ProjectSeriesErrorIds.ProjectSeriesNotFound, Assert.Throws<StickyPiException>(() => remote.DeleteProjectSeries(ada, project.Id, b.Id)).ErrorId);

            // StickyPi.Server's own get_project_columns: the table's columns in order, built-in ones first.
            var columns = remote.GetProjectColumns(ada, project.Id).ToList();
            Assert.Equal(new[] { "id", "device", "start_datetime", "end_datetime", "has_bait" }, columns.Select(c => c.Name));
            Assert.Equal(new[] { true, true, true, true, false }, columns.Select(c => c.IsBuiltIn));
            Assert.All(columns, c => Assert.Equal(project.Id, c.ProjectId));
        }

        [Fact]
        public void TheSameOperationsGiveTheEmbeddedStoresRows()
        {
            var (remote, admin) = Connect(StickyServer.AdminName, StickyServer.AdminPassword);
            using (IStickyBackend local = EmbeddedStickyBackend.Open(_local))
            {
                // The same users in the same order as on the server, so ids agree.
                var root = CallerIdentity.LocalAdministrator;
                var localAdmin = local.AddUser(root, StickyServer.AdminName, StickyServer.AdminPassword.ToCharArray(), isAdmin: true);
                local.AddUser(root, StickyServer.UidName, StickyServer.UidPassword.ToCharArray(), isAdmin: true);
                foreach (var u in new[] { "ada", "emilie" })
                {
                    local.AddUser(root, u, Password.ToCharArray());
                }

                local.AddUser(root, "reader", Password.ToCharArray(), canWrite: false);
                var localCaller = new CallerIdentity(localAdmin.Id, localAdmin.UserName, true, true);
                Assert.Equal(admin.Id, localCaller.Id);

                foreach (var (backend, caller) in new[] { ((IStickyBackend)remote, admin), (local, localCaller) })
                {
                    var p = backend.AddProject(caller, "compare", "desc", "notes");
                    backend.AddProject(caller, "other");
                    backend.PutProjectPermission(caller, p.Id, "emilie", (int)ProjectLevel.ReadWrite);
                    backend.PutProjectPermission(caller, p.Id, "reader", (int)ProjectLevel.Read);
                    backend.AddProjectColumn(caller, p.Id, "bait", ProjectColumnType.Integer);
                    backend.AddProjectColumn(caller, p.Id, "note", ProjectColumnType.VarChar(40));
                    backend.AddProjectColumn(caller, p.Id, "seen", ProjectColumnType.DateTime);
                    backend.AddProjectColumn(caller, p.Id, "wet", ProjectColumnType.Boolean);
                    backend.AddProjectColumn(caller, p.Id, "ratio", ProjectColumnType.Double);
                    backend.AddProjectSeries(caller, p.Id, "0123abcd", T0, T0.AddDays(3), new Dictionary<string, object>
                    {
                        ["bait"] = 2, ["note"] = "first", ["seen"] = T0.AddHours(5), ["wet"] = true, ["ratio"] = 0.25,
                    });
                    var second = backend.AddProjectSeries(caller, p.Id, "cdef1234", T0, T0.AddDays(3), new Dictionary<string, object> { ["ratio"] = 2.0 });
                    backend.SetProjectSeries(caller, p.Id, second.Id, new Dictionary<string, object> { ["bait"] = 5, ["wet"] = false });
                    backend.RenameProjectColumn(caller, p.Id, "note", "remark");
                    backend.AddProjectSeries(caller, p.Id, "00000001", T0.AddDays(5), T0.AddDays(6), null);
                    backend.DeleteProjectSeries(caller, p.Id, second.Id + 1);
                    backend.DeleteProject(caller, backend.ResolveProjectId(caller, "other"));
                }

                Assert.Equal(Projects(local, localCaller), Projects(remote, admin));
                Assert.Equal(Permissions(local, localCaller), Permissions(remote, admin));
                long id = remote.ResolveProjectId(admin, "compare");
                Assert.Equal(id, local.ResolveProjectId(localCaller, "compare"));
                Assert.Equal(Series(local, localCaller, id), Series(remote, admin, id));
                Assert.Equal(local.CompleteProjectNames(localCaller, "c"), remote.CompleteProjectNames(admin, "c"));
            }
        }

        private static List<string> Projects(IStickyBackend b, CallerIdentity c) =>
            b.GetProjects(c).Select(p => string.Join("|", p.Id, p.Name, p.Description, p.Notes, p.ApiVersion, p.ApiUserId, p.SeriesTableName)).ToList();

        private static List<string> Permissions(IStickyBackend b, CallerIdentity c) =>
            b.GetProjectPermissions(c).Select(p => string.Join("|", p.Id, p.ProjectId, p.ProjectName, p.UserId, p.UserName, p.Level, p.ApiVersion, p.ApiUserId)).ToList();

        private static List<string> Series(IStickyBackend b, CallerIdentity c, long projectId) =>
            b.GetProjectSeries(c, projectId).Select(r => string.Join("|", r.ProjectId, r.Id, r.Device, r.StartDateTime.ToString("o"), r.EndDateTime.ToString("o"),
                string.Join(",", r.Columns.Select(kv => kv.Key + "=" + Typed(kv.Value))))).ToList();

        private static string Typed(object v) => v == null ? "null" : v.GetType().Name + ":" + (v is DateTime d ? d.ToString("o") : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture));

        private (RemoteStickyBackend, CallerIdentity) Connect(string user, string password)
        {
            var backend = RemoteStickyBackend.Connect(_server.Server.BaseAddress, user, password, out var caller, _cache, _server.Server.CreateHandler());
            _open.Add(backend);
            return (backend, caller);
        }
    }
}
