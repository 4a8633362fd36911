using System;
using System.Text.Json;
using StickyPi.Core.Model;
using static StickyPi.Core.Remote.WireFields;

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
    }
}
