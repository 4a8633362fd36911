using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// File storage in a local directory under upstream's layout (spec §5.1): a key is the path relative to the root
    /// with <c>/</c>. Every key is validated (<see cref="StorageKey"/>) and its full path checked to stay inside the
    /// root, so a crafted key never reaches another file. Writes go to the store's private temporary folder first and
    /// are renamed into place.
    /// </summary>
    public sealed class LocalDirectoryStorage : IStickyFileStorage
    {
        private readonly string _root;
        private readonly string _rootWithSeparator;

        public LocalDirectoryStorage(string root)
        {
            if (string.IsNullOrEmpty(root))
            {
                throw new ArgumentException("A directory is required.", nameof(root));
            }

            _root = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            _rootWithSeparator = _root + Path.DirectorySeparatorChar;
        }

        public string Location => _root;

        public StoredFileInfo GetInfo(string key)
        {
            var path = PathOf(key);
            var info = new FileInfo(path);
            return info.Exists ? Describe(key, info) : null;
        }

        public Stream OpenRead(string key)
        {
            var path = PathOf(key);
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                throw new StickyPiException(StickyErrorIds.FileNotFound, StickyErrorKind.NotFound, "No stored file '" + key + "'.", key, e);
            }
        }

        public IEnumerable<StoredFileInfo> List(string prefix)
        {
            prefix = prefix ?? string.Empty;
            int slash = prefix.LastIndexOf('/');
            string folderKey = slash >= 0 ? prefix.Substring(0, slash) : string.Empty;
            if (folderKey.Length > 0)
            {
                StorageKey.Validate(folderKey + "/x");
            }

            string folder = folderKey.Length == 0 ? _root : PathOf(folderKey + "/x", validate: false);
            folder = folderKey.Length == 0 ? _root : Path.GetDirectoryName(folder);
            if (!Directory.Exists(folder))
            {
                yield break;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                string key = KeyOf(file);
                if (key != null && key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    yield return Describe(key, new FileInfo(file));
                }
            }
        }

        public StoredFileInfo Put(string key, Stream content, DateTime? lastModifiedUtc = null)
        {
            if (content == null)
            {
                throw new ArgumentNullException(nameof(content));
            }

            var path = PathOf(key);
            // Next to the target (same volume, and out of the reach of another store's sweep of the private folder).
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            var temp = path + ".put-" + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
                {
                    content.CopyTo(output, 64 * 1024);
                    output.Flush(true);
                }

                if (lastModifiedUtc != null)
                {
                    File.SetLastWriteTimeUtc(temp, lastModifiedUtc.Value);
                }

                LocalFileStore.MoveReplacing(temp, path);
            }
            finally
            {
                LocalFileStore.TryDelete(temp);
            }

            return Describe(key, new FileInfo(path));
        }

        public bool Delete(string key)
        {
            var path = PathOf(key);
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }

        public string KeyOf(string location)
        {
            if (string.IsNullOrEmpty(location))
            {
                return null;
            }

            string full;
            try
            {
                full = Path.GetFullPath(location);
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
            {
                return null;
            }

            if (!full.StartsWith(_rootWithSeparator, PathComparison))
            {
                return null;
            }

            string key = full.Substring(_rootWithSeparator.Length).Replace(Path.DirectorySeparatorChar, '/');
            return StorageKey.IsValid(key) ? key : null;
        }

        public string GetPhysicalPath(string key) => PathOf(key);

        private static StringComparison PathComparison =>
            Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        private string PathOf(string key, bool validate = true)
        {
            if (validate)
            {
                StorageKey.Validate(key);
            }

            string full = Path.GetFullPath(Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar)));
            if (!full.StartsWith(_rootWithSeparator, PathComparison))
            {
                throw new StickyPiException(StorageKey.InvalidKeyId, StickyErrorKind.InvalidArgument, "File key '" + key + "' leaves the store.", key);
            }

            return full;
        }

        private static StoredFileInfo Describe(string key, FileInfo info)
        {
            var modified = info.LastWriteTimeUtc;
            // Weak-enough validator that changes with the content: size and modification time, as static file servers use.
            string etag = info.Length.ToString("x", CultureInfo.InvariantCulture) + "-" + modified.Ticks.ToString("x", CultureInfo.InvariantCulture);
            return new StoredFileInfo(key, info.Length, modified, etag);
        }
    }
}
