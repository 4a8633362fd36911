using System;
using System.Linq;
using System.Threading.Tasks;
using StickyPi.SampleData;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>
    /// StickyPi.Server's own completion routes and <c>get_project_columns</c> over raw HTTP: the names the embedded
    /// store's completers give, the body rules (one object, known keys, a bounded limit) with 400s naming the field.
    /// </summary>
    public sealed class CompletionRouteTests : IDisposable
    {
        private readonly StickyServer _server = new StickyServer();
        private readonly string _input = TestPaths.NewTempDir("stickypi-completion-input");

        public void Dispose()
        {
            _server.Dispose();
            TestPaths.DeleteDir(_input);
        }

        [Fact]
        public async Task ImageDevicesAreEveryStoredDeviceStartingWithWhatWasTypedSortedAndLimited()
        {
            using var api = _server.Admin();
            var t = new DateTime(2020, 7, 5, 20, 0, 0, DateTimeKind.Utc);
            foreach (var (device, when, seed) in new[] { ("5c173ff2", t, 1), ("5c173ff2", t.AddMinutes(20), 2), ("5cab0001", t.AddYears(2), 3), ("1b74105a", t.AddYears(4), 4) })
            {
                var path = SampleImages.WriteImage(_input, device, when, seed % 2 == 0 ? SampleFormat.Legacy2020 : SampleFormat.Csv2022, 320, 240, seed);
                (await api.PutImage(path)).AssertOk();
            }

            Assert.Equal(new[] { "1b74105a", "5c173ff2", "5cab0001" }, await Names(api, "complete_image_devices", "{}"));
            Assert.Equal(new[] { "5c173ff2", "5cab0001" }, await Names(api, "complete_image_devices", "{\"typed\": \"5C\"}"));
            Assert.Equal(new[] { "5c173ff2" }, await Names(api, "complete_image_devices", "{\"typed\": \"5c*f2\", \"limit\": 10}"));
            Assert.Equal(new[] { "5c173ff2" }, await Names(api, "complete_image_devices", "{\"typed\": \"5c\", \"limit\": 1}"));
            Assert.Empty(await Names(api, "complete_image_devices", "{\"typed\": \"5c\", \"limit\": 0}"));
            Assert.Empty(await Names(api, "complete_tuboid_devices", "{\"typed\": \"5c\"}"));
            Assert.Empty(await Names(api, "complete_ml_bundle_names", "{}"));
            Assert.Empty(await Names(api, "complete_itc_algo_names", "{}"));

            // A read-only user completes as well: completion only reads.
            (await api.Post("put_users", "[{\"username\": \"reader\", \"password\": \"reader-password-1\", \"can_write\": false}]")).AssertOk();
            using var reader = _server.Api("reader", "reader-password-1");
            Assert.Equal(new[] { "1b74105a" }, await Names(reader, "complete_image_devices", "{\"typed\": \"1\"}"));
        }

        [Theory]
        [InlineData("[{\"typed\": \"5c\"}]", "$")]
        [InlineData("\"5c\"", "$")]
        [InlineData("{\"typed\": 5}", "typed")]
        [InlineData("{\"typed\": \"5c\", \"limit\": 1001}", "limit")]
        [InlineData("{\"limit\": -1}", "limit")]
        [InlineData("{\"limit\": \"many\"}", "limit")]
        [InlineData("{\"device\": \"5c\"}", "device")]
        public async Task ABodyOutsideTheRulesIsA400NamingTheField(string body, string field)
        {
            using var api = _server.Admin();
            foreach (var route in new[] { "complete_image_devices", "complete_uid_algo_names", "complete_ml_bundle_names" })
            {
                var r = (await api.Post(route, body)).AssertError(400);
                Assert.True(field == r.Field, route + " " + body + ": " + r);
            }
        }

        [Fact]
        public async Task TextLongerThanAnyNameIsRefusedBeforeTheCatalogIsAsked()
        {
            using var api = _server.Admin();
            Assert.Empty(await Names(api, "complete_image_devices", "{\"typed\": \"" + new string('a', CompletionHandlers.MaxTypedLength) + "\"}"));
            var r = (await api.Post("complete_image_devices", "{\"typed\": \"" + new string('a', CompletionHandlers.MaxTypedLength + 1) + "\"}")).AssertError(400);
            Assert.Equal(("typed", "InvalidField"), (r.Field, r.ErrorId));
        }

        [Fact]
        public async Task ProjectColumnsAreTheSeriesTablesColumnsInOrderForHoldersOnly()
        {
            using var api = _server.Admin();
            var project = (await api.Post("put_projects", "[{\"name\": \"traps\"}]")).AssertOk()[0].GetProperty("id").GetInt64();
            (await api.Post("put_project_columns", "[{\"project_id\": " + project + ", \"column_name\": \"bait\", \"column_SQL_type\": \"INT\"}]")).AssertOk();
            var columns = (await api.Post("get_project_columns", "[{\"project_id\": " + project + "}]")).AssertOk();
            Assert.Equal(new[] { "id", "device", "start_datetime", "end_datetime", "bait" }, columns.Json.EnumerateArray().Select(c => c.GetProperty("column_name").GetString()));
            Assert.Equal(new[] { true, true, true, true, false }, columns.Json.EnumerateArray().Select(c => c.GetProperty("built_in").GetBoolean()));
            Assert.All(columns.Json.EnumerateArray(), c => Assert.Equal(project, c.GetProperty("project_id").GetInt64()));
            Assert.StartsWith("INT", columns[4].GetProperty("column_SQL_type").GetString(), StringComparison.OrdinalIgnoreCase);

            // A user without a permission on the project is refused as get_project_series refuses them.
            (await api.Post("put_users", "[{\"username\": \"ada\", \"password\": \"ada-password-123\"}]")).AssertOk();
            using var ada = _server.Api("ada", "ada-password-123");
            var refused = await ada.Post("get_project_columns", "[{\"project_id\": " + project + "}]");
            var series = await ada.Post("get_project_series", "[{\"project_id\": " + project + "}]");
            Assert.True(refused.Status >= 400 && refused.Status < 500, refused.ToString());
            Assert.Equal((series.Status, series.ErrorId), (refused.Status, refused.ErrorId));
            (await api.Post("get_project_columns", "[{\"project_id\": " + project + ", \"name\": \"x\"}]")).AssertError(400);
        }

        private static async Task<string[]> Names(ApiClient api, string route, string body) =>
            (await api.Post(route, body)).AssertOk().Json.EnumerateArray().Select(e => e.GetString()).ToArray();
    }
}
