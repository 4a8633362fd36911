using System.Collections.Generic;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Lists the projects the caller may see (global administrators: all; others: level Read or more).</summary>
    [Cmdlet(VerbsCommon.Get, "StickyProject", DefaultParameterSetName = NameSet)]
    [OutputType(typeof(StickyProject))]
    public sealed class GetStickyProjectCommand : StickyCmdlet
    {
        private const string NameSet = "Name";
        private const string IdSet = "Id";
        private readonly HashSet<long> _written = new HashSet<long>();

        [Parameter(Position = 0, ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ProjectNameCompleter))]
        public string[] Name { get; set; } = { "*" };

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
        // Named ProjectId (alias Id) so that rows carrying both an Id of their own and a ProjectId (permissions,
        // project series) bind their ProjectId by property name: PowerShell tries a parameter's name before its aliases.
        [Alias("Id")]
        public long[] ProjectId { get; set; }

        protected override void ProcessStickyRecord()
        {
            if (ParameterSetName == IdSet)
            {
                foreach (var id in ProjectId)
                {
                    Query(StickyProjectFilter.ById(id), id, "No project with id " + id + " (or none you may see).");
                }

                return;
            }

            foreach (var name in Name)
            {
                Query(StickyProjectFilter.ByName(DevicePattern.FromWildcard(name)), WildcardPattern.ContainsWildcardCharacters(name) ? null : name,
                    "No project named '" + name + "' (or none you may see).");
            }
        }

        private void Query(StickyProjectFilter filter, object mustExist, string notFound)
        {
            try
            {
                WriteDebug("Projects matching " + filter + ".");
                int n = 0;
                foreach (var project in ActiveConnection.Store.GetProjects(Caller, new[] { filter }))
                {
                    n++;
                    if (_written.Add(project.Id))
                    {
                        WriteObject(project);
                    }
                }

                if (n == 0 && mustExist != null)
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException(notFound), StickyUserErrorIds.ProjectNotFound, ErrorCategory.ObjectNotFound, mustExist));
                }
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, mustExist);
            }
        }
    }
}
