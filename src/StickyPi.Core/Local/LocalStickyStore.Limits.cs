using StickyPi.Core.Parsing;

namespace StickyPi.Core.Local
{
    public sealed partial class LocalStickyStore
    {
        private InputLimits _limits = InputLimits.Default;

        /// <summary>Size caps on what the store reads whole from callers' files (tuboid files and metadata).</summary>
        public InputLimits Limits
        {
            get => _limits;
            set => _limits = value ?? InputLimits.Default;
        }
    }
}
