using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Sync
{
    /// <summary>What a transfer will do: the files to copy, and the ones refused before any copy (invalid keys).</summary>
    public sealed class MlBundlePlan
    {
        internal MlBundlePlan(string bundleName, string directory, MlBundleDirection direction, MlBundleSelection what,
            IReadOnlyList<MlBundleFile> transfers, IReadOnlyList<MlBundleTransferResult> rejected, int compared)
        {
            BundleName = bundleName;
            Directory = directory;
            Direction = direction;
            What = what;
            Transfers = transfers;
            Rejected = rejected;
            Compared = compared;
        }

        public string BundleName { get; }

        /// <summary>The local bundle folder (full path).</summary>
        public string Directory { get; }

        public MlBundleDirection Direction { get; }

        public MlBundleSelection What { get; }

        /// <summary>
        /// Files to copy, sorted by key. Push: the store's upload targets (<c>Path</c> = local file, <c>Url</c> =
        /// destination). Pull: remote entries (<c>Url</c> = download location).
        /// </summary>
        public IReadOnlyList<MlBundleFile> Transfers { get; }

        /// <summary>Files refused while planning (Failed results, e.g. a remote key that would escape the folder).</summary>
        public IReadOnlyList<MlBundleTransferResult> Rejected { get; }

        /// <summary>Number of files compared on the source side.</summary>
        public int Compared { get; }

        public long TotalBytes => Transfers.Sum(t => t.Size);

        /// <summary>The same plan restricted to some of its transfers (e.g. the ones confirmed by the user).</summary>
        public MlBundlePlan WithTransfers(IEnumerable<MlBundleFile> transfers) =>
            new MlBundlePlan(BundleName, Directory, Direction, What, transfers.ToList(), Rejected, Compared);
    }

    /// <summary>Options of <see cref="MlBundleSync"/>.</summary>
    public sealed class MlBundleSyncOptions
    {
        /// <summary>Only plan: <see cref="MlBundleSync.Push"/>/<see cref="MlBundleSync.Pull"/> return Planned results and copy nothing.</summary>
        public bool PlanOnly { get; set; }

        /// <summary>Called (on the transferring thread) as bytes are copied; the snapshot is also in <see cref="MlBundleSync.Progress"/>.</summary>
        public Action<MlBundleProgress> Progress { get; set; }

        /// <summary>Test hook simulating a crash: runs with the temporary file's path just before a download is renamed into place.</summary>
        internal Action<string> BeforeRename { get; set; }
    }

    /// <summary>
    /// The client side of ML bundle transfers (upstream's <c>put_ml_bundle_dir</c> / <c>get_ml_bundle_dir</c>, spec §1.9)
    /// against any <see cref="IMlBundleRemote"/>. Push lists the eligible local files, asks the remote which to upload
    /// and copies them. Pull requires the folder to be named like the bundle, lists the remote files and downloads
    /// those missing locally, or different and newer remotely; each download goes to a temporary file in the target
    /// folder, is verified against the listed checksum, gets the remote mtime and is then renamed into place.
    /// Transfers run one file at a time on the calling thread; <see cref="Progress"/> can be polled from another.
    /// </summary>
    public sealed class MlBundleSync
    {
        /// <summary>Suffix of the temporary files of downloads (not an eligible suffix, so never listed).</summary>
        public const string PartSuffix = ".stickypi-part";

        private readonly IMlBundleRemote _remote;
        private readonly MlBundleSyncOptions _options;
        private readonly object _progressGate = new object();
        private MlBundleProgress _progress = new MlBundleProgress("Comparing", 0, 0, 0, 0, null);

        public MlBundleSync(IMlBundleRemote remote, MlBundleSyncOptions options = null)
        {
            _remote = remote ?? throw new ArgumentNullException(nameof(remote));
            _options = options ?? new MlBundleSyncOptions();
        }

        /// <summary>Latest progress snapshot (thread-safe).</summary>
        public MlBundleProgress Progress
        {
            get
            {
                lock (_progressGate)
                {
                    return _progress;
                }
            }
        }

        /// <summary>Uploads the eligible files of <paramref name="directory"/> that the remote needs; one result per file.</summary>
        public IReadOnlyList<MlBundleTransferResult> Push(string bundleName, string directory, MlBundleSelection what = MlBundleSelection.All,
            CancellationToken cancellationToken = default) =>
            Run(Plan(bundleName, directory, MlBundleDirection.Push, what, cancellationToken), cancellationToken);

        /// <summary>Downloads the remote files that are missing or outdated in <paramref name="directory"/>; one result per file.</summary>
        public IReadOnlyList<MlBundleTransferResult> Pull(string bundleName, string directory, MlBundleSelection what = MlBundleSelection.All,
            CancellationToken cancellationToken = default) =>
            Run(Plan(bundleName, directory, MlBundleDirection.Pull, what, cancellationToken), cancellationToken);

        private IReadOnlyList<MlBundleTransferResult> Run(MlBundlePlan plan, CancellationToken cancellationToken)
        {
            if (_options.PlanOnly)
            {
                return plan.Rejected.Concat(plan.Transfers.Select(t => Planned(plan, t))).ToList();
            }

            var results = new List<MlBundleTransferResult>();
            Execute(plan, results.Add, cancellationToken);
            return results;
        }

        /// <summary>
        /// Lists both sides and decides what to transfer, without copying anything. Throws for problems with the whole
        /// transfer: invalid bundle name, push folder missing, pull folder not named like the bundle, access denied.
        /// </summary>
        public MlBundlePlan Plan(string bundleName, string directory, MlBundleDirection direction, MlBundleSelection what = MlBundleSelection.All,
            CancellationToken cancellationToken = default)
        {
            MlBundlePaths.CheckBundleName(bundleName);
            if (string.IsNullOrEmpty(directory))
            {
                throw new ArgumentException("A bundle folder is required.", nameof(directory));
            }

            string dir = MlBundlePaths.TrimEnd(Path.GetFullPath(directory));
            SetProgress(new MlBundleProgress("Comparing", 0, 0, 0, 0, null));
            var rejected = new List<MlBundleTransferResult>();
            try
            {
                return direction == MlBundleDirection.Push
                    ? PlanPush(bundleName, dir, what, rejected, cancellationToken)
                    : PlanPull(bundleName, dir, what, rejected, cancellationToken);
            }
            catch (IOException e)
            {
                throw TransferError(dir, "Cannot list '" + dir + "': " + e.Message, e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw TransferError(dir, "Cannot list '" + dir + "': " + e.Message, e);
            }
        }

        /// <summary>
        /// Copies the plan's files in key order, calling <paramref name="onResult"/> after each (Uploaded, Downloaded or
        /// Failed; rejected files first). A failed file does not stop the others; cancellation does (throws
        /// <see cref="OperationCanceledException"/>, leaving no partial file under a final name).
        /// </summary>
        public void Execute(MlBundlePlan plan, Action<MlBundleTransferResult> onResult, CancellationToken cancellationToken = default)
        {
            if (plan == null)
            {
                throw new ArgumentNullException(nameof(plan));
            }

            onResult = onResult ?? (_ => { });
            foreach (var r in plan.Rejected)
            {
                onResult(r);
            }

            int filesTotal = plan.Transfers.Count;
            long bytesTotal = plan.TotalBytes;
            long bytesDone = 0;
            int filesDone = 0;
            foreach (var file in plan.Transfers)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long before = bytesDone;
                SetProgress(new MlBundleProgress("Transferring", filesTotal, filesDone, bytesTotal, bytesDone, file.Key));
                Action<long> onBytes = n =>
                {
                    bytesDone += n;
                    SetProgress(new MlBundleProgress("Transferring", filesTotal, filesDone, Math.Max(bytesTotal, bytesDone), bytesDone, file.Key));
                };

                MlBundleTransferResult result;
                try
                {
                    result = plan.Direction == MlBundleDirection.Push
                        ? Upload(plan, file, onBytes, cancellationToken)
                        : Download(plan, file, onBytes, cancellationToken);
                }
                catch (StickyPiException e)
                {
                    result = Failed(plan, file, e);
                }
                catch (IOException e)
                {
                    result = Failed(plan, file, TransferError(file.Key, "Cannot transfer '" + file.Key + "': " + e.Message, e));
                }
                catch (UnauthorizedAccessException e)
                {
                    result = Failed(plan, file, TransferError(file.Key, "Cannot transfer '" + file.Key + "': " + e.Message, e));
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    // WorkerGuard's rule (this runs on a task of the cmdlet): one file's unexpected error is that file's.
                    result = Failed(plan, file, WorkerGuard.Unexpected(e, file.Key));
                }

                filesDone++;
                bytesDone = before + file.Size; // a file that changed size or failed still counts as its listed size
                SetProgress(new MlBundleProgress("Transferring", filesTotal, filesDone, bytesTotal, bytesDone, file.Key));
                onResult(result);
            }

            SetProgress(new MlBundleProgress("Done", filesTotal, filesDone, bytesTotal, bytesTotal, null));
        }

        /// <summary>The Planned result of a transfer (for dry runs).</summary>
        public static MlBundleTransferResult Planned(MlBundlePlan plan, MlBundleFile file)
        {
            var r = Describe(plan, file);
            r.Status = MlBundleTransferStatus.Planned;
            return r;
        }

        /// <summary>Upstream's download rule: missing locally → download; different md5 → download when the remote file is newer.</summary>
        public static bool NeedsDownload(MlBundleFile remote, MlBundleFile local) =>
            local == null ||
            (!string.Equals(remote.Md5, local.Md5, StringComparison.OrdinalIgnoreCase) && remote.MTime > local.MTime);

        private MlBundlePlan PlanPush(string bundleName, string dir, MlBundleSelection what, List<MlBundleTransferResult> rejected, CancellationToken ct)
        {
            if (!Directory.Exists(dir))
            {
                throw new StickyPiException(MlBundleErrorIds.DirectoryNotFound, StickyErrorKind.NotFound,
                    "The bundle folder to push does not exist: '" + dir + "'.", dir);
            }

            var local = MlBundleListing.List(dir, what, bundleName, true,
                (path, e) => rejected.Add(Reject(bundleName, MlBundleDirection.Push, path, e)), ct);
            var targets = local.Count == 0 ? new MlBundleFile[0] : _remote.GetUploadTargets(local, ct);
            var byKey = local.ToDictionary(f => f.Key, StringComparer.Ordinal);
            var transfers = new List<MlBundleFile>();
            foreach (var t in targets)
            {
                // Trust only the decision: path, md5, mtime and size are the ones listed here.
                if (byKey.TryGetValue(t.Key, out var mine))
                {
                    transfers.Add(mine.WithUrl(t.Url));
                }
            }

            transfers.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return new MlBundlePlan(bundleName, dir, MlBundleDirection.Push, what, transfers, rejected, local.Count);
        }

        private MlBundlePlan PlanPull(string bundleName, string dir, MlBundleSelection what, List<MlBundleTransferResult> rejected, CancellationToken ct)
        {
            string last = Path.GetFileName(dir);
            if (!string.Equals(last, bundleName, StringComparison.Ordinal))
            {
                throw new StickyPiException(MlBundleErrorIds.DirectoryNameMismatch, StickyErrorKind.InvalidArgument,
                    "The folder to pull bundle '" + bundleName + "' into must be named '" + bundleName + "' (got '" + dir + "').", dir);
            }

            var remote = _remote.GetFileList(bundleName, what, ct);
            var local = MlBundleListing.List(dir, what, bundleName, true, null, ct).ToDictionary(f => f.Key, StringComparer.Ordinal);
            var transfers = new List<MlBundleFile>();
            foreach (var r in remote)
            {
                var entry = r.BundleName == bundleName ? r : r.WithBundle(bundleName);
                string target;
                try
                {
                    target = MlBundlePaths.Resolve(dir, entry.Key);
                }
                catch (StickyPiException e)
                {
                    rejected.Add(Reject(bundleName, MlBundleDirection.Pull, null, e, entry));
                    continue;
                }

                if (NeedsDownload(entry, local.TryGetValue(entry.Key, out var mine) ? mine : null))
                {
                    // Path = the local target; Url = where to read it from.
                    transfers.Add(new MlBundleFile(bundleName, entry.Key, target, entry.Md5, entry.MTime, entry.Size, entry.Url ?? entry.Path));
                }
            }

            transfers.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return new MlBundlePlan(bundleName, dir, MlBundleDirection.Pull, what, transfers, rejected, remote.Count);
        }

        private MlBundleTransferResult Upload(MlBundlePlan plan, MlBundleFile file, Action<long> onBytes, CancellationToken ct)
        {
            _remote.Upload(file, onBytes, ct);
            var r = Describe(plan, file);
            r.Status = MlBundleTransferStatus.Uploaded;
            return r;
        }

        private MlBundleTransferResult Download(MlBundlePlan plan, MlBundleFile file, Action<long> onBytes, CancellationToken ct)
        {
            string target = MlBundlePaths.Resolve(plan.Directory, file.Key); // again: never trust the plan's path blindly
            string folder = Path.GetDirectoryName(target);

            // A folder of the destination that is a link out of it would take the file (and the folders made for
            // it) elsewhere on the disk: the deepest folder that exists must really be inside the destination.
            Directory.CreateDirectory(plan.Directory);
            string realDir = FileLinks.RealPath(plan.Directory);
            string existing = folder;
            while (existing != null && existing.Length > plan.Directory.Length && !Directory.Exists(existing) && !FileLinks.IsLink(existing))
            {
                existing = Path.GetDirectoryName(existing);
            }

            string realExisting = FileLinks.RealPath(existing);
            if (!FileLinks.IsInside(realDir, realExisting))
            {
                throw new StickyPiException(MlBundleErrorIds.LinkOutsideBundle, StickyErrorKind.PermissionDenied,
                    "'" + existing + "' leads to '" + (realExisting ?? "nothing") + "', outside the bundle folder '" + plan.Directory + "'; '" + file.Key + "' was not written.", target);
            }

            Directory.CreateDirectory(folder);
            string temp = Path.Combine(folder, "." + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + PartSuffix);
            try
            {
                string md5;
                long size;
                byte[] wholeMd5;
                using (var whole = System.Security.Cryptography.MD5.Create())
                {
                    using (var source = _remote.OpenDownload(file, ct))
                    using (var hashed = new System.Security.Cryptography.CryptoStream(source, whole, System.Security.Cryptography.CryptoStreamMode.Read))
                    using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, MlBundleCopy.BufferSize))
                    {
                        (md5, size) = MlBundleCopy.Copy(hashed, output, onBytes, ct);
                    }

                    wholeMd5 = whole.Hash;
                }

                // S3 lists an object uploaded in one POST with the MD5 of its whole content, also when it is over 15 MiB
                // (spec §8 #26): that is the same file, not a damaged one.
                if (!string.Equals(md5, file.Md5 ?? string.Empty, StringComparison.OrdinalIgnoreCase) &&
                    !(size > MlBundleChecksum.PartSize && string.Equals(BitConverter.ToString(wholeMd5).Replace("-", string.Empty), file.Md5, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new StickyPiException(MlBundleErrorIds.ChecksumMismatch, StickyErrorKind.InvalidData,
                        "Downloaded '" + file.Key + "' has checksum " + md5 + " but the listing says " + file.Md5 + "; it was not saved.", file.Key);
                }

                File.SetLastWriteTimeUtc(temp, file.MTime);
                File.SetLastAccessTimeUtc(temp, DateTime.UtcNow);
                _options.BeforeRename?.Invoke(temp);
                LocalFileStore.MoveReplacing(temp, target);
                temp = null;
                var r = Describe(plan, file);
                r.Status = MlBundleTransferStatus.Downloaded;
                r.Size = size;
                return r;
            }
            finally
            {
                LocalFileStore.TryDelete(temp);
            }
        }

        private static MlBundleTransferResult Describe(MlBundlePlan plan, MlBundleFile file) => new MlBundleTransferResult
        {
            BundleName = plan.BundleName,
            Key = file.Key,
            Direction = plan.Direction,
            Size = file.Size,
            Md5 = file.Md5,
            MTime = file.MTime,
            Path = file.Path,
            RemotePath = file.Url,
        };

        private static MlBundleTransferResult Failed(MlBundlePlan plan, MlBundleFile file, StickyPiException e)
        {
            var r = Describe(plan, file);
            r.Status = MlBundleTransferStatus.Failed;
            r.ErrorId = e.ErrorId;
            r.Error = e;
            return r;
        }

        private static MlBundleTransferResult Reject(string bundleName, MlBundleDirection direction, string path, StickyPiException e, MlBundleFile remote = null) =>
            new MlBundleTransferResult
            {
                BundleName = bundleName,
                Key = remote?.Key ?? (e.Target as string),
                Direction = direction,
                Status = MlBundleTransferStatus.Failed,
                Size = remote?.Size ?? 0,
                Md5 = remote?.Md5,
                MTime = remote?.MTime ?? default,
                Path = path,
                RemotePath = remote?.Url,
                ErrorId = e.ErrorId,
                Error = e,
            };

        private static StickyPiException TransferError(object target, string message, Exception inner) =>
            new StickyPiException(MlBundleErrorIds.TransferFailed, StickyErrorKind.ResourceUnavailable, message, target, inner);

        private void SetProgress(MlBundleProgress p)
        {
            lock (_progressGate)
            {
                _progress = p;
            }

            _options.Progress?.Invoke(p);
        }
    }
}
