using System.Management.Automation;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Deletes project series rows (upstream delete_project_series); -PassThru writes the deleted rows.</summary>
    [Cmdlet(VerbsCommon.Remove, "StickyProjectSeries", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(ProjectSeriesRow))]
    public sealed class RemoveStickyProjectSeriesCommand : StickyCmdlet
    {
        private const string InputObjectSet = "InputObject";
        private const string IdSet = "Id";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        public ProjectSeriesRow InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet)]
        [Alias("project_id")]
        public long ProjectId { get; set; }

        /// <summary>Row ids within the project (not project ids).</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = IdSet)]
        public long[] Id { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessStickyRecord()
        {
            if (ParameterSetName == InputObjectSet)
            {
                Remove(InputObject.ProjectId, InputObject.Id, ProjectSeriesOutput.Describe(InputObject), InputObject);
                return;
            }

            foreach (var id in Id)
            {
                Remove(ProjectId, id, $"project {ProjectId}, series {id}", id);
            }
        }

        private void Remove(long projectId, long id, string target, object errorTarget)
        {
            if (!ShouldProcess(target, "Remove project series"))
            {
                return;
            }

            try
            {
                var row = ActiveConnection.Store.DeleteProjectSeries(Caller, projectId, id);
                if (PassThru)
                {
                    WriteObject(ProjectSeriesOutput.Wrap(row));
                }
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, errorTarget);
            }
        }
    }
}
