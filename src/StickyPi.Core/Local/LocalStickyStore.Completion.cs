using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Local
{
    /// <summary>Where algorithm names are looked up for completion.</summary>
    public enum AlgoNameSource
    {
        /// <summary>UID annotations (Set-UidAnnotation, Get-StickyImageToAnnotate).</summary>
        UidAnnotations,

        /// <summary>Tuboid series (Send-/Remove-StickyTuboid).</summary>
        TuboidSeries,

        /// <summary>ITC labels (Set-ItcLabel).</summary>
        ItcLabels,
    }

    /// <summary>
    /// Queries behind argument completion: stored names that match what the user typed so far (a PowerShell wildcard,
    /// completed as <c>typed*</c>), in ordinal order, at most <c>limit</c> of them. They answer within interactive time
    /// on large catalogs: device ids come from a skip-scan of the images' (device, datetime) index, never a scan of
    /// the table; the other tables hold few distinct names.
    /// </summary>
    public sealed partial class LocalStickyStore
    {
        /// <summary>How many completions a query returns when the caller gives no limit.</summary>
        public const int DefaultCompletionLimit = 100;

        // A recursive CTE hops from one device to the next through the index (one seek per distinct device), starting
        // at the smallest case variant of the typed prefix and stopping past its largest, so the cost grows with the
        // number of devices in that range, not with the number of images. The LIKE filter and the limit apply outside.
        private const string DeviceSkipScanSql =
            "WITH RECURSIVE d(device) AS (" +
            " SELECT (SELECT device FROM {0} WHERE device >= $low ORDER BY device LIMIT 1)" +
            " UNION ALL" +
            " SELECT (SELECT device FROM {0} WHERE device > d.device ORDER BY device LIMIT 1) FROM d" +
            " WHERE d.device IS NOT NULL AND ($high IS NULL OR d.device < $high))" +
            " SELECT device FROM d WHERE device IS NOT NULL AND ($high IS NULL OR device < $high)" +
            " AND device LIKE $like ESCAPE '\\' LIMIT $limit";

        /// <summary>Distinct device ids of stored images matching <c>typed*</c> (ASCII case-insensitive).</summary>
        public IReadOnlyList<string> CompleteImageDevices(CallerIdentity caller, string typed, int limit = DefaultCompletionLimit)
        {
            AccessPolicy.Require(caller, ApiOperation.GetImages);
            return CompleteDevices("images", typed, limit);
        }

        /// <summary>Distinct device ids of stored tuboid series matching <c>typed*</c>.</summary>
        public IReadOnlyList<string> CompleteTuboidDevices(CallerIdentity caller, string typed, int limit = DefaultCompletionLimit)
        {
            AccessPolicy.Require(caller, ApiOperation.GetTiledTuboids);
            return CompleteDevices("tuboid_series", typed, limit);
        }

        /// <summary>Names of the projects the caller may see that match <c>typed*</c>.</summary>
        public IReadOnlyList<string> CompleteProjectNames(CallerIdentity caller, string typed, int limit = DefaultCompletionLimit)
        {
            var like = CompletionLike(typed);
            return Limit(GetProjects(caller, new[] { StickyProjectFilter.ByName(like) }).Select(p => p.Name), limit);
        }

        /// <summary>Names of the users the caller may see (administrators: all; others: themselves) that match <c>typed*</c>.</summary>
        public IReadOnlyList<string> CompleteUserNames(CallerIdentity caller, string typed, int limit = DefaultCompletionLimit) =>
            Limit(GetUsers(caller, CompletionLike(typed)).Select(u => u.UserName), limit);

        /// <summary>
        /// User names in the store at <paramref name="rootDirectory"/> matching <c>typed*</c>, read without opening the
        /// store (no schema check, no sweep, nothing written), for completing the user to connect as. An absent or
        /// unreadable catalog gives an empty list. Names are not secret to whoever can read the catalog file.
        /// </summary>
        public static IReadOnlyList<string> ReadUserNames(string rootDirectory, string typed, int limit = DefaultCompletionLimit)
        {
            string db = Path.Combine(Path.GetFullPath(rootDirectory), CatalogSchema.DatabaseFileName);
            if (limit <= 0 || !File.Exists(db))
            {
                return new string[0];
            }

            var cs = new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
            var result = new List<string>();
            try
            {
                using (var conn = new SqliteConnection(cs))
                {
                    conn.Open();
                    using (var cmd = conn.CreateCommand())
                    {
                        cmd.CommandText = "SELECT username FROM users WHERE username LIKE $like ESCAPE '\\' ORDER BY username LIMIT $limit";
                        cmd.Parameters.AddWithValue("$like", CompletionLike(typed));
                        cmd.Parameters.AddWithValue("$limit", limit);
                        using (var reader = cmd.ExecuteReader())
                        {
                            while (reader.Read())
                            {
                                if (!reader.IsDBNull(0))
                                {
                                    result.Add(reader.GetString(0));
                                }
                            }
                        }
                    }
                }
            }
            catch (SqliteException)
            {
                return new string[0];
            }

            return result;
        }

        /// <summary>Distinct algorithm names stored in <paramref name="source"/> that match <c>typed*</c>.</summary>
        public IReadOnlyList<string> CompleteAlgoNames(CallerIdentity caller, AlgoNameSource source, string typed, int limit = DefaultCompletionLimit)
        {
            string table;
            switch (source)
            {
                case AlgoNameSource.UidAnnotations:
                    AccessPolicy.Require(caller, ApiOperation.GetUidAnnotations);
                    table = "uid_annotations";
                    break;
                case AlgoNameSource.TuboidSeries:
                    AccessPolicy.Require(caller, ApiOperation.GetTiledTuboids);
                    table = "tuboid_series";
                    break;
                case AlgoNameSource.ItcLabels:
                    AccessPolicy.Require(caller, ApiOperation.GetItcLabels);
                    table = "itc_labels";
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(source));
            }

            return Query("SELECT DISTINCT algo_name FROM " + table + " WHERE algo_name LIKE $like ESCAPE '\\' ORDER BY algo_name LIMIT $limit",
                CompletionLike(typed), null, null, limit);
        }

        /// <summary>Names of the ML bundles stored (folders under <c>ml/</c> with a valid bundle name) that match <c>typed*</c>.</summary>
        public IReadOnlyList<string> CompleteMlBundleNames(CallerIdentity caller, string typed, int limit = DefaultCompletionLimit)
        {
            AccessPolicy.Require(caller, ApiOperation.GetMlBundleFileList);
            var like = new LikePattern(CompletionLike(typed));
            string mlRoot = Path.Combine(RootDirectory, MlDirName);
            return Guard(() =>
            {
                if (!Directory.Exists(mlRoot))
                {
                    return (IReadOnlyList<string>)new string[0];
                }

                var names = Directory.EnumerateDirectories(mlRoot)
                    .Select(Path.GetFileName)
                    .Where(n => MlBundlePaths.IsValidBundleName(n) && like.IsMatch(n))
                    .OrderBy(n => n, StringComparer.Ordinal);
                return Limit(names, limit);
            });
        }

        /// <summary>The LIKE pattern for "starts with what was typed": the typed wildcard with a trailing <c>*</c>.</summary>
        internal static string CompletionLike(string typed)
        {
            typed = typed ?? string.Empty;
            return DevicePattern.FromWildcard(typed.EndsWith("*", StringComparison.Ordinal) && !typed.EndsWith("`*", StringComparison.Ordinal) ? typed : typed + "*");
        }

        private IReadOnlyList<string> CompleteDevices(string table, string typed, int limit)
        {
            var like = new LikePattern(CompletionLike(typed));

            // Every case variant of the literal prefix sorts between its all-upper and its all-lower form; anything
            // that starts with the all-lower form sorts below that form followed by U+FFFF.
            string low = like.LowestPrefixVariant;
            string high = like.LiteralPrefix.Length == 0 ? null : like.HighestPrefixVariant + "\uffff";
            return Query(DeviceSkipScan(table), like.Pattern, low, high, limit);
        }

        /// <summary>The skip-scan over the distinct devices of a table with an index leading on <c>device</c>.</summary>
        internal static string DeviceSkipScan(string table) =>
            string.Format(System.Globalization.CultureInfo.InvariantCulture, DeviceSkipScanSql, table);

        private IReadOnlyList<string> Query(string sql, string like, string low, string high, int limit)
        {
            if (limit <= 0)
            {
                return new string[0];
            }

            return Guard(() =>
            {
                var result = new List<string>();
                using (var conn = OpenConnection())
                using (var cmd = conn.CreateCommand())
                {
                    cmd.CommandText = sql;
                    cmd.Parameters.AddWithValue("$like", like);
                    cmd.Parameters.AddWithValue("$limit", limit);
                    if (sql.Contains("$low"))
                    {
                        cmd.Parameters.AddWithValue("$low", low ?? string.Empty);
                        cmd.Parameters.Add("$high", SqliteType.Text).Value = (object)high ?? DBNull.Value;
                    }

                    using (var reader = cmd.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            if (!reader.IsDBNull(0))
                            {
                                result.Add(reader.GetString(0));
                            }
                        }
                    }
                }

                return (IReadOnlyList<string>)result;
            });
        }

        /// <summary>Distinct non-empty names in ordinal order, at most <paramref name="limit"/>.</summary>
        internal static IReadOnlyList<string> Limit(IEnumerable<string> names, int limit) =>
            names.Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).Take(Math.Max(0, limit)).ToList();
    }
}
