using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using StickyPi.Core.Sync;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>The ML bundle flow of spec §1.9 as upstream's client drives it: upload links, presigned-POST-style uploads, listings, checked downloads.</summary>
    public class BundleTests
    {
        [FixtureFact]
        public async Task Bundle_files_upload_through_the_links_and_download_with_matching_checksums()
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            await api.UseToken();
            var local = MlBundleListing.List(TestPaths.MlBundle, MlBundleSelection.All, "ml_bundle").ToList();
            Assert.Equal(7, local.Count);
            var entries = "[" + string.Join(", ", local.Select(f => JsonSerializer.Serialize(new { key = f.Key, path = f.Path, md5 = f.Md5, mtime = f.MTimeSeconds, bundle_name = "ml_bundle" }))) + "]";
            var links = (await api.Post("_get_ml_bundle_upload_links", entries)).AssertOk();
            Assert.Equal(7, links.Count);

            using var anonymous = server.Api();
            foreach (var link in links.Json.EnumerateArray())
            {
                // The submitted entry comes back as sent, plus url = {url, fields}.
                Assert.Equal(new[] { "key", "path", "md5", "mtime", "bundle_name", "url" }, link.EnumerateObject().Select(p => p.Name).ToArray());
                var url = link.GetProperty("url");
                var form = new MultipartFormDataContent();
                foreach (var field in url.GetProperty("fields").EnumerateObject())
                {
                    form.Add(new StringContent(field.Value.GetString()), field.Name);
                }

                form.Add(new ByteArrayContent(File.ReadAllBytes(link.GetProperty("path").GetString())), "file", "file");
                var posted = await anonymous.Send(url.GetProperty("url").GetString(), form);
                Assert.True(posted.Status == 204, posted.ToString());
            }

            Assert.Equal("[]\n", (await api.Post("_get_ml_bundle_upload_links", entries)).AssertOk().Body);

            foreach (var (what, count) in new[] { ("all", 7), ("data", 7), ("model", 2) })
            {
                var list = (await api.Post("_get_ml_bundle_file_list/" + what, "\"ml_bundle\"")).AssertOk();
                Assert.Equal(count, list.Count);
                foreach (var f in list.Json.EnumerateArray())
                {
                    Assert.Equal(new[] { "key", "path", "md5", "mtime", "url" }, f.EnumerateObject().Select(p => p.Name).ToArray());
                    Assert.Equal("ml/ml_bundle/" + f.GetProperty("key").GetString(), f.GetProperty("path").GetString());
                    var got = await anonymous.Send(f.GetProperty("url").GetString(), null, HttpMethod.Get);
                    Assert.Equal(200, got.Status);
                    Assert.Equal(f.GetProperty("md5").GetString(), MlBundleChecksum.Compute(new MemoryStream(got.Bytes)));
                    Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.MlBundle, f.GetProperty("key").GetString())), got.Bytes);
                }
            }

            Assert.Equal("[]\n", (await api.Post("_get_ml_bundle_file_list/all", "\"no_such_bundle\"")).AssertOk().Body);
        }

        [FixtureFact]
        public async Task Upload_links_refuse_tampered_fields_and_expired_signatures()
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            var entry = "[{\"key\": \"data/x.svg\", \"path\": \"x.svg\", \"md5\": \"4a32bf6fab5a50b8455233194ceed9bc\", \"mtime\": 1.5, \"bundle_name\": \"b1\"}]";
            var fields = (await api.Post("_get_ml_bundle_upload_links", entry)).AssertOk()[0].GetProperty("url").GetProperty("fields");
            string key = fields.GetProperty("key").GetString(), expires = fields.GetProperty("expires").GetString(), signature = fields.GetProperty("signature").GetString();
            Assert.Equal("ml/b1/data/x.svg", key);

            using var anonymous = server.Api();
            async Task<ApiResponse> Post(string k, string e, string s, bool withFile = true)
            {
                var form = new MultipartFormDataContent { { new StringContent(k), "key" }, { new StringContent(e), "expires" }, { new StringContent(s), "signature" } };
                if (withFile)
                {
                    form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("<svg/>")), "file", "file");
                }

                return await anonymous.Send("/files/upload", form);
            }

            (await Post("ml/b1/data/y.svg", expires, signature)).AssertError(403);
            (await Post("ml/b1/../../database.db", expires, signature)).AssertError(403);
            (await Post(key, (long.Parse(expires) + 1).ToString(), signature)).AssertError(403);
            (await Post(key, expires, "AAAA" + signature.Substring(4))).AssertError(403);
            (await Post(key, expires, signature, withFile: false)).AssertError(400);
            Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "ml")) && Directory.GetFiles(Path.Combine(server.DataDirectory, "ml"), "*", SearchOption.AllDirectories).Length > 0);
            Assert.Equal(204, (await Post(key, expires, signature)).Status);
            Assert.Equal("<svg/>", File.ReadAllText(Path.Combine(server.DataDirectory, "ml", "b1", "data", "x.svg")));
        }

        [FixtureTheory]
        [InlineData("..", "data/x.svg")]
        [InlineData("../raw_images", "data/x.svg")]
        [InlineData("b1", "../../database.db")]
        [InlineData("b1", "/etc/passwd.txt")]
        [InlineData("b1", "data/../../x.yaml")]
        [InlineData("b1", "data\\..\\..\\x.yaml")]
        public async Task Bundle_names_and_keys_that_leave_the_bundle_are_refused(string bundle, string key)
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            var entry = JsonSerializer.Serialize(new[] { new { key, path = "x", md5 = "0", mtime = 1.0, bundle_name = bundle } });
            var r = await api.Post("_get_ml_bundle_upload_links", entry);
            Assert.InRange(r.Status, 400, 499);
            r.AssertError(r.Status);
            var list = await api.Post("_get_ml_bundle_file_list/all", JsonSerializer.Serialize(bundle));
            Assert.True(list.Status == 200 && list.Body == "[]\n" || list.Status >= 400 && list.Status < 500, list.ToString());
        }

        [FixtureTheory]
        [InlineData("/files/database.db")]
        [InlineData("/files/../database.db")]
        [InlineData("/files/raw_images/..%2F..%2Fdatabase.db")]
        [InlineData("/files/.stickypi-tmp/x")]
        [InlineData("/files/raw_images/%2e%2e/%2e%2e/database.db")]
        public async Task File_urls_never_reach_outside_the_public_files(string path)
        {
            using var server = new StickyServer();
            using var anonymous = server.Api();
            var r = await anonymous.Send(path + "?expires=99999999999&signature=AAAA", null, HttpMethod.Get);
            Assert.True(r.Status == 403 || r.Status == 404 || r.Status == 400, r.ToString());
            Assert.DoesNotContain("SQLite", r.Body);
        }
    }
}
