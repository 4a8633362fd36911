using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using static StickyPi.Core.Remote.WireFields;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// Project, permission and project-series rows as the servers send them (spec §2.9–§2.11, §2.13), read into the
    /// model types with the values the embedded store gives them.
    /// </summary>
    public static class WireProjectRow
    {
        /// <summary>A <c>projects</c> row (<c>get_projects</c>, <c>put_projects</c>, <c>delete_projects</c>).</summary>
        public static StickyProject Project(JsonElement row)
        {
            RequireObject(row, "a project row");
            return new StickyProject
            {
                Id = Long(row, "id") ?? throw Invalid("a project row has no id"),
                Name = Text(row, "name"),
                Description = Text(row, "description"),
                Notes = Text(row, "notes"),
                DateTimeCreated = Date(row, "datetime_created") ?? default,
                ApiVersion = Text(row, "api_version"),
                ApiUserId = Long(row, "api_user_id"),
            };
        }

        /// <summary>
        /// A <c>project_permissions</c> row. The wire row carries ids only: the project's and the user's names come from
        /// <paramref name="projectNames"/> and <paramref name="userNames"/> (null when the server did not list them).
        /// </summary>
        public static ProjectPermission Permission(JsonElement row, IReadOnlyDictionary<long, string> projectNames, IReadOnlyDictionary<long, string> userNames)
        {
            RequireObject(row, "a permission row");
            long projectId = Long(row, "parent_project_id") ?? throw Invalid("a permission row has no parent_project_id");
            long userId = Long(row, "parent_user_id") ?? throw Invalid("a permission row has no parent_user_id");
            return new ProjectPermission
            {
                Id = Long(row, "id") ?? 0,
                ProjectId = projectId,
                ProjectName = projectNames != null && projectNames.TryGetValue(projectId, out var p) ? p : null,
                UserId = userId,
                UserName = userNames != null && userNames.TryGetValue(userId, out var u) ? u : null,
                Level = (ProjectLevel)(Long(row, "level") ?? 0),
                DateTimeCreated = Date(row, "datetime_created") ?? default,
                ApiVersion = Text(row, "api_version"),
                ApiUserId = Long(row, "api_user_id"),
            };
        }

        /// <summary>
        /// A row of <c>project_series_&lt;id&gt;</c>: the four built-in columns, and the user columns in the order sent.
        /// The wire has no column types, so user values are typed from their JSON: whole numbers as long, other numbers
        /// as double, true/false as bool, wire datetimes as DateTime (as upstream's client converts them), other text as
        /// string, null as null.
        /// </summary>
        public static ProjectSeriesRow SeriesRow(JsonElement row, long projectId)
        {
            RequireObject(row, "a project series row");
            var result = new ProjectSeriesRow { ProjectId = projectId };
            var custom = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            bool hasId = false;
            foreach (var p in row.EnumerateObject())
            {
                switch (p.Name.ToLowerInvariant())
                {
                    case "id":
                        result.Id = Long(row, p.Name) ?? throw Invalid("a project series row has no id");
                        hasId = true;
                        break;
                    case "device":
                        result.Device = Text(row, p.Name);
                        break;
                    case "start_datetime":
                        result.StartDateTime = SeriesTime(row, p.Name);
                        break;
                    case "end_datetime":
                        result.EndDateTime = SeriesTime(row, p.Name);
                        break;
                    default:
                        custom[p.Name] = Value(p.Value);
                        break;
                }
            }

            if (!hasId)
            {
                throw Invalid("a project series row has no id");
            }

            result.Columns = new System.Collections.ObjectModel.ReadOnlyDictionary<string, object>(custom);
            return result;
        }

        /// <summary>A column of a project's series table (StickyPi.Server's <c>get_project_columns</c>).</summary>
        public static ProjectColumn Column(JsonElement row)
        {
            RequireObject(row, "a project column row");
            string sqlType = Text(row, "column_SQL_type");
            return new ProjectColumn
            {
                ProjectId = Long(row, "project_id") ?? throw Invalid("a project column row has no project_id"),
                Name = Text(row, "column_name") ?? throw Invalid("a project column row has no column_name"),
                SqlType = sqlType,
                Type = sqlType != null && ProjectColumnType.TryParse(sqlType, out var type) ? type : null,
                IsBuiltIn = Bool(row, "built_in") ?? false,
            };
        }

        /// <summary>The names of the columns a series row was sent with (built-in ones included), in order.</summary>
        public static IReadOnlyList<string> ColumnNames(JsonElement row)
        {
            var names = new List<string>();
            if (row.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in row.EnumerateObject())
                {
                    names.Add(p.Name);
                }
            }

            return names;
        }

        private static object Value(JsonElement v)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.Null:
                case JsonValueKind.Undefined:
                    return null;
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.Number:
                    // "2.0" is a float column's value (both servers write floats with a point or an exponent).
                    string raw = v.GetRawText();
                    return raw.IndexOfAny(new[] { '.', 'e', 'E' }) < 0 && v.TryGetInt64(out long l) ? (object)l : v.GetDouble();
                case JsonValueKind.String:
                    string s = v.GetString();
                    return StickyTime.TryParseWire(s, out var time) ? (object)time : s;
                default:
                    return v.GetRawText();
            }
        }

        /// <summary>A series window bound: the wire form, or the database text upstream's SQLite server returns as is (spec §2.11).</summary>
        private static DateTime SeriesTime(JsonElement row, string name)
        {
            var text = Text(row, name);
            if (text == null)
            {
                return default;
            }

            if (StickyTime.TryParseWire(text, out var wire))
            {
                return wire;
            }

            try
            {
                return StickyTime.FromDatabase(text);
            }
            catch (FormatException)
            {
                throw Invalid(name + " '" + text + "' is not a datetime");
            }
        }

        // Project rows are laxer than WireFields: a per-project series table's columns are the lab's own, so a text
        // column may hold a number and an id may come as numeric text.
        private static string Text(JsonElement row, string name) =>
            !Has(row, name, out var v) ? null
            : v.ValueKind == JsonValueKind.String ? v.GetString()
            : v.ValueKind == JsonValueKind.Number ? v.GetRawText()
            : throw Invalid(name + " is not a string");

        private static long? Long(JsonElement row, string name) =>
            !Has(row, name, out var v) ? (long?)null
            : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) ? l
            : v.ValueKind == JsonValueKind.Number ? (long)Math.Round(v.GetDouble())
            : v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) ? parsed
            : throw Invalid(name + " is not a number");
    }
}
