using System;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// The catalog's stored datetime forms <c>YYYY-MM-DD HH:MM:SS</c> and <c>YYYY-MM-DD HH:MM:SS.f…</c> (1–7 fraction
    /// digits, space or <c>T</c>) read digit by digit from SQLite's UTF-8 text, without making a string: the same
    /// forms and results for text (<see cref="Model.StickyTime.FromDatabase"/>'s fast path comes here too); every other
    /// form is left to the caller's fallback when this returns false.
    /// </summary>
    internal static class DatabaseTimeText
    {
        /// <summary>The longest form: <c>YYYY-MM-DD HH:MM:SS.fffffff</c>.</summary>
        public const int MaxLength = 27;

        public static bool TryParse(ReadOnlySpan<byte> s, out DateTime value)
        {
            value = default;
            if (s.Length < 19 || s.Length == 20 || s.Length > MaxLength
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

        private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
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
    }
}
