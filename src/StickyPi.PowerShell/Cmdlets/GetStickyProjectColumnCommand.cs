using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gets the columns of projects' series tables, built-in ones first, in table order (with their SQL types).</summary>
    [Cmdlet(VerbsCommon.Get, "StickyProjectColumn", DefaultParameterSetName = ProjectIdSet)]
    [OutputType(typeof(ProjectColumn))]
    public sealed class GetStickyProjectColumnCommand : ProjectsCmdlet
    {
        /// <summary>Column names or wildcard patterns (case is ignored); a name without wildcards that is not a column is an error.</summary>
        [Parameter(Position = 1)]
        [Alias("column_name")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Name { get; set; }

        protected override void ProcessProject(long projectId)
        {
            IReadOnlyList<ProjectColumn> columns;
            try
            {
                columns = ActiveConnection.Store.GetProjectColumns(Caller, projectId).ToList();
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, projectId);
                return;
            }

            var patterns = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            WriteObject(columns.Where(c => patterns.Any(p => p.IsMatch(c.Name))), enumerateCollection: true);
            foreach (var name in (Name ?? new string[0]).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
            {
                if (!columns.Any(c => string.Equals(c.Name, name, System.StringComparison.OrdinalIgnoreCase)))
                {
                    WriteStickyError(new StickyPiException(ProjectSeriesErrorIds.ProjectColumnNotFound, StickyErrorKind.NotFound,
                        "Project " + projectId + " has no column '" + name + "'.", name), name);
                }
            }
        }
    }
}
