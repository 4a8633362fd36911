using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// A SQLite handle of our own for the long catalog reads (series of images and annotations), opened with
    /// <c>SQLITE_OPEN_NOMUTEX</c>. Microsoft.Data.Sqlite opens its handles serialized, so every column read took and
    /// released the connection's mutex: a fifth of a series read's CPU (bench/RESULTS.md). Without the mutex the handle
    /// must be used by one thread at a time, which <see cref="SqliteReadPool"/> guarantees: a handle is either idle in
    /// the pool or held by one enumeration. Same file, same settings as the store's other connections (busy timeout,
    /// page cache); it only reads, so it never changes the catalog.
    /// </summary>
    internal sealed class SqliteReadConnection : IDisposable
    {
        /// <summary>SQLite's default page cache: the size for passes that cannot reuse each other's pages.</summary>
        internal const int SmallCacheKiB = 2048;

        private int _cacheKiB;
        private int _largeCachePages;

        private SqliteReadConnection(sqlite3 db)
        {
            Db = db;
        }

        public sqlite3 Db { get; }

        /// <summary>The database stores text as UTF-8 (SQLite's default, and what upstream's catalogs use).</summary>
        public bool IsUtf8 { get; private set; }

        /// <summary>True while a <c>BEGIN</c> of ours is open (the handle then holds a read snapshot once a statement ran).</summary>
        public bool InTransaction => raw.sqlite3_get_autocommit(Db) == 0;

        public static SqliteReadConnection Open(string databasePath)
        {
            int rc = raw.sqlite3_open_v2(databasePath, out sqlite3 db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_NOMUTEX | raw.SQLITE_OPEN_PRIVATECACHE, null);
            try
            {
                if (rc != raw.SQLITE_OK)
                {
                    SqliteException.ThrowExceptionForRC(rc, db);
                }

                var connection = new SqliteReadConnection(db);
                raw.sqlite3_busy_timeout(db, CatalogSchema.BusyTimeoutMilliseconds);
                connection.SetCacheSize(CatalogSchema.CacheSizeKiB);
                using (var encoding = SqliteStatementRow.Prepare(db, "PRAGMA encoding", utf8: false))
                {
                    connection.IsUtf8 = encoding.Read() && encoding.TextOrNull(0) == "UTF-8";
                }

                using (var pageSize = SqliteStatementRow.Prepare(db, "PRAGMA page_size", utf8: false))
                {
                    long bytes = pageSize.Read() ? pageSize.Int64OrNull(0) ?? 4096 : 4096;
                    connection._largeCachePages = (int)(CatalogSchema.CacheSizeKiB * 1024L / Math.Max(512, bytes));
                }

                return connection;
            }
            catch
            {
                db?.Dispose();
                throw;
            }
        }

        public SqliteStatementRow Prepare(string sql) => SqliteStatementRow.Prepare(Db, sql, IsUtf8);

        /// <summary>
        /// Page cache for the next pass of a multi-pass read. Each pass of a series read (one device) walks the table
        /// pages its rows are on. When a pass missed fewer pages than the cache holds, the next device's rows (same
        /// window, same pages: rows are stored in capture order) are found in the cache, so it stays large
        /// (<see cref="CatalogSchema.CacheSizeKiB"/>: query b −20 %). When it missed more, no page survives to the
        /// next pass whatever the size, and a small cache is faster: its pages stay in the processor's caches while
        /// SQLite recycles them (whole catalog −17 % CPU, bench/RESULTS.md). Resets the miss counter.
        /// </summary>
        public void SizeCacheForNextPass()
        {
            raw.sqlite3_db_status(Db, raw.SQLITE_DBSTATUS_CACHE_MISS, out int missed, out _, 1);
            SetCacheSize(missed > _largeCachePages ? SmallCacheKiB : CatalogSchema.CacheSizeKiB);
        }

        /// <summary>Back to the store's usual cache (a pooled handle starts each read with it) and a fresh miss count.</summary>
        public void ResetCache()
        {
            raw.sqlite3_db_status(Db, raw.SQLITE_DBSTATUS_CACHE_MISS, out _, out _, 1);
            SetCacheSize(CatalogSchema.CacheSizeKiB);
        }

        private void SetCacheSize(int kib)
        {
            if (kib != _cacheKiB)
            {
                Execute("PRAGMA cache_size=-" + kib);
                _cacheKiB = kib;
            }
        }

        public void Execute(string sql)
        {
            int rc = raw.sqlite3_exec(Db, sql);
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, Db);
            }
        }

        public void Dispose() => Db.Dispose();
    }

    /// <summary>
    /// Idle <see cref="SqliteReadConnection"/>s of one store, so a query does not pay for opening the file and parsing
    /// the schema, and finds its pages still in the handle's cache. At most <see cref="MaxIdle"/> are kept; a handle
    /// comes back only outside any transaction (an enumeration stopped early ends its transaction first), so an idle
    /// handle holds no snapshot and no lock. Dispose closes the idle ones; one in use is closed when it is returned.
    /// </summary>
    internal sealed class SqliteReadPool : IDisposable
    {
        public const int MaxIdle = 2;

        private readonly string _databasePath;
        private readonly Stack<SqliteReadConnection> _idle = new Stack<SqliteReadConnection>();
        private bool _disposed;

        public SqliteReadPool(string databasePath)
        {
            _databasePath = databasePath;
        }

        /// <summary>A handle for one read; dispose the lease to end its transaction (if any) and give the handle back.</summary>
        public Lease Take()
        {
            lock (_idle)
            {
                if (_disposed)
                {
                    throw new ObjectDisposedException(nameof(LocalStickyStore));
                }

                if (_idle.Count > 0)
                {
                    return new Lease(this, _idle.Pop());
                }
            }

            return new Lease(this, SqliteReadConnection.Open(_databasePath));
        }

        public void Dispose()
        {
            lock (_idle)
            {
                _disposed = true;
                while (_idle.Count > 0)
                {
                    _idle.Pop().Dispose();
                }
            }
        }

        private void Return(SqliteReadConnection connection)
        {
            lock (_idle)
            {
                if (!_disposed && _idle.Count < MaxIdle && !connection.InTransaction)
                {
                    _idle.Push(connection);
                    return;
                }
            }

            connection.Dispose();
        }

        /// <summary>One enumeration's use of a pooled handle, with its read transaction (one snapshot for every statement).</summary>
        public sealed class Lease : IDisposable
        {
            private readonly SqliteReadPool _pool;
            private SqliteReadConnection _connection;

            public Lease(SqliteReadPool pool, SqliteReadConnection connection)
            {
                _pool = pool;
                _connection = connection;
            }

            public SqliteReadConnection Connection => _connection ?? throw new ObjectDisposedException(nameof(Lease));

            public void Begin() => Connection.Execute("BEGIN DEFERRED");

            public void Commit() => Connection.Execute("COMMIT");

            public void Dispose()
            {
                var connection = _connection;
                if (connection == null)
                {
                    return;
                }

                _connection = null;
                try
                {
                    if (connection.InTransaction)
                    {
                        // Stopped early or failed: a read transaction has nothing to undo; this only drops the snapshot.
                        connection.Execute("ROLLBACK");
                    }
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }

                _pool.Return(connection);
            }
        }
    }
}
