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
                if (_pending.IsEmpty)
                {
                    return;
                }

                using (var connection = OpenConnection())
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

        public void Dispose() => Flush();

        private SqliteConnection OpenConnection()
        {
            var connection = new SqliteConnection(_connectionString);
            connection.Open();
            return connection;
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
                SqliteConnection.ClearAllPools();
                File.Delete(FilePath);
                _entries.Clear();
                LoadOrCreate();
            }
        }

        private void LoadOrCreate()
        {
            using (var connection = OpenConnection())
            {
                Execute(connection, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                string version;
                using (var cmd = connection.CreateCommand())
                {
                    cmd.CommandText = "SELECT value FROM meta WHERE key = 'format_version'";
                    version = cmd.ExecuteScalar() as string;
                }

                if (version != FormatVersion.ToString(CultureInfo.InvariantCulture))
                {
                    Execute(connection, "DROP TABLE IF EXISTS entries");
                    Execute(connection, "INSERT OR REPLACE INTO meta (key, value) VALUES ('format_version', '" + FormatVersion.ToString(CultureInfo.InvariantCulture) + "')");
                }

                Execute(connection, "CREATE TABLE IF NOT EXISTS entries (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ticks INTEGER NOT NULL, device TEXT NOT NULL, datetime INTEGER NOT NULL, md5 TEXT NOT NULL)");
                using (var cmd = connection.CreateCommand())
                {
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
        }

        private static void Execute(SqliteConnection connection, string sql)
        {
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
        }
    }
}
