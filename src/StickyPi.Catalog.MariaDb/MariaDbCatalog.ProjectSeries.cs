using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using MySqlConnector;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.MariaDb
{
    /// <summary>
    /// Project series rows and user columns (spec §2.11, §3.7) in upstream's <c>project_series_&lt;id&gt;</c> tables,
    /// with the embedded store's rules (<c>ProjectSeriesRules</c>) and value conversions (<c>ProjectSeriesSql</c>,
    /// which already keep values as MariaDB would): no SQL is built from input, names are validated and quoted, types
    /// whitelisted and values bound (spec §8 #2); writes return the row found by id (§8 #12), deletes the deleted row (§8 #8).
    /// Column changes are DDL, which MariaDB runs outside any transaction: the caller's level is checked first.
    /// </summary>
    public sealed partial class MariaDbCatalog
    {
        private static readonly Regex IntegerColumnType = new Regex(@"^(tinyint|smallint|mediumint|int|bigint)\((\d+)\)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>Every row of the project's series table with every column (level ≥ 1 or global admin), ordered by id.</summary>
        public IReadOnlyList<ProjectSeriesRow> GetProjectSeries(CallerIdentity caller, long projectId) =>
            InSeriesTransaction(caller, projectId, ApiOperation.GetProjectSeries, (conn, tx, columns) =>
                (IReadOnlyList<ProjectSeriesRow>)ReadSeriesRows(conn, tx, columns, projectId, null));

        /// <summary>The columns of the project's series table, built-in ones first (level ≥ 1 or global admin).</summary>
        public IReadOnlyList<ProjectColumn> GetProjectColumns(CallerIdentity caller, long projectId) =>
            InSeriesTransaction(caller, projectId, ApiOperation.GetProjectSeries, (conn, tx, columns) =>
                (IReadOnlyList<ProjectColumn>)columns.Select(c => ProjectSeriesRules.ToProjectColumn(projectId, c, null)).ToList());

        /// <summary>
        /// Adds a series row (level ≥ 2 or global admin); user columns by name (case-insensitive), converted per declared
        /// type. The same (device, start, end) twice is <c>DuplicateProjectSeries</c>. Returns the stored row.
        /// </summary>
        public ProjectSeriesRow AddProjectSeries(CallerIdentity caller, long projectId, string device, DateTime start, DateTime end, IDictionary<string, object> values = null) =>
            InSeriesTransaction(caller, projectId, ApiOperation.PutProjectSeries, (conn, tx, columns) =>
            {
                var assignments = ProjectSeriesRules.InsertAssignments(columns, projectId, device, start, end, values);
                using (var cmd = new MySqlCommand { Connection = conn, Transaction = tx })
                {
                    var names = new List<string>();
                    var parameters = new List<string>();
                    for (int i = 0; i < assignments.Count; i++)
                    {
                        names.Add(QuoteName(assignments[i].Key.Name));
                        parameters.Add("@v" + i.ToString(CultureInfo.InvariantCulture));
                        cmd.Parameters.AddWithValue("@v" + i.ToString(CultureInfo.InvariantCulture), assignments[i].Value);
                    }

                    cmd.CommandText = "INSERT INTO " + SeriesTable(projectId) + " (" + string.Join(", ", names) + ") VALUES (" + string.Join(", ", parameters) + ")";
                    RunSeriesWrite(cmd, projectId, device, start, end);
                    return SeriesRow(conn, tx, columns, projectId, cmd.LastInsertedId);
                }
            });

        /// <summary>
        /// Changes columns of row <paramref name="id"/> (level ≥ 2 or global admin), the built-in ones included by name.
        /// <c>ProjectSeriesNotFound</c> when there is no such row. Returns the row after the change.
        /// </summary>
        public ProjectSeriesRow SetProjectSeries(CallerIdentity caller, long projectId, long id, IDictionary<string, object> values)
        {
            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            return InSeriesTransaction(caller, projectId, ApiOperation.PutProjectSeries, (conn, tx, columns) =>
            {
                ProjectSeriesRules.CheckKnownColumns(columns, projectId, values.Keys);
                var current = SeriesRow(conn, tx, columns, projectId, id, forUpdate: true);
                var assignments = ProjectSeriesRules.UpdateAssignments(columns, projectId, current, values, out var device, out var start, out var end);
                if (assignments.Count > 0)
                {
                    using (var cmd = new MySqlCommand { Connection = conn, Transaction = tx })
                    {
                        var set = new List<string>();
                        for (int i = 0; i < assignments.Count; i++)
                        {
                            string p = "@v" + i.ToString(CultureInfo.InvariantCulture);
                            set.Add(QuoteName(assignments[i].Key.Name) + " = " + p);
                            cmd.Parameters.AddWithValue(p, assignments[i].Value);
                        }

                        cmd.CommandText = "UPDATE " + SeriesTable(projectId) + " SET " + string.Join(", ", set) + " WHERE id = @id";
                        cmd.Parameters.AddWithValue("@id", id);
                        RunSeriesWrite(cmd, projectId, device, start, end);
                    }
                }

                return SeriesRow(conn, tx, columns, projectId, id);
            });
        }

        /// <summary>Deletes row <paramref name="id"/> (level 3 or global admin) and returns it as it was; <c>ProjectSeriesNotFound</c> when there is none.</summary>
        public ProjectSeriesRow DeleteProjectSeries(CallerIdentity caller, long projectId, long id) =>
            InSeriesTransaction(caller, projectId, ApiOperation.DeleteProjectSeries, (conn, tx, columns) =>
            {
                var row = SeriesRow(conn, tx, columns, projectId, id, forUpdate: true);
                Execute(conn, tx, "DELETE FROM " + SeriesTable(projectId) + " WHERE id = " + id.ToString(CultureInfo.InvariantCulture));
                return row;
            });

        /// <summary>
        /// Adds a user column (level ≥ 2 or global admin): a name of <c>^[A-Za-z_][A-Za-z0-9_]{0,63}$</c>, not built-in,
        /// not <c>project_id</c>, new (case-insensitive); existing rows get NULL.
        /// </summary>
        public ProjectColumn AddProjectColumn(CallerIdentity caller, long projectId, string name, ProjectColumnType type)
        {
            if (type == null)
            {
                throw new ArgumentNullException(nameof(type));
            }

            ProjectSeriesSql.CheckNewColumnName(name);
            return ChangeColumns(caller, projectId, ApiOperation.PutProjectColumns,
                columns =>
                {
                    ProjectSeriesRules.CheckNewColumn(columns, projectId, name);
                    return "ALTER TABLE " + SeriesTable(projectId) + " ADD COLUMN " + QuoteName(name) + " " + type.SqlType;
                },
                after => ProjectSeriesRules.ToProjectColumn(projectId, ProjectSeriesSql.Find(after, name), null));
        }

        /// <summary>Renames a user column (level ≥ 2 or global admin); built-in columns cannot be renamed.</summary>
        public ProjectColumn RenameProjectColumn(CallerIdentity caller, long projectId, string oldName, string newName)
        {
            if (ProjectSeriesSql.IsBuiltIn(oldName))
            {
                throw ProjectSeriesRules.Reserved(oldName, "renamed");
            }

            ProjectSeriesSql.CheckNewColumnName(newName);
            string old = null;
            return ChangeColumns(caller, projectId, ApiOperation.PutProjectColumns,
                columns =>
                {
                    old = ProjectSeriesRules.RenamedColumn(columns, projectId, oldName, newName).Name;
                    return string.Equals(old, newName, StringComparison.Ordinal)
                        ? null
                        : "ALTER TABLE " + SeriesTable(projectId) + " RENAME COLUMN " + QuoteName(old) + " TO " + QuoteName(newName);
                },
                after => ProjectSeriesRules.ToProjectColumn(projectId, ProjectSeriesSql.Find(after, newName), old));
        }

        /// <summary>Drops a user column and its values (level 3 or global admin); built-in columns are refused (upstream lets them go).</summary>
        public ProjectColumn RemoveProjectColumn(CallerIdentity caller, long projectId, string name)
        {
            if (ProjectSeriesSql.IsBuiltIn(name))
            {
                throw ProjectSeriesRules.Reserved(name, "removed");
            }

            SeriesColumn dropped = null;
            return ChangeColumns(caller, projectId, ApiOperation.DeleteProjectColumns,
                columns =>
                {
                    dropped = ProjectSeriesRules.ExistingUserColumn(columns, projectId, name);
                    return "ALTER TABLE " + SeriesTable(projectId) + " DROP COLUMN " + QuoteName(dropped.Name);
                },
                _ => ProjectSeriesRules.ToProjectColumn(projectId, dropped, null));
        }

        // ---------------------------------------------------------------- helpers

        /// <summary>One transaction on a project's series table, after the project and the caller's level on it are checked.</summary>
        private T InSeriesTransaction<T>(CallerIdentity caller, long projectId, ApiOperation operation, Func<MySqlConnection, MySqlTransaction, List<SeriesColumn>, T> body)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), operation);
            return Run(conn =>
            {
                using (var tx = conn.BeginTransaction())
                {
                    RequireProjectAccess(conn, tx, caller, projectId, operation);
                    var result = body(conn, tx, ProjectSeriesRules.RequireTable(SeriesColumns(conn, tx, projectId), projectId));
                    tx.Commit();
                    return result;
                }
            });
        }

        /// <summary>
        /// A column change: the caller's level and the change are checked in a transaction (<paramref name="ddl"/> gives the
        /// statement, or null when there is nothing to do), then the DDL runs on its own, as MariaDB requires.
        /// </summary>
        private ProjectColumn ChangeColumns(CallerIdentity caller, long projectId, ApiOperation operation, Func<List<SeriesColumn>, string> ddl,
            Func<List<SeriesColumn>, ProjectColumn> result)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), operation);
            return Run(conn =>
            {
                string sql;
                using (var tx = conn.BeginTransaction())
                {
                    RequireProjectAccess(conn, tx, caller, projectId, operation);
                    sql = ddl(ProjectSeriesRules.RequireTable(SeriesColumns(conn, tx, projectId), projectId));
                    tx.Commit();
                }

                if (sql != null)
                {
                    Execute(conn, sql);
                }

                return result(SeriesColumns(conn, null, projectId));
            });
        }

        /// <summary>The table's columns in order, each with its type as the embedded store declares it (MariaDB's <c>int(11)</c> is INTEGER).</summary>
        private static List<SeriesColumn> SeriesColumns(MySqlConnection conn, MySqlTransaction tx, long projectId)
        {
            var columns = new List<SeriesColumn>();
            using (var cmd = new MySqlCommand("SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @t " +
                "ORDER BY ORDINAL_POSITION", conn, tx))
            {
                cmd.Parameters.AddWithValue("@t", ProjectSeriesSql.TableName(projectId));
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        columns.Add(new SeriesColumn(r.GetString(0), DeclaredType(r.GetString(1))));
                    }
                }
            }

            return columns;
        }

        /// <summary>MariaDB's column type as our whitelist names it: display widths dropped, TINYINT(1) is BOOLEAN; others as MariaDB shows them.</summary>
        internal static string DeclaredType(string columnType)
        {
            var m = IntegerColumnType.Match(columnType);
            if (m.Success)
            {
                return m.Groups[1].Value.Equals("tinyint", StringComparison.OrdinalIgnoreCase) && m.Groups[2].Value == "1"
                    ? ProjectColumnType.Boolean.SqlType
                    : ProjectColumnType.Parse(m.Groups[1].Value).SqlType;
            }

            return ProjectColumnType.TryParse(columnType.ToUpperInvariant(), out var type) ? type.SqlType : columnType;
        }

        private static List<ProjectSeriesRow> ReadSeriesRows(MySqlConnection conn, MySqlTransaction tx, List<SeriesColumn> columns, long projectId, long? id, bool forUpdate = false)
        {
            using (var cmd = new MySqlCommand("SELECT * FROM " + SeriesTable(projectId) + (id == null ? " ORDER BY id" : " WHERE id = @id") +
                (forUpdate ? " FOR UPDATE" : string.Empty), conn, tx))
            {
                if (id != null)
                {
                    cmd.Parameters.AddWithValue("@id", id.Value);
                }

                var rows = new List<ProjectSeriesRow>();
                using (var reader = cmd.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        rows.Add(ProjectSeriesSql.ReadRow(reader, columns, projectId, AsStored));
                    }
                }

                return rows;
            }
        }

        private static ProjectSeriesRow SeriesRow(MySqlConnection conn, MySqlTransaction tx, List<SeriesColumn> columns, long projectId, long id, bool forUpdate = false) =>
            ReadSeriesRows(conn, tx, columns, projectId, id, forUpdate).SingleOrDefault() ?? throw ProjectSeriesRules.SeriesNotFound(projectId, id);

        /// <summary>A MariaDB value in the form the embedded store keeps it, so one conversion reads both: whole numbers as long, FLOAT by its shortest text, DECIMAL and DATETIME as text.</summary>
        private static object AsStored(object raw)
        {
            switch (raw)
            {
                case sbyte _:
                case byte _:
                case short _:
                case ushort _:
                case int _:
                case uint _:
                case long _:
                    return Convert.ToInt64(raw, CultureInfo.InvariantCulture);
                case bool b:
                    return b ? 1L : 0L;
                case float f:
                    return double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                case decimal m:
                    return m.ToString(CultureInfo.InvariantCulture);
                case DateTime dt:
                    return ProjectSeriesSql.DatabaseTime(dt);
                default:
                    return raw;
            }
        }

        private static void RunSeriesWrite(MySqlCommand cmd, long projectId, string device, DateTime start, DateTime end)
        {
            try
            {
                cmd.ExecuteNonQuery();
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
            {
                throw ProjectSeriesRules.DuplicateSeries(projectId, device, start, end, e);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.WarningDataOutOfRange || e.ErrorCode == MySqlErrorCode.TruncatedWrongValue ||
                                           e.ErrorCode == MySqlErrorCode.DataTooLong || e.ErrorCode == MySqlErrorCode.TruncatedWrongValueForField)
            {
                throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                    "Project " + projectId + " refused the row: " + e.Message, device, e);
            }
        }

        private static string SeriesTable(long projectId) => QuoteName(ProjectSeriesSql.TableName(projectId));

        /// <summary>A backtick-quoted MariaDB identifier (embedded backticks doubled).</summary>
        private static string QuoteName(string identifier) => "`" + identifier.Replace("`", "``") + "`";
    }
}
