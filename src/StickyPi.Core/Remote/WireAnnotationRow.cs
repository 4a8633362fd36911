using System;
using System.Text.Json;
using StickyPi.Core.Model;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// A <c>uid_annotations</c> row as the servers send it (spec §2.13: <c>put_uid_annotations</c>,
    /// <c>get_uid_annotations[_series]</c>): the table's columns only, so the parent image's device and datetime are
    /// filled in by the caller from the image rows; <c>json</c> absent for <c>metadata</c>, <c>""</c> in the put echo.
    /// </summary>
    public static class WireAnnotationRow
    {
        public static UidAnnotation Read(JsonElement row)
        {
            if (row.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("an annotation row is not a JSON object");
            }

            return new UidAnnotation
            {
                Id = Long(row, "id"),
                ParentImageId = Long(row, "parent_image_id") ?? throw Invalid("an annotation row has no parent_image_id"),
                AlgoName = Text(row, "algo_name"),
                AlgoVersion = Text(row, "algo_version"),
                NObjects = (int)(Long(row, "n_objects") ?? 0),
                Json = Text(row, "json"),
                DateTimeCreated = Date(row, "datetime_created") ?? default,
                ApiVersion = Text(row, "api_version"),
                ApiUserId = Long(row, "api_user_id"),
            };
        }

        /// <summary>The image as a row of the images ⟕ annotations join (a copy: one image may head several rows).</summary>
        public static StickyAnnotatedImage Joined(StickyImage image, UidAnnotation annotation) => new StickyAnnotatedImage
        {
            Id = image.Id,
            Device = image.Device,
            DateTime = image.DateTime,
            Md5 = image.Md5,
            DeviceVersion = image.DeviceVersion,
            Width = image.Width,
            Height = image.Height,
            Lat = image.Lat,
            Lng = image.Lng,
            Alt = image.Alt,
            Temp = image.Temp,
            Hum = image.Hum,
            Lum = image.Lum,
            Bat = image.Bat,
            But = image.But,
            DateTimeCreated = image.DateTimeCreated,
            ApiVersion = image.ApiVersion,
            ApiUserId = image.ApiUserId,
            Url = image.Url,
            Annotation = annotation,
        };

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
