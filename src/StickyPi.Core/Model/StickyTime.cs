using System;
using System.Globalization;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// Datetime conventions shared by the wire format, file names and the SQLite catalog (spec §1.5, §2.1).
    /// All values handled by the core are UTC; a value of unspecified kind is taken as UTC, a local one converted.
    /// </summary>
    public static class StickyTime
    {
        public const string WireFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
        public const string FileNameFormat = "yyyy-MM-dd_HH-mm-ss";

        /// <summary>SQLAlchemy's SQLite text form; upstream compares these as text.</summary>
        public const string DatabaseFormat = "yyyy-MM-dd HH:mm:ss.ffffff";

        /// <summary>Form used by the per-project series tables (no fraction).</summary>
        public const string DatabaseSecondsFormat = "yyyy-MM-dd HH:mm:ss";

        /// <summary>Images older than this are rejected by upstream's parser (spec §4.1).</summary>
        public static readonly DateTime EarliestImage = new DateTime(2019, 11, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>UTC, truncated to whole seconds.</summary>
        public static DateTime Normalize(DateTime value)
        {
            var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
            return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        }

        /// <summary>UTC without truncation (for bounds and creation times).</summary>
        public static DateTime AsUtc(DateTime value) =>
            value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);

        public static string ToWire(DateTime value) => Normalize(value).ToString(WireFormat, CultureInfo.InvariantCulture);

        public static string ToDatabase(DateTime value) => AsUtc(value).ToString(DatabaseFormat, CultureInfo.InvariantCulture);

        /// <summary>Reads the text forms SQLite/SQLAlchemy and upstream's series tables use.</summary>
        public static DateTime FromDatabase(string text)
        {
            if (TryParseDatabaseDigits(text, out var fast))
            {
                return fast;
            }

            var formats = new[] { DatabaseFormat, DatabaseSecondsFormat, "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd" };
            return DateTime.ParseExact(text, formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        }

        /// <summary>
        /// The stored forms read digit by digit (catalog rows are read millions at a time, and ParseExact with a format
        /// list costs more than the rest of the row): the text, at most 27 ASCII characters, goes through the same
        /// reader as SQLite's UTF-8 bytes (<see cref="Local.DatabaseTimeText"/>). Anything else is left to ParseExact.
        /// </summary>
        private static bool TryParseDatabaseDigits(string s, out DateTime value)
        {
            value = default;
            if (s == null || s.Length > Local.DatabaseTimeText.MaxLength)
            {
                return false;
            }

            Span<byte> ascii = stackalloc byte[Local.DatabaseTimeText.MaxLength];
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] > 127)
                {
                    return false;
                }

                ascii[i] = (byte)s[i];
            }

            return Local.DatabaseTimeText.TryParse(ascii.Slice(0, s.Length), out value);
        }

        /// <summary>Parses <c>YYYY-MM-DDTHH:MM:SSZ</c> or the legacy <c>YYYY-MM-DD_HH-MM-SS</c>; false for anything else.</summary>
        public static bool TryParseWire(string text, out DateTime value)
        {
            return DateTime.TryParseExact(text, new[] { WireFormat, FileNameFormat }, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);
        }
    }
}
