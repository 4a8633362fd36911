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
            var formats = new[] { DatabaseFormat, DatabaseSecondsFormat, "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd" };
            return DateTime.ParseExact(text, formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        }

        /// <summary>Parses <c>YYYY-MM-DDTHH:MM:SSZ</c> or the legacy <c>YYYY-MM-DD_HH-MM-SS</c>; false for anything else.</summary>
        public static bool TryParseWire(string text, out DateTime value)
        {
            return DateTime.TryParseExact(text, new[] { WireFormat, FileNameFormat }, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);
        }
    }
}
