using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>Every kind of bad input answers 4xx with a JSON body naming the field or file; nothing is half-written.</summary>
    public class ErrorTests : IClassFixture<ErrorTests.Server>
    {
        private readonly StickyServer _server;

        public ErrorTests(Server server) => _server = server.Instance;

        [Theory]
        [InlineData("no_such_route")]
        [InlineData("get_images")] // the /what segment is mandatory
        [InlineData("get_users/extra")]
        public async Task Unknown_routes_are_404_with_a_json_body(string path)
        {
            using var api = _server.Admin();
            (await api.Post(path, "[{}]")).AssertError(404);
        }

        [Theory]
        [InlineData("get_images/nothing")]
        [InlineData("get_image_series/full")]
        [InlineData("get_tiled_tuboid_series/image")]
        [InlineData("_get_ml_bundle_file_list/everything")]
        public async Task An_unknown_what_is_404_naming_the_field(string path)
        {
            using var api = _server.Admin();
            var r = (await api.Post(path, "[]")).AssertError(404);
            Assert.Equal("what", r.Field);
        }

        [Theory]
        [InlineData("GET")]
        [InlineData("PUT")]
        [InlineData("DELETE")]
        public async Task Other_methods_than_post_are_405(string method)
        {
            using var api = _server.Admin();
            (await api.Send("get_users", null, new HttpMethod(method))).AssertError(405);
        }

        public static IEnumerable<object[]> BadBodies() => new[]
        {
            new object[] { "get_users", "[{", "application/json", 400, null },
            new object[] { "get_users", "[{}]", "text/plain", 400, null },
            new object[] { "get_users", "", "application/json", 400, null },
            new object[] { "get_users", "{\"username\": \"x\"}", "application/json", 400, "$" },
            new object[] { "get_users", "[1]", "application/json", 400, "[0]" },
            new object[] { "get_users", "[{\"no_such_column\": 1}]", "application/json", 400, "no_such_column" },
            new object[] { "get_projects", "[{\"colour\": \"red\"}]", "application/json", 400, "colour" },
            new object[] { "get_images/metadata", "[{\"device\": 12345678, \"datetime\": \"2020-06-20T20:19:15Z\"}]", "application/json", 400, "device" },
            new object[] { "get_images/metadata", "[{\"device\": \"0a5bb6f4\"}]", "application/json", 400, "datetime" },
            new object[] { "get_images/metadata", "[{\"device\": \"0a5bb6f4\", \"datetime\": \"yesterday\"}]", "application/json", 400, "datetime" },
            new object[] { "get_image_series/metadata", "[{\"device\": \"%\", \"start_datetime\": 5, \"end_datetime\": \"2020-06-20T20:19:15Z\"}]", "application/json", 400, "start_datetime" },
            new object[] { "put_users", "[{\"username\": \"x\"}]", "application/json", 400, "password" },
            new object[] { "put_users", "[{\"username\": \"x\", \"password\": \"y\", \"is_admin\": \"yes\"}]", "application/json", 400, "is_admin" },
            new object[] { "put_project_permissions", "[{\"project_id\": \"one\", \"user_id\": 1, \"level\": 1}]", "application/json", 400, "project_id" },
            new object[] { "put_project_columns", "[{\"project_id\": 1, \"column_name\": \"c\", \"column_SQL_type\": \"INT; DROP TABLE users\"}]", "application/json", 400, "column_SQL_type" },
            new object[] { "_get_ml_bundle_file_list/all", "[\"bundle\"]", "application/json", 400, "$" },
            new object[] { "put_itc_labels", "[{\"tuboid_id\": \"x\", \"algo_name\": \"a\", \"algo_version\": \"1\", \"label\": \"one\", \"pattern\": \"p\", \"type\": \"t\"}]", "application/json", 400, "label" },
        };

        [Theory]
        [MemberData(nameof(BadBodies))]
        public async Task Malformed_bodies_and_fields_are_400_naming_the_field(string path, string body, string type, int status, string field)
        {
            using var api = _server.Admin();
            var r = (await api.Send(path, new StringContent(body, Encoding.UTF8, type))).AssertError(status);
            if (field != null)
            {
                Assert.Equal(field, r.Field);
            }
        }

        [Fact]
        public async Task A_duplicate_user_is_409_and_the_rest_of_the_store_is_untouched()
        {
            using var api = _server.Admin();
            (await api.Post("put_users", "[{\"username\": \"dup_user\", \"password\": \"dup-password\"}]")).AssertOk();
            (await api.Post("put_users", "[{\"username\": \"dup_user\", \"password\": \"dup-password\"}]")).AssertError(409);
            Assert.Equal(1, (await api.Post("get_users", "[{\"username\": \"dup_user\"}]")).Count);
        }

        [Fact]
        public async Task Annotations_for_a_missing_image_are_refused_and_nothing_is_stored()
        {
            using var api = _server.Admin();
            var item = "{\"annotations\": [], \"metadata\": {\"algo_name\": \"uid\", \"algo_version\": \"1\", \"device\": \"01234567\", \"datetime\": \"2020-06-20T20:19:15Z\", \"md5\": \"725a7d5c7eee7ee15533ff1c45cab6de\"}}";
            var r = await api.Post("put_uid_annotations", "[" + item + "]");
            Assert.InRange(r.Status, 400, 499);
            r.AssertError(r.Status);
            Assert.Equal(0, (await api.Post("get_uid_annotations_series/metadata", "[{\"device\": \"%\", \"start_datetime\": \"2019-01-01T00:00:00Z\", \"end_datetime\": \"2030-01-01T00:00:00Z\"}]")).Count);
        }

        [Fact]
        public async Task Malformed_annotation_items_are_422_naming_the_item()
        {
            using var api = _server.Admin();
            var r = (await api.Post("put_uid_annotations", "[{\"annotations\": 5}]")).AssertError(422);
            Assert.Equal("InvalidAnnotation", r.ErrorId);
        }

        [Fact]
        public async Task A_server_fault_would_carry_a_correlation_id_but_client_errors_never_reach_500()
        {
            using var api = _server.Admin();
            foreach (var body in new[] { "null", "true", "\"x\"", "[[]]", "[{\"device\": null}]", "[{\"username\": [1]}]" })
            {
                foreach (var route in new[] { "get_users", "get_images/metadata", "put_projects", "delete_images", "put_project_series", "_get_itc_labels", "_get_ml_bundle_upload_links" })
                {
                    var r = await api.Post(route, body);
                    Assert.True(r.Status < 500, route + " " + body + ": " + r);
                }
            }
        }

        [Fact]
        public async Task An_error_after_some_rows_were_read_still_answers_with_its_status_and_a_whole_json_body()
        {
            using var api = _server.Admin();
            var p = (await api.Post("put_projects", "[{\"name\": \"partial\"}]")).AssertOk()[0].GetProperty("id").GetInt64();
            (await api.Post("put_project_series", "[{\"project_id\": " + p + ", \"device\": \"0123abcd\", \"start_datetime\": \"2021-01-01T00:00:00Z\", \"end_datetime\": \"2021-01-02T00:00:00Z\"}]")).AssertOk();
            var r = await api.Post("get_project_series", "[{\"project_id\": " + p + "}, {\"project_id\": 987654}]");
            Assert.InRange(r.Status, 400, 499);
            r.AssertError(r.Status);
            Assert.DoesNotContain("0123abcd", r.Body);
        }

        [Fact]
        public async Task A_real_server_fault_is_500_with_a_correlation_id_that_the_log_repeats()
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            (await api.Post("get_projects", "[{}]")).AssertOk();
            // Break the catalog behind the server's back: a fault of the server, not of the request.
            using (var conn = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + System.IO.Path.Combine(server.DataDirectory, "database.db") + ";Pooling=False"))
            {
                conn.Open();
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "PRAGMA foreign_keys=OFF; DROP TABLE project_permissions; DROP TABLE projects;";
                cmd.ExecuteNonQuery();
            }

            var r = (await api.Post("get_projects", "[{}]")).AssertError(500);
            Assert.Equal("ServerFault", r.ErrorId);
            var id = r.Json.GetProperty("correlation_id").GetString();
            Assert.False(string.IsNullOrEmpty(id));
            Assert.DoesNotContain("projects", r.Error); // no internals in the body
            Assert.Contains(server.Logs, l => l.StartsWith("Error ") && l.Contains("Server fault " + id));
        }

        public sealed class Server : System.IDisposable
        {
            public StickyServer Instance { get; } = new StickyServer();

            public void Dispose() => Instance.Dispose();
        }
    }
}
