using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// Writes JSON text exactly as upstream stores it (spec §3.2 step 1, §4.6): the value goes through upstream's input
    /// conversion (<c>json.loads</c> with its datetime object hook) and is written back by Python's <c>json.dumps</c>
    /// defaults: separators <c>", "</c> / <c>": "</c>, <c>ensure_ascii</c> (<c>\uXXXX</c>, lowercase hex, surrogate
    /// pairs), key order as received (a repeated key keeps its first position and its last value), integers as
    /// written, floats as Python's <c>repr</c> (<c>1.0</c>, <c>1e-05</c>, <c>1e+16</c>), and string values of JSON
    /// objects shaped <c>YYYY-MM-DD_HH-MM-SS</c> or <c>YYYY-MM-DDTHH:MM:SSZ</c> re-rendered <c>YYYY-MM-DDTHH:MM:SSZ</c>
    /// (array elements are left alone).
    /// </summary>
    public static class PythonJson
    {
        // Upstream's patterns; '$' also matches before a final '\n' in both Python and .NET, where strptime then fails.
        private static readonly Regex WireDate = new Regex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", RegexOptions.CultureInvariant);
        private static readonly Regex LegacyDate = new Regex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}$", RegexOptions.CultureInvariant);

        /// <summary>Serializes a parsed JSON value. Throws <see cref="FormatException"/> naming the JSON path of a bad datetime string.</summary>
        public static string Serialize(JsonElement element)
        {
            var w = new Writer();
            w.WriteElement(element, false);
            return w.ToString();
        }

        /// <summary>
        /// Serializes a .NET tree: <see cref="IDictionary"/> / <c>IEnumerable&lt;KeyValuePair&lt;string, object&gt;&gt;</c>
        /// (objects), other <see cref="IEnumerable"/> (arrays), strings, booleans, numbers, null, <see cref="DateTime"/>
        /// and <see cref="DateTimeOffset"/> (written <c>YYYY-MM-DDTHH:MM:SSZ</c>, like upstream's client) and
        /// <see cref="JsonElement"/>. Throws <see cref="FormatException"/> for anything else.
        /// </summary>
        public static string Serialize(object value)
        {
            var w = new Writer();
            w.WriteObject(value, false, 0);
            return w.ToString();
        }

        /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits; exponent form below 1e-4 and from 1e16.</summary>
        public static string FormatFloat(double value)
        {
            if (double.IsNaN(value))
            {
                return "NaN";
            }

            if (double.IsInfinity(value))
            {
                return value > 0 ? "Infinity" : "-Infinity";
            }

            bool negative = BitConverter.DoubleToInt64Bits(value) < 0;
            if (value == 0)
            {
                return negative ? "-0.0" : "0.0";
            }

            // "R" yields round-trip digits, e.g. "1.2345678901234568E+17", "0.0001", "1E-05".
            string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
            int exponent = 0;
            int e = r.IndexOfAny(new[] { 'E', 'e' });
            string mantissa = r;
            if (e >= 0)
            {
                exponent = int.Parse(r.Substring(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                mantissa = r.Substring(0, e);
            }

            int dot = mantissa.IndexOf('.');
            string intPart = dot >= 0 ? mantissa.Substring(0, dot) : mantissa;
            string digits = dot >= 0 ? intPart + mantissa.Substring(dot + 1) : intPart;

            // value = 0.<digits> × 10^point
            int point = intPart.Length + exponent;
            int lead = 0;
            while (lead < digits.Length - 1 && digits[lead] == '0')
            {
                lead++;
                point--;
            }

            digits = digits.Substring(lead).TrimEnd('0');
            if (digits.Length == 0)
            {
                digits = "0";
            }

            var sb = new StringBuilder(24);
            if (negative)
            {
                sb.Append('-');
            }

            if (point <= -4 || point > 16)
            {
                int exp = point - 1;
                sb.Append(digits[0]);
                if (digits.Length > 1)
                {
                    sb.Append('.').Append(digits, 1, digits.Length - 1);
                }

                sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
            }
            else if (point <= 0)
            {
                sb.Append("0.").Append('0', -point).Append(digits);
            }
            else if (point >= digits.Length)
            {
                sb.Append(digits).Append('0', point - digits.Length).Append(".0");
            }
            else
            {
                sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
            }

            return sb.ToString();
        }

        /// <summary>A JSON string literal with Python's <c>ensure_ascii</c> escaping.</summary>
        public static string QuoteString(string value)
        {
            var sb = new StringBuilder(value.Length + 2);
            AppendString(sb, value);
            return sb.ToString();
        }

        /// <summary>
        /// Upstream's input conversion of one object value: true and the re-rendered text when the string has either
        /// datetime shape. Throws <see cref="FormatException"/> when the shape matches but the date is invalid
        /// (upstream's <c>strptime</c> raises and the whole call fails).
        /// </summary>
        public static bool TryConvertDateString(string value, out string wire)
        {
            wire = null;
            if (value == null || value.Length < 19 || value.Length > 21)
            {
                return false;
            }

            string format;
            if (WireDate.IsMatch(value))
            {
                format = StickyTime.WireFormat;
            }
            else if (LegacyDate.IsMatch(value))
            {
                format = StickyTime.FileNameFormat;
            }
            else
            {
                return false;
            }

            if (!DateTime.TryParseExact(value, format, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
            {
                throw new FormatException("'" + value.TrimEnd('\n') + "' looks like a datetime but is not a valid one");
            }

            wire = parsed.ToString(StickyTime.WireFormat, CultureInfo.InvariantCulture);
            return true;
        }

        private static void AppendString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"':
                        sb.Append("\\\"");
                        break;
                    case '\\':
                        sb.Append("\\\\");
                        break;
                    case '\n':
                        sb.Append("\\n");
                        break;
                    case '\r':
                        sb.Append("\\r");
                        break;
                    case '\t':
                        sb.Append("\\t");
                        break;
                    case '\b':
                        sb.Append("\\b");
                        break;
                    case '\f':
                        sb.Append("\\f");
                        break;
                    default:
                        if (c < 0x20 || c > 0x7e)
                        {
                            // UTF-16 code units are exactly Python's escapes, surrogate pairs included.
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            sb.Append('"');
        }

        private sealed class Writer
        {
            private const int MaxDepth = 256;
            private readonly StringBuilder _sb = new StringBuilder(256);
            private readonly List<string> _path = new List<string>();

            public override string ToString() => _sb.ToString();

            public void WriteElement(JsonElement e, bool isObjectValue)
            {
                switch (e.ValueKind)
                {
                    case JsonValueKind.Object:
                        WriteJsonObject(e);
                        break;
                    case JsonValueKind.Array:
                        _sb.Append('[');
                        int i = 0;
                        foreach (var item in e.EnumerateArray())
                        {
                            if (i > 0)
                            {
                                _sb.Append(", ");
                            }

                            _path.Add("[" + i + "]");
                            WriteElement(item, false);
                            _path.RemoveAt(_path.Count - 1);
                            i++;
                        }

                        _sb.Append(']');
                        break;
                    case JsonValueKind.String:
                        WriteStringValue(GetString(e), isObjectValue);
                        break;
                    case JsonValueKind.Number:
                        WriteNumberText(e.GetRawText());
                        break;
                    case JsonValueKind.True:
                        _sb.Append("true");
                        break;
                    case JsonValueKind.False:
                        _sb.Append("false");
                        break;
                    default:
                        _sb.Append("null");
                        break;
                }
            }

            public void WriteObject(object value, bool isObjectValue, int depth)
            {
                if (depth > MaxDepth)
                {
                    throw Fail("nesting is too deep (a cycle?)");
                }

                switch (value)
                {
                    case null:
                        _sb.Append("null");
                        return;
                    case JsonElement je:
                        WriteElement(je, isObjectValue);
                        return;
                    case string s:
                        WriteStringValue(s, isObjectValue);
                        return;
                    case char ch:
                        WriteStringValue(ch.ToString(), isObjectValue);
                        return;
                    case bool b:
                        _sb.Append(b ? "true" : "false");
                        return;
                    case DateTime dt:
                        AppendString(_sb, StickyTime.ToWire(dt));
                        return;
                    case DateTimeOffset dto:
                        AppendString(_sb, StickyTime.ToWire(dto.UtcDateTime));
                        return;
                    case double d:
                        _sb.Append(FormatFloat(d));
                        return;
                    case float f:
                        _sb.Append(FormatFloat(f));
                        return;
                    case decimal m:
                        _sb.Append(FormatFloat((double)m));
                        return;
                    case sbyte _:
                    case byte _:
                    case short _:
                    case ushort _:
                    case int _:
                    case uint _:
                    case long _:
                    case ulong _:
                    case System.Numerics.BigInteger _:
                        _sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                        return;
                    case IDictionary dict:
                        WriteDictionary(Pairs(dict), depth);
                        return;
                    case IEnumerable<KeyValuePair<string, object>> kvps:
                        WriteDictionary(Pairs(kvps), depth);
                        return;
                    case IEnumerable seq:
                        _sb.Append('[');
                        int i = 0;
                        foreach (var item in seq)
                        {
                            if (i > 0)
                            {
                                _sb.Append(", ");
                            }

                            _path.Add("[" + i + "]");
                            WriteObject(item, false, depth + 1);
                            _path.RemoveAt(_path.Count - 1);
                            i++;
                        }

                        _sb.Append(']');
                        return;
                    default:
                        throw Fail("a value of type " + value.GetType().FullName + " cannot be written as JSON");
                }
            }

            private void WriteJsonObject(JsonElement e)
            {
                // Python's dict: a repeated key keeps its first position and takes the last value.
                var order = new List<string>();
                var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    if (!values.ContainsKey(p.Name))
                    {
                        order.Add(p.Name);
                    }

                    values[p.Name] = p.Value;
                }

                _sb.Append('{');
                for (int i = 0; i < order.Count; i++)
                {
                    if (i > 0)
                    {
                        _sb.Append(", ");
                    }

                    AppendString(_sb, order[i]);
                    _sb.Append(": ");
                    _path.Add("." + order[i]);
                    WriteElement(values[order[i]], true);
                    _path.RemoveAt(_path.Count - 1);
                }

                _sb.Append('}');
            }

            private void WriteDictionary(List<KeyValuePair<object, object>> pairs, int depth)
            {
                var order = new List<string>();
                var values = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach (var p in pairs)
                {
                    string key = KeyText(p.Key);
                    if (!values.ContainsKey(key))
                    {
                        order.Add(key);
                    }

                    values[key] = p.Value;
                }

                _sb.Append('{');
                for (int i = 0; i < order.Count; i++)
                {
                    if (i > 0)
                    {
                        _sb.Append(", ");
                    }

                    AppendString(_sb, order[i]);
                    _sb.Append(": ");
                    _path.Add("." + order[i]);
                    WriteObject(values[order[i]], true, depth + 1);
                    _path.RemoveAt(_path.Count - 1);
                }

                _sb.Append('}');
            }

            // json.dumps turns str, int, float, bool and None keys into strings; anything else is a TypeError.
            private string KeyText(object key)
            {
                switch (key)
                {
                    case null:
                        return "null";
                    case string s:
                        return s;
                    case char c:
                        return c.ToString();
                    case bool b:
                        return b ? "true" : "false";
                    case double d:
                        return FormatFloat(d);
                    case float f:
                        return FormatFloat(f);
                    case decimal m:
                        return FormatFloat((double)m);
                    case sbyte _:
                    case byte _:
                    case short _:
                    case ushort _:
                    case int _:
                    case uint _:
                    case long _:
                    case ulong _:
                        return Convert.ToString(key, CultureInfo.InvariantCulture);
                    default:
                        throw Fail("a key of type " + key.GetType().FullName + " cannot be a JSON object key");
                }
            }

            private void WriteStringValue(string s, bool isObjectValue)
            {
                if (isObjectValue)
                {
                    try
                    {
                        if (TryConvertDateString(s, out var wire))
                        {
                            s = wire;
                        }
                    }
                    catch (FormatException ex)
                    {
                        throw Fail(ex.Message);
                    }
                }

                AppendString(_sb, s);
            }

            private void WriteNumberText(string raw)
            {
                if (raw.IndexOfAny(new[] { '.', 'e', 'E' }) < 0)
                {
                    // A Python int: arbitrary precision, printed as written ("-0" is 0).
                    _sb.Append(raw == "-0" ? "0" : raw);
                    return;
                }

                double d;
                try
                {
                    d = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
                }
                catch (OverflowException)
                {
                    // Older frameworks throw where Python's float() gives inf.
                    d = raw.StartsWith("-", StringComparison.Ordinal) ? double.NegativeInfinity : double.PositiveInfinity;
                }

                _sb.Append(FormatFloat(d));
            }

            private string GetString(JsonElement e)
            {
                try
                {
                    return e.GetString();
                }
                catch (InvalidOperationException ex)
                {
                    throw Fail("invalid string (" + ex.Message + ")");
                }
            }

            private FormatException Fail(string message)
            {
                string path = _path.Count == 0 ? "$" : "$" + string.Concat(_path);
                return new FormatException("At " + path + ": " + message + ".");
            }

            private static List<KeyValuePair<object, object>> Pairs(IDictionary dict)
            {
                var list = new List<KeyValuePair<object, object>>(dict.Count);
                foreach (DictionaryEntry entry in dict)
                {
                    list.Add(new KeyValuePair<object, object>(entry.Key, entry.Value));
                }

                return list;
            }

            private static List<KeyValuePair<object, object>> Pairs(IEnumerable<KeyValuePair<string, object>> kvps)
            {
                var list = new List<KeyValuePair<object, object>>();
                foreach (var kv in kvps)
                {
                    list.Add(new KeyValuePair<object, object>(kv.Key, kv.Value));
                }

                return list;
            }
        }
    }
}
