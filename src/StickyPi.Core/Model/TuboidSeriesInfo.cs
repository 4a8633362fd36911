using System;
using System.Globalization;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// Upstream's <c>series_info</c> of a tuboid upload (spec §1.8, §3.4): the series a tuboid belongs to and how many
    /// images and tuboids it has. Both counts are required (upstream's client does not check <c>n_tuboids</c>, spec §8 #23).
    /// </summary>
    public sealed class TuboidSeriesInfo
    {
        public string Device { get; set; }

        /// <summary>Start of the series (UTC).</summary>
        public DateTime StartDateTime { get; set; }

        /// <summary>End of the series (UTC).</summary>
        public DateTime EndDateTime { get; set; }

        /// <summary>Upstream <c>n_images</c>.</summary>
        public int? ImageCount { get; set; }

        /// <summary>Upstream <c>n_tuboids</c>: the number of tuboids the series holds; more are refused (<c>SeriesFull</c>).</summary>
        public int? TuboidCount { get; set; }

        public string AlgoName { get; set; }

        public string AlgoVersion { get; set; }

        public TuboidSeriesInfo Clone() => (TuboidSeriesInfo)MemberwiseClone();

        /// <summary>Throws <c>InvalidTuboidSeries</c> (InvalidArgument) unless every field needed to create a series is set.</summary>
        public void Validate()
        {
            string missing = string.IsNullOrEmpty(Device) ? "device"
                : string.IsNullOrEmpty(AlgoName) ? "algo_name"
                : string.IsNullOrEmpty(AlgoVersion) ? "algo_version"
                : ImageCount == null ? "n_images"
                : TuboidCount == null ? "n_tuboids"
                : StartDateTime == default ? "start_datetime"
                : EndDateTime == default ? "end_datetime"
                : null;
            if (missing != null)
            {
                throw Invalid("The tuboid series information lacks " + missing + ".");
            }

            if (ImageCount < 0 || TuboidCount < 1)
            {
                throw Invalid("The tuboid series needs n_images >= 0 and n_tuboids >= 1 (got " + ImageCount + " and " + TuboidCount + ").");
            }

            if (StickyTime.AsUtc(EndDateTime) < StickyTime.AsUtc(StartDateTime))
            {
                throw Invalid("The tuboid series ends (" + StickyTime.ToWire(EndDateTime) + ") before it starts (" + StickyTime.ToWire(StartDateTime) + ").");
            }

            if (AlgoName.Length > 64 || AlgoVersion.Length > 46 || Device.Length > 8)
            {
                throw Invalid("The tuboid series has a device longer than 8, an algo_name longer than 64 or an algo_version longer than 46 characters.");
            }
        }

        public override string ToString() =>
            Device + "." + StickyTime.Normalize(StartDateTime).ToString(StickyTime.FileNameFormat, CultureInfo.InvariantCulture) + "." +
            StickyTime.Normalize(EndDateTime).ToString(StickyTime.FileNameFormat, CultureInfo.InvariantCulture) + "." + AlgoVersion +
            " (" + AlgoName + ")";

        private StickyPiException Invalid(string message) =>
            new StickyPiException(TuboidErrorIds.InvalidTuboidSeries, StickyErrorKind.InvalidArgument, message, this);
    }

    /// <summary>A row of <c>tuboid_series</c> (spec §2.5), as <c>delete_tiled_tuboids</c> returns it.</summary>
    public sealed class TuboidSeries
    {
        public long Id { get; set; }

        public string Device { get; set; }

        public DateTime StartDateTime { get; set; }

        public DateTime EndDateTime { get; set; }

        /// <summary>Upstream <c>n_images</c>.</summary>
        public int NImages { get; set; }

        /// <summary>Upstream <c>n_tuboids</c>.</summary>
        public int NTuboids { get; set; }

        public string AlgoName { get; set; }

        public string AlgoVersion { get; set; }

        public DateTime DateTimeCreated { get; set; }

        public string ApiVersion { get; set; }

        public long? ApiUserId { get; set; }

        public override string ToString() =>
            Device + "." + StartDateTime.ToString(StickyTime.FileNameFormat, CultureInfo.InvariantCulture) + "." +
            EndDateTime.ToString(StickyTime.FileNameFormat, CultureInfo.InvariantCulture) + " " + AlgoName + " " + AlgoVersion;
    }

    /// <summary>Stable error ids of the tuboid and ITC label operations.</summary>
    public static class TuboidErrorIds
    {
        /// <summary>A tuboid directory name is not <c>device.start.end.algo_version.NNNN</c>.</summary>
        public const string InvalidTuboidName = "InvalidTuboidName";

        /// <summary>tuboid.jpg, metadata.txt or context.jpg is missing from a tuboid directory.</summary>
        public const string MissingTuboidFile = "MissingTuboidFile";

        /// <summary>metadata.txt cannot be read (message names the file and line).</summary>
        public const string InvalidTuboidMetadata = "InvalidTuboidMetadata";

        /// <summary>The series already holds its <c>n_tuboids</c> tuboids.</summary>
        public const string SeriesFull = "SeriesFull";

        /// <summary>The tuboid's first or last shot lies outside its series.</summary>
        public const string TuboidOutsideSeries = "TuboidOutsideSeries";

        /// <summary>A tuboid with this id is stored already.</summary>
        public const string DuplicateTuboid = "DuplicateTuboid";

        /// <summary>The series information is incomplete or inconsistent.</summary>
        public const string InvalidTuboidSeries = "InvalidTuboidSeries";

        /// <summary>No tuboid with this id is stored (ITC label for an unknown tuboid).</summary>
        public const string TuboidNotFound = "TuboidNotFound";

        /// <summary>The tuboid already has a label of this algorithm name and version.</summary>
        public const string DuplicateItcLabel = "DuplicateItcLabel";

        /// <summary>A label field is missing or too long for upstream's columns.</summary>
        public const string InvalidItcLabel = "InvalidItcLabel";
    }
}
