using System;
using System.Collections.Concurrent;
using System.IO;
using System.Management.Automation.Runspaces;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell
{
    /// <summary>
    /// The session default connection, kept per runspace (so parallel runspaces and jobs do not share it), and the
    /// connections opened implicitly from <c>$env:STICKYPI_LOCAL_DIR</c>.
    /// </summary>
    internal static class ConnectionResolver
    {
        public const string EnvironmentVariable = "STICKYPI_LOCAL_DIR";

        private static readonly ConcurrentDictionary<Guid, StickyConnection> Defaults = new ConcurrentDictionary<Guid, StickyConnection>();
        private static readonly ConcurrentDictionary<string, StickyConnection> FromEnvironment =
            new ConcurrentDictionary<string, StickyConnection>(StringComparer.Ordinal);

        public static StickyConnection Open(string localDir) => Open(localDir, null);

        /// <summary>Opens a store acting as a stored user, or as the local administrator when no name is given.</summary>
        public static StickyConnection Open(string localDir, string userName)
        {
            var store = EmbeddedStickyBackend.Open(localDir, createIfMissing: true);
            try
            {
                var caller = string.IsNullOrEmpty(userName) ? CallerIdentity.LocalAdministrator : store.GetCallerIdentity(userName);
                return new StickyConnection(store, caller);
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }

        /// <summary>Connects to a Sticky Pi server as <paramref name="userName"/> (credentials and role checked now).</summary>
        public static StickyConnection OpenRemote(Uri endpoint, string userName, string password)
        {
            var backend = StickyPi.Core.Remote.RemoteStickyBackend.Connect(endpoint, userName, password, out var caller);
            return new StickyConnection(backend, caller);
        }

        public static StickyConnection GetDefault()
        {
            var id = CurrentRunspaceId();
            return Defaults.TryGetValue(id, out var c) && !c.IsClosed ? c : null;
        }

        public static void SetDefault(StickyConnection connection)
        {
            var id = CurrentRunspaceId();
            if (Defaults.TryGetValue(id, out var previous) && !ReferenceEquals(previous, connection))
            {
                previous.IsDefault = false;
            }

            connection.IsDefault = true;
            Defaults[id] = connection;
        }

        public static void ClearDefault(StickyConnection connection)
        {
            var id = CurrentRunspaceId();
            if (Defaults.TryGetValue(id, out var current) && ReferenceEquals(current, connection))
            {
                Defaults.TryRemove(id, out _);
            }

            connection.IsDefault = false;
        }

        /// <summary>The store named by $env:STICKYPI_LOCAL_DIR, opened once per directory; null when unset.</summary>
        public static StickyConnection FromEnvironmentVariable(out string directory)
        {
            directory = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(directory))
            {
                return null;
            }

            var full = Path.GetFullPath(directory);
            var existing = FromEnvironment.GetOrAdd(full, Open);
            if (existing.IsClosed)
            {
                existing = Open(full);
                FromEnvironment[full] = existing;
            }

            return existing;
        }

        private static Guid CurrentRunspaceId() => Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty;
    }
}
