using System;
using System.Globalization;
using System.IO;
using StickyPi.Core.Model;

namespace StickyPi.Core.Parsing
{
    /// <summary>
    /// The image file name rule (spec §4.1): <c>&lt;device&gt;.&lt;YYYY-MM-DD_HH-MM-SS&gt;.&lt;ext&gt;</c>.
    /// Stricter than upstream on the device (exactly 8 hex digits, no sign, <c>0x</c> or underscores; §8 #27).
    /// </summary>
    public static class ImageFileName
    {
        /// <summary>Parses the device and capture time (UTC) from the base name of <paramref name="path"/>.</summary>
        /// <exception cref="StickyPiException"><c>InvalidFileName</c> or <c>ImageTooOld</c>; Target is <paramref name="path"/>.</exception>
        public static ImageKey Parse(string path)
        {
            if (TryParseCore(path, out var key, out var errorId, out var message))
            {
                return key;
            }

            throw new StickyPiException(errorId, StickyErrorKind.InvalidData, message, path);
        }

        /// <summary>Non-throwing <see cref="Parse"/>; <paramref name="error"/> is the message Parse would throw.</summary>
        public static bool TryParse(string path, out ImageKey key, out string error)
        {
            var ok = TryParseCore(path, out key, out _, out error);
            return ok;
        }

        /// <summary>Like <see cref="TryParse(string, out ImageKey, out string)"/>, also giving the error id.</summary>
        public static bool TryParse(string path, out ImageKey key, out string errorId, out string error) =>
            TryParseCore(path, out key, out errorId, out error);

        private static bool TryParseCore(string path, out ImageKey key, out string errorId, out string error)
        {
            key = default;
            errorId = StickyErrorIds.InvalidFileName;
            if (string.IsNullOrEmpty(path))
            {
                error = "Empty image path: expected <device>.<YYYY-MM-DD_HH-MM-SS>.jpg";
                return false;
            }

            string name;
            try
            {
                name = Path.GetFileName(path);
            }
            catch (ArgumentException)
            {
                name = path; // invalid path characters on .NET Framework; the field checks below still apply
            }

            var fields = name.Split('.');
            if (fields.Length != 3)
            {
                error = path + ": invalid image file name '" + name + "': expected <device>.<YYYY-MM-DD_HH-MM-SS>.<ext> (3 dot-separated fields), got "
                        + fields.Length.ToString(CultureInfo.InvariantCulture) + " field" + (fields.Length == 1 ? string.Empty : "s");
                return false;
            }

            var device = fields[0];
            if (!IsDevice(device))
            {
                error = path + ": invalid device '" + device + "' in image file name: expected exactly 8 hexadecimal digits";
                return false;
            }

            if (!TryParseDateTime(fields[1], out var dateTime))
            {
                error = path + ": invalid datetime '" + fields[1] + "' in image file name: expected a valid YYYY-MM-DD_HH-MM-SS";
                return false;
            }

            if (dateTime < StickyTime.EarliestImage)
            {
                errorId = StickyErrorIds.ImageTooOld;
                error = path + ": image datetime " + dateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                        + " is earlier than the earliest accepted " + StickyTime.EarliestImage.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                return false;
            }

            key = new ImageKey(device, dateTime);
            errorId = null;
            error = null;
            return true;
        }

        /// <summary>True for exactly 8 characters <c>[0-9a-fA-F]</c>.</summary>
        public static bool IsDevice(string device)
        {
            if (device == null || device.Length != 8)
            {
                return false;
            }

            foreach (var c in device)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// <c>YYYY-MM-DD_HH-MM-SS</c> as upstream's <c>strptime('%Y-%m-%d_%H-%M-%S')</c> reads it: 4-digit year, the other
        /// numbers 1 or 2 digits (so <c>2020-6-2_1-3-4</c> is accepted), calendar-valid; the result is UTC.
        /// </summary>
        public static bool TryParseDateTime(string text, out DateTime value)
        {
            value = default;
            if (text == null)
            {
                return false;
            }

            var halves = text.Split('_');
            if (halves.Length != 2)
            {
                return false;
            }

            var date = halves[0].Split('-');
            var time = halves[1].Split('-');
            if (date.Length != 3 || time.Length != 3 || date[0].Length != 4)
            {
                return false;
            }

            if (!TryNumber(date[0], 4, out var year) || !TryNumber(date[1], 2, out var month) || !TryNumber(date[2], 2, out var day)
                || !TryNumber(time[0], 2, out var hour) || !TryNumber(time[1], 2, out var minute) || !TryNumber(time[2], 2, out var second))
            {
                return false;
            }

            if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
                || hour > 23 || minute > 59 || second > 59)
            {
                return false;
            }

            value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
            return true;
        }

        private static bool TryNumber(string s, int maxDigits, out int value)
        {
            value = 0;
            if (s.Length == 0 || s.Length > maxDigits)
            {
                return false;
            }

            foreach (var c in s)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
            }

            return true;
        }
    }
}
