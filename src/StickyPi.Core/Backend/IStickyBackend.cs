using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// One Sticky Pi back-end as the cmdlets and the server see it: its catalog (<see cref="IStickyCatalog"/>, which this
    /// interface extends), its file storage (<see cref="Files"/>) and the operations that must keep both consistent
    /// (an image row never without its files, a deleted row's files removed).
    /// </summary>
    /// <remarks>
    /// Providers: <see cref="EmbeddedStickyBackend"/> (SQLite + a directory, both halves in one store) now; a remote HTTP
    /// back-end (speaking upstream's wire protocol to a StickyPi.Server or upstream's server, its <see cref="Files"/>
    /// reading signed URLs) and a MariaDB + S3 back-end (a catalog provider and a storage provider, each in its own
    /// project, joined by a composite that implements the operations below from both halves) later.
    /// </remarks>
    public interface IStickyBackend : IStickyCatalog, IDisposable
    {
        /// <summary>"Local" for the embedded store; "Remote", "MariaDb" … for the others.</summary>
        string Kind { get; }

        /// <summary>Where the back-end lives (a directory, a URL), for messages.</summary>
        string Location { get; }

        /// <summary>The file half.</summary>
        IStickyFileStorage Files { get; }

        /// <summary>Size and pixel caps on what the back-end reads from callers' files (hostile input).</summary>
        InputLimits Limits { get; }

        // ------------------------------------------------------------ images (rows + files)

        /// <summary>
        /// Writes a parsed image's three files so that a stored image is never overwritten by one that is not committed
        /// (spec §8 #6). Thread-safe.
        /// </summary>
        StagedImage StageImage(ParsedImage parsed, byte[] originalBytes, int length);

        /// <summary>
        /// Commits staged images' rows (single writer); a duplicate key raises <c>DuplicateImage</c> unless
        /// <paramref name="replaceExisting"/>. Returns the stored rows in the batch's order (the upload ingest matches
        /// them to its requests by position).
        /// </summary>
        IReadOnlyList<StickyImage> CommitStagedImages(CallerIdentity caller, IReadOnlyList<StagedImage> batch, bool replaceExisting);

        /// <summary>Stores parsed images all-or-nothing (a stored key raises <c>DuplicateImage</c> before anything is written).</summary>
        IReadOnlyList<StickyImage> PutImages(CallerIdentity caller, IEnumerable<(ParsedImage parsed, byte[] bytes)> images);

        /// <summary>Deletes images, their annotations and their files.</summary>
        IReadOnlyList<StickyImage> DeleteImages(CallerIdentity caller, IEnumerable<ImageKey> keys);

        /// <summary>An incremental, parallel import of image files (Send-StickyImage's engine).</summary>
        IImageImportSession BeginImageImport(CallerIdentity caller, ImageImportOptions options);

        // ------------------------------------------------------------ tuboids (rows + files)

        /// <summary>Stores tuboid directories (metadata.txt, tuboid.jpg, context.jpg) of one series.</summary>
        IReadOnlyList<TuboidUploadResult> PutTiledTuboids(CallerIdentity caller, IEnumerable<string> tuboidDirectories, TuboidSeriesInfo info);

        /// <summary>Uploads one tuboid directory with series information resolved from its name where not given.</summary>
        TuboidUploadResult UploadTuboid(CallerIdentity caller, string tuboidDirectory, TuboidSeriesInfo given);

        IReadOnlyList<TuboidSeries> DeleteTiledTuboids(CallerIdentity caller, TuboidQuery query);

        // ------------------------------------------------------------ ML bundles (files only)

        IReadOnlyList<MlBundleFile> GetMlBundleFileList(CallerIdentity caller, string bundleName, MlBundleSelection what = MlBundleSelection.All,
            CancellationToken cancellationToken = default);

        IReadOnlyList<MlBundleFile> GetMlBundleUploadTargets(CallerIdentity caller, IEnumerable<MlBundleFile> entries, CancellationToken cancellationToken = default);

        /// <summary>Stores one bundle file from a local file (checked against <paramref name="expectedMd5"/> when given).</summary>
        MlBundleFile StoreMlBundleFile(CallerIdentity caller, string bundleName, string key, string sourcePath, DateTime mtimeUtc,
            string expectedMd5 = null, Action<long> bytesCopied = null, CancellationToken cancellationToken = default);

        Stream OpenMlBundleFile(CallerIdentity caller, string bundleName, string key);

        /// <summary>Names of stored ML bundles starting with what was typed (completion).</summary>
        IReadOnlyList<string> CompleteMlBundleNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit);

        /// <summary>This back-end as the far side of <see cref="MlBundleSync"/>, acting as <paramref name="caller"/>.</summary>
        IMlBundleRemote AsMlBundleRemote(CallerIdentity caller);
    }

    /// <summary>A running image import (what Send-StickyImage drives): post paths, take one result per path.</summary>
    public interface IImageImportSession : IDisposable
    {
        bool IsCancellationRequested { get; }

        bool IsFinished { get; }

        ImportProgress Progress { get; }

        /// <summary>Queues a file; blocks while the queue is full; false once cancelled.</summary>
        bool Post(string path);

        void Complete();

        void Cancel();

        bool TryTake(out ImageImportResult result);

        bool TryTake(out ImageImportResult result, TimeSpan timeout);

        IEnumerable<ImageImportResult> Drain();
    }
}
