using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// Projects and project permissions (spec §2.9–§2.11, §3.7). Every rule about who may do what comes from
    /// <see cref="AccessPolicy"/>; this file only looks up what the caller holds and applies it.
    /// </summary>
    public sealed partial class LocalStickyStore
    {
        /// <summary>Column sizes of <c>projects</c> (spec §2.9): description is VARCHAR(20) upstream.</summary>
        public const int MaxProjectNameLength = 32;

        public const int MaxProjectDescriptionLength = 20;

        public const int MaxProjectNotesLength = 2048;

        // ---------------------------------------------------------------- projects

        /// <summary>
        /// Creates a project (upstream's <c>put_projects</c> item): the row, level 3 for the caller when it is a stored
        /// user, and the empty <c>project_series_&lt;id&gt;</c> table with upstream's DDL (spec §2.11), all in one
        /// transaction. Names may repeat. Lengths are checked against upstream's columns (name 32, description 20,
        /// notes 2048) with a <c>ValueTooLong</c> error naming the field.
        /// </summary>
        public StickyProject AddProject(CallerIdentity caller, string name, string description = null, string notes = null)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.PutProjects);
            if (string.IsNullOrEmpty(name))
            {
                throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument, "Name is required: a project needs a name.", "Name");
            }

            UserRules.CheckLength("Name", name, MaxProjectNameLength);
            UserRules.CheckLength("Description", description, MaxProjectDescriptionLength);
            UserRules.CheckLength("Notes", notes, MaxProjectNotesLength);

            return Guard(() =>
            {
                var now = Now();
                var project = new StickyProject
                {
                    Name = name,
                    Description = description,
                    Notes = notes,
                    DateTimeCreated = now,
                    ApiVersion = ApiVersion,
                    ApiUserId = caller.Id,
                };
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: false))
                {
                    using (var cmd = conn.CreateCommand())
                    {
                        cmd.Transaction = tx;
                        cmd.CommandText =
                            "INSERT INTO projects (datetime_created, api_version, api_user_id, name, description, notes) " +
                            "VALUES ($created, $apiVersion, $apiUser, $name, $description, $notes); SELECT last_insert_rowid();";
                        cmd.Parameters.AddWithValue("$created", StickyTime.ToDatabase(now));
                        cmd.Parameters.AddWithValue("$apiVersion", ApiVersion);
                        cmd.Parameters.AddWithValue("$apiUser", SqliteRows.DbValue(caller.Id));
                        cmd.Parameters.AddWithValue("$name", name);
                        cmd.Parameters.AddWithValue("$description", SqliteRows.DbValue(description));
                        cmd.Parameters.AddWithValue("$notes", SqliteRows.DbValue(notes));
                        project.Id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
                    }

                    if (caller.Id != null)
                    {
                        InsertPermission(conn, tx, caller, project.Id, caller.Id.Value, ProjectLevel.Admin);
                    }

                    CreateSeriesTable(conn, tx, project.Id);
                    BeforeCommit?.Invoke();
                    tx.Commit();
                }

                return project;
            });
        }

        /// <summary>
        /// Projects matching any of the filters (none: all) that the caller qualifies for: every project for a global
        /// administrator, otherwise those where it holds level 1 or more (spec §3.7 <c>get_projects</c>). Sorted by id.
        /// </summary>
        public IReadOnlyList<StickyProject> GetProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.GetProjects);
            return Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: true))
                {
                    var result = QualifyingProjects(conn, tx, caller, filters, ApiOperation.GetProjects).Select(p => p.Project).ToList();
                    tx.Commit();
                    return (IReadOnlyList<StickyProject>)result;
                }
            });
        }

        /// <summary>
        /// Deletes the projects matching any of the filters (none: all) on which the caller qualifies (level 3, or a
        /// global administrator), with upstream's silent skip of the others (spec §3.7 <c>delete_projects</c>). Unlike
        /// upstream, projects without any permission row can be deleted by global administrators (spec §8 #10). Each
        /// project goes in its own transaction: series table dropped, row deleted, permissions cascading.
        /// </summary>
        public IReadOnlyList<StickyProject> DeleteProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.DeleteProjects);
            return Guard(() =>
            {
                var deleted = new List<StickyProject>();
                using (var conn = OpenConnection())
                {
                    List<long> ids;
                    using (var tx = conn.BeginTransaction(deferred: true))
                    {
                        ids = QualifyingProjects(conn, tx, caller, filters, ApiOperation.DeleteProjects).Select(p => p.Project.Id).ToList();
                        tx.Commit();
                    }

                    foreach (var id in ids)
                    {
                        using (var tx = conn.BeginTransaction(deferred: false))
                        {
                            // Checked again inside the write transaction: permissions may have changed meanwhile.
                            var project = LoadProject(conn, tx, id);
                            if (project == null || !AccessPolicy.QualifiesForProject(caller, GetProjectLevel(conn, tx, caller, id), ApiOperation.DeleteProjects))
                            {
                                continue;
                            }

                            DropProject(conn, tx, id);
                            BeforeCommit?.Invoke();
                            tx.Commit();
                            deleted.Add(project);
                        }
                    }
                }

                return (IReadOnlyList<StickyProject>)deleted;
            });
        }

        /// <summary>
        /// Deletes one project, saying why when it cannot: <c>ProjectNotFound</c> when it does not exist or the caller
        /// may not even see it, <c>PermissionDenied</c> when the caller sees it but holds less than level 3.
        /// </summary>
        public StickyProject DeleteProject(CallerIdentity caller, long projectId)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.DeleteProjects);
            return Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: false))
                {
                    var project = RequireProjectAccess(conn, tx, caller, projectId, ApiOperation.DeleteProjects);
                    DropProject(conn, tx, projectId);
                    BeforeCommit?.Invoke();
                    tx.Commit();
                    return project;
                }
            });
        }

        /// <summary>
        /// The id of the project a user names, among the projects the caller may see (level Read or more, or a global
        /// administrator): the project with exactly this name (case-sensitive); else the only one whose name differs
        /// in case only; else the text as a numeric id. Every cmdlet that takes a project name resolves it here, so an
        /// ambiguous name is always <c>AmbiguousProjectName</c> (listing the candidates' ids) and a missing one
        /// <c>ProjectNotFound</c>.
        /// </summary>
        public long ResolveProjectId(CallerIdentity caller, string project)
        {
            RequireCaller(caller);
            if (string.IsNullOrEmpty(project))
            {
                throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument, "A project name is required.", "Project");
            }

            AccessPolicy.Require(caller, ApiOperation.GetProjects);
            var visible = Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: true))
                {
                    var list = QualifyingProjects(conn, tx, caller, null, ApiOperation.GetProjects).Select(p => p.Project).ToList();
                    tx.Commit();
                    return list;
                }
            });

            return ProjectNames.Resolve(visible, project, caller);
        }

        // ---------------------------------------------------------------- permissions

        /// <summary>
        /// Gives a user a level on a project (upstream's <c>put_project_permissions</c>): the caller needs level 3 on the
        /// project or to be a global administrator, including the internal caller (upstream crashes on it, spec §8 #11).
        /// The level must be 1..3, the project and user must exist (<c>ProjectNotFound</c>, <c>UserNotFound</c>), and an
        /// existing permission is updated instead of failing (§8 #11). Downgrading the last level-3 holder is refused
        /// (<c>LastProjectAdministrator</c>) unless the caller is a global administrator. Returns the stored row.
        /// </summary>
        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, string userName, int level) =>
            PutProjectPermission(caller, projectId, level, t => FindUserOrThrow(t.conn, userName, t.tx));

        /// <summary>As <see cref="PutProjectPermission(CallerIdentity, long, string, int)"/>, naming the user by id.</summary>
        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, long userId, int level) =>
            PutProjectPermission(caller, projectId, level, t =>
                FindUser(t.conn, t.tx, userId) ??
                throw new StickyPiException(StickyUserErrorIds.UserNotFound, StickyErrorKind.NotFound, "No user with id " + userId + ".", userId));

        /// <summary>
        /// Every permission row (every user's) of the projects matching any of the filters on which the caller holds
        /// level 1 or more, or all of them for a global administrator (spec §3.7 <c>get_project_permissions</c>).
        /// Sorted by project id, then user name.
        /// </summary>
        public IReadOnlyList<ProjectPermission> GetProjectPermissions(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.GetProjectPermissions);
            return Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: true))
                {
                    var ids = new HashSet<long>(QualifyingProjects(conn, tx, caller, filters, ApiOperation.GetProjectPermissions).Select(p => p.Project.Id));
                    var rows = ids.Count == 0
                        ? new List<ProjectPermission>()
                        : ReadPermissions(conn, tx, string.Empty, null).Where(r => ids.Contains(r.ProjectId)).ToList();
                    tx.Commit();
                    return (IReadOnlyList<ProjectPermission>)rows;
                }
            });
        }

        /// <summary>
        /// Removes a user's permission on a project (level 3 on the project or a global administrator). Removing the
        /// last level-3 holder is refused (<c>LastProjectAdministrator</c>) unless the caller is a global administrator.
        /// <c>PermissionNotFound</c> when the user holds nothing there. Returns the deleted row.
        /// </summary>
        public ProjectPermission DeleteProjectPermission(CallerIdentity caller, long projectId, string userName)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.DeleteProjectPermissions);
            return Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: false))
                {
                    var project = RequireProjectAccess(conn, tx, caller, projectId, ApiOperation.DeleteProjectPermissions);
                    var user = FindUserOrThrow(conn, userName, tx);
                    var row = FindPermission(conn, tx, projectId, user.Id) ??
                        throw new StickyPiException(StickyUserErrorIds.PermissionNotFound, StickyErrorKind.NotFound,
                            "User '" + user.UserName + "' holds no permission on project " + project + ".", user.UserName);
                    if (row.Level == ProjectLevel.Admin)
                    {
                        CheckKeepsProjectAdministrator(conn, tx, caller, project, user);
                    }

                    using (var cmd = conn.CreateCommand())
                    {
                        cmd.Transaction = tx;
                        cmd.CommandText = "DELETE FROM project_permissions WHERE id = $id";
                        cmd.Parameters.AddWithValue("$id", row.Id);
                        cmd.ExecuteNonQuery();
                    }

                    BeforeCommit?.Invoke();
                    tx.Commit();
                    return row;
                }
            });
        }

        // ---------------------------------------------------------------- helpers

        private ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, int level, Func<(SqliteConnection conn, SqliteTransaction tx), StickyUser> findUser)
        {
            RequireCaller(caller);
            var wanted = AccessPolicy.CheckLevel(level);
            AccessPolicy.Require(caller, ApiOperation.PutProjectPermissions);
            return Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: false))
                {
                    var project = RequireProjectAccess(conn, tx, caller, projectId, ApiOperation.PutProjectPermissions);
                    var user = findUser((conn, tx));
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

                        using (var cmd = conn.CreateCommand())
                        {
                            cmd.Transaction = tx;
                            cmd.CommandText = "UPDATE project_permissions SET level = $level WHERE id = $id";
                            cmd.Parameters.AddWithValue("$level", (int)wanted);
                            cmd.Parameters.AddWithValue("$id", existing.Id);
                            cmd.ExecuteNonQuery();
                        }
                    }

                    var row = FindPermission(conn, tx, projectId, user.Id);
                    BeforeCommit?.Invoke();
                    tx.Commit();
                    return row;
                }
            });
        }

        private static StickyUser FindUserOrThrow(SqliteConnection conn, string userName, SqliteTransaction tx)
        {
            if (string.IsNullOrEmpty(userName))
            {
                throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument, "UserName is required.", "UserName");
            }

            return FindUser(conn, tx, userName) ??
                throw new StickyPiException(StickyUserErrorIds.UserNotFound, StickyErrorKind.NotFound, "No user '" + userName + "'.", userName);
        }

        /// <summary>
        /// The project, when the caller may perform <paramref name="operation"/> on it: <c>ProjectNotFound</c> when it
        /// does not exist or the caller cannot see it (no level), <c>PermissionDenied</c> when its level is too low.
        /// </summary>
        private static StickyProject RequireProjectAccess(SqliteConnection conn, SqliteTransaction tx, CallerIdentity caller, long projectId, ApiOperation operation)
        {
            var project = LoadProject(conn, tx, projectId);
            var held = project == null ? ProjectLevel.None : GetProjectLevel(conn, tx, caller, projectId);
            if (project == null || !AccessPolicy.QualifiesForProject(caller, held, ApiOperation.GetProjects))
            {
                throw ProjectRows.ProjectNotFound(caller, projectId, exists: project != null);
            }

            AccessPolicy.RequireProject(caller, held, operation, project.Id, project.Name);
            return project;
        }

        /// <summary>
        /// Refuses to take level Admin from the last user who can actually administer the project: other level-3 rows
        /// of read-only users do not count, since their effective level is Read (spec §1.3, §3.7). Global
        /// administrators may, as they can always manage the project.
        /// </summary>
        private static void CheckKeepsProjectAdministrator(SqliteConnection conn, SqliteTransaction tx, CallerIdentity caller, StickyProject project, StickyUser user)
        {
            if (AccessPolicy.MayRemoveLastProjectAdministrator(caller))
            {
                return;
            }

            var others = new List<(string Name, bool CanWrite)>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT u.username, u.can_write FROM project_permissions AS pp JOIN users AS u ON u.id = pp.parent_user_id " +
                    "WHERE pp.parent_project_id = $p AND pp.level >= 3 AND pp.parent_user_id != $u ORDER BY u.username";
                cmd.Parameters.AddWithValue("$p", project.Id);
                cmd.Parameters.AddWithValue("$u", user.Id);
                using (var reader = cmd.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        // Upstream reads a NULL can_write as true.
                        others.Add((reader.GetString(0), reader.IsDBNull(1) || reader.GetInt64(1) != 0));
                    }
                }
            }

            if (others.Any(o => AccessPolicy.CanAdministerProject(o.CanWrite, ProjectLevel.Admin)))
            {
                return;
            }

            // Every other level-3 holder is read-only.
            throw ProjectRows.LastProjectAdministrator(project, user.UserName, others.Select(o => o.Name));
        }

        private sealed class QualifiedProject
        {
            public StickyProject Project;
            public ProjectLevel Held;
        }

        /// <summary>Projects matching the filters, with the caller's level, kept when the caller qualifies for the operation.</summary>
        private static List<QualifiedProject> QualifyingProjects(SqliteConnection conn, SqliteTransaction tx, CallerIdentity caller,
            IEnumerable<StickyProjectFilter> filters, ApiOperation operation)
        {
            var list = ProjectRows.Filters(filters);
            var result = new List<QualifiedProject>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                var where = ProjectRows.FilterWhere(list, "$", "ESCAPE '\\'", (name, value) => cmd.Parameters.AddWithValue(name, value));
                cmd.CommandText = "SELECT " + ProjectRows.ProjectColumns + ", pp.level AS caller_level FROM projects AS p " +
                    "LEFT JOIN project_permissions AS pp ON pp.parent_project_id = p.id AND pp.parent_user_id = $caller" +
                    where + " ORDER BY p.id";
                cmd.Parameters.AddWithValue("$caller", SqliteRows.DbValue(caller.Id));
                using (var reader = cmd.ExecuteReader())
                {
                    var r = new RowReader(reader);
                    while (r.Read())
                    {
                        var held = caller.Id == null ? ProjectLevel.Admin : (ProjectLevel)(SqliteRows.Int64OrNull(r, "caller_level") ?? 0);
                        if (AccessPolicy.QualifiesForProject(caller, held, operation))
                        {
                            result.Add(new QualifiedProject { Project = ProjectRows.ReadProject(r), Held = held });
                        }
                    }
                }
            }

            return result;
        }

        private static StickyProject LoadProject(SqliteConnection conn, SqliteTransaction tx, long projectId)
        {
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT " + ProjectRows.ProjectColumns + " FROM projects AS p WHERE p.id = $id";
                cmd.Parameters.AddWithValue("$id", projectId);
                using (var reader = cmd.ExecuteReader())
                {
                    var r = new RowReader(reader);
                    return r.Read() ? ProjectRows.ReadProject(r) : null;
                }
            }
        }

        /// <summary>
        /// Upstream's raw SQLite DDL of a project's series table (spec §2.11). The name comes from the integer id only.
        /// A table of that name can only be a leftover of a deleted project whose id SQLite reused: it is dropped first.
        /// </summary>
        internal static string SeriesTableDdl(long projectId) =>
            "CREATE TABLE " + StickyProjectNames.SeriesTable(projectId) +
            " (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, device CHAR(8) NOT NULL, start_datetime DATETIME NOT NULL, " +
            "end_datetime DATETIME NOT NULL, UNIQUE(device, start_datetime, end_datetime))";

        private static void CreateSeriesTable(SqliteConnection conn, SqliteTransaction tx, long projectId)
        {
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "DROP TABLE IF EXISTS " + StickyProjectNames.SeriesTable(projectId) + "; " + SeriesTableDdl(projectId);
                cmd.ExecuteNonQuery();
            }
        }

        private static void DropProject(SqliteConnection conn, SqliteTransaction tx, long projectId)
        {
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "DROP TABLE IF EXISTS " + StickyProjectNames.SeriesTable(projectId) + "; DELETE FROM projects WHERE id = $id";
                cmd.Parameters.AddWithValue("$id", projectId);
                cmd.ExecuteNonQuery();
            }
        }

        private static void InsertPermission(SqliteConnection conn, SqliteTransaction tx, CallerIdentity caller, long projectId, long userId, ProjectLevel level)
        {
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText =
                    "INSERT INTO project_permissions (datetime_created, api_version, api_user_id, parent_project_id, parent_user_id, level) " +
                    "VALUES ($created, $apiVersion, $apiUser, $p, $u, $level)";
                cmd.Parameters.AddWithValue("$created", StickyTime.ToDatabase(Now()));
                cmd.Parameters.AddWithValue("$apiVersion", ApiVersion);
                cmd.Parameters.AddWithValue("$apiUser", SqliteRows.DbValue(caller.Id));
                cmd.Parameters.AddWithValue("$p", projectId);
                cmd.Parameters.AddWithValue("$u", userId);
                cmd.Parameters.AddWithValue("$level", (int)level);
                cmd.ExecuteNonQuery();
            }
        }

        private static ProjectPermission FindPermission(SqliteConnection conn, SqliteTransaction tx, long projectId, long userId) =>
            ReadPermissions(conn, tx, " WHERE pp.parent_project_id = $p AND pp.parent_user_id = $u", cmd =>
            {
                cmd.Parameters.AddWithValue("$p", projectId);
                cmd.Parameters.AddWithValue("$u", userId);
            }).FirstOrDefault();

        private static List<ProjectPermission> ReadPermissions(SqliteConnection conn, SqliteTransaction tx, string where, Action<SqliteCommand> bind)
        {
            var rows = new List<ProjectPermission>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = ProjectRows.PermissionSelect + where + " ORDER BY pp.parent_project_id, u.username";
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

            return rows;
        }
    }
}
