using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>Limits, rate limiting, logs and health, in process.</summary>
    public class ProductionTests
    {
        [FixtureFact]
        public async Task Bodies_over_a_routes_limit_are_413_from_their_content_length()
        {
            using var server = new StickyServer(settings: new Dictionary<string, string>
            {
                ["StickyPi:Limits:JsonBytes"] = "2048",
                ["StickyPi:Limits:ImageRequestBytes"] = "100000",
            });
            using var api = server.Admin();
            var big = "[" + string.Join(", ", Enumerable.Repeat("{\"username\": \"x\"}", 200)) + "]";
            var r = (await api.Post("get_users", big)).AssertError(413);
            Assert.Equal("RequestTooLarge", r.ErrorId);
            (await api.PutImage(TestPaths.Image("5c173ff2", "5c173ff2.2020-06-20_21-33-24.jpg"))).AssertError(413);
            // A small body on the same routes is fine.
            (await api.Post("get_users", "[{}]")).AssertOk();

            // Without a Content-Length (chunked), the limit stops the read.
            var chunked = new StringContent(big, Encoding.UTF8, "application/json");
            chunked.Headers.ContentLength = null;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/get_users") { Content = new PushContent(Encoding.UTF8.GetBytes(big)) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(StickyServer.AdminName + ":" + StickyServer.AdminPassword)));
            using var response = await api.Http.SendAsync(request);
            Assert.Equal(413, (int)response.StatusCode);
        }

        [FixtureFact]
        public async Task Requests_over_the_per_user_rate_are_429_with_a_json_body()
        {
            using var server = new StickyServer(settings: new Dictionary<string, string> { ["StickyPi:RateLimit:PerSecond"] = "1", ["StickyPi:RateLimit:Burst"] = "3" });
            using var api = server.Admin();
            await api.UseToken();
            var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => api.Post("get_users", "[{}]")));
            var statuses = responses.Select(r => r.Status).ToList();
            foreach (var r in responses.Where(r => r.Status == 429))
            {
                r.AssertError(429);
                Assert.Equal("RateLimited", r.ErrorId);
            }

            Assert.Contains(429, statuses);
            Assert.Contains(200, statuses);
            Assert.True(statuses.Count(x => x == 200) <= 5, string.Join(",", statuses)); // a burst of 3, plus a refill or two
            // Another user has a bucket of their own; /healthz is never limited.
            using var other = server.Api(StickyServer.UidName, StickyServer.UidPassword);
            (await other.Post("get_users", "[{}]")).AssertOk();
            Assert.Equal(200, (await api.Send("/healthz", null, HttpMethod.Get)).Status);
        }

        [FixtureFact]
        public async Task Request_logs_name_route_user_status_and_size_but_never_passwords_tokens_or_signatures()
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            var token = await api.UseToken();
            (await api.PutImage(TestPaths.Image("5c173ff2", "5c173ff2.2020-06-20_21-33-24.jpg"))).AssertOk();
            var url = (await api.Post("get_images/image", "[{\"device\": \"5c173ff2\", \"datetime\": \"2020-06-20T21:33:24Z\"}]")).AssertOk()[0].GetProperty("url").GetString();
            using var anonymous = server.Api();
            Assert.Equal(200, (await anonymous.Send(url, null, HttpMethod.Get)).Status);
            (await server.Api("admin", "wrong-password-xyz").Post("get_users", "[{}]")).AssertError(401);

            var logs = server.Logs.ToArray();
            var requestLines = logs.Where(l => l.Contains("StickyPi.Server.Requests")).ToList();
            Assert.Contains(requestLines, l => l.Contains("POST /_put_new_images user=admin status=200"));
            Assert.Contains(requestLines, l => l.Contains("GET /files/{**key} user=- status=200") && l.Contains("out=304616"));
            Assert.Contains(requestLines, l => l.Contains("POST /get_users user=- status=401"));
            var signature = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["signature"];
            foreach (var secret in new[] { StickyServer.AdminPassword, "wrong-password-xyz", token, signature, StickyServer.Secret })
            {
                Assert.DoesNotContain(logs, l => l.Contains(secret));
            }
        }

        [FixtureFact]
        public async Task Healthz_answers_without_credentials()
        {
            using var server = new StickyServer();
            using var anonymous = server.Api();
            var r = await anonymous.Send("/healthz", null, HttpMethod.Get);
            Assert.Equal(200, r.Status);
            Assert.Equal("{\"status\":\"ok\"}\n", r.Body);
        }

        /// <summary>Sends its bytes without a Content-Length (chunked transfer).</summary>
        private sealed class PushContent : HttpContent
        {
            private readonly byte[] _bytes;

            public PushContent(byte[] bytes)
            {
                _bytes = bytes;
                Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            }

            protected override Task SerializeToStreamAsync(System.IO.Stream stream, System.Net.TransportContext context) => stream.WriteAsync(_bytes, 0, _bytes.Length);

            protected override bool TryComputeLength(out long length)
            {
                length = 0;
                return false;
            }
        }
    }
}
