using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Sync
{
    /// <summary>The stat cache: persistent across opens, rebuilt silently when unusable.</summary>
    public sealed class StatCacheTests : IDisposable
    {
        private static readonly ImageKey K1 = new ImageKey("0a5bb6f4", new DateTime(2020, 6, 20, 20, 19, 15, DateTimeKind.Utc));
        private static readonly ImageKey K2 = new ImageKey("512858f4", new DateTime(2022, 5, 17, 18, 34, 50, DateTimeKind.Utc));
        private readonly TempDir _root = new TempDir("stickypi-statcache");

        public void Dispose() => _root.Dispose();

        private string CacheFile => Path.Combine(_root.Path, "cache", StatCache.FileName);

        private static string Conn(string path) => new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();

        private static void Exec(string path, string sql)
        {
            using (var c = new SqliteConnection(Conn(path)))
            {
                c.Open();
                using (var cmd = c.CreateCommand())
                {
                    cmd.CommandText = sql;
                    cmd.ExecuteNonQuery();
                }
            }
        }

        private static object Scalar(string path, string sql)
        {
            using (var c = new SqliteConnection(Conn(path)))
            {
                c.Open();
                using (var cmd = c.CreateCommand())
                {
                    cmd.CommandText = sql;
                    return cmd.ExecuteScalar();
                }
            }
        }

        private void FillTwo()
        {
            using (var cache = StatCache.Open(_root.Path))
            {
                cache.Add("/data/a/" + K1.FileName, new StatCacheEntry(1234, 637000000000000000, K1, "725a7d5c7eee7ee15533ff1c45cab6de"));
                cache.Add("/data/b/" + K2.FileName, new StatCacheEntry(99, 637000000000000001, K2, "4743bd4d1918fc7d5bfec4cb8adf370c"));
            }
        }

        [Fact]
        public void EntriesSurviveReopen()
        {
            FillTwo();
            Assert.True(File.Exists(CacheFile));
            Assert.Equal(Path.Combine(_root.Path, "cache", "stickypi-stat-cache.v1.sqlite"), CacheFile);

            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.Equal(CacheFile, cache.FilePath);
                Assert.Equal(2, cache.Count);
                Assert.True(cache.TryGet("/data/a/" + K1.FileName, 1234, 637000000000000000, out var e1));
                Assert.Equal(K1, e1.Key);
                Assert.Equal(DateTimeKind.Utc, e1.Key.DateTime.Kind);
                Assert.Equal("725a7d5c7eee7ee15533ff1c45cab6de", e1.Md5);
                Assert.Equal(1234, e1.Size);
                Assert.True(cache.TryGet("/data/b/" + K2.FileName, 99, 637000000000000001, out var e2));
                Assert.Equal(K2, e2.Key);

                // Size or mtime differ, or another path: no hit.
                Assert.False(cache.TryGet("/data/a/" + K1.FileName, 1235, 637000000000000000, out var miss));
                Assert.Null(miss);
                Assert.False(cache.TryGet("/data/a/" + K1.FileName, 1234, 637000000000000001, out _));
                Assert.False(cache.TryGet("/data/A/" + K1.FileName, 1234, 637000000000000000, out _));

                // A newer entry for a path replaces the old one, in memory and on disk.
                cache.Add("/data/a/" + K1.FileName, new StatCacheEntry(1300, 637000000000000005, K1, "ffffffffffffffffffffffffffffffff"));
            }

            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.Equal(2, cache.Count);
                Assert.False(cache.TryGet("/data/a/" + K1.FileName, 1234, 637000000000000000, out _));
                Assert.True(cache.TryGet("/data/a/" + K1.FileName, 1300, 637000000000000005, out var e));
                Assert.Equal("ffffffffffffffffffffffffffffffff", e.Md5);
            }
        }

        [Fact]
        public void FlushesGoToAWriteAheadLogThatTwoOpenCachesShare()
        {
            // Two imports into one store at once (two sessions): each keeps its connection open and flushes in turn.
            using (var first = StatCache.Open(_root.Path))
            using (var second = StatCache.Open(_root.Path))
            {
                Assert.Equal("wal", Scalar(CacheFile, "PRAGMA journal_mode"));
                Parallel.For(0, 40, i =>
                {
                    var cache = i % 2 == 0 ? first : second;
                    var key = new ImageKey("0a5bb6f4", K1.DateTime.AddMinutes(i));
                    cache.Add("/data/" + key.FileName, new StatCacheEntry(i, i, key, i.ToString("x32")));
                    cache.Flush();
                });

                // The log stays while a cache is open (no journal file created and deleted per flush).
                Assert.True(File.Exists(CacheFile + "-wal"));
                Assert.Equal(40L, Scalar(CacheFile, "SELECT COUNT(*) FROM entries"));
            }

            using (var reopened = StatCache.Open(_root.Path))
            {
                Assert.Equal(40, reopened.Count);
                var k = new ImageKey("0a5bb6f4", K1.DateTime.AddMinutes(7));
                Assert.True(reopened.TryGet("/data/" + k.FileName, 7, 7, out var e));
                Assert.Equal(7.ToString("x32"), e.Md5);
            }
        }

        [Fact]
        public void FlushAfterDisposeNeitherWritesNorLeavesTheFileOpen()
        {
            var cache = StatCache.Open(_root.Path);
            cache.Add("/data/a/" + K1.FileName, new StatCacheEntry(1, 2, K1, "725a7d5c7eee7ee15533ff1c45cab6de"));
            cache.Dispose();
            cache.Add("/data/b/" + K2.FileName, new StatCacheEntry(3, 4, K2, "4743bd4d1918fc7d5bfec4cb8adf370c"));
            cache.Flush();

            // Only what was flushed before Dispose is in the file, and no connection keeps its log open.
            Assert.Equal(1L, Scalar(CacheFile, "SELECT COUNT(*) FROM entries"));
            Assert.False(File.Exists(CacheFile + "-wal"));
        }

        [Fact]
        public void OtherFormatVersionIsDroppedAndRebuilt()
        {
            FillTwo();
            Exec(CacheFile, "UPDATE meta SET value = '0' WHERE key = 'format_version'");

            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.Equal(0, cache.Count);
                cache.Add("/x/" + K1.FileName, new StatCacheEntry(1, 2, K1, "00000000000000000000000000000000"));
            }

            Assert.Equal(StatCache.FormatVersion.ToString(), Scalar(CacheFile, "SELECT value FROM meta WHERE key = 'format_version'"));
            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.Equal(1, cache.Count);
                Assert.True(cache.TryGet("/x/" + K1.FileName, 1, 2, out _));
            }
        }

        [Fact]
        public void FutureVersionWithAnotherEntriesLayoutIsRebuilt()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CacheFile));
            Exec(CacheFile, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('format_version', '7');" +
                            "CREATE TABLE entries (id INTEGER PRIMARY KEY, blob BLOB); INSERT INTO entries (blob) VALUES (x'00');");
            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.Equal(0, cache.Count);
                cache.Add("/x/" + K2.FileName, new StatCacheEntry(5, 6, K2, "11111111111111111111111111111111"));
            }

            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.True(cache.TryGet("/x/" + K2.FileName, 5, 6, out _));
            }
        }

        [Fact]
        public void CurrentVersionWithBrokenEntriesTableIsRebuilt()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CacheFile));
            Exec(CacheFile, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('format_version', '" + StatCache.FormatVersion + "');" +
                            "CREATE TABLE entries (path TEXT PRIMARY KEY, something_else TEXT);");
            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.Equal(0, cache.Count);
                cache.Add("/x/" + K2.FileName, new StatCacheEntry(5, 6, K2, "11111111111111111111111111111111"));
            }

            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.True(cache.TryGet("/x/" + K2.FileName, 5, 6, out _));
            }
        }

        [Theory]
        [InlineData("garbage")]
        [InlineData("truncated")]
        [InlineData("empty")]
        [InlineData("text")]
        public void CorruptCacheFileIsRebuiltSilently(string damage)
        {
            FillTwo();
            var bytes = File.ReadAllBytes(CacheFile);
            switch (damage)
            {
                case "garbage":
                    File.WriteAllBytes(CacheFile, Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 + 7)).ToArray());
                    break;
                case "truncated":
                    // Keeps the SQLite header, loses the pages the header announces.
                    File.WriteAllBytes(CacheFile, bytes.Take(Math.Min(bytes.Length - 1, 200)).ToArray());
                    break;
                case "empty":
                    File.WriteAllBytes(CacheFile, new byte[0]);
                    break;
                default:
                    File.WriteAllText(CacheFile, "SQLite format 3\0 but not really\n");
                    break;
            }

            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.Equal(0, cache.Count);
                cache.Add("/y/" + K1.FileName, new StatCacheEntry(10, 20, K1, "22222222222222222222222222222222"));
            }

            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.Equal(1, cache.Count);
                Assert.True(cache.TryGet("/y/" + K1.FileName, 10, 20, out _));
            }
        }

        [Fact]
        public void ImporterRebuildsACorruptCacheAndStillSkips()
        {
            using (var f = new ImportFixture())
            {
                var files = ImportKit.Generate(f.Input.Path, 5, seed: 51);
                ImportKit.Run(f.Store, files);
                string cacheFile = Directory.GetFiles(f.CacheDir).Single(p => p.EndsWith(".sqlite", StringComparison.Ordinal));
                File.WriteAllBytes(cacheFile, Enumerable.Repeat((byte)0xAB, 4096).ToArray());

                var second = ImportKit.Run(f.Store, files);
                Assert.All(second.Results, r => Assert.True(r.Status == ImportStatus.Skipped && !r.FromCache, r.ToString()));
                Assert.Equal(5, second.Progress.FilesOpened);

                var third = ImportKit.Run(f.Store, files);
                Assert.All(third.Results, r => Assert.True(r.Status == ImportStatus.Skipped && r.FromCache, r.ToString()));
                Assert.Equal(0, third.Progress.FilesOpened);
            }
        }

        [Fact]
        public void ConcurrentAddsAndFlushesLoseNothing()
        {
            using (var cache = StatCache.Open(_root.Path))
            {
                Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
                {
                    var key = new ImageKey("0a5bb6f4", new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i));
                    cache.Add("/p/" + key.FileName, new StatCacheEntry(i, i, key, i.ToString("x32")));
                    if (i % 97 == 0)
                    {
                        cache.Flush();
                    }
                });
            }

            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.Equal(2000, cache.Count);
            }
        }

        [Fact]
        public void DeletedCacheFolderIsRecreated()
        {
            FillTwo();
            Directory.Delete(Path.Combine(_root.Path, "cache"), true);
            using (var cache = StatCache.Open(_root.Path))
            {
                Assert.Equal(0, cache.Count);
            }

            Assert.True(File.Exists(CacheFile));
        }
    }
}
