using System;
using System.IO;
using System.Threading;
using Microsoft.Extensions.Logging;
using StickyPi.Catalog.MariaDb;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Storage.S3;

namespace StickyPi.Server
{
    /// <summary>The back-end the settings name: the embedded store, or the MariaDB catalog joined to S3 or a folder.</summary>
    public static class ServerBackend
    {
        public static IStickyBackend Open(ServerSettings settings, ILogger log)
        {
            var limits = new InputLimits { MaxImagePixels = settings.MaxImagePixels };
            if (settings.MariaDbConnectionString == null)
            {
                var embedded = EmbeddedStickyBackend.Open(settings.DataDirectory);
                embedded.Store.Limits = limits;
                return embedded;
            }

            var catalog = OpenCatalog(settings, log);
            IStickyFileStorage files;
            if (settings.S3 != null)
            {
                var bucket = new S3FileStorage(settings.S3);
                if (bucket.EnsureBucket())
                {
                    log.LogInformation("Created the bucket {Bucket}", bucket.Location);
                }

                files = bucket;
            }
            else
            {
                files = new LocalDirectoryStorage(settings.DataDirectory);
            }

            string cache = Path.Combine(Path.GetTempPath(), "stickypi-server-cache");
            return new CompositeStickyBackend(catalog, files, "MariaDb", cache, limits, files as IDisposable);
        }

        /// <summary>Opens the catalog, waiting for a database that does not answer yet (as upstream's server does, every 2 s).</summary>
        private static MariaDbCatalog OpenCatalog(ServerSettings settings, ILogger log)
        {
            var deadline = DateTime.UtcNow + settings.MariaDbStartTimeout;
            while (true)
            {
                try
                {
                    return MariaDbCatalog.Open(settings.MariaDbConnectionString);
                }
                catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.RemoteUnavailable && DateTime.UtcNow < deadline)
                {
                    log.LogWarning("MariaDB does not answer yet ({Message}); trying again in 2 s.", e.Message);
                    Thread.Sleep(TimeSpan.FromSeconds(2));
                }
            }
        }
    }
}
