using System;
using System.Globalization;
using System.Text;

namespace StickyPi.SampleData
{
    /// <summary>Which device generation's metadata layout a sample image carries (spec §4.3).</summary>
    public enum SampleFormat
    {
        /// <summary>2020 devices: a Python dict literal in EXIF <c>Make</c>.</summary>
        Legacy2020,

        /// <summary>2022 devices: <c>Make = "StickyPi"</c> and a two-line CSV in <c>UserComment</c>.</summary>
        Csv2022,
    }

    /// <summary>
    /// The sensor values a sample image claims, in the units the devices write. Values are already rounded to what the
    /// chosen format writes, so a parser must return exactly these numbers.
    /// </summary>
    public sealed class SampleMetadata
    {
        public SampleFormat Format { get; set; }

        /// <summary>Device clock time written in the legacy dict's <c>datetime</c> entry (ignored by parsers).</summary>
        public DateTime DeviceClock { get; set; }

        /// <summary>Null means "no GPS fix": written as 0.0 in the legacy format, as an empty field in the CSV.</summary>
        public double? Lat { get; set; }

        public double? Lng { get; set; }

        public double? Alt { get; set; }

        public double? Temp { get; set; }

        public double? Hum { get; set; }

        // 2022 only.
        public string DeviceVersion { get; set; } = "3.1.0";

        public double? Bat { get; set; }

        public double? Lum { get; set; }

        public bool? But { get; set; }

        public long LastSync { get; set; }

        // Legacy only: (numerator, denominator) pairs as the camera reports them.
        public long ExposureNumerator { get; set; } = 23646;

        public long BrightnessNumerator { get; set; } = 236;

        public long ShutterNumerator { get; set; } = 5402260;

        public long Iso { get; set; } = 100;

