using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Sync
{
    /// <summary>
    /// The import pipeline with a sink that sends instead of stores (as the remote back-end's uploads will): the same
    /// lookup, parse, stage and commit stages, the same results and error ids, fed one file at a time as an upload
    /// endpoint feeds it.
    /// </summary>
    public sealed class ImportSinkTests : IDisposable
    {
        private readonly TempDir _input = new TempDir("stickypi-sink-input");
        private readonly TempDir _outbox = new TempDir("stickypi-sink-outbox");
        private readonly TempDir _cache = new TempDir("stickypi-sink-cache");

        public void Dispose()
        {
            _input.Dispose();
            _outbox.Dispose();
            _cache.Dispose();
        }

        [Fact]
        public void FilesFedOneByOneAreSentThroughTheSinkAndARerunSkipsThemUnopened()
        {
            var good = ImportKit.Generate(_input.Path, 6, seed: 41);
            string badName = Path.Combine(_input.Path, "not-a-sticky-name.jpg");
            File.Copy(good[0], badName);
            string truncated = Path.Combine(_input.Path, "0a5bb6f4.2021-08-01_00-20-00.jpg");
            var full = File.ReadAllBytes(good[0]);
            File.WriteAllBytes(truncated, full.Take(full.Length / 2).ToArray());
            var sink = new OutboxSink(_outbox.Path);
            var posted = good.Take(3).Concat(new[] { badName, truncated }).Concat(good.Skip(3)).ToList();

            var results = new List<ImageImportResult>();
            using (var pipeline = new ImageImportPipeline<OutboxSink.Parcel>(sink, ImportKit.Admin, _cache.Path, Fast()))
            {
                foreach (var path in posted)
                {
                    // One file in, its result out, before the next (an upload endpoint's shape).
                    Assert.True(pipeline.Post(path));
                    Assert.True(pipeline.TryTake(out var result, TimeSpan.FromSeconds(30)), "no result for " + path);
                    Assert.Equal(Path.GetFullPath(path), result.Path);
                    results.Add(result);
                }

                Assert.Empty(pipeline.Drain());
                Assert.Equal(6, pipeline.Progress.Sent);
                Assert.Equal(2, pipeline.Progress.Failed);
            }

            Assert.Equal(posted.Select(Path.GetFullPath), results.Select(r => r.Path));
            foreach (var (path, r) in posted.Zip(results, (p, r) => (p, r)).Where(x => good.Contains(x.p)))
            {
                Assert.Equal(ImportStatus.Sent, r.Status);
                Assert.Equal(ImportKit.Md5(path), r.Md5);
                Assert.Equal(r.Md5, r.Image.Md5);
                Assert.NotNull(r.Image.Id);

                // What the sink sent is the file itself, with both thumbnails.
                Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(sink.SentPath(r.Image.Key)));
                Assert.True(new FileInfo(sink.SentPath(r.Image.Key) + ".thumbnail.jpg").Length > 0);
            }

            var failed = results.Where(r => r.Status == ImportStatus.Failed).ToDictionary(r => r.Path);
            Assert.Equal(StickyErrorIds.InvalidFileName, failed[Path.GetFullPath(badName)].ErrorId);
            Assert.Equal(StickyErrorIds.TruncatedJpeg, failed[Path.GetFullPath(truncated)].ErrorId);
            Assert.All(failed, f => Assert.Equal(f.Key, f.Value.Error.Target));
            Assert.Equal(6, sink.SentCount);
            Assert.Empty(Directory.GetFiles(sink.StagingDirectory));

            // A new pipeline over the same sink: the stat cache and the sink's lookup decide without opening a file.
            int opened = 0;
            using (var pipeline = new ImageImportPipeline<OutboxSink.Parcel>(sink, ImportKit.Admin, _cache.Path, Fast()))
            {
                pipeline.FileOpening += _ => Interlocked.Increment(ref opened);
                foreach (var path in good)
                {
                    Assert.True(pipeline.Post(path));
                }

                var rerun = pipeline.Drain().ToList();
                Assert.Equal(6, rerun.Count);
                Assert.All(rerun, r => Assert.True(r.Status == ImportStatus.Skipped && r.FromCache, r + " " + r.Reason));
            }

            Assert.Equal(0, opened);
            Assert.Equal(6, sink.SentCount);
        }

        [Fact]
        public void AFaultySinkOrAConflictWithWhatItHoldsFailsThoseFilesOnlyWithTheirIds()
        {
            var files = ImportKit.Generate(_input.Path, 6, seed: 42);
            var sink = new OutboxSink(_outbox.Path)
            {
                // A bug in the sink's send for one file; another file's key is on the far side with other content.
                FailStage = key => key.Equals(ImageFileName.Parse(files[1])) ? new InvalidCastException("bug in the sender") : null,
            };
            sink.Preload(ImageFileName.Parse(files[4]), "0123456789abcdef0123456789abcdef");

            List<ImageImportResult> results;
            using (var pipeline = new ImageImportPipeline<OutboxSink.Parcel>(sink, ImportKit.Admin, _cache.Path, Fast()))
            {
                foreach (var f in files)
                {
                    Assert.True(pipeline.Post(f));
                }

                results = pipeline.Drain().ToList();
            }

            var byPath = results.ToDictionary(r => r.Path);
            var bug = byPath[Path.GetFullPath(files[1])];
            Assert.Equal(ImportStatus.Failed, bug.Status);
            Assert.Equal(StickyErrorIds.UnexpectedError, bug.ErrorId);
            Assert.Equal(StickyErrorKind.Internal, bug.Error.Kind);
            Assert.Equal(Path.GetFullPath(files[1]), bug.Error.Target);
            Assert.IsType<InvalidCastException>(bug.Error.InnerException);

            var conflict = byPath[Path.GetFullPath(files[4])];
            Assert.Equal(ImportStatus.Failed, conflict.Status);
            Assert.Equal(StickyErrorIds.Md5Conflict, conflict.ErrorId);

            Assert.Equal(4, results.Count(r => r.Status == ImportStatus.Sent));
            Assert.Equal(4, sink.SentCount);
        }

        private static ImageImportOptions Fast() => new ImageImportOptions { MaxDegreeOfParallelism = 2, CommitInterval = TimeSpan.FromMilliseconds(5) };

        /// <summary>
        /// A sink that sends: each image goes to an outbox folder (original and thumbnails, as an upload carries them) and
        /// is recorded in a manifest there when committed; what the outbox holds is what the far side "has".
        /// </summary>
        private sealed class OutboxSink : IImageImportSink<OutboxSink.Parcel>
        {
            private readonly string _root;
            private readonly Dictionary<ImageKey, string> _sent = new Dictionary<ImageKey, string>();
            private long _nextId;

            public OutboxSink(string root)
            {
                _root = root;
                StagingDirectory = Path.Combine(root, "staging");
                Directory.CreateDirectory(StagingDirectory);
            }

            public Func<ImageKey, Exception> FailStage { get; set; }

            public string StagingDirectory { get; }

            public string Location => "outbox:" + _root;

            public int SentCount => File.Exists(Manifest) ? File.ReadAllLines(Manifest).Length : 0;

            private string Manifest => Path.Combine(_root, "sent.tsv");

            public string SentPath(ImageKey key) => Path.Combine(_root, "sent", key.Device, key.FileName);

            public void Preload(ImageKey key, string md5)
            {
                lock (_sent)
                {
                    _sent[key] = md5;
                }
            }

            public IDictionary<ImageKey, string> GetStoredMd5s(IEnumerable<ImageKey> keys)
            {
                lock (_sent)
                {
                    return keys.Where(_sent.ContainsKey).Distinct().ToDictionary(k => k, k => _sent[k]);
                }
            }

            public Parcel Stage(ParsedImage parsed, byte[] originalBytes, int length)
            {
                var failure = FailStage?.Invoke(parsed.Key);
                if (failure != null)
                {
                    throw failure;
                }

                var parcel = new Parcel { Parsed = parsed, Staged = Path.Combine(StagingDirectory, Guid.NewGuid().ToString("N")) };
                using (var fs = new FileStream(parcel.Staged, FileMode.CreateNew))
                {
                    fs.Write(originalBytes, 0, length); // the buffer is reused after this call: written now
                }

                File.WriteAllBytes(parcel.Staged + ".thumbnail.jpg", parsed.Thumbnail);
                return parcel;
            }

            public IReadOnlyList<StickyImage> Commit(CallerIdentity caller, IReadOnlyList<Parcel> batch, bool replaceExisting)
            {
                lock (_sent)
                {
                    var taken = batch.FirstOrDefault(p => !replaceExisting && _sent.ContainsKey(p.Parsed.Key));
                    if (taken != null)
                    {
                        throw new StickyPiException(StickyErrorIds.DuplicateImage, StickyErrorKind.Conflict, taken.Parsed.Key.FileName + " was sent already.", taken.Parsed.Key.FileName);
                    }

                    var rows = new List<StickyImage>();
                    foreach (var p in batch)
                    {
                        string target = SentPath(p.Parsed.Key);
                        Directory.CreateDirectory(Path.GetDirectoryName(target));
                        File.Move(p.Staged, target);
                        File.Move(p.Staged + ".thumbnail.jpg", target + ".thumbnail.jpg");
                        File.AppendAllText(Manifest, p.Parsed.Key.FileName + "\t" + p.Parsed.Md5 + "\t" + caller.UserName + Environment.NewLine);
                        _sent[p.Parsed.Key] = p.Parsed.Md5;
                        rows.Add(new StickyImage { Id = ++_nextId, Device = p.Parsed.Device, DateTime = p.Parsed.DateTime, Md5 = p.Parsed.Md5 });
                    }

                    return rows;
                }
            }

            public sealed class Parcel
            {
                public ParsedImage Parsed;
                public string Staged;
            }
        }
    }
}
