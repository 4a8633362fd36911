using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>Reading rows by column name with the loose typing SQLite allows, and building parameterised key lookups.</summary>
    internal static class SqliteRows
    {
        /// <summary>Keys per statement: 3 parameters each stays far below SQLite's variable limit.</summary>
        public const int ChunkSize = 500;

        /// <summary><c>images</c> columns we select, qualified with alias <c>i</c> (<c>temp</c> is an SQLite keyword).</summary>
        public const string ImageColumns =
            "i.id AS id, i.device AS device, i.datetime AS datetime, i.md5 AS md5, i.device_version AS device_version, " +
            "i.width AS width, i.height AS height, i.lat AS lat, i.lng AS lng, i.alt AS alt, i.\"temp\" AS \"temp\", " +
            "i.hum AS hum, i.lum AS lum, i.bat AS bat, i.but AS but, i.datetime_created AS datetime_created, " +
            "i.api_version AS api_version, i.api_user_id AS api_user_id";

        /// <summary><c>uid_annotations</c> columns with an <c>a_</c> prefix, so they can sit beside image columns.</summary>
        public static string AnnotationColumns(bool includeJson) =>
            "a.id AS a_id, a.parent_image_id AS a_parent_image_id, a.algo_name AS a_algo_name, " +
            "a.algo_version AS a_algo_version, a.n_objects AS a_n_objects, a.datetime_created AS a_datetime_created, " +
            "a.api_version AS a_api_version, a.api_user_id AS a_api_user_id" + (includeJson ? ", a.json AS a_json" : string.Empty);

        /// <summary>
        /// Lower bound of a DATETIME text comparison. Whole seconds are written without a fraction: that sorts before
        /// every stored form of that second (<c>…:SS</c> and <c>…:SS.ffffff</c>), as upstream's own bounds do.
        /// </summary>
        public static string Bound(DateTime value)
        {
            var utc = StickyTime.AsUtc(value);
            return utc.Ticks % TimeSpan.TicksPerSecond == 0
                ? utc.ToString(StickyTime.DatabaseSecondsFormat, CultureInfo.InvariantCulture)
                : StickyTime.ToDatabase(utc);
        }

        /// <summary>
        /// Exclusive upper bound of the second holding <paramref name="value"/>: the next second's
        /// <see cref="Bound"/>, or for 9999-12-31 23:59:59 (whose next second <see cref="DateTime"/> cannot hold) a
        /// text that sorts after every stored form of that second.
        /// </summary>
        public static string NextSecondBound(DateTime value)
        {
            var second = StickyTime.Normalize(StickyTime.AsUtc(value));
            return second.Ticks >= DateTime.MaxValue.Ticks - TimeSpan.TicksPerSecond + 1
                ? LastSecondUpperBound
                : Bound(second.AddSeconds(1));
        }

        /// <summary>Sorts after <c>9999-12-31 23:59:59</c> and <c>9999-12-31 23:59:59.ffffff</c> ('6' &gt; '5').</summary>
        internal const string LastSecondUpperBound = "9999-12-31 23:59:60";

        /// <summary>
        /// A CTE <c>k(d, a, b)</c> of (device, second start, next second) for the keys; joined with CROSS JOIN so SQLite
        /// keeps it as the outer loop and seeks the (device, datetime) index once per key.
        /// </summary>
        public static string KeysCte(SqliteCommand cmd, IReadOnlyList<ImageKey> keys)
        {
            var sb = new StringBuilder("WITH k(d, a, b) AS (VALUES ");
            for (int n = 0; n < keys.Count; n++)
            {
                if (n > 0)
                {
                    sb.Append(", ");
                }

                sb.Append("($d").Append(n).Append(", $a").Append(n).Append(", $b").Append(n).Append(')');
                cmd.Parameters.AddWithValue("$d" + n, keys[n].Device);
                cmd.Parameters.AddWithValue("$a" + n, Bound(keys[n].DateTime));
                cmd.Parameters.AddWithValue("$b" + n, NextSecondBound(keys[n].DateTime));
            }

            return sb.Append(") ").ToString();
        }

        public static IEnumerable<List<T>> Chunk<T>(IEnumerable<T> items, int size)
        {
            var chunk = new List<T>(size);
            foreach (var item in items)
            {
                chunk.Add(item);
                if (chunk.Count == size)
                {
                    yield return chunk;
                    chunk = new List<T>(size);
                }
            }

            if (chunk.Count > 0)
            {
                yield return chunk;
            }
        }

        /// <summary>Distinct keys in first-seen order (upstream matches each stored image once however often it is asked for).</summary>
        public static List<ImageKey> DistinctKeys(IEnumerable<ImageKey> keys)
        {
            if (keys == null)
            {
                throw new ArgumentNullException(nameof(keys));
            }

            var seen = new HashSet<ImageKey>();
            var list = new List<ImageKey>();
            foreach (var k in keys)
            {
                if (k.Device != null && seen.Add(k))
                {
                    list.Add(k);
                }
            }

            return list;
        }

        /// <summary>
        /// Builds an image from a row selected with <see cref="ImageColumns"/>. <paramref name="device"/>, when given, is
        /// the value the query matched <c>device</c> with (equal to the stored text), so the column is not decoded again.
        /// </summary>
        public static StickyImage ReadImage(CatalogRow r, StickyImage into = null, string device = null)
        {
            var o = r.ImageOrdinals;
            var img = into ?? new StickyImage();
            img.Id = r.Int64OrNull(o.Id);
            img.Device = device ?? r.SharedTextOrNull(o.Device);
            img.DateTime = StickyTime.Normalize(r.DateTimeValue(o.DateTime));
            img.Md5 = r.TextOrNull(o.Md5);
            img.DeviceVersion = r.SharedTextOrNull(o.DeviceVersion);
            img.Width = (int)(r.Int64OrNull(o.Width) ?? 0);
            img.Height = (int)(r.Int64OrNull(o.Height) ?? 0);
            img.Lat = r.DoubleOrNull(o.Lat);
            img.Lng = r.DoubleOrNull(o.Lng);
            img.Alt = r.DoubleOrNull(o.Alt);
            img.Temp = r.DoubleOrNull(o.Temp);
            img.Hum = r.DoubleOrNull(o.Hum);
            img.Lum = r.DoubleOrNull(o.Lum);
            img.Bat = r.DoubleOrNull(o.Bat);
            img.But = r.BoolOrNull(o.But);
            img.DateTimeCreated = r.DateTimeValue(o.DateTimeCreated);
            img.ApiVersion = r.SharedTextOrNull(o.ApiVersion);
            img.ApiUserId = r.Int64OrNull(o.ApiUserId);
            return img;
        }

        /// <summary>Reads an annotation selected with <see cref="AnnotationColumns"/>; null when the LEFT JOIN found none.</summary>
        public static UidAnnotation ReadAnnotation(CatalogRow r, bool includeJson, string device, DateTime dateTime)
        {
            var o = r.AnnotationOrdinals;
            var id = r.Int64OrNull(o.Id);
            if (id == null)
            {
                return null;
            }

            return new UidAnnotation
            {
                Id = id,
                ParentImageId = r.Int64OrNull(o.ParentImageId) ?? 0,
                Device = device,
                DateTime = dateTime,
                AlgoName = r.SharedTextOrNull(o.AlgoName),
                AlgoVersion = r.SharedTextOrNull(o.AlgoVersion),
                NObjects = (int)(r.Int64OrNull(o.NObjects) ?? 0),
                Json = includeJson ? r.TextOrNull(o.Json) : null,
                DateTimeCreated = r.DateTimeValue(o.DateTimeCreated),
                ApiVersion = r.SharedTextOrNull(o.ApiVersion),
                ApiUserId = r.Int64OrNull(o.ApiUserId),
            };
        }

        public static string StringOrNull(CatalogRow r, string column) => r.StringOrNull(r.Ordinal(column));

        public static long? Int64OrNull(CatalogRow r, string column) => r.Int64OrNull(r.Ordinal(column));

        public static double? DoubleOrNull(CatalogRow r, string column) => r.DoubleOrNull(r.Ordinal(column));

        public static bool? BoolOrNull(CatalogRow r, string column) => r.BoolOrNull(r.Ordinal(column));

        public static DateTime DateTimeValue(CatalogRow r, string column) => r.DateTimeValue(r.Ordinal(column));

        /// <summary>Null stays NULL (SQLite then keeps the column empty, as SQLAlchemy does for None).</summary>
        public static object DbValue(object value) => value ?? DBNull.Value;

        /// <summary>
        /// Runs one prepared query per value of <paramref name="parameter"/> (e.g. once per matching device, so every
        /// run is an index equality lookup) and hands each row to <paramref name="onRow"/>.
        /// </summary>
        public static void ForEachRowPerValue(SqliteCommand cmd, SqliteParameter parameter, IEnumerable<string> values, Action<RowReader> onRow)
        {
            foreach (var value in values)
            {
                parameter.Value = value;
                using (var reader = cmd.ExecuteReader())
                {
                    var r = new RowReader(reader);
                    while (r.Read())
                    {
                        onRow(r);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The one row mapping of the catalog: the current row of a query, its column ordinals looked up once per query,
    /// and typed reads that accept SQLite's loose typing (an INTEGER column may hold REAL or TEXT) without boxing.
    /// The mappers (<see cref="SqliteRows.ReadImage"/>, the per-table readers) are written once against this class;
    /// <see cref="RowReader"/> serves any ADO.NET reader (SQLite today, a MariaDB catalog later) and
    /// <see cref="SqliteStatementRow"/> a raw SQLite statement for the long image reads.
    /// </summary>
    internal abstract class CatalogRow
    {
        private readonly Dictionary<string, int> _ordinals;
        private ImageOrdinalSet _image;
        private AnnotationOrdinalSet _annotation;

        protected CatalogRow(IEnumerable<string> columnNames)
        {
            _ordinals = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            int i = 0;
            foreach (var name in columnNames)
            {
                if (!_ordinals.ContainsKey(name))
                {
                    _ordinals.Add(name, i);
                }

                i++;
            }
        }

        /// <summary>Ordinals of <see cref="SqliteRows.ImageColumns"/>, resolved on first use.</summary>
        public ImageOrdinalSet ImageOrdinals => _image ?? (_image = new ImageOrdinalSet(this));

        /// <summary>Ordinals of <see cref="SqliteRows.AnnotationColumns"/> (<c>a_</c> names), resolved on first use.</summary>
        public AnnotationOrdinalSet AnnotationOrdinals => _annotation ?? (_annotation = new AnnotationOrdinalSet(this));

        public abstract bool Read();

        public int Ordinal(string column) => _ordinals[column];

        /// <summary>The ordinal, or -1 when the result has no such column.</summary>
        public int TryOrdinal(string column) => _ordinals.TryGetValue(column, out var o) ? o : -1;

        /// <summary>Any column as text: numbers formatted with the invariant culture.</summary>
        public abstract string StringOrNull(int ordinal);

        /// <summary>
        /// A column whose affinity keeps only text (VARCHAR) or whose only readable content is text (upstream's DATETIME
        /// strings): a number stored there reads as SQLite's text of it.
        /// </summary>
        public abstract string TextOrNull(int ordinal);

        /// <summary>INTEGER as is, REAL truncated, text parsed (unparsable: null).</summary>
        public abstract long? Int64OrNull(int ordinal);

        /// <summary>REAL as is, INTEGER widened, text parsed (unparsable: null).</summary>
        public abstract double? DoubleOrNull(int ordinal);

        /// <summary>Non-zero numbers, and the texts '1' and 'true', are true.</summary>
        public abstract bool? BoolOrNull(int ordinal);

        /// <summary>
        /// As <see cref="TextOrNull"/>, for columns whose values repeat from row to row (versions, algorithm names): a
        /// source may hand out the previous row's string when the stored text is the same, so a long read keeps one
        /// copy instead of one per row.
        /// </summary>
        public virtual string SharedTextOrNull(int ordinal) => TextOrNull(ordinal);

        public virtual DateTime DateTimeValue(int ordinal)
        {
            var text = TextOrNull(ordinal);
            return text == null ? default : ParseDateTime(ordinal, text);
        }

        protected DateTime ParseDateTime(int ordinal, string text)
        {
            try
            {
                return StickyTime.FromDatabase(text);
            }
            catch (FormatException e)
            {
                throw UnreadableDateTime(ordinal, text, e);
            }
        }

        protected abstract string ColumnName(int ordinal);

        protected StickyPiException UnreadableDateTime(int ordinal, string text, Exception inner)
        {
            string column = ColumnName(ordinal);
            return new StickyPiException(StickyErrorIds.StoreCorrupt, StickyErrorKind.InvalidData,
                "Unreadable datetime '" + text + "' in column " + column + ".", column, inner);
        }

        protected static long? ParseInt64(string s) =>
            long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : (long?)null;

        protected static double? ParseDouble(string s) =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : (double?)null;

        protected static bool ParseBool(string s) => s == "1" || string.Equals(s, "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Rows of an ADO.NET data reader (see <see cref="CatalogRow"/>).</summary>
    internal sealed class RowReader : CatalogRow
    {
        public RowReader(DbDataReader reader)
            : base(Names(reader))
        {
            Reader = reader;
            _typed = !(reader is Microsoft.Data.Sqlite.SqliteDataReader);
        }

        /// <summary>
        /// A reader with declared column types (MariaDB's), whose typed getters convert strictly: numbers are read by
        /// their column's type. SQLite's getters convert between storage classes themselves, so they are tried first.
        /// </summary>
        private readonly bool _typed;

        public DbDataReader Reader { get; }

        public override bool Read() => Reader.Read();

        public override string StringOrNull(int ordinal)
        {
            if (Reader.IsDBNull(ordinal))
            {
                return null;
            }

            var type = Reader.GetFieldType(ordinal);
            if (type == typeof(string))
            {
                return Reader.GetString(ordinal);
            }

            if (type == typeof(long))
            {
                return Reader.GetInt64(ordinal).ToString(CultureInfo.InvariantCulture);
            }

            return type == typeof(double)
                ? Reader.GetDouble(ordinal).ToString(CultureInfo.InvariantCulture)
                : Convert.ToString(Reader.GetValue(ordinal), CultureInfo.InvariantCulture);
        }

        public override string TextOrNull(int ordinal) => Reader.IsDBNull(ordinal) ? null : Reader.GetString(ordinal);

        /// <summary>SQLite's DATETIME text, or a typed DATETIME column (MariaDB's), always in UTC.</summary>
        public override DateTime DateTimeValue(int ordinal)
        {
            if (Reader.IsDBNull(ordinal))
            {
                return default;
            }

            return Reader.GetFieldType(ordinal) == typeof(DateTime)
                ? DateTime.SpecifyKind(Reader.GetDateTime(ordinal), DateTimeKind.Utc)
                : base.DateTimeValue(ordinal);
        }

        // Numbers: the typed getter first (SQLite converts between INTEGER and REAL itself, as the casts below do).
        // Only a zero can hide text that SQLite could not convert, so only then is the storage class asked for.

        public override long? Int64OrNull(int ordinal)
        {
            if (Reader.IsDBNull(ordinal))
            {
                return null;
            }

            if (_typed)
            {
                return Int64ByType(ordinal);
            }

            long value = Reader.GetInt64(ordinal);
            return value != 0 ? value : Int64ByType(ordinal);
        }

        public override double? DoubleOrNull(int ordinal)
        {
            if (Reader.IsDBNull(ordinal))
            {
                return null;
            }

            if (_typed)
            {
                return DoubleByType(ordinal);
            }

            double value = Reader.GetDouble(ordinal);
            return value != 0 ? value : DoubleByType(ordinal);
        }

        public override bool? BoolOrNull(int ordinal)
        {
            if (Reader.IsDBNull(ordinal))
            {
                return null;
            }

            if (_typed)
            {
                return BoolByType(ordinal);
            }

            return Reader.GetInt64(ordinal) != 0 || (BoolByType(ordinal) ?? false);
        }

        protected override string ColumnName(int ordinal) => Reader.GetName(ordinal);

        private static IEnumerable<string> Names(DbDataReader reader)
        {
            for (int i = 0; i < reader.FieldCount; i++)
            {
                yield return reader.GetName(i);
            }
        }

        private long? Int64ByType(int ordinal)
        {
            var type = Reader.GetFieldType(ordinal);
            if (type == typeof(long))
            {
                return Reader.GetInt64(ordinal);
            }

            if (type == typeof(double))
            {
                return (long)Reader.GetDouble(ordinal);
            }

            return type == typeof(string) ? ParseInt64(Reader.GetString(ordinal)) : Convert.ToInt64(Reader.GetValue(ordinal), CultureInfo.InvariantCulture);
        }

        private double? DoubleByType(int ordinal)
        {
            var type = Reader.GetFieldType(ordinal);
            if (type == typeof(double))
            {
                return Reader.GetDouble(ordinal);
            }

            if (type == typeof(float))
            {
                // A FLOAT column (MariaDB's temp, hum, lum): its shortest text, as upstream's server reads it back
                // (20.6, not the single's exact 20.600000381469727).
                return double.Parse(Reader.GetFloat(ordinal).ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            }

            if (type == typeof(long))
            {
                return Reader.GetInt64(ordinal);
            }

            return type == typeof(string) ? ParseDouble(Reader.GetString(ordinal)) : Convert.ToDouble(Reader.GetValue(ordinal), CultureInfo.InvariantCulture);
        }

        private bool? BoolByType(int ordinal)
        {
            var type = Reader.GetFieldType(ordinal);
            if (type == typeof(long))
            {
                return Reader.GetInt64(ordinal) != 0;
            }

            if (type == typeof(double))
            {
                return Reader.GetDouble(ordinal) != 0;
            }

            return type == typeof(string) ? ParseBool(Reader.GetString(ordinal)) : Convert.ToBoolean(Reader.GetValue(ordinal), CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Ordinals of the image columns in one result (see <see cref="SqliteRows.ImageColumns"/>).</summary>
    internal sealed class ImageOrdinalSet
    {
        public readonly int Id, Device, DateTime, Md5, DeviceVersion, Width, Height, Lat, Lng, Alt, Temp, Hum, Lum, Bat, But,
            DateTimeCreated, ApiVersion, ApiUserId;

        public ImageOrdinalSet(CatalogRow r)
        {
            Id = r.Ordinal("id");
            Device = r.Ordinal("device");
            DateTime = r.Ordinal("datetime");
            Md5 = r.Ordinal("md5");
            DeviceVersion = r.Ordinal("device_version");
            Width = r.Ordinal("width");
            Height = r.Ordinal("height");
            Lat = r.Ordinal("lat");
            Lng = r.Ordinal("lng");
            Alt = r.Ordinal("alt");
            Temp = r.Ordinal("temp");
            Hum = r.Ordinal("hum");
            Lum = r.Ordinal("lum");
            Bat = r.Ordinal("bat");
            But = r.Ordinal("but");
            DateTimeCreated = r.Ordinal("datetime_created");
            ApiVersion = r.Ordinal("api_version");
            ApiUserId = r.Ordinal("api_user_id");
        }
    }

    /// <summary>Ordinals of the <c>a_</c>-prefixed annotation columns in one result (see <see cref="SqliteRows.AnnotationColumns"/>).</summary>
    internal sealed class AnnotationOrdinalSet
    {
        public readonly int Id, ParentImageId, AlgoName, AlgoVersion, NObjects, Json, DateTimeCreated, ApiVersion, ApiUserId;

        public AnnotationOrdinalSet(CatalogRow r)
        {
            Id = r.Ordinal("a_id");
            ParentImageId = r.Ordinal("a_parent_image_id");
            AlgoName = r.Ordinal("a_algo_name");
            AlgoVersion = r.Ordinal("a_algo_version");
            NObjects = r.Ordinal("a_n_objects");
            Json = r.TryOrdinal("a_json");
            DateTimeCreated = r.Ordinal("a_datetime_created");
            ApiVersion = r.Ordinal("a_api_version");
            ApiUserId = r.Ordinal("a_api_user_id");
        }
    }
}
