using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Sync
{
    /// <summary>
    /// Incremental, parallel import of image files into a local store (upstream's <c>put_images</c>, with its
    /// defects fixed: unchanged files are never reopened, md5 conflicts are reported, nothing stored is overwritten
    /// unless asked). Streaming: callers <see cref="Post"/> paths as they find them and take results as they come,
    /// so a season of images is never held in memory. Workers hash, parse and thumbnail in parallel; one writer
    /// commits rows in batches after the files are in place, so no row ever exists without its files.
    /// </summary>
    public sealed class ImageImporter : IDisposable
    {
        private readonly LocalStickyStore _store;
        private readonly CallerIdentity _caller;
        private readonly ImageImportOptions _options;
        private readonly StickyImageParser _parser;
        private readonly StatCache _cache;
        private readonly BlockingCollection<PostedPath> _input;
        private readonly BlockingCollection<ReadyFile> _ready;
        private readonly BlockingCollection<PendingImage> _toStage;
        private readonly BlockingCollection<PendingImage> _toCommit = new BlockingCollection<PendingImage>();
        private readonly BlockingCollection<ImageImportResult> _results = new BlockingCollection<ImageImportResult>();
        private readonly ConcurrentDictionary<ImageKey, InFlight> _inFlight = new ConcurrentDictionary<ImageKey, InFlight>();

        // Keys committed by this run with their md5: a later file with the same key whose store lookup ran before
        // that commit must still see the image as stored.
        private readonly ConcurrentDictionary<ImageKey, string> _committed = new ConcurrentDictionary<ImageKey, string>();
        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        private readonly Thread[] _classifiers;
        private readonly Thread[] _workers;
        private readonly Thread[] _stagers;
        private readonly Thread _writer;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _posted;
        private long _sequence;
        private int _completed;
        private int _sent;
        private int _skipped;
        private int _failed;
        private int _planned;
        private int _filesOpened;
        private int _classifiersLeft;
        private int _workersLeft;
        private int _stagersLeft;
        private bool _disposed;

        public ImageImporter(LocalStickyStore store, CallerIdentity caller, ImageImportOptions options = null, StickyImageParser parser = null)
        {
            _store = store ?? throw new ArgumentNullException(nameof(store));
            _caller = caller ?? throw new ArgumentNullException(nameof(caller));

            // A caller who may not send images at all is refused once, before any file is read (not once per file).
            AccessPolicy.Require(_caller, ApiOperation.PutImages);
            _options = options ?? new ImageImportOptions();
            CheckOptions(_options);
            _parser = parser ?? new StickyImageParser(limits: _options.Limits);
            _cache = StatCache.Open(store.RootDirectory);
            int workers = Math.Max(1, _options.MaxDegreeOfParallelism);
            int lookupBatch = Math.Max(1, _options.LookupBatchSize);

            // A pipeline, so no stage waits for another's kind of work: classifiers (name, stat, cache, one store
            // lookup per batch) → workers (hash, parse, thumbnails: the CPU, exactly MaxDegreeOfParallelism at once,
            // taking one file at a time so none is left with a long tail of a batch while another idles) → stagers
            // (the store writes and flushes the files: disk waits, never on a CPU worker) → the single writer.
            _input = new BlockingCollection<PostedPath>(Math.Max(256, workers * lookupBatch * 2));
            _ready = new BlockingCollection<ReadyFile>(Math.Max(64, workers * lookupBatch));
            // Stagers mostly wait for the original's fsync, whose latency varies: enough of them, and a deep enough
            // queue, that the CPU workers never wait behind a slow flush (measured: bench/RESULTS.md).
            _toStage = new BlockingCollection<PendingImage>(8 * workers);
            int stagers = Math.Max(4, Math.Min(2 * workers, 8));
            _classifiersLeft = workers;
            _workersLeft = workers;
            _stagersLeft = stagers;
            // Names distinct within Linux's 15 characters, so perf and top tell the stages apart.
            // Every thread runs under WorkerGuard: an exception never leaves one (it would end the process).
            // Each stage's exit completes the next stage's input, after a break is recorded.
            _classifiers = Enumerable.Range(0, workers).Select(i => WorkerGuard.StartThread("Sticky lookup " + i, ClassifierLoop, Broken, ClassifierExit)).ToArray();
            _workers = Enumerable.Range(0, workers).Select(i => WorkerGuard.StartThread("Sticky parse " + i, WorkerLoop, Broken, WorkerExit)).ToArray();
            _stagers = Enumerable.Range(0, stagers).Select(i => WorkerGuard.StartThread("Sticky stage " + i, StagerLoop, Broken, StagerExit)).ToArray();
            _writer = WorkerGuard.StartThread("Sticky commit", WriterLoop, Broken, WriterExit);
        }

        /// <summary>
        /// Test hook: called with a stage name (<c>lookup</c>, <c>parse</c>, <c>stage</c>, <c>commit</c>) and the file
        /// at the start of each item's work, and with <c>commit-batch</c> and a null file by the writer's loop outside
        /// any item. A hook that throws plays an unexpected bug in that stage.
        /// </summary>
        internal Action<string, string> FaultInjection { get; set; }

        private Exception _brokenBy;

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
                    _store.RootDirectory, e);
            }
        }

        private void Inject(string stage, string path) => FaultInjection?.Invoke(stage, path);

        private static void CheckOptions(ImageImportOptions options)
        {
            if (options.LookupBatchSize < 1 || options.CommitBatchSize < 1 || options.CommitInterval < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "LookupBatchSize and CommitBatchSize must be at least 1, and CommitInterval not negative.");
            }
        }

        /// <summary>Raised (on a worker thread) just before a file is opened for reading; for diagnostics and tests.</summary>
        public event Action<string> FileOpening;

        public bool IsCancellationRequested => _cancel.IsCancellationRequested;

        /// <summary>Queues a file. Blocks while the queue is full (back-pressure); returns false once cancelled.</summary>
        public bool Post(string path)
        {
            try
            {
                _input.Add(new PostedPath(path, Interlocked.Increment(ref _sequence)), _cancel.Token);
                Interlocked.Increment(ref _posted);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        /// <summary>No more files will be posted.</summary>
        public void Complete()
        {
            if (!_input.IsAddingCompleted)
            {
                _input.CompleteAdding();
            }
        }

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
            return _results.TryTake(out result);
        }

        /// <summary>Waits up to <paramref name="timeout"/> for a result; false on timeout or when all results were taken.</summary>
        /// <exception cref="StickyPiException"><c>PipelineFailed</c> once the pipeline broke (not for one file's failure).</exception>
        public bool TryTake(out ImageImportResult result, TimeSpan timeout)
        {
            ThrowIfBroken();
            try
            {
                return _results.TryTake(out result, timeout);
            }
            catch (InvalidOperationException)
            {
                result = null;
                return false;
            }
        }

        /// <summary>True once every posted file has its result and all were taken.</summary>
        public bool IsFinished => _results.IsCompleted;

        /// <summary>Completes the input and yields every remaining result.</summary>
        public IEnumerable<ImageImportResult> Drain()
        {
            Complete();
            foreach (var r in _results.GetConsumingEnumerable())
            {
                ThrowIfBroken();
                yield return r;
            }

            ThrowIfBroken();
        }

        /// <summary>Imports a whole sequence of files (convenience for non-streaming callers).</summary>
        public static IReadOnlyList<ImageImportResult> ImportAll(LocalStickyStore store, CallerIdentity caller, IEnumerable<string> paths, ImageImportOptions options = null)
        {
            using (var importer = new ImageImporter(store, caller, options))
            {
                var results = new List<ImageImportResult>();
                foreach (var p in paths)
                {
                    importer.Post(p);
                    while (importer.TryTake(out var r))
                    {
                        results.Add(r);
                    }
                }

                results.AddRange(importer.Drain());
                return results;
            }
        }

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

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (!_results.IsCompleted)
            {
                Cancel();
            }

            foreach (var t in _classifiers.Concat(_workers).Concat(_stagers))
            {
                t.Join();
            }

            _writer.Join();
            _cache.Dispose();
            _cancel.Dispose();
        }

        /// <summary>Takes paths in lookup batches and classifies them; what needs a file opened goes to the workers.</summary>
        private void ClassifierLoop()
        {
            var batch = new List<PostedPath>(_options.LookupBatchSize);
            try
            {
                while (!_cancel.IsCancellationRequested)
                {
                    batch.Clear();
                    if (!_input.TryTake(out var first, Timeout.Infinite, _cancel.Token))
                    {
                        break;
                    }

                    batch.Add(first);
                    while (batch.Count < _options.LookupBatchSize && _input.TryTake(out var more))
                    {
                        batch.Add(more);
                    }

                    ClassifyBatch(batch);
                }
            }
            catch (OperationCanceledException)
            {
                // Cancelled while waiting for input.
            }
            catch (InvalidOperationException) when (_input.IsCompleted)
            {
                // Input completed while waiting.
            }
        }

        private void ClassifierExit()
        {
            if (Interlocked.Decrement(ref _classifiersLeft) == 0)
            {
                _ready.CompleteAdding();
            }
        }

        /// <summary>Hashes, parses and thumbnails one file at a time.</summary>
        private void WorkerLoop()
        {
            try
            {
                while (!_cancel.IsCancellationRequested)
                {
                    if (!_ready.TryTake(out var next, Timeout.Infinite, _cancel.Token))
                    {
                        break;
                    }

                    ProcessOne(next.Candidate, next.StoredMd5);
                }
            }
            catch (OperationCanceledException)
            {
                // Cancelled while waiting for work.
            }
            catch (InvalidOperationException) when (_ready.IsCompleted)
            {
                // Work completed while waiting.
            }
        }

        private void WorkerExit()
        {
            if (Interlocked.Decrement(ref _workersLeft) == 0)
            {
                _toStage.CompleteAdding();
            }
        }

        /// <summary>Has the store write parsed images' files (flushed to disk), then queues them for the writer.</summary>
        private void StagerLoop()
        {
            try
            {
                while (!_cancel.IsCancellationRequested)
                {
                    if (!_toStage.TryTake(out var next, Timeout.Infinite, _cancel.Token))
                    {
                        break;
                    }

                    Stage(next);
                }
            }
            catch (OperationCanceledException)
            {
                // Cancelled: parsed files not yet written are abandoned, as files being read are.
            }
            catch (InvalidOperationException) when (_toStage.IsCompleted)
            {
                // Work completed while waiting.
            }
        }

        private void StagerExit()
        {
            if (Interlocked.Decrement(ref _stagersLeft) == 0)
            {
                _toCommit.CompleteAdding();
            }
        }

        /// <summary>Name, stat and cache for the whole batch; one store lookup for it; then each file as needed.</summary>
        private void ClassifyBatch(List<PostedPath> paths)
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
                stored = keys.Count > 0 ? _store.GetStoredMd5s(keys) : new Dictionary<ImageKey, string>();
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // The lookup runs on its own thread now: the batch's files fail with the reason rather than the
                // thread dying (which would end the process) or the files vanishing without a result.
                var failure = ex is ObjectDisposedException ? AsStoreFailure(ex) : WorkerGuard.Unexpected(ex, _store.RootDirectory);
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

                _ready.Add(new ReadyFile { Candidate = c, StoredMd5 = storedMd5 }, _cancel.Token);
            }
        }

        private void ProcessOne(Candidate c, string storedMd5)
        {
            try
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
                    if (_cancel.IsCancellationRequested)
                    {
                        return;
                    }

                    _toStage.Add(new PendingImage { Candidate = c, Parsed = parsed, Bytes = buffer, Length = length }, _cancel.Token);
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
            catch (StickyPiException ex)
            {
                Release(c);
                Emit(Failed(c, ex));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Release(c);
                Emit(Failed(c, new StickyPiException(StickyErrorIds.FileUnreadable, StickyErrorKind.ResourceUnavailable, $"{c.Path}: {ex.Message}", c.Path, ex)));
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                Release(c);
                Emit(Failed(c, WorkerGuard.Unexpected(ex, c.Path)));
            }
        }

        private void Stage(PendingImage p)
        {
            var c = p.Candidate;
            try
            {
                // For a replacement the store keeps the new files pending until the commit swaps row and files in
                // one transaction, so a crash never leaves the old row pointing at new files.
                try
                {
                    Inject("stage", c.Path);
                    p.Staged = _store.StageImage(p.Parsed, p.Bytes, p.Length);
                }
                finally
                {
                    StickyImageParser.FileBufferPool.Return(p.Bytes);
                    p.Bytes = null;
                }

                _toCommit.Add(p);
            }
            catch (StickyPiException ex)
            {
                Release(c);
                Emit(Failed(c, ex));
            }
            catch (ObjectDisposedException ex)
            {
                Release(c);
                Emit(Failed(c, AsStoreFailure(ex)));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Release(c);
                Emit(Failed(c, new StickyPiException(StickyErrorIds.FileUnreadable, StickyErrorKind.ResourceUnavailable, $"{c.Path}: {ex.Message}", c.Path, ex)));
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                Release(c);
                Emit(Failed(c, WorkerGuard.Unexpected(ex, c.Path)));
            }
        }

        private StickyPiException AsStoreFailure(Exception ex) =>
            ex as StickyPiException ?? new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                "The store " + _store.RootDirectory + " was closed during the import (" + ex.Message + ").", _store.RootDirectory, ex);

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

        private void WriterLoop()
        {
            var batch = new List<PendingImage>(_options.CommitBatchSize);
            while (true)
            {
                batch.Clear();
                if (!TakeForCommit(batch))
                {
                    break;
                }

                Inject("commit-batch", null);
                Commit(batch);
            }
        }

        private void WriterExit()
        {
            try
            {
                _cache.Flush();
            }
            catch (Exception)
            {
                // The cache only saves work; losing it is never an error.
            }

            _results.CompleteAdding();
        }

        /// <summary>Waits for one staged image, then gathers more for up to the commit interval.</summary>
        private bool TakeForCommit(List<PendingImage> batch)
        {
            PendingImage first;
            try
            {
                if (!_toCommit.TryTake(out first, Timeout.Infinite))
                {
                    return false;
                }
            }
            catch (InvalidOperationException)
            {
                return false;
            }

            batch.Add(first);
            var deadline = Stopwatch.StartNew();
            while (batch.Count < _options.CommitBatchSize)
            {
                var left = _options.CommitInterval - deadline.Elapsed;
                if (left <= TimeSpan.Zero || !_toCommit.TryTake(out var next, left))
                {
                    break;
                }

                batch.Add(next);
            }

            return true;
        }

        private void Commit(List<PendingImage> batch)
        {
            // Rows in the order the files were posted (ids as a one-at-a-time import would give them), whichever
            // worker finished first.
            batch.Sort((x, y) => x.Candidate.Sequence.CompareTo(y.Candidate.Sequence));
            try
            {
                CommitGroup(batch);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // Something in the batch was refused (e.g. stored meanwhile): isolate it. Items already committed
                // by an earlier group of this batch are done and never retried.
                foreach (var one in batch.Where(p => !p.Committed))
                {
                    try
                    {
                        CommitGroup(new List<PendingImage> { one });
                    }
                    catch (Exception oneEx) when (!(oneEx is OperationCanceledException))
                    {
                        Release(one.Candidate);
                        Emit(CommitFailure(one, oneEx));
                    }
                }
            }

            try
            {
                _cache.Flush();
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException || ex is IOException || ex is UnauthorizedAccessException)
            {
                // The cache only saves work; the next run rebuilds what is missing.
            }
        }

        private void CommitGroup(List<PendingImage> group)
        {
            foreach (var p in group)
            {
                Inject("commit", p.Candidate.Path);
            }

            foreach (var byReplace in group.GroupBy(p => p.Candidate.Replace))
            {
                var items = byReplace.ToList();
                var rows = _store.CommitStagedImages(_caller, items.Select(p => p.Staged).ToList(), byReplace.Key);
                var byKey = rows.ToDictionary(r => r.Key);
                foreach (var p in items)
                {
                    p.Committed = true;
                    byKey.TryGetValue(p.Parsed.Key, out var row);
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
            }
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
                    storedMd5 = _store.GetStoredMd5(c.Key);
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
            NotifyOpening(c.Path);
            using (var stream = new FileStream(c.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            {
                var md5 = StickyImageParser.ComputeMd5(stream);
                _cache.Add(c.Path, new StatCacheEntry(c.Size, c.ModifiedTicks, c.Key, md5));
                return md5;
            }
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
            _results.Add(result);
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

        private sealed class PendingImage
        {
            public Candidate Candidate;
            public ParsedImage Parsed;
            public byte[] Bytes;
            public int Length;
            public StagedImage Staged;
            public bool Committed;
        }
    }
}
