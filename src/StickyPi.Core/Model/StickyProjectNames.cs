using System.Globalization;

namespace StickyPi.Core.Model
{
    /// <summary>Names derived from project ids; table names are built from the integer id only, never from input text.</summary>
    public static class StickyProjectNames
    {
        /// <summary><c>project_series_&lt;id&gt;</c>.</summary>
        public static string SeriesTable(long projectId) => "project_series_" + projectId.ToString(CultureInfo.InvariantCulture);
    }
}
