using System;
using System.Collections.Generic;
using System.Linq;
using MySqlConnector;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Catalog.MariaDb
{
    /// <summary>
    /// Tuboid series, tiled tuboids (spec §3.4) and ITC labels (spec §3.5) in upstream's tables, with the embedded
    /// store's rules (<c>TuboidChecks</c>) and row mapping (<c>TuboidRows</c>). A tuboid's files are the composite's: it
    /// places them from inside <see cref="InsertTuboid"/>, once every check has passed, and the row commits after.
    /// </summary>
    public sealed partial class MariaDbCatalog
    {
        /// <summary>
        /// The series (device, start, end, algo_name, algo_version) of <paramref name="info"/>, created with its counts
        /// (both required, spec §8 #23) when no series has that identity; an existing series keeps its own counts.
        /// </summary>
        public TuboidSeries FindOrCreateTuboidSeries(CallerIdentity caller, TuboidSeriesInfo info)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutTiledTuboids);
            (info ?? throw new ArgumentNullException(nameof(info))).Validate();
            var start = StickyTime.Normalize(info.StartDateTime);
            var end = StickyTime.Normalize(info.EndDateTime);
            return Run(conn =>
            {
                using (var tx = conn.BeginTransaction())
                {
                    var existing = ReadSeries(conn, tx, "s.device = @d AND s.start_datetime = @s AND s.end_datetime = @e AND s.algo_name = @n AND s.algo_version = @v",
                        cmd =>
                        {
                            cmd.Parameters.AddWithValue("@d", info.Device);
                            cmd.Parameters.AddWithValue("@s", start);
                            cmd.Parameters.AddWithValue("@e", end);
                            cmd.Parameters.AddWithValue("@n", info.AlgoName);
                            cmd.Parameters.AddWithValue("@v", info.AlgoVersion);
                        }, forUpdate: true);
                    if (existing.Count > 0)
                    {
                        tx.Commit();
                        return existing.OrderBy(s => s.Id).First();
                    }

                    long id;
                    using (var insert = new MySqlCommand("INSERT INTO tuboid_series (datetime_created, api_version, api_user_id, device, start_datetime, end_datetime, " +
                        "n_images, n_tuboids, algo_name, algo_version) VALUES (@created, @apiVersion, @apiUser, @d, @s, @e, @ni, @nt, @n, @v)", conn, tx))
                    {
                        insert.Parameters.AddWithValue("@created", StickyTime.Normalize(DateTime.UtcNow));
                        insert.Parameters.AddWithValue("@apiVersion", LocalStickyStore.ApiVersion);
                        insert.Parameters.AddWithValue("@apiUser", (object)caller.Id ?? DBNull.Value);
                        insert.Parameters.AddWithValue("@d", info.Device);
                        insert.Parameters.AddWithValue("@s", start);
                        insert.Parameters.AddWithValue("@e", end);
                        insert.Parameters.AddWithValue("@ni", info.ImageCount.Value);
                        insert.Parameters.AddWithValue("@nt", info.TuboidCount.Value);
                        insert.Parameters.AddWithValue("@n", info.AlgoName);
                        insert.Parameters.AddWithValue("@v", info.AlgoVersion);
                        insert.ExecuteNonQuery();
                        id = insert.LastInsertedId;
                    }

                    var created = ReadSeries(conn, tx, "s.id = @id", cmd => cmd.Parameters.AddWithValue("@id", id), forUpdate: false).Single();
                    tx.Commit();
                    return created;
                }
            });
        }

        /// <summary>
        /// Stores one tuboid's row in its series, under upstream's checks in upstream's order: the series is not full
        /// (<c>SeriesFull</c>), the shots lie within it (<c>TuboidOutsideSeries</c>), the tuboid id is new
        /// (<c>DuplicateTuboid</c>). The series row stays locked from the checks to the commit, so concurrent uploads
        /// cannot overfill it. Once the checks pass, <paramref name="placeFiles"/> (when given) puts the files in place
        /// and returns how to take them back, which is done when the row then cannot be stored. Errors name
        /// <paramref name="source"/> (the tuboid's directory or upload).
        /// </summary>
        public TiledTuboid InsertTuboid(CallerIdentity caller, long seriesId, TuboidName name, TuboidMetadata meta, string source, Func<Action> placeFiles = null)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutTiledTuboids);
            if (name == null)
            {
                throw new ArgumentNullException(nameof(name));
            }

            if (meta == null)
            {
                throw new ArgumentNullException(nameof(meta));
            }

            return Run(conn =>
            {
                using (var tx = conn.BeginTransaction())
                {
                    var series = ReadSeries(conn, tx, "s.id = @id", cmd => cmd.Parameters.AddWithValue("@id", seriesId), forUpdate: true).SingleOrDefault()
                        ?? throw new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                            "The tuboid series " + seriesId + " was deleted during the upload.", source);
                    int stored;
                    using (var count = new MySqlCommand("SELECT COUNT(*) FROM tiled_tuboids WHERE parent_series_id = @id", conn, tx))
                    {
                        count.Parameters.AddWithValue("@id", seriesId);
                        stored = Convert.ToInt32(count.ExecuteScalar());
                    }

                    TuboidChecks.CheckFits(series, stored, name, meta, source);
                    using (var exists = new MySqlCommand("SELECT 1 FROM tiled_tuboids WHERE tuboid_id = @t", conn, tx))
                    {
                        exists.Parameters.AddWithValue("@t", name.TuboidId);
                        if (exists.ExecuteScalar() != null)
                        {
                            throw TuboidChecks.DuplicateTuboid(source, name.TuboidId);
                        }
                    }

                    var undo = placeFiles?.Invoke();
                    try
                    {
                        long id;
                        var created = StickyTime.Normalize(DateTime.UtcNow);
                        using (var insert = new MySqlCommand("INSERT INTO tiled_tuboids (datetime_created, api_version, api_user_id, parent_series_id, tuboid_id, " +
                            "id_in_series, start_datetime, end_datetime, n_shots) VALUES (@created, @apiVersion, @apiUser, @p, @t, @i, @s, @e, @n)", conn, tx))
                        {
                            insert.Parameters.AddWithValue("@created", created);
                            insert.Parameters.AddWithValue("@apiVersion", LocalStickyStore.ApiVersion);
                            insert.Parameters.AddWithValue("@apiUser", (object)caller.Id ?? DBNull.Value);
                            insert.Parameters.AddWithValue("@p", seriesId);
                            insert.Parameters.AddWithValue("@t", name.TuboidId);
                            insert.Parameters.AddWithValue("@i", name.IdInSeries);
                            insert.Parameters.AddWithValue("@s", StickyTime.Normalize(meta.StartDateTime));
                            insert.Parameters.AddWithValue("@e", StickyTime.Normalize(meta.EndDateTime));
                            insert.Parameters.AddWithValue("@n", meta.NShots);
                            try
                            {
                                insert.ExecuteNonQuery();
                            }
                            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
                            {
                                throw TuboidChecks.DuplicateTuboid(source, name.TuboidId, e);
                            }

                            id = insert.LastInsertedId;
                        }

                        var tuboid = TuboidsWhere(conn, tx, "t.id = @id", cmd => cmd.Parameters.AddWithValue("@id", id), withLabels: false).Single();
                        tx.Commit();
                        return (TiledTuboid)tuboid;
                    }
                    catch
                    {
                        undo?.Invoke();
                        throw;
                    }
                }
            });
        }

        /// <summary>
        /// Tuboids whose series matches the query (spec §3.4 <c>get_tiled_tuboid_series</c>: device LIKE, the series'
        /// start at or after <c>Start</c> and its end at or before <c>End</c> to the second, optional algorithm name and
        /// version), each with its series' fields. Sorted by device, series start, series id, id_in_series.
        /// </summary>
        public IReadOnlyList<TiledTuboid> GetTiledTuboidSeries(CallerIdentity caller, TuboidQuery query)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetTiledTuboids);
            var (where, bind) = SeriesFilter(query ?? throw new ArgumentNullException(nameof(query)));
            return Run(conn => TuboidsWhere(conn, null, where, bind, withLabels: false)).Select(t => (TiledTuboid)t).ToList();
        }

        /// <summary>
        /// Tuboids matching the query left-joined with their ITC labels (spec §3.9): one row per tuboid and label, a
        /// tuboid without label once with a null label; the tuboid's own id kept (spec §8 #22).
        /// </summary>
        public IReadOnlyList<LabelledTiledTuboid> GetTiledTuboidSeriesWithItcLabels(CallerIdentity caller, TuboidQuery query)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetTiledTuboids);
            AccessPolicy.Require(caller, ApiOperation.GetItcLabels);
            var (where, bind) = SeriesFilter(query ?? throw new ArgumentNullException(nameof(query)));
            return Run(conn => TuboidsWhere(conn, null, where, bind, withLabels: true));
        }

        /// <summary>
        /// Deletes the series matching the query (the selection of <see cref="GetTiledTuboidSeries"/>), their tuboids
        /// and labels cascading, in one transaction (administrators only), and returns each deleted series with its
        /// tuboid ids, whose files the caller removes once this has returned.
        /// </summary>
        public IReadOnlyList<DeletedTuboidSeries> DeleteTiledTuboids(CallerIdentity caller, TuboidQuery query)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.DeleteTiledTuboids);
            var (where, bind) = SeriesFilter(query ?? throw new ArgumentNullException(nameof(query)));
            return Run(conn =>
            {
                using (var tx = conn.BeginTransaction())
                {
                    var deleted = new List<DeletedTuboidSeries>();
                    foreach (var series in ReadSeries(conn, tx, where, bind, forUpdate: true))
                    {
                        var ids = new List<string>();
                        using (var cmd = new MySqlCommand("SELECT tuboid_id FROM tiled_tuboids WHERE parent_series_id = @id ORDER BY id_in_series, id", conn, tx))
                        {
                            cmd.Parameters.AddWithValue("@id", series.Id);
                            using (var r = cmd.ExecuteReader())
                            {
                                while (r.Read())
                                {
                                    ids.Add(r.GetString(0));
                                }
                            }

                            cmd.CommandText = "DELETE FROM tuboid_series WHERE id = @id";
                            cmd.ExecuteNonQuery();
                        }

                        deleted.Add(new DeletedTuboidSeries(series, ids));
                    }

                    tx.Commit();
                    return (IReadOnlyList<DeletedTuboidSeries>)deleted;
                }
            });
        }

        /// <summary>
        /// Stores ITC labels (upstream <c>put_itc_labels</c>), each in its own transaction as upstream (earlier ones stay
        /// when a later one fails), one result per item: stored, or failed with <c>InvalidItcLabel</c>,
        /// <c>TuboidNotFound</c> or <c>DuplicateItcLabel</c> (same tuboid, algo_name and algo_version; under upstream's
        /// collation names differing only in case are the same).
        /// </summary>
        public IReadOnlyList<ItcLabelResult> PutItcLabels(CallerIdentity caller, IEnumerable<ItcLabelSubmission> labels)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutItcLabels);
            return TuboidChecks.PutEachLabel(labels, item => Run(conn => PutOneLabel(conn, caller, item)));
        }

        /// <summary>Every label of the tuboids with exactly these ids; unknown ids contribute nothing. Sorted by tuboid id, then label id.</summary>
        public IReadOnlyList<ItcLabel> GetItcLabels(CallerIdentity caller, IEnumerable<string> tuboidIds)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetItcLabels);
            var ids = (tuboidIds ?? throw new ArgumentNullException(nameof(tuboidIds))).Where(i => !string.IsNullOrEmpty(i)).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 0)
            {
                return new ItcLabel[0];
            }

            var wanted = new HashSet<string>(ids, StringComparer.Ordinal);
            return Run(conn =>
            {
                var result = new List<ItcLabel>();
                foreach (var chunk in SqliteRows.Chunk(ids, SqliteRows.ChunkSize))
                {
                    using (var cmd = new MySqlCommand { Connection = conn })
                    {
                        var names = new List<string>();
                        for (int n = 0; n < chunk.Count; n++)
                        {
                            names.Add("@i" + n);
                            cmd.Parameters.AddWithValue("@i" + n, chunk[n]);
                        }

                        cmd.CommandText = "SELECT t.tuboid_id AS t_tuboid_id, " + TuboidRows.LabelColumns("`") +
                            " FROM tiled_tuboids AS t JOIN itc_labels AS l ON l.parent_tuboid_id = t.id WHERE t.tuboid_id IN (" + string.Join(", ", names) + ")";
                        using (var reader = cmd.ExecuteReader())
                        {
                            var r = new RowReader(reader);
                            while (r.Read())
                            {
                                var label = TuboidRows.ReadLabel(r);
                                if (wanted.Contains(label.TuboidId))
                                {
                                    result.Add(label);
                                }
                            }
                        }
                    }
                }

                return (IReadOnlyList<ItcLabel>)result.OrderBy(l => l.TuboidId, StringComparer.Ordinal).ThenBy(l => l.Id).ToList();
            });
        }

        // ---------------------------------------------------------------- helpers

        private static ItcLabel PutOneLabel(MySqlConnection conn, CallerIdentity caller, ItcLabelSubmission item)
        {
            using (var tx = conn.BeginTransaction())
            using (var cmd = new MySqlCommand("SELECT id, tuboid_id FROM tiled_tuboids WHERE tuboid_id = @t FOR UPDATE", conn, tx))
            {
                cmd.Parameters.AddWithValue("@t", item.TuboidId);
                long? parent = null;
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        if (r.GetString(1) == item.TuboidId)
                        {
                            parent = r.GetInt64(0);
                        }
                    }
                }

                if (parent == null)
                {
                    throw TuboidChecks.TuboidNotFound(item);
                }

                cmd.Parameters.Clear();
                cmd.CommandText = "SELECT 1 FROM itc_labels WHERE parent_tuboid_id = @p AND algo_name = @n AND algo_version = @v";
                cmd.Parameters.AddWithValue("@p", parent);
                cmd.Parameters.AddWithValue("@n", item.AlgoName);
                cmd.Parameters.AddWithValue("@v", item.AlgoVersion);
                if (cmd.ExecuteScalar() != null)
                {
                    throw TuboidChecks.DuplicateLabel(item);
                }

                var created = StickyTime.Normalize(DateTime.UtcNow);
                cmd.Parameters.Clear();
                cmd.CommandText = "INSERT INTO itc_labels (datetime_created, api_version, api_user_id, parent_tuboid_id, algo_name, algo_version, label, " +
                    "pattern, type, `order`, family, genus, species) VALUES (@created, @apiVersion, @apiUser, @p, @n, @v, @label, @pattern, " +
                    "@type, @order, @family, @genus, @species)";
                cmd.Parameters.AddWithValue("@created", created);
                cmd.Parameters.AddWithValue("@apiVersion", LocalStickyStore.ApiVersion);
                cmd.Parameters.AddWithValue("@apiUser", (object)caller.Id ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@p", parent);
                cmd.Parameters.AddWithValue("@n", item.AlgoName);
                cmd.Parameters.AddWithValue("@v", item.AlgoVersion);
                cmd.Parameters.AddWithValue("@label", item.Label);
                cmd.Parameters.AddWithValue("@pattern", item.Pattern);
                cmd.Parameters.AddWithValue("@type", item.Type);
                cmd.Parameters.AddWithValue("@order", (object)item.Order ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@family", (object)item.Family ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@genus", (object)item.Genus ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@species", (object)item.Species ?? DBNull.Value);
                try
                {
                    cmd.ExecuteNonQuery();
                }
                catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
                {
                    throw TuboidChecks.DuplicateLabel(item, e);
                }

                var stored = new ItcLabel
                {
                    Id = cmd.LastInsertedId,
                    ParentTuboidId = parent.Value,
                    TuboidId = item.TuboidId,
                    DateTimeCreated = created,
                    ApiVersion = LocalStickyStore.ApiVersion,
                    ApiUserId = caller.Id,
                };
                stored.CopyLabelFrom(item);
                tx.Commit();
                return stored;
            }
        }

        /// <summary>The series filter of a tuboid query: device LIKE, start ≥, end ≤ to the second, optional algorithm name and version.</summary>
        private static (string Where, Action<MySqlCommand> Bind) SeriesFilter(TuboidQuery query)
        {
            var where = "s.device LIKE @device ESCAPE '\\\\' AND s.start_datetime >= @start AND s.end_datetime <= @end" +
                (query.AlgoName != null ? " AND s.algo_name = @algoName" : string.Empty) +
                (query.AlgoVersion != null ? " AND s.algo_version = @algoVersion" : string.Empty);
            return (where, cmd =>
            {
                cmd.Parameters.AddWithValue("@device", query.DeviceLikePattern);
                cmd.Parameters.AddWithValue("@start", StickyTime.AsUtc(query.Start));
                cmd.Parameters.AddWithValue("@end", StickyTime.Normalize(query.End)); // stored ends are whole seconds: ≤ the end's second
                if (query.AlgoName != null)
                {
                    cmd.Parameters.AddWithValue("@algoName", query.AlgoName);
                }

                if (query.AlgoVersion != null)
                {
                    cmd.Parameters.AddWithValue("@algoVersion", query.AlgoVersion);
                }
            });
        }

        private static List<TuboidSeries> ReadSeries(MySqlConnection conn, MySqlTransaction tx, string where, Action<MySqlCommand> bind, bool forUpdate)
        {
            using (var cmd = new MySqlCommand("SELECT " + TuboidRows.SeriesColumns + " FROM tuboid_series AS s WHERE " + where + (forUpdate ? " FOR UPDATE" : string.Empty), conn, tx))
            {
                bind(cmd);
                var list = new List<TuboidSeries>();
                using (var reader = cmd.ExecuteReader())
                {
                    var r = new RowReader(reader);
                    while (r.Read())
                    {
                        list.Add(TuboidRows.ReadSeries(r));
                    }
                }

                return list.OrderBy(s => s.Device, StringComparer.Ordinal).ThenBy(s => s.StartDateTime).ThenBy(s => s.Id).ToList();
            }
        }

        /// <summary>Tuboids (with their labels, left-joined, when asked) whose rows satisfy <paramref name="where"/>, in the embedded store's order.</summary>
        private static List<LabelledTiledTuboid> TuboidsWhere(MySqlConnection conn, MySqlTransaction tx, string where, Action<MySqlCommand> bind, bool withLabels)
        {
            using (var cmd = new MySqlCommand("SELECT " + TuboidRows.SeriesColumns + ", " + TuboidRows.TuboidColumns +
                (withLabels ? ", " + TuboidRows.LabelColumns("`") : string.Empty) +
                " FROM tuboid_series AS s JOIN tiled_tuboids AS t ON t.parent_series_id = s.id" +
                (withLabels ? " LEFT JOIN itc_labels AS l ON l.parent_tuboid_id = t.id" : string.Empty) +
                " WHERE " + where, conn, tx))
            {
                bind(cmd);
                var list = new List<LabelledTiledTuboid>();
                using (var reader = cmd.ExecuteReader())
                {
                    var r = new RowReader(reader);
                    while (r.Read())
                    {
                        var t = TuboidRows.ReadTuboid(r, new LabelledTiledTuboid());
                        if (withLabels && SqliteRows.Int64OrNull(r, "l_id") != null)
                        {
                            t.ItcLabel = TuboidRows.ReadLabel(r);
                        }

                        list.Add(t);
                    }
                }

                return list.OrderBy(t => t.DeviceSeries, StringComparer.Ordinal).ThenBy(t => t.StartDateTimeSeries).ThenBy(t => t.ParentSeriesId)
                    .ThenBy(t => t.IdInSeries).ThenBy(t => t.Id).ThenBy(t => t.ItcLabel?.Id ?? 0).ToList();
            }
        }
    }
}
