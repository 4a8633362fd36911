using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// Stores uploaded image files (upstream's <c>_put_new_images</c>, spec §1.7) through the same code as
    /// Send-StickyImage: <see cref="StickyImageParser"/> (md5, EXIF, thumbnails, pixel limit) and the back-end's
    /// staging and commit. Many uploads run in parallel (parsing is bounded by <see cref="MaxParallelParses"/>);
    /// uploads of one key are serialised, so two clients sending the same image store it once and the other is told
    /// it exists (<c>DuplicateImage</c>, Conflict), and a different image with a stored key never touches the stored
    /// files (spec §8 #6). Commits go through one writer at a time, as the store requires, grouped across requests.
    /// </summary>
    public sealed class ImageUploadIngest : IDisposable
    {
        /// <summary>Uploads committed at most in one transaction.</summary>
        public const int MaxCommitBatch = 256;

        private const int KeyStripes = 64;
        private readonly IStickyBackend _backend;
        private readonly StickyImageParser _parser;
        private readonly SemaphoreSlim _parses;
        private readonly GroupCommitter<PendingCommit, StagedImage> _committer;
        private readonly Task _commitLoop;
        private readonly SemaphoreSlim[] _keys = new SemaphoreSlim[KeyStripes];

        public ImageUploadIngest(IStickyBackend backend, int maxParallelParses = 0, StickyImageParser parser = null)
        {
            _backend = backend ?? throw new ArgumentNullException(nameof(backend));
            _parser = parser ?? new StickyImageParser(limits: backend.Limits);
            MaxParallelParses = maxParallelParses > 0 ? maxParallelParses : Math.Max(1, Environment.ProcessorCount);
            _parses = new SemaphoreSlim(MaxParallelParses, MaxParallelParses);
            for (int i = 0; i < KeyStripes; i++)
            {
                _keys[i] = new SemaphoreSlim(1, 1);
            }

            // Zero gather time: a commit takes what has arrived, so a lone upload is never kept waiting.
            _committer = new GroupCommitter<PendingCommit, StagedImage>(
                (caller, group, replace) => _backend.CommitStagedImages(caller, group.Select(p => p.Staged).ToList(), replace),
                MaxCommitBatch, TimeSpan.Zero);
            _commitLoop = Task.Run(() => _committer.RunAsync());
        }

        /// <summary>Images parsed at once (each holds one file's bytes and its decoded thumbnails).</summary>
        public int MaxParallelParses { get; }

        /// <summary>
        /// Stores the image in the file at <paramref name="tempPath"/>, named <paramref name="fileName"/> (device and
        /// datetime come from the name, spec §4.1). With <paramref name="expectedMd5"/> the content must match it.
        /// Returns the stored row and the parsed device version (null for legacy images, as upstream echoes).
        /// </summary>
        public async Task<StoredUpload> StoreAsync(CallerIdentity caller, string tempPath, string fileName, string expectedMd5, CancellationToken cancellationToken)
        {
            Access.AccessPolicy.Require(caller, Access.ApiOperation.PutImages);
            var key = ImageFileName.Parse(fileName); // InvalidFileName / ImageTooOld before any reading
            var stripe = _keys[(int)((uint)key.GetHashCode() % KeyStripes)];
            await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_backend.GetStoredMd5(key) != null)
                {
                    throw Exists(key);
                }

                StagedImage staged;
                string deviceVersion;
                await _parses.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    byte[] buffer;
                    int length;
                    try
                    {
                        buffer = StickyImageParser.ReadFilePooled(tempPath, out length, _parser.Limits.MaxImageFileBytes);
                    }
                    catch (StickyPiException e)
                    {
                        // The upload's temporary path is the server's business: the client is told the name it sent.
                        throw new StickyPiException(e.ErrorId, e.Kind, e.Message.Replace(tempPath, fileName), fileName, e);
                    }

                    try
                    {
                        var parsed = _parser.Parse(buffer, length, fileName);
                        if (!string.IsNullOrEmpty(expectedMd5) && !string.Equals(expectedMd5.Trim(), parsed.Md5, StringComparison.OrdinalIgnoreCase))
                        {
                            throw new StickyPiException(StickyErrorIds.Md5Mismatch, StickyErrorKind.InvalidData,
                                "The md5 of " + fileName + " is " + parsed.Md5 + ", not " + expectedMd5.Trim() + " as sent.", fileName);
                        }

                        deviceVersion = parsed.DeviceVersion;
                        staged = _backend.StageImage(parsed, buffer, length);
                    }
                    finally
                    {
                        StickyImageParser.FileBufferPool.Return(buffer);
                    }
                }
                finally
                {
                    _parses.Release();
                }

                var row = await CommitAsync(caller, staged).ConfigureAwait(false);
                return new StoredUpload(row, deviceVersion);
            }
            finally
            {
                stripe.Release();
            }
        }

        /// <summary>
        /// Group commit through the import pipeline's commit stage: uploads that finish staging while a commit runs are
        /// committed together in the next transaction (one writer, as the store requires), so many parallel uploads
        /// cost few transactions; a batch that fails is retried image by image, so one bad row never fails the others.
        /// </summary>
        private Task<StickyImage> CommitAsync(CallerIdentity caller, StagedImage staged)
        {
            var pending = new PendingCommit(caller, staged);
            if (!_committer.Post(pending))
            {
                throw new ObjectDisposedException(nameof(ImageUploadIngest));
            }

            return pending.Done.Task;
        }

        /// <summary>Commits what is queued, then stops taking uploads.</summary>
        public void Dispose()
        {
            _committer.Complete();
            _commitLoop.GetAwaiter().GetResult();
        }

        private sealed class PendingCommit : ICommitItem<StagedImage>
        {
            public PendingCommit(CallerIdentity caller, StagedImage staged)
            {
                Caller = caller;
                Staged = staged;
            }

            public CallerIdentity Caller { get; }

            public StagedImage Staged { get; }

            public bool Replace => false;

            public TaskCompletionSource<StickyImage> Done { get; } = new TaskCompletionSource<StickyImage>(TaskCreationOptions.RunContinuationsAsynchronously);

            public void Committed(StickyImage row) => Done.TrySetResult(row);

            public void Failed(Exception error) => Done.TrySetException(error);
        }

        private static StickyPiException Exists(ImageKey key) =>
            new StickyPiException(StickyErrorIds.DuplicateImage, StickyErrorKind.Conflict,
                "Image " + key.FileName + " is already stored.", key.FileName);
    }

    /// <summary>An uploaded image as stored, and what its file declared (for upstream's echo).</summary>
    public sealed class StoredUpload
    {
        public StoredUpload(StickyImage row, string parsedDeviceVersion)
        {
            Row = row;
            ParsedDeviceVersion = parsedDeviceVersion;
        }

        public StickyImage Row { get; }

        /// <summary>The device version the file declared (null for legacy images; the row holds the default 1.0.0).</summary>
        public string ParsedDeviceVersion { get; }
    }
}
