using System.Management.Automation;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Creates a project and its series table; the caller (a stored user) gets level Admin on it.</summary>
    [Cmdlet(VerbsCommon.New, "StickyProject", SupportsShouldProcess = true)]
    [OutputType(typeof(StickyProject))]
    public sealed class NewStickyProjectCommand : StickyCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string Description { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Notes { get; set; }

        protected override void ProcessStickyRecord()
        {
            if (!ShouldProcess(Name, "Create project"))
            {
                return;
            }

            try
            {
                WriteObject(ActiveConnection.Store.AddProject(Caller, Name, string.IsNullOrEmpty(Description) ? null : Description, string.IsNullOrEmpty(Notes) ? null : Notes));
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, Name);
            }
        }
    }
}
