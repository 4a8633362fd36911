using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>Why one submission of a batch cannot be stored (see <see cref="LocalStickyStore.ValidateUidAnnotations"/>).</summary>
    public sealed class UidAnnotationProblem
    {
        public UidAnnotationProblem(int index, UidAnnotationSubmission submission, string errorId, StickyErrorKind kind, string message)
        {
            Index = index;
            Submission = submission;
            ErrorId = errorId;
            Kind = kind;
            Message = message;
        }

        /// <summary>Position of the submission in the batch.</summary>
        public int Index { get; }

        public UidAnnotationSubmission Submission { get; }

        /// <summary><c>ParentImageNotFound</c>, <c>Md5Mismatch</c> or <c>DuplicateAnnotation</c>.</summary>
        public string ErrorId { get; }

        public StickyErrorKind Kind { get; }

        public string Message { get; }

        public StickyPiException ToException() => new StickyPiException(ErrorId, Kind, Message, Submission?.SourceName ?? (object)Submission);

        public override string ToString() => "[" + Index + "] " + ErrorId + ": " + Message;
    }
}
