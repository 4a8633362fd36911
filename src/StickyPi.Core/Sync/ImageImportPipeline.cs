using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Sync
{
    /// <summary>
    /// Incremental, parallel import of image files into a sink (upstream's <c>put_images</c>, with its defects fixed:
    /// unchanged files are never reopened, md5 conflicts are reported, nothing stored is overwritten unless asked).
    /// Streaming: callers <see cref="Post"/> paths as they find them and take results as they come, so a season of
    /// images is never held in memory. Four stages joined by bounded channels, one cancellation token for all:
    /// lookup (name, stat, cache, one sink lookup per batch) → parse (hash, EXIF, thumbnails: the CPU, exactly
    /// <see cref="ImageImportOptions.MaxDegreeOfParallelism"/> at once, one file at a time) → stage (the sink writes
    /// the files: disk waits, never on a parse loop) → commit (<see cref="GroupCommitter{TItem, TStaged}"/>, shared with
    /// the server's uploads: one writer, rows in batches after the files are in place, so no row ever exists without
    /// its files).
    /// </summary>
    /// <remarks>
    /// Lookup and commit are async loops on the thread pool. Parse and stage loops block a thread for each item
    /// (decoding; fsync), so they run on threads of their own (long-running tasks) and wait on their channel there:
    /// the parser keeps native pixel memory and a TurboJPEG handle per thread, and parse work wandering over pool
    /// threads cost ~20 MB of peak RSS (measured, bench/RESULTS.md).
    /// </remarks>
    public class ImageImportPipeline<TStaged> : IImageImportSession
    {
        private readonly IImageImportSink<TStaged> _sink;
        private readonly CallerIdentity _caller;
        private readonly ImageImportOptions _options;
        private readonly StickyImageParser _parser;
        private readonly StatCache _cache;
        private readonly Channel<PostedPath> _input;
        private readonly Channel<ReadyFile> _ready;
        private readonly Channel<PendingImage> _toStage;
        private readonly GroupCommitter<PendingImage, TStaged> _committer;
        private readonly Channel<ImageImportResult> _results = Channel.CreateUnbounded<ImageImportResult>();
        private readonly ConcurrentDictionary<ImageKey, InFlight> _inFlight = new ConcurrentDictionary<ImageKey, InFlight>();

        // Keys committed by this run with their md5: a later file with the same key whose lookup ran before that
        // commit must still see the image as stored.
        private readonly ConcurrentDictionary<ImageKey, string> _committed = new ConcurrentDictionary<ImageKey, string>();
        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        private readonly Task[] _stages;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private Task<bool> _resultWait;
        private Exception _brokenBy;
        private int _posted;
        private long _sequence;
        private int _completed;
        private int _sent;
        private int _skipped;
        private int _failed;
        private int _planned;
        private int _filesOpened;
        private bool _disposed;

        /// <summary>Starts the stages; <paramref name="cacheDirectory"/> holds the stat cache of the source files (the store's root for the store).</summary>
        public ImageImportPipeline(IImageImportSink<TStaged> sink, CallerIdentity caller, string cacheDirectory, ImageImportOptions options = null, StickyImageParser parser = null)
        {
            _sink = sink ?? throw new ArgumentNullException(nameof(sink));
            _caller = caller ?? throw new ArgumentNullException(nameof(caller));

            // A caller who may not send images at all is refused once, before any file is read (not once per file).
            AccessPolicy.Require(_caller, ApiOperation.PutImages);
            _options = options ?? new ImageImportOptions();
            if (_options.LookupBatchSize < 1 || _options.CommitBatchSize < 1 || _options.CommitInterval < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "LookupBatchSize and CommitBatchSize must be at least 1, and CommitInterval not negative.");
            }

            _parser = parser ?? new StickyImageParser(limits: _options.Limits);
            _cache = StatCache.Open(cacheDirectory);
            int workers = Math.Max(1, _options.MaxDegreeOfParallelism);
            _input = Bounded<PostedPath>(Math.Max(256, workers * _options.LookupBatchSize * 2));
            _ready = Bounded<ReadyFile>(Math.Max(64, workers * _options.LookupBatchSize));

            // Stagers mostly wait for the original's fsync, whose latency varies: enough of them, and a deep enough
            // queue, that the parse loops never wait behind a slow flush (measured: bench/RESULTS.md).
            _toStage = Bounded<PendingImage>(8 * workers);
            _committer = new GroupCommitter<PendingImage, TStaged>(CommitGroup, _options.CommitBatchSize, _options.CommitInterval);

            // Each stage's loops run under WorkerGuard (an exception never leaves them: a break is recorded, then the
            // stage's output is completed, so the next stage drains and ends too).
            _stages = new[]
            {
                RunStage(OnPool(workers, LookupLoop), () => _ready.Writer.TryComplete()),
                RunStage(OnOwnThreads(workers, () => Consume(_ready.Reader, next => Guarded(next.Candidate, () => ProcessOne(next.Candidate, next.StoredMd5)))), () => _toStage.Writer.TryComplete()),
                RunStage(OnOwnThreads(Math.Max(4, Math.Min(2 * workers, 8)), () => Consume(_toStage.Reader, next => Guarded(next.Candidate, () => Stage(next)))), _committer.Complete),
                RunStage(OnPool(1, () => _committer.RunAsync(BeforeCommitBatch, FlushCache)), () =>
                {
                    FlushCache();
                    _results.Writer.TryComplete();
                }),
            };
        }

        /// <summary>
        /// Test hook: called with a stage name (<c>lookup</c>, <c>parse</c>, <c>stage</c>, <c>commit</c>) and the file
        /// at the start of each item's work, and with <c>commit-batch</c> and a null file by the commit loop outside
        /// any item. A hook that throws plays an unexpected bug in that stage.
        /// </summary>
        internal Action<string, string> FaultInjection { get; set; }

        /// <summary>Raised (on a parse thread) just before a file is opened for reading; for diagnostics and tests.</summary>
        public event Action<string> FileOpening;

        public bool IsCancellationRequested => _cancel.IsCancellationRequested;

        /// <summary>True once every posted file has its result and all were taken.</summary>
        public bool IsFinished => _results.Reader.Completion.IsCompleted;

        public ImportProgress Progress => new ImportProgress
        {
            Posted = Volatile.Read(ref _posted),
            Completed = Volatile.Read(ref _completed),
            Sent = Volatile.Read(ref _sent),
            Skipped = Volatile.Read(ref _skipped),
            Failed = Volatile.Read(ref _failed),
            Planned = Volatile.Read(ref _planned),
            FilesOpened = Volatile.Read(ref _filesOpened),
            Elapsed = _clock.Elapsed,
        };

        /// <summary>Queues a file. Blocks while the queue is full (back-pressure); returns false once cancelled.</summary>
        public bool Post(string path)
        {
            try
            {
                Write(_input.Writer, new PostedPath(path, Interlocked.Increment(ref _sequence)));
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            Interlocked.Increment(ref _posted);
            return true;
        }

        /// <summary>No more files will be posted.</summary>
        public void Complete() => _input.Writer.TryComplete();

        /// <summary>Stops promptly: files being read are abandoned, files already in place are still committed.</summary>
        public void Cancel()
        {
            _cancel.Cancel();
            Complete();
        }

        /// <summary>A result if one is ready.</summary>
        /// <exception cref="StickyPiException"><c>PipelineFailed</c> once the pipeline broke (not for one file's failure).</exception>
        public bool TryTake(out ImageImportResult result)
        {
            ThrowIfBroken();
            return _results.Reader.TryRead(out result);
        }

        /// <summary>Waits up to <paramref name="timeout"/> for a result; false on timeout or when all results were taken.</summary>
        /// <exception cref="StickyPiException"><c>PipelineFailed</c> once the pipeline broke (not for one file's failure).</exception>
        public bool TryTake(out ImageImportResult result, TimeSpan timeout)
        {
            ThrowIfBroken();
            if (_results.Reader.TryRead(out result))
            {
                return true;
            }

            // One wait outlives a timeout and serves the next call, so polling leaves no trail of waiters behind.
            if (_resultWait == null || _resultWait.IsCompleted)
            {
                _resultWait = _results.Reader.WaitToReadAsync().AsTask();
            }

            return _resultWait.Wait(timeout) && _results.Reader.TryRead(out result);
        }

        /// <summary>Completes the input and yields every remaining result.</summary>
        public IEnumerable<ImageImportResult> Drain()
        {
            Complete();
            while (Wait(_results.Reader.WaitToReadAsync()))
            {
                while (_results.Reader.TryRead(out var r))
                {
                    ThrowIfBroken();
                    yield return r;
                }
            }

            ThrowIfBroken();
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (!_results.Reader.Completion.IsCompleted)
            {
                Cancel();
            }

            Task.WaitAll(_stages);
            _cache.Dispose();
            _cancel.Dispose();
        }

        private static Channel<T> Bounded<T>(int capacity) => Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });

        /// <summary>Blocks (a caller's or a stage's own thread) until the channel has room or data, or is completed.</summary>
        private static bool Wait(ValueTask<bool> pending) => pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

        /// <summary>Writes, waiting while the channel is full; cancellation (or a completed channel) throws <see cref="OperationCanceledException"/>.</summary>
        private void Write<T>(ChannelWriter<T> writer, T item)
        {
            while (!writer.TryWrite(item))
            {
                if (_cancel.IsCancellationRequested || !Wait(writer.WaitToWriteAsync(_cancel.Token)))
                {
                    throw new OperationCanceledException(_cancel.Token);
                }
            }
        }

        /// <summary>One stage: when all its loops have ended (done, cancelled or broken), <paramref name="completeOutput"/> runs.</summary>
        private Task RunStage(Task[] loops, Action completeOutput) =>
            WorkerGuard.RunLoopAsync(() => Task.WhenAll(loops), Broken, completeOutput);

        /// <summary>Async loops on the thread pool, each under <see cref="WorkerGuard"/>: none ever faults.</summary>
        private Task[] OnPool(int count, Func<Task> loop) =>
            Enumerable.Range(0, count).Select(_ => Task.Run(() => WorkerGuard.RunLoopAsync(loop, Broken))).ToArray();

        /// <summary>Loops on threads of their own (long-running tasks), each under <see cref="WorkerGuard"/>: none ever faults.</summary>
        private Task[] OnOwnThreads(int count, Action loop) =>
            Enumerable.Range(0, count)
                .Select(_ => Task.Factory.StartNew(() => WorkerGuard.RunLoop(loop, Broken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();

        /// <summary>A parse or stage loop: one item at a time, until the input is completed or the import cancelled.</summary>
        private void Consume<T>(ChannelReader<T> input, Action<T> handle)
        {
            while (Wait(input.WaitToReadAsync(_cancel.Token)))
            {
                while (!_cancel.IsCancellationRequested && input.TryRead(out var item))
                {
                    handle(item);
                }
            }
        }

        /// <summary>A loop broke outside any item: stop, and report it once on the caller's thread.</summary>
        private void Broken(Exception e)
        {
            Interlocked.CompareExchange(ref _brokenBy, e, null);
            Cancel();
        }

        /// <summary>Throws <c>PipelineFailed</c> (on the caller's thread) once a loop broke.</summary>
        private void ThrowIfBroken()
        {
            var e = Volatile.Read(ref _brokenBy);
            if (e != null)
            {
                throw new StickyPiException(StickyErrorIds.PipelineFailed, StickyErrorKind.Internal,
                    "The import stopped: its pipeline failed (" + e.GetType().Name + ": " + e.Message + "). Files stored before the failure stay stored; run the import again to complete it.",
                    _sink.Location, e);
            }
        }

        private void Inject(string stage, string path) => FaultInjection?.Invoke(stage, path);

        /// <summary>Takes paths in lookup batches and classifies them; what needs a file opened goes to the parse stage.</summary>
        private async Task LookupLoop()
        {
            var batch = new List<PostedPath>(_options.LookupBatchSize);
            while (await _input.Reader.WaitToReadAsync(_cancel.Token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _options.LookupBatchSize && _input.Reader.TryRead(out var posted))
                {
                    batch.Add(posted);
                }

                if (batch.Count > 0)
                {
                    await ClassifyBatch(batch).ConfigureAwait(false);
                }
            }
        }

        /// <summary>
        /// The one place where an item's exception becomes that item's result: a typed error as it is, a file that
        /// cannot be read as <c>FileUnreadable</c>, a closed store as <c>StoreIo</c>, anything else <c>UnexpectedError</c>
        /// (<see cref="WorkerGuard.Unexpected"/>). Cancellation passes to the loop. (Parsed files not yet staged when the
        /// import is cancelled are abandoned, as files being read are.)
        /// </summary>
        private void Guarded(Candidate c, Action work)
        {
            try
            {
                work();
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                Release(c);
                Emit(Failed(c, AsItemFailure(ex, c.Path)));
            }
        }

        private StickyPiException AsItemFailure(Exception ex, string path) =>
            ex is StickyPiException sticky ? sticky
            : ex is ObjectDisposedException ? AsStoreFailure(ex)
            : ex is IOException || ex is UnauthorizedAccessException ? new StickyPiException(StickyErrorIds.FileUnreadable, StickyErrorKind.ResourceUnavailable, $"{path}: {ex.Message}", path, ex)
            : WorkerGuard.Unexpected(ex, path);

        /// <summary>Name, stat and cache for the whole batch; one sink lookup for it; then each file as needed.</summary>
        private async Task ClassifyBatch(List<PostedPath> paths)
        {
            var candidates = new List<Candidate>(paths.Count);
            foreach (var raw in paths)
            {
                var c = new Candidate { Path = SafeFullPath(raw.Path), Sequence = raw.Sequence };
                try
                {
                    Inject("lookup", c.Path);
                    c.Key = ImageFileName.Parse(c.Path);
                    var info = new FileInfo(c.Path);
                    if (!info.Exists)
                    {
                        throw new StickyPiException(StickyErrorIds.FileNotFound, StickyErrorKind.NotFound, $"{c.Path}: file not found.", c.Path);
                    }

                    c.Size = info.Length;
                    BoundedFile.CheckLength(c.Path, c.Size, _parser.Limits.MaxImageFileBytes, "image file"); // refused unopened
                    c.ModifiedTicks = info.LastWriteTimeUtc.Ticks;
                    if (_cache.TryGet(c.Path, c.Size, c.ModifiedTicks, out var entry) && entry.Key.Equals(c.Key))
                    {
                        c.CachedMd5 = entry.Md5;
                    }
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    c.Failure = WorkerGuard.Unexpected(ex, c.Path);
                }

                candidates.Add(c);
            }

            var keys = candidates.Where(c => c.Failure == null).Select(c => c.Key).Distinct().ToList();
            IDictionary<ImageKey, string> stored;
            try
            {
                stored = keys.Count > 0 ? _sink.GetStoredMd5s(keys) : new Dictionary<ImageKey, string>();
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // The batch's files fail with the reason rather than the loop breaking or the files vanishing without a result.
                var failure = ex is ObjectDisposedException ? AsStoreFailure(ex) : WorkerGuard.Unexpected(ex, _sink.Location);
                foreach (var c in candidates)
                {
                    c.Failure = c.Failure ?? failure;
                }

                stored = new Dictionary<ImageKey, string>();
            }

            foreach (var c in candidates)
            {
                if (_cancel.IsCancellationRequested)
                {
                    return;
                }

                if (c.Failure != null)
                {
                    Emit(Failed(c, c.Failure));
                    continue;
                }

                stored.TryGetValue(c.Key, out var storedMd5);
                if (storedMd5 != null && c.CachedMd5 != null && string.Equals(c.CachedMd5, storedMd5, StringComparison.OrdinalIgnoreCase))
                {
                    // Unchanged since it was stored: decided here, nothing to open (a re-run is only this).
                    EmitUnchanged(c, c.CachedMd5);
                    continue;
                }

                await _ready.Writer.WriteAsync(new ReadyFile { Candidate = c, StoredMd5 = storedMd5 }, _cancel.Token).ConfigureAwait(false);
            }
        }

        private void ProcessOne(Candidate c, string storedMd5)
        {
            Inject("parse", c.Path);
            if (storedMd5 == null && _committed.TryGetValue(c.Key, out var committedMd5))
            {
                storedMd5 = committedMd5;
            }

            if (storedMd5 != null)
            {
                string md5 = c.CachedMd5 ?? HashFile(c);
                if (string.Equals(md5, storedMd5, StringComparison.OrdinalIgnoreCase))
                {
                    EmitUnchanged(c, md5);
                    return;
                }

                c.Md5 = md5;
                var conflict = new StickyPiException(StickyErrorIds.Md5Conflict, StickyErrorKind.Conflict,
                    $"{c.Path}: an image of device {c.Key.Device} at {StickyTime.ToWire(c.Key.DateTime)} is already stored with md5 {storedMd5}, this file has md5 {md5}.", c.Path);
                switch (_options.OnConflict)
                {
                    case ConflictAction.Skip:
                        Emit(new ImageImportResult { Path = c.Path, Status = ImportStatus.Skipped, Device = c.Key.Device, DateTime = c.Key.DateTime, Md5 = md5, Reason = conflict.Message, ErrorId = conflict.ErrorId });
                        return;
                    case ConflictAction.Report:
                        Emit(Failed(c, conflict));
                        return;
                }

                c.Replace = true;
            }

            if (!ClaimKey(c))
            {
                return;
            }

            if (!c.Replace && _committed.TryGetValue(c.Key, out var committedMeanwhile))
            {
                // Another file with this key was committed between the lookup and the claim: decide again.
                Release(c);
                ProcessOne(c, committedMeanwhile);
                return;
            }

            if (_options.PlanOnly)
            {
                Emit(new ImageImportResult { Path = c.Path, Status = ImportStatus.Planned, Device = c.Key.Device, DateTime = c.Key.DateTime, Md5 = c.CachedMd5 ?? c.Md5, Reason = c.Replace ? "Would replace the stored image." : "Would be stored.", FromCache = c.CachedMd5 != null });
                return;
            }

            // A pooled buffer, as the parser's own file reads use: originals are large, and a new array per image
            // would be garbage-collected work the parse itself does not need.
            NotifyOpening(c.Path);
            byte[] buffer = StickyImageParser.ReadFilePooled(c.Path, out int length, _parser.Limits.MaxImageFileBytes);
            bool handedOver = false;
            try
            {
                var parsed = _parser.Parse(buffer, length, c.Path, makeThumbnails: true);
                _cache.Add(c.Path, new StatCacheEntry(c.Size, c.ModifiedTicks, parsed.Key, parsed.Md5));
                Write(_toStage.Writer, new PendingImage { Owner = this, Candidate = c, Parsed = parsed, Bytes = buffer, Length = length });
                handedOver = true;
            }
            finally
            {
                if (!handedOver)
                {
                    StickyImageParser.FileBufferPool.Return(buffer);
                }
            }
        }

        private void Stage(PendingImage p)
        {
            // For a replacement the store keeps the new files pending until the commit swaps row and files in one
            // transaction, so a crash never leaves the old row pointing at new files.
            try
            {
                Inject("stage", p.Candidate.Path);
                p.Staged = _sink.Stage(p.Parsed, p.Bytes, p.Length);
            }
            finally
            {
                StickyImageParser.FileBufferPool.Return(p.Bytes);
                p.Bytes = null;
            }

            _committer.Post(p);
        }

        private StickyPiException AsStoreFailure(Exception ex) =>
            ex as StickyPiException ?? new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                "The store " + _sink.Location + " was closed during the import (" + ex.Message + ").", _sink.Location, ex);

        private void EmitUnchanged(Candidate c, string md5) =>
            Emit(new ImageImportResult { Path = c.Path, Status = ImportStatus.Skipped, Device = c.Key.Device, DateTime = c.Key.DateTime, Md5 = md5, Reason = "Already stored.", FromCache = c.CachedMd5 != null });

        /// <summary>Two files of one run with the same device and datetime must not overwrite each other's stored files.</summary>
        private bool ClaimKey(Candidate c)
        {
            var mine = new InFlight { Path = c.Path };
            var owner = _inFlight.GetOrAdd(c.Key, mine);
            if (ReferenceEquals(owner, mine))
            {
                return true;
            }

            string md5 = c.Md5 ?? c.CachedMd5 ?? HashFile(c);
            string ownerMd5 = owner.Md5 ?? (owner.Md5 = HashPath(owner.Path));
            if (string.Equals(md5, ownerMd5, StringComparison.OrdinalIgnoreCase))
            {
                Emit(new ImageImportResult { Path = c.Path, Status = ImportStatus.Skipped, Device = c.Key.Device, DateTime = c.Key.DateTime, Md5 = md5, Reason = $"Same image as {owner.Path} in this batch." });
            }
            else
            {
                Emit(Failed(c, new StickyPiException(StickyErrorIds.Md5Conflict, StickyErrorKind.Conflict,
                    $"{c.Path}: same device and datetime as {owner.Path} in this batch, but different content.", c.Path)));
            }

            return false;
        }

        private void Release(Candidate c)
        {
            if (_inFlight.TryGetValue(c.Key, out var owner) && owner.Path == c.Path)
            {
                _inFlight.TryRemove(c.Key, out _);
            }
        }

        /// <summary>Before each commit batch: rows in the order the files were posted (ids as a one-at-a-time import would give them), whichever parse task finished first.</summary>
        private void BeforeCommitBatch(List<PendingImage> batch)
        {
            Inject("commit-batch", null);
            batch.Sort((x, y) => x.Candidate.Sequence.CompareTo(y.Candidate.Sequence));
        }

        private void FlushCache()
        {
            try
            {
                _cache.Flush();
            }
            catch (Exception)
            {
                // The cache only saves work; losing it is never an error (the next run rebuilds what is missing).
            }
        }

        private IReadOnlyList<StickyImage> CommitGroup(CallerIdentity caller, IReadOnlyList<PendingImage> group, bool replace)
        {
            foreach (var p in group)
            {
                Inject("commit", p.Candidate.Path);
            }

            return _sink.Commit(caller, group.Select(p => p.Staged).ToList(), replace);
        }

        private void OnCommitted(PendingImage p, StickyImage row)
        {
            _committed[p.Parsed.Key] = p.Parsed.Md5;
            Interlocked.Increment(ref _sent);
            Release(p.Candidate);
            EmitCounted(new ImageImportResult
            {
                Path = p.Candidate.Path,
                Status = ImportStatus.Sent,
                Device = p.Parsed.Device,
                DateTime = p.Parsed.DateTime,
                Md5 = p.Parsed.Md5,
                Reason = p.Candidate.Replace ? "Replaced the stored image." : null,
                Image = row,
            });
        }

        private void OnCommitFailed(PendingImage p, Exception ex)
        {
            Release(p.Candidate);
            Emit(CommitFailure(p, ex));
        }

        /// <summary>
        /// The result of a file whose row was refused at commit. A duplicate means the image was stored meanwhile
        /// (by another file of this run or another process): decided like any stored image, by md5 and -OnConflict.
        /// </summary>
        private ImageImportResult CommitFailure(PendingImage p, Exception ex)
        {
            var c = p.Candidate;
            c.Md5 = p.Parsed.Md5;
            var sticky = ex as StickyPiException;
            if (sticky != null && sticky.ErrorId == StickyErrorIds.DuplicateImage && !c.Replace)
            {
                string storedMd5 = null;
                try
                {
                    _sink.GetStoredMd5s(new[] { c.Key }).TryGetValue(c.Key, out storedMd5);
                }
                catch (Exception lookup) when (lookup is StickyPiException || lookup is ObjectDisposedException)
                {
                    // Fall through to reporting the duplicate itself.
                }

                if (storedMd5 != null && string.Equals(storedMd5, c.Md5, StringComparison.OrdinalIgnoreCase))
                {
                    return new ImageImportResult { Path = c.Path, Status = ImportStatus.Skipped, Device = c.Key.Device, DateTime = c.Key.DateTime, Md5 = c.Md5, Reason = "Already stored (stored meanwhile)." };
                }

                if (storedMd5 != null)
                {
                    var conflict = new StickyPiException(StickyErrorIds.Md5Conflict, StickyErrorKind.Conflict,
                        $"{c.Path}: an image of device {c.Key.Device} at {StickyTime.ToWire(c.Key.DateTime)} was stored meanwhile with md5 {storedMd5}, this file has md5 {c.Md5}.", c.Path);
                    return _options.OnConflict == ConflictAction.Skip
                        ? new ImageImportResult { Path = c.Path, Status = ImportStatus.Skipped, Device = c.Key.Device, DateTime = c.Key.DateTime, Md5 = c.Md5, Reason = conflict.Message, ErrorId = conflict.ErrorId }
                        : Failed(c, conflict);
                }
            }

            // Name the file: the store's message is about the row.
            var failure = sticky != null
                ? new StickyPiException(sticky.ErrorId, sticky.Kind, c.Path + ": " + sticky.Message, c.Path, sticky)
                : ex is ObjectDisposedException || ex is IOException || ex is InvalidOperationException ? AsStoreFailure(ex) : WorkerGuard.Unexpected(ex, c.Path);
            return Failed(c, failure);
        }

        private string HashPath(string path)
        {
            NotifyOpening(path);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            {
                return StickyImageParser.ComputeMd5(stream);
            }
        }

        /// <summary>Counts a file opened and tells a diagnostics subscriber; a failing subscriber never stops the import.</summary>
        private void NotifyOpening(string path)
        {
            Interlocked.Increment(ref _filesOpened);
            try
            {
                FileOpening?.Invoke(path);
            }
            catch (Exception)
            {
                // Diagnostics only.
            }
        }

        private string HashFile(Candidate c)
        {
            var md5 = HashPath(c.Path);
            _cache.Add(c.Path, new StatCacheEntry(c.Size, c.ModifiedTicks, c.Key, md5));
            return md5;
        }

        private static ImageImportResult Failed(Candidate c, StickyPiException ex) => new ImageImportResult
        {
            Path = c.Path,
            Status = ImportStatus.Failed,
            Device = c.Failure == null ? c.Key.Device : null,
            DateTime = c.Failure == null ? c.Key.DateTime : (DateTime?)null,
            Md5 = c.Md5,
            Reason = ex.Message,
            ErrorId = ex.ErrorId,
            Error = ex,
        };

        private void Emit(ImageImportResult result)
        {
            if (result.Status == ImportStatus.Failed)
            {
                Interlocked.Increment(ref _failed);
            }
            else if (result.Status == ImportStatus.Skipped)
            {
                Interlocked.Increment(ref _skipped);
            }
            else if (result.Status == ImportStatus.Planned)
            {
                Interlocked.Increment(ref _planned);
            }

            EmitCounted(result);
        }

        private void EmitCounted(ImageImportResult result)
        {
            Interlocked.Increment(ref _completed);
            _results.Writer.TryWrite(result);
        }

        private static string SafeFullPath(string path)
        {
            try
            {
                return Path.GetFullPath(path);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                return path;
            }
        }

        private struct PostedPath
        {
            public readonly string Path;
            public readonly long Sequence;

            public PostedPath(string path, long sequence)
            {
                Path = path;
                Sequence = sequence;
            }
        }

        private sealed class Candidate
        {
            public string Path;
            public long Sequence;
            public ImageKey Key;
            public long Size;
            public long ModifiedTicks;
            public string CachedMd5;
            public string Md5;
            public bool Replace;
            public StickyPiException Failure;
        }

        private sealed class InFlight
        {
            public string Path;
            public string Md5;
        }

        private sealed class ReadyFile
        {
            public Candidate Candidate;
            public string StoredMd5;
        }

        private sealed class PendingImage : ICommitItem<TStaged>
        {
            public ImageImportPipeline<TStaged> Owner;
            public Candidate Candidate;
            public ParsedImage Parsed;
            public byte[] Bytes;
            public int Length;

            public TStaged Staged { get; set; }

            public CallerIdentity Caller => Owner._caller;

            public bool Replace => Candidate.Replace;

            public void Committed(StickyImage row) => Owner.OnCommitted(this, row);

            public void Failed(Exception error) => Owner.OnCommitFailed(this, error);
        }
    }
}
