using System;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gets the tiled tuboids of the series within a closed time window (upstream get_tiled_tuboid_series).</summary>
    [Cmdlet(VerbsCommon.Get, "StickyTuboid")]
    [OutputType(typeof(TiledTuboid), typeof(LabelledTiledTuboid))]
    public sealed class GetStickyTuboidCommand : StickyCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TuboidDeviceCompleter))]
        public string Device { get; set; } = "*";

        /// <summary>Series that start at or after this time (UTC).</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("start_datetime", "StartDateTime")]
        public DateTime StartTime { get; set; } = DateTime.MinValue;

        /// <summary>Series that end at or before this time (UTC).</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("end_datetime", "EndDateTime")]
        public DateTime EndTime { get; set; } = DateTime.MaxValue;

        /// <summary>Set TuboidFile, MetadataFile and ContextFile (upstream what=data).</summary>
        [Parameter]
        public SwitchParameter IncludeFile { get; set; }

        /// <summary>Join the ITC labels: one row per tuboid and label.</summary>
        [Parameter]
        public SwitchParameter WithLabel { get; set; }

        protected override void ProcessStickyRecord()
        {
            var query = new TuboidQuery(DevicePattern.FromWildcard(Device), StartTime, EndTime);
            WriteDebug($"Tuboid series query: {query}");
            try
            {
                if (WithLabel)
                {
                    WriteObject(ActiveConnection.Store.GetTiledTuboidSeriesWithItcLabels(Caller, query, IncludeFile), enumerateCollection: true);
                }
                else
                {
                    WriteObject(ActiveConnection.Store.GetTiledTuboidSeries(Caller, query, IncludeFile), enumerateCollection: true);
                }
            }
            catch (StickyPiException ex)
            {
                ThrowStickyError(ex, query.ToString());
            }
        }
    }
}
