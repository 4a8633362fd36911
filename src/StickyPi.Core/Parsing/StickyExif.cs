using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Jpeg;
using StickyPi.Core.Model;

namespace StickyPi.Core.Parsing
{
    /// <summary>The two EXIF values Sticky Pi devices write metadata into, as raw bytes.</summary>
    public sealed class StickyExifTags
    {
        public StickyExifTags(byte[] make, byte[] userComment)
        {
            Make = make;
            UserComment = userComment;
        }

        /// <summary>IFD0 <c>Make</c> (0x010F) with trailing NULs removed; null when absent.</summary>
        public byte[] Make { get; }

        /// <summary>Exif sub-IFD <c>UserComment</c> (0x9286) exactly as stored; null when absent.</summary>
        public byte[] UserComment { get; }
    }

    /// <summary>
    /// Reads the Sticky Pi EXIF metadata (spec §4.2–§4.5) and applies it to a <see cref="ParsedImage"/>.
    /// Stateless and thread-safe.
    /// </summary>
    public static class StickyExif
    {
        public const int MakeTag = 0x010F;
        public const int UserCommentTag = 0x9286;

        private const string MakeContext = "EXIF Make";
        private const string CommentContext = "EXIF UserComment";

        // Keys a legacy dict must not override (upstream defect §8 #27): they come from the file name and content.
        private static readonly HashSet<string> ProtectedKeys =
            new HashSet<string>(StringComparer.Ordinal) { "device", "datetime", "md5", "width", "height" };

        private static readonly byte[][] CharsetPrefixes =
        {
            Encoding.ASCII.GetBytes("ASCII\0\0\0"),
            Encoding.ASCII.GetBytes("UNICODE\0"),
            Encoding.ASCII.GetBytes("JIS\0\0\0\0\0"),
            new byte[8],
        };

        /// <summary>Reads <c>Make</c> and <c>UserComment</c> from a JPEG's APP1 Exif segment.</summary>
        /// <exception cref="StickyPiException"><c>TruncatedJpeg</c> when the JPEG segment structure cannot be read.</exception>
        public static StickyExifTags ReadTags(byte[] content, string sourceName)
        {
            if (content == null)
            {
                throw new ArgumentNullException(nameof(content));
            }

            return ReadTags(content, content.Length, sourceName);
        }

        internal static StickyExifTags ReadTags(byte[] content, int length, string sourceName)
        {
            IReadOnlyList<MetadataExtractor.Directory> directories;
            try
            {
                using (var stream = new MemoryStream(content, 0, length, false))
                {
                    // Only the Exif reader: the segment walk stops at SOS and nothing else is decoded.
                    directories = JpegMetadataReader.ReadMetadata(stream, new IJpegSegmentMetadataReader[] { new ExifReader() });
                }
            }
            catch (Exception e) when (e is IOException || e is ImageProcessingException)
            {
                throw new StickyPiException(StickyErrorIds.TruncatedJpeg, StickyErrorKind.InvalidData,
                    sourceName + ": corrupt or truncated JPEG header: " + e.Message, sourceName, e);
            }

            byte[] make = null;
            byte[] comment = null;
            foreach (var directory in directories)
            {
                if (make == null && directory is ExifIfd0Directory && directory.ContainsTag(MakeTag))
                {
                    make = TrimTrailingNuls(RawBytes(directory.GetObject(MakeTag)));
                }
                else if (comment == null && directory is ExifSubIfdDirectory && directory.ContainsTag(UserCommentTag))
                {
                    comment = RawBytes(directory.GetObject(UserCommentTag));
                }
            }

            return new StickyExifTags(make, comment);
        }

