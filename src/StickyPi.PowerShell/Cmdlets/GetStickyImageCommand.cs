using System;
using System.Management.Automation;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gets images by device and capture time (upstream get_images).</summary>
    [Cmdlet(VerbsCommon.Get, "StickyImage")]
    [OutputType(typeof(StickyImage))]
    public sealed class GetStickyImageCommand : StickyCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Device { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public DateTime DateTime { get; set; }

        [Parameter]
        public ImageFileKind What { get; set; } = ImageFileKind.Metadata;

        protected override void ProcessRecord()
        {
            var key = new ImageKey(Device, DateTime);
            bool found = false;
            try
            {
                foreach (var image in ActiveConnection.Store.EnumerateImages(Caller, new[] { key }, What))
                {
                    found = true;
                    WriteObject(image);
                }
            }
            catch (StickyPiException ex)
            {
                // This key's row cannot be read; the other keys of the pipeline go on.
                WriteStickyError(ex, key.ToString());
                return;
            }

            if (!found)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"No image of device {Device} at {StickyTime.ToWire(DateTime)} is stored."),
                    "ImageNotFound", ErrorCategory.ObjectNotFound, key.ToString()));
            }
        }
    }
}
