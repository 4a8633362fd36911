using System;
using System.Globalization;
using System.Text.Json;
using StickyPi.Core.Model;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// An image row as the servers send it (spec §2.2: <c>get_images</c>, the <c>_put_new_images</c> echo): datetimes
    /// in the wire form, <c>but</c> as a boolean or as 0/1 depending on the route, <c>id</c> null in the upload echo.
    /// </summary>
    public static class WireImageRow
    {
        public static StickyImage Read(JsonElement row)
        {
            if (row.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("an image row is not a JSON object");
            }

            return new StickyImage
            {
                Id = Long(row, "id"),
                Device = Text(row, "device") ?? throw Invalid("an image row has no device"),
                DateTime = Date(row, "datetime") ?? throw Invalid("an image row has no datetime"),
                Md5 = Text(row, "md5"),
                DeviceVersion = Text(row, "device_version"),
                Width = (int)(Long(row, "width") ?? 0),
                Height = (int)(Long(row, "height") ?? 0),
                Lat = Number(row, "lat"),
                Lng = Number(row, "lng"),
                Alt = Number(row, "alt"),
                Temp = Number(row, "temp"),
                Hum = Number(row, "hum"),
                Lum = Number(row, "lum"),
                Bat = Number(row, "bat"),
                But = Bool(row, "but"),
                DateTimeCreated = Date(row, "datetime_created") ?? default,
                ApiVersion = Text(row, "api_version"),
                ApiUserId = Long(row, "api_user_id"),
                Url = Text(row, "url") ?? string.Empty,
            };
        }

        private static StickyPiException Invalid(string what) =>
            new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData, "The server's answer is not upstream's: " + what + ".");

        private static bool Has(JsonElement row, string name, out JsonElement value) =>
            row.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

        private static string Text(JsonElement row, string name) =>
            Has(row, name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : throw Invalid(name + " is not a string")) : null;

        private static long? Long(JsonElement row, string name) =>
            !Has(row, name, out var v) ? (long?)null
            : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) ? l
            : v.ValueKind == JsonValueKind.Number ? (long)Math.Round(v.GetDouble())
            : throw Invalid(name + " is not a number");

        private static double? Number(JsonElement row, string name) =>
            !Has(row, name, out var v) ? (double?)null
            : v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : throw Invalid(name + " is not a number");

        private static bool? Bool(JsonElement row, string name) =>
            !Has(row, name, out var v) ? (bool?)null
            : v.ValueKind == JsonValueKind.True ? true
            : v.ValueKind == JsonValueKind.False ? false
            : v.ValueKind == JsonValueKind.Number ? v.GetDouble() != 0
            : throw Invalid(name + " is not a boolean");

        private static DateTime? Date(JsonElement row, string name)
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
