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
        private const int Batch = 256;
        private readonly List<ImageKey> _pending = new List<ImageKey>();

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
            // Piped keys are looked up in batches, one store query each, rather than one query per key.
            _pending.Add(new ImageKey(Device, DateTime));
            if (_pending.Count >= Batch)
            {
                Flush();
            }
        }

        protected override void EndStickyProcessing() => Flush();

        /// <summary>Looks up the pending keys and writes, in input order, each key's image(s) or an ImageNotFound error.</summary>
        private void Flush()
        {
            if (_pending.Count == 0)
            {
                return;
            }

            var keys = _pending.ToArray();
            _pending.Clear();
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
