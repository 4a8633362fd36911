using System;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// Selects tuboid series as <c>get_tiled_tuboid_series</c> and <c>delete_tiled_tuboids</c> do (spec §3.4): the
    /// series' device matches the LIKE pattern and the series lies within the <b>closed</b> window
    /// (<c>series.start ≥ Start</c> and <c>series.end ≤ End</c>, to the second). The bounds apply to the series, not to
    /// the tuboids' own shots (spec §8 #18). Optional exact algorithm name and version narrow it further.
    /// </summary>
    public sealed class TuboidQuery
    {
        public TuboidQuery(string deviceLikePattern, DateTime start, DateTime end, string algoName = null, string algoVersion = null)
        {
            DeviceLikePattern = string.IsNullOrEmpty(deviceLikePattern) ? "%" : deviceLikePattern;
            Start = StickyTime.AsUtc(start);
            End = StickyTime.AsUtc(end);
            AlgoName = string.IsNullOrEmpty(algoName) ? null : algoName;
            AlgoVersion = string.IsNullOrEmpty(algoVersion) ? null : algoVersion;
        }

        /// <summary>Every series of the store.</summary>
        public static TuboidQuery All => new TuboidQuery("%", DateTime.MinValue, DateTime.MaxValue);

        public string DeviceLikePattern { get; }

        public DateTime Start { get; }

        public DateTime End { get; }

        /// <summary>Exact series algorithm name, or null for any.</summary>
        public string AlgoName { get; }

        /// <summary>Exact series algorithm version, or null for any.</summary>
        public string AlgoVersion { get; }

        public override string ToString() =>
            DeviceLikePattern + " [" + StickyTime.ToWire(Start) + ", " + StickyTime.ToWire(End) + "]" +
            (AlgoName != null ? " " + AlgoName : string.Empty) + (AlgoVersion != null ? " " + AlgoVersion : string.Empty);
    }
}
