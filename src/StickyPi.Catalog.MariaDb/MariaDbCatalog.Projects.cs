using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MySqlConnector;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.MariaDb
{
    /// <summary>
    /// Projects and project permissions (spec §2.9–§2.11, §3.7) in upstream's tables, with the embedded store's rules
    /// (<see cref="AccessPolicy"/>, <c>ProjectNames</c>) and row mapping (<c>ProjectRows</c>).
    /// </summary>
    /// <remarks>
    /// MariaDB commits a transaction before any CREATE or DROP TABLE, so a project's series table cannot share its row's
    /// transaction as in the embedded store: the table is made after the row commits (the row removed again if that
    /// fails), and dropped after the row's deletion commits (a table left by a failed drop is replaced when its id is
    /// used again).
    /// </remarks>
    public sealed partial class MariaDbCatalog
    {
        /// <summary>
        /// Creates a project: the row and level 3 for the caller when it is a stored user (one transaction), then the
        /// empty <c>project_series_&lt;id&gt;</c> table with upstream's MariaDB DDL (spec §2.11). Names may repeat;
        /// lengths are upstream's columns' (name 32, description 20, notes 2048), a <c>ValueTooLong</c> naming the field.
        /// </summary>
        public StickyProject AddProject(CallerIdentity caller, string name, string description = null, string notes = null)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutProjects);
            if (string.IsNullOrEmpty(name))
            {
                throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument, "Name is required: a project needs a name.", "Name");
            }

            UserRules.CheckLength("Name", name, LocalStickyStore.MaxProjectNameLength);
            UserRules.CheckLength("Description", description, LocalStickyStore.MaxProjectDescriptionLength);
            UserRules.CheckLength("Notes", notes, LocalStickyStore.MaxProjectNotesLength);
            var now = StickyTime.Normalize(DateTime.UtcNow);
            return Run(conn =>
            {
                long id;
                using (var tx = conn.BeginTransaction())
                {
                    using (var cmd = new MySqlCommand("INSERT INTO projects (datetime_created, api_version, api_user_id, name, description, notes) " +
                        "VALUES (@created, @apiVersion, @apiUser, @name, @description, @notes)", conn, tx))
                    {
                        cmd.Parameters.AddWithValue("@created", now);
                        cmd.Parameters.AddWithValue("@apiVersion", LocalStickyStore.ApiVersion);
                        cmd.Parameters.AddWithValue("@apiUser", (object)caller.Id ?? DBNull.Value);
                        cmd.Parameters.AddWithValue("@name", name);
                        cmd.Parameters.AddWithValue("@description", (object)description ?? DBNull.Value);
                        cmd.Parameters.AddWithValue("@notes", (object)notes ?? DBNull.Value);
                        cmd.ExecuteNonQuery();
                        id = cmd.LastInsertedId;
                    }

                    if (caller.Id != null)
                    {
                        InsertPermission(conn, tx, caller, id, caller.Id.Value, ProjectLevel.Admin);
                    }

                    tx.Commit();
                }

                try
                {
                    Execute(conn, "DROP TABLE IF EXISTS " + StickyProjectNames.SeriesTable(id));
                    Execute(conn, SeriesTableDdl(id));
                }
                catch
                {
                    Execute(conn, "DELETE FROM projects WHERE id = " + id.ToString(CultureInfo.InvariantCulture));
                    throw;
                }

                return LoadProject(conn, null, id);
            });
        }

        /// <summary>
        /// Projects matching any of the filters (none: all) that the caller qualifies for: every project for a global
        /// administrator, otherwise those where it holds level 1 or more. Sorted by id.
        /// </summary>
        public IReadOnlyList<StickyProject> GetProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetProjects);
            return Run(conn => QualifyingProjects(conn, null, caller, filters, ApiOperation.GetProjects));
        }

        /// <summary>
        /// Deletes the projects matching any of the filters (none: all) on which the caller qualifies (level 3, or a
        /// global administrator), silently skipping the others as upstream; unlike upstream a global administrator may
        /// delete a project nobody holds a permission on (spec §8 #10). Each project: row deleted (permissions
        /// cascading, checked again under lock), then its series table dropped.
        /// </summary>
        public IReadOnlyList<StickyProject> DeleteProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.DeleteProjects);
            return Run(conn =>
            {
                var deleted = new List<StickyProject>();
                foreach (var candidate in QualifyingProjects(conn, null, caller, filters, ApiOperation.DeleteProjects))
                {
                    using (var tx = conn.BeginTransaction())
                    {
                        var project = LoadProject(conn, tx, candidate.Id, forUpdate: true);
                        if (project == null || !AccessPolicy.QualifiesForProject(caller, HeldLevel(conn, tx, caller, project.Id), ApiOperation.DeleteProjects))
                        {
                            continue;
                        }

                        DeleteProjectRow(conn, tx, project.Id);
                        tx.Commit();
                        deleted.Add(project);
                    }

                    Execute(conn, "DROP TABLE IF EXISTS " + StickyProjectNames.SeriesTable(candidate.Id));
                }

                return (IReadOnlyList<StickyProject>)deleted;
            });
        }

        /// <summary>
        /// Deletes one project, saying why when it cannot: <c>ProjectNotFound</c> when it does not exist or the caller
        /// may not see it, <c>PermissionDenied</c> when the caller sees it but holds less than level 3.
        /// </summary>
        public StickyProject DeleteProject(CallerIdentity caller, long projectId)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.DeleteProjects);
            return Run(conn =>
            {
                StickyProject project;
                using (var tx = conn.BeginTransaction())
                {
                    project = RequireProjectAccess(conn, tx, caller, projectId, ApiOperation.DeleteProjects);
                    DeleteProjectRow(conn, tx, projectId);
                    tx.Commit();
                }

                Execute(conn, "DROP TABLE IF EXISTS " + StickyProjectNames.SeriesTable(projectId));
                return project;
            });
        }

        /// <summary>The id of the project a user names among those the caller may see (exact name, then a unique case-insensitive one, then a numeric id).</summary>
        public long ResolveProjectId(CallerIdentity caller, string project)
        {
            if (string.IsNullOrEmpty(project))
            {
                throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument, "A project name is required.", "Project");
            }

            return ProjectNames.Resolve(GetProjects(caller), project, caller);
        }

        /// <summary>
        /// Gives a user a level on a project: the caller needs level 3 on it or to be a global administrator; the level
        /// must be 1..3 and the project and user must exist (<c>ProjectNotFound</c>, <c>UserNotFound</c>); an existing
        /// permission is updated (upstream fails, spec §8 #11). Taking level 3 from the last user who can administer
        /// the project is <c>LastProjectAdministrator</c> unless the caller is a global administrator. Returns the row.
        /// </summary>
        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, string userName, int level) =>
            PutProjectPermission(caller, projectId, level, (conn, tx) => RequireUser(conn, tx, userName));

        /// <summary>As <see cref="PutProjectPermission(CallerIdentity, long, string, int)"/>, naming the user by id.</summary>
        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, long userId, int level) =>
            PutProjectPermission(caller, projectId, level, (conn, tx) => ReadUsers(conn, tx, "id = @p", userId).FirstOrDefault() ??
                throw new StickyPiException(StickyUserErrorIds.UserNotFound, StickyErrorKind.NotFound, "No user with id " + userId + ".", userId));

        /// <summary>
        /// Every permission row (every user's) of the projects matching any of the filters on which the caller holds
        /// level 1 or more, or of all of them for a global administrator. Sorted by project id, then user name.
        /// </summary>
        public IReadOnlyList<ProjectPermission> GetProjectPermissions(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetProjectPermissions);
            return Run(conn =>
            {
                var ids = new HashSet<long>(QualifyingProjects(conn, null, caller, filters, ApiOperation.GetProjectPermissions).Select(p => p.Id));
                return (IReadOnlyList<ProjectPermission>)(ids.Count == 0
                    ? new List<ProjectPermission>()
                    : ReadPermissions(conn, null, string.Empty, null).Where(r => ids.Contains(r.ProjectId)).ToList());
            });
        }

        /// <summary>
        /// Removes a user's permission on a project (level 3 on it or a global administrator); never the last user who
        /// can administer it unless the caller is a global administrator. <c>PermissionNotFound</c> when the user holds
        /// nothing there. Returns the deleted row.
        /// </summary>
        public ProjectPermission DeleteProjectPermission(CallerIdentity caller, long projectId, string userName)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.DeleteProjectPermissions);
            return Run(conn =>
            {
                using (var tx = conn.BeginTransaction())
                {
                    var project = RequireProjectAccess(conn, tx, caller, projectId, ApiOperation.DeleteProjectPermissions);
                    var user = RequireUser(conn, tx, userName);
                    var row = FindPermission(conn, tx, projectId, user.Id) ??
                        throw new StickyPiException(StickyUserErrorIds.PermissionNotFound, StickyErrorKind.NotFound,
                            "User '" + user.UserName + "' holds no permission on project " + project + ".", user.UserName);
                    if (row.Level == ProjectLevel.Admin)
                    {
                        CheckKeepsProjectAdministrator(conn, tx, caller, project, user);
                    }

                    Execute(conn, tx, "DELETE FROM project_permissions WHERE id = " + row.Id.ToString(CultureInfo.InvariantCulture));
                    tx.Commit();
                    return row;
                }
            });
        }

        // ---------------------------------------------------------------- helpers

        /// <summary>Upstream's MariaDB DDL of a project's series table (spec §2.11); the name comes from the integer id only.</summary>
        internal static string SeriesTableDdl(long projectId) =>
            "CREATE TABLE " + StickyProjectNames.SeriesTable(projectId) +
            " (id INT PRIMARY KEY AUTO_INCREMENT NOT NULL, device CHAR(8) NOT NULL, start_datetime DATETIME NOT NULL, " +
            "end_datetime DATETIME NOT NULL, UNIQUE(device, start_datetime, end_datetime))";

        private ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, int level, Func<MySqlConnection, MySqlTransaction, StickyUser> findUser)
        {
            var wanted = AccessPolicy.CheckLevel(level);
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutProjectPermissions);
            return Run(conn =>
            {
                using (var tx = conn.BeginTransaction())
                {
                    var project = RequireProjectAccess(conn, tx, caller, projectId, ApiOperation.PutProjectPermissions);
                    var user = findUser(conn, tx);
                    var existing = FindPermission(conn, tx, projectId, user.Id);
                    if (existing == null)
                    {
                        InsertPermission(conn, tx, caller, projectId, user.Id, wanted);
                    }
                    else if (existing.Level != wanted)
                    {
                        if (existing.Level == ProjectLevel.Admin)
                        {
                            CheckKeepsProjectAdministrator(conn, tx, caller, project, user);
                        }

                        Execute(conn, tx, "UPDATE project_permissions SET level = " + ((int)wanted).ToString(CultureInfo.InvariantCulture) +
                            " WHERE id = " + existing.Id.ToString(CultureInfo.InvariantCulture));
                    }

                    var row = FindPermission(conn, tx, projectId, user.Id);
                    tx.Commit();
                    return row;
                }
            });
        }

        /// <summary>The user with exactly this name (upstream's collation would also match other cases), or <c>UserNotFound</c>.</summary>
        private static StickyUser RequireUser(MySqlConnection conn, MySqlTransaction tx, string userName)
        {
            if (string.IsNullOrEmpty(userName))
            {
                throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument, "UserName is required.", "UserName");
            }

            return ReadUsers(conn, tx, "username = @p", userName).FirstOrDefault(u => u.UserName == userName) ??
                throw new StickyPiException(StickyUserErrorIds.UserNotFound, StickyErrorKind.NotFound, "No user '" + userName + "'.", userName);
        }

        /// <summary>The project (locked) when the caller may perform <paramref name="operation"/> on it; <c>ProjectNotFound</c> or <c>PermissionDenied</c> otherwise.</summary>
        private static StickyProject RequireProjectAccess(MySqlConnection conn, MySqlTransaction tx, CallerIdentity caller, long projectId, ApiOperation operation)
        {
            var project = LoadProject(conn, tx, projectId, forUpdate: true);
            var held = project == null ? ProjectLevel.None : HeldLevel(conn, tx, caller, projectId);
            if (project == null || !AccessPolicy.QualifiesForProject(caller, held, ApiOperation.GetProjects))
            {
                throw ProjectRows.ProjectNotFound(caller, projectId, exists: project != null);
            }

            AccessPolicy.RequireProject(caller, held, operation, project.Id, project.Name);
            return project;
        }

        /// <summary>Refuses to take level 3 from the last user who can administer the project (read-only holders of level 3 cannot).</summary>
        private static void CheckKeepsProjectAdministrator(MySqlConnection conn, MySqlTransaction tx, CallerIdentity caller, StickyProject project, StickyUser user)
        {
            if (AccessPolicy.MayRemoveLastProjectAdministrator(caller))
            {
                return;
            }

            var others = ReadPermissions(conn, tx, " WHERE pp.parent_project_id = @p AND pp.level >= 3 AND pp.parent_user_id <> @u", cmd =>
            {
                cmd.Parameters.AddWithValue("@p", project.Id);
                cmd.Parameters.AddWithValue("@u", user.Id);
            }).Select(p => ReadUsers(conn, tx, "id = @p", p.UserId).Single()).ToList();
            if (others.Any(o => AccessPolicy.CanAdministerProject(o.CanWrite, ProjectLevel.Admin)))
            {
                return;
            }

            throw ProjectRows.LastProjectAdministrator(project, user.UserName, others.Select(o => o.UserName).OrderBy(n => n, StringComparer.Ordinal));
        }

        /// <summary>Projects matching the filters on which the caller qualifies for the operation, by id.</summary>
        private static List<StickyProject> QualifyingProjects(MySqlConnection conn, MySqlTransaction tx, CallerIdentity caller,
            IEnumerable<StickyProjectFilter> filters, ApiOperation operation)
        {
            var result = new List<StickyProject>();
            using (var cmd = new MySqlCommand { Connection = conn, Transaction = tx })
            {
                var where = ProjectRows.FilterWhere(ProjectRows.Filters(filters), "@", "ESCAPE '\\\\'", (name, value) => cmd.Parameters.AddWithValue(name, value));
                cmd.CommandText = "SELECT " + ProjectRows.ProjectColumns + ", pp.level AS caller_level FROM projects AS p " +
                    "LEFT JOIN project_permissions AS pp ON pp.parent_project_id = p.id AND pp.parent_user_id = @caller" + where + " ORDER BY p.id";
                cmd.Parameters.AddWithValue("@caller", (object)caller.Id ?? DBNull.Value);
                using (var reader = cmd.ExecuteReader())
                {
                    var r = new RowReader(reader);
                    while (r.Read())
                    {
                        var held = caller.Id == null ? ProjectLevel.Admin : (ProjectLevel)(SqliteRows.Int64OrNull(r, "caller_level") ?? 0);
                        if (AccessPolicy.QualifiesForProject(caller, held, operation))
                        {
                            result.Add(ProjectRows.ReadProject(r));
                        }
                    }
                }
            }

            return result;
        }

        /// <summary>The level the caller holds on a project (the internal caller: Admin).</summary>
        private static ProjectLevel HeldLevel(MySqlConnection conn, MySqlTransaction tx, CallerIdentity caller, long projectId) =>
            caller.Id == null ? ProjectLevel.Admin : FindPermission(conn, tx, projectId, caller.Id.Value)?.Level ?? ProjectLevel.None;

        private static StickyProject LoadProject(MySqlConnection conn, MySqlTransaction tx, long projectId, bool forUpdate = false)
        {
            using (var cmd = new MySqlCommand("SELECT " + ProjectRows.ProjectColumns + " FROM projects AS p WHERE p.id = @id" + (forUpdate ? " FOR UPDATE" : string.Empty), conn, tx))
            {
                cmd.Parameters.AddWithValue("@id", projectId);
                using (var reader = cmd.ExecuteReader())
                {
                    var r = new RowReader(reader);
                    return r.Read() ? ProjectRows.ReadProject(r) : null;
                }
            }
        }

        private static void DeleteProjectRow(MySqlConnection conn, MySqlTransaction tx, long projectId) =>
            Execute(conn, tx, "DELETE FROM projects WHERE id = " + projectId.ToString(CultureInfo.InvariantCulture));

        private static void InsertPermission(MySqlConnection conn, MySqlTransaction tx, CallerIdentity caller, long projectId, long userId, ProjectLevel level)
        {
            using (var cmd = new MySqlCommand("INSERT INTO project_permissions (datetime_created, api_version, api_user_id, parent_project_id, parent_user_id, level) " +
                "VALUES (@created, @apiVersion, @apiUser, @p, @u, @level)", conn, tx))
            {
                cmd.Parameters.AddWithValue("@created", StickyTime.Normalize(DateTime.UtcNow));
                cmd.Parameters.AddWithValue("@apiVersion", LocalStickyStore.ApiVersion);
                cmd.Parameters.AddWithValue("@apiUser", (object)caller.Id ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@p", projectId);
                cmd.Parameters.AddWithValue("@u", userId);
                cmd.Parameters.AddWithValue("@level", (int)level);
                cmd.ExecuteNonQuery();
            }
        }

        private static ProjectPermission FindPermission(MySqlConnection conn, MySqlTransaction tx, long projectId, long userId) =>
            ReadPermissions(conn, tx, " WHERE pp.parent_project_id = @p AND pp.parent_user_id = @u", cmd =>
            {
                cmd.Parameters.AddWithValue("@p", projectId);
                cmd.Parameters.AddWithValue("@u", userId);
            }).FirstOrDefault();

        /// <summary>Permission rows, by project id then user name in ordinal order (as the embedded store).</summary>
        private static List<ProjectPermission> ReadPermissions(MySqlConnection conn, MySqlTransaction tx, string where, Action<MySqlCommand> bind)
        {
            var rows = new List<ProjectPermission>();
            using (var cmd = new MySqlCommand(ProjectRows.PermissionSelect + where, conn, tx))
            {
                bind?.Invoke(cmd);
                using (var reader = cmd.ExecuteReader())
                {
                    var r = new RowReader(reader);
                    while (r.Read())
                    {
                        rows.Add(ProjectRows.ReadPermission(r));
                    }
                }
            }

            return rows.OrderBy(p => p.ProjectId).ThenBy(p => p.UserName, StringComparer.Ordinal).ToList();
        }

        private static void Execute(MySqlConnection conn, string sql) => Execute(conn, null, sql);

        private static void Execute(MySqlConnection conn, MySqlTransaction tx, string sql)
        {
            using (var cmd = new MySqlCommand(sql, conn, tx))
            {
                cmd.ExecuteNonQuery();
            }
        }
    }
}
