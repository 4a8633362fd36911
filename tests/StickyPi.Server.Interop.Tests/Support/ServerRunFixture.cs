using System;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>
    /// A fixture that runs a scenario against our server and, where its pieces are installed, upstream's, before the
    /// tests read what happened: why a run could not happen, and the skip (outside CI) or failure (under CI) that says so.
    /// </summary>
    public abstract class ServerRunFixture
    {
        protected ServerRunFixture(string name)
        {
            Name = name;
            try
            {
                Prepare();
            }
            catch (Exception ex)
            {
                FixtureError = ex.ToString();
            }
        }

        /// <summary>Why the suite cannot run here (a piece is missing); null when it ran.</summary>
        public string MissingReason { get; protected set; }

        /// <summary>Why there is no run against upstream's server; null when there is one.</summary>
        public string UpstreamMissingReason { get; protected set; }

        /// <summary>An unexpected failure while preparing (always a test failure).</summary>
        public string FixtureError { get; private set; }

        /// <summary>What the run is, for messages.</summary>
        protected string Name { get; }

        /// <summary>Skips (outside CI) or fails (under CI) when our server could not run; fails on a preparation error.</summary>
        public virtual void RequireOurs()
        {
            Assert.True(FixtureError == null, "Preparing the " + Name + " failed: " + FixtureError);
            if (MissingReason != null)
            {
                Assert.False(InteropPaths.UnderCi, "Under CI the interop tests must run, but " + MissingReason);
                Skip.If(true, MissingReason);
            }
        }

        /// <summary>As <see cref="RequireOurs"/>, and also the run against upstream's server.</summary>
        public void RequireUpstream()
        {
            RequireOurs();
            if (UpstreamMissingReason != null)
            {
                Assert.False(InteropPaths.UnderCi, "Under CI upstream's server must run for the comparison, but " + UpstreamMissingReason);
                Skip.If(true, UpstreamMissingReason);
            }
        }

        protected abstract void Prepare();
    }
}
