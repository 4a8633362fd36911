using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>
    /// Pushes a local ML bundle folder to the store, or pulls a bundle from the store into a local folder (upstream's
    /// put_ml_bundle_dir / get_ml_bundle_dir). Listing, hashing and copying run on a worker thread; results, errors,
    /// confirmations and progress are written here, on the pipeline thread only.
    /// </summary>
    [Cmdlet(VerbsData.Sync, "MLBundle", SupportsShouldProcess = true)]
    [OutputType(typeof(MlBundleTransferResult))]
    public sealed class SyncMLBundleCommand : StickyCmdlet, IDisposable
    {
        private const int ProgressActivityId = 2;
        private const string Activity = "Sync-MLBundle";

        // Windows PowerShell 5.1 slows badly under frequent progress records.
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
        private static readonly TimeSpan WorkerGrace = TimeSpan.FromSeconds(30);

        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        private readonly Stopwatch _sinceProgress = new Stopwatch();
        private Task _worker;
        private bool _progressWritten;

        /// <summary>The bundle name: one folder name, no separators.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MlBundleNameCompleter))]
        public string Name { get; set; }

        /// <summary>The local bundle folder. For a pull its last component must be the bundle name.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Push (local folder to store) or Pull (store to local folder).</summary>
        [Parameter(Mandatory = true)]
        public MlBundleDirection Direction { get; set; }

        /// <summary>All files, Data (data/ and config/) or Model (output/ and config/).</summary>
        [Parameter]
        public MlBundleSelection What { get; set; } = MlBundleSelection.All;

        /// <summary>A push needs write access (upload links); a pull only reads.</summary>
        protected override ApiOperation? RequiredOperation =>
            Direction == MlBundleDirection.Push ? ApiOperation.GetMlBundleUploadLinks : (ApiOperation?)null;

        protected override void ProcessStickyRecord()
        {
            string directory = ResolveDirectory();
            try
            {
                MlBundlePaths.CheckBundleName(Name);
            }
            catch (StickyPiException ex)
            {
                ThrowStickyError(ex, Name);
            }

            var sync = new MlBundleSync(new MlBundleStoreRemote(ActiveConnection.Store, Caller));
            var token = _cancel.Token;
            _sinceProgress.Start();

            // 1. Compare both sides on the worker (hashing can take a while); report progress meanwhile.
            var planning = Task.Run(() => sync.Plan(Name, directory, Direction, What, token));
            _worker = planning;
            // (Task.Wait would throw for a faulted task; the wait handle only waits.)
            while (!((IAsyncResult)planning).AsyncWaitHandle.WaitOne(100))
            {
                WriteThrottledProgress(sync.Progress, force: false);
            }

            MlBundlePlan plan = null;
            if (!TryGetResult(planning, ref plan))
            {
                return;
            }

            // 2. Confirm (-Confirm) or describe (-WhatIf) each file, here on the pipeline thread.
            string action = Direction == MlBundleDirection.Push ? "Upload ML bundle file" : "Download ML bundle file";
            var approved = new List<MlBundleFile>();
            foreach (var file in plan.Transfers)
            {
                if (ShouldProcess(DescribeTarget(file, directory), action))
                {
                    approved.Add(file);
                }
            }

            // 3. Transfer on the worker; results come back through a queue.
            var results = new BlockingCollection<MlBundleTransferResult>();
            var run = plan.WithTransfers(approved);
            var transfer = Task.Run(() =>
            {
                try
                {
                    sync.Execute(run, results.Add, token);
                }
                finally
                {
                    results.CompleteAdding();
                }
            });
            _worker = transfer;

            WriteThrottledProgress(new MlBundleProgress("Transferring", run.Transfers.Count, 0, run.TotalBytes, 0, null), force: true);
            int done = 0, failed = 0;
            while (!results.IsCompleted)
            {
                if (results.TryTake(out var result, 100))
                {
                    if (WriteResult(result))
                    {
                        done++;
                    }
                    else
                    {
                        failed++;
                    }
                }

                WriteThrottledProgress(sync.Progress, force: false);
            }

            if (!TryGetResult(transfer))
            {
                return;
            }

            if (_progressWritten)
            {
                WriteThrottledProgress(new MlBundleProgress("Transferring", run.Transfers.Count, run.Transfers.Count, run.TotalBytes, run.TotalBytes, null), force: true);
                WriteProgress(new ProgressRecord(ProgressActivityId, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            }

            WriteVerbose($"{(Direction == MlBundleDirection.Push ? "Pushed" : "Pulled")} bundle '{Name}' ({What}): {plan.Compared} files compared, " +
                         $"{plan.Transfers.Count} to transfer, {approved.Count} confirmed, {done} transferred, {failed} failed.");
        }

        protected override void StopProcessing() => _cancel.Cancel();

        public void Dispose()
        {
            _cancel.Cancel();
            try
            {
                // Let the worker delete its temporary file before the command returns.
                _worker?.Wait(WorkerGrace);
            }
            catch (AggregateException)
            {
            }

            _cancel.Dispose();
        }

        private string ResolveDirectory()
        {
            string resolved = null;
            try
            {
                resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out var provider, out _);
                if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                {
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{Path} is not a file-system path."), "NotAFileSystemPath", ErrorCategory.InvalidArgument, Path));
                }
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is DriveNotFoundException || ex is ProviderNotFoundException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, StickyErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, Path));
            }

            return resolved;
        }

        /// <summary>Rethrows a worker failure as a terminating error; false when the worker was cancelled (Ctrl+C).</summary>
        private bool TryGetResult<T>(Task<T> task, ref T value)
        {
            if (!TryGetResult(task))
            {
                return false;
            }

            value = task.Result;
            return true;
        }

        private bool TryGetResult(Task task)
        {
            try
            {
                task.Wait();
                return true;
            }
            catch (AggregateException agg)
            {
                var inner = agg.GetBaseException();
                if (inner is OperationCanceledException)
                {
                    return false;
                }

                if (inner is StickyPiException sticky)
                {
                    ThrowStickyError(sticky, sticky.Target ?? Name);
                }

                ThrowTerminatingError(new ErrorRecord(inner, "MlBundleSyncFailed", ErrorCategory.NotSpecified, Name));
                return false;
            }
        }

        private string DescribeTarget(MlBundleFile file, string directory) =>
            Direction == MlBundleDirection.Push
                ? $"{file.Key} ({file.Size} bytes) from {directory} to bundle '{Name}' in {ActiveConnection.Location}"
                : $"{file.Key} ({file.Size} bytes) from bundle '{Name}' in {ActiveConnection.Location} to {directory}";

        /// <summary>Writes one result (and its error); true when the file was transferred.</summary>
        private bool WriteResult(MlBundleTransferResult result)
        {
            WriteObject(result);
            if (result.Status == MlBundleTransferStatus.Failed)
            {
                WriteStickyError(result.Error, result.Key ?? result.Path);
                return false;
            }

            return true;
        }

        private void WriteThrottledProgress(MlBundleProgress p, bool force)
        {
            if (!force && _sinceProgress.Elapsed < ProgressInterval)
            {
                return;
            }

            _sinceProgress.Restart();
            _progressWritten = true;
            string status = p.Phase == "Comparing"
                ? $"Comparing the files of bundle '{Name}'"
                : $"{p.FilesDone} of {p.FilesTotal} files, {FormatBytes(p.BytesDone)} of {FormatBytes(p.BytesTotal)}";
            var record = new ProgressRecord(ProgressActivityId, Activity, status)
            {
                PercentComplete = p.Phase == "Comparing" ? -1 : p.PercentComplete,
            };
            if (p.CurrentKey != null)
            {
                record.CurrentOperation = p.CurrentKey;
            }

            WriteProgress(record);
        }

        private static string FormatBytes(long bytes) =>
            bytes >= 1 << 20 ? (bytes / (double)(1 << 20)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " MiB"
            : bytes >= 1 << 10 ? (bytes / 1024.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " KiB"
            : bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) + " B";
    }
}
