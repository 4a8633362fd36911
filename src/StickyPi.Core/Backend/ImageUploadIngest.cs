using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// Stores uploaded image files (upstream's <c>_put_new_images</c>, spec §1.7) through the same code as
    /// Send-StickyImage: <see cref="StickyImageParser"/> (md5, EXIF, thumbnails, pixel limit) and the back-end's
    /// staging and commit. Many uploads run in parallel (parsing is bounded by <see cref="MaxParallelParses"/>);
    /// uploads of one key are serialised, so two clients sending the same image store it once and the other is told
    /// it exists (<c>DuplicateImage</c>, Conflict), and a different image with a stored key never touches the stored
    /// files (spec §8 #6). Commits go through one writer at a time, as the store requires.
    /// </summary>
    public sealed class ImageUploadIngest
    {
        private const int KeyStripes = 64;
        private readonly IStickyBackend _backend;
        private readonly StickyImageParser _parser;
        private readonly SemaphoreSlim _parses;
        private readonly SemaphoreSlim _writer = new SemaphoreSlim(1, 1);
        private readonly SemaphoreSlim[] _keys = new SemaphoreSlim[KeyStripes];

        public ImageUploadIngest(IStickyBackend backend, int maxParallelParses = 0, StickyImageParser parser = null)
        {
            _backend = backend ?? throw new ArgumentNullException(nameof(backend));
            _parser = parser ?? new StickyImageParser();
            MaxParallelParses = maxParallelParses > 0 ? maxParallelParses : Math.Max(1, Environment.ProcessorCount);
            _parses = new SemaphoreSlim(MaxParallelParses, MaxParallelParses);
            for (int i = 0; i < KeyStripes; i++)
            {
                _keys[i] = new SemaphoreSlim(1, 1);
            }
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
                    var buffer = StickyImageParser.ReadFilePooled(tempPath, out int length);
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

                await _writer.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    var rows = _backend.CommitStagedImages(caller, new[] { staged }, replaceExisting: false);
                    return new StoredUpload(rows[0], deviceVersion);
                }
                finally
                {
                    _writer.Release();
                }
            }
            finally
            {
                stripe.Release();
            }
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
