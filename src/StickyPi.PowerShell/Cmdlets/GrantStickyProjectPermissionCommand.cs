using System.Management.Automation;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gives users a level on a project, or changes the level they hold (level Admin on the project or a global administrator).</summary>
    [Cmdlet(VerbsSecurity.Grant, "StickyProjectPermission", SupportsShouldProcess = true, DefaultParameterSetName = ProjectSet)]
    [OutputType(typeof(ProjectPermission))]
    public sealed class GrantStickyProjectPermissionCommand : StickyCmdlet
    {
        internal const string ProjectSet = "Project";
        internal const string ProjectIdSet = "ProjectId";

        /// <summary>The project's name, or its id.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ProjectSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProjectNameCompleter))]
        public string Project { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ProjectIdSet)]
        [Alias("Id")]
        public long ProjectId { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(UserNameCompleter))]
        public string[] UserName { get; set; }

        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Read", "ReadWrite", "Admin", IgnoreCase = true)]
        public ProjectLevel Level { get; set; }

        protected override void ProcessStickyRecord()
        {
            long id;
            try
            {
                id = ParameterSetName == ProjectSet ? ActiveConnection.Store.ResolveProjectId(Caller, Project) : ProjectId;
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, Project);
                return;
            }

            foreach (var user in UserName)
            {
                if (!ShouldProcess($"{user} on project {id}", $"Grant level {Level}"))
                {
                    continue;
                }

                try
                {
                    WriteObject(ActiveConnection.Store.PutProjectPermission(Caller, id, user, (int)Level));
                }
                catch (StickyPiException ex)
                {
                    WriteStickyError(ex, ex.Kind == StickyErrorKind.NotFound && ex.ErrorId == StickyUserErrorIds.UserNotFound ? (object)user : Project ?? (object)id);
                }
            }
        }
    }
}
