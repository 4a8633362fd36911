using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// ML bundles (spec §1.9, §3.8): files only, under <c>ml/&lt;bundle&gt;/&lt;key&gt;</c> in the file storage, listed
    /// with the same eligibility and selection rules as a local folder and the same upload rule. A file's md5 is its
    /// storage ETag when that is one (S3's for a single-part upload, as upstream reads it), else computed from its bytes.
    /// </summary>
    public sealed partial class CompositeStickyBackend
    {
        private static readonly Regex Md5Text = new Regex("^[0-9a-f]{32}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>The bundle's stored files for the selection, sorted by key; an unknown bundle lists nothing. Locations are storage keys.</summary>
        public IReadOnlyList<MlBundleFile> GetMlBundleFileList(CallerIdentity caller, string bundleName, MlBundleSelection what = MlBundleSelection.All,
            CancellationToken cancellationToken = default)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetMlBundleFileList);
            return StoredBundleFiles(bundleName, what, cancellationToken);
        }

        /// <summary>Of the proposed entries, those to upload (absent, or another md5 and newer), each with its destination key as <c>Url</c>.</summary>
        public IReadOnlyList<MlBundleFile> GetMlBundleUploadTargets(CallerIdentity caller, IEnumerable<MlBundleFile> entries, CancellationToken cancellationToken = default)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetMlBundleUploadLinks);
            var list = (entries ?? throw new ArgumentNullException(nameof(entries))).ToList();
            foreach (var e in list)
            {
                if (e == null)
                {
                    throw new ArgumentException("An upload entry is null.", nameof(entries));
                }

                MlBundlePaths.CheckBundleName(e.BundleName);
                MlBundlePaths.CheckKey(e.Key);
            }

            var result = new List<MlBundleFile>();
            foreach (var group in list.GroupBy(e => e.BundleName, StringComparer.Ordinal))
            {
                var stored = StoredBundleFiles(group.Key, MlBundleSelection.All, cancellationToken).ToDictionary(f => f.Key, StringComparer.Ordinal);
                result.AddRange(group.Where(e => LocalStickyStore.NeedsUpload(e, stored.TryGetValue(e.Key, out var s) ? s : null))
                    .Select(e => e.WithUrl(BundleKey(e.BundleName, e.Key))));
            }

            return result;
        }

        /// <summary>
        /// Stores a local file as <c>ml/&lt;bundle&gt;/&lt;key&gt;</c>. It is first copied aside with its checksum, so a
        /// file that changed while it was read (<paramref name="expectedMd5"/> differs) stores nothing (<c>ChecksumMismatch</c>),
        /// and what is stored is exactly what was checked.
        /// </summary>
        public MlBundleFile StoreMlBundleFile(CallerIdentity caller, string bundleName, string key, string sourcePath, DateTime mtimeUtc,
            string expectedMd5 = null, Action<long> bytesCopied = null, CancellationToken cancellationToken = default)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetMlBundleUploadLinks);
            string storageKey = BundleKey(bundleName, key);
            if (string.IsNullOrEmpty(sourcePath) || !File.Exists(sourcePath))
            {
                throw new StickyPiException(StickyErrorIds.FileNotFound, StickyErrorKind.NotFound,
                    "The file to upload as '" + key + "' does not exist: '" + sourcePath + "'.", sourcePath);
            }

            string aside = Path.Combine(Path.GetTempPath(), "stickypi-bundle-" + Guid.NewGuid().ToString("N"));
            try
            {
                string md5;
                long size;
                using (var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
                using (var target = new FileStream(aside, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    (md5, size) = MlBundleCopy.Copy(source, target, bytesCopied, cancellationToken);
                }

                if (expectedMd5 != null && !string.Equals(md5, expectedMd5, StringComparison.OrdinalIgnoreCase))
                {
                    throw new StickyPiException(MlBundleErrorIds.ChecksumMismatch, StickyErrorKind.InvalidData,
                        "'" + sourcePath + "' changed while it was uploaded as '" + key + "' (checksum " + md5 + ", listed " + expectedMd5 + "); nothing was stored.", key);
                }

                var mtime = mtimeUtc.Kind == DateTimeKind.Utc ? mtimeUtc : mtimeUtc.ToUniversalTime();
                StoredFileInfo stored;
                using (var content = new FileStream(aside, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
                {
                    stored = Files.Put(storageKey, content, mtime);
                }

                return new MlBundleFile(bundleName, key, storageKey, md5, stored.LastModifiedUtc, size, storageKey);
            }
            finally
            {
                LocalFileStore.TryDelete(aside);
            }
        }

        /// <summary>Opens a stored bundle file for reading; <c>FileNotFound</c> naming the storage when there is none.</summary>
        public Stream OpenMlBundleFile(CallerIdentity caller, string bundleName, string key)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetMlBundleFileList);
            string storageKey = BundleKey(bundleName, key);
            if (Files.GetInfo(storageKey) == null)
            {
                throw new StickyPiException(MlBundleErrorIds.FileNotFound, StickyErrorKind.NotFound,
                    "Bundle '" + bundleName + "' has no file '" + key + "' in " + Files.Location + ".", key);
            }

            return Files.OpenRead(storageKey);
        }

        /// <summary>Names of stored bundles (valid names with at least one file) matching <c>typed*</c>.</summary>
        public IReadOnlyList<string> CompleteMlBundleNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetMlBundleFileList);
            var like = new LikePattern(LocalStickyStore.CompletionLike(typed));
            var names = Files.List(LocalStickyStore.MlDirName + "/")
                .Select(f => f.Key.Split('/'))
                .Where(parts => parts.Length > 2)
                .Select(parts => parts[1])
                .Where(n => MlBundlePaths.IsValidBundleName(n) && like.IsMatch(n));
            return LocalStickyStore.Limit(names, limit);
        }

        public IMlBundleRemote AsMlBundleRemote(CallerIdentity caller) => new MlBundleStoreRemote(this, caller);

        private IReadOnlyList<MlBundleFile> StoredBundleFiles(string bundleName, MlBundleSelection what, CancellationToken cancellationToken)
        {
            string prefix = BundleKey(bundleName, null);
            var files = new List<MlBundleFile>();
            foreach (var info in Files.List(prefix))
            {
                cancellationToken.ThrowIfCancellationRequested();
                string key = info.Key.Substring(prefix.Length);
                if (!MlBundleListing.IsEligible(key.Substring(key.LastIndexOf('/') + 1)) || !MlBundleListing.Selects(key, what))
                {
                    continue;
                }

                // A stored key a client could not write safely is listed without a checksum, for the pull to refuse by name.
                string md5 = !MlBundlePaths.IsValidKey(key) ? null
                    : info.ETag != null && Md5Text.IsMatch(info.ETag) ? info.ETag.ToLowerInvariant()
                    : Md5Of(info.Key, cancellationToken);
                files.Add(new MlBundleFile(bundleName, key, info.Key, md5, info.LastModifiedUtc, info.Length, info.Key));
            }

            files.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return files;
        }

        private string Md5Of(string storageKey, CancellationToken cancellationToken)
        {
            using (var stream = Files.OpenRead(storageKey))
            {
                return MlBundleChecksum.Compute(stream, cancellationToken);
            }
        }

        /// <summary><c>ml/&lt;bundle&gt;/&lt;key&gt;</c> after checking both (the folder prefix when <paramref name="key"/> is null).</summary>
        private static string BundleKey(string bundleName, string key)
        {
            MlBundlePaths.CheckBundleName(bundleName);
            if (key == null)
            {
                return LocalStickyStore.MlDirName + "/" + bundleName + "/";
            }

            MlBundlePaths.CheckKey(key);
            return StorageKey.Validate(LocalStickyStore.MlDirName + "/" + bundleName + "/" + key);
        }
    }
}
