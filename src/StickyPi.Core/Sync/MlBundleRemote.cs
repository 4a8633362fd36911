using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Sync
{
    /// <summary>
    /// The server side of the ML bundle flow, as the client algorithm (<see cref="MlBundleSync"/>) sees it: upstream's
    /// <c>_get_ml_bundle_file_list</c> and <c>_get_ml_bundle_upload_links</c> routes plus the transfer of one file each
    /// way. The embedded store is the first implementation (<see cref="MlBundleStoreRemote"/>); an HTTP/S3 back-end
    /// implements the same four calls (presigned POST upload, GET download).
    /// </summary>
    public interface IMlBundleRemote
    {
        /// <summary>Where the bundles live, for messages (a store folder, a server URL).</summary>
        string Location { get; }

        /// <summary>The stored files of a bundle for the selection, each with <c>Md5</c>, <c>MTime</c> and a download <c>Url</c>; unknown bundle → empty.</summary>
        IReadOnlyList<MlBundleFile> GetFileList(string bundleName, MlBundleSelection what, CancellationToken cancellationToken);

        /// <summary>
        /// The subset of <paramref name="localFiles"/> (each with <c>BundleName</c>, <c>Key</c>, <c>Md5</c>, <c>MTime</c>,
        /// <c>Path</c>) that must be uploaded, each with its upload <c>Url</c>: key absent remotely, or md5 different and
        /// the local file newer (spec §1.9).
        /// </summary>
        IReadOnlyList<MlBundleFile> GetUploadTargets(IReadOnlyList<MlBundleFile> localFiles, CancellationToken cancellationToken);

        /// <summary>Uploads <c>target.Path</c> to <c>target.Url</c>, keeping <c>target.MTime</c>; reports bytes sent.</summary>
        void Upload(MlBundleFile target, Action<long> bytesTransferred, CancellationToken cancellationToken);

        /// <summary>Opens the content of a listed remote file for reading.</summary>
        Stream OpenDownload(MlBundleFile remoteFile, CancellationToken cancellationToken);
    }

    /// <summary>A back-end's ML bundles as an ML bundle remote, acting as one caller (spec §5.1: <c>ml/&lt;bundle&gt;/&lt;key&gt;</c>).</summary>
    public sealed class MlBundleStoreRemote : IMlBundleRemote
    {
        private readonly Backend.IStickyBackend _backend;
        private readonly CallerIdentity _caller;

        public MlBundleStoreRemote(Backend.IStickyBackend backend, CallerIdentity caller)
        {
            _backend = backend ?? throw new ArgumentNullException(nameof(backend));
            _caller = caller ?? throw new ArgumentNullException(nameof(caller));
        }

        /// <summary>The embedded store (not disposed with this).</summary>
        public MlBundleStoreRemote(LocalStickyStore store, CallerIdentity caller)
            : this(new Backend.EmbeddedStickyBackend(store ?? throw new ArgumentNullException(nameof(store)), ownsStore: false), caller)
        {
        }

        public string Location => _backend.Location;

        public IReadOnlyList<MlBundleFile> GetFileList(string bundleName, MlBundleSelection what, CancellationToken cancellationToken) =>
            _backend.GetMlBundleFileList(_caller, bundleName, what, cancellationToken);

        public IReadOnlyList<MlBundleFile> GetUploadTargets(IReadOnlyList<MlBundleFile> localFiles, CancellationToken cancellationToken) =>
            _backend.GetMlBundleUploadTargets(_caller, localFiles, cancellationToken);

        public void Upload(MlBundleFile target, Action<long> bytesTransferred, CancellationToken cancellationToken)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            _backend.StoreMlBundleFile(_caller, target.BundleName, target.Key, target.Path, target.MTime, target.Md5, bytesTransferred, cancellationToken);
        }

        public Stream OpenDownload(MlBundleFile remoteFile, CancellationToken cancellationToken)
        {
            if (remoteFile == null)
            {
                throw new ArgumentNullException(nameof(remoteFile));
            }

            return _backend.OpenMlBundleFile(_caller, remoteFile.BundleName, remoteFile.Key);
        }
    }
}
