using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>Every route, for every role: allowed exactly as the embedded store's AccessPolicy says; 401 without valid credentials.</summary>
    public class AuthMatrixTests : IClassFixture<AuthMatrixTests.Users>
    {
        private readonly Users _users;

        public AuthMatrixTests(Users users) => _users = users;

        public static IEnumerable<object[]> Routes() => ApiRoutes.All.Select(r => new object[] { r.Name });

        [Theory]
        [MemberData(nameof(Routes))]
        public async Task Each_role_is_allowed_or_refused_with_403_as_the_access_policy_says(string name)
        {
            var route = ApiRoutes.All.Single(r => r.Name == name);
            var path = route.Name + (route.Whats == null ? string.Empty : "/" + (route.Whats.Length > 0 ? route.Whats[0] : "metadata"));
            foreach (var (role, token) in _users.Tokens)
            {
                using var api = _users.Server.Api(token, string.Empty);
                var identity = new CallerIdentity(1, role, role != "reader", role == "admin");
                var r = await api.Send(path, Body(route));
                if (AccessPolicy.IsAllowed(identity, route.Operation))
                {
                    Assert.True(r.Status != 401 && r.Status != 403, role + " on " + path + ": " + r);
                    Assert.True(r.Status < 500, role + " on " + path + ": " + r);
                }
                else
                {
                    r.AssertError(403);
                    Assert.Equal(ApiErrors.Realm, r.Headers.WwwAuthenticate.ToString());
                }
            }
        }

        [Theory]
        [MemberData(nameof(Routes))]
        public async Task Missing_or_wrong_credentials_give_401_with_the_basic_challenge(string name)
        {
            var route = ApiRoutes.All.Single(r => r.Name == name);
            var path = route.Name + (route.Whats == null ? string.Empty : "/" + (route.Whats.Length > 0 ? route.Whats[0] : "metadata"));
            foreach (var (user, password) in new[] { ((string)null, (string)null), ("admin", "wrong-password"), ("nobody", "x"), ("", "admin-password-123"), ("eyJpZCI6MX0.ZVPxAA.7UkpbUdYHXNIyAG0CSmJjMbcfec", "") })
            {
                using var api = _users.Server.Api(user, password);
                var r = (await api.Send(path, Body(route))).AssertError(401);
                Assert.Equal("Basic realm=\"Authentication Required\"", r.Headers.WwwAuthenticate.ToString());
            }
        }

        [Fact]
        public async Task A_deleted_users_token_stops_working()
        {
            using var admin = _users.Server.Api(_users.Tokens.Single(t => t.Role == "admin").Token, string.Empty);
            (await admin.Post("put_users", "[{\"username\": \"temp_user\", \"password\": \"temp-password-1\"}]")).AssertOk();
            using var temp = _users.Server.Api("temp_user", "temp-password-1");
            var token = await temp.UseToken();
            (await temp.Post("get_users", "[{}]")).AssertOk();
            (await admin.Post("delete_users", "[{\"username\": \"temp_user\"}]")).AssertOk();
            (await temp.Post("get_users", "[{}]")).AssertError(401);
        }

        [Fact]
        public async Task User_names_are_matched_exactly_never_as_like_patterns()
        {
            // Upstream looks users up with LIKE (spec §8 #5): 'admi_' would be 'admin'.
            using var api = _users.Server.Api("admi_", StickyServer.AdminPassword);
            (await api.Post("get_users", "[{}]")).AssertError(401);
        }

        private static HttpContent Body(ApiRoute route)
        {
            if (route.Body == RouteBody.Multipart)
            {
                var form = new MultipartFormDataContent();
                form.Add(new StringContent("x"), "nothing");
                return form;
            }

            if (route.Body == RouteBody.None)
            {
                return null;
            }

            return new StringContent(route.Name == "_get_ml_bundle_file_list" ? "\"no_such_bundle\"" : "[]", System.Text.Encoding.UTF8, "application/json");
        }

        /// <summary>One server with an admin, a read-write and a read-only user, each holding a token.</summary>
        public sealed class Users : IAsyncLifetime
        {
            public StickyServer Server { get; } = new StickyServer();

            public List<(string Role, string Token)> Tokens { get; } = new List<(string, string)>();

            public async Task InitializeAsync()
            {
                using var admin = Server.Admin();
                (await admin.Post("put_users", "[{\"username\": \"writer\", \"password\": \"writer-pass-1\"}, {\"username\": \"reader\", \"password\": \"reader-pass-1\", \"can_write\": false}]")).AssertOk();
                Tokens.Add(("admin", await admin.UseToken()));
                using var writer = Server.Api("writer", "writer-pass-1");
                Tokens.Add(("writer", await writer.UseToken()));
                using var reader = Server.Api("reader", "reader-pass-1");
                Tokens.Add(("reader", await reader.UseToken()));
            }

            public Task DisposeAsync()
            {
                Server.Dispose();
                return Task.CompletedTask;
            }
        }
    }
}
