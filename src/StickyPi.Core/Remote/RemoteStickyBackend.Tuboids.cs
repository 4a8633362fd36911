using System;
using System.Collections.Generic;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Remote
{
    /// <summary>The remote back-end's tiled tuboids and ITC labels: not brought over yet.</summary>
    public sealed partial class RemoteStickyBackend
    {
        public IEnumerable<TiledTuboid> GetTiledTuboidSeries(CallerIdentity caller, TuboidQuery query, bool includeFiles = false) => throw NotRemote("tuboids");

        public IEnumerable<LabelledTiledTuboid> GetTiledTuboidSeriesWithItcLabels(CallerIdentity caller, TuboidQuery query, bool includeFiles = false) => throw NotRemote("tuboids");

        public IReadOnlyList<ItcLabelResult> PutItcLabels(CallerIdentity caller, IEnumerable<ItcLabelSubmission> labels) => throw NotRemote("ITC labels");

        public IEnumerable<ItcLabel> GetItcLabels(CallerIdentity caller, IEnumerable<string> tuboidIds) => throw NotRemote("ITC labels");

        public IReadOnlyList<TuboidUploadResult> PutTiledTuboids(CallerIdentity caller, IEnumerable<string> tuboidDirectories, TuboidSeriesInfo info) => throw NotRemote("tuboids");

        public TuboidUploadResult UploadTuboid(CallerIdentity caller, string tuboidDirectory, TuboidSeriesInfo given) => throw NotRemote("tuboids");

        public IReadOnlyList<TuboidSeries> DeleteTiledTuboids(CallerIdentity caller, TuboidQuery query) => throw NotRemote("tuboids");

        public IReadOnlyList<string> CompleteTuboidDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) => throw NotRemote("completion");
    }
}
