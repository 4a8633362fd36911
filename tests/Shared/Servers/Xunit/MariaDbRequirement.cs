namespace StickyPi.Tests.Support
{
    /// <summary>The xunit side of <see cref="MariaDbFixture"/> (the fixture itself also serves the Pester runner).</summary>
    public static class MariaDbRequirement
    {
        /// <summary>Skips (outside CI) or fails (under CI) when the server is missing.</summary>
        public static void Require(this MariaDbFixture fixture)
        {
            if (fixture.Missing != null)
            {
                Assert.False(TestPaths.InCi, "Under CI the MariaDB tests must run, but " + fixture.Missing);
                Skip.If(true, fixture.Missing);
            }
        }
    }
}
