using StickyPi.Core.Local;

namespace StickyPi.Core.Tests.Local
{
    public class LikePatternTests
    {
        [Theory]
        [InlineData("%", "", true)]
        [InlineData("%", "0a5bb6f4", true)]
        [InlineData("0a5b%", "0A5Bb6f4", true)]
        [InlineData("0a5b%", "x0a5b", false)]
        [InlineData("_a5bb6f4", "0a5bb6f4", true)]
        [InlineData("_a5bb6f4", "a5bb6f4", false)]
        [InlineData("%b%f_", "0a5bb6f4", true)]
        [InlineData("%%%", "abc", true)]
        [InlineData("a%b%c", "aXbYbZc", true)]
        [InlineData("a%b%c", "aXbYbZ", false)]
        [InlineData("ab\\%", "ab%", true)]
        [InlineData("ab\\%", "abc", false)]
        [InlineData("ab\\_", "ab_", true)]
        [InlineData("ab\\_", "abc", false)]
        [InlineData("ÉA", "éa", false)] // SQLite folds ASCII only
        [InlineData("éA", "éa", true)]
        public void MatchesLikeSqlite(string pattern, string value, bool expected)
        {
            Assert.Equal(expected, new LikePattern(pattern).IsMatch(value));
        }

        [Fact]
        public void PrefixAndVariants()
        {
            var p = new LikePattern("0a5b\\_%x");
            Assert.Equal("0a5b_", p.LiteralPrefix);
            Assert.Equal("0A5B_", p.LowestPrefixVariant);
            Assert.Equal("0a5b_", p.HighestPrefixVariant);
            Assert.True(p.HasWildcard);
            Assert.False(new LikePattern("0a5bb6f4").HasWildcard);
            Assert.Equal(string.Empty, new LikePattern("%a").LiteralPrefix);
        }
    }
}
