using System;
using System.Collections.Generic;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gets UID annotations of images, or of a device series (upstream get_uid_annotations[_series]).</summary>
    [Cmdlet(VerbsCommon.Get, "UidAnnotation", DefaultParameterSetName = ImageSet)]
    [OutputType(typeof(UidAnnotation))]
    public sealed class GetUidAnnotationCommand : StickyCmdlet
    {
        private const string ImageSet = "Image";
        private const string SeriesSet = "Series";
        private const int Chunk = 256;
        private readonly List<ImageKey> _keys = new List<ImageKey>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ImageSet)]
        [Parameter(Position = 0, ParameterSetName = SeriesSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DeviceCompleter))]
        public string Device { get; set; } = "*";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ImageSet)]
        public DateTime DateTime { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = SeriesSet)]
        [Alias("start_datetime", "StartDateTime")]
        public DateTime StartTime { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = SeriesSet)]
        [Alias("end_datetime", "EndDateTime")]
        public DateTime EndTime { get; set; }

        /// <summary>Include the stored annotation JSON.</summary>
        [Parameter]
        public SwitchParameter IncludeData { get; set; }

        protected override void ProcessStickyRecord()
        {
            if (ParameterSetName == SeriesSet)
            {
                var query = new ImageSeriesQuery(DevicePattern.FromWildcard(Device), StartTime, EndTime);
                WriteObject(ActiveConnection.Store.GetUidAnnotationSeries(Caller, query, IncludeData), enumerateCollection: true);
                return;
            }

            // Piped images are looked up in chunks rather than one query each.
            _keys.Add(new ImageKey(Device, DateTime));
            if (_keys.Count >= Chunk)
            {
                Flush();
            }
        }

        protected override void EndStickyProcessing() => Flush();

        private void Flush()
        {
            if (_keys.Count == 0)
            {
                return;
            }

            var keys = _keys.ToArray();
            _keys.Clear();
            WriteObject(ActiveConnection.Store.GetUidAnnotations(Caller, keys, IncludeData), enumerateCollection: true);
        }
    }
}
