using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Local;
using StickyPi.Core.Tests.Support;
using StickyPi.Core.Tests.Sync;

namespace StickyPi.Core.Tests.Hostile
{
    /// <summary>
    /// The rule "no exception escapes a worker thread or task": a bug injected into any importer stage fails one
    /// file or stops the import with one error, and this test process (the stand-in for a pwsh session) lives on.
    /// An escaped exception would end the test host, failing the whole run.
    /// </summary>
    public class WorkerGuardTests
    {
        private sealed class InjectedBug : Exception
        {
            public InjectedBug(string message) : base(message)
            {
            }
        }

        [Theory]
        [InlineData("lookup")]
        [InlineData("parse")]
        [InlineData("stage")]
        [InlineData("commit")]
        public void AnUnexpectedExceptionInAStageFailsThatFileOnly(string stage)
        {
            using (var src = new TempDir("stickypi-hostile"))
            using (var store = new StoreDir())
            {
                var paths = ImportKit.Generate(src.Path, 8, seed: 11, width: 64, height: 48);
                var victim = Path.GetFullPath(paths[3]);
                int unhandled = 0;
                UnhandledExceptionEventHandler watch = (_, __) => Interlocked.Increment(ref unhandled);
                AppDomain.CurrentDomain.UnhandledException += watch;
                try
                {
                    var run = ImportKit.Run(store.Store, paths, new ImageImportOptions { MaxDegreeOfParallelism = 2, CommitBatchSize = 4 },
                        importer => importer.FaultInjection = (s, path) =>
                        {
                            if (s == stage && path == victim)
                            {
                                throw new InjectedBug("bug injected into " + s);
                            }
                        });

                    Assert.Equal(8, run.Results.Count);
                    var failed = run.For(victim);
                    Assert.Equal(ImportStatus.Failed, failed.Status);
                    Assert.Equal(StickyErrorIds.UnexpectedError, failed.ErrorId);
                    Assert.Equal(StickyErrorKind.Internal, failed.Error.Kind);
                    Assert.Equal(victim, failed.Error.Target);
                    Assert.IsType<InjectedBug>(failed.Error.InnerException);
                    Assert.Contains("bug injected into " + stage, failed.Reason);
                    Assert.Equal(7, run.Count(ImportStatus.Sent));

                    // Commit-stage failures leave the victim's staged files for a re-run to complete (as a crash would).
                    ImportKit.AssertConsistent(store.Store, ImportKit.Md5s(paths), allowOrphans: stage == "commit");
                    Assert.Equal(7, Kit.Count(store.Db, "images"));

                    var rerun = ImportKit.Run(store.Store, paths);
                    Assert.Equal(ImportStatus.Sent, rerun.For(victim).Status);
                    ImportKit.AssertConsistent(store.Store, ImportKit.Md5s(paths), allowOrphans: false);
                }
                finally
                {
                    AppDomain.CurrentDomain.UnhandledException -= watch;
                }

                Assert.Equal(0, unhandled);
            }
        }

        [Fact]
        public void ABrokenPipelineIsOneErrorOnTheCallersThreadAndTheStoreStaysConsistent()
        {
            using (var src = new TempDir("stickypi-hostile"))
            using (var store = new StoreDir())
            {
                var paths = ImportKit.Generate(src.Path, 6, seed: 12, width: 64, height: 48);
                var e = Assert.Throws<StickyPiException>(() => ImportKit.Run(store.Store, paths, null,
                    importer => importer.FaultInjection = (stage, _) =>
                    {
                        if (stage == "commit-batch")
                        {
                            throw new InjectedBug("the writer's loop broke");
                        }
                    }));

                Assert.Equal(StickyErrorIds.PipelineFailed, e.ErrorId);
                Assert.Equal(StickyErrorKind.Internal, e.Kind);
                Assert.IsType<InjectedBug>(e.InnerException);
                ImportKit.AssertConsistent(store.Store, ImportKit.Md5s(paths), allowOrphans: true);

                // The session (this process) and the store go on: the next import completes the batch.
                var rerun = ImportKit.Run(store.Store, paths);
                Assert.All(rerun.Results, r => Assert.Equal(ImportStatus.Sent, r.Status));
                ImportKit.AssertConsistent(store.Store, ImportKit.Md5s(paths), allowOrphans: false);
            }
        }

        [Fact]
        public void GuardedThreadsHandTheirExceptionToTheOwner()
        {
            var broken = new List<Exception>();
            var thread = OnThread(() => WorkerGuard.RunLoop(() => throw new InjectedBug("loop"), ex => broken.Add(ex)));
            thread.Join();
            Assert.IsType<InjectedBug>(Assert.Single(broken));

            // A failing report and cancellation end the thread quietly too.
            OnThread(() => WorkerGuard.RunLoop(() => throw new InjectedBug("loop"), _ => throw new InjectedBug("report"))).Join();
            OnThread(() => WorkerGuard.RunLoop(() => throw new OperationCanceledException(), ex => broken.Add(ex))).Join();
            Assert.Single(broken);
        }

        /// <summary>A background thread of its own: an exception escaping it would end the test process.</summary>
        private static System.Threading.Thread OnThread(Action body)
        {
            var thread = new System.Threading.Thread(() => body()) { IsBackground = true };
            thread.Start();
            return thread;
        }

        [Fact]
        public async System.Threading.Tasks.Task GuardedTasksNeverFault()
        {
            var broken = new List<Exception>();
            int exits = 0;
            var task = WorkerGuard.RunLoopAsync(async () =>
            {
                await System.Threading.Tasks.Task.Yield();
                throw new InjectedBug("async loop");
            }, broken.Add, () => exits++);
            await task;
            Assert.True(task.IsCompletedSuccessfully);
            Assert.IsType<InjectedBug>(Assert.Single(broken));
            Assert.Equal(1, exits);
        }

        [Fact]
        public void GuardedItemsTurnAnyExceptionIntoATypedFailure()
        {
            Assert.Null(WorkerGuard.RunItem("a", () => { }));
            var typed = new StickyPiException(StickyErrorIds.NotAJpeg, StickyErrorKind.InvalidData, "x", "a");
            Assert.Same(typed, WorkerGuard.RunItem("a", () => throw typed));
            var wrapped = WorkerGuard.RunItem("file.jpg", () => throw new ArgumentOutOfRangeException("ticks"));
            Assert.Equal(StickyErrorIds.UnexpectedError, wrapped.ErrorId);
            Assert.Equal("file.jpg", wrapped.Target);
            Assert.IsType<ArgumentOutOfRangeException>(wrapped.InnerException);
            Assert.Throws<OperationCanceledException>(() => WorkerGuard.RunItem("a", () => throw new OperationCanceledException()));
        }
    }
}
