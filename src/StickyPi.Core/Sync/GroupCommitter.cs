using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using StickyPi.Core.Model;

namespace StickyPi.Core.Sync
{
    /// <summary>A staged image waiting for its row: who sends it, and where its outcome goes.</summary>
    /// <typeparam name="TStaged">What the sink staged (the store: files in place, row not yet written).</typeparam>
    public interface ICommitItem<out TStaged>
    {
        CallerIdentity Caller { get; }

        TStaged Staged { get; }

        /// <summary>Replace a stored image with the same key instead of refusing the duplicate.</summary>
        bool Replace { get; }

        /// <summary>Called once, on the committer's thread, with the stored row.</summary>
        void Committed(StickyImage row);

        /// <summary>Called once, on the committer's thread, when the row was refused or could not be written.</summary>
        void Failed(Exception error);
    }

    /// <summary>
    /// The commit stage shared by the import pipeline and the server's uploads: one writer (as the stores require)
    /// that waits for a staged image, gathers what else arrives within <c>gather</c> (up to <c>maxBatch</c>) and
    /// commits it in one transaction per caller and replace mode, so many images cost few transactions. A group that
    /// fails is retried image by image, so one bad row never fails the others; each item hears its own outcome.
    /// </summary>
    public sealed class GroupCommitter<TItem, TStaged> where TItem : class, ICommitItem<TStaged>
    {
        private readonly Channel<TItem> _queue = Channel.CreateUnbounded<TItem>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Func<CallerIdentity, IReadOnlyList<TItem>, bool, IReadOnlyList<StickyImage>> _commit;
        private readonly int _maxBatch;
        private readonly TimeSpan _gather;

        /// <param name="commit">Commits one group (one caller, one replace mode) all or nothing; returns one row per item, in order.</param>
        /// <param name="maxBatch">Items committed at most in one batch.</param>
        /// <param name="gather">How long to wait for more items after the first (zero: commit what has arrived).</param>
        public GroupCommitter(Func<CallerIdentity, IReadOnlyList<TItem>, bool, IReadOnlyList<StickyImage>> commit, int maxBatch, TimeSpan gather)
        {
            _commit = commit ?? throw new ArgumentNullException(nameof(commit));
            _maxBatch = maxBatch >= 1 ? maxBatch : throw new ArgumentOutOfRangeException(nameof(maxBatch));
            _gather = gather >= TimeSpan.Zero ? gather : throw new ArgumentOutOfRangeException(nameof(gather));
        }

        /// <summary>Queues a staged image (never blocks; false once <see cref="Complete"/> was called).</summary>
        public bool Post(TItem item) => _queue.Writer.TryWrite(item ?? throw new ArgumentNullException(nameof(item)));

        /// <summary>No more items: <see cref="RunAsync"/> ends once the queued ones are committed.</summary>
        public void Complete() => _queue.Writer.TryComplete();

        /// <summary>
        /// The writer's loop, until <see cref="Complete"/>. Not cancellable: whatever was staged is still committed.
        /// <paramref name="beforeBatch"/> runs before each batch (its exception ends the loop: a bug outside any
        /// item); <paramref name="afterBatch"/> after it.
        /// </summary>
        public async Task RunAsync(Action<List<TItem>> beforeBatch = null, Action afterBatch = null)
        {
            var batch = new List<TItem>(Math.Min(_maxBatch, 1024));
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                var gathering = Stopwatch.StartNew();
                while (batch.Count < _maxBatch)
                {
                    if (_queue.Reader.TryRead(out var next))
                    {
                        batch.Add(next);
                        continue;
                    }

                    if (!await MoreWithin(_gather - gathering.Elapsed).ConfigureAwait(false))
                    {
                        break;
                    }
                }

                if (batch.Count > 0)
                {
                    beforeBatch?.Invoke(batch);
                    CommitBatch(batch);
                    afterBatch?.Invoke();
                }
            }
        }

        /// <summary>True when another item arrives within <paramref name="left"/>.</summary>
        private async Task<bool> MoreWithin(TimeSpan left)
        {
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            using (var timeout = new CancellationTokenSource(left))
            {
                try
                {
                    return await _queue.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    return false;
                }
            }
        }

        private void CommitBatch(List<TItem> batch)
        {
            foreach (var group in batch.GroupBy(i => (i.Caller.Id, i.Caller.UserName, i.Caller.CanWrite, i.Caller.IsAdmin, i.Replace)))
            {
                var items = group.ToList();
                IReadOnlyList<StickyImage> rows;
                try
                {
                    rows = _commit(items[0].Caller, items, items[0].Replace);
                }
                catch (Exception) when (items.Count > 1)
                {
                    // Something in the group was refused (e.g. stored meanwhile): isolate it.
                    foreach (var one in items)
                    {
                        CommitOne(one);
                    }

                    continue;
                }
                catch (Exception e)
                {
                    items[0].Failed(e);
                    continue;
                }

                Report(items, rows);
            }
        }

        private void CommitOne(TItem item)
        {
            IReadOnlyList<StickyImage> rows;
            try
            {
                rows = _commit(item.Caller, new[] { item }, item.Replace);
            }
            catch (Exception e)
            {
                item.Failed(e);
                return;
            }

            Report(new[] { item }, rows);
        }

        private static void Report(IReadOnlyList<TItem> items, IReadOnlyList<StickyImage> rows)
        {
            for (int i = 0; i < items.Count; i++)
            {
                items[i].Committed(rows != null && i < rows.Count ? rows[i] : null);
            }
        }
    }
}
