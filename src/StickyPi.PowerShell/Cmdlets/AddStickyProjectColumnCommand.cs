using System.Management.Automation;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Adds a custom column to a project's series table (upstream put_project_columns with a type).</summary>
    [Cmdlet(VerbsCommon.Add, "StickyProjectColumn", SupportsShouldProcess = true)]
    [OutputType(typeof(ProjectColumn))]
    public sealed class AddStickyProjectColumnCommand : StickyCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("project_id")]
        public long ProjectId { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        [Alias("column_name")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary>A MariaDB type: TINYINT..BIGINT, BOOLEAN, FLOAT, DOUBLE, DECIMAL(p,s), CHAR(n), VARCHAR(n), DATETIME or TEXT (see ProjectColumnType).</summary>
        [Parameter(Mandatory = true, Position = 2)]
        [Alias("column_SQL_type")]
        [ValidateNotNullOrEmpty]
        public string Type { get; set; }

        protected override void ProcessStickyRecord()
        {
            try
            {
                var type = ProjectColumnType.Parse(Type);
                if (!ShouldProcess($"project {ProjectId}", $"Add column {Name} {type.SqlType}"))
                {
                    return;
                }

                WriteObject(ActiveConnection.Store.AddProjectColumn(Caller, ProjectId, Name, type));
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, ex.Target ?? Name);
            }
        }
    }
}
