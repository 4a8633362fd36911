using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell
{
    /// <summary>
    /// A cmdlet that reads something of each of several projects, named by id (or piped project objects) or by one
    /// project name: the parameters and the name resolution, with a project that cannot be resolved reported for itself.
    /// </summary>
    public abstract class ProjectsCmdlet : StickyCmdlet
    {
        protected const string ProjectIdSet = "ProjectId";
        protected const string ProjectNameSet = "ProjectName";

        /// <summary>Project ids; project objects (Get-StickyProject) bind through their ProjectId property.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ProjectIdSet)]
        [Alias("project_id")]
        public long[] ProjectId { get; set; }

        /// <summary>A project name, matched exactly (case-sensitive); several readable projects with that name is an error.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ProjectNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProjectNameCompleter))]
        public string Project { get; set; }

        protected sealed override void ProcessStickyRecord()
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

                ProcessProject(id);
                return;
            }

            foreach (var id in ProjectId)
            {
                ProcessProject(id);
            }
        }

        /// <summary>Does the cmdlet's work for one project (errors for that project are the cmdlet's to report).</summary>
        protected abstract void ProcessProject(long projectId);
    }
}
