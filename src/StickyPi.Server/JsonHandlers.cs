using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using static StickyPi.Server.WireJson;

namespace StickyPi.Server
{
    /// <summary>The JSON routes: map upstream's <c>info</c> to core calls and the results to upstream's rows. No rules here.</summary>
    public static class JsonHandlers
    {
        private static readonly string[] UserColumns = { "id", "username", "email", "is_admin", "can_write", "datetime_created", "api_version", "api_user_id" };
        private static readonly string[] ProjectColumns = { "id", "name", "description", "notes" };

        // ------------------------------------------------------------ tokens and users

        public static Task GetToken(ApiCall call)
        {
            if (call.Caller.Id == null)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "Only stored users get tokens.");
            }

            var now = System.DateTime.UtcNow;
            var token = call.Http.RequestServices.GetService(typeof(Credentials)) as Credentials;
            string text = token.Tokens.Issue(call.Caller.Id.Value, now);
            long expiration = ApiToken.ToUnixSeconds(now) + (long)ApiToken.Lifetime.TotalSeconds;
            return call.WriteObject(w =>
            {
                w.WriteStartObject();
                w.WriteString("token", text);
                w.WriteNumber("expiration", expiration);
                w.WriteEndObject();
            });
        }

        public static Task GetUsers(ApiCall call) => call.WriteRows(MatchUsers(call), WireRows.User);

        public static Task PutUsers(ApiCall call)
        {
            var items = Objects(call.Body);
            var submissions = new List<StickyUserSubmission>();
            try
            {
                for (int i = 0; i < items.Count; i++)
                {
                    var o = items[i];
                    OnlyKeys(o, i, "username", "password", "email", "is_admin", "can_write");
                    var password = String(o, "password", true);
                    submissions.Add(new StickyUserSubmission
                    {
                        UserName = String(o, "username", true),
                        Password = password.ToCharArray(),
                        Email = String(o, "email", false),
                        IsAdmin = Boolean(o, "is_admin") ?? false,
                        CanWrite = Boolean(o, "can_write") ?? true,
                    });
                }

                var stored = call.Backend.PutUsers(call.Caller, submissions);
                // Upstream answers with the last user of the batch only (spec §8 #7); clients expect that shape.
                return call.WriteRows(stored.Count == 0 ? stored : new[] { stored[stored.Count - 1] }, WireRows.User);
            }
            finally
            {
                foreach (var s in submissions)
                {
                    s.Clear();
                }
            }
        }

        public static Task DeleteUsers(ApiCall call)
        {
            var names = MatchUsers(call).Select(u => u.UserName).Distinct(StringComparer.Ordinal).ToList();
            var deleted = names.Count == 0 ? (IReadOnlyList<StickyUser>)new StickyUser[0] : call.Backend.DeleteUsers(call.Caller, names);
            return call.WriteRows(deleted, WireRows.User);
        }

        /// <summary>Upstream's user filters: each object a conjunction of column LIKE value; results concatenated.</summary>
        private static IEnumerable<StickyUser> MatchUsers(ApiCall call)
        {
            var filters = Objects(call.Body);
            var result = new List<StickyUser>();
            for (int i = 0; i < filters.Count; i++)
            {
                var f = filters[i];
                OnlyKeys(f, i, UserColumns);
                var like = Text(f, "username") ?? "%";
                var others = f.EnumerateObject().Where(p => p.Name != "username").Select(p => (p.Name, Text(f, p.Name))).ToList();
                foreach (var u in call.Backend.GetUsers(call.Caller, like))
                {
                    if (others.All(o => o.Item2 == null || CatalogFilter.Like(o.Item2, UserColumn(u, o.Item1))))
                    {
                        result.Add(u);
                    }
                }
            }

            return result;
        }

        private static string UserColumn(StickyUser u, string column)
        {
            switch (column)
            {
                case "id": return u.Id.ToString(CultureInfo.InvariantCulture);
                case "email": return u.Email;
                case "is_admin": return u.IsAdmin ? "1" : "0";
                case "can_write": return u.CanWrite ? "1" : "0";
                case "datetime_created": return StickyTime.ToDatabase(u.DateTimeCreated);
                case "api_version": return u.ApiVersion;
                case "api_user_id": return u.ApiUserId?.ToString(CultureInfo.InvariantCulture);
                default: return u.UserName;
            }
        }

        // ------------------------------------------------------------ projects and permissions

        private static List<StickyProjectFilter> ProjectFilters(ApiCall call, bool acceptProjectId)
        {
            var list = new List<StickyProjectFilter>();
            var items = Objects(call.Body);
            for (int i = 0; i < items.Count; i++)
            {
                var o = items[i];
                if (acceptProjectId)
                {
                    OnlyKeys(o, i, "id", "name", "description", "notes", "project_id");
                }
                else
                {
                    OnlyKeys(o, i, ProjectColumns);
                }

                var id = Has(o, "id") ? Integer(o, "id", false) : (acceptProjectId ? Integer(o, "project_id", false) : null);
                list.Add(new StickyProjectFilter
                {
                    Id = id,
                    NameLike = Text(o, "name"),
                    DescriptionLike = Text(o, "description"),
                    NotesLike = Text(o, "notes"),
                });
            }

            return list;
        }

        public static Task GetProjects(ApiCall call) =>
            call.WriteRows(call.Backend.GetProjects(call.Caller, ProjectFilters(call, false)), WireRows.Project);

        public static Task PutProjects(ApiCall call)
        {
            var items = Objects(call.Body);
            for (int i = 0; i < items.Count; i++)
            {
                OnlyKeys(items[i], i, "name", "description", "notes");
                String(items[i], "name", true);
            }

            var stored = items.Select(o => call.Backend.AddProject(call.Caller, String(o, "name", true), String(o, "description", false), String(o, "notes", false))).ToList();
            return call.WriteRows(stored, WireRows.Project);
        }

        public static Task DeleteProjects(ApiCall call) =>
            call.WriteRows(call.Backend.DeleteProjects(call.Caller, ProjectFilters(call, false)), WireRows.Project);

        public static Task GetProjectPermissions(ApiCall call) =>
            call.WriteRows(call.Backend.GetProjectPermissions(call.Caller, ProjectFilters(call, true)), (w, p) => WireRows.Permission(w, p, false));

        public static Task PutProjectPermissions(ApiCall call)
        {
            var items = Objects(call.Body);
            var parsed = new List<(long Project, long User, int Level)>();
            for (int i = 0; i < items.Count; i++)
            {
                OnlyKeys(items[i], i, "project_id", "user_id", "level");
                parsed.Add((Integer(items[i], "project_id", true).Value, Integer(items[i], "user_id", true).Value, (int)Integer(items[i], "level", true).Value));
            }

            var stored = parsed.Select(p => call.Backend.PutProjectPermission(call.Caller, p.Project, p.User, p.Level)).ToList();
            // Upstream echoes the rows built before the commit, with a null id.
            return call.WriteRows(stored, (w, p) => WireRows.Permission(w, p, true));
        }

        /// <summary>
        /// Not in upstream's protocol, which cannot revoke a permission: <c>[{project_id, username}]</c>, each revoked in
        /// turn with the embedded store's rules (level 3 on the project or a global administrator; never the last level-3
        /// holder); answers the deleted rows. An error stops the request; earlier items stay revoked.
        /// </summary>
        public static Task DeleteProjectPermissions(ApiCall call)
        {
            var items = Objects(call.Body);
            var parsed = new List<(long Project, string User)>();
            for (int i = 0; i < items.Count; i++)
            {
                OnlyKeys(items[i], i, "project_id", "username");
                string user = Text(items[i], "username");
                if (string.IsNullOrEmpty(user))
                {
                    throw new ApiException(400, "Item " + i + " needs a username.", field: "username", errorId: "ValueRequired");
                }

                parsed.Add((Integer(items[i], "project_id", true).Value, user));
            }

            var deleted = parsed.Select(p => call.Backend.DeleteProjectPermission(call.Caller, p.Project, p.User)).ToList();
            return call.WriteRows(deleted, (w, p) => WireRows.Permission(w, p, false));
        }

        // ------------------------------------------------------------ project series and columns

        public static Task GetProjectSeries(ApiCall call) =>
            call.WriteRows(ProjectIds(call.Body).SelectMany(id => call.Backend.GetProjectSeries(call.Caller, id)), WireRows.ProjectSeries);

        public static Task PutProjectSeries(ApiCall call)
        {
            var items = Objects(call.Body);
            var stored = new List<ProjectSeriesRow>();
            foreach (var o in items)
            {
                long project = Integer(o, "project_id", true).Value;
                long? id = Integer(o, "id", false);
                var values = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach (var p in o.EnumerateObject())
                {
                    if (p.Name == "project_id" || p.Name == "id")
                    {
                        continue;
                    }

                    if (id.GetValueOrDefault() == 0 && (p.Name == "device" || p.Name == "start_datetime" || p.Name == "end_datetime"))
                    {
                        continue;
                    }

                    values[p.Name] = ColumnValue(p.Value, p.Name);
                }

                stored.Add(id.GetValueOrDefault() != 0
                    ? call.Backend.SetProjectSeries(call.Caller, project, id.Value, values)
                    : call.Backend.AddProjectSeries(call.Caller, project, String(o, "device", true), DateTime(o, "start_datetime", true).Value,
                        DateTime(o, "end_datetime", true).Value, values));
            }

            return call.WriteRows(stored, WireRows.ProjectSeries);
        }

        /// <summary>A custom column value: datetime-shaped strings become datetimes (as upstream's input conversion does), numbers stay numbers.</summary>
        private static object ColumnValue(JsonElement v, string name)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.Null: return null;
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                case JsonValueKind.Number: return v.TryGetInt64(out long l) ? (object)l : v.GetDouble();
                case JsonValueKind.String:
                    var s = v.GetString();
                    return StickyTime.TryParseWire(s, out var d) ? (object)d : s;
                default: throw ApiException.BadField(name, "The column '" + name + "' takes a string, a number, a boolean or null, not " + Describe(v) + ".");
            }
        }

        public static Task DeleteProjectSeries(ApiCall call)
        {
            var items = Objects(call.Body);
            var keys = new List<(long, long)>();
            for (int i = 0; i < items.Count; i++)
            {
                OnlyKeys(items[i], i, "project_id", "id");
                keys.Add((Integer(items[i], "project_id", true).Value, Integer(items[i], "id", true).Value));
            }

            return call.WriteRows(keys.Select(k => call.Backend.DeleteProjectSeries(call.Caller, k.Item1, k.Item2)).ToList(), WireRows.ProjectSeries);
        }

        public static Task PutProjectColumns(ApiCall call)
        {
            var items = Objects(call.Body);
            var done = new List<(string Name, string Type)>();
            for (int i = 0; i < items.Count; i++)
            {
                var o = items[i];
                OnlyKeys(o, i, "project_id", "column_name", "column_SQL_type", "old_column_name");
                long project = Integer(o, "project_id", true).Value;
                string name = String(o, "column_name", true);
                string old = String(o, "old_column_name", false);
                if (old != null)
                {
                    call.Backend.RenameProjectColumn(call.Caller, project, old, name);
                    done.Add((name, null));
                }
                else
                {
                    string type = String(o, "column_SQL_type", true);
                    if (!ProjectColumnType.TryParse(type, out var parsed))
                    {
                        throw ApiException.BadField("column_SQL_type", "Column type '" + type + "' is not one of " + ProjectColumnType.AcceptedTypes + ".");
                    }

                    call.Backend.AddProjectColumn(call.Caller, project, name, parsed);
                    done.Add((name, type));
                }
            }

            return call.WriteRows(done, (w, c) =>
            {
                w.WriteStartObject();
                w.WriteString("column_name", c.Name);
                WriteString(w, "column_SQL_type", c.Type);
                w.WriteEndObject();
            });
        }

        public static Task DeleteProjectColumns(ApiCall call)
        {
            var items = Objects(call.Body);
            var done = new List<string>();
            for (int i = 0; i < items.Count; i++)
            {
                OnlyKeys(items[i], i, "project_id", "column_name");
                var column = call.Backend.RemoveProjectColumn(call.Caller, Integer(items[i], "project_id", true).Value, String(items[i], "column_name", true));
                done.Add(column?.Name ?? String(items[i], "column_name", true));
            }

            return call.WriteRows(done, (w, c) =>
            {
                w.WriteStartObject();
                w.WriteString("column_name", c);
                w.WriteEndObject();
            });
        }

        // ------------------------------------------------------------ images

        private static ImageFileKind Kind(string what)
        {
            switch (what)
            {
                case "image": return ImageFileKind.Image;
                case "thumbnail": return ImageFileKind.Thumbnail;
                case "thumbnail-mini": return ImageFileKind.ThumbnailMini;
                default: return ImageFileKind.Metadata;
            }
        }

        private static ImageSeriesQuery SeriesQuery(JsonElement o) =>
            new ImageSeriesQuery(Device(o), DateTime(o, "start_datetime", true).Value, DateTime(o, "end_datetime", true).Value);

        private static void WriteImage(ApiCall call, Utf8JsonWriter w, StickyImage i, ImageFileKind kind) =>
            WireRows.Image(w, i, WireRows.ImageForm.Query, kind == ImageFileKind.Metadata ? string.Empty : call.Url(i.Url));

        public static Task GetImages(ApiCall call)
        {
            var keys = Objects(call.Body).Select(ImageKey).ToList();
            var kind = Kind(call.What);
            return call.WriteRows(keys.Count == 0 ? Enumerable.Empty<StickyImage>() : call.Backend.GetImages(call.Caller, keys, kind), (w, i) => WriteImage(call, w, i, kind));
        }

        public static Task GetImageSeries(ApiCall call)
        {
            var queries = Objects(call.Body).Select(SeriesQuery).ToList();
            var kind = Kind(call.What);
            return call.WriteRows(queries.SelectMany(q => call.Backend.GetImageSeries(call.Caller, q, kind)), (w, i) => WriteImage(call, w, i, kind));
        }

        public static Task GetImagesToAnnotate(ApiCall call)
        {
            var items = Objects(call.Body);
            var parsed = items.Select(o => (Name: String(o, "algo_name", true), Version: String(o, "algo_version", true), Query: SeriesQuery(o))).ToList();
            var kind = Kind(call.What);
            var result = new List<StickyImage>();
            foreach (var p in parsed)
            {
                if (result.Count >= 8)
                {
                    break;
                }

                result.AddRange(call.Backend.GetImagesToAnnotate(call.Caller, p.Name, p.Version, p.Query, kind));
            }

            return call.WriteRows(result.Take(8), (w, i) => WriteImage(call, w, i, kind));
        }

        public static Task DeleteImages(ApiCall call)
        {
            var keys = Objects(call.Body).Select(ImageKey).ToList();
            return call.WriteRows(call.Backend.DeleteImages(call.Caller, keys), (w, i) => WireRows.Image(w, i, WireRows.ImageForm.Deleted));
        }

        // ------------------------------------------------------------ annotations

        public static Task PutUidAnnotations(ApiCall call)
        {
            var items = Objects(call.Body);
            var submissions = new List<UidAnnotationSubmission>();
            for (int i = 0; i < items.Count; i++)
            {
                submissions.Add(UidAnnotationSubmission.FromJson(items[i].GetRawText(), "[" + i + "]"));
            }

            var stored = call.Backend.PutUidAnnotations(call.Caller, submissions);
            return call.WriteRows(stored, (w, a) => WireRows.Annotation(w, a, false, true));
        }

        public static Task GetUidAnnotations(ApiCall call)
        {
            var keys = Objects(call.Body).Select(ImageKey).ToList();
            bool json = call.What != "metadata";
            return call.WriteRows(keys.Count == 0 ? Enumerable.Empty<UidAnnotation>() : call.Backend.GetUidAnnotations(call.Caller, keys, json),
                (w, a) => WireRows.Annotation(w, a, json, false));
        }

        public static Task GetUidAnnotationsSeries(ApiCall call)
        {
            var queries = Objects(call.Body).Select(SeriesQuery).ToList();
            bool json = call.What != "metadata";
            return call.WriteRows(queries.SelectMany(q => call.Backend.GetUidAnnotationSeries(call.Caller, q, json)), (w, a) => WireRows.Annotation(w, a, json, false));
        }

        // ------------------------------------------------------------ tuboids and labels

        private static TuboidQuery TuboidQueryOf(JsonElement o) =>
            new TuboidQuery(Device(o), DateTime(o, "start_datetime", true).Value, DateTime(o, "end_datetime", true).Value);

        public static Task GetTiledTuboidSeries(ApiCall call)
        {
            var queries = Objects(call.Body).Select(TuboidQueryOf).ToList();
            bool data = call.What == "data";
            Func<string, string> url = data ? call.Url : (Func<string, string>)null;
            return call.WriteRows(queries.SelectMany(q => call.Backend.GetTiledTuboidSeries(call.Caller, q, data)), (w, t) => WireRows.Tuboid(w, t, url));
        }

        public static Task DeleteTiledTuboids(ApiCall call)
        {
            var queries = Objects(call.Body).Select(TuboidQueryOf).ToList();
            var deleted = new List<TuboidSeries>();
            foreach (var q in queries)
            {
                deleted.AddRange(call.Backend.DeleteTiledTuboids(call.Caller, q));
            }

            return call.WriteRows(deleted, WireRows.Series);
        }

        public static Task PutItcLabels(ApiCall call)
        {
            var items = Objects(call.Body);
            var labels = new List<ItcLabelSubmission>();
            foreach (var o in items)
            {
                var label = new ItcLabelSubmission
                {
                    TuboidId = String(o, "tuboid_id", true),
                    AlgoName = String(o, "algo_name", true),
                    AlgoVersion = String(o, "algo_version", true),
                    Label = (int)Integer(o, "label", true).Value,
                    Pattern = String(o, "pattern", true),
                    Type = String(o, "type", true),
                    Order = String(o, "order", false),
                    Family = String(o, "family", false),
                    Genus = String(o, "genus", false),
                    Species = String(o, "species", false),
                };
                label.Validate();
                labels.Add(label);
            }

            var results = call.Backend.PutItcLabels(call.Caller, labels);
            var failed = results.FirstOrDefault(r => !r.Succeeded);
            if (failed != null)
            {
                throw failed.Error;
            }

            return call.WriteRows(results.Select(r => r.Label), (w, l) => WireRows.Label(w, l, true));
        }

        public static Task GetItcLabels(ApiCall call)
        {
            var ids = Objects(call.Body).Select(o => String(o, "tuboid_id", true)).ToList();
            return call.WriteRows(ids.Count == 0 ? Enumerable.Empty<ItcLabel>() : call.Backend.GetItcLabels(call.Caller, ids), (w, l) => WireRows.Label(w, l, false));
        }

        // ------------------------------------------------------------ ML bundles

        public static Task GetMlBundleFileList(ApiCall call)
        {
            if (call.Body.ValueKind != JsonValueKind.String)
            {
                throw ApiException.BadField("$", "The body must be the bundle name as a JSON string, not " + Describe(call.Body) + ".");
            }

            var selection = call.What == "data" ? MlBundleSelection.Data : call.What == "model" ? MlBundleSelection.Model : MlBundleSelection.All;
            var files = call.Backend.GetMlBundleFileList(call.Caller, call.Body.GetString(), selection, call.Http.RequestAborted);
            return call.WriteRows(files, (w, f) =>
            {
                var location = f.Url ?? f.Path;
                WireRows.BundleFile(w, f, call.Urls.KeyOf(location) ?? string.Empty, call.Url(location));
            });
        }

        public static Task GetMlBundleUploadLinks(ApiCall call)
        {
            var items = Objects(call.Body);
            var entries = new List<(JsonElement Source, MlBundleFile File)>();
            foreach (var o in items)
            {
                var file = new MlBundleFile(String(o, "bundle_name", true), String(o, "key", true), String(o, "path", false), String(o, "md5", true),
                    MlBundleFile.FromUnixSeconds(Number(o, "mtime", true).Value), 0);
                entries.Add((o, file));
            }

            var targets = call.Backend.GetMlBundleUploadTargets(call.Caller, entries.Select(e => e.File), call.Http.RequestAborted);
            var wanted = new Dictionary<(string, string), string>();
            foreach (var t in targets)
            {
                wanted[(t.BundleName, t.Key)] = call.Urls.KeyOf(t.Url);
            }

            var answer = entries.Where(e => wanted.ContainsKey((e.File.BundleName, e.File.Key))).ToList();
            return call.WriteRows(answer, (w, e) =>
            {
                w.WriteStartObject();
                foreach (var p in e.Source.EnumerateObject())
                {
                    if (p.Name != "url")
                    {
                        p.WriteTo(w);
                    }
                }

                var key = wanted[(e.File.BundleName, e.File.Key)];
                var link = call.Urls.Upload(call.Http, key);
                w.WritePropertyName("url");
                w.WriteStartObject();
                w.WriteString("url", link.Url);
                w.WritePropertyName("fields");
                w.WriteStartObject();
                w.WriteString("key", link.Key);
                w.WriteString("expires", link.Expires);
                w.WriteString("signature", link.Signature);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            });
        }
    }
}
