using System;
using System.IO;

namespace StickyPi.Server
{
    /// <summary>
    /// Where request bodies are streamed before the core takes them: a folder of the store's private temporary area
    /// (same volume, so files are renamed into place) holding an exclusively opened <c>session.lock</c>, which keeps
    /// another process opening the store from sweeping uploads in flight; a crashed server's folder is swept on the
    /// next open. Without a store folder (a MariaDB catalog with S3) it is a folder of the system's temporary area.
    /// </summary>
    public sealed class UploadSpace : IDisposable
    {
        private readonly FileStream _lock;

        public UploadSpace(ServerSettings settings)
        {
            Root = Path.Combine(settings.DataDirectory ?? Path.Combine(Path.GetTempPath(), "stickypi-server"), ".stickypi-tmp", "server-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Root);
            _lock = new FileStream(Path.Combine(Root, "session.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }

        public string Root { get; }

        public string NewFolder()
        {
            var folder = Path.Combine(Root, Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return folder;
        }

        /// <summary>
        /// A new, unused file path directly in the upload space (nothing is created): one streamed part, deleted by the
        /// request that made it. Saves a folder's creation and removal per upload over <see cref="NewFolder"/>.
        /// </summary>
        public string NewFilePath() => Path.Combine(Root, Guid.NewGuid().ToString("N") + ".part");

        public void Dispose()
        {
            _lock.Dispose();
            UploadHandlers.TryDeleteDirectory(Root);
        }
    }
}
