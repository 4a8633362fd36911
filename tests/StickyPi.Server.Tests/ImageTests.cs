using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    public class ImageTests
    {
        private const string Legacy = "5c173ff2.2020-06-20_21-33-24.jpg";
        private const string LegacyMd5 = "65e69135d29871e8ee0ac453583effaf";
        private const string Modern = "512858f4.2022-05-17_18-46-57.jpg";
        private const string ModernMd5 = "e737e84d18e778cf367ca050fb96a841";
        private static readonly string LegacyPath = TestPaths.Image("5c173ff2", Legacy);
        private static readonly string ModernPath = TestPaths.Image("2022", Modern);

        [FixtureFact]
        public async Task Upload_echoes_upstreams_row_and_queries_return_upstreams_column_forms()
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            await api.UseToken();
            var up = (await api.PutImage(LegacyPath, LegacyMd5)).AssertOk();
            Assert.Equal(1, up.Count);
            var row = up[0];
            Assert.Equal(JsonValueKind.Null, row.GetProperty("id").ValueKind);
            Assert.Equal(JsonValueKind.Null, row.GetProperty("device_version").ValueKind); // legacy: DB default not applied yet
            Assert.Contains("\"temp\":21.899999618530273,\"hum\":76.80000305175781", up.Body);
            Assert.Equal(new[] { "datetime_created", "api_version", "api_user_id", "id", "device", "datetime", "md5", "device_version", "width", "height",
                "lat", "lng", "alt", "temp", "hum", "lum", "bat", "but" }, row.EnumerateObject().Select(p => p.Name).ToArray());

            var modern = (await api.PutImage(ModernPath, ModernMd5)).AssertOk();
            Assert.Contains("\"device_version\":\"3.1.0\"", modern.Body);
            Assert.Contains("\"alt\":97.3,", modern.Body);
            Assert.Contains("\"but\":true}", modern.Body);

            var got = (await api.Post("get_images/metadata", "[{\"device\": \"512858f4\", \"datetime\": \"2022-05-17T18:46:57Z\"}, {\"device\": \"5c173ff2\", \"datetime\": \"2020-06-20_21-33-24\"}]")).AssertOk();
            Assert.Equal(2, got.Count);
            // As upstream's server renders rows read back (spec §1.5, exchanges 11-12): rounded FLOAT, SMALLINT, 0/1 booleans, url "".
            Assert.Contains("\"device_version\":\"3.1.0\",\"width\":4056,\"height\":3040,\"lat\":49.26142,\"lng\":-123.25088,\"alt\":97,\"temp\":20.6,\"hum\":42.6,\"lum\":1.2,\"bat\":72,\"but\":1,\"url\":\"\"}", got.Body);
            Assert.Contains("\"device_version\":\"1.0.0\",\"width\":2592,\"height\":1944,\"lat\":null,\"lng\":null,\"alt\":null,\"temp\":21.9,\"hum\":76.8,\"lum\":null,\"bat\":null,\"but\":null,\"url\":\"\"}", got.Body);
            Assert.Equal("[]\n", (await api.Post("get_images/metadata", "[{\"device\": \"01234567\", \"datetime\": \"2020-06-20T20:19:15Z\"}]")).AssertOk().Body);
            AssertNoUploadLeftovers(server);
        }

        /// <summary>Streamed parts are deleted by the request that wrote them: the server's upload space holds only its lock.</summary>
        private static void AssertNoUploadLeftovers(StickyServer server)
        {
            var spaces = Directory.GetDirectories(Path.Combine(server.DataDirectory, ".stickypi-tmp"), "server-*");
            Assert.NotEmpty(spaces);
            foreach (var space in spaces)
            {
                Assert.Equal(new[] { "session.lock" }, Directory.EnumerateFileSystemEntries(space).Select(Path.GetFileName).ToArray());
            }
        }

        [FixtureTheory]
        [InlineData("image", "", 304616)]
        [InlineData("thumbnail", ".thumbnail", 0)]
        [InlineData("thumbnail-mini", ".thumbnail-mini", 0)]
        public async Task File_urls_are_signed_expiring_and_serve_the_stored_files(string what, string suffix, long expectedLength)
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            (await api.PutImage(LegacyPath, LegacyMd5)).AssertOk();
            var rows = (await api.Post("get_image_series/" + what, "[{\"device\": \"%\", \"start_datetime\": \"2020-01-01T00:00:00Z\", \"end_datetime\": \"2030-01-01T00:00:00Z\"}]")).AssertOk();
            var url = rows[0].GetProperty("url").GetString();
            Assert.Contains("/files/raw_images/5c173ff2/" + Legacy + suffix + "?expires=", url);

            using var anonymous = server.Api();
            var file = await anonymous.Send(url, null, HttpMethod.Get);
            Assert.Equal(200, file.Status);
            var stored = File.ReadAllBytes(Path.Combine(server.DataDirectory, "raw_images", "5c173ff2", Legacy + suffix));
            Assert.Equal(stored, file.Bytes);
            if (expectedLength > 0)
            {
                Assert.Equal(LegacyMd5, Convert.ToHexString(MD5.HashData(file.Bytes)).ToLowerInvariant());
            }

            // ETag / If-None-Match, and ranges.
            var etag = file.Headers.ETag;
            Assert.NotNull(etag);
            using (var conditional = new HttpRequestMessage(HttpMethod.Get, url))
            {
                conditional.Headers.IfNoneMatch.Add(etag);
                using var response = await anonymous.Http.SendAsync(conditional);
                Assert.Equal(304, (int)response.StatusCode);
            }

            using (var ranged = new HttpRequestMessage(HttpMethod.Get, url))
            {
                ranged.Headers.Range = new RangeHeaderValue(10, 19);
                using var response = await anonymous.Http.SendAsync(ranged);
                Assert.Equal(206, (int)response.StatusCode);
                Assert.Equal(stored.Skip(10).Take(10).ToArray(), await response.Content.ReadAsByteArrayAsync());
            }

            // A changed signature, expiry or path is refused.
            var uri = new Uri(url);
            var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
            string path = uri.AbsolutePath;
            (await anonymous.Send(path + "?expires=" + query["expires"] + "&signature=" + Flip(query["signature"]), null, HttpMethod.Get)).AssertError(403);
            (await anonymous.Send(path + "?expires=" + (long.Parse(query["expires"]) + 1) + "&signature=" + query["signature"], null, HttpMethod.Get)).AssertError(403);
            (await anonymous.Send(path.Replace(".jpg", ".jpg.thumbnail-mini") + "?expires=" + query["expires"] + "&signature=" + query["signature"], null, HttpMethod.Get)).AssertError(403);
            (await anonymous.Send(path, null, HttpMethod.Get)).AssertError(403);

            // An expired link, correctly signed, is refused too.
            var key = path.Substring("/files/".Length);
            long past = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
            var expiredSignature = new SignedFileUrl(StickyServer.Secret).Sign(SignedFileUrl.DownloadPurpose, Uri.UnescapeDataString(key), past);
            (await anonymous.Send(path + "?expires=" + past + "&signature=" + expiredSignature, null, HttpMethod.Get)).AssertError(403);
        }

        [FixtureFact]
        public async Task Url_lifetime_is_configurable()
        {
            using var server = new StickyServer(settings: new System.Collections.Generic.Dictionary<string, string> { ["StickyPi:UrlLifetimeSeconds"] = "60" });
            using var api = server.Admin();
            (await api.PutImage(LegacyPath, LegacyMd5)).AssertOk();
            var url = (await api.Post("get_images/image", "[{\"device\": \"5c173ff2\", \"datetime\": \"2020-06-20T21:33:24Z\"}]")).AssertOk()[0].GetProperty("url").GetString();
            long expires = long.Parse(System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["expires"]);
            Assert.InRange(expires - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 50, 70);
        }

        [FixtureFact]
        public async Task Images_over_the_configured_pixel_limit_are_refused_from_their_header_and_store_nothing()
        {
            // Upstream's Pillow refuses decompression bombs; the server's limit (StickyPi:Limits:MaxImagePixels, Pillow's by
            // default) is checked from the JPEG frame header before any pixel is decoded. A tiny limit makes a real image a "bomb".
            using var server = new StickyServer(settings: new System.Collections.Generic.Dictionary<string, string> { ["StickyPi:Limits:MaxImagePixels"] = "1000" });
            using var api = server.Admin();
            var refused = (await api.PutImage(LegacyPath, LegacyMd5)).AssertError(413);
            Assert.Equal("ImageTooLarge", refused.ErrorId);
            Assert.Equal(Legacy, refused.File);
            Assert.Equal(0, (await api.Post("get_image_series/metadata", "[{\"device\": \"%\", \"start_datetime\": \"2019-01-01T00:00:00Z\", \"end_datetime\": \"2030-01-01T00:00:00Z\"}]")).Count);

            using var defaults = new StickyServer();
            using var admin = defaults.Admin();
            (await admin.PutImage(LegacyPath, LegacyMd5)).AssertOk();
        }

        [FixtureFact]
        public async Task Bad_uploads_are_4xx_naming_the_file_and_store_nothing()
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            var wrongMd5 = (await api.PutImage(LegacyPath, "00000000000000000000000000000000")).AssertError(422);
            Assert.Equal("Md5Mismatch", wrongMd5.ErrorId);
            Assert.Equal(Legacy, wrongMd5.File);
            (await api.PutImage(LegacyPath, "not-an-md5")).AssertError(400);
            var notJpeg = (await api.PutImage("x", content: new byte[] { 1, 2, 3, 4 }, partName: "0a5bb6f4.2020-06-20_20-19-15.jpg")).AssertError(422);
            Assert.Equal("0a5bb6f4.2020-06-20_20-19-15.jpg", notJpeg.File);
            (await api.PutImage(LegacyPath, partName: "not-a-sticky-pi-name.jpg")).AssertError(422);
            (await api.PutImage(LegacyPath, partName: "5c173ff2.2018-06-20_21-33-24.jpg")).AssertError(422); // before 2019-11-01
            var none = new MultipartFormDataContent { { new StringContent("x"), "field" } };
            (await api.Send("_put_new_images", none)).AssertError(400);
            (await api.Send("_put_new_images", new StringContent("[]", System.Text.Encoding.UTF8, "application/json"))).AssertError(400);
            Assert.Equal(0, (await api.Post("get_image_series/metadata", "[{\"device\": \"%\", \"start_datetime\": \"2019-01-01T00:00:00Z\", \"end_datetime\": \"2030-01-01T00:00:00Z\"}]")).Count);
            Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "raw_images", "5c173ff2")) &&
                Directory.GetFiles(Path.Combine(server.DataDirectory, "raw_images", "5c173ff2")).Length > 0);
            AssertNoUploadLeftovers(server);
        }

        [FixtureTheory]
        [InlineData("../5c173ff2.2020-06-20_21-33-24.jpg")]
        [InlineData("..\\5c173ff2.2020-06-20_21-33-24.jpg")]
        [InlineData("/etc/5c173ff2.2020-06-20_21-33-24.jpg")]
        [InlineData("raw_images/5c173ff2/5c173ff2.2020-06-20_21-33-24.jpg")]
        [InlineData("..")]
        public async Task Image_part_names_with_paths_are_refused(string name)
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            var r = (await api.PutImage(LegacyPath, partName: name)).AssertError(400);
            Assert.Equal(name, r.File);
        }

        [FixtureFact]
        public async Task A_stored_image_is_never_overwritten_and_a_second_upload_is_told_it_exists()
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            (await api.PutImage(LegacyPath, LegacyMd5)).AssertOk();
            var original = Path.Combine(server.DataDirectory, "raw_images", "5c173ff2", Legacy);
            var before = File.ReadAllBytes(original);
            var again = (await api.PutImage(LegacyPath, LegacyMd5)).AssertError(409);
            Assert.Equal("DuplicateImage", again.ErrorId);
            // Another image under the stored name (upstream overwrote the stored files, spec §8 #6).
            var other = (await api.PutImage(ModernPath, partName: Legacy)).AssertError(409);
            Assert.Equal(before, File.ReadAllBytes(original));
        }

        [FixtureFact]
        public async Task Two_clients_uploading_the_same_image_at_once_store_it_once_and_the_other_is_told_it_exists()
        {
            using var server = new StickyServer();
            using var a = server.Admin();
            using var b = server.Admin();
            await a.UseToken();
            await b.UseToken();
            for (int round = 0; round < 3; round++)
            {
                var name = "5c173ff2.2020-06-20_21-33-2" + round + ".jpg";
                var bytes = File.ReadAllBytes(LegacyPath);
                var results = await Task.WhenAll(a.PutImage(LegacyPath, LegacyMd5, name, bytes), b.PutImage(LegacyPath, LegacyMd5, name, bytes));
                Assert.Equal(new[] { 200, 409 }, results.Select(r => r.Status).OrderBy(s => s).ToArray());
                Assert.Equal("DuplicateImage", results.Single(r => r.Status == 409).ErrorId);
            }

            var rows = (await a.Post("get_image_series/metadata", "[{\"device\": \"5c173ff2\", \"start_datetime\": \"2020-01-01T00:00:00Z\", \"end_datetime\": \"2030-01-01T00:00:00Z\"}]")).AssertOk();
            Assert.Equal(3, rows.Count);
            Assert.Equal(9, Directory.GetFiles(Path.Combine(server.DataDirectory, "raw_images", "5c173ff2")).Length);
        }

        [FixtureFact]
        public async Task Many_images_upload_in_parallel_and_delete_images_removes_rows_and_files()
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            await api.UseToken();
            var files = Directory.GetFiles(TestPaths.RawImages, "*.jpg", SearchOption.AllDirectories);
            var results = await Task.WhenAll(files.Select(f => api.PutImage(f, Convert.ToHexString(MD5.HashData(File.ReadAllBytes(f))).ToLowerInvariant())));
            Assert.All(results, r => r.AssertOk());
            var series = (await api.Post("get_image_series/metadata", "[{\"device\": \"%\", \"start_datetime\": \"2019-11-01T00:00:00Z\", \"end_datetime\": \"2030-01-01T00:00:00Z\"}]")).AssertOk();
            Assert.Equal(files.Length, series.Count);

            // As upstream's client: the rows it got back, extra keys and all.
            var deleted = (await api.Post("delete_images", series.Body)).AssertOk();
            Assert.Equal(files.Length, deleted.Count);
            Assert.DoesNotContain("\"url\"", deleted.Body);
            Assert.Contains("\"but\":true", deleted.Body); // ORM form
            Assert.Empty(Directory.GetFiles(Path.Combine(server.DataDirectory, "raw_images"), "*", SearchOption.AllDirectories));
        }

        private static string Flip(string signature) => (signature[0] == 'A' ? "B" : "A") + signature.Substring(1);
    }
}
