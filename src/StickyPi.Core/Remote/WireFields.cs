using System;
using System.Text.Json;
using StickyPi.Core.Model;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// Reading the fields of a server's JSON rows (all <c>Wire*Row</c> readers): a missing or null field is no value,
    /// a field of the wrong kind is a <c>RemoteError</c> naming it, never a silent default.
    /// </summary>
    internal static class WireFields
    {
        public static StickyPiException Invalid(string what) =>
            new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData, "The server's answer is not upstream's: " + what + ".");

        public static void RequireObject(JsonElement row, string what)
        {
            if (row.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(what + " is not a JSON object");
            }
        }

        public static bool Has(JsonElement row, string name, out JsonElement value) =>
            row.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

        public static string Text(JsonElement row, string name) =>
            Has(row, name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : throw Invalid(name + " is not a string")) : null;

        /// <summary>An integer; a fractional number (MariaDB's DECIMAL rendered as a float) is rounded.</summary>
        public static long? Long(JsonElement row, string name) =>
            !Has(row, name, out var v) ? (long?)null
            : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) ? l
            : v.ValueKind == JsonValueKind.Number ? (long)Math.Round(v.GetDouble())
            : throw Invalid(name + " is not a number");

        public static double? Number(JsonElement row, string name) =>
            !Has(row, name, out var v) ? (double?)null
            : v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : throw Invalid(name + " is not a number");

        /// <summary>JSON booleans, or MariaDB's TINYINT(1) as 0/1.</summary>
        public static bool? Bool(JsonElement row, string name) =>
            !Has(row, name, out var v) ? (bool?)null
            : v.ValueKind == JsonValueKind.True ? true
            : v.ValueKind == JsonValueKind.False ? false
            : v.ValueKind == JsonValueKind.Number ? v.GetDouble() != 0
            : throw Invalid(name + " is not a boolean");

        public static DateTime? Date(JsonElement row, string name)
        {
            var text = Text(row, name);
            if (text == null)
            {
                return null;
            }

            return StickyTime.TryParseWire(text, out var value) ? value : throw Invalid(name + " '" + text + "' is not a wire datetime");
        }
    }
}