        /// <summary>Plausible values for a device in British Columbia; <paramref name="gps"/> false means no fix.</summary>
        public static SampleMetadata Random(Random rng, SampleFormat format, DateTime utc, bool gps)
        {
            if (rng == null)
            {
                throw new ArgumentNullException(nameof(rng));
            }

            var m = new SampleMetadata { Format = format, DeviceClock = utc.AddSeconds(-rng.Next(0, 3600)) };
            var hour = utc.Hour + (utc.Minute / 60.0);
            var daily = Math.Sin((hour - 9) / 24.0 * 2 * Math.PI); // warmest mid-afternoon
            var temp = 18 + (6 * daily) + (rng.NextDouble() * 2);
            var hum = Math.Min(99, Math.Max(20, 70 - (15 * daily) + (rng.NextDouble() * 10)));
            if (format == SampleFormat.Legacy2020)
            {
                // The 2020 firmware wrote float32 sensor readings widened to double (e.g. 21.899999618530273).
                m.Temp = (float)Math.Round(temp, 1);
                m.Hum = (float)Math.Round(hum, 1);
                if (gps)
                {
                    m.Lat = Math.Round(49.0 + (rng.NextDouble() * 0.5), 6);
                    m.Lng = Math.Round(-123.5 + (rng.NextDouble() * 0.5), 6);
                    m.Alt = Math.Round(rng.NextDouble() * 150, 1);
                }

                m.ExposureNumerator = rng.Next(5000, 60000);
                m.BrightnessNumerator = rng.Next(100, 400);
                m.ShutterNumerator = rng.Next(4000000, 7000000);
                m.Iso = rng.Next(0, 2) == 0 ? 100 : 200;
            }
            else
            {
                m.Temp = Math.Round(temp, 1);
                m.Hum = Math.Round(hum, 1);
                m.Bat = rng.Next(40, 101);
                m.Lum = Math.Round(rng.NextDouble() * 3, 2);
                m.But = rng.Next(0, 10) == 0;
                m.LastSync = (long)(utc - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds - rng.Next(60, 3600);
                if (gps)
                {
                    m.Lat = Math.Round(49.26 + (rng.NextDouble() * 0.01), 5);
                    m.Lng = Math.Round(-123.26 + (rng.NextDouble() * 0.01), 5);
                    m.Alt = Math.Round(80 + (rng.NextDouble() * 50), 1);
                }
            }

            return m;
        }

        /// <summary>The legacy <c>Make</c> text, laid out exactly like spec §4.4's example.</summary>
        public string ToLegacyMake()
        {
            var sb = new StringBuilder(256);
            sb.Append("{'lng': ").Append(PyFloat(Lng ?? 0.0))
              .Append(", 'lat': ").Append(PyFloat(Lat ?? 0.0))
              .Append(", 'alt': ").Append(PyFloat(Alt ?? 0.0))
              .Append(", 'datetime': '").Append(DeviceClock.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append('\'')
              .Append(", 'no_flash_exposure_time': (").Append(ExposureNumerator.ToString(CultureInfo.InvariantCulture)).Append(", 1000000)")
              .Append(", 'no_flash_iso': ").Append(Iso.ToString(CultureInfo.InvariantCulture))
              .Append(", 'no_flash_bv': (").Append(BrightnessNumerator.ToString(CultureInfo.InvariantCulture)).Append(", 100)")
              .Append(", 'no_flash_shutter_speed': (").Append(ShutterNumerator.ToString(CultureInfo.InvariantCulture)).Append(", 1000000)");
            if (Temp.HasValue)
            {
                sb.Append(", 'temp': ").Append(PyFloat(Temp.Value));
            }

            if (Hum.HasValue)
            {
                sb.Append(", 'hum': ").Append(PyFloat(Hum.Value));
            }

            return sb.Append('}').ToString();
        }

        /// <summary>The 2022 <c>UserComment</c> text (spec §4.5): header, '\n', values, no trailing newline.</summary>
        public string ToCsvComment()
        {
            var values = new[]
            {
                DeviceVersion ?? string.Empty,
                Fixed(Temp, "0.0"),
                Fixed(Hum, "0.0"),
                Fixed(Bat, "0"),
                Fixed(Lum, "0.00"),
                Fixed(Lat, "0.00000"),
                Fixed(Lng, "0.00000"),
                Fixed(Alt, "0.0"),
                LastSync.ToString(CultureInfo.InvariantCulture),
                But.HasValue ? (But.Value ? "1" : "0") : string.Empty,
            };
            return "v,T,H,B,L,lat,lng,a,l,b\n" + string.Join(",", values);
        }

        /// <summary>The EXIF this metadata is written as.</summary>
        public ExifSpec ToExif() =>
            Format == SampleFormat.Legacy2020 ? new ExifSpec(ToLegacyMake()) : new ExifSpec("StickyPi", ToCsvComment());

        private static string Fixed(double? value, string format) =>
            value.HasValue ? value.Value.ToString(format, CultureInfo.InvariantCulture) : string.Empty;

        /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, always with a '.' or exponent.</summary>
        public static string PyFloat(double value)
        {
            if (Math.Abs(value) < 1e16 && value == Math.Floor(value))
            {
                return value.ToString("F0", CultureInfo.InvariantCulture) + ".0";
            }

            return value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");
        }
    }

    /// <summary>
    /// The two EXIF values a sample image gets: IFD0 <c>Make</c> (ASCII) and Exif sub-IFD <c>UserComment</c> (UNDEFINED).
    /// Bytes are written verbatim, so malformed values can be produced on purpose.
    /// </summary>
    public sealed class ExifSpec
    {
        /// <param name="make">Written as UTF-8 plus a terminating NUL; null omits the tag.</param>
        /// <param name="userComment">Written as UTF-8 without a character-code prefix (as the devices do); null omits it.</param>
        public ExifSpec(string make, string userComment = null)
        {
            MakeBytes = make == null ? null : Terminated(Encoding.UTF8.GetBytes(make));
            UserCommentBytes = userComment == null ? null : Encoding.UTF8.GetBytes(userComment);
        }

        private ExifSpec(byte[] makeBytes, byte[] userCommentBytes, bool raw)
        {
            MakeBytes = makeBytes;
            UserCommentBytes = userCommentBytes;
        }

        /// <summary>Exact bytes of <c>Make</c> (count = length; include a NUL yourself if wanted); null omits it.</summary>
        public byte[] MakeBytes { get; }

        /// <summary>Exact bytes of <c>UserComment</c>; null omits it.</summary>
        public byte[] UserCommentBytes { get; }

        public static ExifSpec FromRaw(byte[] makeBytes, byte[] userCommentBytes) => new ExifSpec(makeBytes, userCommentBytes, true);

        private static byte[] Terminated(byte[] bytes)
        {
            var result = new byte[bytes.Length + 1];
            Buffer.BlockCopy(bytes, 0, result, 0, bytes.Length);
            return result;
        }
    }
}
