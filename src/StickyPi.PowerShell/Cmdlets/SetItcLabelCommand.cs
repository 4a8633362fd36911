using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>
    /// Stores ITC labels of tuboids (upstream put_itc_labels): one label per input, each stored on its own; a label
    /// that cannot be stored (unknown tuboid, duplicate) is a non-terminating error.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "ItcLabel", SupportsShouldProcess = true)]
    [OutputType(typeof(ItcLabel))]
    public sealed class SetItcLabelCommand : StickyCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("tuboid_id")]
        [ValidateNotNullOrEmpty]
        public string TuboidId { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("algo_name")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AlgoNameCompleter))]
        public string AlgoName { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("algo_version")]
        [ValidateNotNullOrEmpty]
        public string AlgoVersion { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public int Label { get; set; }

        /// <summary>Taxonomy regular expression.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Pattern { get; set; }

        /// <summary>Pre-taxonomic type.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Type { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Order { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Family { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Genus { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Species { get; set; }

        protected override void ProcessStickyRecord()
        {
            var item = new ItcLabelSubmission
            {
                TuboidId = TuboidId,
                AlgoName = AlgoName,
                AlgoVersion = AlgoVersion,
                Label = Label,
                Pattern = Pattern,
                Type = Type,
                Order = NullIfEmpty(Order),
                Family = NullIfEmpty(Family),
                Genus = NullIfEmpty(Genus),
                Species = NullIfEmpty(Species),
            };
            if (!ShouldProcess(TuboidId, $"Store ITC label {Label} ({Type}) of {AlgoName} {AlgoVersion}"))
            {
                return;
            }

            try
            {
                foreach (var result in ActiveConnection.Store.PutItcLabels(Caller, new[] { item }))
                {
                    if (result.Succeeded)
                    {
                        WriteObject(result.Label);
                    }
                    else
                    {
                        WriteStickyError(result.Error, TuboidId);
                    }
                }
            }
            catch (StickyPiException ex)
            {
                ThrowStickyError(ex, TuboidId);
            }
        }

        private static string NullIfEmpty(string s) => string.IsNullOrEmpty(s) ? null : s;
    }
}
