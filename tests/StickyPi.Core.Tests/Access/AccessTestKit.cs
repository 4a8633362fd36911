using System;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Access
{
    /// <summary>A temporary store with fast password hashing, and shortcuts to create users as the local administrator.</summary>
    internal sealed class AccessStore : IDisposable
    {
        private readonly TempDir _dir = new TempDir("stickypi-access");

        public AccessStore()
        {
            Store = LocalStickyStore.Open(_dir.Path);
            Store.PasswordHashRounds = 1000;
        }

        public LocalStickyStore Store { get; }

        public static CallerIdentity Local => CallerIdentity.LocalAdministrator;

        /// <summary>Creates a user (password "pw-" + name) and returns its identity as the store computes it.</summary>
        public CallerIdentity User(string name, bool isAdmin = false, bool canWrite = true)
        {
            Store.AddUser(Local, name, ("pw-" + name).ToCharArray(), name + "@example.org", isAdmin, canWrite);
            return Store.GetCallerIdentity(name);
        }

        public void Dispose()
        {
            Store.Dispose();
            _dir.Dispose();
        }
    }
}
