using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using StickyPi.Core.Model;

namespace StickyPi.Server
{
    /// <summary>
    /// Upstream's JSON conventions (spec §1.5): reading <c>info</c> objects with typed, named-field errors, and writing
    /// values as upstream's server renders them (Python float repr, <c>YYYY-MM-DDTHH:MM:SSZ</c> datetimes).
    /// </summary>
    public static class WireJson
    {
        /// <summary>No HTML-safety escaping (upstream writes <c>+</c>, <c>&lt;</c> … as they are).</summary>
        public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

        private static readonly string[] DateFormats =
        {
            StickyTime.WireFormat, StickyTime.FileNameFormat, "yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
            "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        };

        /// <summary>The body as a list of objects (upstream's <c>info</c>); 400 naming the element otherwise.</summary>
        public static IReadOnlyList<JsonElement> Objects(JsonElement body)
        {
            if (body.ValueKind != JsonValueKind.Array)
            {
                throw ApiException.BadField("$", "The body must be a JSON array of objects, not " + Describe(body) + ".");
            }

            var list = new List<JsonElement>();
            int i = 0;
            foreach (var e in body.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object)
                {
                    throw ApiException.BadField("[" + i + "]", "Element " + i + " of the body must be a JSON object, not " + Describe(e) + ".");
                }

                list.Add(e);
                i++;
            }

            return list;
        }

        /// <summary>The project ids of a <c>[{"project_id": N}, …]</c> body, in order; 400 naming any other key.</summary>
        public static IReadOnlyList<long> ProjectIds(JsonElement body)
        {
            var items = Objects(body);
            var ids = new List<long>();
            for (int i = 0; i < items.Count; i++)
            {
                OnlyKeys(items[i], i, "project_id");
                ids.Add(Integer(items[i], "project_id", true).Value);
            }

            return ids;
        }

        /// <summary>Refuses keys outside <paramref name="allowed"/> (upstream fails on unknown columns with a 500).</summary>
        public static void OnlyKeys(JsonElement o, int index, params string[] allowed)
        {
            foreach (var p in o.EnumerateObject())
            {
                if (Array.IndexOf(allowed, p.Name) < 0)
                {
                    throw ApiException.BadField(p.Name, "Unknown field '" + p.Name + "' in element " + index + " (accepted: " + string.Join(", ", allowed) + ").");
                }
            }
        }

        public static bool Has(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

        public static string String(JsonElement o, string name, bool required)
        {
            if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    throw ApiException.BadField(name, "The field '" + name + "' is required.");
                }

                return null;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                throw ApiException.BadField(name, "The field '" + name + "' must be a string, not " + Describe(v) + ".");
            }

            return v.GetString();
        }

        /// <summary>A LIKE pattern or value: strings as they are, numbers as their text.</summary>
        public static string Text(JsonElement o, string name)
        {
            if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            switch (v.ValueKind)
            {
                case JsonValueKind.String: return v.GetString();
                case JsonValueKind.Number: return v.GetRawText();
                case JsonValueKind.True: return "1";
                case JsonValueKind.False: return "0";
                default: throw ApiException.BadField(name, "The field '" + name + "' must be a string or a number, not " + Describe(v) + ".");
            }
        }

        public static long? Integer(JsonElement o, string name, bool required)
        {
            if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    throw ApiException.BadField(name, "The field '" + name + "' is required.");
                }

