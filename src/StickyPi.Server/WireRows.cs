using System;
using System.Text.Json;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using static StickyPi.Server.WireJson;

namespace StickyPi.Server
{
    /// <summary>Rows in upstream's key order and value forms (spec §2.13, as upstream's server sends them).</summary>
    public static class WireRows
    {
        private static void Common(Utf8JsonWriter w, DateTime created, string apiVersion, long? apiUserId)
        {
            WriteDate(w, "datetime_created", created);
            WriteString(w, "api_version", apiVersion);
            WriteLong(w, "api_user_id", apiUserId);
        }

        public static void User(Utf8JsonWriter w, StickyUser u)
        {
            w.WriteStartObject();
            Common(w, u.DateTimeCreated, u.ApiVersion, u.ApiUserId);
            w.WriteNumber("id", u.Id);
            w.WriteString("username", u.UserName);
            WriteString(w, "email", u.Email);
            w.WriteString("password_hash", PasswordHash.Mask);
            w.WriteBoolean("is_admin", u.IsAdmin);
            w.WriteBoolean("can_write", u.CanWrite);
            w.WriteEndObject();
        }

        /// <summary>How an image row is rendered: read back (raw SQL: 0/1 booleans, MariaDB column precision), deleted (ORM booleans) or echoed after upload.</summary>
        public enum ImageForm
        {
            Query,
            Deleted,
            Uploaded,
        }

        public static void Image(Utf8JsonWriter w, StickyImage i, ImageForm form, string url = null, string uploadedDeviceVersion = null)
        {
            w.WriteStartObject();
            Common(w, i.DateTimeCreated, i.ApiVersion, i.ApiUserId);
            if (form == ImageForm.Uploaded)
            {
                w.WriteNull("id");
            }
            else
            {
                WriteLong(w, "id", i.Id);
            }

            w.WriteString("device", i.Device);
            WriteDate(w, "datetime", i.DateTime);
            w.WriteString("md5", i.Md5);
            WriteString(w, "device_version", form == ImageForm.Uploaded ? uploadedDeviceVersion : i.DeviceVersion);
            w.WriteNumber("width", i.Width);
            w.WriteNumber("height", i.Height);
            if (form == ImageForm.Uploaded)
            {
                // Echo of the parsed values, as upstream builds it before the insert.
                WriteFloat(w, "lat", i.Lat);
                WriteFloat(w, "lng", i.Lng);
                WriteFloat(w, "alt", i.Alt);
                WriteFloat(w, "temp", i.Temp);
                WriteFloat(w, "hum", i.Hum);
                WriteFloat(w, "lum", i.Lum);
                WriteFloat(w, "bat", i.Bat);
            }
            else
            {
                WriteDecimal6(w, "lat", i.Lat);
                WriteDecimal6(w, "lng", i.Lng);
                WriteSmallInt(w, "alt", i.Alt);
                WriteSingle(w, "temp", i.Temp);
                WriteSingle(w, "hum", i.Hum);
                WriteSingle(w, "lum", i.Lum);
                WriteSmallInt(w, "bat", i.Bat);
            }

            if (i.But == null)
            {
                w.WriteNull("but");
            }
            else if (form == ImageForm.Query)
            {
                w.WriteNumber("but", i.But.Value ? 1 : 0);
            }
            else
            {
                w.WriteBoolean("but", i.But.Value);
            }

            if (form == ImageForm.Query)
            {
                w.WriteString("url", url ?? string.Empty);
            }

            w.WriteEndObject();
        }

        public static void Annotation(Utf8JsonWriter w, UidAnnotation a, bool includeJson, bool blankJson)
        {
            w.WriteStartObject();
            Common(w, a.DateTimeCreated, a.ApiVersion, a.ApiUserId);
            WriteLong(w, "id", a.Id);
            w.WriteNumber("parent_image_id", a.ParentImageId);
            w.WriteString("algo_name", a.AlgoName);
            w.WriteString("algo_version", a.AlgoVersion);
            w.WriteNumber("n_objects", a.NObjects);
            if (blankJson)
            {
                w.WriteString("json", string.Empty);
            }
            else if (includeJson)
            {
                WriteString(w, "json", a.Json);
            }

            w.WriteEndObject();
        }

