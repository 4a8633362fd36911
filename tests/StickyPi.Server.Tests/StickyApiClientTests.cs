using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>
    /// The client side's two recoveries, against our server: a call refused for the moment (429 over the rate limit)
    /// is retried until it passes; a token the server no longer accepts (a restart with a new key) is replaced once,
    /// with the password, and the call goes through.
    /// </summary>
    public sealed class StickyApiClientTests
    {
        [Fact]
        public void ACallOverTheRateLimitIsRetriedUntilItPasses()
        {
            using var server = new StickyServer(settings: new Dictionary<string, string> { ["StickyPi:RateLimit:PerSecond"] = "1", ["StickyPi:RateLimit:Burst"] = "2" });
            var handler = new RoutingHandler(server.Server.CreateHandler());
            using var client = new StickyApiClient(server.Server.BaseAddress, StickyServer.AdminName, StickyServer.AdminPassword, handler, maxRetries: 5);

            for (int i = 0; i < 5; i++)
            {
                using var users = client.PostJson("get_users", "[{}]");
                Assert.Contains(users.RootElement.EnumerateArray(), u => u.GetProperty("username").GetString() == StickyServer.AdminName);
            }

            // The bucket holds two: some calls were answered 429 first, and each passed on a later attempt.
            Assert.Contains(429, handler.Statuses);
            Assert.Equal(5, handler.Statuses.Count(s => s == 200) - 1); // one 200 is the token
        }

        [Fact]
        public void ATokenRefusedAfterTheServerChangedItsKeyIsReplacedWithThePassword()
        {
            string data = TestPaths.NewTempDir("stickypi-client-token");
            try
            {
                var first = new StickyServer(data, new Dictionary<string, string> { ["SECRET_API_KEY"] = "first-key-" + Guid.NewGuid().ToString("N") });
                var handler = new RoutingHandler(first.Server.CreateHandler());
                using var client = new StickyApiClient(first.Server.BaseAddress, StickyServer.AdminName, StickyServer.AdminPassword, handler, maxRetries: 0);
                client.PostJson("get_users", "[{}]").Dispose();
                first.Dispose();

                using var second = new StickyServer(data, new Dictionary<string, string> { ["SECRET_API_KEY"] = "second-key-" + Guid.NewGuid().ToString("N") });
                handler.Route(second.Server.CreateHandler());
                using (var users = client.PostJson("get_users", "[{}]"))
                {
                    Assert.True(users.RootElement.GetArrayLength() >= 1);
                }

                // get_token, get_users; then get_users refused (401), get_token again, get_users passing.
                Assert.Equal(new[] { "/get_token", "/get_users", "/get_users", "/get_token", "/get_users" }, handler.Paths);
                Assert.Equal(new[] { 200, 200, 401, 200, 200 }, handler.Statuses);
            }
            finally
            {
                TestPaths.DeleteDir(data);
            }
        }

        [Fact]
        public void AWrongPasswordIsRemoteAccessDeniedNamingTheServer()
        {
            using var server = new StickyServer();
            using var client = new StickyApiClient(server.Server.BaseAddress, StickyServer.AdminName, "not-the-password", server.Server.CreateHandler(), maxRetries: 0);
            var e = Assert.Throws<StickyPiException>(() => client.PostJson("get_users", "[{}]"));
            Assert.Equal(StickyErrorIds.RemoteAccessDenied, e.ErrorId);
            Assert.Equal(StickyErrorKind.PermissionDenied, e.Kind);
            Assert.Contains(server.Server.BaseAddress.AbsoluteUri, e.Message);
            Assert.Contains("401", e.Message);
        }

        /// <summary>Sends to the server of the moment (a restarted one replaces the first) and records what passed.</summary>
        private sealed class RoutingHandler : HttpMessageHandler
        {
            private HttpMessageInvoker _current;

            public RoutingHandler(HttpMessageHandler server) => _current = new HttpMessageInvoker(server);

            public ConcurrentQueue<string> PathLog { get; } = new ConcurrentQueue<string>();

            public ConcurrentQueue<int> StatusLog { get; } = new ConcurrentQueue<int>();

            public string[] Paths => PathLog.ToArray();

            public int[] Statuses => StatusLog.ToArray();

            public void Route(HttpMessageHandler server) => Interlocked.Exchange(ref _current, new HttpMessageInvoker(server));

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var response = await _current.SendAsync(request, cancellationToken);
                PathLog.Enqueue(request.RequestUri.AbsolutePath);
                StatusLog.Enqueue((int)response.StatusCode);
                return response;
            }
        }
    }
}
