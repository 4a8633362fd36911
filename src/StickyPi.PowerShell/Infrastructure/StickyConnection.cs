using System;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell
{
    /// <summary>An open connection to a Sticky Pi store, as returned by Connect-StickyApi.</summary>
    public sealed class StickyConnection : IDisposable
    {
        internal StickyConnection(IStickyBackend store, CallerIdentity caller)
        {
            Store = store;
            Caller = caller;
        }

        /// <summary>"Local" for the embedded store.</summary>
        public string Kind => Store.Kind;

        /// <summary>The store's directory (or a back-end's URL).</summary>
        public string Location => Store.Location;

        /// <summary>The user the operations run as.</summary>
        public string User => Caller.UserName;

        /// <summary>True while this is the session's default connection.</summary>
        public bool IsDefault { get; internal set; }

        public bool IsClosed { get; private set; }

        /// <summary>The back-end every cmdlet goes through.</summary>
        internal IStickyBackend Store { get; }

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
