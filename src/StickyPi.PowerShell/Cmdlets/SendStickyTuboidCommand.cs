using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>
    /// Uploads tiled tuboid directories (upstream put_tiled_tuboids): tuboid directories, or series directories whose
    /// sub-directories are tuboids. One result per directory; failures are non-terminating errors.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "StickyTuboid", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(TuboidUploadResult))]
    public sealed class SendStickyTuboidCommand : StickyCmdlet
    {
        protected override ApiOperation? RequiredOperation => ApiOperation.PutTiledTuboids;

        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const int ProgressActivityId = 2;
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

        private readonly Stopwatch _sinceProgress = new Stopwatch();
        private int _done;
        private int _sent;
        private int _failed;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "LP", "FullName")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>Name of the algorithm that made the tuboids (upstream algo_name).</summary>
        [Parameter(Mandatory = true)]
        [Alias("algo_name")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AlgoNameCompleter))]
        public string AlgoName { get; set; }

        /// <summary>Version of the algorithm; default: the fourth field of the directory name.</summary>
        [Parameter]
        [Alias("algo_version")]
        [ValidateNotNullOrEmpty]
        public string AlgoVersion { get; set; }

        /// <summary>Device of the series; default: the first field of the directory name.</summary>
        [Parameter]
        [ValidatePattern("^[0-9a-fA-F]{8}$")]
        [ArgumentCompleter(typeof(DeviceCompleter))]
        public string Device { get; set; }

        /// <summary>Start of the series (UTC); default: the second field of the directory name.</summary>
        [Parameter]
        [Alias("start_datetime")]
        public DateTime StartTime { get; set; }

        /// <summary>End of the series (UTC); default: the third field of the directory name.</summary>
        [Parameter]
        [Alias("end_datetime")]
        public DateTime EndTime { get; set; }

        /// <summary>Number of images the series was made from (upstream n_images).</summary>
        [Parameter(Mandatory = true)]
        [Alias("n_images")]
        [ValidateRange(0, int.MaxValue)]
        public int ImageCount { get; set; }

        /// <summary>Number of tuboids in the series (upstream n_tuboids); more are refused.</summary>
        [Parameter(Mandatory = true)]
        [Alias("n_tuboids")]
        [ValidateRange(1, int.MaxValue)]
        public int TuboidCount { get; set; }

        private bool WhatIfMode => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && w is SwitchParameter s && s.IsPresent;

        protected override void BeginStickyProcessing()
        {
            _sinceProgress.Start();
        }

        protected override void ProcessStickyRecord()
        {
            var info = new TuboidSeriesInfo
            {
                AlgoName = AlgoName,
                AlgoVersion = AlgoVersion,
                Device = Device,
                StartDateTime = MyInvocation.BoundParameters.ContainsKey(nameof(StartTime)) ? StartTime : default,
                EndDateTime = MyInvocation.BoundParameters.ContainsKey(nameof(EndTime)) ? EndTime : default,
                ImageCount = ImageCount,
                TuboidCount = TuboidCount,
            };

            var inputs = ParameterSetName == PathSet ? Path : LiteralPath;
            foreach (var input in inputs)
            {
                foreach (var dir in ExpandInput(input, literal: ParameterSetName == LiteralPathSet))
                {
                    var tuboids = TuboidUploader.ExpandDirectory(dir);
                    for (int i = 0; i < tuboids.Count; i++)
                    {
                        Report(tuboids[i], i, tuboids.Count);
                        if (!ShouldProcess(tuboids[i], "Send tuboid"))
                        {
                            continue;
                        }

                        TuboidUploadResult result;
                        try
                        {
                            result = TuboidUploader.Upload(ActiveConnection.Store, Caller, tuboids[i], info);
                        }
                        catch (StickyPiException ex)
                        {
                            // Not about this directory (permission, catalog failure): stop.
                            ThrowStickyError(ex, tuboids[i]);
                            return;
                        }

                        _done++;
                        WriteObject(result);
                        if (result.Status == ImportStatus.Sent)
                        {
                            _sent++;
                        }
                        else
                        {
                            _failed++;
                            WriteStickyError(result.Error, result.Path);
                        }
                    }
                }
            }
        }

        protected override void EndStickyProcessing()
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, "Send-StickyTuboid", "Done") { RecordType = ProgressRecordType.Completed });
            if (!WhatIfMode)
            {
                WriteVerbose($"{_done} tuboid directories: {_sent} sent, {_failed} failed.");
            }
        }

        private void Report(string dir, int index, int count)
        {
            if (index > 0 && _sinceProgress.Elapsed < ProgressInterval)
            {
                return;
            }

            _sinceProgress.Restart();
            WriteProgress(new ProgressRecord(ProgressActivityId, "Send-StickyTuboid",
                $"{_done} done: {_sent} sent, {_failed} failed")
            {
                CurrentOperation = dir,
                PercentComplete = count > 0 ? Math.Min(100, 100 * index / count) : -1,
            });
        }

        /// <summary>Wildcards and provider paths to existing directories; anything else is a non-terminating error.</summary>
        private IEnumerable<string> ExpandInput(string input, bool literal)
        {
            var resolved = ResolveFileSystemPaths(input, literal);
            var dirs = new List<string>();
            foreach (var p in resolved)
            {
                if (Directory.Exists(p))
                {
                    dirs.Add(p);
                }
                else
                {
                    WriteError(new ErrorRecord(new DirectoryNotFoundException($"{p} is not a tuboid or series directory."),
                        TuboidErrorIds.MissingTuboidFile, ErrorCategory.ObjectNotFound, p));
                }
            }

            return dirs;
        }
    }
}
