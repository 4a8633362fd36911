using System;
using System.Collections;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Adds a series row (device and closed time window) to a project (upstream put_project_series, insert).</summary>
    [Cmdlet(VerbsCommon.Add, "StickyProjectSeries", SupportsShouldProcess = true)]
    [OutputType(typeof(ProjectSeriesRow))]
    public sealed class AddStickyProjectSeriesCommand : StickyCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("project_id")]
        public long ProjectId { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DeviceCompleter))]
        public string Device { get; set; }

        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("start_datetime", "StartDateTime")]
        public DateTime StartTime { get; set; }

        [Parameter(Mandatory = true, Position = 3, ValueFromPipelineByPropertyName = true)]
        [Alias("end_datetime", "EndDateTime")]
        public DateTime EndTime { get; set; }

        /// <summary>Values of the project's custom columns, by column name.</summary>
        [Parameter]
        public IDictionary Value { get; set; }

        protected override void ProcessStickyRecord()
        {
            var target = $"project {ProjectId}: {Device} {StartTime.ToUniversalTimeIfLocal():yyyy-MM-dd HH:mm:ss}..{EndTime.ToUniversalTimeIfLocal():yyyy-MM-dd HH:mm:ss}";
            if (!ShouldProcess(target, "Add project series"))
            {
                return;
            }

            try
            {
                var values = ProjectSeriesOutput.ToValues(Value);
                var row = ActiveConnection.Store.AddProjectSeries(Caller, ProjectId, Device, StartTime, EndTime, values);
                WriteObject(ProjectSeriesOutput.Wrap(row));
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, ex.Target ?? Device);
            }
        }
    }

    internal static class ProjectSeriesTimeExtensions
    {
        /// <summary>UTC as the store will take it (local times converted, unspecified taken as UTC).</summary>
        public static DateTime ToUniversalTimeIfLocal(this DateTime value) => StickyTime.AsUtc(value);
    }
}
