using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>ITC labels of tiled tuboids (spec §3.5) and the tuboids ⟕ labels join (spec §3.9).</summary>
    public sealed partial class LocalStickyStore
    {
        /// <summary>
        /// Stores ITC labels (upstream <c>put_itc_labels</c>, spec §3.5), each in its own transaction as upstream (earlier
        /// ones stay when a later one fails), one result per item: stored (row with its id), or failed with
        /// <c>TuboidNotFound</c>, <c>DuplicateItcLabel</c> (same tuboid, algo_name and algo_version) or
        /// <c>InvalidItcLabel</c>. <c>api_user_id</c> is the caller.
        /// </summary>
        public IReadOnlyList<ItcLabelResult> PutItcLabels(CallerIdentity caller, IEnumerable<ItcLabelSubmission> labels)
        {
            AccessPolicy.Require(caller, ApiOperation.PutItcLabels);
            return TuboidChecks.PutEachLabel(labels, item => Guard(() => PutOneLabel(caller, item)));
        }

        /// <summary>
        /// Every label of the tuboids with these ids (upstream <c>_get_itc_labels</c>). Unknown ids contribute nothing;
        /// when none matches the result is empty (upstream returns every label of the store, spec §8 #9).
        /// Sorted by tuboid id, then label id.
        /// </summary>
        public IReadOnlyList<ItcLabel> GetItcLabels(CallerIdentity caller, IEnumerable<string> tuboidIds)
        {
            AccessPolicy.Require(caller, ApiOperation.GetItcLabels);
            if (tuboidIds == null)
            {
                throw new ArgumentNullException(nameof(tuboidIds));
            }

            var ids = tuboidIds.Where(i => !string.IsNullOrEmpty(i)).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 0)
            {
                return new ItcLabel[0];
            }

            return Guard(() =>
            {
                var result = new List<ItcLabel>();
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: true))
                {
                    foreach (var chunk in SqliteRows.Chunk(ids, SqliteRows.ChunkSize))
                    {
                        using (var cmd = conn.CreateCommand())
                        {
                            cmd.Transaction = tx;
                            var sb = new StringBuilder("SELECT t.tuboid_id AS t_tuboid_id, " + TuboidRows.LabelColumns("\"") +
                                                       " FROM tiled_tuboids AS t CROSS JOIN itc_labels AS l WHERE t.tuboid_id IN (");
                            for (int n = 0; n < chunk.Count; n++)
                            {
                                sb.Append(n == 0 ? "$i" : ", $i").Append(n);
                                cmd.Parameters.AddWithValue("$i" + n, chunk[n]);
                            }

                            cmd.CommandText = sb.Append(") AND l.parent_tuboid_id = t.id").ToString();
                            using (var reader = cmd.ExecuteReader())
                            {
                                var r = new RowReader(reader);
                                while (r.Read())
                                {
                                    result.Add(TuboidRows.ReadLabel(r));
                                }
                            }
                        }
                    }

                    tx.Commit();
                }

                return (IReadOnlyList<ItcLabel>)result
                    .OrderBy(l => l.TuboidId, StringComparer.Ordinal).ThenBy(l => l.Id).ToList();
            });
        }

        /// <summary>
        /// Tuboids matching the query left-joined with their ITC labels (spec §3.9
        /// <c>get_tiled_tuboid_series_itc_labels</c>): one row per tuboid and label, a tuboid without label once with a
        /// null <see cref="LabelledTiledTuboid.ItcLabel"/>. Unlike upstream the tuboid's own id is kept (spec §8 #22).
        /// </summary>
        public IReadOnlyList<LabelledTiledTuboid> GetTiledTuboidSeriesWithItcLabels(CallerIdentity caller, TuboidQuery query, bool includeFiles = false) =>
            EnumerateTiledTuboidSeriesWithItcLabels(caller, query, includeFiles).ToList();

        /// <summary>As <see cref="GetTiledTuboidSeriesWithItcLabels"/>, streamed as rows are read (see <see cref="EnumerateTiledTuboidSeries"/>).</summary>
        public IEnumerable<LabelledTiledTuboid> EnumerateTiledTuboidSeriesWithItcLabels(CallerIdentity caller, TuboidQuery query, bool includeFiles = false)
        {
            AccessPolicy.Require(caller, ApiOperation.GetTiledTuboids);
            AccessPolicy.Require(caller, ApiOperation.GetItcLabels);
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            return Streamed(() => MatchingSeriesRows(query,
                "SELECT " + TuboidRows.SeriesColumns + ", " + TuboidRows.TuboidColumns + ", " + TuboidRows.LabelColumns("\"") +
                " FROM tuboid_series AS s CROSS JOIN tiled_tuboids AS t LEFT JOIN itc_labels AS l ON l.parent_tuboid_id = t.id",
                "AND t.parent_series_id = s.id",
                "ORDER BY s.start_datetime, s.id, t.id_in_series, t.id, l.id",
                r =>
                {
                    var t = ReadTuboid(r, new LabelledTiledTuboid(), includeFiles);
                    if (SqliteRows.Int64OrNull(r, "l_id") != null)
                    {
                        t.ItcLabel = TuboidRows.ReadLabel(r);
                    }

                    return t;
                }));
        }

        private ItcLabel PutOneLabel(CallerIdentity caller, ItcLabelSubmission item)
        {
            using (var conn = OpenConnection())
            using (var tx = conn.BeginTransaction(deferred: false))
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT id FROM tiled_tuboids WHERE tuboid_id = $t";
                cmd.Parameters.AddWithValue("$t", item.TuboidId);
                var found = cmd.ExecuteScalar();
                if (found == null || found is DBNull)
                {
                    throw TuboidChecks.TuboidNotFound(item);
                }

                long parent = Convert.ToInt64(found, CultureInfo.InvariantCulture);
                cmd.Parameters.Clear();
                cmd.CommandText = "SELECT 1 FROM itc_labels WHERE parent_tuboid_id = $p AND algo_name = $n AND algo_version = $v";
                cmd.Parameters.AddWithValue("$p", parent);
                cmd.Parameters.AddWithValue("$n", item.AlgoName);
                cmd.Parameters.AddWithValue("$v", item.AlgoVersion);
                if (cmd.ExecuteScalar() != null)
                {
                    throw TuboidChecks.DuplicateLabel(item);
                }

                var created = Now();
                cmd.Parameters.Clear();
                cmd.CommandText =
                    "INSERT INTO itc_labels (datetime_created, api_version, api_user_id, parent_tuboid_id, algo_name, algo_version, label, " +
                    "pattern, type, \"order\", family, genus, species) VALUES ($created, $apiVersion, $apiUser, $p, $n, $v, $label, $pattern, " +
                    "$type, $order, $family, $genus, $species); SELECT last_insert_rowid();";
                cmd.Parameters.AddWithValue("$created", StickyTime.ToDatabase(created));
                cmd.Parameters.AddWithValue("$apiVersion", ApiVersion);
                cmd.Parameters.AddWithValue("$apiUser", SqliteRows.DbValue(caller.Id));
                cmd.Parameters.AddWithValue("$p", parent);
                cmd.Parameters.AddWithValue("$n", item.AlgoName);
                cmd.Parameters.AddWithValue("$v", item.AlgoVersion);
                cmd.Parameters.AddWithValue("$label", item.Label);
                cmd.Parameters.AddWithValue("$pattern", item.Pattern);
                cmd.Parameters.AddWithValue("$type", item.Type);
                cmd.Parameters.AddWithValue("$order", SqliteRows.DbValue(item.Order));
                cmd.Parameters.AddWithValue("$family", SqliteRows.DbValue(item.Family));
                cmd.Parameters.AddWithValue("$genus", SqliteRows.DbValue(item.Genus));
                cmd.Parameters.AddWithValue("$species", SqliteRows.DbValue(item.Species));
                long id;
                try
                {
                    id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
                }
                catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
                {
                    throw TuboidChecks.DuplicateLabel(item, e);
                }

                BeforeCommit?.Invoke();
                tx.Commit();
                var stored = new ItcLabel
                {
                    Id = id,
                    ParentTuboidId = parent,
                    DateTimeCreated = created,
                    ApiVersion = ApiVersion,
                    ApiUserId = caller.Id,
                };
                stored.CopyLabelFrom(item);
                return stored;
            }
        }
    }
}
