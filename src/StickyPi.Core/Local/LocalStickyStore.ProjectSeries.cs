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
    /// Project series rows and user columns (spec §2.11, §3.7): <c>get/put/delete_project_series</c>,
    /// <c>put/delete_project_columns</c>. Each call works on one project in one transaction; the caller's level on
    /// the project is checked inside that transaction. Deliberate differences from upstream: no SQL is built from
    /// input (names validated and quoted, types whitelisted, values bound; spec §8 #2); writes return the row they wrote
    /// found by id (§8 #12) and deletes return the deleted row (§8 #8).
    /// </summary>
    public sealed partial class LocalStickyStore
    {
        private const int SqliteConstraintUnique = 2067;
        private const int SqliteConstraintPrimaryKey = 1555;

        /// <summary>Every row of the project's series table with every column (level ≥ 1 or global admin), ordered by id.</summary>
        public IReadOnlyList<ProjectSeriesRow> GetProjectSeries(CallerIdentity caller, long projectId)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.GetProjectSeries);
            return InSeriesTransaction(caller, projectId, ApiOperation.GetProjectSeries, write: false, (conn, tx, columns) =>
            {
                var rows = new List<ProjectSeriesRow>();
                using (var cmd = conn.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = "SELECT * FROM " + ProjectSeriesSql.QuotedTable(projectId) + " ORDER BY id";
                    using (var reader = cmd.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            rows.Add(ProjectSeriesSql.ReadRow(reader, columns, projectId));
                        }
                    }
                }

                return (IReadOnlyList<ProjectSeriesRow>)rows;
            });
        }

        /// <summary>The columns of the project's series table, built-in ones first (level ≥ 1 or global admin).</summary>
        public IReadOnlyList<ProjectColumn> GetProjectColumns(CallerIdentity caller, long projectId)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.GetProjectSeries);
            return InSeriesTransaction(caller, projectId, ApiOperation.GetProjectSeries, write: false, (conn, tx, columns) =>
            {
                return (IReadOnlyList<ProjectColumn>)columns.Select(c => ProjectSeriesRules.ToProjectColumn(projectId, c, null)).ToList();
            });
        }

        /// <summary>
        /// Adds a series row (level ≥ 2 or global admin). <paramref name="values"/> holds user columns by name
        /// (case-insensitive), converted per declared type; an unknown name is refused (<c>UnknownProjectColumn</c>).
        /// The same (device, start, end) twice is <c>DuplicateProjectSeries</c>. Returns the stored row.
        /// </summary>
        public ProjectSeriesRow AddProjectSeries(CallerIdentity caller, long projectId, string device, DateTime start, DateTime end,
            IDictionary<string, object> values = null)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.PutProjectSeries);
            return InSeriesTransaction(caller, projectId, ApiOperation.PutProjectSeries, write: true, (conn, tx, columns) =>
            {
                var assignments = ProjectSeriesRules.InsertAssignments(columns, projectId, device, start, end, values);

                long id;
                using (var cmd = conn.CreateCommand())
                {
                    cmd.Transaction = tx;
                    var names = new StringBuilder();
                    var parameters = new StringBuilder();
                    for (int i = 0; i < assignments.Count; i++)
                    {
                        names.Append(i == 0 ? string.Empty : ", ").Append(assignments[i].Key.Quoted);
                        parameters.Append(i == 0 ? "$v" : ", $v").Append(i.ToString(CultureInfo.InvariantCulture));
                        cmd.Parameters.AddWithValue("$v" + i.ToString(CultureInfo.InvariantCulture), assignments[i].Value);
                    }

                    cmd.CommandText = "INSERT INTO " + ProjectSeriesSql.QuotedTable(projectId) + " (" + names + ") VALUES (" + parameters +
                        "); SELECT last_insert_rowid();";
                    id = Convert.ToInt64(RunSeriesWrite(cmd, projectId, device, start, end, scalar: true), CultureInfo.InvariantCulture);
                }

                var row = ReadSeriesRow(conn, tx, columns, projectId, id);
                return row;
            });
        }

        /// <summary>
        /// Changes columns of an existing row (level ≥ 2 or global admin): user columns and also <c>device</c>,
        /// <c>start_datetime</c>, <c>end_datetime</c> by name. <c>ProjectSeriesNotFound</c> when row <paramref name="id"/>
        /// does not exist. Returns the row after the change (found by id, spec §8 #12).
        /// </summary>
        public ProjectSeriesRow SetProjectSeries(CallerIdentity caller, long projectId, long id, IDictionary<string, object> values)
        {
            RequireCaller(caller);
            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            AccessPolicy.Require(caller, ApiOperation.PutProjectSeries);
            return InSeriesTransaction(caller, projectId, ApiOperation.PutProjectSeries, write: true, (conn, tx, columns) =>
            {
                ProjectSeriesRules.CheckKnownColumns(columns, projectId, values.Keys);
                var current = ReadSeriesRow(conn, tx, columns, projectId, id);
                var assignments = ProjectSeriesRules.UpdateAssignments(columns, projectId, current, values, out var device, out var start, out var end);
                if (assignments.Count > 0)
                {
                    using (var cmd = conn.CreateCommand())
                    {
                        cmd.Transaction = tx;
                        var set = new StringBuilder();
                        for (int i = 0; i < assignments.Count; i++)
                        {
                            string p = "$v" + i.ToString(CultureInfo.InvariantCulture);
                            set.Append(i == 0 ? string.Empty : ", ").Append(assignments[i].Key.Quoted).Append(" = ").Append(p);
                            cmd.Parameters.AddWithValue(p, assignments[i].Value);
                        }

                        cmd.CommandText = "UPDATE " + ProjectSeriesSql.QuotedTable(projectId) + " SET " + set + " WHERE id = $id";
                        cmd.Parameters.AddWithValue("$id", id);
                        RunSeriesWrite(cmd, projectId, device, start, end, scalar: false);
                    }
                }

                var row = ReadSeriesRow(conn, tx, columns, projectId, id);
                return row;
            });
        }

        /// <summary>
        /// Deletes row <paramref name="id"/> (level 3 or global admin) and returns it, as it was (upstream returns the
        /// table's first row instead, spec §8 #8). <c>ProjectSeriesNotFound</c> when there is no such row.
        /// </summary>
        public ProjectSeriesRow DeleteProjectSeries(CallerIdentity caller, long projectId, long id)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.DeleteProjectSeries);
            return InSeriesTransaction(caller, projectId, ApiOperation.DeleteProjectSeries, write: true, (conn, tx, columns) =>
            {
                var row = ReadSeriesRow(conn, tx, columns, projectId, id);
                using (var cmd = conn.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = "DELETE FROM " + ProjectSeriesSql.QuotedTable(projectId) + " WHERE id = $id";
                    cmd.Parameters.AddWithValue("$id", id);
                    cmd.ExecuteNonQuery();
                }

                return row;
            });
        }

        /// <summary>
        /// Adds a user column (level ≥ 2 or global admin). The name must match <c>^[A-Za-z_][A-Za-z0-9_]{0,63}$</c>, must
        /// not be a built-in column or <c>project_id</c>, and must be new (case-insensitive). Existing rows get NULL.
        /// </summary>
        public ProjectColumn AddProjectColumn(CallerIdentity caller, long projectId, string name, ProjectColumnType type)
        {
            RequireCaller(caller);
            if (type == null)
            {
                throw new ArgumentNullException(nameof(type));
            }

            AccessPolicy.Require(caller, ApiOperation.PutProjectColumns);
            ProjectSeriesSql.CheckNewColumnName(name);
            return InSeriesTransaction(caller, projectId, ApiOperation.PutProjectColumns, write: true, (conn, tx, columns) =>
            {
                ProjectSeriesRules.CheckNewColumn(columns, projectId, name);

                RunColumnDdl(conn, tx, projectId, name, "ALTER TABLE " + ProjectSeriesSql.QuotedTable(projectId) + " ADD COLUMN " +
                    ProjectSeriesSql.Quote(name) + " " + type.SqlType);
                var added = ProjectSeriesSql.Find(ProjectSeriesSql.ReadColumns(conn, tx, projectId), name);
                return ProjectSeriesRules.ToProjectColumn(projectId, added, null);
            });
        }

        /// <summary>
        /// Renames a user column (level ≥ 2 or global admin). <c>ProjectColumnNotFound</c> when the old name is not a
        /// column; built-in columns cannot be renamed; the new name follows the rules of <see cref="AddProjectColumn"/>.
        /// </summary>
        public ProjectColumn RenameProjectColumn(CallerIdentity caller, long projectId, string oldName, string newName)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.PutProjectColumns);
            if (ProjectSeriesSql.IsBuiltIn(oldName))
            {
                throw ProjectSeriesRules.Reserved(oldName, "renamed");
            }

            ProjectSeriesSql.CheckNewColumnName(newName);
            return InSeriesTransaction(caller, projectId, ApiOperation.PutProjectColumns, write: true, (conn, tx, columns) =>
            {
                var column = ProjectSeriesRules.RenamedColumn(columns, projectId, oldName, newName);

                if (!string.Equals(column.Name, newName, StringComparison.Ordinal))
                {
                    RunColumnDdl(conn, tx, projectId, column.Name, "ALTER TABLE " + ProjectSeriesSql.QuotedTable(projectId) + " RENAME COLUMN " +
                        column.Quoted + " TO " + ProjectSeriesSql.Quote(newName));
                }

                var renamed = ProjectSeriesSql.Find(ProjectSeriesSql.ReadColumns(conn, tx, projectId), newName);
                return ProjectSeriesRules.ToProjectColumn(projectId, renamed, column.Name);
            });
        }

        /// <summary>
        /// Drops a user column and its values (level 3 or global admin); built-in columns are refused (upstream lets them
        /// go). A column an index depends on cannot be dropped (<c>ProjectColumnInUse</c>). Returns the dropped column.
        /// </summary>
        public ProjectColumn RemoveProjectColumn(CallerIdentity caller, long projectId, string name)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.DeleteProjectColumns);
            if (ProjectSeriesSql.IsBuiltIn(name))
            {
                throw ProjectSeriesRules.Reserved(name, "removed");
            }

            return InSeriesTransaction(caller, projectId, ApiOperation.DeleteProjectColumns, write: true, (conn, tx, columns) =>
            {
                var column = ProjectSeriesRules.ExistingUserColumn(columns, projectId, name);
                RunColumnDdl(conn, tx, projectId, column.Name, "ALTER TABLE " + ProjectSeriesSql.QuotedTable(projectId) + " DROP COLUMN " + column.Quoted);
                return ProjectSeriesRules.ToProjectColumn(projectId, column, null);
            });
        }

        // ---------------------------------------------------------------- helpers (project series)

        /// <summary>Project exists, the caller qualifies, the table exists: returns its columns.</summary>
        /// <summary>
        /// One transaction on a project's series table: checks that the project exists and that the caller holds the
        /// level <paramref name="operation"/> needs, runs <paramref name="body"/> with the table's columns, and commits.
        /// </summary>
        private T InSeriesTransaction<T>(CallerIdentity caller, long projectId, ApiOperation operation, bool write,
            Func<SqliteConnection, SqliteTransaction, List<SeriesColumn>, T> body)
        {
            return Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: !write))
                {
                    var columns = SeriesAccess(conn, tx, caller, projectId, operation);
                    var result = body(conn, tx, columns);
                    if (write)
                    {
                        BeforeCommit?.Invoke();
                    }

                    tx.Commit();
                    return result;
                }
            });
        }

        private static List<SeriesColumn> SeriesAccess(SqliteConnection conn, SqliteTransaction tx, CallerIdentity caller, long projectId, ApiOperation operation)
        {
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT name FROM projects WHERE id = $id";
                cmd.Parameters.AddWithValue("$id", projectId);
                string name = null;
                bool exists = false;
                using (var reader = cmd.ExecuteReader())
                {
                    if (reader.Read())
                    {
                        exists = true;
                        name = reader.IsDBNull(0) ? null : reader.GetString(0);
                    }
                }

                var held = exists ? GetProjectLevel(conn, tx, caller, projectId) : ProjectLevel.None;

                // A project the caller may not even read is reported as absent (as the projects cmdlets do), so
                // project ids do not leak; a readable project with too low a level is PermissionDenied.
                if (!exists || !AccessPolicy.QualifiesForProject(caller, held, ApiOperation.GetProjectSeries))
                {
                    throw ProjectRows.ProjectNotFound(caller, projectId, exists);
                }

                AccessPolicy.RequireProject(caller, held, operation, projectId, name);
            }

            return ProjectSeriesRules.RequireTable(ProjectSeriesSql.ReadColumns(conn, tx, projectId), projectId);
        }

        private static ProjectSeriesRow ReadSeriesRow(SqliteConnection conn, SqliteTransaction tx, List<SeriesColumn> columns, long projectId, long id)
        {
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT * FROM " + ProjectSeriesSql.QuotedTable(projectId) + " WHERE id = $id";
                cmd.Parameters.AddWithValue("$id", id);
                using (var reader = cmd.ExecuteReader())
                {
                    if (!reader.Read())
                    {
                        throw ProjectSeriesRules.SeriesNotFound(projectId, id);
                    }

                    return ProjectSeriesSql.ReadRow(reader, columns, projectId);
                }
            }
        }

        private static object RunSeriesWrite(SqliteCommand cmd, long projectId, string device, DateTime start, DateTime end, bool scalar)
        {
            try
            {
                return scalar ? cmd.ExecuteScalar() : cmd.ExecuteNonQuery();
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
            {
                if (e.SqliteExtendedErrorCode == SqliteConstraintUnique || e.SqliteExtendedErrorCode == SqliteConstraintPrimaryKey)
                {
                    throw ProjectSeriesRules.DuplicateSeries(projectId, device, start, end, e);
                }

                throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                    "Project " + projectId + " refused the row: " + e.Message, device, e);
            }
        }

        private static void RunColumnDdl(SqliteConnection conn, SqliteTransaction tx, long projectId, string column, string sql)
        {
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = sql;
                try
                {
                    cmd.ExecuteNonQuery();
                }
                catch (SqliteException e) when (e.SqliteErrorCode == 1)
                {
                    // SQLITE_ERROR from ALTER TABLE: e.g. DROP COLUMN of an indexed, UNIQUE or view-referenced column.
                    throw new StickyPiException(ProjectSeriesErrorIds.ProjectColumnInUse, StickyErrorKind.Conflict,
                        "SQLite refused to change column '" + column + "' of " + ProjectSeriesSql.TableName(projectId) +
                        " (an index, constraint, trigger or view depends on it?): " + e.Message, column, e);
                }
            }
        }
    }
}
