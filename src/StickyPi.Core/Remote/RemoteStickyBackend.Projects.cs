using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// The remote back-end's projects, permissions, project series and columns over upstream's routes (spec §1.4, §3.7).
    /// Before each call on one project the caller's access is checked from <c>get_projects</c> and
    /// <c>get_project_permissions</c> with the embedded store's rules, so both servers give the same errors
    /// (upstream answers every refusal with a bare 500). Rows that upstream's answers get wrong (the first row of the
    /// table from <c>delete_project_series</c>, rows matched by value from <c>put_project_series</c>, permissions with a
    /// null id) are read back by id. Not over the wire: revoking a permission and listing columns (no route exists).
    /// </summary>
    public sealed partial class RemoteStickyBackend
    {
        // Column names upstream writes into its SQL text (backquoted or bare): letters, digits, underscores only.
        private static readonly Regex SafeColumnName = new Regex(@"^[A-Za-z_][A-Za-z0-9_]{0,63}\z", RegexOptions.CultureInvariant);

        // 0: not probed yet; 1: StickyPi.Server (binds values); 2: another server, taken to be upstream's (writes values into SQL).

        // ---------------------------------------------------------------- projects

        /// <summary>
        /// Creates a project (<c>put_projects</c>): the server gives the caller level 3 and creates the series table.
        /// Lengths are checked here as the embedded store checks them (name 32, description 20, notes 2048).
        /// </summary>
        public StickyProject AddProject(CallerIdentity caller, string name, string description = null, string notes = null)
        {
            AccessPolicy.Require(caller, ApiOperation.PutProjects);
            if (string.IsNullOrEmpty(name))
            {
                throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument, "Name is required: a project needs a name.", "Name");
            }

            UserRules.CheckLength("Name", name, LocalStickyStore.MaxProjectNameLength);
            UserRules.CheckLength("Description", description, LocalStickyStore.MaxProjectDescriptionLength);
            UserRules.CheckLength("Notes", notes, LocalStickyStore.MaxProjectNotesLength);
            var item = new Dictionary<string, object> { ["name"] = name };
            if (description != null)
            {
                item["description"] = description;
            }

            if (notes != null)
            {
                item["notes"] = notes;
            }

            var rows = Call("put_projects", new[] { item }, WireProjectRow.Project);
            return rows.LastOrDefault(p => p.Name == name) ?? throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                "The server at " + Location + " accepted project '" + name + "' but did not return it.", name);
        }

        /// <summary>Projects matching any of the filters (none: all) that the caller may see, by id (<c>get_projects</c>).</summary>
        public IEnumerable<StickyProject> GetProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null)
        {
            AccessPolicy.Require(caller, ApiOperation.GetProjects);
            return ById(Call("get_projects", FiltersBody(filters), WireProjectRow.Project));
        }

        /// <summary>
        /// Deletes the projects matching any of the filters (none: all) on which the caller holds level 3, or all of them
        /// for a global administrator; others are skipped silently, as upstream does (<c>delete_projects</c>).
        /// </summary>
        public IReadOnlyList<StickyProject> DeleteProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null)
        {
            AccessPolicy.Require(caller, ApiOperation.DeleteProjects);
            return ById(Call("delete_projects", FiltersBody(filters), WireProjectRow.Project));
        }

        /// <summary>
        /// Deletes one project, saying why when it cannot: <c>ProjectNotFound</c> when the caller cannot see it,
        /// <c>PermissionDenied</c> when it holds less than level 3.
        /// </summary>
        public StickyProject DeleteProject(CallerIdentity caller, long projectId)
        {
            var project = RequireProjectAccess(caller, projectId, ApiOperation.DeleteProjects, out _);
            var deleted = Call("delete_projects", new[] { IdFilter(projectId) }, WireProjectRow.Project);
            return deleted.FirstOrDefault(p => p.Id == projectId) ?? throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.Conflict,
                "The server at " + Location + " did not delete project " + Describe(project) + ". Upstream's server only deletes projects " +
                "that have at least one permission row (spec §8 #10).", projectId);
        }

        /// <summary>
        /// The id of the project a user names, among the projects the caller may see: the project with exactly this name;
        /// else the only one whose name differs in case only; else the text as a numeric id (the embedded store's rule).
        /// </summary>
        public long ResolveProjectId(CallerIdentity caller, string project)
        {
            if (string.IsNullOrEmpty(project))
            {
                throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument, "A project name is required.", "Project");
            }

            var visible = GetProjects(caller).ToList();
            return ProjectNames.Resolve(visible, project, caller);
        }

        /// <summary>
        /// Names of the projects the caller may see that match <c>typed*</c>. Matched here rather than by the server's
        /// LIKE: upstream's SQLite LIKE has no escape character, so an escaped pattern would not match there.
        /// </summary>
        public IReadOnlyList<string> CompleteProjectNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit)
        {
            var like = new LikePattern(LocalStickyStore.CompletionLike(typed));
            return GetProjects(caller).Select(p => p.Name).Where(n => !string.IsNullOrEmpty(n) && like.IsMatch(n))
                .Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).Take(Math.Max(0, limit)).ToList();
        }

        // ---------------------------------------------------------------- permissions

        /// <summary>Gives a user (by name) a level on a project, or changes it; see the overload taking a user id.</summary>
        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, string userName, int level)
        {
            AccessPolicy.CheckLevel(level);
            AccessPolicy.Require(caller, ApiOperation.PutProjectPermissions);
            if (string.IsNullOrEmpty(userName))
            {
                throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument, "UserName is required.", "UserName");
            }

            var user = GetUser(caller, userName) ?? throw new StickyPiException(StickyUserErrorIds.UserNotFound, StickyErrorKind.NotFound,
                "No user '" + userName + "' that the server at " + Location + " shows to '" + caller + "'" +
                (AccessPolicy.IsGlobalAdmin(caller) ? "." : " (StickyPi.Server lists other users to global administrators only, and the wire " +
                "protocol names a permission's user by id: ask a global administrator to grant it)."), userName);
            return PutPermission(caller, projectId, user.Id, user.UserName, level);
        }

        /// <summary>
        /// Gives a user a level on a project (<c>put_project_permissions</c>; level 3 on the project or a global
        /// administrator). A user who already holds that level gets the row they hold; a different level is changed on
        /// StickyPi.Server, while upstream's server cannot change a permission (it only inserts) and the error says so.
        /// Returns the stored row, read back (upstream echoes it with a null id).
        /// </summary>
        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, long userId, int level)
        {
            AccessPolicy.CheckLevel(level);
            AccessPolicy.Require(caller, ApiOperation.PutProjectPermissions);
            var user = GetUsers(caller, userId.ToString(CultureInfo.InvariantCulture), "id").FirstOrDefault(u => u.Id == userId);
            return PutPermission(caller, projectId, userId, user?.UserName, level);
        }

        /// <summary>
        /// Every permission row of the projects matching any of the filters that the caller may see (<c>get_project_permissions</c>),
        /// by project id, then user name. User names come from <c>get_users</c>: a server that does not list a user to the
        /// caller (StickyPi.Server, to non-administrators) leaves that row's UserName empty.
        /// </summary>
        public IEnumerable<ProjectPermission> GetProjectPermissions(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null)
        {
            AccessPolicy.Require(caller, ApiOperation.GetProjectPermissions);
            return Permissions(caller, FiltersBody(filters));
        }

        /// <summary>
        /// Revokes a user's permission through StickyPi.Server's <c>delete_project_permissions</c> (the server applies the
        /// embedded store's rules: level 3 or a global administrator, never the last level-3 holder). Upstream's protocol
        /// has no route that removes a permission (spec §1.4), so on upstream's server this stays NotAvailableRemotely.
        /// </summary>
        public ProjectPermission DeleteProjectPermission(CallerIdentity caller, long projectId, string userName)
        {
            if (string.IsNullOrEmpty(userName))
            {
                throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument, "A user name is required.", "UserName");
            }

            if (!IsStickyPiServer())
            {
                throw NoRoute("revoking a project permission", "upstream's protocol has no route that removes a permission (spec §1.4)");
            }

            var project = RequireProjectAccess(caller, projectId, ApiOperation.DeleteProjectPermissions, out _);
            var body = new[] { new Dictionary<string, object> { ["project_id"] = projectId, ["username"] = userName } };
            var row = Call("delete_project_permissions", body, r => WireProjectRow.Permission(r, null, null)).FirstOrDefault()
                ?? throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                    "The server at " + Location + " revoked nothing for '" + userName + "' on project " + Describe(project) + " and gave no reason.", userName);
            row.ProjectName = project.Name;
            row.UserName = userName;
            return row;
        }

        // ---------------------------------------------------------------- project series and columns

        /// <summary>Every row of the project's series table, by id (<c>get_project_series</c>; level 1 or a global administrator).</summary>
        public IEnumerable<ProjectSeriesRow> GetProjectSeries(CallerIdentity caller, long projectId)
        {
            RequireProjectAccess(caller, projectId, ApiOperation.GetProjectSeries, out _);
            return SeriesRows(projectId);
        }

        /// <summary>
        /// A project's series columns in table order, through StickyPi.Server's own <c>get_project_columns</c> (level 1 or a
        /// global administrator). Upstream's protocol has no route that lists them (spec §1.4): NotAvailableRemotely there.
        /// </summary>
        public IEnumerable<ProjectColumn> GetProjectColumns(CallerIdentity caller, long projectId)
        {
            if (!IsStickyPiServer())
            {
                throw NoRoute("listing a project's columns", "no route of upstream's protocol lists a series table's columns or their SQL types (spec §1.4)");
            }

            RequireProjectAccess(caller, projectId, ApiOperation.GetProjectSeries, out _);
            return Call("get_project_columns", new[] { new Dictionary<string, object> { ["project_id"] = projectId } }, WireProjectRow.Column);
        }

        /// <summary>
        /// Adds a series row (<c>put_project_series</c> without an id; level 2 or a global administrator) and returns it,
        /// found by its (device, start, end), which the table keeps unique. <paramref name="values"/> holds user columns by name.
        /// </summary>
        public ProjectSeriesRow AddProjectSeries(CallerIdentity caller, long projectId, string device, DateTime start, DateTime end, IDictionary<string, object> values)
        {
            AccessPolicy.Require(caller, ApiOperation.PutProjectSeries);
            device = ProjectSeriesSql.CheckDevice(device);
            start = StickyTime.Normalize(start);
            end = StickyTime.Normalize(end);
            ProjectSeriesSql.CheckWindow(start, end);
            RequireProjectAccess(caller, projectId, ApiOperation.PutProjectSeries, out _);
            bool bindsValues = IsStickyPiServer();
            var item = new Dictionary<string, object>
            {
                ["project_id"] = projectId,
                ["device"] = SafeText(ProjectSeriesSql.DeviceColumn, device, bindsValues),
                ["start_datetime"] = StickyTime.ToWire(start),
                ["end_datetime"] = StickyTime.ToWire(end),
            };
            var given = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in values ?? new Dictionary<string, object>())
            {
                if (ProjectSeriesSql.IsBuiltIn(pair.Key))
                {
                    throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                        "'" + pair.Key + "' is a built-in column: give the device and window as parameters, not as a column value.", pair.Key);
                }

                CheckValueColumn(projectId, pair.Key);

                if (!given.Add(pair.Key))
                {
                    throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                        "Column '" + pair.Key + "' is given twice.", pair.Key);
                }

                // A null is the column's default anyway; upstream's server would write it as the text None.
                var value = WireValue(pair.Key, pair.Value, bindsValues, update: false);
                if (value != null)
                {
                    item[pair.Key] = value;
                }
            }

            List<ProjectSeriesRow> answer;
            try
            {
                answer = Call("put_project_series", new[] { item }, r => WireProjectRow.SeriesRow(r, projectId));
            }
            catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.RemoteError)
            {
                throw ExplainSeriesRefusal(e, projectId, null, device, start, end, given);
            }

            bool Same(ProjectSeriesRow r) => r.Device == device && r.StartDateTime == start && r.EndDateTime == end;
            return answer.FirstOrDefault(Same) ?? SeriesRows(projectId).FirstOrDefault(Same) ?? throw new StickyPiException(StickyErrorIds.RemoteError,
                StickyErrorKind.InvalidData, "The server at " + Location + " accepted the series of device " + device + " for project " + projectId +
                " but does not return it.", device);
        }

        /// <summary>
        /// Changes columns of row <paramref name="id"/> (<c>put_project_series</c> with the id; level 2 or a global
        /// administrator): user columns and also device, start_datetime, end_datetime by name. The row is read first
        /// (<c>ProjectSeriesNotFound</c>: upstream would update nothing and answer 200) and read back by id afterwards.
        /// </summary>
        public ProjectSeriesRow SetProjectSeries(CallerIdentity caller, long projectId, long id, IDictionary<string, object> values)
        {
            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            AccessPolicy.Require(caller, ApiOperation.PutProjectSeries);
            RequireProjectAccess(caller, projectId, ApiOperation.PutProjectSeries, out _);
            var rows = SeriesRows(projectId, out var columnNames);
            var current = rows.FirstOrDefault(r => r.Id == id) ?? throw SeriesNotFound(projectId, id);
            bool bindsValues = IsStickyPiServer();
            var item = new Dictionary<string, object> { ["project_id"] = projectId, ["id"] = id };
            string device = current.Device;
            DateTime start = current.StartDateTime, end = current.EndDateTime;
            var given = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in values)
            {
                var column = columnNames.FirstOrDefault(c => string.Equals(c, pair.Key, StringComparison.OrdinalIgnoreCase));
                if (column == null || string.Equals(column, ProjectSeriesSql.IdColumn, StringComparison.OrdinalIgnoreCase))
                {
                    throw UnknownColumn(projectId, pair.Key, columnNames);
                }

                CheckValueColumn(projectId, column);
                if (!given.Add(column))
                {
                    throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                        "Column '" + column + "' is given twice.", pair.Key);
                }

                switch (column.ToLowerInvariant())
                {
                    case ProjectSeriesSql.DeviceColumn:
                        device = ProjectSeriesSql.CheckDevice(pair.Value);
                        item[column] = SafeText(column, device, bindsValues);
                        break;
                    case ProjectSeriesSql.StartColumn:
                        start = ProjectSeriesSql.ToTime(column, ProjectSeriesSql.RequireValue(column, pair.Value));
                        item[column] = StickyTime.ToWire(start);
                        break;
                    case ProjectSeriesSql.EndColumn:
                        end = ProjectSeriesSql.ToTime(column, ProjectSeriesSql.RequireValue(column, pair.Value));
                        item[column] = StickyTime.ToWire(end);
                        break;
                    default:
                        item[column] = WireValue(column, pair.Value, bindsValues, update: true);
                        break;
                }
            }

            ProjectSeriesSql.CheckWindow(start, end);
            if (given.Count == 0)
            {
                return current;
            }

            try
            {
                Call("put_project_series", new[] { item }, r => r);
            }
            catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.RemoteError)
            {
                throw ExplainSeriesRefusal(e, projectId, id, device, start, end, null);
            }

            return SeriesRows(projectId).FirstOrDefault(r => r.Id == id) ?? throw SeriesNotFound(projectId, id);
        }

        /// <summary>
        /// Deletes row <paramref name="id"/> (<c>delete_project_series</c>; level 3 or a global administrator) and returns it
        /// as it was, read before (upstream's answer is the table's first row, spec §8 #8).
        /// </summary>
        public ProjectSeriesRow DeleteProjectSeries(CallerIdentity caller, long projectId, long id)
        {
            RequireProjectAccess(caller, projectId, ApiOperation.DeleteProjectSeries, out _);
            var row = SeriesRows(projectId).FirstOrDefault(r => r.Id == id) ?? throw SeriesNotFound(projectId, id);
            Call("delete_project_series", new[] { new Dictionary<string, object> { ["project_id"] = projectId, ["id"] = id } }, r => r);
            return row;
        }

        /// <summary>
        /// Adds a user column (<c>put_project_columns</c>; level 2 or a global administrator), with the embedded store's
        /// name rules; the SQL type sent is the whitelisted type's canonical text.
        /// </summary>
        public ProjectColumn AddProjectColumn(CallerIdentity caller, long projectId, string name, ProjectColumnType type)
        {
            if (type == null)
            {
                throw new ArgumentNullException(nameof(type));
            }

            AccessPolicy.Require(caller, ApiOperation.PutProjectColumns);
            ProjectSeriesSql.CheckNewColumnName(name);
            RequireProjectAccess(caller, projectId, ApiOperation.PutProjectColumns, out _);
            try
            {
                Call("put_project_columns", new[]
                {
                    new Dictionary<string, object> { ["project_id"] = projectId, ["column_name"] = name, ["column_SQL_type"] = type.SqlType },
                }, r => r);
            }
            catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.RemoteError)
            {
                throw ExplainColumnRefusal(e, projectId, absent: null, present: name);
            }

            return new ProjectColumn { ProjectId = projectId, Name = name, SqlType = type.SqlType, Type = type };
        }

        /// <summary>
        /// Renames a user column (<c>put_project_columns</c> with <c>old_column_name</c>; level 2 or a global administrator).
        /// The wire answer has no type for a rename, so <see cref="ProjectColumn.SqlType"/> stays empty.
        /// </summary>
        public ProjectColumn RenameProjectColumn(CallerIdentity caller, long projectId, string oldName, string newName)
        {
            AccessPolicy.Require(caller, ApiOperation.PutProjectColumns);
            if (ProjectSeriesSql.IsBuiltIn(oldName))
            {
                throw ReservedColumn(oldName, "renamed");
            }

            ProjectSeriesSql.CheckNewColumnName(newName);
            CheckColumnName(projectId, oldName);
            RequireProjectAccess(caller, projectId, ApiOperation.PutProjectColumns, out _);
            try
            {
                Call("put_project_columns", new[]
                {
                    new Dictionary<string, object> { ["project_id"] = projectId, ["column_name"] = newName, ["old_column_name"] = oldName },
                }, r => r);
            }
            catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.RemoteError)
            {
                throw ExplainColumnRefusal(e, projectId, absent: oldName, present: string.Equals(oldName, newName, StringComparison.OrdinalIgnoreCase) ? null : newName);
            }

            return new ProjectColumn { ProjectId = projectId, Name = newName, OldName = oldName };
        }

        /// <summary>
        /// Drops a user column and its values (<c>delete_project_columns</c>; level 3 or a global administrator); built-in
        /// columns are refused here (upstream's server drops them).
        /// </summary>
        public ProjectColumn RemoveProjectColumn(CallerIdentity caller, long projectId, string name)
        {
            AccessPolicy.Require(caller, ApiOperation.DeleteProjectColumns);
            if (ProjectSeriesSql.IsBuiltIn(name))
            {
                throw ReservedColumn(name, "removed");
            }

            CheckColumnName(projectId, name);
            RequireProjectAccess(caller, projectId, ApiOperation.DeleteProjectColumns, out _);
            List<string> removed;
            try
            {
                removed = Call("delete_project_columns", new[] { new Dictionary<string, object> { ["project_id"] = projectId, ["column_name"] = name } },
                    r => r.TryGetProperty("column_name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null);
            }
            catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.RemoteError)
            {
                throw ExplainColumnRefusal(e, projectId, absent: name, present: null);
            }

            return new ProjectColumn { ProjectId = projectId, Name = removed.FirstOrDefault(n => n != null) ?? name };
        }

        // ---------------------------------------------------------------- helpers

        /// <summary>POSTs <paramref name="body"/> (serialized) and reads every row of the answer.</summary>
        private List<T> Call<T>(string route, object body, Func<JsonElement, T> read)
        {
            using (var answer = _client.PostJson(route, JsonSerializer.Serialize(body)))
            {
                return RemoteImageSink.Rows(answer, route).Select(read).ToList();
            }
        }

        private static List<StickyProject> ById(IEnumerable<StickyProject> rows) =>
            rows.GroupBy(p => p.Id).Select(g => g.First()).OrderBy(p => p.Id).ToList(); // upstream repeats a row matched by two filters

        /// <summary>Project filters as upstream's filter objects (each a conjunction of LIKEs, spec §3.7); none: <c>[{}]</c>, all.</summary>
        private static List<Dictionary<string, object>> FiltersBody(IEnumerable<StickyProjectFilter> filters)
        {
            var list = new List<Dictionary<string, object>>();
            foreach (var f in filters?.Where(f => f != null) ?? Enumerable.Empty<StickyProjectFilter>())
            {
                var o = new Dictionary<string, object>();
                if (f.Id != null)
                {
                    o["id"] = f.Id.Value;
                }

                if (f.NameLike != null)
                {
                    o["name"] = f.NameLike;
                }

                if (f.DescriptionLike != null)
                {
                    o["description"] = f.DescriptionLike;
                }

                if (f.NotesLike != null)
                {
                    o["notes"] = f.NotesLike;
                }

                list.Add(o);
            }

            if (list.Count == 0)
            {
                list.Add(new Dictionary<string, object>());
            }

            return list;
        }

        private static Dictionary<string, object> IdFilter(long projectId) => new Dictionary<string, object> { ["id"] = projectId };

        /// <summary>Users whose <paramref name="column"/> matches the LIKE <paramref name="pattern"/>.</summary>
        private IEnumerable<StickyUser> GetUsers(CallerIdentity caller, string pattern, string column)
        {
            using (var answer = _client.PostJson("get_users", JsonSerializer.Serialize(new[] { new Dictionary<string, string> { [column] = pattern } })))
            {
                return RemoteImageSink.Rows(answer, "get_users").Select(ReadUser).ToList();
            }
        }

        /// <summary>Permission rows with the projects' and users' names filled in from <c>get_projects</c> and <c>get_users</c>.</summary>
        private List<ProjectPermission> Permissions(CallerIdentity caller, object filtersBody)
        {
            var raw = Call("get_project_permissions", filtersBody, r => r.Clone());
            if (raw.Count == 0)
            {
                return new List<ProjectPermission>();
            }

            var projects = GetProjects(caller).GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Name);
            var users = GetUsers(caller, "%").GroupBy(u => u.Id).ToDictionary(g => g.Key, g => g.First().UserName);
            return raw.Select(r => WireProjectRow.Permission(r, projects, users))
                .GroupBy(p => (p.ProjectId, p.UserId)).Select(g => g.First()) // (user, project) is unique; upstream repeats a project matched twice
                .OrderBy(p => p.ProjectId).ThenBy(p => p.UserName, StringComparer.Ordinal).ToList();
        }

        private ProjectPermission PutPermission(CallerIdentity caller, long projectId, long userId, string userName, int level)
        {
            var wanted = AccessPolicy.CheckLevel(level);
            var project = RequireProjectAccess(caller, projectId, ApiOperation.PutProjectPermissions, out var held);
            var existing = held.FirstOrDefault(p => p.UserId == userId);
            if (existing != null && existing.Level == wanted)
            {
                return existing;
            }

            try
            {
                Call("put_project_permissions", new[]
                {
                    new Dictionary<string, object> { ["project_id"] = projectId, ["user_id"] = userId, ["level"] = (int)wanted },
                }, r => r);
            }
            catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.RemoteError)
            {
                string who = userName != null ? "'" + userName + "'" : "with id " + userId.ToString(CultureInfo.InvariantCulture);
                if (existing != null)
                {
                    throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.Conflict,
                        "User " + who + " already holds " + existing.Level + " on project " + Describe(project) + ", and the server at " + Location +
                        " cannot change a permission (upstream's put_project_permissions only inserts; the protocol has no update).", (object)userName ?? userId, e);
                }

                if (userName == null)
                {
                    throw new StickyPiException(StickyUserErrorIds.UserNotFound, StickyErrorKind.NotFound,
                        "No user with id " + userId.ToString(CultureInfo.InvariantCulture) + " (the server at " + Location + " refused the permission: " + e.Message + ").", userId, e);
                }

                throw;
            }

            return PermissionsOf(caller, project).FirstOrDefault(p => p.UserId == userId) ?? throw new StickyPiException(StickyErrorIds.RemoteError,
                StickyErrorKind.InvalidData, "The server at " + Location + " accepted the permission on project " + Describe(project) + " but does not list it.", projectId);
        }

        private List<ProjectPermission> PermissionsOf(CallerIdentity caller, StickyProject project) =>
            Permissions(caller, new[] { IdFilter(project.Id) }).Where(p => p.ProjectId == project.Id).ToList();

        /// <summary>
        /// The project, when the caller may perform <paramref name="operation"/> on it, with the embedded store's errors:
        /// <c>ProjectNotFound</c> when the caller cannot see it, <c>PermissionDenied</c> when its level is too low.
        /// <paramref name="permissions"/> gets the project's permission rows when they were needed, else an empty list.
        /// </summary>
        private StickyProject RequireProjectAccess(CallerIdentity caller, long projectId, ApiOperation operation, out List<ProjectPermission> permissions)
        {
            AccessPolicy.Require(caller, operation);
            var project = Call("get_projects", new[] { IdFilter(projectId) }, WireProjectRow.Project).FirstOrDefault(p => p.Id == projectId)
                ?? throw new StickyPiException(StickyUserErrorIds.ProjectNotFound, StickyErrorKind.NotFound,
                    "No project with id " + projectId.ToString(CultureInfo.InvariantCulture) + " that '" + caller + "' may see.", projectId);
            permissions = new List<ProjectPermission>();
            bool needsLevel = !AccessPolicy.IsGlobalAdmin(caller) && AccessPolicy.RequiredLevel(operation) > ProjectLevel.Read;
            if (needsLevel || operation == ApiOperation.PutProjectPermissions)
            {
                permissions = PermissionsOf(caller, project);
            }

            var held = caller.Id == null ? ProjectLevel.Admin : permissions.FirstOrDefault(p => p.UserId == caller.Id)?.Level ?? ProjectLevel.None;
            if (needsLevel)
            {
                AccessPolicy.RequireProject(caller, held, operation, project.Id, project.Name);
            }

            return project;
        }

        private List<ProjectSeriesRow> SeriesRows(long projectId) => SeriesRows(projectId, out _);

        /// <summary>The project's series rows by id, and the table's column names as the first row shows them (none when empty).</summary>
        private List<ProjectSeriesRow> SeriesRows(long projectId, out IReadOnlyList<string> columnNames)
        {
            IReadOnlyList<string> names = new string[0];
            var rows = Call("get_project_series", new[] { new Dictionary<string, object> { ["project_id"] = projectId } }, r =>
            {
                if (names.Count == 0)
                {
                    names = WireProjectRow.ColumnNames(r);
                }

                return WireProjectRow.SeriesRow(r, projectId);
            });
            columnNames = names;
            return rows.OrderBy(r => r.Id).ToList();
        }

        /// <summary>
        /// A series value as JSON: numbers, text, booleans and datetimes (sent in the wire form, which both servers read
        /// as datetimes). On upstream's server, which writes values into SQL text between quotes, text with quotes or
        /// backslashes is refused, and on an update a null or a boolean (written there as the text None / True) too.
        /// </summary>
        private object WireValue(string column, object value, bool bindsValues, bool update)
        {
            switch (value)
            {
                case null:
                case DBNull _:
                    if (update && !bindsValues)
                    {
                        throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                            "Column '" + column + "' cannot be emptied on the server at " + Location + ": upstream's server writes a null as the text 'None'.", column);
                    }

                    return null;
                case string s:
                    return SafeText(column, s, bindsValues);
                case char c:
                    return SafeText(column, c.ToString(), bindsValues);
                case bool b:
                    return update && !bindsValues ? (object)(b ? 1L : 0L) : b;
                case DateTime d:
                    return StickyTime.ToWire(d);
                case DateTimeOffset o:
                    return StickyTime.ToWire(o.UtcDateTime);
                case double d when double.IsNaN(d) || double.IsInfinity(d):
                case float f when float.IsNaN(f) || float.IsInfinity(f):
                    throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                        "Column '" + column + "' needs a finite number; got '" + Convert.ToString(value, CultureInfo.InvariantCulture) + "'.", column);
                case sbyte _:
                case byte _:
                case short _:
                case ushort _:
                case int _:
                case uint _:
                case long _:
                case ulong _:
                case float _:
                case double _:
                case decimal _:
                    return value;
                default:
                    throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                        "Column '" + column + "' needs a number, text, boolean or date; got '" + Convert.ToString(value, CultureInfo.InvariantCulture) +
                        "' (" + value.GetType().Name + ").", column);
            }
        }

        private string SafeText(string column, string text, bool bindsValues)
        {
            if (!bindsValues && text.Any(ch => ch == '\'' || ch == '"' || ch == '\\' || ch == '`' || char.IsControl(ch)))
            {
                throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                    "Column '" + column + "': the value '" + text + "' has a quote, backslash or control character, which the server at " + Location +
                    " (upstream's) would write into its SQL text unescaped; such values are refused there.", column);
            }

            return text;
        }

        /// <summary>A column named in a request: upstream writes names into its SQL text, so only plain names are sent.</summary>
        private static void CheckValueColumn(long projectId, string name)
        {
            if (name == null || !SafeColumnName.IsMatch(name) || string.Equals(name, ProjectSeriesSql.ProjectIdKey, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(name, ProjectSeriesSql.IdColumn, StringComparison.OrdinalIgnoreCase))
            {
                throw new StickyPiException(ProjectSeriesErrorIds.UnknownProjectColumn, StickyErrorKind.InvalidArgument,
                    "Project " + projectId + " has no column '" + name + "' that can be given a value.", name);
            }
        }

        private static void CheckColumnName(long projectId, string name)
        {
            if (name == null || !SafeColumnName.IsMatch(name))
            {
                throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectColumnName, StickyErrorKind.InvalidArgument,
                    "'" + name + "' is not a column name this connection sends (letters, digits or underscores, not starting with a digit) in project " +
                    projectId + ".", name);
            }
        }

        /// <summary>An upstream 500 on a series write, explained from the table when the cause can be seen there.</summary>
        private Exception ExplainSeriesRefusal(StickyPiException e, long projectId, long? id, string device, DateTime start, DateTime end, ICollection<string> columns)
        {
            List<ProjectSeriesRow> rows;
            IReadOnlyList<string> names;
            try
            {
                rows = SeriesRows(projectId, out names);
            }
            catch (StickyPiException)
            {
                return e;
            }

            if (rows.Any(r => r.Id != id && r.Device == device && r.StartDateTime == start && r.EndDateTime == end))
            {
                return new StickyPiException(ProjectSeriesErrorIds.DuplicateProjectSeries, StickyErrorKind.Conflict,
                    string.Format(CultureInfo.InvariantCulture, "Project {0} already has a series for device {1} from {2:yyyy-MM-dd HH:mm:ss} to {3:yyyy-MM-dd HH:mm:ss}.",
                        projectId, device, start, end), device, e);
            }

            var unknown = names.Count == 0 ? null : columns?.FirstOrDefault(c => !names.Contains(c, StringComparer.OrdinalIgnoreCase));
            return unknown != null ? UnknownColumn(projectId, unknown, names) : (Exception)e;
        }

        /// <summary>An upstream 500 on a column change, explained from the table's first row when the cause can be seen there.</summary>
        private Exception ExplainColumnRefusal(StickyPiException e, long projectId, string absent, string present)
        {
            IReadOnlyList<string> names;
            try
            {
                SeriesRows(projectId, out names);
            }
            catch (StickyPiException)
            {
                return e;
            }

            if (names.Count == 0)
            {
                return e;
            }

            if (absent != null && !names.Contains(absent, StringComparer.OrdinalIgnoreCase))
            {
                return new StickyPiException(ProjectSeriesErrorIds.ProjectColumnNotFound, StickyErrorKind.NotFound,
                    "Project " + projectId + " has no column '" + absent + "'." + ColumnList(names), absent, e);
            }

            var clash = present == null ? null : names.FirstOrDefault(n => string.Equals(n, present, StringComparison.OrdinalIgnoreCase));
            if (clash != null)
            {
                return new StickyPiException(ProjectSeriesErrorIds.DuplicateProjectColumn, StickyErrorKind.Conflict,
                    "Project " + projectId + " already has a column '" + clash + "'.", present, e);
            }

            return e;
        }

        private static StickyPiException UnknownColumn(long projectId, string key, IReadOnlyList<string> names) =>
            new StickyPiException(ProjectSeriesErrorIds.UnknownProjectColumn, StickyErrorKind.InvalidArgument,
                "Project " + projectId + " has no column '" + key + "'; add it with Add-StickyProjectColumn first." + ColumnList(names), key);

        private static string ColumnList(IReadOnlyList<string> names)
        {
            var user = names.Where(n => !ProjectSeriesSql.IsBuiltIn(n)).ToList();
            return user.Count == 0 ? " It has no user columns." : " Its user columns: " + string.Join(", ", user) + ".";
        }

        private static StickyPiException SeriesNotFound(long projectId, long id) =>
            new StickyPiException(ProjectSeriesErrorIds.ProjectSeriesNotFound, StickyErrorKind.NotFound,
                "Project " + projectId + " has no series row with id " + id + ".", id);

        private static StickyPiException ReservedColumn(string name, string verb) =>
            new StickyPiException(ProjectSeriesErrorIds.ReservedProjectColumn, StickyErrorKind.InvalidArgument,
                "The built-in column '" + name + "' cannot be " + verb + ".", name);

        private static string Describe(StickyProject project) => "'" + project.Name + "' (id " + project.Id.ToString(CultureInfo.InvariantCulture) + ")";

        private StickyPiException NoRoute(string what, string why) =>
            new StickyPiException(StickyErrorIds.NotAvailableRemotely, StickyErrorKind.ResourceUnavailable,
                "This operation (" + what + ") is not available on a remote connection (" + Location + "): " + why + ". Connect to the server's store directly for it.", Location);
    }
}
