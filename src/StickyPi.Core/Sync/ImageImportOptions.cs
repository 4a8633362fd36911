using System;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Sync
{
    public sealed class ImageImportOptions
    {
        /// <summary>Files hashed, parsed and thumbnailed at once.</summary>
        public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

        public ConflictAction OnConflict { get; set; } = ConflictAction.Report;

        /// <summary>Evaluate only (name, cache, store lookup): nothing is read beyond what deciding needs, nothing written.</summary>
        public bool PlanOnly { get; set; }

        /// <summary>Rows committed per transaction at most.</summary>
        public int CommitBatchSize { get; set; } = 128;

        /// <summary>Longest a stored file waits for its row to be committed.</summary>
        public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(200);

        /// <summary>Files looked up in the store together.</summary>
        public int LookupBatchSize { get; set; } = 64;

        /// <summary>Largest image file and pixel count accepted (used when the importer makes its own parser).</summary>
        public InputLimits Limits { get; set; } = InputLimits.Default;
    }

    /// <summary>A snapshot of the importer's counters.</summary>
    public sealed class ImportProgress
    {
        public int Posted { get; set; }

        public int Completed { get; set; }

        public int Sent { get; set; }

        public int Skipped { get; set; }

        public int Failed { get; set; }

        /// <summary>Dry run: files that would be stored.</summary>
        public int Planned { get; set; }

        public int FilesOpened { get; set; }

        public TimeSpan Elapsed { get; set; }

        public double FilesPerSecond => Elapsed.TotalSeconds > 0 ? Completed / Elapsed.TotalSeconds : 0;
    }
}
