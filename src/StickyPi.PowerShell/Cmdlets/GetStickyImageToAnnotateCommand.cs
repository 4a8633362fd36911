using System;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>
    /// Reserves and gets up to 8 images that still need annotating by an algorithm (upstream get_images_to_annotate).
    /// The reservation lasts 6 hours, so parallel workers never get the same image.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "StickyImageToAnnotate")]
    [OutputType(typeof(StickyImage))]
    public sealed class GetStickyImageToAnnotateCommand : StickyCmdlet
    {
        [Parameter(Mandatory = true)]
        [Alias("algo_name")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AlgoNameCompleter))]
        public string AlgoName { get; set; }

        [Parameter(Mandatory = true)]
        [Alias("algo_version")]
        [ValidateNotNullOrEmpty]
        public string AlgoVersion { get; set; }

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

        protected override void ProcessStickyRecord()
        {
            var query = new ImageSeriesQuery(DevicePattern.FromWildcard(Device), StartTime, EndTime);
            WriteDebug($"Images to annotate for {AlgoName} {AlgoVersion}: {query}");
            try
            {
                var images = ActiveConnection.Store.GetImagesToAnnotate(Caller, AlgoName, AlgoVersion, query, What);
                WriteVerbose($"Reserved {images.Count} image(s) for {AlgoName} {AlgoVersion} for 6 hours.");
                WriteObject(images, enumerateCollection: true);
            }
            catch (StickyPiException ex)
            {
                ThrowStickyError(ex, query.ToString());
            }
        }
    }
}
