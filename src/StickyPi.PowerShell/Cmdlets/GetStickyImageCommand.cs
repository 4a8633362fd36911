using System;
using System.Collections.Generic;
using System.Management.Automation;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gets images by device and capture time (upstream get_images).</summary>
    [Cmdlet(VerbsCommon.Get, "StickyImage")]
    [OutputType(typeof(StickyImage))]
    public sealed class GetStickyImageCommand : StickyCmdlet
    {
        private readonly PipedKeyBatch _keys;

        public GetStickyImageCommand()
        {
            _keys = new PipedKeyBatch(256, WriteImages);
        }

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
            _keys.Add(new ImageKey(Device, DateTime));
        }

        protected override void EndStickyProcessing() => _keys.Flush();

        /// <summary>Looks up a batch of keys and writes, in input order, each key's image(s) or an ImageNotFound error.</summary>
        private void WriteImages(ImageKey[] keys)
        {
            var found = new Dictionary<ImageKey, List<StickyImage>>();
            try
            {
                foreach (var image in ActiveConnection.Store.GetImages(Caller, keys, What))
                {
                    if (!found.TryGetValue(image.Key, out var list))
                    {
                        found.Add(image.Key, list = new List<StickyImage>(1));
                    }

                    list.Add(image);
                }
            }
            catch (StickyPiException ex) when (!(ex is AccessDeniedException))
            {
                // These keys' rows cannot be read; later batches of the pipeline go on.
                WriteStickyError(ex, keys.Length == 1 ? keys[0].ToString() : keys.Length + " images from " + keys[0]);
                return;
            }

            foreach (var key in keys)
            {
                if (found.TryGetValue(key, out var images))
                {
                    WriteObject(images, enumerateCollection: true);
                }
                else
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException($"No image of device {key.Device} at {StickyTime.ToWire(key.DateTime)} is stored."),
                        "ImageNotFound", ErrorCategory.ObjectNotFound, key.ToString()));
                }
            }
        }
    }
}
