using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Removes users' permissions on a project (level Admin on the project or a global administrator).</summary>
    [Cmdlet(VerbsSecurity.Revoke, "StickyProjectPermission", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ProjectSet)]
    [OutputType(typeof(ProjectPermission))]
    public sealed class RevokeStickyProjectPermissionCommand : StickyCmdlet
    {
        private const string ProjectSet = GrantStickyProjectPermissionCommand.ProjectSet;
        private const string ProjectIdSet = GrantStickyProjectPermissionCommand.ProjectIdSet;

        /// <summary>The project's name, or its id.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ProjectSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProjectNameCompleter))]
        public string Project { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ProjectIdSet)]
        public long ProjectId { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(UserNameCompleter))]
        public string[] UserName { get; set; }

        /// <summary>Output the removed permission rows.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

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
                if (!ShouldProcess($"{user} on project {id}", "Revoke the permission"))
                {
                    continue;
                }

                try
                {
                    var removed = ActiveConnection.Store.DeleteProjectPermission(Caller, id, user);
                    if (PassThru)
                    {
                        WriteObject(removed);
                    }
                }
                catch (StickyPiException ex)
                {
                    WriteStickyError(ex, ex.ErrorId == StickyUserErrorIds.UserNotFound || ex.ErrorId == StickyUserErrorIds.PermissionNotFound ? (object)user : Project ?? (object)id);
                }
            }
        }
    }
}
