using System.Management.Automation;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Deletes projects: the row, the series table and every permission on it (level Admin or a global administrator).</summary>
    [Cmdlet(VerbsCommon.Remove, "StickyProject", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(StickyProject))]
    public sealed class RemoveStickyProjectCommand : StickyCmdlet
    {
        private const string InputObjectSet = "InputObject";
        private const string IdSet = "Id";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        public StickyProject InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
        // Named ProjectId (alias Id) so that rows carrying both an Id of their own and a ProjectId (permissions,
        // project series) bind their ProjectId by property name: PowerShell tries a parameter's name before its aliases.
        [Alias("Id")]
        public long[] ProjectId { get; set; }

        /// <summary>Output the deleted projects.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessStickyRecord()
        {
            if (ParameterSetName == InputObjectSet)
            {
                Remove(InputObject.Id, InputObject.ToString(), InputObject);
                return;
            }

            foreach (var id in ProjectId)
            {
                Remove(id, "project " + id, id);
            }
        }

        private void Remove(long id, string label, object target)
        {
            if (!ShouldProcess(label, "Remove the project, its series table and its permissions"))
            {
                return;
            }

            try
            {
                var deleted = ActiveConnection.Store.DeleteProject(Caller, id);
                if (PassThru)
                {
                    WriteObject(deleted);
                }
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, target);
            }
        }
    }
}
