using System.Management.Automation;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Drops custom columns, and their values, from a project's series table (upstream delete_project_columns).</summary>
    [Cmdlet(VerbsCommon.Remove, "StickyProjectColumn", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(ProjectColumn))]
    public sealed class RemoveStickyProjectColumnCommand : StickyCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("project_id")]
        public long ProjectId { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        [Alias("column_name")]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessStickyRecord()
        {
            foreach (var name in Name)
            {
                if (!ShouldProcess($"project {ProjectId}, column {name}", "Remove the column and all its values"))
                {
                    continue;
                }

                try
                {
                    var column = ActiveConnection.Store.RemoveProjectColumn(Caller, ProjectId, name);
                    if (PassThru)
                    {
                        WriteObject(column);
                    }
                }
                catch (StickyPiException ex)
                {
                    WriteStickyError(ex, ex.Target ?? name);
                }
            }
        }
    }
}
