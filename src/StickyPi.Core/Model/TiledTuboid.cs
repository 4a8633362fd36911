using System;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// A row of <c>tiled_tuboids</c> (spec §2.6) with upstream's six <c>*_series</c> fields of its parent series
    /// (spec §2.13) and, when files were asked for, the local paths of its three files.
    /// </summary>
    public class TiledTuboid
    {
        public long? Id { get; set; }

        public long ParentSeriesId { get; set; }

        /// <summary>Directory name of the tuboid: <c>device.start.end.algo_version.NNNN</c>, unique in the store.</summary>
        public string TuboidId { get; set; }

        /// <summary>Integer value of the last field of <see cref="TuboidId"/>.</summary>
        public int IdInSeries { get; set; }

        /// <summary>First shot (UTC), from metadata.txt.</summary>
        public DateTime StartDateTime { get; set; }

        /// <summary>Last shot (UTC), from metadata.txt.</summary>
        public DateTime EndDateTime { get; set; }

        /// <summary>Number of shots (lines of metadata.txt).</summary>
        public int NShots { get; set; }

        public DateTime DateTimeCreated { get; set; }

        public string ApiVersion { get; set; }

        public long? ApiUserId { get; set; }

        /// <summary>Upstream <c>algo_name_series</c>.</summary>
        public string AlgoNameSeries { get; set; }

        /// <summary>Upstream <c>algo_version_series</c>.</summary>
        public string AlgoVersionSeries { get; set; }

        /// <summary>Upstream <c>n_tuboids_series</c>.</summary>
        public int NTuboidsSeries { get; set; }

        /// <summary>Upstream <c>device_series</c>.</summary>
        public string DeviceSeries { get; set; }

        /// <summary>Upstream <c>start_datetime_series</c> (UTC).</summary>
        public DateTime StartDateTimeSeries { get; set; }

        /// <summary>Upstream <c>end_datetime_series</c> (UTC).</summary>
        public DateTime EndDateTimeSeries { get; set; }

        /// <summary>Path of tuboid.jpg (upstream <c>tuboid</c> with <c>what=data</c>); null unless files were asked for.</summary>
        public string TuboidFile { get; set; }

        /// <summary>Path of metadata.txt (upstream <c>metadata</c>); null unless files were asked for.</summary>
        public string MetadataFile { get; set; }

        /// <summary>Path of context.jpg (upstream <c>context</c>); null unless files were asked for.</summary>
        public string ContextFile { get; set; }

        /// <summary>The series directory name: <see cref="TuboidId"/> without its last field.</summary>
        public string SeriesId
        {
            get
            {
                int dot = TuboidId?.LastIndexOf('.') ?? -1;
                return dot > 0 ? TuboidId.Substring(0, dot) : TuboidId;
            }
        }

        public override string ToString() => TuboidId;
    }

    /// <summary>
    /// One row of the tuboids ⟕ ITC labels join (spec §3.9 <c>get_tiled_tuboid_series_itc_labels</c>): a tuboid and
    /// one of its labels, or none. Unlike upstream, the tuboid keeps its <see cref="TiledTuboid.Id"/> (spec §8 #22).
    /// </summary>
    public sealed class LabelledTiledTuboid : TiledTuboid
    {
        /// <summary>The joined label, or null when the tuboid has none.</summary>
        public ItcLabel ItcLabel { get; set; }

        public int? Label => ItcLabel?.Label;

        public string Type => ItcLabel?.Type;

        public string Pattern => ItcLabel?.Pattern;

        public string Order => ItcLabel?.Order;

        public string Family => ItcLabel?.Family;

        public string Genus => ItcLabel?.Genus;

        public string Species => ItcLabel?.Species;

        /// <summary>Algorithm of the label (upstream <c>algo_name_itc</c>).</summary>
        public string LabelAlgoName => ItcLabel?.AlgoName;

        /// <summary>Algorithm version of the label (upstream <c>algo_version_itc</c>).</summary>
        public string LabelAlgoVersion => ItcLabel?.AlgoVersion;
    }
}

namespace StickyPi.Core.Model
{
    using StickyPi.Core.Sync;

    /// <summary>What happened to one tuboid directory of an upload (one result per directory).</summary>
    public sealed class TuboidUploadResult
    {
        /// <summary>The tuboid directory.</summary>
        public string Path { get; set; }

        /// <summary>Sent (stored now), Failed (see <see cref="ErrorId"/>) or Planned (dry run).</summary>
        public ImportStatus Status { get; set; }

        /// <summary>The directory name, when it is a tuboid id.</summary>
        public string TuboidId { get; set; }

        /// <summary>The stored row with the six series fields, for Sent.</summary>
        public TiledTuboid Tuboid { get; set; }

        public string Reason { get; set; }

        /// <summary>Stable error id of a failure: InvalidTuboidName, MissingTuboidFile, InvalidTuboidMetadata, SeriesFull, TuboidOutsideSeries, DuplicateTuboid…</summary>
        public string ErrorId { get; set; }

        public StickyPiException Error { get; set; }

        public override string ToString() => Status + " " + Path;

        internal static TuboidUploadResult Failed(string path, string tuboidId, StickyPiException error) => new TuboidUploadResult
        {
            Path = path,
            TuboidId = tuboidId,
            Status = ImportStatus.Failed,
            Reason = error.Message,
            ErrorId = error.ErrorId,
            Error = error,
        };
    }

    /// <summary>What happened to one ITC label of a batch: stored, or refused with an error.</summary>
    public sealed class ItcLabelResult
    {
        public ItcLabelSubmission Submission { get; set; }

        /// <summary>The stored row (with its id), or null when it failed.</summary>
        public ItcLabel Label { get; set; }

        /// <summary>TuboidNotFound, DuplicateItcLabel, InvalidItcLabel…; null when stored.</summary>
        public string ErrorId => Error?.ErrorId;

        public StickyPiException Error { get; set; }

        public bool Succeeded => Error == null;

        public override string ToString() => (Succeeded ? "Stored " : "Failed ") + Submission;
    }
}
