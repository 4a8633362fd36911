using System;

namespace StickyPi.Core.Model
{
    /// <summary>What went wrong, in terms a caller can act on (the PowerShell layer maps it to an ErrorCategory).</summary>
    public enum StickyErrorKind
    {
        InvalidData,
        InvalidArgument,
        NotFound,
        Conflict,
        PermissionDenied,
        ResourceUnavailable,
        LimitsExceeded,
        OperationStopped,

        /// <summary>An unexpected internal error (a bug), reported for the one item it hit.</summary>
        Internal,
    }

    /// <summary>
    /// An error from the core with a stable <see cref="ErrorId"/> (e.g. <c>InvalidFileName</c>, <c>TruncatedJpeg</c>),
    /// a kind, and the file, field or record it concerns.
    /// </summary>
    public class StickyPiException : Exception
    {
        public StickyPiException(string errorId, StickyErrorKind kind, string message, object target = null, Exception inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        /// <summary>Stable identifier, usable in scripts and as PowerShell's FullyQualifiedErrorId prefix.</summary>
        public string ErrorId { get; }

        public StickyErrorKind Kind { get; }

        /// <summary>The path, key or object the error is about.</summary>
        public object Target { get; }
    }

    /// <summary>Stable error ids raised by the core.</summary>
    public static class StickyErrorIds
    {
        public const string InvalidFileName = "InvalidFileName";
        public const string ImageTooOld = "ImageTooOld";
        public const string EmptyFile = "EmptyFile";

        /// <summary>An image whose frame header declares more pixels than the configured limit (a decompression bomb).</summary>
        public const string ImageTooLarge = "ImageTooLarge";

        /// <summary>A file larger than the configured limit for its kind; refused before it is read.</summary>
        public const string FileTooLarge = "FileTooLarge";

        /// <summary>An unexpected exception while processing one item; the rest of the batch goes on.</summary>
        public const string UnexpectedError = "UnexpectedError";

        /// <summary>A parallel pipeline broke outside any one item; reported once, as a terminating error.</summary>
        public const string PipelineFailed = "PipelineFailed";
        public const string NotAJpeg = "NotAJpeg";
        public const string TruncatedJpeg = "TruncatedJpeg";
        public const string MissingExif = "MissingExif";
        public const string InvalidExif = "InvalidExif";
        public const string FileNotFound = "FileNotFound";
        public const string FileUnreadable = "FileUnreadable";
        public const string Md5Mismatch = "Md5Mismatch";
        public const string Md5Conflict = "Md5Conflict";
        public const string DuplicateImage = "DuplicateImage";
        public const string ParentImageNotFound = "ParentImageNotFound";
        public const string DuplicateAnnotation = "DuplicateAnnotation";
        public const string InvalidAnnotation = "InvalidAnnotation";
        public const string StoreCorrupt = "StoreCorrupt";
        public const string StoreIo = "StoreIoError";

        /// <summary>A remote server refused the credentials (401) or the caller's role (403).</summary>
        public const string RemoteAccessDenied = "RemoteAccessDenied";

        /// <summary>A remote server could not be reached, or kept failing after retries.</summary>
        public const string RemoteUnavailable = "RemoteUnavailable";

        /// <summary>A remote server answered an error without an id of ours (upstream's server: 500 for any refusal).</summary>
        public const string RemoteError = "RemoteError";

        /// <summary>An operation the remote back-end does not offer yet (it names the operation).</summary>
        public const string NotAvailableRemotely = "NotAvailableRemotely";
    }
}
