using System;
using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Local
{
    /// <summary>Upstream's rules for storing a tuboid and an ITC label, and their errors, shared by every catalog.</summary>
    internal static class TuboidChecks
    {
        /// <summary>
        /// A tuboid fits its series when the series is not yet full (<c>SeriesFull</c>) and its shots lie within the
        /// series' bounds (<c>TuboidOutsideSeries</c>), checked in upstream's order; <paramref name="stored"/> is how many
        /// tuboids the series holds.
        /// </summary>
        public static void CheckFits(TuboidSeries series, int stored, TuboidName name, TuboidMetadata meta, string dir)
        {
            if (stored >= series.NTuboids)
            {
                throw new StickyPiException(TuboidErrorIds.SeriesFull, StickyErrorKind.LimitsExceeded,
                    dir + ": series " + series + " already holds its " + series.NTuboids + " tuboid(s); " + name.TuboidId + " was not stored.", dir);
            }

            if (meta.StartDateTime < series.StartDateTime || meta.EndDateTime > series.EndDateTime)
            {
                throw new StickyPiException(TuboidErrorIds.TuboidOutsideSeries, StickyErrorKind.InvalidData,
                    dir + ": shots from " + StickyTime.ToWire(meta.StartDateTime) + " to " + StickyTime.ToWire(meta.EndDateTime) +
                    " are not within series " + series + " (" + StickyTime.ToWire(series.StartDateTime) + " to " + StickyTime.ToWire(series.EndDateTime) + ").", dir);
            }
        }

        /// <summary>The failures that belong to one tuboid folder (the rest of an upload goes on).</summary>
        public static bool IsPerTuboid(StickyPiException e) =>
            e.ErrorId == TuboidErrorIds.InvalidTuboidName || e.ErrorId == TuboidErrorIds.MissingTuboidFile ||
            e.ErrorId == TuboidErrorIds.InvalidTuboidMetadata || e.ErrorId == TuboidErrorIds.SeriesFull ||
            e.ErrorId == TuboidErrorIds.TuboidOutsideSeries || e.ErrorId == TuboidErrorIds.DuplicateTuboid ||
            e.ErrorId == StickyErrorIds.FileTooLarge;

        /// <summary>
        /// One of a tuboid folder's files, read whole under its cap (a tuboid's files are read whole, so their size must
        /// not be the input's to choose): <c>FileTooLarge</c> above it, <c>MissingTuboidFile</c> when absent.
        /// </summary>
        public static byte[] ReadFile(string dir, string fileName, InputLimits limits)
        {
            try
            {
                return BoundedFile.ReadAllBytes(System.IO.Path.Combine(dir, fileName),
                    fileName == TuboidDirectory.MetadataFileName ? limits.MaxMetadataFileBytes : limits.MaxImageFileBytes, "tuboid file");
            }
            catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.FileNotFound)
            {
                throw new StickyPiException(TuboidErrorIds.MissingTuboidFile, StickyErrorKind.NotFound,
                    System.IO.Path.Combine(dir, fileName) + ": missing (" + e.Message + ").", dir, e);
            }
        }

        /// <summary>
        /// Upstream's <c>put_itc_labels</c> loop: each label checked and stored on its own (<paramref name="putOne"/>, one
        /// transaction), one result per label; an invalid label, an unknown tuboid or a second label of one algorithm
        /// fails that label alone.
        /// </summary>
        public static IReadOnlyList<ItcLabelResult> PutEachLabel(IEnumerable<ItcLabelSubmission> labels, Func<ItcLabelSubmission, ItcLabel> putOne)
        {
            var list = (labels ?? throw new ArgumentNullException(nameof(labels))).ToList();
            if (list.Any(l => l == null))
            {
                throw new ArgumentException("The batch contains a null entry.", nameof(labels));
            }

            var results = new List<ItcLabelResult>(list.Count);
            foreach (var item in list)
            {
                try
                {
                    item.Validate();
                    results.Add(new ItcLabelResult { Submission = item, Label = putOne(item) });
                }
                catch (StickyPiException e) when (e.ErrorId == TuboidErrorIds.TuboidNotFound || e.ErrorId == TuboidErrorIds.DuplicateItcLabel ||
                                                  e.ErrorId == TuboidErrorIds.InvalidItcLabel)
                {
                    results.Add(new ItcLabelResult { Submission = item, Error = e });
                }
            }

            return results;
        }

        public static StickyPiException DuplicateTuboid(string dir, string tuboidId, Exception inner = null) =>
            new StickyPiException(TuboidErrorIds.DuplicateTuboid, StickyErrorKind.Conflict,
                dir + ": tuboid " + tuboidId + " is already stored; nothing was written.", dir, inner);

        public static StickyPiException TuboidNotFound(ItcLabelSubmission item) =>
            new StickyPiException(TuboidErrorIds.TuboidNotFound, StickyErrorKind.NotFound,
                "ITC label " + item + ": no stored tuboid " + item.TuboidId + ".", item.TuboidId);

        public static StickyPiException DuplicateLabel(ItcLabelSubmission item, Exception inner = null) =>
            new StickyPiException(TuboidErrorIds.DuplicateItcLabel, StickyErrorKind.Conflict,
                "ITC label " + item + ": tuboid " + item.TuboidId + " already has a label of " + item.AlgoName + " " + item.AlgoVersion + ".",
                item.TuboidId, inner);
    }
}