        /// <summary>Selects the format (spec §4.3) and applies it to <paramref name="image"/>.</summary>
        /// <exception cref="StickyPiException"><c>MissingExif</c> (no Make) or <c>InvalidExif</c>.</exception>
        public static ExifFormat Apply(ParsedImage image, StickyExifTags tags, string sourceName)
        {
            if (image == null)
            {
                throw new ArgumentNullException(nameof(image));
            }

            if (tags?.Make == null || tags.Make.Length == 0)
            {
                throw new StickyPiException(StickyErrorIds.MissingExif, StickyErrorKind.InvalidData,
                    sourceName + ": no EXIF Make tag (Sticky Pi images carry their metadata in EXIF)", sourceName);
            }

            var make = Encoding.UTF8.GetString(tags.Make);
            if (IsLegacyMake(make))
            {
                ApplyLegacy(image, make, sourceName);
                return ExifFormat.Legacy2020;
            }

            if (tags.UserComment == null)
            {
                throw new StickyPiException(StickyErrorIds.InvalidExif, StickyErrorKind.InvalidData,
                    sourceName + ": EXIF Make is '" + Shorten(make) + "' (not a 2020 dict literal) and there is no EXIF UserComment with 2022 metadata",
                    sourceName);
            }

            ApplyCsv(image, tags.UserComment, sourceName);
            return ExifFormat.Csv2022;
        }

        /// <summary>The recommended format rule: a Make starting with '{' is the legacy dict.</summary>
        public static bool IsLegacyMake(string make) => make != null && make.TrimStart(' ', '\t').StartsWith("{", StringComparison.Ordinal);

        /// <summary>Applies a 2020 Make dict literal (spec §4.4).</summary>
        public static void ApplyLegacy(ParsedImage image, string make, string sourceName)
        {
            var parsed = PythonLiteral.Parse(make, sourceName, MakeContext);
            if (!(parsed is Dictionary<string, object> dict))
            {
                throw Invalid(sourceName, MakeContext, "expected a dict literal");
            }

            // 1. GPS: all three required; all zero means "no fix".
            var lat = RequiredNumber(dict, "lat", sourceName);
            var lng = RequiredNumber(dict, "lng", sourceName);
            var alt = RequiredNumber(dict, "alt", sourceName);
            if (lat == 0 && lng == 0 && alt == 0)
            {
                lat = lng = alt = null;
            }

            // 2. no_flash_* conversions (values are kept for callers but upstream never stores them).
            if (dict.ContainsKey("no_flash_bv"))
            {
                var bv = Ratio(dict, "no_flash_bv", sourceName);
                dict["no_flash_exposure_time"] = Ratio(dict, "no_flash_exposure_time", sourceName);
                Ratio(dict, "no_flash_shutter_speed", sourceName); // validated like upstream, then dropped
                if (!dict.TryGetValue("no_flash_iso", out var iso))
                {
                    throw Invalid(sourceName, MakeContext, "'no_flash_bv' is present but 'no_flash_iso' is missing");
                }

                dict["no_flash_analog_gain"] = iso;
                dict["no_flash_digital_gain"] = bv;
                dict.Remove("no_flash_iso");
                dict.Remove("no_flash_bv");
                dict.Remove("no_flash_shutter_speed");
            }

            // 3. Merge: typed columns, the rest into Extra; never the fields that come from the name and content.
            image.Format = ExifFormat.Legacy2020;
            image.Lat = lat;
            image.Lng = lng;
            image.Alt = alt;
            image.Temp = OptionalNumber(dict, "temp", sourceName);
            image.Hum = OptionalNumber(dict, "hum", sourceName);
            foreach (var pair in dict)
            {
                switch (pair.Key)
                {
                    case "lat":
                    case "lng":
                    case "alt":
                    case "temp":
                    case "hum":
                        continue;
                }

                if (!ProtectedKeys.Contains(pair.Key))
                {
                    image.Extra[pair.Key] = pair.Value;
                }
            }
        }

        /// <summary>Applies a 2022 UserComment (raw bytes, optional 8-byte charset prefix) (spec §4.5).</summary>
        public static void ApplyCsv(ParsedImage image, byte[] userComment, string sourceName)
        {
            if (userComment == null)
            {
                throw new ArgumentNullException(nameof(userComment));
            }

            ApplyCsv(image, DecodeUserComment(userComment), sourceName);
        }

