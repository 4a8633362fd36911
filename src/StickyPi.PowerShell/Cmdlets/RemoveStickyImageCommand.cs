using System;
using System.Collections.Generic;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Deletes images: catalog rows, their UID annotations and their three files, together.</summary>
    [Cmdlet(VerbsCommon.Remove, "StickyImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(StickyImage))]
    public sealed class RemoveStickyImageCommand : StickyCmdlet
    {
        private const string InputObjectSet = "InputObject";
        private const string KeySet = "Key";
        private readonly PipedKeyBatch _keys;

        public RemoveStickyImageCommand()
        {
            _keys = new PipedKeyBatch(64, Delete);
        }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        public StickyImage InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = KeySet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DeviceCompleter))]
        public string Device { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = KeySet)]
        public DateTime DateTime { get; set; }

        /// <summary>Output the deleted rows.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessStickyRecord()
        {
            var key = ParameterSetName == InputObjectSet ? InputObject.Key : new ImageKey(Device, DateTime);
            if (!ShouldProcess(key.FileName, "Remove the image, its thumbnails and its UID annotations"))
            {
                return;
            }

            _keys.Add(key);
        }

        protected override void EndStickyProcessing() => _keys.Flush();

        /// <summary>Deletes a batch of keys in one store call; a key that was not stored is an ImageNotFound error.</summary>
        private void Delete(ImageKey[] keys)
        {
            IReadOnlyList<StickyImage> deleted;
            try
            {
                deleted = ActiveConnection.Store.DeleteImages(Caller, keys);
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, ex.Target);
                return;
            }

            var found = new HashSet<ImageKey>();
            foreach (var row in deleted)
            {
                found.Add(row.Key);
                if (PassThru)
                {
                    WriteObject(row);
                }
            }

            foreach (var key in keys)
            {
                if (!found.Contains(key))
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException($"No image {key.FileName} is stored."),
                        "ImageNotFound", ErrorCategory.ObjectNotFound, key.ToString()));
                }
            }
        }
    }
}
