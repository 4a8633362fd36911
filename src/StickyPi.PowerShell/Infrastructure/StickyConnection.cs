using System;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell
{
    /// <summary>An open connection to a Sticky Pi store, as returned by Connect-StickyApi.</summary>
    public sealed class StickyConnection : IDisposable
    {
        internal StickyConnection(LocalStickyStore store, CallerIdentity caller)
        {
            Store = store;
            Caller = caller;
        }

        /// <summary>"Local" for the embedded store.</summary>
        public string Kind => "Local";

        /// <summary>The store's directory.</summary>
        public string Location => Store.RootDirectory;

        /// <summary>The user the operations run as.</summary>
        public string User => Caller.UserName;

        /// <summary>True while this is the session's default connection.</summary>
        public bool IsDefault { get; internal set; }

        public bool IsClosed { get; private set; }

        internal LocalStickyStore Store { get; }

        internal CallerIdentity Caller { get; }

        public void Dispose()
        {
            if (!IsClosed)
            {
                IsClosed = true;
                Store.Dispose();
            }
        }

        public override string ToString() => Kind + ":" + Location;
    }
}
