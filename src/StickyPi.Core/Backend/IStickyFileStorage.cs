using System;
using System.Collections.Generic;
using System.IO;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// The file half of a Sticky Pi back-end: blobs under upstream's keys (spec §5: <c>raw_images/&lt;device&gt;/&lt;file&gt;</c>
    /// with <c>.thumbnail</c> / <c>.thumbnail-mini</c>, <c>tiled_tuboids/&lt;series&gt;/&lt;tuboid&gt;/…</c>,
    /// <c>ml/&lt;bundle&gt;/&lt;key&gt;</c>). The embedded store keeps them in its directory; an S3 provider would keep them
    /// in a bucket under the same keys (as BaGet's storage providers implement its core's storage abstraction).
    /// </summary>
    /// <remarks>
    /// Keys always use <c>/</c>, are relative, and are checked by <see cref="StorageKey.Validate"/>: no <c>..</c>, no
    /// empty or dot segment, no backslash or control character, and only under the three public prefixes, so no key
    /// ever reaches a path outside the store or its catalog.
    /// </remarks>
    public interface IStickyFileStorage
    {
        /// <summary>Where the files live (a directory, a bucket URL), for messages.</summary>
        string Location { get; }

        /// <summary>Size, modification time and ETag of a stored file, or null when there is none.</summary>
        StoredFileInfo GetInfo(string key);

        /// <summary>Opens a stored file for reading (seekable when the provider can); NotFound when absent.</summary>
        Stream OpenRead(string key);

        /// <summary>The stored files whose key starts with <paramref name="prefix"/> (a folder: end it with <c>/</c>).</summary>
        IEnumerable<StoredFileInfo> List(string prefix);

        /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing atomically; readers see the old or the new file, never a part.</summary>
        StoredFileInfo Put(string key, Stream content, DateTime? lastModifiedUtc = null);

        /// <summary>Deletes a stored file; false when there was none.</summary>
        bool Delete(string key);

        /// <summary>
        /// The key of a file location that the catalog handed out (the embedded store's absolute paths in
        /// <c>url</c> fields), or null when the location is not a file of this storage.
        /// </summary>
        string KeyOf(string location);

        /// <summary>The file's path on this machine when the provider keeps files on a local disk (lets a server send it with sendfile), else null.</summary>
        string GetPhysicalPath(string key);
    }

    /// <summary>What a storage knows about one stored file.</summary>
    public sealed class StoredFileInfo
    {
        public StoredFileInfo(string key, long length, DateTime lastModifiedUtc, string etag)
        {
            Key = key;
            Length = length;
            LastModifiedUtc = lastModifiedUtc;
            ETag = etag;
        }

        public string Key { get; }

        public long Length { get; }

        public DateTime LastModifiedUtc { get; }

        /// <summary>An opaque validator that changes whenever the content does (quoted when sent as an HTTP ETag).</summary>
        public string ETag { get; }

        public override string ToString() => Key;
    }

    /// <summary>A storage whose files can be read by anyone holding a link it signs (S3's presigned GET).</summary>
    public interface IStickyFileLinks
    {
        /// <summary>A link to the file, valid for <paramref name="lifetime"/>.</summary>
        Uri GetDownloadUrl(string key, TimeSpan lifetime);
    }
}
