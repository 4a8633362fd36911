using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>Stable error ids of the project series and column operations.</summary>
    public static class ProjectSeriesErrorIds
    {
        public const string ProjectNotFound = "ProjectNotFound";
        public const string AmbiguousProjectName = AmbiguousProjectNameException.Id;
        public const string ProjectSeriesTableMissing = "ProjectSeriesTableMissing";
        public const string ProjectSeriesNotFound = "ProjectSeriesNotFound";
        public const string DuplicateProjectSeries = "DuplicateProjectSeries";
        public const string InvalidProjectSeries = "InvalidProjectSeries";
        public const string InvalidProjectSeriesValue = "InvalidProjectSeriesValue";
        public const string UnknownProjectColumn = "UnknownProjectColumn";
        public const string InvalidProjectColumnName = "InvalidProjectColumnName";
        public const string ReservedProjectColumn = "ReservedProjectColumn";
        public const string DuplicateProjectColumn = "DuplicateProjectColumn";
        public const string ProjectColumnNotFound = "ProjectColumnNotFound";
        public const string ProjectColumnInUse = "ProjectColumnInUse";
        public const string InvalidProjectColumnType = ProjectColumnType.InvalidTypeErrorId;
    }

    /// <summary>A column of a series table as <c>PRAGMA table_info</c> reports it.</summary>
    internal sealed class SeriesColumn
    {
        public SeriesColumn(string name, string declaredType)
        {
            Name = name;
            DeclaredType = declaredType ?? string.Empty;
            ProjectColumnType.TryParse(DeclaredType, out var type);
            Type = type;
            IsBuiltIn = ProjectSeriesSql.IsBuiltIn(name);
        }

        public string Name { get; }

        public string DeclaredType { get; }

        /// <summary>Null when the declared type is not one of ours (then values pass through as SQLite has them).</summary>
        public ProjectColumnType Type { get; }

        public bool IsBuiltIn { get; }

        public string Quoted => ProjectSeriesSql.Quote(Name);
    }

    /// <summary>
    /// SQL text and value conversions for <c>project_series_&lt;id&gt;</c> tables. Identifiers that reach SQL text are
    /// only: the table name built from a number, the four built-in column names, names read back from the table's
    /// schema, and new names that passed <see cref="CheckNewColumnName"/>; all are double-quoted. Types come from
    /// <see cref="ProjectColumnType"/>; values are always parameters (spec §8 #2).
    /// </summary>
    internal static class ProjectSeriesSql
    {
        /// <summary>A built-in column's value that may not be empty (InvalidProjectSeries naming the column); the value otherwise.</summary>
        public static object RequireValue(string column, object value)
        {
            if (value == null || value is DBNull)
            {
                throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeries, StickyErrorKind.InvalidArgument,
                    "Column '" + column + "' cannot be empty.", column);
            }

            return value;
        }

        /// <summary>Refuses a series window that ends before it starts (InvalidProjectSeries naming the end).</summary>
        public static void CheckWindow(DateTime start, DateTime end)
        {
            if (end < start)
            {
                throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeries, StickyErrorKind.InvalidArgument,
                    string.Format(CultureInfo.InvariantCulture, "The series ends ({0:yyyy-MM-dd HH:mm:ss}) before it starts ({1:yyyy-MM-dd HH:mm:ss}).", end, start),
                    end);
            }
        }

        public const string IdColumn = "id";
        public const string DeviceColumn = "device";
        public const string StartColumn = "start_datetime";
        public const string EndColumn = "end_datetime";
        public const int MaxDeviceLength = 8;

        /// <summary>Key of upstream's request items naming the project; a column with that name could not be addressed.</summary>
        public const string ProjectIdKey = "project_id";

        private static readonly string[] BuiltIn = { IdColumn, DeviceColumn, StartColumn, EndColumn };

        private static readonly Regex NamePattern = new Regex(@"^[A-Za-z_][A-Za-z0-9_]{0,63}\z", RegexOptions.CultureInvariant);

        public static string TableName(long projectId) => "project_series_" + projectId.ToString(CultureInfo.InvariantCulture);

        public static string QuotedTable(long projectId) => Quote(TableName(projectId));

        /// <summary>A double-quoted SQL identifier (embedded quotes doubled).</summary>
        public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

        public static bool IsBuiltIn(string name) => BuiltIn.Any(b => string.Equals(b, name, StringComparison.OrdinalIgnoreCase));

        /// <summary>
        /// A name for a new (added or renamed) user column: <c>^[A-Za-z_][A-Za-z0-9_]{0,63}$</c>, not a built-in column,
        /// not <c>project_id</c>.
        /// </summary>
        public static void CheckNewColumnName(string name)
        {
            if (name == null || !NamePattern.IsMatch(name))
            {
                throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectColumnName, StickyErrorKind.InvalidArgument,
                    "'" + name + "' is not a valid column name: use 1 to 64 letters, digits or underscores, not starting with a digit.", name);
            }

            if (IsBuiltIn(name) || string.Equals(name, ProjectIdKey, StringComparison.OrdinalIgnoreCase))
            {
                throw new StickyPiException(ProjectSeriesErrorIds.ReservedProjectColumn, StickyErrorKind.InvalidArgument,
                    "'" + name + "' is reserved: every series table has id, device, start_datetime and end_datetime, and project_id names the project.", name);
            }
        }

        /// <summary>Columns in declaration order; empty when the table does not exist.</summary>
        public static List<SeriesColumn> ReadColumns(SqliteConnection conn, SqliteTransaction tx, long projectId)
        {
            var columns = new List<SeriesColumn>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT name, type FROM pragma_table_info($t) ORDER BY cid";
                cmd.Parameters.AddWithValue("$t", TableName(projectId));
                using (var reader = cmd.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        columns.Add(new SeriesColumn(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
                    }
                }
            }

            return columns;
        }

        public static SeriesColumn Find(List<SeriesColumn> columns, string name) =>
            name == null ? null : columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

        // ------------------------------------------------------------ values: to the database

        public static string DatabaseTime(DateTime value) =>
            StickyTime.Normalize(value).ToString(StickyTime.DatabaseSecondsFormat, CultureInfo.InvariantCulture);

        public static string CheckDevice(object value)
        {
            var device = value is string s ? s : value == null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
            if (string.IsNullOrEmpty(device) || device.Length > MaxDeviceLength)
            {
                throw new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeries, StickyErrorKind.InvalidArgument,
                    "A series needs a device id of 1 to " + MaxDeviceLength + " characters (column device is CHAR(8)); got '" + device + "'.", device);
            }

            return device;
        }

        /// <summary>A DateTime from a DateTime, DateTimeOffset, or text in a wire, file-name or database form; UTC, whole seconds.</summary>
        public static DateTime ToTime(string column, object value)
        {
            switch (value)
            {
                case DateTime dt:
                    return StickyTime.Normalize(dt);
                case DateTimeOffset dto:
                    return StickyTime.Normalize(dto.UtcDateTime);
                case string s:
                    if (StickyTime.TryParseWire(s, out var wire))
                    {
                        return StickyTime.Normalize(wire);
                    }

                    if (System.DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
                    {
                        return StickyTime.Normalize(parsed);
                    }

                    break;
            }

            throw BadValue(column, value, "a date and time");
        }

        /// <summary>The value to bind for a column: converted per its declared type, or passed through for other types.</summary>
        public static object ToDatabase(SeriesColumn column, object value)
        {
            if (value == null || value is DBNull)
            {
                return DBNull.Value;
            }

            var type = column.Type;
            if (type == null)
            {
                return PassThrough(column.Name, value);
            }

            switch (type.Kind)
            {
                case ProjectColumnKind.Integer:
                    var whole = ToInteger(column.Name, value);
                    if (whole < type.MinValue || whole > type.MaxValue)
                    {
                        throw BadValue(column.Name, value, "a whole number from " + type.MinValue.ToString(CultureInfo.InvariantCulture) + " to " +
                            type.MaxValue.ToString(CultureInfo.InvariantCulture) + " (" + type.SqlType + ")");
                    }

                    return whole;
                case ProjectColumnKind.Double:
                    return ToDouble(column.Name, value);
                case ProjectColumnKind.Float:
                    return ToFloat(column.Name, value);
                case ProjectColumnKind.Decimal:
                    return ToDecimal(column.Name, type, value);
                case ProjectColumnKind.Char:
                case ProjectColumnKind.VarChar:
                case ProjectColumnKind.Text:
                    var text = ToText(column.Name, value);
                    if (type.Kind == ProjectColumnKind.Text)
                    {
                        int bytes = System.Text.Encoding.UTF8.GetByteCount(text);
                        if (bytes > MaxTextBytes)
                        {
                            throw BadValue(column.Name, value, "at most " + MaxTextBytes + " bytes of UTF-8 (TEXT), not " + bytes);
                        }
                    }
                    else
                    {
                        // MariaDB counts characters (code points), not UTF-16 units.
                        int characters = CountCodePoints(text);
                        if (characters > type.Length)
                        {
                            throw BadValue(column.Name, value, "at most " + type.Length + " characters (" + type.SqlType + "), not " + characters);
                        }
                    }

                    return text;
                case ProjectColumnKind.DateTime:
                    var time = ToTime(column.Name, value);
                    if (time.Year < 1000)
                    {
                        // MariaDB's DATETIME starts at 1000-01-01.
                        throw BadValue(column.Name, value, "a date and time from 1000-01-01 to 9999-12-31 (DATETIME)");
                    }

                    return DatabaseTime(time);
                case ProjectColumnKind.Boolean:
                    return ToBoolean(column.Name, value) ? 1L : 0L;
                default:
                    throw new InvalidOperationException("Unknown column kind " + type.Kind);
            }
        }

        private static object PassThrough(string column, object value)
        {
            switch (value)
            {
                case string _:
                case long _:
                case double _:
                case byte[] _:
                    return value;
                case bool b:
                    return b ? 1L : 0L;
                case int _:
                case short _:
                case byte _:
                case sbyte _:
                case ushort _:
                case uint _:
                    return Convert.ToInt64(value, CultureInfo.InvariantCulture);
                case float _:
                case decimal _:
                    return Convert.ToDouble(value, CultureInfo.InvariantCulture);
                case DateTime _:
                case DateTimeOffset _:
                    return DatabaseTime(ToTime(column, value));
                default:
                    throw BadValue(column, value, "a number, text, boolean or date");
            }
        }

        private static long ToInteger(string column, object value)
        {
            switch (value)
            {
                case long l:
                    return l;
                case int _:
                case short _:
                case byte _:
                case sbyte _:
                case ushort _:
                case uint _:
                    return Convert.ToInt64(value, CultureInfo.InvariantCulture);
                case ulong u when u <= long.MaxValue:
                    return (long)u;
                case double _:
                case float _:
                case decimal _:
                    var d = Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                    if (decimal.Truncate(d) == d && d >= long.MinValue && d <= long.MaxValue)
                    {
                        return (long)d;
                    }

                    break;
                case string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
            }

            throw BadValue(column, value, "a whole number (INTEGER)");
        }

        private static double ToDouble(string column, object value)
        {
            double d;
            switch (value)
            {
                case bool _:
                    throw BadValue(column, value, "a number");
                case string s:
                    if (!double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                    {
                        throw BadValue(column, value, "a number");
                    }

                    break;
                case IConvertible c when IsNumber(value):
                    d = c.ToDouble(CultureInfo.InvariantCulture);
                    break;
                default:
                    throw BadValue(column, value, "a number");
            }

            if (double.IsNaN(d) || double.IsInfinity(d))
            {
                throw BadValue(column, value, "a finite number");
            }

            return d;
        }

        /// <summary>MariaDB's TEXT holds up to 65,535 bytes.</summary>
        public const int MaxTextBytes = 65535;

        /// <summary>
        /// Significant digits a DECIMAL value keeps in the embedded store: SQLite gives a DECIMAL(p,s) column NUMERIC
        /// affinity and turns any numeric text into an 8-byte float, which keeps 15 significant digits exactly.
        /// </summary>
        public const int MaxEmbeddedDecimalDigits = 15;

        /// <summary>MariaDB's FLOAT: 4-byte floating point, stored as the shortest decimal that reads back as that float.</summary>
        private static double ToFloat(string column, object value)
        {
            var d = ToDouble(column, value);
            if (Math.Abs(d) > float.MaxValue)
            {
                throw BadValue(column, value, "a number up to 3.402823466E+38 in absolute value (FLOAT)");
            }

            var single = (float)d;
            return double.Parse(single.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// A DECIMAL(p,s) value as MariaDB stores it: rounded to s decimals (half away from zero), refused when it
        /// needs more than p − s digits before the point. Stored as an INTEGER when whole, else as the float nearest
        /// to it (SQLite's NUMERIC affinity would convert decimal text to that float anyway); values needing more than
        /// 15 significant digits are refused because SQLite could not give them back exactly.
        /// </summary>
        private static object ToDecimal(string column, ProjectColumnType type, object value)
        {
            decimal m = ExactDecimal(column, type, value);
            m = Math.Round(m, Math.Min(type.Scale, MaxDecimalScale), MidpointRounding.AwayFromZero);
            int integerDigits = type.Precision - type.Scale;
            if (integerDigits < 29 && Math.Abs(m) >= Pow10(integerDigits))
            {
                throw BadValue(column, value, "a number below " + Pow10Text(integerDigits) + " in absolute value (" + type.SqlType + ")");
            }

            if (m == decimal.Truncate(m) && m >= long.MinValue && m <= long.MaxValue)
            {
                return (long)m;
            }

            int digits = SignificantDigits(m);
            if (digits > MaxEmbeddedDecimalDigits)
            {
                throw BadValue(column, value, "at most " + MaxEmbeddedDecimalDigits + " significant digits in the embedded store (" + type.SqlType +
                    "; SQLite keeps DECIMAL values as 8-byte floats), not " + digits);
            }

            return (double)m;
        }

        /// <summary>The value as a decimal, without binary noise: doubles by their shortest round-trip text.</summary>
        private static decimal ExactDecimal(string column, ProjectColumnType type, object value)
        {
            string outOfRange = "a number below " + Pow10Text(type.Precision - type.Scale) + " in absolute value (" + type.SqlType + ")";
            try
            {
                switch (value)
                {
                    case decimal dec:
                        return dec;
                    case bool _:
                        throw BadValue(column, value, "a number (" + type.SqlType + ")");
                    case string text:
                        if (decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                        {
                            return parsed;
                        }

                        // Not a decimal: either not a number at all, or one too large for any DECIMAL we can hold.
                        ToDouble(column, value);
                        throw BadValue(column, value, outOfRange);
                    case long _:
                    case int _:
                    case short _:
                    case byte _:
                    case sbyte _:
                    case ushort _:
                    case uint _:
                    case ulong _:
                        return Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                    default:
                        var d = ToDouble(column, value);
                        return decimal.Parse(d.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
                }
            }
            catch (OverflowException)
            {
                throw BadValue(column, value, outOfRange);
            }
        }

        /// <summary>A stored DECIMAL value back as the exact decimal it was: floats by their 15 significant digits.</summary>
        private static object FromDecimal(ProjectColumnType type, object raw)
        {
            try
            {
                switch (raw)
                {
                    case long l:
                        return WithScale(l, type.Scale);
                    case double d when !double.IsNaN(d) && !double.IsInfinity(d):
                        var m = decimal.Parse(d.ToString("G15", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
                        return WithScale(m, type.Scale);
                    case string s when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                        return WithScale(parsed, type.Scale);
                    default:
                        return raw;
                }
            }
            catch (OverflowException)
            {
                return raw;
            }
        }

        /// <summary>System.Decimal keeps at most 28 digits after the point.</summary>
        private const int MaxDecimalScale = 28;

        /// <summary>The value rounded to the column's scale and shown with it, as MariaDB shows DECIMAL(12,2) 100 as 100.00.</summary>
        private static decimal WithScale(decimal value, int scale)
        {
            int s = Math.Min(scale, MaxDecimalScale);
            var rounded = Math.Round(value, s, MidpointRounding.AwayFromZero);
            return rounded + new decimal(0, 0, 0, false, (byte)s);
        }

        private static decimal Pow10(int exponent)
        {
            decimal p = 1m;
            for (int i = 0; i < exponent; i++)
            {
                p *= 10m;
            }

            return p;
        }

        private static string Pow10Text(int exponent) =>
            exponent <= 18 ? Pow10(exponent).ToString(CultureInfo.InvariantCulture) : "1E+" + exponent.ToString(CultureInfo.InvariantCulture);

        private static int SignificantDigits(decimal m)
        {
            // Zeros at either end are not significant: 1E+20 and 0.000123 come back exactly from a float.
            return Math.Abs(m).ToString(CultureInfo.InvariantCulture).Replace(".", string.Empty).Trim('0').Length;
        }

        private static int CountCodePoints(string text)
        {
            int count = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }

                count++;
            }

            return count;
        }

        private static string ToText(string column, object value)
        {
            switch (value)
            {
                case string s:
                    return s;
                case char c:
                    return c.ToString();
                case bool _:
                case DateTime _:
                case DateTimeOffset _:
                    throw BadValue(column, value, "text");
                case double d:
                    return d.ToString("R", CultureInfo.InvariantCulture);
                case float f:
                    return f.ToString("R", CultureInfo.InvariantCulture);
                default:
                    if (IsNumber(value))
                    {
                        return Convert.ToString(value, CultureInfo.InvariantCulture);
                    }

                    throw BadValue(column, value, "text");
            }
        }

        private static bool ToBoolean(string column, object value)
        {
            switch (value)
            {
                case bool b:
                    return b;
                case string s:
                    var t = s.Trim();
                    if (t == "1" || string.Equals(t, "true", StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }

                    if (t == "0" || string.Equals(t, "false", StringComparison.OrdinalIgnoreCase))
                    {
                        return false;
                    }

                    break;
                default:
                    if (IsNumber(value))
                    {
                        var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                        if (d == 0 || d == 1)
                        {
                            return d == 1;
                        }
                    }

                    break;
            }

            throw BadValue(column, value, "a boolean ($true/$false, 1/0, 'true'/'false')");
        }

        private static bool IsNumber(object value) =>
            value is byte || value is sbyte || value is short || value is ushort || value is int || value is uint ||
            value is long || value is ulong || value is float || value is double || value is decimal;

        private static StickyPiException BadValue(string column, object value, string expected) =>
            new StickyPiException(ProjectSeriesErrorIds.InvalidProjectSeriesValue, StickyErrorKind.InvalidArgument,
                "Column '" + column + "' needs " + expected + "; got " + Describe(value) + ".", column);

        private static string Describe(object value)
        {
            if (value == null)
            {
                return "null";
            }

            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            if (text.Length > 80)
            {
                text = text.Substring(0, 80) + "…";
            }

            return "'" + text + "' (" + value.GetType().Name + ")";
        }

        // ------------------------------------------------------------ values: from the database

        /// <summary>A stored value typed by the column's declared type; values that do not fit come back as stored.</summary>
        public static object FromDatabase(SeriesColumn column, object raw)
        {
            if (raw == null || raw is DBNull)
            {
                return null;
            }

            var type = column.Type;
            if (type == null)
            {
                return raw;
            }

            switch (type.Kind)
            {
                case ProjectColumnKind.Integer:
                    switch (raw)
                    {
                        case long _:
                            return raw;
                        case double d when Math.Truncate(d) == d && Math.Abs(d) < 9.2e18:
                            return (long)d;
                        case string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                            return l;
                        default:
                            return raw;
                    }

                case ProjectColumnKind.Decimal:
                    return FromDecimal(type, raw);
                case ProjectColumnKind.Double:
                case ProjectColumnKind.Float:
                    switch (raw)
                    {
                        case double _:
                            return raw;
                        case long l:
                            return (double)l;
                        case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                            return d;
                        default:
                            return raw;
                    }

                case ProjectColumnKind.Char:
                case ProjectColumnKind.VarChar:
                case ProjectColumnKind.Text:
                    return raw is byte[] ? raw : Convert.ToString(raw, CultureInfo.InvariantCulture);
                case ProjectColumnKind.DateTime:
                    if (raw is string text)
                    {
                        try
                        {
                            return StickyTime.FromDatabase(text);
                        }
                        catch (FormatException)
                        {
                            if (StickyTime.TryParseWire(text, out var wire))
                            {
                                return wire;
                            }
                        }
                    }

                    return raw;
                case ProjectColumnKind.Boolean:
                    switch (raw)
                    {
                        case long l:
                            return l != 0;
                        case double d:
                            return d != 0;
                        case string s when s == "1" || string.Equals(s, "true", StringComparison.OrdinalIgnoreCase):
                            return true;
                        case string s when s == "0" || string.Equals(s, "false", StringComparison.OrdinalIgnoreCase):
                            return false;
                        default:
                            return raw;
                    }

                default:
                    return raw;
            }
        }

        /// <summary>
        /// Reads the current row of <c>SELECT * FROM project_series_&lt;id&gt;</c>. <paramref name="stored"/>, when
        /// given, first turns a value as another database gives it into the form SQLite keeps (long, double, text).
        /// </summary>
        public static ProjectSeriesRow ReadRow(System.Data.Common.DbDataReader reader, List<SeriesColumn> columns, long projectId, Func<object, object> stored = null)
        {
            var row = new ProjectSeriesRow { ProjectId = projectId };
            var custom = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < reader.FieldCount; i++)
            {
                string name = reader.GetName(i);
                object raw = reader.GetValue(i);
                raw = stored == null ? raw : stored(raw);
                switch (name.ToLowerInvariant())
                {
                    case IdColumn:
                        row.Id = Convert.ToInt64(raw, CultureInfo.InvariantCulture);
                        break;
                    case DeviceColumn:
                        row.Device = raw is DBNull ? null : Convert.ToString(raw, CultureInfo.InvariantCulture);
                        break;
                    case StartColumn:
                        row.StartDateTime = StoredTime(name, raw);
                        break;
                    case EndColumn:
                        row.EndDateTime = StoredTime(name, raw);
                        break;
                    default:
                        var column = Find(columns, name) ?? new SeriesColumn(name, null);
                        custom[name] = FromDatabase(column, raw);
                        break;
                }
            }

            row.Columns = new System.Collections.ObjectModel.ReadOnlyDictionary<string, object>(custom);
            return row;
        }

        private static DateTime StoredTime(string column, object raw)
        {
            var text = raw is DBNull ? null : Convert.ToString(raw, CultureInfo.InvariantCulture);
            if (text == null)
            {
                return default;
            }

            try
            {
                return StickyTime.FromDatabase(text);
            }
            catch (FormatException e)
            {
                if (StickyTime.TryParseWire(text, out var wire))
                {
                    return wire;
                }

                throw new StickyPiException(StickyErrorIds.StoreCorrupt, StickyErrorKind.InvalidData,
                    "Unreadable datetime '" + text + "' in column " + column + " of a project series table.", column, e);
            }
        }
    }
}