        public static void Tuboid(Utf8JsonWriter w, TiledTuboid t, Func<string, string> url)
        {
            w.WriteStartObject();
            Common(w, t.DateTimeCreated, t.ApiVersion, t.ApiUserId);
            WriteLong(w, "id", t.Id);
            w.WriteNumber("parent_series_id", t.ParentSeriesId);
            w.WriteString("tuboid_id", t.TuboidId);
            w.WriteNumber("id_in_series", t.IdInSeries);
            WriteDate(w, "start_datetime", t.StartDateTime);
            WriteDate(w, "end_datetime", t.EndDateTime);
            w.WriteNumber("n_shots", t.NShots);
            WriteString(w, "algo_name_series", t.AlgoNameSeries);
            WriteString(w, "algo_version_series", t.AlgoVersionSeries);
            w.WriteNumber("n_tuboids_series", t.NTuboidsSeries);
            WriteString(w, "device_series", t.DeviceSeries);
            WriteDate(w, "start_datetime_series", t.StartDateTimeSeries);
            WriteDate(w, "end_datetime_series", t.EndDateTimeSeries);
            if (url != null)
            {
                WriteString(w, "tuboid", url(t.TuboidFile));
                WriteString(w, "metadata", url(t.MetadataFile));
                WriteString(w, "context", url(t.ContextFile));
            }

            w.WriteEndObject();
        }

        public static void Series(Utf8JsonWriter w, TuboidSeries s)
        {
            w.WriteStartObject();
            Common(w, s.DateTimeCreated, s.ApiVersion, s.ApiUserId);
            w.WriteNumber("id", s.Id);
            w.WriteString("device", s.Device);
            WriteDate(w, "start_datetime", s.StartDateTime);
            WriteDate(w, "end_datetime", s.EndDateTime);
            w.WriteNumber("n_images", s.NImages);
            w.WriteNumber("n_tuboids", s.NTuboids);
            w.WriteString("algo_name", s.AlgoName);
            w.WriteString("algo_version", s.AlgoVersion);
            w.WriteEndObject();
        }

        public static void Label(Utf8JsonWriter w, ItcLabel l, bool nullId)
        {
            w.WriteStartObject();
            Common(w, l.DateTimeCreated, l.ApiVersion, l.ApiUserId);
            WriteLong(w, "id", nullId ? null : l.Id); // upstream echoes a put label's id as null

            w.WriteNumber("parent_tuboid_id", l.ParentTuboidId);
            w.WriteString("algo_name", l.AlgoName);
            w.WriteString("algo_version", l.AlgoVersion);
            w.WriteNumber("label", l.Label);
            w.WriteString("pattern", l.Pattern);
            w.WriteString("type", l.Type);
            WriteString(w, "order", l.Order);
            WriteString(w, "family", l.Family);
            WriteString(w, "genus", l.Genus);
            WriteString(w, "species", l.Species);
            w.WriteEndObject();
        }

        public static void Project(Utf8JsonWriter w, StickyProject p)
        {
            w.WriteStartObject();
            Common(w, p.DateTimeCreated, p.ApiVersion, p.ApiUserId);
            w.WriteNumber("id", p.Id);
            w.WriteString("name", p.Name);
            WriteString(w, "description", p.Description);
            WriteString(w, "notes", p.Notes);
            w.WriteEndObject();
        }

        public static void Permission(Utf8JsonWriter w, ProjectPermission p, bool nullId)
        {
            w.WriteStartObject();
            Common(w, p.DateTimeCreated, p.ApiVersion, p.ApiUserId);
            w.WriteNumber("parent_project_id", p.ProjectId);
            w.WriteNumber("parent_user_id", p.UserId);
            WriteLong(w, "id", nullId ? null : (long?)p.Id); // upstream echoes a put permission's id as null

            w.WriteNumber("level", (int)p.Level);
            w.WriteEndObject();
        }

        public static void ProjectSeries(Utf8JsonWriter w, ProjectSeriesRow r)
        {
            w.WriteStartObject();
            w.WriteNumber("id", r.Id);
            w.WriteString("device", r.Device);
            WriteDate(w, "start_datetime", r.StartDateTime);
            WriteDate(w, "end_datetime", r.EndDateTime);
            foreach (var c in r.Columns)
            {
                w.WritePropertyName(c.Key);
                WriteValue(w, c.Value);
            }

            w.WriteEndObject();
        }

        public static void BundleFile(Utf8JsonWriter w, MlBundleFile f, string path, string url)
        {
            w.WriteStartObject();
            w.WriteString("key", f.Key);
            w.WriteString("path", path);
            w.WriteString("md5", f.Md5 ?? string.Empty);
            WriteFloat(w, "mtime", f.MTimeSeconds);
            w.WriteString("url", url);
            w.WriteEndObject();
        }
    }
}
