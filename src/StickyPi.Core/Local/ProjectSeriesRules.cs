using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// What a project series write means before any SQL runs (which columns, which values, in which order they are
    /// checked) and the errors it raises, shared by the embedded store and the MariaDB catalog; the values come out
    /// converted by <see cref="ProjectSeriesSql.ToDatabase"/>, ready to bind.
    /// </summary>
    internal static class ProjectSeriesRules
    {
        /// <summary>The assignments of a new row: device, start and end, then the user columns of <paramref name="values"/>.</summary>
        public static List<KeyValuePair<SeriesColumn, object>> InsertAssignments(List<SeriesColumn> columns, long projectId, string device, DateTime start, DateTime end,
            IDictionary<string, object> values)
        {
            var assignments = new List<KeyValuePair<SeriesColumn, object>>
            {
                Assign(columns, ProjectSeriesSql.DeviceColumn, ProjectSeriesSql.CheckDevice(device)),
                Assign(columns, ProjectSeriesSql.StartColumn, ProjectSeriesSql.DatabaseTime(start)),
                Assign(columns, ProjectSeriesSql.EndColumn, ProjectSeriesSql.DatabaseTime(end)),
            };
            ProjectSeriesSql.CheckWindow(StickyTime.Normalize(start), StickyTime.Normalize(end));
            foreach (var pair in values ?? new Dictionary<string, object>())
            {
                var column = UserColumn(columns, projectId, pair.Key);
                if (assignments.Any(a => a.Key == column))
                {
                    throw GivenTwice(column, pair.Key);
                }

                assignments.Add(new KeyValuePair<SeriesColumn, object>(column, ProjectSeriesSql.ToDatabase(column, pair.Value)));
            }

            return assignments;
        }

        /// <summary>Every key names a column other than <c>id</c> (checked before the row is looked up).</summary>
        public static void CheckKnownColumns(List<SeriesColumn> columns, long projectId, IEnumerable<string> keys)
        {
            foreach (var key in keys)
            {
                var named = ProjectSeriesSql.Find(columns, key);
                if (named == null || string.Equals(named.Name, ProjectSeriesSql.IdColumn, StringComparison.OrdinalIgnoreCase))
                {
                    throw UnknownColumn(columns, projectId, key);
                }
            }
        }

        /// <summary>
        /// The assignments that change row <paramref name="current"/>: any column but <c>id</c>, the built-in ones
        /// included; the resulting window is checked and given back.
        /// </summary>
        public static List<KeyValuePair<SeriesColumn, object>> UpdateAssignments(List<SeriesColumn> columns, long projectId, ProjectSeriesRow current,
            IDictionary<string, object> values, out string device, out DateTime start, out DateTime end)
        {
            CheckKnownColumns(columns, projectId, values.Keys);
            var assignments = new List<KeyValuePair<SeriesColumn, object>>();
            device = current.Device;
            start = current.StartDateTime;
            end = current.EndDateTime;
            foreach (var pair in values)
            {
                var column = ProjectSeriesSql.Find(columns, pair.Key);
                if (assignments.Any(a => a.Key == column))
                {
                    throw GivenTwice(column, pair.Key);
                }

                object value;
                switch (column.Name.ToLowerInvariant())
                {
                    case ProjectSeriesSql.DeviceColumn:
                        device = ProjectSeriesSql.CheckDevice(pair.Value);
                        value = device;
                        break;
                    case ProjectSeriesSql.StartColumn:
                        start = ProjectSeriesSql.ToTime(column.Name, ProjectSeriesSql.RequireValue(column.Name, pair.Value));
                        value = ProjectSeriesSql.DatabaseTime(start);
                        break;
                    case ProjectSeriesSql.EndColumn:
                        end = ProjectSeriesSql.ToTime(column.Name, ProjectSeriesSql.RequireValue(column.Name, pair.Value));
                        value = ProjectSeriesSql.DatabaseTime(end);
                        break;
                    default:
                        value = ProjectSeriesSql.ToDatabase(column, pair.Value);
                        break;
                }

                assignments.Add(new KeyValuePair<SeriesColumn, object>(column, value));
            }

            ProjectSeriesSql.CheckWindow(start, end);
            return assignments;
        }

        /// <summary>A new column's name is free (case-insensitive): <c>DuplicateProjectColumn</c> otherwise.</summary>
        public static void CheckNewColumn(List<SeriesColumn> columns, long projectId, string name)
        {
            var existing = ProjectSeriesSql.Find(columns, name);
            if (existing != null)
            {
                throw new StickyPiException(ProjectSeriesErrorIds.DuplicateProjectColumn, StickyErrorKind.Conflict,
                    "Project " + projectId + " already has a column '" + existing.Name + "' (" + existing.DeclaredType + ").", name);
            }
        }

        /// <summary>The user column a rename takes, when the new name is free (or the same column's in another case).</summary>
        public static SeriesColumn RenamedColumn(List<SeriesColumn> columns, long projectId, string oldName, string newName)
        {
            var column = ExistingUserColumn(columns, projectId, oldName);
            var clash = ProjectSeriesSql.Find(columns, newName);
            if (clash != null && clash != column)
            {
                throw new StickyPiException(ProjectSeriesErrorIds.DuplicateProjectColumn, StickyErrorKind.Conflict,
                    "Project " + projectId + " already has a column '" + clash.Name + "'.", newName);
            }

            return column;
        }

        public static SeriesColumn ExistingUserColumn(List<SeriesColumn> columns, long projectId, string name)
        {
            var column = ProjectSeriesSql.Find(columns, name);
            if (column == null)
            {
                throw new StickyPiException(ProjectSeriesErrorIds.ProjectColumnNotFound, StickyErrorKind.NotFound,
                    "Project " + projectId + " has no column '" + name + "'." + ColumnList(columns), name);
            }

            return column;
        }

        /// <summary>The table's columns, or <c>ProjectSeriesTableMissing</c> when it has none (no table).</summary>
        public static List<SeriesColumn> RequireTable(List<SeriesColumn> columns, long projectId)
        {
            if (columns.Count == 0)
            {
                throw new StickyPiException(ProjectSeriesErrorIds.ProjectSeriesTableMissing, StickyErrorKind.InvalidData,
                    "Project " + projectId + " has no series table " + ProjectSeriesSql.TableName(projectId) + ".", projectId);
            }

            return columns;
        }

        public static StickyPiException SeriesNotFound(long projectId, long id) =>
            new StickyPiException(ProjectSeriesErrorIds.ProjectSeriesNotFound, StickyErrorKind.NotFound,
                "Project " + projectId + " has no series row with id " + id + ".", id);

        public static StickyPiException DuplicateSeries(long projectId, string device, DateTime start, DateTime end, Exception inner) =>
            new StickyPiException(ProjectSeriesErrorIds.DuplicateProjectSeries, StickyErrorKind.Conflict,
                string.Format(CultureInfo.InvariantCulture, "Project {0} already has a series for device {1} from {2:yyyy-MM-dd HH:mm:ss} to {3:yyyy-MM-dd HH:mm:ss}.",
                    projectId, device, StickyTime.Normalize(start), StickyTime.Normalize(end)),
                device, inner);

        public static StickyPiException Reserved(string name, string verb) =>
            new StickyPiException(ProjectSeriesErrorIds.ReservedProjectColumn, StickyErrorKind.InvalidArgument,
                "The built-in column '" + name + "' cannot be " + verb + ".", name);

        public static ProjectColumn ToProjectColumn(long projectId, SeriesColumn column, string oldName) => new ProjectColumn
        {
            ProjectId = projectId,
            Name = column.Name,
            SqlType = column.DeclaredType,
            Type = column.Type,
            OldName = oldName,
            IsBuiltIn = column.IsBuiltIn,
        };

        private static KeyValuePair<SeriesColumn, object> Assign(List<SeriesColumn> columns, string builtIn, object value)
        {
            var column = ProjectSeriesSql.Find(columns, builtIn) ?? throw new StickyPiException(StickyErrorIds.StoreCorrupt, StickyErrorKind.InvalidData,
                "A project series table lacks its " + builtIn + " column.", builtIn);
            return new KeyValuePair<SeriesColumn, object>(column, value);
        }

        /// <summary>A user column named by a value key (built-in columns go through their own parameters).</summary>
        private static SeriesColumn UserColumn(List<SeriesColumn> columns, long projectId, string key)
        {
            var column = ProjectSeriesSql.Find(columns, key);
            if (column == null)
            {
                throw UnknownColumn(columns, projectId, key);
            }

            if (column.IsBuiltIn)
            {
                throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                    "'" + column.Name + "' is a built-in column: give the device and window as parameters, not as a column value.", key);
            }

            return column;
        }

        private static StickyPiException GivenTwice(SeriesColumn column, string key) =>
            new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                "Column '" + column.Name + "' is given twice.", key);

        private static StickyPiException UnknownColumn(List<SeriesColumn> columns, long projectId, string key) =>
            new StickyPiException(ProjectSeriesErrorIds.UnknownProjectColumn, StickyErrorKind.InvalidArgument,
                "Project " + projectId + " has no column '" + key + "'; add it with Add-StickyProjectColumn first." + ColumnList(columns), key);

        private static string ColumnList(List<SeriesColumn> columns)
        {
            var user = columns.Where(c => !c.IsBuiltIn).Select(c => c.Name).ToList();
            return user.Count == 0 ? " It has no user columns." : " Its user columns: " + string.Join(", ", user) + ".";
        }
    }
}
