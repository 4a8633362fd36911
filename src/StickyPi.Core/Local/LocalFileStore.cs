using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// The file side of the local store: upstream's layout (spec §5.1) plus a private temporary folder
    /// (<c>.stickypi-tmp</c>, ignored by upstream) on the same volume, so every file reaches its final name by an
    /// atomic rename and deletions can be undone until the catalog commits.
    /// </summary>
    /// <remarks>
    /// Each store instance that writes owns a session folder <c>.stickypi-tmp/&lt;session&gt;/</c> holding an exclusively
    /// opened <c>session.lock</c>. Folders whose lock can be taken belong to a dead process and are swept on open;
    /// their trash (files moved aside by an uncommitted delete or replace) is put back when the catalog still holds the
    /// row they belong to.
    /// </remarks>
    internal sealed class LocalFileStore : IDisposable
    {
        public const string RawImagesDirName = "raw_images";
        public const string TempDirName = ".stickypi-tmp";
        public const string ThumbnailSuffix = ".thumbnail";
        public const string ThumbnailMiniSuffix = ".thumbnail-mini";
        private const string LockFileName = "session.lock";
        private const string TrashPrefix = "trash-";

        private static readonly char[] InvalidNameChars = Path.GetInvalidFileNameChars();
        private readonly object _gate = new object();
        private readonly DirectFileWriter _direct = new DirectFileWriter();
        private string _sessionDir;
        private FileStream _sessionLock;
        private bool _disposed;

        public LocalFileStore(string root)
        {
            Root = root;
            RawImagesDir = Path.Combine(root, RawImagesDirName);
            TempRoot = Path.Combine(root, TempDirName);
        }

        public string Root { get; }

        public string RawImagesDir { get; }

        public string TempRoot { get; }

        /// <summary>Original, thumbnail and mini thumbnail paths of an image (<c>raw_images/&lt;device&gt;/&lt;file&gt;.jpg</c>…).</summary>
        public string[] Paths(ImageKey key)
        {
            CheckDevice(key.Device);
            string original = Path.Combine(RawImagesDir, key.Device, key.FileName);
            return new[] { original, original + ThumbnailSuffix, original + ThumbnailMiniSuffix };
        }

        public string UrlFor(StickyImage image, ImageFileKind what)
        {
            switch (what)
            {
                case ImageFileKind.Metadata:
                    return string.Empty;
                case ImageFileKind.Image:
                    return Paths(image.Key)[0];
                case ImageFileKind.Thumbnail:
                    return Paths(image.Key)[1];
                case ImageFileKind.ThumbnailMini:
                    return Paths(image.Key)[2];
                default:
                    throw new ArgumentOutOfRangeException(nameof(what), what, "Unknown image file kind.");
            }
        }

        /// <summary>
        /// Writes bytes to a new file of this session's folder. <paramref name="durable"/> also flushes it to the disk
        /// before it can be renamed into place; without it the file is complete for any process (a killed import
        /// never leaves it half-written) but a power cut may lose it, which only derived files (thumbnails) accept.
        /// </summary>
        public string WriteTemp(byte[] bytes, bool durable = true) => WriteTemp(bytes, bytes.Length, durable);

        /// <summary>As <see cref="WriteTemp(byte[], bool)"/>, for the first <paramref name="length"/> bytes of a (pooled) buffer.</summary>
        public string WriteTemp(byte[] bytes, int length, bool durable)
        {
            string path = Path.Combine(SessionDir(), Guid.NewGuid().ToString("N") + ".part");
            if (durable && length >= DirectFileWriter.MinimumLength && _direct.TryWrite(path, bytes, length))
            {
                return path;
            }

            // Unbuffered: the bytes are written whole in one call, and a buffer would be an 80 KB allocation per file.
            using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                fs.Write(bytes, 0, length);
                fs.Flush(durable);
            }

            return path;
        }

        /// <summary>Atomic rename onto <paramref name="destination"/>, replacing it when present (File.Move cannot overwrite on netstandard2.0).</summary>
        public static void MoveReplacing(string source, string destination)
        {
            if (File.Exists(destination))
            {
                File.Replace(source, destination, null, true);
                return;
            }

            try
            {
                File.Move(source, destination);
            }
            catch (IOException) when (File.Exists(destination) && File.Exists(source))
            {
                // Someone created the destination between the check and the move.
                File.Replace(source, destination, null, true);
            }
        }

        public FileTransaction BeginTransaction() => new FileTransaction(this);

        internal string NewTrashDir()
        {
            string dir = Path.Combine(SessionDir(), TrashPrefix + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            return dir;
        }

        /// <summary>
        /// Cleans the leftovers of dead sessions (crashes): trash groups whose row is still in the catalog with the
        /// trashed original's md5 are put back (their delete or replace never committed); everything else is deleted.
        /// </summary>
        public void Sweep(Func<ImageKey, string> storedMd5)
        {
            if (!Directory.Exists(TempRoot))
            {
                return;
            }

            foreach (var file in Directory.GetFiles(TempRoot))
            {
                TryDelete(file);
            }

            foreach (var dir in Directory.GetDirectories(TempRoot))
            {
                if (string.Equals(dir, _sessionDir, StringComparison.Ordinal))
                {
                    continue;
                }

                FileStream lockStream;
                try
                {
                    lockStream = new FileStream(Path.Combine(dir, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    continue; // a live session of another store instance
                }
                catch (UnauthorizedAccessException)
                {
                    continue;
                }

                bool recovered = true;
                using (lockStream)
                {
                    try
                    {
                        foreach (var trash in Directory.GetDirectories(dir, TrashPrefix + "*"))
                        {
                            foreach (var group in Directory.GetDirectories(trash))
                            {
                                RecoverGroup(group, storedMd5);
                            }
                        }
                    }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is StickyPiException)
                    {
                        // Another store swept it meanwhile, or the catalog is busy: keep it for a later open.
                        recovered = false;
                    }
                }

                if (recovered)
                {
                    TryDeleteDirectory(dir);
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                _direct.Dispose();
                if (_sessionLock != null)
                {
                    _sessionLock.Dispose();
                    _sessionLock = null;

                    // Trash that could not be put back stays for the next open's sweep to recover.
                    bool trashLeft = false;
                    foreach (var trash in SafeDirectories(_sessionDir, TrashPrefix + "*"))
                    {
                        if (Directory.GetFiles(trash, "*", SearchOption.AllDirectories).Length > 0)
                        {
                            trashLeft = true;
                        }
                    }

                    if (!trashLeft)
                    {
                        TryDeleteDirectory(_sessionDir);
                    }
                    else
                    {
                        foreach (var part in Directory.GetFiles(_sessionDir, "*.part"))
                        {
                            TryDelete(part);
                        }
                    }
                }
            }
        }

        internal static string Md5Hex(string path)
        {
            using (var md5 = MD5.Create())
            using (var fs = File.OpenRead(path))
            {
                var hash = md5.ComputeHash(fs);
                var sb = new StringBuilder(32);
                foreach (var b in hash)
                {
                    sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
                }

                return sb.ToString();
            }
        }

        internal static void TryDelete(string path)
        {
            try
            {
                if (path != null && File.Exists(path))
                {
                    File.Delete(path);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        internal static void TryDeleteDirectory(string path)
        {
            try
            {
                if (path != null && Directory.Exists(path))
                {
                    Directory.Delete(path, true);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private static string[] SafeDirectories(string dir, string pattern)
        {
            try
            {
                return Directory.Exists(dir) ? Directory.GetDirectories(dir, pattern) : new string[0];
            }
            catch (IOException)
            {
                return new string[0];
            }
        }

        private void RecoverGroup(string group, Func<ImageKey, string> storedMd5)
        {
            var files = Directory.GetFiles(group);
            if (files.Length == 0 || !TryKeyFromFileName(Path.GetFileName(files[0]), out var key))
            {
                return;
            }

            string stored = storedMd5(key);
            if (stored == null)
            {
                return; // the delete committed: the trash goes
            }

            var finals = Paths(key);
            string trashedOriginal = Path.Combine(group, Path.GetFileName(finals[0]));
            bool sameImage = File.Exists(trashedOriginal) &&
                             string.Equals(Md5Hex(trashedOriginal), stored, StringComparison.OrdinalIgnoreCase);
            foreach (var final in finals)
            {
                string trashed = Path.Combine(group, Path.GetFileName(final));
                if (!File.Exists(trashed))
                {
                    continue;
                }

                // The row still describes the trashed files: the operation never committed, put them back.
                // Otherwise only refill holes, so a row never stays without its files.
                if (sameImage || !File.Exists(final))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(final));
                    MoveReplacing(trashed, final);
                }
            }
        }

        /// <summary>Parses <c>&lt;device&gt;.&lt;YYYY-MM-DD_HH-MM-SS&gt;.jpg[.thumbnail[-mini]]</c>.</summary>
        private static bool TryKeyFromFileName(string name, out ImageKey key)
        {
            key = default;
            var parts = name.Split('.');
            if (parts.Length < 3 ||
                !DateTime.TryParseExact(parts[1], StickyTime.FileNameFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt))
            {
                return false;
            }

            key = new ImageKey(parts[0], dt);
            return true;
        }

        private static void CheckDevice(string device)
        {
            if (string.IsNullOrEmpty(device) || device == "." || device == ".." || device.IndexOfAny(InvalidNameChars) >= 0 ||
                device.IndexOf('/') >= 0 || device.IndexOf('\\') >= 0)
            {
                throw new StickyPiException(StickyErrorIds.InvalidFileName, StickyErrorKind.InvalidData,
                    "Device '" + device + "' cannot be used as a directory name.", device);
            }
        }

        private string SessionDir()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    throw new ObjectDisposedException(nameof(LocalStickyStore));
                }

                if (_sessionDir == null)
                {
                    string name = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" +
                                  Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture) + "-" +
                                  Guid.NewGuid().ToString("N").Substring(0, 8);
                    string dir = Path.Combine(TempRoot, name);
                    Directory.CreateDirectory(dir);
                    _sessionLock = new FileStream(Path.Combine(dir, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    Volatile.Write(ref _sessionDir, dir);
                }

                return _sessionDir;
            }
        }
    }

    /// <summary>
    /// File moves done while a catalog transaction is open, undone in reverse order when it does not commit.
    /// <see cref="Complete"/> after the commit deletes what was moved to the trash.
    /// </summary>
    internal sealed class FileTransaction : IDisposable
    {
        private readonly LocalFileStore _store;
        private readonly List<(string from, string to)> _moves = new List<(string from, string to)>();
        private string _trashDir;
        private int _groups;
        private bool _done;

        public FileTransaction(LocalFileStore store)
        {
            _store = store;
        }

        /// <summary>Moves the existing ones of an image's files to a trash group (named like the originals, for recovery).</summary>
        public void MoveToTrash(string[] finalPaths)
        {
            string group = null;
            foreach (var path in finalPaths)
            {
                if (!File.Exists(path))
                {
                    continue;
                }

                if (group == null)
                {
                    _trashDir = _trashDir ?? _store.NewTrashDir();
                    group = Path.Combine(_trashDir, (_groups++).ToString(CultureInfo.InvariantCulture));
                    Directory.CreateDirectory(group);
                }

                string target = Path.Combine(group, Path.GetFileName(path));
                File.Move(path, target);
                _moves.Add((path, target));
            }
        }

        /// <summary>Renames a staged temporary file onto its final name.</summary>
        public void MoveIntoPlace(string tempPath, string finalPath)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(finalPath));
            LocalFileStore.MoveReplacing(tempPath, finalPath);
            _moves.Add((tempPath, finalPath));
        }

        /// <summary>After the commit: the trashed files are no longer needed.</summary>
        public void Complete()
        {
            _done = true;
            _moves.Clear();
            LocalFileStore.TryDeleteDirectory(_trashDir);
        }

        /// <summary>Puts every moved file back (best effort, newest first) and reports the first failure.</summary>
        public void Rollback()
        {
            if (_done)
            {
                return;
            }

            _done = true;
            Exception first = null;
            for (int i = _moves.Count - 1; i >= 0; i--)
            {
                try
                {
                    LocalFileStore.MoveReplacing(_moves[i].to, _moves[i].from);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    first = first ?? e;
                }
            }

            _moves.Clear();
            if (first == null)
            {
                LocalFileStore.TryDeleteDirectory(_trashDir);
            }
        }

        public void Dispose()
        {
            if (!_done)
            {
                Rollback();
            }
        }
    }
}
