using System;
using StickyPi.Core.Model;

namespace StickyPi.Core.Sync
{
    /// <summary>What happened to one file of a bundle transfer.</summary>
    public enum MlBundleTransferStatus
    {
        /// <summary>Copied from the local folder to the store.</summary>
        Uploaded,

        /// <summary>Copied from the store to the local folder (checksum verified, mtime restored).</summary>
        Downloaded,

        /// <summary>Dry run (-WhatIf): would be transferred.</summary>
        Planned,

        /// <summary>Not transferred; <see cref="MlBundleTransferResult.ErrorId"/> says why. Nothing partial is left under the final name.</summary>
        Failed,
    }

    /// <summary>One result per file transferred (or planned, or failed).</summary>
    public sealed class MlBundleTransferResult
    {
        public string BundleName { get; set; }

        /// <summary>Path relative to the bundle root, with '/'.</summary>
        public string Key { get; set; }

        public MlBundleDirection Direction { get; set; }

        public MlBundleTransferStatus Status { get; set; }

        /// <summary>Bytes of the file transferred.</summary>
        public long Size { get; set; }

        /// <summary>15 MiB multipart ETag of the content (plain MD5 up to 15 MiB).</summary>
        public string Md5 { get; set; }

        /// <summary>Modification time (UTC) the file has on both sides after the transfer.</summary>
        public DateTime MTime { get; set; }

        /// <summary>The file in the local bundle folder.</summary>
        public string Path { get; set; }

        /// <summary>The file on the other side (the store's path for the local store).</summary>
        public string RemotePath { get; set; }

        /// <summary>Stable error id of a failure.</summary>
        public string ErrorId { get; set; }

        /// <summary>The error behind a failure.</summary>
        public StickyPiException Error { get; set; }

        public override string ToString() => Direction + " " + Key + ": " + Status;
    }

    /// <summary>A progress snapshot of a bundle transfer (bytes of the files to transfer).</summary>
    public sealed class MlBundleProgress
    {
        public MlBundleProgress(string phase, int filesTotal, int filesDone, long bytesTotal, long bytesDone, string currentKey)
        {
            Phase = phase;
            FilesTotal = filesTotal;
            FilesDone = filesDone;
            BytesTotal = bytesTotal;
            BytesDone = bytesDone;
            CurrentKey = currentKey;
        }

        /// <summary>"Comparing" (listing and hashing both sides), "Transferring" or "Done".</summary>
        public string Phase { get; }

        public int FilesTotal { get; }

        public int FilesDone { get; }

        public long BytesTotal { get; }

        public long BytesDone { get; }

        /// <summary>Key of the file being transferred.</summary>
        public string CurrentKey { get; }

        public int PercentComplete => BytesTotal > 0 ? (int)Math.Min(100, 100 * BytesDone / BytesTotal) : (FilesTotal > 0 ? 100 * FilesDone / FilesTotal : 0);
    }
}
