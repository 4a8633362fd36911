using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Local
{
    /// <summary>Tiled tuboids (spec §3.4): series, tuboid rows and their three files under <c>tiled_tuboids/</c>.</summary>
    public sealed partial class LocalStickyStore
    {
        /// <summary>Folder of the tuboid files under the store root (spec §5.1).</summary>
        public const string TiledTuboidsDirName = "tiled_tuboids";

        /// <summary>Directory of a tuboid's files: <c>tiled_tuboids/&lt;series id&gt;/&lt;tuboid_id&gt;</c>.</summary>
        public string GetTuboidDirectory(string tuboidId)
        {
            var name = Parsing.TuboidDirectory.ParseName(tuboidId);
            return Path.Combine(RootDirectory, TiledTuboidsDirName, name.SeriesId, name.TuboidId);
        }

        /// <summary>
        /// Stores tuboid directories (upstream <c>_put_tiled_tuboids</c> with the client's checks, spec §3.4, §3.9), one
        /// result per directory: Sent, or Failed with <c>InvalidTuboidName</c>, <c>MissingTuboidFile</c>,
        /// <c>InvalidTuboidMetadata</c>, <c>SeriesFull</c>, <c>TuboidOutsideSeries</c> or <c>DuplicateTuboid</c>.
        /// The series (device, start, end, algo_name, algo_version) is created at the first stored tuboid with the
        /// counts of <paramref name="info"/> (both required, spec §8 #23); an existing series keeps its own counts.
        /// Each tuboid is checked and stored under the catalog's write lock: its three files are copied through the
        /// private temporary folder and renamed into place (a stored tuboid's files are never overwritten, spec §8 #6),
        /// then its row commits. <c>api_user_id</c> is the caller for the series and the tuboids (spec §8 #13).
        /// Directories are processed in the given order (upstream: from the end).
        /// </summary>
        public IReadOnlyList<TuboidUploadResult> PutTiledTuboids(CallerIdentity caller, IEnumerable<string> tuboidDirectories, TuboidSeriesInfo info)
        {
            AccessPolicy.Require(caller, ApiOperation.PutTiledTuboids);
            if (tuboidDirectories == null)
            {
                throw new ArgumentNullException(nameof(tuboidDirectories));
            }

            if (info == null)
            {
                throw new ArgumentNullException(nameof(info));
            }

            info.Validate();
            var dirs = tuboidDirectories.ToList();
            var results = new List<TuboidUploadResult>(dirs.Count);
            long? seriesId = null;
            foreach (var dir in dirs)
            {
                results.Add(Guard(() => PutOneTuboid(caller, dir, info, ref seriesId)));
            }

            return results;
        }

        /// <summary>
        /// Tuboids whose parent series matches the query (spec §3.4 <c>get_tiled_tuboid_series</c>: device LIKE, closed
        /// bounds on the series), each with the six series fields, and with <paramref name="includeFiles"/> the paths of
        /// tuboid.jpg, metadata.txt and context.jpg. Sorted by device, series start, series id, id_in_series.
        /// </summary>
        public IReadOnlyList<TiledTuboid> GetTiledTuboidSeries(CallerIdentity caller, TuboidQuery query, bool includeFiles = false) =>
            EnumerateTiledTuboidSeries(caller, query, includeFiles).ToList();

        /// <summary>
        /// As <see cref="GetTiledTuboidSeries"/>, streamed: each tuboid is handed out as its row is read, in one read
        /// transaction; disposing the enumerator closes the reader. Access and arguments are checked now.
        /// </summary>
        public IEnumerable<TiledTuboid> EnumerateTiledTuboidSeries(CallerIdentity caller, TuboidQuery query, bool includeFiles = false)
        {
            AccessPolicy.Require(caller, ApiOperation.GetTiledTuboids);
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            return Streamed(() => MatchingSeriesRows(query,
                "SELECT " + TuboidRows.SeriesColumns + ", " + TuboidRows.TuboidColumns + " FROM tuboid_series AS s CROSS JOIN tiled_tuboids AS t",
                "AND t.parent_series_id = s.id",
                "ORDER BY s.start_datetime, s.id, t.id_in_series, t.id",
                r => ReadTuboid(r, new TiledTuboid(), includeFiles)));
        }

        /// <summary>Opens a connection and a read transaction and maps the rows of <see cref="ForEachMatchingSeries"/> as they are read.</summary>
        private IEnumerable<T> MatchingSeriesRows<T>(TuboidQuery query, string select, string join, string tail, Func<RowReader, T> map)
        {
            using (var conn = OpenConnection())
            using (var tx = conn.BeginTransaction(deferred: true))
            {
                foreach (var r in MatchingSeriesRows(conn, tx, query, select, join, tail))
                {
                    yield return map(r);
                }

                tx.Commit();
            }
        }

        /// <summary>
        /// Deletes the series matching the query (same selection as <see cref="GetTiledTuboidSeries"/>), their tuboids
        /// and ITC labels (cascade), and the tuboids' files and directories (admin only). Per series the catalog
        /// commits first and the files go after, so a crash can leave orphan files but never a row without its files
        /// (a later upload of the same tuboid replaces such leftovers). Empty series directories are removed too.
        /// Returns the deleted series rows.
        /// </summary>
        public IReadOnlyList<TuboidSeries> DeleteTiledTuboids(CallerIdentity caller, TuboidQuery query)
        {
            AccessPolicy.Require(caller, ApiOperation.DeleteTiledTuboids);
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            return Guard(() =>
            {
                var candidates = new List<TuboidSeries>();
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: true))
                {
                    ForEachMatchingSeries(conn, tx, query, "SELECT " + TuboidRows.SeriesColumns + " FROM tuboid_series AS s", string.Empty,
                        "ORDER BY s.start_datetime, s.id", r => candidates.Add(TuboidRows.ReadSeries(r)));
                    tx.Commit();
                }

                var deleted = new List<TuboidSeries>();
                foreach (var series in candidates)
                {
                    var tuboidIds = new List<string>();
                    using (var conn = OpenConnection())
                    using (var tx = conn.BeginTransaction(deferred: false))
                    {
                        using (var cmd = conn.CreateCommand())
                        {
                            cmd.Transaction = tx;
                            cmd.CommandText = "SELECT tuboid_id FROM tiled_tuboids WHERE parent_series_id = $id";
                            cmd.Parameters.AddWithValue("$id", series.Id);
                            using (var reader = cmd.ExecuteReader())
                            {
                                while (reader.Read())
                                {
                                    tuboidIds.Add(reader.GetString(0));
                                }
                            }

                            cmd.CommandText = "DELETE FROM tuboid_series WHERE id = $id";
                            if (cmd.ExecuteNonQuery() == 0)
                            {
                                continue; // deleted meanwhile by someone else
                            }
                        }

                        BeforeCommit?.Invoke();
                        tx.Commit();
                    }

                    deleted.Add(series);
                    var seriesDirs = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var tuboidId in tuboidIds)
                    {
                        string dir;
                        try
                        {
                            dir = GetTuboidDirectory(tuboidId);
                        }
                        catch (StickyPiException)
                        {
                            continue; // a row written by someone else with a name we would not accept: no files of ours
                        }

                        DeleteTuboidFiles(dir);
                        seriesDirs.Add(Path.GetDirectoryName(dir));
                    }

                    foreach (var seriesDir in seriesDirs)
                    {
                        TryDeleteEmptyDirectory(seriesDir);
                    }
                }

                return (IReadOnlyList<TuboidSeries>)deleted;
            });
        }

        // ---------------------------------------------------------------- helpers

        private TuboidUploadResult PutOneTuboid(CallerIdentity caller, string dir, TuboidSeriesInfo info, ref long? seriesId)
        {
            TuboidName name = null;
            try
            {
                name = Parsing.TuboidDirectory.ParseName(dir);
                Parsing.TuboidDirectory.CheckFiles(dir);
                var meta = Parsing.TuboidDirectory.ReadMetadata(Path.Combine(dir, Parsing.TuboidDirectory.MetadataFileName), Limits.MaxMetadataFileBytes);
                if (seriesId == null)
                {
                    seriesId = FindOrCreateSeries(caller, info);
                }

                var tuboid = StoreTuboid(caller, dir, name, meta, seriesId.Value);
                return new TuboidUploadResult { Path = dir, TuboidId = name.TuboidId, Status = ImportStatus.Sent, Tuboid = tuboid };
            }
            catch (StickyPiException e) when (TuboidChecks.IsPerTuboid(e))
            {
                return TuboidUploadResult.Failed(dir, name?.TuboidId, e);
            }
        }

        private long FindOrCreateSeries(CallerIdentity caller, TuboidSeriesInfo info)
        {
            using (var conn = OpenConnection())
            using (var tx = conn.BeginTransaction(deferred: false))
            {
                using (var cmd = conn.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = "SELECT id FROM tuboid_series WHERE device = $d AND start_datetime >= $s0 AND start_datetime < $s1 " +
                                      "AND end_datetime >= $e0 AND end_datetime < $e1 AND algo_name = $n AND algo_version = $v ORDER BY id LIMIT 1";
                    var start = StickyTime.Normalize(info.StartDateTime);
                    var end = StickyTime.Normalize(info.EndDateTime);
                    cmd.Parameters.AddWithValue("$d", info.Device);
                    cmd.Parameters.AddWithValue("$s0", SqliteRows.Bound(start));
                    cmd.Parameters.AddWithValue("$s1", SqliteRows.NextSecondBound(start));
                    cmd.Parameters.AddWithValue("$e0", SqliteRows.Bound(end));
                    cmd.Parameters.AddWithValue("$e1", SqliteRows.NextSecondBound(end));
                    cmd.Parameters.AddWithValue("$n", info.AlgoName);
                    cmd.Parameters.AddWithValue("$v", info.AlgoVersion);
                    var existing = cmd.ExecuteScalar();
                    if (existing != null && !(existing is DBNull))
                    {
                        tx.Commit();
                        return Convert.ToInt64(existing, CultureInfo.InvariantCulture);
                    }

                    cmd.Parameters.Clear();
                    cmd.CommandText =
                        "INSERT INTO tuboid_series (datetime_created, api_version, api_user_id, device, start_datetime, end_datetime, " +
                        "n_images, n_tuboids, algo_name, algo_version) VALUES ($created, $apiVersion, $apiUser, $d, $s, $e, $ni, $nt, $n, $v); " +
                        "SELECT last_insert_rowid();";
                    cmd.Parameters.AddWithValue("$created", StickyTime.ToDatabase(Now()));
                    cmd.Parameters.AddWithValue("$apiVersion", ApiVersion);
                    cmd.Parameters.AddWithValue("$apiUser", SqliteRows.DbValue(caller.Id));
                    cmd.Parameters.AddWithValue("$d", info.Device);
                    cmd.Parameters.AddWithValue("$s", StickyTime.ToDatabase(start));
                    cmd.Parameters.AddWithValue("$e", StickyTime.ToDatabase(end));
                    cmd.Parameters.AddWithValue("$ni", info.ImageCount.Value);
                    cmd.Parameters.AddWithValue("$nt", info.TuboidCount.Value);
                    cmd.Parameters.AddWithValue("$n", info.AlgoName);
                    cmd.Parameters.AddWithValue("$v", info.AlgoVersion);
                    long id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
                    tx.Commit();
                    return id;
                }
            }
        }

        private TiledTuboid StoreTuboid(CallerIdentity caller, string dir, TuboidName name, TuboidMetadata meta, long seriesId)
        {
            using (var conn = OpenConnection())
            using (var tx = conn.BeginTransaction(deferred: false))
            {
                TuboidSeries series;
                int stored;
                using (var cmd = conn.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = "SELECT " + TuboidRows.SeriesColumns + ", (SELECT COUNT(*) FROM tiled_tuboids AS t WHERE t.parent_series_id = s.id) AS n_stored " +
                                      "FROM tuboid_series AS s WHERE s.id = $id";
                    cmd.Parameters.AddWithValue("$id", seriesId);
                    using (var reader = cmd.ExecuteReader())
                    {
                        var r = new RowReader(reader);
                        if (!r.Read())
                        {
                            throw new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                                "The tuboid series " + seriesId + " was deleted during the upload.", dir);
                        }

                        series = TuboidRows.ReadSeries(r);
                        stored = (int)(SqliteRows.Int64OrNull(r, "n_stored") ?? 0);
                    }
                }

                // Upstream's order of checks: series full, then bounds, then the unique tuboid id.
                TuboidChecks.CheckFits(series, stored, name, meta, dir);

                using (var cmd = conn.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = "SELECT 1 FROM tiled_tuboids WHERE tuboid_id = $t";
                    cmd.Parameters.AddWithValue("$t", name.TuboidId);
                    if (cmd.ExecuteScalar() != null)
                    {
                        throw TuboidChecks.DuplicateTuboid(dir, name.TuboidId);
                    }
                }

                // No row has this tuboid id, so whatever sits at the final names is an orphan of a crashed upload or
                // delete: replacing it overwrites nothing stored.
                string finalDir = Path.Combine(RootDirectory, TiledTuboidsDirName, name.SeriesId, name.TuboidId);
                var placed = PlaceTuboidFiles(dir, finalDir);
                try
                {
                    var created = Now();
                    long id;
                    using (var cmd = conn.CreateCommand())
                    {
                        cmd.Transaction = tx;
                        cmd.CommandText =
                            "INSERT INTO tiled_tuboids (datetime_created, api_version, api_user_id, parent_series_id, tuboid_id, id_in_series, " +
                            "start_datetime, end_datetime, n_shots) VALUES ($created, $apiVersion, $apiUser, $p, $t, $i, $s, $e, $n); " +
                            "SELECT last_insert_rowid();";
                        cmd.Parameters.AddWithValue("$created", StickyTime.ToDatabase(created));
                        cmd.Parameters.AddWithValue("$apiVersion", ApiVersion);
                        cmd.Parameters.AddWithValue("$apiUser", SqliteRows.DbValue(caller.Id));
                        cmd.Parameters.AddWithValue("$p", seriesId);
                        cmd.Parameters.AddWithValue("$t", name.TuboidId);
                        cmd.Parameters.AddWithValue("$i", name.IdInSeries);
                        cmd.Parameters.AddWithValue("$s", StickyTime.ToDatabase(meta.StartDateTime));
                        cmd.Parameters.AddWithValue("$e", StickyTime.ToDatabase(meta.EndDateTime));
                        cmd.Parameters.AddWithValue("$n", meta.NShots);
                        id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
                    }

                    BeforeCommit?.Invoke();
                    tx.Commit();
                    return new TiledTuboid
                    {
                        Id = id,
                        ParentSeriesId = seriesId,
                        TuboidId = name.TuboidId,
                        IdInSeries = name.IdInSeries,
                        StartDateTime = meta.StartDateTime,
                        EndDateTime = meta.EndDateTime,
                        NShots = meta.NShots,
                        DateTimeCreated = created,
                        ApiVersion = ApiVersion,
                        ApiUserId = caller.Id,
                        AlgoNameSeries = series.AlgoName,
                        AlgoVersionSeries = series.AlgoVersion,
                        NTuboidsSeries = series.NTuboids,
                        DeviceSeries = series.Device,
                        StartDateTimeSeries = series.StartDateTime,
                        EndDateTimeSeries = series.EndDateTime,
                    };
                }
                catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
                {
                    RemovePlaced(placed, finalDir);
                    throw TuboidChecks.DuplicateTuboid(dir, name.TuboidId, e);
                }
                catch
                {
                    RemovePlaced(placed, finalDir);
                    throw;
                }
            }
        }

        /// <summary>Copies the three files to flushed temporary files, then renames them into place (tuboid.jpg last).</summary>
        private List<string> PlaceTuboidFiles(string sourceDir, string finalDir)
        {
            var order = new[] { Parsing.TuboidDirectory.MetadataFileName, Parsing.TuboidDirectory.ContextFileName, Parsing.TuboidDirectory.TuboidFileName };
            var temps = new List<string>();
            var placed = new List<string>();
            try
            {
                foreach (var f in order)
                {
                    var bytes = TuboidChecks.ReadFile(sourceDir, f, Limits);
                    temps.Add(_files.WriteTemp(bytes));
                }

                Directory.CreateDirectory(finalDir);
                for (int i = 0; i < order.Length; i++)
                {
                    string final = Path.Combine(finalDir, order[i]);
                    LocalFileStore.MoveReplacing(temps[i], final);
                    placed.Add(final);
                }

                return placed;
            }
            catch
            {
                foreach (var t in temps)
                {
                    LocalFileStore.TryDelete(t);
                }

                RemovePlaced(placed, finalDir);
                throw;
            }
        }

        private static void RemovePlaced(List<string> placed, string finalDir)
        {
            foreach (var p in placed)
            {
                LocalFileStore.TryDelete(p);
            }

            TryDeleteEmptyDirectory(finalDir);
            TryDeleteEmptyDirectory(Path.GetDirectoryName(finalDir));
        }

        private static void DeleteTuboidFiles(string dir)
        {
            // tuboid.jpg first: a directory missing it is visibly incomplete, never mistaken for a stored tuboid.
            LocalFileStore.TryDelete(Path.Combine(dir, Parsing.TuboidDirectory.TuboidFileName));
            LocalFileStore.TryDelete(Path.Combine(dir, Parsing.TuboidDirectory.ContextFileName));
            LocalFileStore.TryDelete(Path.Combine(dir, Parsing.TuboidDirectory.MetadataFileName));
            TryDeleteEmptyDirectory(dir);
        }

        private static void TryDeleteEmptyDirectory(string dir)
        {
            try
            {
                if (dir != null && Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    Directory.Delete(dir, false);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <summary>
        /// Runs <paramref name="select"/> once per stored series device matching the pattern (walking the unique
        /// (device, start_datetime, …) index), with the closed series window and the optional algorithm filters, then
        /// <paramref name="join"/> and <paramref name="tail"/>. Devices in ordinal order.
        /// </summary>
        private static void ForEachMatchingSeries(SqliteConnection conn, SqliteTransaction tx, TuboidQuery query, string select, string join, string tail,
            Action<RowReader> onRow)
        {
            foreach (var r in MatchingSeriesRows(conn, tx, query, select, join, tail))
            {
                onRow(r);
            }
        }

        /// <summary>The rows of <see cref="ForEachMatchingSeries"/>, one reader open at a time (the same RowReader per device, advanced).</summary>
        private static IEnumerable<RowReader> MatchingSeriesRows(SqliteConnection conn, SqliteTransaction tx, TuboidQuery query, string select, string join, string tail)
        {
            var devices = MatchingSeriesDevices(conn, tx, new LikePattern(query.DeviceLikePattern));
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                var sql = select + " WHERE s.device = $device AND s.start_datetime >= $start";
                cmd.Parameters.AddWithValue("$start", SqliteRows.Bound(query.Start));

                // Closed upper bound to the second: stored values carry a fraction, so compare with the next second.
                var endSecond = StickyTime.Normalize(query.End);
                if (endSecond < DateTime.MaxValue.AddSeconds(-1))
                {
                    sql += " AND s.end_datetime < $endNext";
                    cmd.Parameters.AddWithValue("$endNext", SqliteRows.Bound(endSecond.AddSeconds(1)));
                }

                if (query.AlgoName != null)
                {
                    sql += " AND s.algo_name = $algoName";
                    cmd.Parameters.AddWithValue("$algoName", query.AlgoName);
                }

                if (query.AlgoVersion != null)
                {
                    sql += " AND s.algo_version = $algoVersion";
                    cmd.Parameters.AddWithValue("$algoVersion", query.AlgoVersion);
                }

                cmd.CommandText = sql + " " + join + " " + tail;
                var pDevice = cmd.Parameters.Add("$device", SqliteType.Text);
                foreach (var device in devices)
                {
                    pDevice.Value = device;
                    using (var reader = cmd.ExecuteReader())
                    {
                        var r = new RowReader(reader);
                        while (r.Read())
                        {
                            yield return r;
                        }
                    }
                }
            }
        }

        /// <summary>Distinct series devices matching a LIKE pattern, one index seek per distinct device (as <c>MatchingDevices</c> for images).</summary>
        private static List<string> MatchingSeriesDevices(SqliteConnection conn, SqliteTransaction tx, LikePattern like)
        {
            var devices = new List<string>();
            string highest = like.HighestPrefixVariant;
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT device FROM tuboid_series WHERE device >= $p ORDER BY device LIMIT 1";
                var p = cmd.Parameters.AddWithValue("$p", like.LowestPrefixVariant);
                while (true)
                {
                    var next = cmd.ExecuteScalar() as string;
                    if (next == null)
                    {
                        break;
                    }

                    if (highest.Length > 0 && string.CompareOrdinal(next, highest) > 0 && !next.StartsWith(highest, StringComparison.Ordinal))
                    {
                        break;
                    }

                    if (like.IsMatch(next))
                    {
                        devices.Add(next);
                    }

                    p.Value = next;
                    cmd.CommandText = "SELECT device FROM tuboid_series WHERE device > $p ORDER BY device LIMIT 1";
                }
            }

            return devices;
        }

        private T ReadTuboid<T>(RowReader r, T t, bool includeFiles) where T : TiledTuboid
        {
            TuboidRows.ReadTuboid(r, t);
            if (includeFiles)
            {
                // Upstream's layout: the series directory is the tuboid id without its last field.
                string dir = Path.Combine(RootDirectory, TiledTuboidsDirName, t.SeriesId, t.TuboidId);
                t.TuboidFile = Path.Combine(dir, Parsing.TuboidDirectory.TuboidFileName);
                t.MetadataFile = Path.Combine(dir, Parsing.TuboidDirectory.MetadataFileName);
                t.ContextFile = Path.Combine(dir, Parsing.TuboidDirectory.ContextFileName);
            }

            return t;
        }
    }
}
