using System;
using System.Management.Automation;
using StickyPi.Core.Access;
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
            // Each object is written as its row is read; Select-Object -First or Ctrl+C ends the foreach, which
            // disposes the enumerator and so closes the reader and its connection.
            var store = ActiveConnection.Store;
            try
            {
                if (WithAnnotation)
                {
                    foreach (var row in store.GetImagesWithUidAnnotationSeries(Caller, query, What, includeJson: false))
                    {
                        WriteObject(row);
                    }
                }
                else
                {
                    foreach (var image in store.GetImageSeries(Caller, query, What))
                    {
                        WriteObject(image);
                    }
                }
            }
            catch (StickyPiException ex) when (!(ex is AccessDeniedException))
            {
                // An unreadable catalog row ends the query (after the rows before it were written).
                ThrowTerminatingError(ToErrorRecord(ex, query.ToString()));
            }
        }
    }
}
