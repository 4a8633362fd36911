using System;
using System.Collections.Generic;
using System.Globalization;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// One row of a project's series table <c>project_series_&lt;id&gt;</c> (spec §2.11): a device and a closed time
    /// window, plus the project's user-defined columns in <see cref="Columns"/>.
    /// </summary>
    public sealed class ProjectSeriesRow
    {
        private static readonly IReadOnlyDictionary<string, object> NoColumns =
            new System.Collections.ObjectModel.ReadOnlyDictionary<string, object>(new Dictionary<string, object>());

        /// <summary>The project the row belongs to (not a column of the table; upstream's request key <c>project_id</c>).</summary>
        public long ProjectId { get; set; }

        /// <summary>The row id within the project's table.</summary>
        public long Id { get; set; }

        public string Device { get; set; }

        /// <summary>Start of the window (UTC, whole seconds), included.</summary>
        public DateTime StartDateTime { get; set; }

        /// <summary>End of the window (UTC, whole seconds), included upstream (the windows are closed).</summary>
        public DateTime EndDateTime { get; set; }

        /// <summary>
        /// The user-defined columns in table order, by name (case-insensitive), typed by their declared SQL type:
        /// long (integer types), double (DOUBLE, FLOAT), decimal (DECIMAL(p,s), exact), string (CHAR, VARCHAR, TEXT),
        /// DateTime UTC (DATETIME), bool (BOOLEAN);
        /// null for NULL. Columns of other declared types keep SQLite's value.
        /// </summary>
        public IReadOnlyDictionary<string, object> Columns { get; set; } = NoColumns;

        public override string ToString() =>
            string.Format(CultureInfo.InvariantCulture, "{0} {1:yyyy-MM-dd HH:mm:ss}..{2:yyyy-MM-dd HH:mm:ss}", Device, StartDateTime, EndDateTime);
    }
}
