namespace StickyPi.Core.Model
{
    /// <summary>
    /// One project filter object (spec §3.7): a conjunction of the set fields; patterns use SQL LIKE (<c>%</c>, <c>_</c>,
    /// escape <c>\</c>, ASCII case-insensitive), as built by <see cref="DevicePattern.FromWildcard"/>. A filter with no field
    /// set matches every project. Several filters select the union.
    /// </summary>
    public sealed class StickyProjectFilter
    {
        public long? Id { get; set; }

        public string NameLike { get; set; }

        public string DescriptionLike { get; set; }

        public string NotesLike { get; set; }

        public static StickyProjectFilter All => new StickyProjectFilter();

        public static StickyProjectFilter ById(long id) => new StickyProjectFilter { Id = id };

        public static StickyProjectFilter ByName(string nameLike) => new StickyProjectFilter { NameLike = nameLike };

        public override string ToString() =>
            "{" + (Id != null ? " id=" + Id : string.Empty) + (NameLike != null ? " name LIKE '" + NameLike + "'" : string.Empty) +
            (DescriptionLike != null ? " description LIKE '" + DescriptionLike + "'" : string.Empty) +
            (NotesLike != null ? " notes LIKE '" + NotesLike + "'" : string.Empty) + " }";
    }
}
