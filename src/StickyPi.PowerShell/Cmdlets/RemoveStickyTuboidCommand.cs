using System;
using System.Collections.Generic;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>
    /// Deletes whole tuboid series (upstream delete_tiled_tuboids): the series, its tuboids, their ITC labels and files.
    /// Tuboids piped from Get-StickyTuboid select their series (once per series).
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "StickyTuboid", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(TuboidSeries))]
    public sealed class RemoveStickyTuboidCommand : StickyCmdlet
    {
        private readonly HashSet<string> _done = new HashSet<string>(StringComparer.Ordinal);

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DeviceSeries", "device_series")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TuboidDeviceCompleter))]
        public string Device { get; set; }

        /// <summary>Series that start at or after this time (UTC).</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("StartDateTimeSeries", "start_datetime_series")]
        public DateTime SeriesStartDateTime { get; set; } = DateTime.MinValue;

        /// <summary>Series that end at or before this time (UTC).</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("EndDateTimeSeries", "end_datetime_series")]
        public DateTime SeriesEndDateTime { get; set; } = DateTime.MaxValue;

        /// <summary>Only series of this algorithm.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AlgoNameSeries", "algo_name_series")]
        [ArgumentCompleter(typeof(AlgoNameCompleter))]
        public string AlgoName { get; set; }

        /// <summary>Only series of this algorithm version.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AlgoVersionSeries", "algo_version_series")]
        public string AlgoVersion { get; set; }

        /// <summary>Output the deleted series rows.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessStickyRecord()
        {
            var query = new TuboidQuery(DevicePattern.FromWildcard(Device), SeriesStartDateTime, SeriesEndDateTime, AlgoName, AlgoVersion);
            string key = query.ToString();
            if (!_done.Add(key))
            {
                return; // another tuboid of a series already handled
            }

            string what = $"Tuboid series of {Device} within {StickyTime.ToWire(SeriesStartDateTime)} .. {StickyTime.ToWire(SeriesEndDateTime)}" +
                          (string.IsNullOrEmpty(AlgoName) ? string.Empty : $" ({AlgoName} {AlgoVersion})".TrimEnd());
            if (!ShouldProcess(what, "Remove the series, its tuboids, their ITC labels and files"))
            {
                return;
            }

            IReadOnlyList<TuboidSeries> deleted;
            try
            {
                deleted = ActiveConnection.Store.DeleteTiledTuboids(Caller, query);
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, key);
                return;
            }

            WriteVerbose($"Removed {deleted.Count} tuboid series matching {key}.");
            if (deleted.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(Device))
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"No tuboid series matches {what}."),
                    "TuboidSeriesNotFound", ErrorCategory.ObjectNotFound, key));
            }

            if (PassThru)
            {
                WriteObject(deleted, enumerateCollection: true);
            }
        }
    }
}
