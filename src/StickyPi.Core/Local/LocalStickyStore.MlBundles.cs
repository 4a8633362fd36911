using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// The server side of ML bundles in the embedded store (spec §1.9, §3.8): files under <c>ml/&lt;bundle&gt;/&lt;key&gt;</c>
    /// (spec §5.1), listed with the same eligibility and selection rules as a local folder. Every name and key is
    /// validated and every path verified to stay inside its bundle folder; writes never follow a symbolic link on the
    /// way and reach their final name by an atomic rename from the store's private temporary folder.
    /// </summary>
    public sealed partial class LocalStickyStore
    {
        /// <summary>Folder of the bundles under the store root.</summary>
        public const string MlDirName = "ml";

        /// <summary>Test hook simulating a crash: runs with the temporary file's path just before it is renamed into place.</summary>
        internal Action<string> MlBundleBeforeRename { get; set; }

        /// <summary>The folder of a bundle (<c>&lt;root&gt;/ml/&lt;bundle&gt;</c>), after validating the name.</summary>
        public string GetMlBundleDirectory(string bundleName)
        {
            MlBundlePaths.CheckBundleName(bundleName);
            string mlRoot = Path.Combine(RootDirectory, MlDirName);
            string dir = Path.GetFullPath(Path.Combine(mlRoot, bundleName));
            if (!string.Equals(Path.GetDirectoryName(dir), Path.GetFullPath(mlRoot), StringComparison.Ordinal))
            {
                throw new StickyPiException(MlBundleErrorIds.InvalidBundleName, StickyErrorKind.InvalidArgument,
                    "Invalid ML bundle name " + MlBundlePaths.Show(bundleName) + ": it resolves to '" + dir + "', not a folder of '" + mlRoot + "'.", bundleName);
            }

            return dir;
        }

        /// <summary>
        /// Upstream's <c>_get_ml_bundle_file_list(bundle_name, what)</c>: the stored files of the bundle for the
        /// selection, sorted by key, with md5, mtime and the stored path as <c>Url</c> (local URLs are file paths).
        /// An unknown bundle gives an empty list. Open to every role. A stored file whose key could not be written safely
        /// on a client (<c>data/..\..\x.svg</c>, say, a legal file name here) is listed as it is, without a checksum, as a
        /// server would list it: the pull refuses it by name (<c>InvalidMlBundleKey</c>) instead of losing it silently.
        /// </summary>
        public IReadOnlyList<MlBundleFile> GetMlBundleFileList(CallerIdentity caller, string bundleName, MlBundleSelection what = MlBundleSelection.All,
            CancellationToken cancellationToken = default)
        {
            AccessPolicy.Require(caller, ApiOperation.GetMlBundleFileList);
            string dir = GetMlBundleDirectory(bundleName);
            return Guard(() =>
            {
                var unsafeKeys = new List<MlBundleFile>();
                var listed = MlBundleListing.List(dir, what, bundleName, cancellationToken: cancellationToken,
                    onInvalid: (path, e) =>
                    {
                        // Only unsafe keys are listed; a link out of the bundle (or to nothing) is never offered for reading.
                        if (e.ErrorId == MlBundleErrorIds.InvalidKey)
                        {
                            unsafeKeys.Add(UnsafeEntry(bundleName, dir, path));
                        }
                    });
                var all = listed.Select(f => f.WithUrl(f.Path)).Concat(unsafeKeys).ToList();
                all.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                return (IReadOnlyList<MlBundleFile>)all;
            });
        }

        /// <summary>A stored file with an unsafe key, keyed by its raw path below the bundle folder ('/'-separated).</summary>
        private static MlBundleFile UnsafeEntry(string bundleName, string bundleDir, string path)
        {
            string root = MlBundlePaths.TrimEnd(Path.GetFullPath(bundleDir));
            string key = path.Substring(root.Length + 1).Replace(Path.DirectorySeparatorChar, '/');
            var info = new FileInfo(path);
            return new MlBundleFile(bundleName, key, path, null, info.LastWriteTimeUtc, info.Length, path);
        }

        /// <summary>
        /// Upstream's <c>_get_ml_bundle_upload_links(info)</c>: of the proposed entries (each with bundle name, key,
        /// md5, mtime and local path), those to upload, each with its destination path as <c>Url</c>: key not stored,
        /// or stored with another md5 and an older mtime. Needs write access (upstream: any role, spec §8 #4).
        /// Invalid bundle names or keys reject the whole request.
        /// </summary>
        public IReadOnlyList<MlBundleFile> GetMlBundleUploadTargets(CallerIdentity caller, IEnumerable<MlBundleFile> entries,
            CancellationToken cancellationToken = default)
        {
            AccessPolicy.Require(caller, ApiOperation.GetMlBundleUploadLinks);
            if (entries == null)
            {
                throw new ArgumentNullException(nameof(entries));
            }

            var list = entries.ToList();
            var destinations = new Dictionary<MlBundleFile, string>();
            foreach (var e in list)
            {
                if (e == null)
                {
                    throw new ArgumentException("An upload entry is null.", nameof(entries));
                }

                destinations[e] = MlBundlePaths.Resolve(GetMlBundleDirectory(e.BundleName), e.Key);
            }

            return Guard(() =>
            {
                var result = new List<MlBundleFile>();
                foreach (var group in list.GroupBy(e => e.BundleName, StringComparer.Ordinal))
                {
                    var stored = MlBundleListing.List(GetMlBundleDirectory(group.Key), MlBundleSelection.All, group.Key, cancellationToken: cancellationToken)
                        .ToDictionary(f => f.Key, StringComparer.Ordinal);
                    foreach (var e in group)
                    {
                        if (NeedsUpload(e, stored.TryGetValue(e.Key, out var s) ? s : null))
                        {
                            result.Add(e.WithUrl(destinations[e]));
                        }
                    }
                }

                return (IReadOnlyList<MlBundleFile>)result;
            });
        }

        /// <summary>Upstream's upload rule: absent → upload; same md5 → skip; different md5 → upload when the proposed file is newer.</summary>
        public static bool NeedsUpload(MlBundleFile proposed, MlBundleFile stored) =>
            stored == null ||
            (!string.Equals(proposed.Md5, stored.Md5, StringComparison.OrdinalIgnoreCase) && proposed.MTime > stored.MTime);

        /// <summary>
        /// Copies <paramref name="sourcePath"/> to <c>ml/&lt;bundle&gt;/&lt;key&gt;</c> (the local upload): written and
        /// flushed under a temporary name in the store's private folder, given <paramref name="mtimeUtc"/>, then renamed
        /// into place, so the final name never holds a partial file. With <paramref name="expectedMd5"/>, a copy whose
        /// checksum differs (the file changed meanwhile) is discarded with <c>Md5Mismatch</c>. Needs write access.
        /// </summary>
        public MlBundleFile StoreMlBundleFile(CallerIdentity caller, string bundleName, string key, string sourcePath, DateTime mtimeUtc,
            string expectedMd5 = null, Action<long> bytesCopied = null, CancellationToken cancellationToken = default)
        {
            AccessPolicy.Require(caller, ApiOperation.GetMlBundleUploadLinks);
            string bundleDir = GetMlBundleDirectory(bundleName);
            string final = MlBundlePaths.Resolve(bundleDir, key);
            if (string.IsNullOrEmpty(sourcePath) || !File.Exists(sourcePath))
            {
                throw new StickyPiException(StickyErrorIds.FileNotFound, StickyErrorKind.NotFound,
                    "The file to upload as '" + key + "' does not exist: '" + sourcePath + "'.", sourcePath);
            }

            return Guard(() =>
            {
                string temp = _files.WriteTemp(new byte[0]);
                try
                {
                    string md5;
                    long size;
                    using (var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
                    using (var target = new FileStream(temp, FileMode.Truncate, FileAccess.Write, FileShare.None, 1 << 16))
                    {
                        (md5, size) = MlBundleCopy.Copy(source, target, bytesCopied, cancellationToken);
                    }

                    if (expectedMd5 != null && !string.Equals(md5, expectedMd5, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new StickyPiException(MlBundleErrorIds.ChecksumMismatch, StickyErrorKind.InvalidData,
                            "'" + sourcePath + "' changed while it was uploaded as '" + key + "' (checksum " + md5 + ", listed " + expectedMd5 + "); nothing was stored.", key);
                    }

                    var mtime = mtimeUtc.Kind == DateTimeKind.Utc ? mtimeUtc : mtimeUtc.ToUniversalTime();
                    File.SetLastWriteTimeUtc(temp, mtime);
                    CreateBundleFolders(bundleDir, final);
                    MlBundleBeforeRename?.Invoke(temp);
                    LocalFileStore.MoveReplacing(temp, final);
                    temp = null;
                    return new MlBundleFile(bundleName, key, final, md5, mtime, size, final);
                }
                finally
                {
                    LocalFileStore.TryDelete(temp);
                }
            });
        }

        /// <summary>Opens a stored bundle file for reading (the local download). Open to every role.</summary>
        public Stream OpenMlBundleFile(CallerIdentity caller, string bundleName, string key)
        {
            AccessPolicy.Require(caller, ApiOperation.GetMlBundleFileList);
            string bundleDir = GetMlBundleDirectory(bundleName);
            string path = MlBundlePaths.Resolve(bundleDir, key);
            if (!File.Exists(path))
            {
                throw new StickyPiException(MlBundleErrorIds.FileNotFound, StickyErrorKind.NotFound,
                    "Bundle '" + bundleName + "' has no file '" + key + "' in " + RootDirectory + ".", key);
            }

            // Never read through a link out of the bundle folder (nor a bundle folder linked out of the store).
            string realStore = FileLinks.RealPath(RootDirectory);
            string realBundle = FileLinks.RealPath(bundleDir);
            string realFile = FileLinks.RealPath(path);
            if (!FileLinks.IsInside(realStore, realBundle) || !FileLinks.IsInside(realBundle, realFile))
            {
                throw new StickyPiException(MlBundleErrorIds.LinkOutsideBundle, StickyErrorKind.PermissionDenied,
                    "'" + path + "' leads to '" + (realFile ?? "nothing") + "', outside the bundle folder " + bundleDir + "; the store does not read through such links.", key);
            }

            return Guard(() => (Stream)new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
        }

        /// <summary>Creates the folders from the store root to the file's folder, refusing any that is a link (it could lead outside).</summary>
        private void CreateBundleFolders(string bundleDir, string final)
        {
            string root = MlBundlePaths.TrimEnd(RootDirectory);
            string parent = Path.GetDirectoryName(final);
            var chain = new List<string>();
            for (string d = parent; d != null && d.Length > root.Length; d = Path.GetDirectoryName(d))
            {
                chain.Add(d);
            }

            chain.Reverse();
            foreach (var dir in chain)
            {
                if (Directory.Exists(dir))
                {
                    if ((File.GetAttributes(dir) & FileAttributes.ReparsePoint) != 0)
                    {
                        throw new StickyPiException(MlBundleErrorIds.LinkInBundlePath, StickyErrorKind.PermissionDenied,
                            "'" + dir + "' is a symbolic link or junction; the store does not write through links (bundle folder " + bundleDir + ").", dir);
                    }
                }
                else
                {
                    Directory.CreateDirectory(dir);
                }
            }
        }
    }
}