        /// <summary>Applies a decoded 2022 UserComment: header line, '\n', value line.</summary>
        public static void ApplyCsv(ParsedImage image, string text, string sourceName)
        {
            text = (text ?? string.Empty).TrimEnd('\0'); // NUL padding some writers add
            var lines = text.Split('\n');
            if (lines.Length != 2)
            {
                throw Invalid(sourceName, CommentContext, "expected exactly 2 lines (header and values), found "
                    + lines.Length.ToString(CultureInfo.InvariantCulture));
            }

            var headers = lines[0].Split(',');
            var values = lines[1].Split(',');
            if (headers.Length != values.Length)
            {
                throw Invalid(sourceName, CommentContext, "header has " + headers.Length.ToString(CultureInfo.InvariantCulture)
                    + " fields but the value line has " + values.Length.ToString(CultureInfo.InvariantCulture));
            }

            image.Format = ExifFormat.Csv2022;
            for (var i = 0; i < headers.Length; i++)
            {
                var name = headers[i].Trim();
                var value = values[i].Trim();
                switch (name)
                {
                    case "v":
                        // What the device wrote, even empty (upstream stores str(v)); null would become the
                        // catalog's 1.0.0, which marks a 2020 device.
                        image.DeviceVersion = value;
                        break;
                    case "T":
                        image.Temp = CsvFloat(name, value, sourceName);
                        break;
                    case "H":
                        image.Hum = CsvFloat(name, value, sourceName);
                        break;
                    case "B":
                        image.Bat = CsvFloat(name, value, sourceName);
                        break;
                    case "L":
                        image.Lum = CsvFloat(name, value, sourceName);
                        break;
                    case "lat":
                        image.Lat = CsvFloat(name, value, sourceName);
                        break;
                    case "lng":
                        image.Lng = CsvFloat(name, value, sourceName);
                        break;
                    case "a":
                        image.Alt = CsvFloat(name, value, sourceName);
                        break;
                    case "b":
                        image.But = CsvBool(name, value, sourceName);
                        break;
                    default:
                        break; // 'l' (last sync time) and unknown columns are ignored, as upstream does
                }
            }
        }

        /// <summary>Strips an EXIF character-code prefix if present and decodes the text (UTF-8; UTF-16 for UNICODE).</summary>
        public static string DecodeUserComment(byte[] raw)
        {
            if (raw == null)
            {
                return null;
            }

            var prefix = MatchPrefix(raw);
            var offset = prefix < 0 ? 0 : 8;
            var count = raw.Length - offset;
            if (prefix == 1 && count >= 2 && count % 2 == 0 && (raw[offset] == 0 || raw[offset + 1] == 0))
            {
                // "UNICODE" is UCS-2 in the TIFF byte order, which is not known here: guess from the zero byte.
                var encoding = raw[offset] == 0 ? Encoding.BigEndianUnicode : Encoding.Unicode;
                return encoding.GetString(raw, offset, count);
            }

            return Encoding.UTF8.GetString(raw, offset, count);
        }

        private static int MatchPrefix(byte[] raw)
        {
            if (raw.Length < 8)
            {
                return -1;
            }

            for (var p = 0; p < CharsetPrefixes.Length; p++)
            {
                var prefix = CharsetPrefixes[p];
                var match = true;
                for (var i = 0; i < 8 && match; i++)
                {
                    match = raw[i] == prefix[i];
                }

                if (match)
                {
                    return p;
                }
            }

            return -1;
        }

        private static double? CsvFloat(string name, string value, string sourceName)
        {
            if (value.Length == 0)
            {
                return null; // deviation: upstream rejects the image (spec §4.5)
            }

            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsNaN(d) && !double.IsInfinity(d))
            {
                return d;
            }

            throw Invalid(sourceName, CommentContext, "field '" + name + "' has the non-numeric value '" + Shorten(value) + "'");
        }

