using System;
using System.Collections.Generic;
using System.Linq;
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

    /// <summary>The checks every store makes on a batch of annotations before storing any (embedded and remote alike).</summary>
    internal static class UidAnnotationChecks
    {
        /// <summary>The batch as a list; a null batch or entry is the caller's bug.</summary>
        public static List<UidAnnotationSubmission> Checked(IEnumerable<UidAnnotationSubmission> items)
        {
            var list = (items ?? throw new ArgumentNullException(nameof(items))).ToList();
            if (list.Any(i => i == null))
            {
                throw new ArgumentException("The batch contains a null entry.", nameof(items));
            }

            return list;
        }

        /// <summary>
        /// Per item, in this order: its image is stored (<c>ParentImageNotFound</c>), with the item's md5
        /// (<c>Md5Mismatch</c>), no annotation of its algorithm and version is stored (<c>DuplicateAnnotation</c>),
        /// nor earlier in the batch.
        /// </summary>
        /// <param name="items">The batch.</param>
        /// <param name="parents">The stored images of the items' keys.</param>
        /// <param name="isStored">Whether an annotation (parent image id, algorithm, version) is stored.</param>
        public static List<UidAnnotationProblem> Find(IReadOnlyList<UidAnnotationSubmission> items, IReadOnlyDictionary<ImageKey, StickyImage> parents,
            Func<long, string, string, bool> isStored)
        {
            var problems = new List<UidAnnotationProblem>();
            var inBatch = new HashSet<(long, string, string)>();
            for (int n = 0; n < items.Count; n++)
            {
                var item = items[n];
                string what = item.Key.FileName + " (" + item.AlgoName + "/" + item.AlgoVersion + ", from " + item.SourceName + ")";
                if (!parents.TryGetValue(item.Key, out var parent))
                {
                    problems.Add(new UidAnnotationProblem(n, item, StickyErrorIds.ParentImageNotFound, StickyErrorKind.NotFound,
                        "Annotation for " + what + ": no stored image " + item.Key + "."));
                    continue;
                }

                if (!string.Equals(parent.Md5, item.Md5, StringComparison.Ordinal))
                {
                    problems.Add(new UidAnnotationProblem(n, item, StickyErrorIds.Md5Mismatch, StickyErrorKind.InvalidData,
                        "Annotation for " + what + ": md5 " + item.Md5 + " differs from the stored image's " + parent.Md5 + "."));
                    continue;
                }

                long parentId = parent.Id ?? 0;
                if (isStored(parentId, item.AlgoName, item.AlgoVersion))
                {
                    problems.Add(new UidAnnotationProblem(n, item, StickyErrorIds.DuplicateAnnotation, StickyErrorKind.Conflict,
                        "Annotation for " + what + " is already stored."));
                    continue;
                }

                if (!inBatch.Add((parentId, item.AlgoName, item.AlgoVersion)))
                {
                    problems.Add(new UidAnnotationProblem(n, item, StickyErrorIds.DuplicateAnnotation, StickyErrorKind.Conflict,
                        "Annotation for " + what + " appears twice in this batch."));
                }
            }

            return problems;
        }
    }
}
