using System;
using System.Text;
using System.Threading.Tasks;
using StickyPi.Core.Access;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    public class TokenTests
    {
        // Made with itsdangerous 2.2.0: URLSafeTimedSerializer("test-secret-key").dumps({"id": n}) at t = 1700000000.
        private static readonly DateTime Issued = DateTimeOffset.FromUnixTimeSeconds(1700000000).UtcDateTime;

        [Theory]
        [InlineData(42, "eyJpZCI6NDJ9.ZVPxAA.sdVXIgZfzuU3kjf40XLZCrM5Yj8")]
        [InlineData(1, "eyJpZCI6MX0.ZVPxAA.7UkpbUdYHXNIyAG0CSmJjMbcfec")]
        public void Tokens_are_byte_for_byte_those_of_itsdangerous(long id, string expected)
        {
            var tokens = new ApiToken("test-secret-key");
            Assert.Equal(expected, tokens.Issue(id, Issued));
            Assert.True(tokens.TryValidate(expected, Issued.AddHours(23), out long decoded, out var issued));
            Assert.Equal(id, decoded);
            Assert.Equal(Issued, issued);
        }

        [Fact]
        public void The_spec_example_token_has_upstreams_payload_and_timestamp_layout()
        {
            // eyJpZCI6MX0.YohaBQ.<sig> (spec §1.2.4): payload {"id":1}, timestamp 0x62885A05 = 2022-05-21T03:18:29Z.
            const string example = "eyJpZCI6MX0.YohaBQ.N7xoaPMLWlkM_3gGFeFGXqWsCDE";
            var parts = example.Split('.');
            Assert.Equal("{\"id\":1}", Encoding.UTF8.GetString(Convert.FromBase64String(parts[0] + "=")));
            var ours = new ApiToken("any-key").Issue(1, DateTimeOffset.FromUnixTimeSeconds(0x62885A05).UtcDateTime);
            Assert.StartsWith("eyJpZCI6MX0.YohaBQ.", ours);
            Assert.Equal(example.Length, ours.Length);
        }

        [Fact]
        public void Tampered_expired_future_and_foreign_tokens_are_refused()
        {
            var tokens = new ApiToken("test-secret-key");
            var good = tokens.Issue(7, Issued);
            Assert.False(tokens.TryValidate(good.Substring(0, good.Length - 1) + (good[^1] == 'A' ? 'B' : 'A'), Issued, out _, out _));
            Assert.False(tokens.TryValidate("eyJpZCI6OH0" + good.Substring(good.IndexOf('.')), Issued, out _, out _)); // id 8, same signature
            Assert.False(tokens.TryValidate(good, Issued.AddSeconds(86401), out _, out _));
            Assert.True(tokens.TryValidate(good, Issued.AddSeconds(86400), out _, out _));
            Assert.False(tokens.TryValidate(good, Issued.AddSeconds(-1), out _, out _));
            Assert.False(new ApiToken("other-key").TryValidate(good, Issued, out _, out _));
            Assert.False(tokens.TryValidate("not a token", Issued, out _, out _));
            Assert.False(tokens.TryValidate("a.b.c", Issued, out _, out _));
        }

        [Fact]
        public async Task Get_token_returns_upstreams_shape_and_the_token_authenticates()
        {
            using var server = new StickyServer();
            using var api = server.Admin();
            var r = (await api.Post("get_token", null)).AssertOk();
            var token = r.Json.GetProperty("token").GetString();
            long expiration = r.Json.GetProperty("expiration").GetInt64();
            Assert.InRange(expiration - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 86390, 86410);
            Assert.Matches("^\\{\"token\":\"[^\"]+\",\"expiration\":[0-9]+\\}\n$", r.Body);
            Assert.True(new ApiToken(StickyServer.Secret).TryValidate(token, DateTime.UtcNow, out long id, out _));
            Assert.Equal(1, id);

            api.User = token;
            api.Password = string.Empty;
            (await api.Post("get_users", "[{}]")).AssertOk();
            // As upstream: a token mints a fresh token, and the password is ignored when the user field is a token.
            api.Password = "anything";
            (await api.Post("get_token", null)).AssertOk();
        }

        [Fact]
        public async Task Tokens_survive_a_restart_with_the_same_key_and_die_with_another_key()
        {
            var data = TestPaths.NewTempDir("stickypi-restart");
            try
            {
                string token;
                using (var first = new StickyServer(data))
                using (var api = first.Admin())
                {
                    token = await api.UseToken();
                }

                using (var second = new StickyServer(data))
                using (var api = second.Api(token, string.Empty))
                {
                    (await api.Post("get_users", "[{}]")).AssertOk();
                    Assert.Equal(2, (await api.Post("get_users", "[{}]")).Count); // bootstrap users were not created twice
                }

                using (var rekeyed = new StickyServer(data, new System.Collections.Generic.Dictionary<string, string> { ["SECRET_API_KEY"] = "another-key" }))
                using (var api = rekeyed.Api(token, string.Empty))
                {
                    (await api.Post("get_users", "[{}]")).AssertError(401);
                }
            }
            finally
            {
                TestPaths.DeleteDir(data);
            }
        }

        [Fact]
        public async Task A_token_made_by_upstreams_recipe_is_accepted()
        {
            using var server = new StickyServer();
            // The recipe of spec §1.2.4 written out independently: SHA1 key derivation, HMAC-SHA1 over payload.ts.
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var ts = BitConverter.GetBytes((uint)now);
            Array.Reverse(ts);
            string signed = B64(Encoding.UTF8.GetBytes("{\"id\":1}")) + "." + B64(ts);
            var key = System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes("itsdangerous" + "signer" + StickyServer.Secret));
            var sig = System.Security.Cryptography.HMACSHA1.HashData(key, Encoding.ASCII.GetBytes(signed));
            using var api = server.Api(signed + "." + B64(sig), string.Empty);
            var users = (await api.Post("get_users", "[{\"username\": \"admin\"}]")).AssertOk();
            Assert.Equal("admin", users[0].GetProperty("username").GetString());
        }
    }
}
