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

        /// <summary>
        /// Opens a MariaDB catalog (created when missing) with its files in an S3 bucket (<paramref name="s3"/>, created
        /// when missing) or a folder, acting as a stored user or as the local administrator when no name is given: the
        /// database login already allows everything, as the folder of an embedded store does.
        /// </summary>
        public static StickyConnection OpenDeployed(string connectionString, StickyPi.Storage.S3.S3StorageOptions s3, string filesPath, string userName)
        {
            var catalog = StickyPi.Catalog.MariaDb.MariaDbCatalog.Open(connectionString);
            IStickyFileStorage files;
            if (s3 != null)
            {
                var bucket = new StickyPi.Storage.S3.S3FileStorage(s3);
                try
                {
                    bucket.EnsureBucket();
                }
                catch
                {
                    bucket.Dispose();
                    throw;
                }

                files = bucket;
            }
            else
            {
                Directory.CreateDirectory(filesPath);
                files = new LocalDirectoryStorage(filesPath);
            }

            string cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "StickyPi", "deployed",
                SafeName(catalog.Location + " " + files.Location));
            var backend = new CompositeStickyBackend(catalog, files, "MariaDb", cache, null, files as IDisposable);
            try
            {
                var caller = string.IsNullOrEmpty(userName) ? CallerIdentity.LocalAdministrator : backend.GetCallerIdentity(userName);
                return new StickyConnection(backend, caller);
            }
            catch
            {
                backend.Dispose();
                throw;
            }
        }

        /// <summary>A folder name from a location: letters and digits kept, the rest one underscore.</summary>
        private static string SafeName(string location) =>
            System.Text.RegularExpressions.Regex.Replace(location, "[^A-Za-z0-9]+", "_").Trim('_');

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
