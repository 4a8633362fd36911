using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// A Sticky Pi server (StickyPi.Server or upstream's) as a back-end, over upstream's wire protocol, one partial file
    /// per API area: users and images (here; the import pipeline with a sink that sends, the stat cache kept on this
    /// machine per server), UID annotations, tuboids and ITC labels, projects, ML bundles. The local store's checks run
    /// before anything is sent, so a remote caller gets the same error ids. Operations the protocol has no route for
    /// (listing a project's columns, bundle-name completion; revoking a permission on upstream's server) are refused
    /// with <c>NotAvailableRemotely</c>, naming the operation.
    /// </summary>
    public sealed partial class RemoteStickyBackend : IStickyBackend
    {
        private readonly StickyApiClient _client;
        private readonly string _cacheDirectory;

        /// <summary>0: not asked yet; 1: StickyPi.Server; 2: another server (upstream's).</summary>
        private int _serverKind;

        /// <summary>StickyPi.Server's cap on one completion request.</summary>
        private const int MaxCompletionLimit = 1000;

        private RemoteStickyBackend(StickyApiClient client, string cacheDirectory)
        {
            _client = client;
            _cacheDirectory = cacheDirectory;
        }

        /// <summary>
        /// Connects as <paramref name="userName"/>: the credentials are checked now (a token is fetched) and the user's
        /// role read, so a wrong password fails here rather than at the first file. Returns the back-end and the caller.
        /// </summary>
        /// <param name="endpoint">The server's root URL.</param>
        /// <param name="userName">The server user.</param>
        /// <param name="password">Its password.</param>
        /// <param name="caller">The user as the server sees it (id and role).</param>
        /// <param name="cacheRoot">Where the stat caches of remote imports live (one folder per server); default: the user's local application data.</param>
        /// <param name="handler">The HTTP stack (tests, proxies; not disposed with the back-end); the default handler when null.</param>
        public static RemoteStickyBackend Connect(Uri endpoint, string userName, string password, out CallerIdentity caller, string cacheRoot = null, System.Net.Http.HttpMessageHandler handler = null)
        {
            var client = new StickyApiClient(endpoint, userName, password, handler);
            try
            {
                var backend = new RemoteStickyBackend(client, CacheDirectory(cacheRoot, client.Endpoint));
                caller = backend.GetCallerIdentity(userName);
                return backend;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        public string Kind => "Remote";

        public string Location => _client.Endpoint.AbsoluteUri;

        public IStickyFileStorage Files => throw NotRemote("the file storage");

        public InputLimits Limits => InputLimits.Default;

        // ------------------------------------------------------------ users

        /// <summary>The user's role as the server sees it (a read-only user may list users, spec §1.4).</summary>
        public CallerIdentity GetCallerIdentity(string userName)
        {
            var user = GetUser(null, userName) ?? throw new StickyPiException(StickyErrorIds.RemoteAccessDenied, StickyErrorKind.PermissionDenied,
                "The server at " + Location + " has no user '" + userName + "'.", userName);
            return new CallerIdentity(user.Id, user.UserName, user.CanWrite, user.IsAdmin);
        }

        public IEnumerable<StickyUser> GetUsers(CallerIdentity caller, string userNameLike = "%")
        {
            using (var answer = _client.PostJson("get_users", JsonSerializer.Serialize(new[] { new Dictionary<string, string> { ["username"] = userNameLike ?? "%" } })))
            {
                return RemoteImageSink.Rows(answer, "get_users").Select(ReadUser).ToList();
            }
        }

        /// <summary>The user with exactly this name (upstream's filter is a LIKE: <c>_</c> and <c>%</c> match others too).</summary>
        public StickyUser GetUser(CallerIdentity caller, string userName)
        {
            var matches = GetUsers(caller, userName).ToList();
            return matches.FirstOrDefault(u => string.Equals(u.UserName, userName, StringComparison.Ordinal))
                ?? matches.FirstOrDefault(u => string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase));
        }

        public CallerIdentity FindCallerIdentity(long userId) => throw NotRemote("finding a user by id");

        public bool VerifyPassword(string userName, char[] password) => throw NotRemote("checking a password");

        /// <summary>
        /// Creates a user on the server (<c>put_users</c>; the server checks the caller's role). The embedded store's
        /// checks come first (a name of at most 32 characters, an email of at most 64, a password), with its error ids.
        /// </summary>
        public StickyUser AddUser(CallerIdentity caller, string userName, char[] password, string email = null, bool isAdmin = false, bool canWrite = true)
        {
            UserRules.CheckSubmissions(new[] { new StickyUserSubmission { UserName = userName, Password = password, Email = email, IsAdmin = isAdmin, CanWrite = canWrite } });

            var item = new Dictionary<string, object>
            {
                ["username"] = userName,
                ["password"] = new string(password),
                ["is_admin"] = isAdmin,
                ["can_write"] = canWrite,
            };
            if (email != null)
            {
                item["email"] = email;
            }

            // Upstream answers with the last user of the batch (spec §3.6); one user per call, so it is this one.
            using (var answer = _client.PostJson("put_users", JsonSerializer.Serialize(new[] { item })))
            {
                return RemoteImageSink.Rows(answer, "put_users").Select(ReadUser).FirstOrDefault(u => u.UserName == userName)
                    ?? GetUser(caller, userName)
                    ?? throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                        "The server at " + Location + " accepted user '" + userName + "' but did not return it.", userName);
            }
        }

        public IReadOnlyList<StickyUser> PutUsers(CallerIdentity caller, IEnumerable<StickyUserSubmission> users) => throw NotRemote("adding users in a batch");

        /// <summary>
        /// Deletes users by exact name. Upstream's filter is a LIKE, so each name is escaped and first looked up: if the
        /// server's LIKE would match anyone else, nothing is deleted for that name (an error says so).
        /// </summary>
        public IReadOnlyList<StickyUser> DeleteUsers(CallerIdentity caller, IEnumerable<string> userNames)
        {
            var deleted = new List<StickyUser>();
            foreach (var name in (userNames ?? throw new ArgumentNullException(nameof(userNames))).Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal))
            {
                string pattern = EscapeLike(name);
                var matches = GetUsers(caller, pattern).ToList();
                if (matches.Count == 0)
                {
                    continue;
                }

                if (matches.Any(u => !string.Equals(u.UserName, name, StringComparison.Ordinal)))
                {
                    throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.Conflict,
                        "Not removing '" + name + "': the server at " + Location + " matches it with " +
                        string.Join(", ", matches.Select(u => "'" + u.UserName + "'")) + " too (its user filter is a LIKE).", name);
                }

                using (var answer = _client.PostJson("delete_users", JsonSerializer.Serialize(new[] { new Dictionary<string, string> { ["username"] = pattern } })))
                {
                    deleted.AddRange(RemoteImageSink.Rows(answer, "delete_users").Select(ReadUser));
                }
            }

            return deleted;
        }

        // ------------------------------------------------------------ images

        public IEnumerable<StickyImage> GetImages(CallerIdentity caller, IEnumerable<ImageKey> keys, ImageFileKind what = ImageFileKind.Metadata)
        {
            var list = (keys ?? throw new ArgumentNullException(nameof(keys))).Where(k => k.Device != null).Distinct().ToList();
            return ImagesByKeys(list, What(what));
        }

        public IEnumerable<StickyImage> GetImageSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what = ImageFileKind.Metadata)
        {
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            var body = JsonSerializer.Serialize(new[]
            {
                new Dictionary<string, string>
                {
                    ["device"] = query.DeviceLikePattern,
                    ["start_datetime"] = StickyTime.ToWire(query.Start),
                    ["end_datetime"] = StickyTime.ToWire(query.End),
                },
            });
            using (var answer = _client.PostJson("get_image_series/" + What(what), body))
            {
                // Upstream's queries have no ORDER BY (spec, open questions); the embedded store and ours sort by device, datetime.
                return InKeyOrder(RemoteImageSink.Rows(answer, "get_image_series").Select(WireImageRow.Read));
            }
        }

        public string GetStoredMd5(ImageKey key) => GetStoredMd5s(new[] { key }).TryGetValue(key, out var md5) ? md5 : null;

        public IDictionary<ImageKey, string> GetStoredMd5s(IEnumerable<ImageKey> keys) => new RemoteImageSink(_client).GetStoredMd5s(keys);

        public IReadOnlyList<StickyImage> DeleteImages(CallerIdentity caller, IEnumerable<ImageKey> keys)
        {
            var list = (keys ?? throw new ArgumentNullException(nameof(keys))).Where(k => k.Device != null).Distinct().ToList();
            var deleted = new List<StickyImage>();
            for (int start = 0; start < list.Count; start += RemoteImageSink.LookupChunk)
            {
                using (var answer = _client.PostJson("delete_images", RemoteImageSink.KeysJson(list.Skip(start).Take(RemoteImageSink.LookupChunk))))
                {
                    deleted.AddRange(RemoteImageSink.Rows(answer, "delete_images").Select(WireImageRow.Read));
                }
            }

            return deleted;
        }

        public IImageImportSession BeginImageImport(CallerIdentity caller, ImageImportOptions options)
        {
            Directory.CreateDirectory(_cacheDirectory);
            return new ImageImportPipeline<StickyImage>(new RemoteImageSink(_client), caller, _cacheDirectory, options);
        }

        public StagedImage StageImage(ParsedImage parsed, byte[] originalBytes, int length) => throw NotRemote("staging images (use the import)");

        public IReadOnlyList<StickyImage> CommitStagedImages(CallerIdentity caller, IReadOnlyList<StagedImage> batch, bool replaceExisting) =>
            throw NotRemote("committing staged images (use the import)");

        public IReadOnlyList<StickyImage> PutImages(CallerIdentity caller, IEnumerable<(ParsedImage parsed, byte[] bytes)> images) =>
            throw NotRemote("storing parsed images (use the import)");

        // ------------------------------------------------------------ completion

        /// <summary>The server's user names that start with what was typed (its LIKE, with the typed text escaped).</summary>
        public IReadOnlyList<string> CompleteUserNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            GetUsers(caller, EscapeLike(typed ?? string.Empty) + "%").Select(u => u.UserName).OrderBy(n => n, StringComparer.Ordinal).Take(Math.Max(0, limit)).ToList();

        public void Dispose() => _client.Dispose();

        // ------------------------------------------------------------ helpers

        /// <summary>One folder per server (scheme, host, port) under <paramref name="root"/>.</summary>
        private static string CacheDirectory(string root, Uri endpoint)
        {
            root = root ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "StickyPi", "remote");
            string name = endpoint.Scheme + "_" + endpoint.Host + "_" + endpoint.Port;
            foreach (var c in Path.GetInvalidFileNameChars())
            {
                name = name.Replace(c, '_');
            }

            return Path.Combine(root, name);
        }

        /// <summary>A name as a LIKE pattern that matches only itself (escape <c>\</c>, as MariaDB's default and our server's).</summary>
        private static string EscapeLike(string name) => name.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

        private static string What(ImageFileKind what)
        {
            switch (what)
            {
                case ImageFileKind.Metadata: return "metadata";
                case ImageFileKind.Image: return "image";
                case ImageFileKind.Thumbnail: return "thumbnail";
                case ImageFileKind.ThumbnailMini: return "thumbnail-mini";
                default: throw new ArgumentOutOfRangeException(nameof(what));
            }
        }

        private IEnumerable<StickyImage> ImagesByKeys(List<ImageKey> list, string what)
        {
            for (int start = 0; start < list.Count; start += RemoteImageSink.LookupChunk)
            {
                List<StickyImage> rows;
                using (var answer = _client.PostJson("get_images/" + what, RemoteImageSink.KeysJson(list.Skip(start).Take(RemoteImageSink.LookupChunk))))
                {
                    rows = InKeyOrder(RemoteImageSink.Rows(answer, "get_images").Select(WireImageRow.Read));
                }

                foreach (var row in rows)
                {
                    yield return row;
                }
            }
        }

        /// <summary>Rows in the embedded store's order (device, then time), whatever order the server sent.</summary>
        private static List<StickyImage> InKeyOrder(IEnumerable<StickyImage> rows) =>
            rows.OrderBy(i => i.Device, StringComparer.Ordinal).ThenBy(i => i.DateTime).ToList();

        private static StickyUser ReadUser(JsonElement row) => new StickyUser
        {
            Id = row.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt64() : 0,
            UserName = row.TryGetProperty("username", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
            Email = row.TryGetProperty("email", out var email) && email.ValueKind == JsonValueKind.String ? email.GetString() : null,
            IsAdmin = Flag(row, "is_admin"),
            CanWrite = Flag(row, "can_write"),
        };

        private static bool Flag(JsonElement row, string name) =>
            row.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.Number && v.GetDouble() != 0));

        /// <summary>
        /// Whether the server is StickyPi.Server, which binds series values as parameters and has its own routes beside
        /// upstream's (completion, a project's columns, revoking a permission). It says so by answering an unknown route
        /// with its JSON error; any other server is taken to be upstream's. Asked once per connection.
        /// </summary>
        private bool IsStickyPiServer()
        {
            if (_serverKind == 0)
            {
                int kind;
                try
                {
                    using (_client.PostJson("stickypi_capabilities_probe", "[]"))
                    {
                    }

                    kind = 2;
                }
                catch (StickyPiException e) when (e.ErrorId == "NotFound")
                {
                    kind = 1;
                }
                catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.RemoteUnavailable)
                {
                    return false; // no answer: assume the stricter server this time, ask again next time
                }
                catch (StickyPiException)
                {
                    kind = 2;
                }

                _serverKind = kind;
            }

            return _serverKind == 1;
        }

        /// <summary>Names from one of StickyPi.Server's <c>complete_*</c> routes (the embedded store's completer, run by the server).</summary>
        private IReadOnlyList<string> OwnCompletion(string route, string typed, int limit)
        {
            if (limit <= 0)
            {
                return new string[0];
            }

            var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["typed"] = typed ?? string.Empty, ["limit"] = Math.Min(limit, MaxCompletionLimit) });
            using (var answer = _client.PostJson(route, body))
            {
                return RemoteImageSink.Rows(answer, route).Select(r => r.ValueKind == JsonValueKind.String ? r.GetString() : throw WireFields.Invalid("a " + route + " answer holds a non-string"))
                    .ToList();
            }
        }

        private StickyPiException NotRemote(string what) =>
            new StickyPiException(StickyErrorIds.NotAvailableRemotely, StickyErrorKind.ResourceUnavailable,
                "This operation (" + what + ") is not available on a remote connection yet (" + Location + "); connect to a local store for it.", Location);
    }
}
