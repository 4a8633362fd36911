using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using StickyPi.Core;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Sync
{
    /// <summary>
    /// The commit stage the import pipeline and the server's uploads share, over a real store: one transaction per
    /// caller and replace mode, a refused row isolated from the rest of its group, each item told its own outcome.
    /// </summary>
    public sealed class GroupCommitterTests : IDisposable
    {
        private static readonly CallerIdentity Alice = new CallerIdentity(null, "alice", canWrite: true, isAdmin: true);
        private static readonly CallerIdentity Bob = new CallerIdentity(null, "bob", canWrite: true, isAdmin: true);
        private readonly TempDir _input = new TempDir("stickypi-committer-input");
        private readonly TempDir _root = new TempDir("stickypi-committer-store");
        private readonly LocalStickyStore _store;
        private readonly StickyImageParser _parser = new StickyImageParser();
        private readonly ConcurrentQueue<(string caller, int count, bool replace)> _transactions = new ConcurrentQueue<(string, int, bool)>();

        public GroupCommitterTests() => _store = LocalStickyStore.Open(_root.Path);

        public void Dispose()
        {
            _store.Dispose();
            _input.Dispose();
            _root.Dispose();
        }

        [Fact]
        public async Task QueuedItemsAreCommittedInOneTransactionPerCallerAndEachHearsItsRow()
        {
            var files = ImportKit.Generate(_input.Path, 5, seed: 71);
            var items = files.Select((f, i) => Stage(f, i < 3 ? Alice : Bob)).ToList();
            var committer = NewCommitter(TimeSpan.Zero);
            foreach (var item in items)
            {
                Assert.True(committer.Post(item));
            }

            committer.Complete();
            await committer.RunAsync();

            Assert.Equal(new[] { ("alice", 3, false), ("bob", 2, false) }, _transactions.ToArray());
            foreach (var item in items)
            {
                Assert.Null(item.Error);
                Assert.NotNull(item.Row);
                Assert.Equal(item.Staged.Key, item.Row.Key);
                Assert.True(item.Row.Id > 0);
            }

            Assert.Equal(5, ImportKit.AllRows(_store).Count);
            Assert.False(committer.Post(Stage(ImportKit.Generate(Path.Combine(_input.Path, "late"), 1, seed: 72)[0], Alice)));
        }

        [Fact]
        public async Task ARefusedRowFailsAloneAndTheRestOfItsGroupIsStored()
        {
            var files = ImportKit.Generate(_input.Path, 4, seed: 73);
            var first = Stage(files[1], Alice);
            var committer = NewCommitter(TimeSpan.Zero);
            committer.Post(first);
            committer.Complete();
            await committer.RunAsync();
            Assert.NotNull(first.Row);

            // The same key again, staged before the first was committed elsewhere: refused as a duplicate.
            var again = new List<Item> { Stage(files[0], Alice), Stage(files[1], Alice), Stage(files[2], Alice), Stage(files[3], Alice) };
            committer = NewCommitter(TimeSpan.Zero);
            again.ForEach(i => committer.Post(i));
            committer.Complete();
            await committer.RunAsync();

            var refused = Assert.IsType<StickyPiException>(again[1].Error);
            Assert.Equal(StickyErrorIds.DuplicateImage, refused.ErrorId);
            Assert.Null(again[1].Row);
            Assert.All(new[] { again[0], again[2], again[3] }, i => Assert.NotNull(i.Row));
            Assert.Equal(4, ImportKit.AllRows(_store).Count);
            Assert.Equal(first.Row.Md5, _store.GetStoredMd5(first.Staged.Key));
        }

        [Fact]
        public async Task ItemsArrivingWithinTheGatherTimeShareATransaction()
        {
            var files = ImportKit.Generate(_input.Path, 3, seed: 74);
            var committer = NewCommitter(TimeSpan.FromSeconds(30));
            var loop = committer.RunAsync();
            committer.Post(Stage(files[0], Alice));
            await Task.Delay(200);
            committer.Post(Stage(files[1], Alice));
            committer.Post(Stage(files[2], Alice));

            // Complete ends the gathering at once: the batch does not wait out the 30 s.
            committer.Complete();
            Assert.Same(loop, await Task.WhenAny(loop, Task.Delay(TimeSpan.FromSeconds(20))));
            Assert.Equal(new[] { ("alice", 3, false) }, _transactions.ToArray());
        }

        [Fact]
        public async Task ABugOutsideAnyItemEndsTheLoopWithItsException()
        {
            var committer = NewCommitter(TimeSpan.Zero);
            committer.Post(Stage(ImportKit.Generate(_input.Path, 1, seed: 75)[0], Alice));
            committer.Complete();
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => committer.RunAsync(beforeBatch: _ => throw new InvalidOperationException("before batch")));
            Assert.Equal("before batch", e.Message);
            Assert.Empty(ImportKit.AllRows(_store));
        }

        private GroupCommitter<Item, StagedImage> NewCommitter(TimeSpan gather) =>
            new GroupCommitter<Item, StagedImage>(
                (caller, group, replace) =>
                {
                    _transactions.Enqueue((caller.UserName, group.Count, replace));
                    return _store.CommitStagedImages(caller, group.Select(i => i.Staged).ToList(), replace);
                },
                maxBatch: 128, gather);

        private Item Stage(string path, CallerIdentity caller)
        {
            var bytes = File.ReadAllBytes(path);
            return new Item(caller, _store.StageImage(_parser.Parse(bytes, path), bytes));
        }

        private sealed class Item : ICommitItem<StagedImage>
        {
            public Item(CallerIdentity caller, StagedImage staged)
            {
                Caller = caller;
                Staged = staged;
            }

            public CallerIdentity Caller { get; }

            public StagedImage Staged { get; }

            public bool Replace => false;

            public StickyImage Row { get; private set; }

            public Exception Error { get; private set; }

            public void Committed(StickyImage row) => Row = row;

            public void Failed(Exception error) => Error = error;
        }
    }
}
