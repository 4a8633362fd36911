using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>
    /// Imports image files into the store, incrementally and in parallel. Files stream from the pipeline into the
    /// core importer; results, errors and progress are written here, on the pipeline thread only.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "StickyImage", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(ImageImportResult))]
    public sealed class SendStickyImageCommand : StickyCmdlet, IDisposable
    {
        protected override ApiOperation? RequiredOperation => ApiOperation.PutImages;

        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const int ProgressActivityId = 1;

        // Windows PowerShell 5.1 slows badly under frequent progress records.
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

        private readonly Stopwatch _sinceProgress = new Stopwatch();
        private IImageImportSession _importer;
        private int _failures;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "LP", "FullName")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>Import the images in sub-folders of the given folders too.</summary>
        [Parameter]
        public SwitchParameter Recurse { get; set; }

        /// <summary>Files hashed, parsed and thumbnailed at once.</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

        [Parameter]
        public ConflictAction OnConflict { get; set; } = ConflictAction.Report;

        /// <summary>Stop after this many files failed.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MaxFailures { get; set; } = int.MaxValue;

        /// <summary>Largest width × height accepted; bigger images (decompression bombs) fail with ImageTooLarge before any pixel is decoded.</summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long MaxImagePixels { get; set; } = InputLimits.PillowMaxImagePixels;

        private bool WhatIfMode => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && w is SwitchParameter s && s.IsPresent;

        protected override void BeginStickyProcessing()
        {
            var options = new ImageImportOptions
            {
                MaxDegreeOfParallelism = ThrottleLimit,
                OnConflict = OnConflict,
                PlanOnly = WhatIfMode,
                Limits = new InputLimits { MaxImagePixels = MaxImagePixels },
            };
            try
            {
                _importer = ActiveConnection.Store.BeginImageImport(Caller, options);
            }
            catch (StickyPiException ex)
            {
                ThrowStickyError(ex, ActiveConnection.Location);
            }

            _sinceProgress.Start();
        }

        protected override void ProcessStickyRecord()
        {
            var inputs = ParameterSetName == PathSet ? Path : LiteralPath;
            foreach (var input in inputs)
            {
                foreach (var file in ExpandInput(input, literal: ParameterSetName == LiteralPathSet))
                {
                    // Under -WhatIf the importer only plans; ShouldProcess is asked per planned file when it comes back.
                    if (!WhatIfMode && !ShouldProcess(file, "Send image"))
                    {
                        continue;
                    }

                    if (!_importer.Post(file))
                    {
                        return;
                    }

                    WriteAvailableResults();
                }
            }
        }

        protected override void EndStickyProcessing()
        {
            _importer.Complete();
            while (!_importer.IsFinished)
            {
                if (TakeResult(out var result, TimeSpan.FromMilliseconds(100)))
                {
                    WriteResult(result);
                }

                WriteAvailableResults();
            }

            var p = _importer.Progress;
            WriteProgress(new ProgressRecord(ProgressActivityId, "Send-StickyImage", "Done") { RecordType = ProgressRecordType.Completed });
            WriteVerbose($"{p.Completed} files in {p.Elapsed.TotalSeconds:F1} s ({p.FilesPerSecond:F1}/s): {p.Sent} sent, {p.Skipped} skipped, {p.Failed} failed; {p.FilesOpened} files opened.");
        }

        protected override void StopProcessing() => _importer?.Cancel();

        public void Dispose()
        {
            _importer?.Dispose();
            _importer = null;
        }

        /// <summary>Wildcards, folders (with -Recurse) and provider paths to file-system paths; unknown paths are errors.</summary>
        private System.Collections.Generic.IEnumerable<string> ExpandInput(string input, bool literal)
        {
            foreach (var path in ResolveFileSystemPaths(input, literal))
            {
                if (Directory.Exists(path))
                {
                    foreach (var file in ImageFileFinder.Enumerate(path, Recurse))
                    {
                        yield return file;
                    }
                }
                else
                {
                    // A missing literal file is reported by the importer, in order with the rest.
                    yield return path;
                }
            }
        }

        private void WriteAvailableResults()
        {
            while (TakeResult(out var result, TimeSpan.Zero))
            {
                WriteResult(result);
            }

            if (_sinceProgress.Elapsed >= ProgressInterval)
            {
                _sinceProgress.Restart();
                var p = _importer.Progress;
                int percent = p.Posted > 0 ? (int)(100L * p.Completed / p.Posted) : 0;
                WriteProgress(new ProgressRecord(ProgressActivityId, "Send-StickyImage",
                    $"{p.Completed} of {p.Posted} files: {p.Sent} sent, {p.Skipped} skipped, {p.Failed} failed ({p.FilesPerSecond:F1} files/s)")
                {
                    PercentComplete = Math.Min(100, percent),
                });
            }
        }

        /// <summary>The importer's next result; a broken import pipeline becomes one terminating error, here.</summary>
        private bool TakeResult(out ImageImportResult result, TimeSpan timeout)
        {
            try
            {
                return _importer.TryTake(out result, timeout);
            }
            catch (StickyPiException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex, ActiveConnection.Location));
                result = null;
                return false;
            }
        }

        private void WriteResult(ImageImportResult result)
        {
            if (result.Status == ImportStatus.Planned)
            {
                // -WhatIf: PowerShell prints "What if: ..." and returns false.
                ShouldProcess(result.Path, result.Reason ?? "Send image");
                return;
            }

            WriteObject(result);
            if (result.Status == ImportStatus.Failed)
            {
                WriteStickyError(result.Error, result.Path);
                if (++_failures >= MaxFailures)
                {
                    _importer.Cancel();
                    ThrowTerminatingError(new ErrorRecord(
                        new InvalidOperationException($"Stopped after {_failures} failed files (-MaxFailures {MaxFailures})."),
                        "MaxFailuresReached", ErrorCategory.LimitsExceeded, result.Path));
                }
            }
        }
    }
}
