using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// The remote back-end's ML bundles (spec §1.9, §3.8): listings and upload links over the API, files straight to and
    /// from the URLs the server hands out (upstream's S3, or our server's signed <c>/files/</c> URLs); see
    /// <see cref="RemoteMlBundles"/>. Upstream has no route that lists bundle names, so their completion is not remote.
    /// </summary>
    public sealed partial class RemoteStickyBackend
    {
        public IReadOnlyList<MlBundleFile> GetMlBundleFileList(CallerIdentity caller, string bundleName, MlBundleSelection what = MlBundleSelection.All, CancellationToken cancellationToken = default) =>
            new RemoteMlBundles(_client, caller).GetFileList(bundleName, what, cancellationToken);

        public IReadOnlyList<MlBundleFile> GetMlBundleUploadTargets(CallerIdentity caller, IEnumerable<MlBundleFile> entries, CancellationToken cancellationToken = default) =>
            new RemoteMlBundles(_client, caller).GetUploadTargets((entries ?? throw new ArgumentNullException(nameof(entries))).ToList(), cancellationToken);

        /// <summary>
        /// Uploads one local file as <paramref name="key"/> of the bundle, if the server wants it (upstream's rule). A
        /// server that already holds the same content needs nothing; one that keeps another, newer copy refuses
        /// (<c>Conflict</c>), as the protocol cannot replace it. The server sets the stored file's time (S3: the upload time).
        /// </summary>
        public MlBundleFile StoreMlBundleFile(CallerIdentity caller, string bundleName, string key, string sourcePath, DateTime mtimeUtc,
            string expectedMd5 = null, Action<long> bytesCopied = null, CancellationToken cancellationToken = default)
        {
            MlBundlePaths.CheckBundleName(bundleName);
            MlBundlePaths.Resolve(Path.GetTempPath(), key); // the key's own check (no .., no absolute path)
            if (string.IsNullOrEmpty(sourcePath) || !File.Exists(sourcePath))
            {
                throw new StickyPiException(StickyErrorIds.FileNotFound, StickyErrorKind.NotFound,
                    "The file to upload as '" + key + "' does not exist: '" + sourcePath + "'.", sourcePath);
            }

            string md5 = expectedMd5 ?? MlBundleChecksum.Compute(sourcePath, cancellationToken);
            var entry = new MlBundleFile(bundleName, key, sourcePath, md5, mtimeUtc, new FileInfo(sourcePath).Length);
            var remote = new RemoteMlBundles(_client, caller);
            var target = remote.GetUploadTargets(new[] { entry }, cancellationToken).SingleOrDefault();
            if (target != null)
            {
                remote.Upload(target, bytesCopied, cancellationToken);
                return target;
            }

            var stored = remote.GetFileList(bundleName, MlBundleSelection.All, cancellationToken).FirstOrDefault(f => f.Key == key);
            if (stored != null && !string.Equals(stored.Md5, md5, StringComparison.OrdinalIgnoreCase))
            {
                throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.Conflict,
                    "The server at " + Location + " keeps its newer copy of '" + key + "' in bundle '" + bundleName + "' (checksum " + stored.Md5 + ", this file " + md5 + ").", key);
            }

            return entry.WithUrl(stored?.Path ?? "ml/" + bundleName + "/" + key);
        }

        /// <summary>Opens a stored bundle file: its listed URL, read as it arrives.</summary>
        public Stream OpenMlBundleFile(CallerIdentity caller, string bundleName, string key)
        {
            var remote = new RemoteMlBundles(_client, caller);
            var listed = remote.GetFileList(bundleName, MlBundleSelection.All, CancellationToken.None).FirstOrDefault(f => f.Key == key)
                ?? throw new StickyPiException(MlBundleErrorIds.FileNotFound, StickyErrorKind.NotFound,
                    "Bundle '" + bundleName + "' has no file '" + key + "' on the server at " + Location + ".", key);
            return remote.OpenDownload(listed, CancellationToken.None);
        }

        /// <summary>
        /// Bundle names starting with what was typed, through StickyPi.Server's <c>complete_ml_bundle_names</c>. Upstream's
        /// protocol has no route that lists bundle names, so on upstream's server this stays NotAvailableRemotely.
        /// </summary>
        public IReadOnlyList<string> CompleteMlBundleNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit)
        {
            if (!IsStickyPiServer())
            {
                throw NotRemote("completion of ML bundle names");
            }

            return OwnCompletion("complete_ml_bundle_names", typed, limit);
        }

        public IMlBundleRemote AsMlBundleRemote(CallerIdentity caller) => new RemoteMlBundles(_client, caller);
    }
}
