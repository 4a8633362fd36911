using System;
using System.Collections.Generic;
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

        public static StickyImage ReadImage(RowReader r, StickyImage into = null)
        {
            var img = into ?? new StickyImage();
            img.Id = Int64OrNull(r, "id");
            img.Device = StringOrNull(r, "device");
            img.DateTime = StickyTime.Normalize(DateTimeValue(r, "datetime"));
            img.Md5 = StringOrNull(r, "md5");
            img.DeviceVersion = StringOrNull(r, "device_version");
            img.Width = (int)(Int64OrNull(r, "width") ?? 0);
            img.Height = (int)(Int64OrNull(r, "height") ?? 0);
            img.Lat = DoubleOrNull(r, "lat");
            img.Lng = DoubleOrNull(r, "lng");
            img.Alt = DoubleOrNull(r, "alt");
            img.Temp = DoubleOrNull(r, "temp");
            img.Hum = DoubleOrNull(r, "hum");
            img.Lum = DoubleOrNull(r, "lum");
            img.Bat = DoubleOrNull(r, "bat");
            img.But = BoolOrNull(r, "but");
            img.DateTimeCreated = DateTimeValue(r, "datetime_created");
            img.ApiVersion = StringOrNull(r, "api_version");
            img.ApiUserId = Int64OrNull(r, "api_user_id");
            return img;
        }

        /// <summary>Reads an annotation selected with <see cref="AnnotationColumns"/>; null when the LEFT JOIN found none.</summary>
        public static UidAnnotation ReadAnnotation(RowReader r, bool includeJson, string device, DateTime dateTime)
        {
            var id = Int64OrNull(r, "a_id");
            if (id == null)
            {
                return null;
            }

            return new UidAnnotation
            {
                Id = id,
                ParentImageId = Int64OrNull(r, "a_parent_image_id") ?? 0,
                Device = device,
                DateTime = dateTime,
                AlgoName = StringOrNull(r, "a_algo_name"),
                AlgoVersion = StringOrNull(r, "a_algo_version"),
                NObjects = (int)(Int64OrNull(r, "a_n_objects") ?? 0),
                Json = includeJson ? StringOrNull(r, "a_json") : null,
                DateTimeCreated = DateTimeValue(r, "a_datetime_created"),
                ApiVersion = StringOrNull(r, "a_api_version"),
                ApiUserId = Int64OrNull(r, "a_api_user_id"),
            };
        }

        public static string StringOrNull(RowReader r, string column)
        {
            var v = r.Value(column);
            return v is DBNull ? null : Convert.ToString(v, CultureInfo.InvariantCulture);
        }

        public static long? Int64OrNull(RowReader r, string column)
        {
            var v = r.Value(column);
            switch (v)
            {
                case DBNull _:
                    return null;
                case long l:
                    return l;
                case double d:
                    return (long)d;
                case string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
                case string _:
                    return null;
                default:
                    return Convert.ToInt64(v, CultureInfo.InvariantCulture);
            }
        }

        public static double? DoubleOrNull(RowReader r, string column)
        {
            var v = r.Value(column);
            switch (v)
            {
                case DBNull _:
                    return null;
                case double d:
                    return d;
                case long l:
                    return l;
                case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
                case string _:
                    return null;
                default:
                    return Convert.ToDouble(v, CultureInfo.InvariantCulture);
            }
        }

        public static bool? BoolOrNull(RowReader r, string column)
        {
            var v = r.Value(column);
            switch (v)
            {
                case DBNull _:
                    return null;
                case long l:
                    return l != 0;
                case double d:
                    return d != 0;
                case string s:
                    return s == "1" || string.Equals(s, "true", StringComparison.OrdinalIgnoreCase);
                default:
                    return Convert.ToBoolean(v, CultureInfo.InvariantCulture);
            }
        }

        public static DateTime DateTimeValue(RowReader r, string column)
        {
            var text = StringOrNull(r, column);
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
                throw new StickyPiException(StickyErrorIds.StoreCorrupt, StickyErrorKind.InvalidData,
                    "Unreadable datetime '" + text + "' in column " + column + ".", column, e);
            }
        }

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

    /// <summary>A data reader with its column ordinals looked up once (SqliteDataReader.GetOrdinal scans the names).</summary>
    internal sealed class RowReader
    {
        private readonly Dictionary<string, int> _ordinals;

        public RowReader(SqliteDataReader reader)
        {
            Reader = reader;
            _ordinals = new Dictionary<string, int>(reader.FieldCount, StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < reader.FieldCount; i++)
            {
                string name = reader.GetName(i);
                if (!_ordinals.ContainsKey(name))
                {
                    _ordinals.Add(name, i);
                }
            }
        }

        public SqliteDataReader Reader { get; }

        public bool Read() => Reader.Read();

        public object Value(string column) => Reader.GetValue(_ordinals[column]);
    }
}
