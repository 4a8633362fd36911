using System;
using System.Collections.Generic;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Remote
{
    /// <summary>The remote back-end's UID annotations and images to annotate: not brought over yet.</summary>
    public sealed partial class RemoteStickyBackend
    {
        public IReadOnlyList<StickyImage> GetImagesToAnnotate(CallerIdentity caller, string algoName, string algoVersion, ImageSeriesQuery query, ImageFileKind what = ImageFileKind.Metadata) =>
            throw NotRemote("images to annotate");

        public IEnumerable<StickyAnnotatedImage> GetImagesWithUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what, bool includeJson) =>
            throw NotRemote("UID annotations");

        public IReadOnlyList<UidAnnotation> PutUidAnnotations(CallerIdentity caller, IEnumerable<UidAnnotationSubmission> items) => throw NotRemote("UID annotations");

        public IReadOnlyList<UidAnnotationProblem> ValidateUidAnnotations(CallerIdentity caller, IReadOnlyList<UidAnnotationSubmission> items) => throw NotRemote("UID annotations");

        public IEnumerable<UidAnnotation> GetUidAnnotations(CallerIdentity caller, IEnumerable<ImageKey> keys, bool includeJson) => throw NotRemote("UID annotations");

        public IEnumerable<UidAnnotation> GetUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, bool includeJson) => throw NotRemote("UID annotations");

        public IReadOnlyList<string> CompleteImageDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) => throw NotRemote("completion");

        public IReadOnlyList<string> CompleteAlgoNames(CallerIdentity caller, AlgoNameSource source, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            throw NotRemote("completion");
    }
}
