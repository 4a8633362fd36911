using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;
using StickyPi.Core.Sync;
using StickyPi.SampleData;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>
    /// Our client side against a running server (ours or upstream's): fresh images sent through the import pipeline's
    /// sending sink, a re-run, a file that conflicts with a stored image, and a read-only user's attempt; what the server
    /// then holds is read with a plain HTTP request, not through the code under test.
    /// </summary>
    public sealed class ClientImport
    {
        public const int Count = 6;

        private static readonly CallerIdentity Sender = new CallerIdentity(null, "interop", canWrite: true, isAdmin: true);

        public List<ImageImportResult> First { get; private set; }

        public List<ImageImportResult> Rerun { get; private set; }

        public int OpenedOnRerun { get; private set; }

        public ImageImportResult Conflict { get; private set; }

        public List<ImageImportResult> ReadOnly { get; private set; }

        /// <summary>md5 of each sent file, by image file name.</summary>
        public Dictionary<string, string> Sent { get; } = new Dictionary<string, string>();

        /// <summary>md5 the server holds for those names afterwards (read without our client).</summary>
        public Dictionary<string, string> Stored { get; } = new Dictionary<string, string>();

        public static ClientImport Run(string baseUrl, ServerIdentity identity, string work, int seed)
        {
            var run = new ClientImport();
            string input = Path.Combine(work, "input"), cache = Path.Combine(work, "cache"), other = Path.Combine(work, "other");
            Directory.CreateDirectory(input);
            Directory.CreateDirectory(other);
            var start = new DateTime(2023, 3, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(seed % 300);
            var files = Enumerable.Range(0, Count)
                .Select(i => SampleImages.WriteImage(input, i % 2 == 0 ? "1b74105a" : "512858f4", start.AddMinutes(20 * i),
                    i % 2 == 0 ? SampleFormat.Legacy2020 : SampleFormat.Csv2022, 320, 240, seed + i))
                .ToList();
            foreach (var f in files)
            {
                run.Sent[Path.GetFileName(f)] = TestFiles.Md5(f);
            }

            var endpoint = new Uri(baseUrl);
            run.First = Import(endpoint, identity.AdminName, identity.AdminPassword, cache, files, out _);
            run.Rerun = Import(endpoint, identity.AdminName, identity.AdminPassword, cache, files, out int opened);
            run.OpenedOnRerun = opened;

            // Same name as a sent image, other pixels: a conflict decided by md5 before anything is sent.
            var key = StickyPi.Core.Parsing.ImageFileName.Parse(files[0]);
            string conflicting = SampleImages.WriteImage(other, key.Device, key.DateTime, SampleFormat.Legacy2020, 320, 240, seed + 500);
            run.Conflict = Import(endpoint, identity.AdminName, identity.AdminPassword, Path.Combine(work, "cache-2"), new[] { conflicting }, out _).Single();

            using (var admin = new StickyApiClient(endpoint, identity.AdminName, identity.AdminPassword))
            {
                admin.PostJson("put_users", "[{\"username\": \"interop_reader\", \"password\": \"reader-pass-1\", \"can_write\": false}]").Dispose();
            }

            var later = SampleImages.WriteImage(other, "1b74105a", start.AddDays(1), SampleFormat.Csv2022, 320, 240, seed + 900);
            run.ReadOnly = Import(endpoint, "interop_reader", "reader-pass-1", Path.Combine(work, "cache-3"), new[] { later }, out _);

            using (var http = new HttpClient())
            using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "get_images/metadata")))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(identity.AdminName + ":" + identity.AdminPassword)));
                var keys = files.Concat(new[] { later }).Select(f => StickyPi.Core.Parsing.ImageFileName.Parse(f))
                    .Select(k => new Dictionary<string, string> { ["device"] = k.Device, ["datetime"] = StickyTime.ToWire(k.DateTime) });
                request.Content = new StringContent(JsonSerializer.Serialize(keys), Encoding.UTF8, "application/json");
                using (var response = http.SendAsync(request).GetAwaiter().GetResult())
                using (var json = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult()))
                {
                    foreach (var row in json.RootElement.EnumerateArray())
                    {
                        var dt = DateTime.Parse(row.GetProperty("datetime").GetString(), null, System.Globalization.DateTimeStyles.AdjustToUniversal);
                        run.Stored[SampleImages.FileName(row.GetProperty("device").GetString(), dt)] = row.GetProperty("md5").GetString();
                    }
                }
            }

            // The module's remote back-end (what Connect-StickyApi -Uri opens) reading and deleting what was sent.
            using (var backend = RemoteStickyBackend.Connect(endpoint, identity.AdminName, identity.AdminPassword, out var caller, cacheRoot: Path.Combine(work, "backend-cache")))
            {
                run.BackendRole = caller.Role;
                run.Series = backend.GetImageSeries(caller, new ImageSeriesQuery("%", start, start.AddDays(1))).ToList();
                run.ByKey = backend.GetImages(caller, files.Select(f => StickyPi.Core.Parsing.ImageFileName.Parse(f))).ToList();
                run.Deleted = backend.DeleteImages(caller, new[] { StickyPi.Core.Parsing.ImageFileName.Parse(files[Count - 1]) }).ToList();
                run.SeriesAfterDelete = backend.GetImageSeries(caller, new ImageSeriesQuery("%", start, start.AddDays(1))).ToList();

                // Users by exact name, though the server's filter is a LIKE: a_b must not take axb with it.
                backend.AddUser(caller, "interop_axb", "other-password-1".ToCharArray());
                run.UserAdded = backend.AddUser(caller, "interop_a_b", "other-password-1".ToCharArray(), canWrite: false);
                run.UsersDeleted = backend.DeleteUsers(caller, new[] { "interop_a_b" }).Select(u => u.UserName).ToList();
                run.UsersLeft = backend.GetUsers(caller, "interop%").Select(u => u.UserName).ToList();
            }

            return run;
        }

        public UserRole BackendRole { get; private set; }

        public List<StickyImage> Series { get; private set; }

        public List<StickyImage> ByKey { get; private set; }

        public List<StickyImage> Deleted { get; private set; }

        public List<StickyImage> SeriesAfterDelete { get; private set; }

        public StickyUser UserAdded { get; private set; }

        public List<string> UsersDeleted { get; private set; }

        public List<string> UsersLeft { get; private set; }

        private static List<ImageImportResult> Import(Uri endpoint, string user, string password, string cache, IEnumerable<string> files, out int opened)
        {
            Directory.CreateDirectory(cache);
            int count = 0;
            using (var client = new StickyApiClient(endpoint, user, password))
            using (var pipeline = new ImageImportPipeline<StickyImage>(new RemoteImageSink(client), Sender, cache))
            {
                pipeline.FileOpening += _ => System.Threading.Interlocked.Increment(ref count);
                foreach (var f in files)
                {
                    pipeline.Post(f);
                }

                var results = pipeline.Drain().ToList();
                opened = count;
                return results;
            }
        }
    }
}
