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
        /// The stored forms <c>YYYY-MM-DD HH:MM:SS</c> and <c>YYYY-MM-DD HH:MM:SS.f…</c> (1–7 fraction digits, space or
        /// <c>T</c>) read digit by digit: catalog rows are read millions at a time, and ParseExact with a format list
        /// costs more than the rest of the row. Anything else (or an impossible date) is left to ParseExact.
        /// </summary>
        private static bool TryParseDatabaseDigits(string s, out DateTime value)
        {
            value = default;
            if (s == null || s.Length < 19 || s.Length == 20 || s.Length > 27
                || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':')
            {
                return false;
            }

            if (!Digits(s, 0, 4, out int year) || !Digits(s, 5, 2, out int month) || !Digits(s, 8, 2, out int day)
                || !Digits(s, 11, 2, out int hour) || !Digits(s, 14, 2, out int minute) || !Digits(s, 17, 2, out int second))
            {
                return false;
            }

            long fraction = 0;
            if (s.Length > 19)
            {
                if (s[19] != '.' || !Digits(s, 20, s.Length - 20, out int f))
                {
                    return false;
                }

                fraction = f;
                for (int n = s.Length - 20; n < 7; n++)
                {
                    fraction *= 10;
                }
            }

            if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
                || hour > 23 || minute > 59 || second > 59)
            {
                return false;
            }

            value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fraction);
            return true;
        }

        private static bool Digits(string s, int start, int count, out int value)
        {
            value = 0;
            for (int n = start; n < start + count; n++)
            {
                int d = s[n] - '0';
                if (d < 0 || d > 9)
                {
                    return false;
                }

                value = (value * 10) + d;
            }

            return true;
        }

        /// <summary>Parses <c>YYYY-MM-DDTHH:MM:SSZ</c> or the legacy <c>YYYY-MM-DD_HH-MM-SS</c>; false for anything else.</summary>
        public static bool TryParseWire(string text, out DateTime value)
        {
            return DateTime.TryParseExact(text, new[] { WireFormat, FileNameFormat }, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);
        }
    }
}
