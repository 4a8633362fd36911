using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Model;

namespace StickyPi.Core.Sync
{
    /// <summary>What the cache remembers of a file it has already read.</summary>
    public sealed class StatCacheEntry
    {
        public StatCacheEntry(long size, long modifiedTicksUtc, ImageKey key, string md5)
        {
            Size = size;
            ModifiedTicksUtc = modifiedTicksUtc;
            Key = key;
            Md5 = md5;
        }

        public long Size { get; }

        public long ModifiedTicksUtc { get; }

        public ImageKey Key { get; }

        public string Md5 { get; }
    }

    /// <summary>
    /// Remembers (device, datetime, md5) of image files by path + size + mtime, so a re-run of an import opens no
    /// unchanged file. Our own versioned SQLite file under the store's <c>cache/</c> folder (upstream keeps a Python
    /// shelve there, <c>cache.pkl</c>, which is not portable); a format change simply rebuilds it.
    /// Thread-safe: lookups are served from memory; additions are persisted by <see cref="Flush"/>.
    /// </summary>
    public sealed class StatCache : IDisposable
    {
        public const int FormatVersion = 1;
        public const string FileName = "stickypi-stat-cache.v1.sqlite";

        private readonly ConcurrentDictionary<string, StatCacheEntry> _entries =
            new ConcurrentDictionary<string, StatCacheEntry>(StringComparer.Ordinal);

        private readonly ConcurrentQueue<KeyValuePair<string, StatCacheEntry>> _pending =
            new ConcurrentQueue<KeyValuePair<string, StatCacheEntry>>();

        private readonly string _connectionString;
        private readonly object _flushGate = new object();

        // One connection for the cache's life: opening and closing per flush would checkpoint and delete the WAL each
        // time. Used under _flushGate only.
        private SqliteConnection _connection;
        private bool _disposed;

        private StatCache(string path)
        {
            FilePath = path;
            _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        }

        public string FilePath { get; }

        public int Count => _entries.Count;

        /// <summary>Opens (or creates) the cache of the store rooted at <paramref name="storeRoot"/>.</summary>
        public static StatCache Open(string storeRoot)
        {
            var dir = Path.Combine(storeRoot, "cache");
            Directory.CreateDirectory(dir);
            var cache = new StatCache(Path.Combine(dir, FileName));
            cache.Load();
            return cache;
        }

        /// <summary>The remembered entry if the file still has the same size and modification time.</summary>
        public bool TryGet(string fullPath, long size, long modifiedTicksUtc, out StatCacheEntry entry)
        {
            if (_entries.TryGetValue(fullPath, out entry) && entry.Size == size && entry.ModifiedTicksUtc == modifiedTicksUtc)
            {
                return true;
            }

            entry = null;
            return false;
        }

        public void Add(string fullPath, StatCacheEntry entry)
        {
            _entries[fullPath] = entry;
            _pending.Enqueue(new KeyValuePair<string, StatCacheEntry>(fullPath, entry));
        }

        /// <summary>Writes pending additions in one transaction.</summary>
        public void Flush()
        {
            lock (_flushGate)
            {
                // After Dispose nothing is reopened (a connection would be left open); the cache only saves work.
                if (_pending.IsEmpty || _disposed)
                {
                    return;
                }

                var connection = Connection();
                using (var tx = connection.BeginTransaction())
                using (var cmd = connection.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = "INSERT OR REPLACE INTO entries (path, size, mtime_ticks, device, datetime, md5) VALUES ($p, $s, $m, $d, $t, $h)";
                    var p = cmd.Parameters.Add("$p", SqliteType.Text);
                    var s = cmd.Parameters.Add("$s", SqliteType.Integer);
                    var m = cmd.Parameters.Add("$m", SqliteType.Integer);
                    var d = cmd.Parameters.Add("$d", SqliteType.Text);
                    var t = cmd.Parameters.Add("$t", SqliteType.Integer);
                    var h = cmd.Parameters.Add("$h", SqliteType.Text);
                    while (_pending.TryDequeue(out var item))
                    {
                        p.Value = item.Key;
                        s.Value = item.Value.Size;
                        m.Value = item.Value.ModifiedTicksUtc;
                        d.Value = item.Value.Key.Device;
                        t.Value = item.Value.Key.DateTime.Ticks;
                        h.Value = item.Value.Md5;
                        cmd.ExecuteNonQuery();
                    }

                    tx.Commit();
                }
            }
        }

        public void Dispose()
        {
            lock (_flushGate)
            {
                try
                {
                    Flush();
                }
                finally
                {
                    _disposed = true;
                    _connection?.Dispose();
                    _connection = null;
                }
            }
        }

        /// <summary>
        /// The open connection. The cache only saves work, so its commits need not reach the disk at once: WAL with
        /// synchronous=NORMAL never corrupts the file on a power cut (it may forget the last flushes), and spares the
        /// import thread one fsync per batch. A cache another process is flushing is waited for, not failed.
        /// </summary>
        private SqliteConnection Connection()
        {
            if (_connection == null)
            {
                var connection = new SqliteConnection(_connectionString);
                try
                {
                    connection.Open();
                    Execute(connection, null, "PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }

                _connection = connection;
            }

            return _connection;
        }

        private void Load()
        {
            try
            {
                LoadOrCreate();
            }
            catch (SqliteException)
            {
                // A damaged cache only costs a re-read of the files: start afresh.
                _connection?.Dispose();
                _connection = null;
                foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
                {
                    File.Delete(FilePath + suffix);
                }

                _entries.Clear();
                LoadOrCreate();
            }
        }

        private void LoadOrCreate()
        {
            lock (_flushGate)
            {
                var connection = Connection();
                using (var tx = connection.BeginTransaction())
                {
                    LoadOrCreate(connection, tx);
                    tx.Commit();
                }
            }
        }

        /// <summary>Creates or upgrades the schema and loads every entry, in one transaction (one commit for a new cache).</summary>
        private void LoadOrCreate(SqliteConnection connection, SqliteTransaction tx)
        {
            Execute(connection, tx, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            string version;
            using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT value FROM meta WHERE key = 'format_version'";
                version = cmd.ExecuteScalar() as string;
            }

            if (version != FormatVersion.ToString(CultureInfo.InvariantCulture))
            {
                Execute(connection, tx, "DROP TABLE IF EXISTS entries");
                Execute(connection, tx, "INSERT OR REPLACE INTO meta (key, value) VALUES ('format_version', '" + FormatVersion.ToString(CultureInfo.InvariantCulture) + "')");
            }

            Execute(connection, tx, "CREATE TABLE IF NOT EXISTS entries (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ticks INTEGER NOT NULL, device TEXT NOT NULL, datetime INTEGER NOT NULL, md5 TEXT NOT NULL)");
            using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT path, size, mtime_ticks, device, datetime, md5 FROM entries";
                using (var reader = cmd.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        var key = new ImageKey(reader.GetString(3), new DateTime(reader.GetInt64(4), DateTimeKind.Utc));
                        _entries[reader.GetString(0)] = new StatCacheEntry(reader.GetInt64(1), reader.GetInt64(2), key, reader.GetString(5));
                    }
                }
            }
        }

        private static void Execute(SqliteConnection connection, SqliteTransaction tx, string sql)
        {
            using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
        }
    }
}
