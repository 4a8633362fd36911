using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>Images to annotate and their reservations (<c>uid_intents</c>, spec §2.4, §3.3).</summary>
    public sealed partial class LocalStickyStore
    {
        /// <summary>How long a reservation blocks an image (upstream's code: 6 h; its docstring says 60 min, spec §8 #15).</summary>
        public static readonly TimeSpan IntentLifetime = TimeSpan.FromHours(6);

        /// <summary>Most images one call reserves (upstream: 8 per query entry and 8 in total).</summary>
        public const int ImagesToAnnotateLimit = 8;

        /// <summary>
        /// Reserves and returns up to 8 images of the series that still need annotating by this algorithm (upstream
        /// <c>get_images_to_annotate</c>, spec §3.3): intents older than 6 hours are dropped first (UTC, spec §8 #14);
        /// then images with <c>device LIKE</c> in <c>[Start, End)</c> that no live intent reserves (for any algorithm,
        /// as upstream) and that have no annotation of <paramref name="algoName"/> with an algo_version ≥
        /// <paramref name="algoVersion"/> (text comparison, as upstream) are selected, oldest first, and one intent per
        /// image is inserted (<c>api_user_id</c> = caller). All in one write transaction, so concurrent workers (threads
        /// or processes) never get the same image.
        /// </summary>
        public IReadOnlyList<StickyImage> GetImagesToAnnotate(CallerIdentity caller, string algoName, string algoVersion, ImageSeriesQuery query,
            ImageFileKind what = ImageFileKind.Metadata)
        {
            AccessPolicy.Require(caller, ApiOperation.GetImagesToAnnotate);
            CheckKind(what);
            if (string.IsNullOrEmpty(algoName))
            {
                throw new ArgumentException("An algorithm name is required.", nameof(algoName));
            }

            if (string.IsNullOrEmpty(algoVersion))
            {
                throw new ArgumentException("An algorithm version is required.", nameof(algoVersion));
            }

            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            return Guard(() =>
            {
                var result = new List<StickyImage>();
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: false))
                {
                    var now = Now();
                    using (var expire = conn.CreateCommand())
                    {
                        expire.Transaction = tx;
                        expire.CommandText = "DELETE FROM uid_intents WHERE datetime_created < $cutoff";
                        expire.Parameters.AddWithValue("$cutoff", StickyTime.ToDatabase(now - IntentLifetime));
                        expire.ExecuteNonQuery();
                    }

                    if (query.End > query.Start)
                    {
                        var devices = MatchingDevices(conn, tx, new LikePattern(query.DeviceLikePattern));
                        using (var cmd = conn.CreateCommand())
                        {
                            cmd.Transaction = tx;
                            cmd.CommandText =
                                "SELECT " + SqliteRows.ImageColumns + " FROM images AS i" +
                                " WHERE i.device = $device AND i.datetime >= $start AND i.datetime < $end" +
                                " AND NOT EXISTS (SELECT 1 FROM uid_intents AS u WHERE u.parent_image_id = i.id)" +
                                " AND NOT EXISTS (SELECT 1 FROM uid_annotations AS a WHERE a.parent_image_id = i.id" +
                                " AND a.algo_name = $algoName AND a.algo_version >= $algoVersion)" +
                                " ORDER BY i.datetime LIMIT $limit";
                            var pDevice = cmd.Parameters.Add("$device", SqliteType.Text);
                            var pLimit = cmd.Parameters.Add("$limit", SqliteType.Integer);
                            cmd.Parameters.AddWithValue("$start", SqliteRows.Bound(query.Start));
                            cmd.Parameters.AddWithValue("$end", SqliteRows.Bound(query.End));
                            cmd.Parameters.AddWithValue("$algoName", algoName);
                            cmd.Parameters.AddWithValue("$algoVersion", algoVersion);
                            foreach (var device in devices)
                            {
                                if (result.Count >= ImagesToAnnotateLimit)
                                {
                                    break;
                                }

                                pDevice.Value = device;
                                pLimit.Value = ImagesToAnnotateLimit - result.Count;
                                using (var reader = cmd.ExecuteReader())
                                {
                                    var r = new RowReader(reader);
                                    while (r.Read())
                                    {
                                        result.Add(SqliteRows.ReadImage(r));
                                    }
                                }
                            }
                        }

                        using (var insert = conn.CreateCommand())
                        {
                            insert.Transaction = tx;
                            insert.CommandText = "INSERT INTO uid_intents (datetime_created, api_version, api_user_id, parent_image_id) " +
                                                 "VALUES ($created, $apiVersion, $apiUser, $parent)";
                            insert.Parameters.AddWithValue("$created", StickyTime.ToDatabase(now));
                            insert.Parameters.AddWithValue("$apiVersion", ApiVersion);
                            insert.Parameters.AddWithValue("$apiUser", SqliteRows.DbValue(caller.Id));
                            var pParent = insert.Parameters.Add("$parent", SqliteType.Integer);
                            foreach (var img in result)
                            {
                                pParent.Value = img.Id;
                                insert.ExecuteNonQuery();
                            }
                        }
                    }

                    BeforeCommit?.Invoke();
                    tx.Commit();
                }

                SetUrls(result, what);
                return (IReadOnlyList<StickyImage>)result;
            });
        }
    }
}
