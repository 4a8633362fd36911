using System.Text.Json.Nodes;
using StickyPi.Server.Interop.Tests.Support;

namespace StickyPi.Server.Interop.Tests
{
    /// <summary>Tokens are itsdangerous URLSafeTimedSerializer tokens over {"id"} with SECRET_API_KEY (spec §1.2.4).</summary>
    [Collection(InteropCollection.Name)]
    public sealed class TokenTests
    {
        private readonly InteropFixture _f;

        public TokenTests(InteropFixture fixture) => _f = fixture;

        private JsonNode Tokens
        {
            get
            {
                _f.RequireOurs();
                Assert.True(_f.Tokens != null, "tokens.py did not finish: " + _f.TokensRun);
                return _f.Tokens;
            }
        }

        [SkippableFact]
        public void OurTokensVerifyWithItsdangerousAndNameTheUser()
        {
            var t = Tokens;
            Assert.Equal(200, (int)t["ours_get_token_status"]);
            Assert.True((bool)t["ours_user_id_known"], t.ToJsonString());
            Assert.True(t["ours_token_verifies_with_itsdangerous"].GetValueKind() == System.Text.Json.JsonValueKind.True, t.ToJsonString());
        }

        [SkippableFact]
        public void ATokenMintedWithItsdangerousIsAcceptedAsItsUser()
        {
            var t = Tokens;
            Assert.Equal(200, (int)t["itsdangerous_token_on_ours"]["status"]);
            Assert.True((bool)t["itsdangerous_token_resolves_to_the_user"], t.ToJsonString());
        }

        [SkippableFact]
        public void TamperedForeignKeyAndUnknownUserTokensAreRefused()
        {
            var t = Tokens;
            Assert.Equal(401, (int)t["tampered_token_on_ours"]);
            Assert.Equal(401, (int)t["foreign_key_token_on_ours"]);
            Assert.Equal(401, (int)t["unknown_user_token_on_ours"]);
        }

        [SkippableFact]
        public void TokensFromEitherServerWorkOnTheOther()
        {
            var t = Tokens;
            _f.RequireUpstream();
            Assert.Equal(200, (int)t["upstream_get_token_status"]);
            Assert.True((bool)t["same_user_id_on_both"], "the admin has different ids on the two servers, so a token cannot name the same user: " + t.ToJsonString());
            Assert.Equal(200, (int)t["upstream_token_on_ours"]["status"]);
            Assert.True((bool)t["upstream_token_resolves_on_ours_to_the_user"], t.ToJsonString());
            Assert.Equal(200, (int)t["ours_token_on_upstream"]["status"]);
        }
    }
}
