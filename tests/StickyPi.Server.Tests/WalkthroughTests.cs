using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>The remaining routes, in the order of upstream's own end-to-end run (spec upstream-exchanges), with its shapes.</summary>
    public class WalkthroughTests
    {
        private const string SeriesInfo = "{\"device\": \"08038ade\", \"start_datetime\": \"2020-07-08T20:00:00Z\", \"end_datetime\": \"2020-07-09T15:00:00Z\", \"n_tuboids\": 6, \"n_images\": 10, \"algo_name\": \"test\", \"algo_version\": \"11111111-19191919\"}";

        [FixtureFact]
        public async Task Users_projects_permissions_series_and_columns_behave_as_upstreams_run()
        {
            using var server = new StickyServer();
            using var admin = server.Admin();
            await admin.UseToken();
            var users = (await admin.Post("get_users", "[{}]")).AssertOk();
            Assert.Equal(new[] { "admin", "spi_uid" }, users.Json.EnumerateArray().Select(u => u.GetProperty("username").GetString()).ToArray());
            Assert.Contains("\"password_hash\":\"***********\",\"is_admin\":true,\"can_write\":true}", users.Body);

            var put = (await admin.Post("put_users", "[{\"username\": \"ada\", \"password\": \"lovelace\", \"email\": \"mymail@computer.com\"}, {\"username\": \"grace\", \"password\": \"hopper\", \"is_admin\": true}, {\"username\": \"emilie\", \"password\": \"duchatelet\", \"is_admin\": false}, {\"username\": \"rosalind\", \"password\": \"franklin\", \"can_write\": false}]")).AssertOk();
            Assert.Equal(1, put.Count); // upstream answers with the last user only
            Assert.Equal("rosalind", put[0].GetProperty("username").GetString());
            Assert.False(put[0].GetProperty("can_write").GetBoolean());
            var ada = (await admin.Post("get_users", "[{\"username\": \"ada\"}]")).AssertOk();
            Assert.Equal("mymail@computer.com", ada[0].GetProperty("email").GetString());
            Assert.Equal(2, (await admin.Post("get_users", "[{\"username\": \"%a%\", \"is_admin\": \"1\"}]")).Count); // admin, grace
            long emilieId = (await admin.Post("get_users", "[{\"username\": \"emilie\"}]"))[0].GetProperty("id").GetInt64();

            var projects = (await admin.Post("put_projects", "[{\"name\": \"project1\"}, {\"name\": \"project2\", \"description\": \"some project\", \"notes\": \"testing is caring\"}]")).AssertOk();
            Assert.Equal(new[] { "datetime_created", "api_version", "api_user_id", "id", "name", "description", "notes" }, projects[0].EnumerateObject().Select(p => p.Name).ToArray());

            using var adaApi = server.Api("ada", "lovelace");
            await adaApi.UseToken();
            long p3 = (await adaApi.Post("put_projects", "[{\"name\": \"project3\"}]")).AssertOk()[0].GetProperty("id").GetInt64();
            Assert.Equal(1, (await adaApi.Post("get_projects", "[{}]")).Count);
            Assert.Equal(3, (await admin.Post("get_projects", "[{}]")).Count);

            var grant = (await adaApi.Post("put_project_permissions", "[{\"user_id\": " + emilieId + ", \"project_id\": " + p3 + ", \"level\": 1}]")).AssertOk();
            Assert.Contains("\"parent_project_id\":" + p3 + ",\"parent_user_id\":" + emilieId + ",\"id\":null,\"level\":1}", grant.Body);
            Assert.Equal(2, (await adaApi.Post("get_project_permissions", "[{}]")).Count);

            using var emilie = server.Api("emilie", "duchatelet");
            Assert.Equal(1, (await emilie.Post("get_projects", "[{}]")).Count);
            Assert.Equal(0, (await emilie.Post("delete_projects", "[{}]")).Count);
            using var rosalind = server.Api("rosalind", "franklin");
            (await rosalind.Post("put_projects", "[{\"name\": \"nope\"}]")).AssertError(403);

            var series = (await adaApi.Post("put_project_series", "[{\"project_id\": " + p3 + ", \"device\": \"0123abcd\", \"start_datetime\": \"2021-01-01T12:12:12Z\", \"end_datetime\": \"2021-01-12T12:12:12Z\"}, {\"project_id\": " + p3 + ", \"device\": \"cdef1234\", \"start_datetime\": \"2021-01-01T12:12:14Z\", \"end_datetime\": \"2021-01-12T12:12:30Z\"}]")).AssertOk();
            Assert.Equal("[{\"id\":1,\"device\":\"0123abcd\",\"start_datetime\":\"2021-01-01T12:12:12Z\",\"end_datetime\":\"2021-01-12T12:12:12Z\"},{\"id\":2,\"device\":\"cdef1234\",\"start_datetime\":\"2021-01-01T12:12:14Z\",\"end_datetime\":\"2021-01-12T12:12:30Z\"}]\n", series.Body);
            Assert.Equal("[{\"column_name\":\"bait\",\"column_SQL_type\":\"Integer\"}]\n",
                (await adaApi.Post("put_project_columns", "[{\"project_id\": " + p3 + ", \"column_name\": \"bait\", \"column_SQL_type\": \"Integer\"}]")).AssertOk().Body);
            Assert.Equal("[{\"column_name\":\"has_bait\",\"column_SQL_type\":null}]\n",
                (await adaApi.Post("put_project_columns", "[{\"project_id\": " + p3 + ", \"column_name\": \"has_bait\", \"old_column_name\": \"bait\"}]")).AssertOk().Body);
            Assert.Equal("[{\"id\":1,\"device\":\"0123abcd\",\"start_datetime\":\"2021-01-01T12:12:12Z\",\"end_datetime\":\"2021-01-12T12:12:12Z\",\"has_bait\":1}]\n",
                (await adaApi.Post("put_project_series", "[{\"id\": 1, \"device\": \"0123abcd\", \"start_datetime\": \"2021-01-01T12:12:12Z\", \"end_datetime\": \"2021-01-12T12:12:12Z\", \"has_bait\": 1, \"project_id\": " + p3 + "}]")).AssertOk().Body);
            Assert.Equal(2, (await adaApi.Post("get_project_series", "[{\"project_id\": " + p3 + "}]")).Count);
            Assert.Equal("[{\"column_name\":\"has_bait\"}]\n", (await adaApi.Post("delete_project_columns", "[{\"project_id\": " + p3 + ", \"column_name\": \"has_bait\"}]")).AssertOk().Body);
            // The deleted row itself (upstream answered with the table's first row, spec §8 #8).
            Assert.Equal("[{\"id\":2,\"device\":\"cdef1234\",\"start_datetime\":\"2021-01-01T12:12:14Z\",\"end_datetime\":\"2021-01-12T12:12:30Z\"}]\n",
                (await adaApi.Post("delete_project_series", "[{\"project_id\": " + p3 + ", \"id\": 2}]")).AssertOk().Body);
            // A reader may not write a project's series.
            (await emilie.Post("put_project_series", "[{\"project_id\": " + p3 + ", \"device\": \"0123abcd\", \"start_datetime\": \"2022-01-01T12:12:12Z\", \"end_datetime\": \"2022-01-12T12:12:12Z\"}]")).AssertError(403);

            Assert.Equal(1, (await adaApi.Post("delete_projects", "[{}]")).Count);
            var deleted = (await admin.Post("delete_users", "[{\"username\": \"emilie\"}]")).AssertOk();
            Assert.Equal("emilie", deleted[0].GetProperty("username").GetString());
        }

        [FixtureFact]
        public async Task Annotations_images_to_annotate_tuboids_and_labels_behave_as_upstreams_run()
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            await api.UseToken();
            foreach (var f in Directory.GetFiles(TestPaths.RawImages, "*.jpg", SearchOption.AllDirectories))
            {
                (await api.PutImage(f)).AssertOk();
            }

            var contour = "[[[2194, 1597]], [[2189, 1602]], [[2189, 1617]]]";
            var item = "{\"annotations\": [{\"contour\": " + contour + ", \"name\": \"insect\", \"stroke_colour\": \"#0000ff\", \"value\": 0, \"fill_colour\": \"#ff0000\"}], \"metadata\": {\"algo_name\": \"sticky-pi-universal-insect-detector\", \"algo_version\": \"1598113346-ad2cd78dfaca12821046dfb8994724d5\", \"device\": \"5c173ff2\", \"datetime\": \"2020-06-20_21-33-24\", \"md5\": \"65e69135d29871e8ee0ac453583effaf\"}}";
            var put = (await api.Post("put_uid_annotations", "[" + item + "]")).AssertOk();
            Assert.EndsWith(",\"algo_name\":\"sticky-pi-universal-insect-detector\",\"algo_version\":\"1598113346-ad2cd78dfaca12821046dfb8994724d5\",\"n_objects\":1,\"json\":\"\"}]\n", put.Body);
            (await api.Post("put_uid_annotations", "[" + item + "]")).AssertError(409);
            var meta = (await api.Post("get_uid_annotations/metadata", "[{\"device\": \"5c173ff2\", \"datetime\": \"2020-06-20T21:33:24Z\"}]")).AssertOk();
            Assert.False(meta[0].TryGetProperty("json", out _));
            var data = (await api.Post("get_uid_annotations/data", "[{\"device\": \"5c173ff2\", \"datetime\": \"2020-06-20T21:33:24Z\"}]")).AssertOk();
            var json = data[0].GetProperty("json").GetString();
            Assert.StartsWith("{\"annotations\": [{\"contour\": [[[2194, 1597]], [[2189, 1602]]", json);
            Assert.Contains("\"datetime\": \"2020-06-20T21:33:24Z\"", json); // re-rendered as upstream stores it
            Assert.Equal(1, (await api.Post("get_uid_annotations_series/metadata", "[{\"device\": \"%\", \"start_datetime\": \"2020-01-01T00:00:00Z\", \"end_datetime\": \"2030-01-01T00:00:00Z\"}]")).Count);

            var toAnnotate = "[{\"algo_name\": \"sticky-pi-universal-insect-detector\", \"algo_version\": \"1598113346-ad2cd78dfaca12821046dfb8994724d5\", \"device\": \"%\", \"start_datetime\": \"2019-01-01T00:00:00Z\", \"end_datetime\": \"2029-01-01T00:00:00Z\"}]";
            Assert.Equal(8, (await api.Post("get_images_to_annotate/metadata", toAnnotate)).AssertOk().Count);
            Assert.Equal(2, (await api.Post("get_images_to_annotate/thumbnail", toAnnotate)).AssertOk().Count); // 11 images, 1 annotated, 8 reserved

            var tuboids = Directory.GetDirectories(TestPaths.TuboidSeriesDir).OrderBy(d => d, StringComparer.Ordinal).ToList();
            foreach (var dir in tuboids)
            {
                var r = (await api.PutTuboid(dir, SeriesInfo)).AssertOk();
                Assert.StartsWith("[[{\"datetime_created\":", r.Body);
                Assert.Equal(Path.GetFileName(dir), r[0][0].GetProperty("tuboid_id").GetString());
            }

            var full = (await api.PutTuboid(tuboids[0], SeriesInfo)).AssertError(409);
            var metadata = (await api.Post("get_tiled_tuboid_series/metadata", "[" + SeriesInfo + "]")).AssertOk();
            Assert.Equal(6, metadata.Count);
            Assert.Contains("\"tuboid_id\":\"" + TestPaths.TuboidSeries + ".0000\",\"id_in_series\":0,\"start_datetime\":\"2020-07-08T22:16:46Z\",\"end_datetime\":\"2020-07-09T14:31:22Z\",\"n_shots\":53,\"algo_name_series\":\"test\",\"algo_version_series\":\"11111111-19191919\",\"n_tuboids_series\":6,\"device_series\":\"08038ade\",\"start_datetime_series\":\"2020-07-08T20:00:00Z\",\"end_datetime_series\":\"2020-07-09T15:00:00Z\"}", metadata.Body);
            Assert.Equal(0, (await api.Post("get_tiled_tuboid_series/metadata", "[{\"device\": \"08038ade\", \"start_datetime\": \"2020-07-08T20:00:00Z\", \"end_datetime\": \"2020-07-09T14:59:59Z\"}]")).Count);
            var withFiles = (await api.Post("get_tiled_tuboid_series/data", "[" + SeriesInfo + "]")).AssertOk();
            using var anonymous = server.Api();
            var first = withFiles.Json.EnumerateArray().Single(t => t.GetProperty("id_in_series").GetInt32() == 0);
            foreach (var (field, file) in new[] { ("tuboid", "tuboid.jpg"), ("metadata", "metadata.txt"), ("context", "context.jpg") })
            {
                var got = await anonymous.Send(first.GetProperty(field).GetString(), null, HttpMethod.Get);
                Assert.Equal(200, got.Status);
                Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.TuboidSeriesDir, TestPaths.TuboidSeries + ".0000", file)), got.Bytes);
            }

            var label = "{\"tuboid_id\": \"" + TestPaths.TuboidSeries + ".0000\", \"algo_version\": \"1111-abce\", \"algo_name\": \"insect_tuboid_classifier\", \"label\": 1, \"pattern\": \"Insecta.*\", \"type\": \"Insecta\", \"order\": \"test\", \"family\": \"test\", \"genus\": \"test\"}";
            var labelled = (await api.Post("put_itc_labels", "[" + label + "]")).AssertOk();
            Assert.EndsWith("\"id\":null,\"parent_tuboid_id\":1,\"algo_name\":\"insect_tuboid_classifier\",\"algo_version\":\"1111-abce\",\"label\":1,\"pattern\":\"Insecta.*\",\"type\":\"Insecta\",\"order\":\"test\",\"family\":\"test\",\"genus\":\"test\",\"species\":null}]\n", labelled.Body);
            (await api.Post("put_itc_labels", "[" + label + "]")).AssertError(409);
            Assert.Equal(1, (await api.Post("_get_itc_labels", "[{\"tuboid_id\": \"" + TestPaths.TuboidSeries + ".0000\"}]")).Count);
            // Upstream returns every label when no id matches (spec §8 #9).
            Assert.Equal(0, (await api.Post("_get_itc_labels", "[{\"tuboid_id\": \"nothing\"}]")).Count);

            var deleted = (await api.Post("delete_tiled_tuboids", "[" + SeriesInfo + "]")).AssertOk();
            Assert.Contains("\"device\":\"08038ade\",\"start_datetime\":\"2020-07-08T20:00:00Z\",\"end_datetime\":\"2020-07-09T15:00:00Z\",\"n_images\":10,\"n_tuboids\":6,\"algo_name\":\"test\",\"algo_version\":\"11111111-19191919\"}]", deleted.Body);
            Assert.Equal(0, (await api.Post("get_tiled_tuboid_series/metadata", "[" + SeriesInfo + "]")).Count);
        }

        [FixtureTheory]
        [InlineData("../../evil")]
        [InlineData("..")]
        [InlineData("a/b")]
        [InlineData(".hidden")]
        public async Task Tuboid_ids_with_paths_are_refused(string tuboidId)
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            var dir = Directory.GetDirectories(TestPaths.TuboidSeriesDir).OrderBy(d => d, StringComparer.Ordinal).First();
            var r = (await api.PutTuboid(dir, SeriesInfo, tuboidId)).AssertError(400);
            Assert.Equal("tuboid_id", r.Field);
            Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "tiled_tuboids")) &&
                Directory.GetFiles(Path.Combine(server.DataDirectory, "tiled_tuboids"), "*", SearchOption.AllDirectories).Length > 0);
        }

        [FixtureFact]
        public async Task Tuboid_uploads_missing_parts_or_with_bad_series_info_are_400()
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            var dir = Directory.GetDirectories(TestPaths.TuboidSeriesDir).OrderBy(d => d, StringComparer.Ordinal).First();
            (await api.PutTuboid(dir, "{\"device\": \"08038ade\"}")).AssertError(400);
            (await api.PutTuboid(dir, "not json")).AssertError(400);
            (await api.PutTuboid(dir, SeriesInfo.Replace("\"n_tuboids\": 6", "\"n_tuboids\": \"six\""))).AssertError(400);
            var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[] { 1 }), "metadata", "metadata.txt" } };
            var missing = (await api.Send("_put_tiled_tuboids", form)).AssertError(400);
            Assert.NotNull(missing.Field);
        }
    }
}
