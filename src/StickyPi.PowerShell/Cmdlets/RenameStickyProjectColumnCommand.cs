using System.Management.Automation;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Renames a custom column of a project's series table (upstream put_project_columns with old_column_name).</summary>
    [Cmdlet(VerbsCommon.Rename, "StickyProjectColumn", SupportsShouldProcess = true)]
    [OutputType(typeof(ProjectColumn))]
    public sealed class RenameStickyProjectColumnCommand : StickyCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("project_id")]
        public long ProjectId { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        [Alias("old_column_name")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Mandatory = true, Position = 2)]
        [Alias("column_name")]
        [ValidateNotNullOrEmpty]
        public string NewName { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessStickyRecord()
        {
            if (!ShouldProcess($"project {ProjectId}, column {Name}", $"Rename to {NewName}"))
            {
                return;
            }

            try
            {
                var column = ActiveConnection.Store.RenameProjectColumn(Caller, ProjectId, Name, NewName);
                if (PassThru)
                {
                    WriteObject(column);
                }
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, ex.Target ?? Name);
            }
        }
    }
}
