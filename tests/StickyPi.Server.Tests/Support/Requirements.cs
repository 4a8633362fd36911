using System;
using System.IO;
using Xunit;

namespace StickyPi.Server.Tests.Support
{
    /// <summary>
    /// Tests that upload the real device files of <c>../shared/fixtures</c> (their md5s and parsed values are what they
    /// assert). On a user's clone without the fixtures they are skipped with a reason naming the missing folder; with
    /// <c>CI=true</c> they run anyway and fail, since CI has the fixtures.
    /// </summary>
    public static class Requirements
    {
        public static string FixturesMissing => TestPaths.InCi ? null : TestPaths.FixturesMissing;
    }

    /// <summary>A fact that needs <c>../shared/fixtures</c>.</summary>
    public sealed class FixtureFactAttribute : FactAttribute
    {
        public override string Skip
        {
            get => base.Skip ?? Requirements.FixturesMissing;
            set => base.Skip = value;
        }
    }

    /// <summary>A theory that needs <c>../shared/fixtures</c>.</summary>
    public sealed class FixtureTheoryAttribute : TheoryAttribute
    {
        public override string Skip
        {
            get => base.Skip ?? Requirements.FixturesMissing;
            set => base.Skip = value;
        }
    }
}
