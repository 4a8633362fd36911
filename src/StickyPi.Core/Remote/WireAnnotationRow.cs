using System;
using System.Text.Json;
using StickyPi.Core.Model;
using static StickyPi.Core.Remote.WireFields;

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
    }
}
