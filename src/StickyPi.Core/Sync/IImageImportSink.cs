using System.Collections.Generic;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Sync
{
    /// <summary>
    /// Where the import pipeline puts images: the local store (<see cref="StoreImportSink"/>), or a back-end that sends
    /// them on (a remote server's upload). The pipeline decides what to store; the sink only does it.
    /// </summary>
    /// <typeparam name="TStaged">What <see cref="Stage"/> hands to <see cref="Commit"/> (the store: files in place, row not yet written).</typeparam>
    public interface IImageImportSink<TStaged>
    {
        /// <summary>Where the images go (a directory, a URL), for messages.</summary>
        string Location { get; }

        /// <summary>The stored md5 of each key that is stored (keys not stored are left out). Thread-safe.</summary>
        IDictionary<ImageKey, string> GetStoredMd5s(IEnumerable<ImageKey> keys);

        /// <summary>
        /// Puts a parsed image's bytes where a commit can find them, so that nothing stored is overwritten before its
        /// commit. Thread-safe; <paramref name="originalBytes"/> is a pooled buffer that is reused after the call.
        /// </summary>
        TStaged Stage(ParsedImage parsed, byte[] originalBytes, int length);

        /// <summary>
        /// Makes staged images stored, all or none (one caller at a time); a stored key raises <c>DuplicateImage</c>
        /// unless <paramref name="replaceExisting"/>. Returns the stored rows.
        /// </summary>
        IReadOnlyList<StickyImage> Commit(CallerIdentity caller, IReadOnlyList<TStaged> batch, bool replaceExisting);
    }

    /// <summary>The local store as the import pipeline's sink.</summary>
    public sealed class StoreImportSink : IImageImportSink<StagedImage>
    {
        private readonly LocalStickyStore _store;

        public StoreImportSink(LocalStickyStore store) => _store = store ?? throw new System.ArgumentNullException(nameof(store));

        public string Location => _store.RootDirectory;

        public IDictionary<ImageKey, string> GetStoredMd5s(IEnumerable<ImageKey> keys) => _store.GetStoredMd5s(keys);

        public StagedImage Stage(ParsedImage parsed, byte[] originalBytes, int length) => _store.StageImage(parsed, originalBytes, length);

        public IReadOnlyList<StickyImage> Commit(CallerIdentity caller, IReadOnlyList<StagedImage> batch, bool replaceExisting) =>
            _store.CommitStagedImages(caller, batch, replaceExisting);
    }

    /// <summary>Any back-end that stages and commits images itself (a catalog joined to a file storage) as the import pipeline's sink.</summary>
    public sealed class BackendImportSink : IImageImportSink<StagedImage>
    {
        private readonly Backend.IStickyBackend _backend;

        public BackendImportSink(Backend.IStickyBackend backend) => _backend = backend ?? throw new System.ArgumentNullException(nameof(backend));

        public string Location => _backend.Location;

        public IDictionary<ImageKey, string> GetStoredMd5s(IEnumerable<ImageKey> keys) => _backend.GetStoredMd5s(keys);

        public StagedImage Stage(ParsedImage parsed, byte[] originalBytes, int length) => _backend.StageImage(parsed, originalBytes, length);

        public IReadOnlyList<StickyImage> Commit(CallerIdentity caller, IReadOnlyList<StagedImage> batch, bool replaceExisting) =>
            _backend.CommitStagedImages(caller, batch, replaceExisting);
    }
}
