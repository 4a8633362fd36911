using System;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gets the images of devices in a half-open time window (upstream get_image_series).</summary>
    [Cmdlet(VerbsCommon.Get, "StickySeries")]
    [OutputType(typeof(StickyImage), typeof(StickyAnnotatedImage))]
    public sealed class GetStickySeriesCommand : StickyCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DeviceCompleter))]
        public string Device { get; set; } = "*";

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("start_datetime", "StartDateTime")]
        public DateTime StartTime { get; set; } = DateTime.MinValue;

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("end_datetime", "EndDateTime")]
        public DateTime EndTime { get; set; } = DateTime.MaxValue;

        [Parameter]
        public ImageFileKind What { get; set; } = ImageFileKind.Metadata;

        /// <summary>Join the UID annotations: one row per image and annotation.</summary>
        [Parameter]
        public SwitchParameter WithAnnotation { get; set; }

        protected override void ProcessStickyRecord()
        {
            var query = new ImageSeriesQuery(DevicePattern.FromWildcard(Device), StartTime, EndTime);
            WriteDebug($"Series query: {query}");
            if (WithAnnotation)
            {
                WriteObject(ActiveConnection.Store.GetImagesWithUidAnnotationSeries(Caller, query, What, includeJson: false), enumerateCollection: true);
            }
            else
            {
                WriteObject(ActiveConnection.Store.GetImageSeries(Caller, query, What), enumerateCollection: true);
            }
        }
    }
}