                return null;
            }

            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n))
            {
                return n;
            }

            if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n))
            {
                return n;
            }

            throw ApiException.BadField(name, "The field '" + name + "' must be an integer, not " + Describe(v) + ".");
        }

        public static bool? Boolean(JsonElement o, string name)
        {
            if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            switch (v.ValueKind)
            {
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                case JsonValueKind.Number when v.TryGetInt64(out long n) && (n == 0 || n == 1): return n == 1;
                default: throw ApiException.BadField(name, "The field '" + name + "' must be true or false, not " + Describe(v) + ".");
            }
        }

        public static double? Number(JsonElement o, string name, bool required)
        {
            if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    throw ApiException.BadField(name, "The field '" + name + "' is required.");
                }

                return null;
            }

            if (v.ValueKind == JsonValueKind.Number)
            {
                return v.GetDouble();
            }

            throw ApiException.BadField(name, "The field '" + name + "' must be a number, not " + Describe(v) + ".");
        }

        /// <summary>A datetime field: upstream's two wire forms, plus plain ISO dates and times (read as UTC).</summary>
        public static DateTime? DateTime(JsonElement o, string name, bool required)
        {
            string text = String(o, name, required);
            if (text == null)
            {
                return null;
            }

            if (System.DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value) ||
                System.DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value) && text.Contains('T'))
            {
                return System.DateTime.SpecifyKind(value, DateTimeKind.Utc);
            }

            throw ApiException.BadField(name, "The field '" + name + "' must be a UTC datetime like 2020-06-20T21:33:24Z, not '" + text + "'.");
        }

        public static string Device(JsonElement o, string name = "device")
        {
            var d = String(o, name, true);
            if (d.Length == 0 || d.Length > 64)
            {
                throw ApiException.BadField(name, "The field '" + name + "' must be a device id or LIKE pattern of 1 to 64 characters.");
            }

            return d;
        }

        public static ImageKey ImageKey(JsonElement o)
        {
            var device = String(o, "device", true);
            if (device.Length != 8)
            {
                throw ApiException.BadField("device", "The field 'device' must be 8 hexadecimal characters, not '" + device + "'.");
            }

            return new ImageKey(device, DateTime(o, "datetime", true).Value);
        }

        public static string Describe(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Array: return "an array";
                case JsonValueKind.Object: return "an object";
                case JsonValueKind.String: return "a string";
                case JsonValueKind.Number: return "a number";
                case JsonValueKind.True:
                case JsonValueKind.False: return "a boolean";
                case JsonValueKind.Null: return "null";
                default: return "nothing";
            }
        }

        // ------------------------------------------------------------ writing

        public static void WriteDate(Utf8JsonWriter w, string name, DateTime value) => w.WriteString(name, StickyTime.ToWire(value));

        public static void WriteDate(Utf8JsonWriter w, string name, DateTime? value)
        {
            if (value == null || value.Value == default)
            {
                w.WriteNull(name);
            }
            else
            {
                WriteDate(w, name, value.Value);
            }
        }

        public static void WriteString(Utf8JsonWriter w, string name, string value)
        {
            if (value == null)
            {
                w.WriteNull(name);
            }
            else
            {
                w.WriteString(name, value);
            }
        }

        public static void WriteLong(Utf8JsonWriter w, string name, long? value)
        {
            if (value == null)
            {
                w.WriteNull(name);
            }
            else
            {
                w.WriteNumber(name, value.Value);
            }
        }

        /// <summary>A Python float (<c>82.0</c>, <c>20.700000762939453</c>).</summary>
        public static void WriteFloat(Utf8JsonWriter w, string name, double? value)
        {
            w.WritePropertyName(name);
            if (value == null || double.IsNaN(value.Value) || double.IsInfinity(value.Value))
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteRawValue(PythonJson.FormatFloat(value.Value), skipInputValidation: true);
            }
        }

        /// <summary>A value read back from a single-precision FLOAT column, as MariaDB returns it (<c>20.7</c>).</summary>
        public static void WriteSingle(Utf8JsonWriter w, string name, double? value) =>
            WriteFloat(w, name, value == null ? (double?)null : double.Parse(((float)value.Value).ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

        /// <summary>A DECIMAL(9,6) column.</summary>
        public static void WriteDecimal6(Utf8JsonWriter w, string name, double? value) =>
            WriteFloat(w, name, value == null ? (double?)null : Math.Round(value.Value, 6, MidpointRounding.AwayFromZero));

        /// <summary>A SMALLINT column holding what the parser read as a float (MariaDB rounds: 97.3 → 97).</summary>
        public static void WriteSmallInt(Utf8JsonWriter w, string name, double? value)
        {
            if (value == null)
            {
                w.WriteNull(name);
            }
            else
            {
                w.WriteNumber(name, (long)Math.Round(value.Value, MidpointRounding.AwayFromZero));
            }
        }

        public static void WriteValue(Utf8JsonWriter w, object value)
        {
            switch (value)
            {
                case null: w.WriteNullValue(); break;
                case string s: w.WriteStringValue(s); break;
                case bool b: w.WriteBooleanValue(b); break;
                case DateTime d: w.WriteStringValue(StickyTime.ToWire(d)); break;
                case DateTimeOffset d: w.WriteStringValue(StickyTime.ToWire(d.UtcDateTime)); break;
                case double d: w.WriteRawValue(PythonJson.FormatFloat(d), true); break;
                case float f: w.WriteRawValue(PythonJson.FormatFloat(f), true); break;
                case decimal m: w.WriteRawValue(PythonJson.FormatFloat((double)m), true); break;
                case long l: w.WriteNumberValue(l); break;
                case int i: w.WriteNumberValue(i); break;
                case short s16: w.WriteNumberValue(s16); break;
                case byte u8: w.WriteNumberValue(u8); break;
                case byte[] bytes: w.WriteBase64StringValue(bytes); break;
                default: w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            }
        }
    }
}
