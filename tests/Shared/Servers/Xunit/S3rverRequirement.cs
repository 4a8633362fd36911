namespace StickyPi.Tests.Support
{
    /// <summary>The xunit side of <see cref="S3rverFixture"/> (the fixture itself also serves the Pester runner).</summary>
    public static class S3rverRequirement
    {
        /// <summary>Skips (outside CI) or fails (under CI) when the server is missing.</summary>
        public static void Require(this S3rverFixture fixture)
        {
            if (fixture.Missing != null)
            {
                Assert.False(TestPaths.InCi, "Under CI the S3 tests must run, but " + fixture.Missing);
                Skip.If(true, fixture.Missing);
            }
        }
    }
}
