using System;

namespace StickyPi.Core.Model
{
    /// <summary>A row of the <c>projects</c> table (spec §2.9).</summary>
    public sealed class StickyProject
    {
        public long Id { get; set; }

        /// <summary>Same as <see cref="Id"/>, so a project pipes into parameters named ProjectId by property name.</summary>
        public long ProjectId => Id;

        public string Name { get; set; }

        public string Description { get; set; }

        public string Notes { get; set; }

        /// <summary>When the row was created (UTC).</summary>
        public DateTime DateTimeCreated { get; set; }

        public string ApiVersion { get; set; }

        /// <summary>Id of the user who created the project, or null (local administrator).</summary>
        public long? ApiUserId { get; set; }

        /// <summary>Name of the project's series table, <c>project_series_&lt;id&gt;</c> (spec §2.11).</summary>
        public string SeriesTableName => StickyProjectNames.SeriesTable(Id);

        public override string ToString() => Name + " (" + Id + ")";
    }
}
