using System;

namespace StickyPi.Core.Model
{
    /// <summary>A row of <c>uid_annotations</c> (spec §2.3), with the parent image's key for convenience.</summary>
    public sealed class UidAnnotation
    {
        public long? Id { get; set; }

        public long ParentImageId { get; set; }

        /// <summary>Device of the parent image (not a column; joined for piping and display).</summary>
        public string Device { get; set; }

        /// <summary>Capture time of the parent image, UTC (not a column).</summary>
        public DateTime DateTime { get; set; }

        public string AlgoName { get; set; }

        public string AlgoVersion { get; set; }

        public int NObjects { get; set; }

        /// <summary>The stored item as JSON text; null when only metadata was asked for (upstream drops the key).</summary>
        public string Json { get; set; }

        public DateTime DateTimeCreated { get; set; }

        public string ApiVersion { get; set; }

        public long? ApiUserId { get; set; }

        public override string ToString() => Device + "." + DateTime.ToString(StickyTime.FileNameFormat, System.Globalization.CultureInfo.InvariantCulture) + " " + AlgoName + "/" + AlgoVersion;
    }
}
