using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// Rows of a statement prepared on one of our own read handles (<see cref="SqliteReadConnection"/>), read through
    /// the raw statement pointer (<see cref="SqliteNative"/>): one call for a column's storage class and one for its
    /// value, no SafeHandle reference counting and no mutex per call (where the ADO.NET reader asks for the storage
    /// class again in every typed getter). Text is decoded straight from SQLite's UTF-8 buffer: datetimes are parsed
    /// without a string, and columns that repeat from row to row (versions, algorithm names) give the previous row's
    /// string when their bytes are the same. Dispose finalises the statement. One thread at a time.
    /// </summary>
    internal sealed unsafe class SqliteStatementRow : CatalogRow, IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _stmt;
        private readonly IntPtr _p;
        private readonly SharedText[] _shared;
        private readonly bool _utf8;
        private bool _released;

        private SqliteStatementRow(sqlite3 db, sqlite3_stmt stmt, string[] names, bool utf8)
            : base(names)
        {
            _db = db;
            _utf8 = utf8;
            _stmt = stmt;
            bool added = false;
            stmt.DangerousAddRef(ref added);
            _released = !added;
            _p = stmt.DangerousGetHandle();
            _shared = new SharedText[names.Length];
        }

        /// <summary>
        /// Prepares <paramref name="sql"/> on an open handle (its transaction, if any, applies). <paramref name="utf8"/>:
        /// the database's text encoding is UTF-8 (SQLite's default, and upstream's), so text is read in place.
        /// </summary>
        public static SqliteStatementRow Prepare(sqlite3 db, string sql, bool utf8)
        {
            int rc = raw.sqlite3_prepare_v2(db, sql, out sqlite3_stmt stmt);
            if (rc != raw.SQLITE_OK)
            {
                stmt?.Dispose();
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            try
            {
                return new SqliteStatementRow(db, stmt, Names(stmt), utf8);
            }
            catch
            {
                stmt.Dispose();
                throw;
            }
        }

        /// <summary>Binds a named parameter (<c>$name</c>); the statement must be reset to bind again.</summary>
        public void Bind(string name, string value)
        {
            int index = raw.sqlite3_bind_parameter_index(_stmt, name);
            if (index == 0)
            {
                throw new ArgumentException("No parameter " + name + " in the statement.", nameof(name));
            }

            Check(value == null ? raw.sqlite3_bind_null(_stmt, index) : raw.sqlite3_bind_text(_stmt, index, value));
        }

        /// <summary>Ends the current run so the statement can be bound and run again.</summary>
        public void Reset() => raw.sqlite3_reset(_stmt);

        public override bool Read()
        {
            int rc = SqliteNative.sqlite3_step(_p);
            if (rc == raw.SQLITE_ROW)
            {
                return true;
            }

            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }

            return false;
        }

        public override string StringOrNull(int ordinal)
        {
            var v = SqliteNative.sqlite3_column_value(_p, ordinal);
            switch (SqliteNative.sqlite3_value_type(v))
            {
                case raw.SQLITE_NULL:
                    return null;
                case raw.SQLITE_INTEGER:
                    return SqliteNative.sqlite3_value_int64(v).ToString(CultureInfo.InvariantCulture);
                case raw.SQLITE_FLOAT:
                    return SqliteNative.sqlite3_value_double(v).ToString(CultureInfo.InvariantCulture);
                case raw.SQLITE_TEXT:
                    return Text(v);
                default:
                    return Convert.ToString(Blob(v), CultureInfo.InvariantCulture);
            }
        }

        /// <summary>True when the current value's storage class is TEXT.</summary>
        public bool IsText(int ordinal) => SqliteNative.sqlite3_value_type(SqliteNative.sqlite3_column_value(_p, ordinal)) == raw.SQLITE_TEXT;

        public override string TextOrNull(int ordinal)
        {
            var v = SqliteNative.sqlite3_column_value(_p, ordinal);
            return SqliteNative.sqlite3_value_type(v) == raw.SQLITE_NULL ? null : Text(v);
        }

        public override string SharedTextOrNull(int ordinal)
        {
            var v = SqliteNative.sqlite3_column_value(_p, ordinal);
            int type = SqliteNative.sqlite3_value_type(v);
            if (type == raw.SQLITE_NULL)
            {
                return null;
            }

            if (type != raw.SQLITE_TEXT || !_utf8)
            {
                return Text(v);
            }

            var bytes = TextBytes(v);
            ref var last = ref _shared[ordinal];
            if (last.Value != null && bytes.SequenceEqual(last.Bytes))
            {
                return last.Value;
            }

            last.Bytes = bytes.ToArray();
            last.Value = Decode(bytes);
            return last.Value;
        }

        public override DateTime DateTimeValue(int ordinal)
        {
            var v = SqliteNative.sqlite3_column_value(_p, ordinal);
            int type = SqliteNative.sqlite3_value_type(v);
            if (type == raw.SQLITE_NULL)
            {
                return default;
            }

            if (type == raw.SQLITE_TEXT && _utf8 && DatabaseTimeText.TryParse(TextBytes(v), out var value))
            {
                return value;
            }

            // Any other stored form: the general parser, with its error naming the column.
            return ParseDateTime(ordinal, Text(v));
        }

        public override long? Int64OrNull(int ordinal)
        {
            var v = SqliteNative.sqlite3_column_value(_p, ordinal);
            switch (SqliteNative.sqlite3_value_type(v))
            {
                case raw.SQLITE_NULL:
                    return null;
                case raw.SQLITE_INTEGER:
                    return SqliteNative.sqlite3_value_int64(v);
                case raw.SQLITE_FLOAT:
                    return (long)SqliteNative.sqlite3_value_double(v);
                case raw.SQLITE_TEXT:
                    return ParseInt64(Text(v));
                default:
                    return Convert.ToInt64(Blob(v), CultureInfo.InvariantCulture);
            }
        }

        public override double? DoubleOrNull(int ordinal)
        {
            var v = SqliteNative.sqlite3_column_value(_p, ordinal);
            switch (SqliteNative.sqlite3_value_type(v))
            {
                case raw.SQLITE_NULL:
                    return null;
                case raw.SQLITE_FLOAT:
                    return SqliteNative.sqlite3_value_double(v);
                case raw.SQLITE_INTEGER:
                    return SqliteNative.sqlite3_value_int64(v);
                case raw.SQLITE_TEXT:
                    return ParseDouble(Text(v));
                default:
                    return Convert.ToDouble(Blob(v), CultureInfo.InvariantCulture);
            }
        }

        public override bool? BoolOrNull(int ordinal)
        {
            var v = SqliteNative.sqlite3_column_value(_p, ordinal);
            switch (SqliteNative.sqlite3_value_type(v))
            {
                case raw.SQLITE_NULL:
                    return null;
                case raw.SQLITE_INTEGER:
                    return SqliteNative.sqlite3_value_int64(v) != 0;
                case raw.SQLITE_FLOAT:
                    return SqliteNative.sqlite3_value_double(v) != 0;
                case raw.SQLITE_TEXT:
                    return ParseBool(Text(v));
                default:
                    return Convert.ToBoolean(Blob(v), CultureInfo.InvariantCulture);
            }
        }

        public void Dispose()
        {
            if (!_released)
            {
                _released = true;
                _stmt.DangerousRelease();
            }

            _stmt.Dispose();
        }

        protected override string ColumnName(int ordinal) => raw.sqlite3_column_name(_stmt, ordinal).utf8_to_string();

        private static string[] Names(sqlite3_stmt stmt)
        {
            int count = raw.sqlite3_column_count(stmt);
            var names = new string[count];
            for (int i = 0; i < count; i++)
            {
                names[i] = raw.sqlite3_column_name(stmt, i).utf8_to_string();
            }

            return names;
        }

        private static string Decode(ReadOnlySpan<byte> utf8)
        {
            if (utf8.IsEmpty)
            {
                return string.Empty;
            }

            fixed (byte* p = utf8)
            {
                return Encoding.UTF8.GetString(p, utf8.Length);
            }
        }

        /// <summary>A TEXT value's UTF-8 bytes in place (valid until the next step); the database must be UTF-8.</summary>
        private static ReadOnlySpan<byte> TextBytes(IntPtr value)
        {
            var bytes = (byte*)SqliteNative.sqlite3_value_blob(value);
            return new ReadOnlySpan<byte>(bytes, SqliteNative.sqlite3_value_bytes(value));
        }

        /// <summary>The value as text: in place from a UTF-8 database, else converted by SQLite.</summary>
        private string Text(IntPtr value)
        {
            if (_utf8 && SqliteNative.sqlite3_value_type(value) == raw.SQLITE_TEXT)
            {
                return Decode(TextBytes(value));
            }

            var text = (byte*)SqliteNative.sqlite3_value_text(value);
            return Decode(new ReadOnlySpan<byte>(text, SqliteNative.sqlite3_value_bytes(value)));
        }

        private static byte[] Blob(IntPtr value)
        {
            var bytes = (byte*)SqliteNative.sqlite3_value_blob(value);
            return new ReadOnlySpan<byte>(bytes, SqliteNative.sqlite3_value_bytes(value)).ToArray();
        }

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }

        /// <summary>A column's last decoded text and its bytes.</summary>
        private struct SharedText
        {
            public byte[] Bytes;
            public string Value;
        }
    }
}
