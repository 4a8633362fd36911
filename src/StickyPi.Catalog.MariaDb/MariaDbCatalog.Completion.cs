using System;
using System.Collections.Generic;
using System.Linq;
using MySqlConnector;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.MariaDb
{
    /// <summary>
    /// Queries behind argument completion, as the embedded store answers them: stored names matching what was typed
    /// (<c>typed*</c>, case-insensitive), distinct, in ordinal order, at most <c>limit</c>. Device ids come from the
    /// (device, datetime) keys, which MariaDB reads for DISTINCT without touching the rows.
    /// </summary>
    public sealed partial class MariaDbCatalog
    {
        /// <summary>Distinct device ids of stored images matching <c>typed*</c>.</summary>
        public IReadOnlyList<string> CompleteImageDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetImages);
            return DistinctNames("device", "images", typed, limit);
        }

        /// <summary>Distinct device ids of stored tuboid series matching <c>typed*</c>.</summary>
        public IReadOnlyList<string> CompleteTuboidDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetTiledTuboids);
            return DistinctNames("device", "tuboid_series", typed, limit);
        }

        /// <summary>Names of the projects the caller may see that match <c>typed*</c>.</summary>
        public IReadOnlyList<string> CompleteProjectNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            LocalStickyStore.Limit(GetProjects(caller, new[] { StickyProjectFilter.ByName(LocalStickyStore.CompletionLike(typed)) }).Select(p => p.Name), limit);

        /// <summary>Names of the users the caller may see (administrators: all; others: themselves) that match <c>typed*</c>.</summary>
        public IReadOnlyList<string> CompleteUserNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            LocalStickyStore.Limit(GetUsers(caller, LocalStickyStore.CompletionLike(typed)).Select(u => u.UserName), limit);

        /// <summary>Distinct algorithm names stored in <paramref name="source"/> that match <c>typed*</c>.</summary>
        public IReadOnlyList<string> CompleteAlgoNames(CallerIdentity caller, AlgoNameSource source, string typed, int limit = LocalStickyStore.DefaultCompletionLimit)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), source == AlgoNameSource.UidAnnotations ? ApiOperation.GetUidAnnotations
                : source == AlgoNameSource.TuboidSeries ? ApiOperation.GetTiledTuboids
                : source == AlgoNameSource.ItcLabels ? ApiOperation.GetItcLabels
                : throw new ArgumentOutOfRangeException(nameof(source)));
            var table = source == AlgoNameSource.UidAnnotations ? "uid_annotations" : source == AlgoNameSource.TuboidSeries ? "tuboid_series" : "itc_labels";
            return DistinctNames("algo_name", table, typed, limit);
        }

        /// <summary>
        /// Distinct values of a column matching <c>typed*</c>. GROUP BY BINARY keeps values that differ only in case
        /// apart (the collation would fold them), and the order is the embedded store's ordinal one.
        /// </summary>
        private IReadOnlyList<string> DistinctNames(string column, string table, string typed, int limit)
        {
            if (limit <= 0)
            {
                return new string[0];
            }

            return Run(conn =>
            {
                var names = new List<string>();
                using (var cmd = new MySqlCommand("SELECT " + column + " FROM " + table + " WHERE " + column + " LIKE @like ESCAPE '\\\\' " +
                    "GROUP BY CAST(" + column + " AS BINARY) ORDER BY CAST(" + column + " AS BINARY) LIMIT " + limit, conn))
                {
                    cmd.Parameters.AddWithValue("@like", LocalStickyStore.CompletionLike(typed));
                    using (var r = cmd.ExecuteReader())
                    {
                        while (r.Read())
                        {
                            if (!r.IsDBNull(0))
                            {
                                names.Add(r.GetString(0));
                            }
                        }
                    }
                }

                return LocalStickyStore.Limit(names, limit);
            });
        }
    }
}
