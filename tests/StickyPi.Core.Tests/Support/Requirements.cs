using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using StickyPi.Core.Parsing;
using Xunit.Sdk;

namespace StickyPi.Core.Tests.Support
{
    /// <summary>
    /// What some tests need from outside the repository: the read-only shared fixtures (<c>../shared/fixtures</c>
    /// beside the checkout) and the system's TurboJPEG library. On a fresh clone without them those tests are skipped
    /// with a reason naming what is missing; with <c>CI=true</c> they run anyway and fail, since CI has both.
    /// </summary>
    public static class Requirements
    {
        public static bool InCi => TestPaths.InCi;

        public static string FixturesMissing => TestPaths.FixturesMissing;

        /// <summary>Why TurboJPEG cannot be used, or null when the library actually loaded in this process.</summary>
        public static string TurboJpegMissing =>
            TurboJpeg.IsLoaded ? null : "needs the TurboJPEG library (e.g. apt install libturbojpeg0): " + TurboJpeg.Description;

        /// <summary>The skip reason for a test with these needs: the first one missing, or null (never skip with CI=true).</summary>
        public static string SkipReason(bool fixtures, bool turboJpeg)
        {
            if (InCi)
            {
                return null;
            }

            return (fixtures ? FixturesMissing : null) ?? (turboJpeg ? TurboJpegMissing : null);
        }
    }

    /// <summary>A fact that needs <c>../shared/fixtures</c> (and, with <see cref="TurboJpeg"/>, the TurboJPEG library).</summary>
    public sealed class FixtureFactAttribute : FactAttribute
    {
        public bool TurboJpeg { get; set; }

        public override string Skip
        {
            get => base.Skip ?? Requirements.SkipReason(fixtures: true, turboJpeg: TurboJpeg);
            set => base.Skip = value;
        }
    }

    /// <summary>A theory that needs <c>../shared/fixtures</c> (and, with <see cref="TurboJpeg"/>, the TurboJPEG library).</summary>
    public sealed class FixtureTheoryAttribute : TheoryAttribute
    {
        public bool TurboJpeg { get; set; }

        public override string Skip
        {
            get => base.Skip ?? Requirements.SkipReason(fixtures: true, turboJpeg: TurboJpeg);
            set => base.Skip = value;
        }
    }

    /// <summary>A fact that needs the TurboJPEG library loaded in this process.</summary>
    public sealed class TurboJpegFactAttribute : FactAttribute
    {
        public override string Skip
        {
            get => base.Skip ?? Requirements.SkipReason(fixtures: false, turboJpeg: true);
            set => base.Skip = value;
        }
    }

    /// <summary>A theory that needs the TurboJPEG library loaded in this process.</summary>
    public sealed class TurboJpegTheoryAttribute : TheoryAttribute
    {
        public override string Skip
        {
            get => base.Skip ?? Requirements.SkipReason(fixtures: false, turboJpeg: true);
            set => base.Skip = value;
        }
    }

    /// <summary>One data row of a theory (like <c>InlineData</c>) that needs the TurboJPEG library: only this row is skipped.</summary>
    public sealed class TurboJpegInlineDataAttribute : DataAttribute
    {
        private readonly object[] _data;

        public TurboJpegInlineDataAttribute(params object[] data)
        {
            _data = data;
        }

        public override string Skip
        {
            get => base.Skip ?? Requirements.SkipReason(fixtures: false, turboJpeg: true);
            set => base.Skip = value;
        }

        public override IEnumerable<object[]> GetData(MethodInfo testMethod) => new[] { _data };
    }
}
