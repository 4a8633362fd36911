using System;
using System.Collections.Generic;
using System.Management.Automation;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gets the ITC labels of tuboids (upstream _get_itc_labels); unknown tuboid ids give nothing.</summary>
    [Cmdlet(VerbsCommon.Get, "ItcLabel")]
    [OutputType(typeof(ItcLabel))]
    public sealed class GetItcLabelCommand : StickyCmdlet
    {
        private readonly List<string> _ids = new List<string>();
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("tuboid_id")]
        [ValidateNotNullOrEmpty]
        public string[] TuboidId { get; set; }

        protected override void ProcessStickyRecord()
        {
            foreach (var id in TuboidId)
            {
                if (_seen.Add(id))
                {
                    _ids.Add(id);
                }
            }
        }

        protected override void EndStickyProcessing()
        {
            if (_ids.Count == 0)
            {
                return;
            }

            try
            {
                WriteObject(ActiveConnection.Store.GetItcLabels(Caller, _ids), enumerateCollection: true);
            }
            catch (StickyPiException ex)
            {
                ThrowStickyError(ex, null);
            }
        }
    }
}
