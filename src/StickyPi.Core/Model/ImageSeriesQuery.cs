using System;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// A device pattern and a half-open time window <c>[Start, End)</c> (spec §3.1). The pattern is SQL LIKE syntax
    /// (<c>%</c>, <c>_</c>), ASCII case-insensitive, as upstream; <see cref="DevicePattern.FromWildcard"/> converts
    /// PowerShell wildcards.
    /// </summary>
    public sealed class ImageSeriesQuery
    {
        public ImageSeriesQuery(string deviceLikePattern, DateTime start, DateTime end)
        {
            DeviceLikePattern = string.IsNullOrEmpty(deviceLikePattern) ? "%" : deviceLikePattern;
            Start = StickyTime.AsUtc(start);
            End = StickyTime.AsUtc(end);
        }

        public string DeviceLikePattern { get; }

        public DateTime Start { get; }

        public DateTime End { get; }

        public override string ToString() => DeviceLikePattern + " [" + StickyTime.ToWire(Start) + ", " + StickyTime.ToWire(End) + ")";
    }
}