        private static bool? CsvBool(string name, string value, string sourceName)
        {
            if (value.Length == 0)
            {
                return null;
            }

            // Python int(): optional sign then digits (a fraction like "1.0" is rejected).
            var start = value[0] == '+' || value[0] == '-' ? 1 : 0;
            var nonZero = false;
            var ok = value.Length > start;
            for (var i = start; i < value.Length && ok; i++)
            {
                ok = value[i] >= '0' && value[i] <= '9';
                nonZero |= value[i] != '0';
            }

            if (!ok)
            {
                throw Invalid(sourceName, CommentContext, "field '" + name + "' has the non-integer value '" + Shorten(value) + "'");
            }

            return nonZero;
        }

        private static double? RequiredNumber(Dictionary<string, object> dict, string key, string sourceName)
        {
            if (!dict.ContainsKey(key))
            {
                throw Invalid(sourceName, MakeContext, "required key '" + key + "' is missing");
            }

            return OptionalNumber(dict, key, sourceName);
        }

        private static double? OptionalNumber(Dictionary<string, object> dict, string key, string sourceName)
        {
            if (!dict.TryGetValue(key, out var value) || value == null)
            {
                return null;
            }

            switch (value)
            {
                case long l:
                    return l;
                case double d:
                    return d;
                default:
                    throw Invalid(sourceName, MakeContext, "'" + key + "' must be a number, found " + Describe(value));
            }
        }

        /// <summary>A <c>(numerator, denominator)</c> tuple as a double.</summary>
        private static double Ratio(Dictionary<string, object> dict, string key, string sourceName)
        {
            if (!dict.TryGetValue(key, out var value))
            {
                throw Invalid(sourceName, MakeContext, "'no_flash_bv' is present but '" + key + "' is missing");
            }

            if (value is object[] t && t.Length == 2 && IsNumber(t[0]) && IsNumber(t[1]))
            {
                var d = Convert.ToDouble(t[1], CultureInfo.InvariantCulture);
                if (d == 0)
                {
                    throw Invalid(sourceName, MakeContext, "'" + key + "' has a zero denominator");
                }

                return Convert.ToDouble(t[0], CultureInfo.InvariantCulture) / d;
            }

            throw Invalid(sourceName, MakeContext, "'" + key + "' must be a (numerator, denominator) tuple, found " + Describe(value));
        }

        private static bool IsNumber(object o) => o is long || o is double;

        private static string Describe(object value)
        {
            switch (value)
            {
                case null: return "None";
                case string s: return "the string '" + Shorten(s) + "'";
                case bool b: return b ? "True" : "False";
                case object[] _: return "a tuple";
                case List<object> _: return "a list";
                case Dictionary<string, object> _: return "a dict";
                default: return Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }

        private static StickyPiException Invalid(string sourceName, string context, string detail) =>
            new StickyPiException(StickyErrorIds.InvalidExif, StickyErrorKind.InvalidData, sourceName + ": " + context + ": " + detail, sourceName);

        private static string Shorten(string s)
        {
            s = s.Replace("\n", "\\n").Replace("\r", "\\r");
            return s.Length <= 80 ? s : s.Substring(0, 77) + "...";
        }

        private static byte[] RawBytes(object value)
        {
            switch (value)
            {
                case null:
                    return null;
                case byte[] bytes:
                    return bytes;
                case StringValue sv:
                    return sv.Bytes;
                case string s:
                    return Encoding.UTF8.GetBytes(s);
                default:
                    return Encoding.UTF8.GetBytes(Convert.ToString(value, CultureInfo.InvariantCulture));
            }
        }

        private static byte[] TrimTrailingNuls(byte[] bytes)
        {
            if (bytes == null)
            {
                return null;
            }

            var n = bytes.Length;
            while (n > 0 && bytes[n - 1] == 0)
            {
                n--;
            }

            if (n == bytes.Length)
            {
                return bytes;
            }

            var copy = new byte[n];
            Buffer.BlockCopy(bytes, 0, copy, 0, n);
            return copy;
        }
    }
}
