using System.Diagnostics;
using StickyPi.Core.Access;

namespace StickyPi.Core.Tests.Access
{
    public class PasswordHashTests
    {
        // Drepper's reference vectors (glibc crypt-sha256/sha512 tests; passlib uses the same).
        [Theory]
        [InlineData("$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", "Hello world!")]
        [InlineData("$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.", "Hello world!")]
        [InlineData("$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0", "This is just a test")]
        [InlineData("$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5", "Hello world!")]
        [InlineData("$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA", "Hello world!")]
        [InlineData("$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5", "This is just a test")]
        public void Reference_vectors_compute_and_verify(string hash, string password)
        {
            Assert.Equal(hash, PasswordHash.Compute(password.ToCharArray(), hash));
            Assert.True(PasswordHash.Verify(password.ToCharArray(), hash));
            Assert.False(PasswordHash.Verify((password + "x").ToCharArray(), hash));
            Assert.True(PasswordHash.IsSupported(hash));
        }

        [Fact]
        public void Salt_longer_than_16_characters_is_truncated_like_crypt3()
        {
            Assert.Equal(
                "$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0",
                PasswordHash.Compute("This is just a test".ToCharArray(), "$6$rounds=5000$toolongsaltstring$"));
        }

        [Fact]
        public void New_hashes_have_passlibs_exact_shape_and_verify()
        {
            var sw = Stopwatch.StartNew();
            var hash = PasswordHash.Hash("correct horse".ToCharArray());
            sw.Stop();
            Assert.Matches(@"^\$6\$rounds=656000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$", hash);
            Assert.Equal(120, hash.Length);
            Assert.True(PasswordHash.Verify("correct horse".ToCharArray(), hash));
            Assert.False(PasswordHash.Verify("Correct horse".ToCharArray(), hash));
            Assert.NotEqual(hash, PasswordHash.Hash("correct horse".ToCharArray()));
            Assert.True(sw.Elapsed.TotalSeconds < 20, "656000 rounds took " + sw.Elapsed);
        }

        [Fact]
        public void Non_ascii_passwords_are_hashed_as_utf8_and_round_trip()
        {
            var hash = PasswordHash.Hash("pässwörd-日本".ToCharArray(), 1000);
            Assert.StartsWith("$6$rounds=1000$", hash);
            Assert.True(PasswordHash.Verify("pässwörd-日本".ToCharArray(), hash));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("plain")]
        [InlineData("$1$saltsalt$qjXMvbEw8oaL.CzflDugX/")]
        [InlineData("$6$saltstring$tooshort")]
        [InlineData("$6$rounds=abc$salt$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1")]
        public void Unknown_or_malformed_hashes_never_verify(string hash)
        {
            Assert.False(PasswordHash.Verify("Hello world!".ToCharArray(), hash));
            Assert.False(PasswordHash.IsSupported(hash));
        }
    }
}
