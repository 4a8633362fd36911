using System;

namespace StickyPi.Core.Model
{
    /// <summary>The fields of an insect identification (ITC) label (spec §2.7, §3.5), as submitted and as stored.</summary>
    public abstract class ItcLabelFields
    {
        /// <summary>The tuboid's directory name (a stored row's parent, joined).</summary>
        public string TuboidId { get; set; }

        public string AlgoName { get; set; }

        public string AlgoVersion { get; set; }

        public int Label { get; set; }

        /// <summary>Taxonomy regular expression.</summary>
        public string Pattern { get; set; }

        /// <summary>Pre-taxonomic type.</summary>
        public string Type { get; set; }

        public string Order { get; set; }

        public string Family { get; set; }

        public string Genus { get; set; }

        public string Species { get; set; }

        /// <summary>Copies the label fields of another label.</summary>
        public void CopyLabelFrom(ItcLabelFields other)
        {
            TuboidId = other.TuboidId;
            AlgoName = other.AlgoName;
            AlgoVersion = other.AlgoVersion;
            Label = other.Label;
            Pattern = other.Pattern;
            Type = other.Type;
            Order = other.Order;
            Family = other.Family;
            Genus = other.Genus;
            Species = other.Species;
        }
    }

    /// <summary>A row of <c>itc_labels</c> (spec §2.7), with the parent tuboid's <c>TuboidId</c> for piping and display.</summary>
    public sealed class ItcLabel : ItcLabelFields
    {
        public long? Id { get; set; }

        public long ParentTuboidId { get; set; }

        public DateTime DateTimeCreated { get; set; }

        public string ApiVersion { get; set; }

        public long? ApiUserId { get; set; }

        public override string ToString() => TuboidId + " " + AlgoName + "/" + AlgoVersion + ": " + Label;
    }

    /// <summary>One ITC label to store (upstream <c>put_itc_labels</c> item, spec §3.5).</summary>
    public sealed class ItcLabelSubmission : ItcLabelFields
    {
        /// <summary>Throws <c>InvalidItcLabel</c> when a required field is empty or a field is longer than upstream's column.</summary>
        public void Validate()
        {
            Check(TuboidId, "tuboid_id", 100, true);
            Check(AlgoName, "algo_name", 32, true);
            Check(AlgoVersion, "algo_version", 46, true);
            Check(Pattern, "pattern", 128, true);
            Check(Type, "type", 32, true);
            Check(Order, "order", 32, false);
            Check(Family, "family", 32, false);
            Check(Genus, "genus", 32, false);
            Check(Species, "species", 32, false);
        }

        public override string ToString() => TuboidId + " " + AlgoName + "/" + AlgoVersion + ": " + Label;

        private void Check(string value, string field, int max, bool required)
        {
            if (required && string.IsNullOrEmpty(value))
            {
                throw new StickyPiException(TuboidErrorIds.InvalidItcLabel, StickyErrorKind.InvalidArgument,
                    "ITC label " + this + ": " + field + " is required.", TuboidId);
            }

            if (value != null && value.Length > max)
            {
                throw new StickyPiException(TuboidErrorIds.InvalidItcLabel, StickyErrorKind.InvalidArgument,
                    "ITC label " + this + ": " + field + " is longer than " + max + " characters.", TuboidId);
            }
        }
    }
}
