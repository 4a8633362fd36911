using System;
using StickyPi.Core.Model;

namespace StickyPi.Core.Sync
{
    /// <summary>What happened to one input file.</summary>
    public enum ImportStatus
    {
        /// <summary>Stored now.</summary>
        Sent,

        /// <summary>Already stored with the same content (or a conflict skipped on request).</summary>
        Skipped,

        /// <summary>Not stored; <see cref="ImageImportResult.ErrorId"/> says why.</summary>
        Failed,

        /// <summary>Dry run only: would be stored.</summary>
        Planned,
    }

    /// <summary>What to do with an image whose device and datetime are stored already with a different md5.</summary>
    public enum ConflictAction
    {
        /// <summary>Report an error; nothing is overwritten.</summary>
        Report,

        /// <summary>Leave the stored image; report the file as skipped.</summary>
        Skip,

        /// <summary>Replace the stored image and thumbnails (its UID annotations, made for the old content, are removed).</summary>
        Replace,
    }

    /// <summary>One result per input file, so a pipeline can tally exactly what happened.</summary>
    public sealed class ImageImportResult
    {
        public string Path { get; set; }

        public ImportStatus Status { get; set; }

        public string Device { get; set; }

        public DateTime? DateTime { get; set; }

        public string Md5 { get; set; }

        /// <summary>Human-readable reason (why skipped or failed).</summary>
        public string Reason { get; set; }

        /// <summary>Stable error id for failures (e.g. <c>InvalidFileName</c>, <c>Md5Conflict</c>).</summary>
        public string ErrorId { get; set; }

        /// <summary>The error behind a failure.</summary>
        public StickyPiException Error { get; set; }

        /// <summary>The stored row, for <see cref="ImportStatus.Sent"/>.</summary>
        public StickyImage Image { get; set; }

        /// <summary>True when the decision came from the stat cache without opening the file.</summary>
        public bool FromCache { get; set; }

        public override string ToString() => Status + " " + Path;
    }
}
