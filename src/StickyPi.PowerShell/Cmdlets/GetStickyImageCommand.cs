using System;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gets images by device and capture time (upstream get_images).</summary>
    [Cmdlet(VerbsCommon.Get, "StickyImage")]
    [OutputType(typeof(StickyImage))]
    public sealed class GetStickyImageCommand : StickyCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DeviceCompleter))]
        public string Device { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public DateTime DateTime { get; set; }

        [Parameter]
        public ImageFileKind What { get; set; } = ImageFileKind.Metadata;

        protected override void ProcessStickyRecord()
        {
            var key = new ImageKey(Device, DateTime);
            var found = ActiveConnection.Store.GetImages(Caller, new[] { key }, What);
            if (found.Count == 0)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"No image of device {Device} at {StickyTime.ToWire(DateTime)} is stored."),
                    "ImageNotFound", ErrorCategory.ObjectNotFound, key.ToString()));
                return;
            }

            WriteObject(found, enumerateCollection: true);
        }
    }
}
