using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gets the columns of projects' series tables, built-in ones first, in table order (with their SQL types).</summary>
    [Cmdlet(VerbsCommon.Get, "StickyProjectColumn", DefaultParameterSetName = ProjectIdSet)]
    [OutputType(typeof(ProjectColumn))]
    public sealed class GetStickyProjectColumnCommand : StickyCmdlet
    {
        private const string ProjectIdSet = "ProjectId";
        private const string ProjectNameSet = "ProjectName";

        /// <summary>Project ids; project objects (Get-StickyProject) bind through their ProjectId property.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ProjectIdSet)]
        [Alias("project_id")]
        public long[] ProjectId { get; set; }

        /// <summary>A project name, matched exactly (case-sensitive); several readable projects with that name is an error.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ProjectNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProjectNameCompleter))]
        public string Project { get; set; }

        /// <summary>Column names or wildcard patterns (case is ignored); a name without wildcards that is not a column is an error.</summary>
        [Parameter(Position = 1)]
        [Alias("column_name")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Name { get; set; }

        protected override void ProcessStickyRecord()
        {
            if (ParameterSetName == ProjectNameSet)
            {
                long id;
                try
                {
                    id = ActiveConnection.Store.ResolveProjectId(Caller, Project);
                }
                catch (StickyPiException ex)
                {
                    WriteStickyError(ex, Project);
                    return;
                }

                WriteColumns(id);
                return;
            }

            foreach (var id in ProjectId)
            {
                WriteColumns(id);
            }
        }

        private void WriteColumns(long projectId)
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
