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
    /// Images to annotate and their reservations (<c>uid_intents</c>, spec §2.4, §3.3), and images joined with their
    /// annotations (spec §3.9), with the embedded store's rules and order.
    /// </summary>
    public sealed partial class MariaDbCatalog
    {
        /// <summary>The named lock that makes reservations one at a time across every server sharing the database.</summary>
        private const string IntentLock = "stickypi.uid_intents";

        /// <summary>
        /// Reserves and returns up to 8 images of the series that still need annotating by this algorithm (upstream
        /// <c>get_images_to_annotate</c>): reservations older than 6 hours are dropped first; then images with
        /// <c>device LIKE</c> in <c>[Start, End)</c> that no live reservation holds (for any algorithm, as upstream) and
        /// that have no annotation of <paramref name="algoName"/> with an algo_version ≥ <paramref name="algoVersion"/>
        /// are taken, by device then time, and one reservation per image is inserted (<c>api_user_id</c> = caller).
        /// Upstream's server lets two workers that ask at once get the same images; here a database-wide lock
        /// (<c>GET_LOCK</c>) makes them take turns, so no image is handed out twice, whichever server they ask.
        /// </summary>
        public IReadOnlyList<StickyImage> GetImagesToAnnotate(CallerIdentity caller, string algoName, string algoVersion, ImageSeriesQuery query)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetImagesToAnnotate);
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

            return Run(conn =>
            {
                using (var take = new MySqlCommand("SELECT GET_LOCK(@name, 60)", conn))
                {
                    take.Parameters.AddWithValue("@name", IntentLock);
                    if (Convert.ToInt64(take.ExecuteScalar()) != 1)
                    {
                        throw new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                            "The database " + Location + " kept the reservation lock busy for 60 s; ask again.", Location);
                    }
                }

                try
                {
                    return Reserve(conn, caller, algoName, algoVersion, query);
                }
                finally
                {
                    using (var release = new MySqlCommand("DO RELEASE_LOCK(@name)", conn))
                    {
                        release.Parameters.AddWithValue("@name", IntentLock);
                        release.ExecuteNonQuery();
                    }
                }
            });
        }

        /// <summary>
        /// Images matching the query left-joined with their annotations (spec §3.9
        /// <c>get_images_with_uid_annotations_series</c>): an image with k annotations gives k rows, one without gives a
        /// row with a null annotation; sorted by device, datetime, annotation id. Nothing matching gives an empty list
        /// (not upstream's <c>[{}]</c>, spec §8 #22).
        /// </summary>
        public IReadOnlyList<StickyAnnotatedImage> GetImagesWithUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, bool includeJson)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetImages);
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            var rows = Run(conn =>
            {
                using (var cmd = new MySqlCommand("SELECT " + ImageColumns + ", " + SqliteRows.AnnotationColumns(includeJson) +
                    " FROM images AS i LEFT JOIN uid_annotations AS a ON a.parent_image_id = i.id" +
                    " WHERE i.device LIKE @device ESCAPE '\\\\' AND i.datetime >= @start AND i.datetime < @end", conn))
                {
                    BindSeries(cmd, query);
                    var list = new List<StickyAnnotatedImage>();
                    using (var reader = cmd.ExecuteReader())
                    {
                        var r = new RowReader(reader);
                        while (r.Read())
                        {
                            var img = (StickyAnnotatedImage)SqliteRows.ReadImage(r, new StickyAnnotatedImage());
                            img.Annotation = SqliteRows.ReadAnnotation(r, includeJson, img.Device, img.DateTime);
                            list.Add(img);
                        }
                    }

                    return list;
                }
            });
            return rows.OrderBy(i => i.Device, StringComparer.Ordinal).ThenBy(i => i.DateTime).ThenBy(i => i.Annotation?.Id ?? 0).ToList();
        }

        private IReadOnlyList<StickyImage> Reserve(MySqlConnection conn, CallerIdentity caller, string algoName, string algoVersion, ImageSeriesQuery query)
        {
            using (var tx = conn.BeginTransaction())
            {
                var now = StickyTime.Normalize(DateTime.UtcNow);
                using (var expire = new MySqlCommand("DELETE FROM uid_intents WHERE datetime_created < @cutoff", conn, tx))
                {
                    expire.Parameters.AddWithValue("@cutoff", now - LocalStickyStore.IntentLifetime);
                    expire.ExecuteNonQuery();
                }

                var result = new List<StickyImage>();
                if (query.End > query.Start)
                {
                    // BINARY: devices in ordinal order, as the embedded store takes them (the collation would ignore case).
                    using (var select = new MySqlCommand("SELECT " + ImageColumns + " FROM images AS i" +
                        " WHERE i.device LIKE @device ESCAPE '\\\\' AND i.datetime >= @start AND i.datetime < @end" +
                        " AND NOT EXISTS (SELECT 1 FROM uid_intents AS u WHERE u.parent_image_id = i.id)" +
                        " AND NOT EXISTS (SELECT 1 FROM uid_annotations AS a WHERE a.parent_image_id = i.id" +
                        " AND a.algo_name = @algoName AND a.algo_version >= @algoVersion)" +
                        " ORDER BY CAST(i.device AS BINARY), i.datetime LIMIT " + LocalStickyStore.ImagesToAnnotateLimit, conn, tx))
                    {
                        BindSeries(select, query);
                        select.Parameters.AddWithValue("@algoName", algoName);
                        select.Parameters.AddWithValue("@algoVersion", algoVersion);
                        result = ReadImages(select);
                    }

                    using (var insert = new MySqlCommand("INSERT INTO uid_intents (datetime_created, api_version, api_user_id, parent_image_id) " +
                        "VALUES (@created, @apiVersion, @apiUser, @parent)", conn, tx))
                    {
                        insert.Parameters.AddWithValue("@created", now);
                        insert.Parameters.AddWithValue("@apiVersion", LocalStickyStore.ApiVersion);
                        insert.Parameters.AddWithValue("@apiUser", (object)caller.Id ?? DBNull.Value);
                        var parent = insert.Parameters.Add("@parent", MySqlDbType.Int64);
                        foreach (var img in result)
                        {
                            parent.Value = img.Id;
                            insert.ExecuteNonQuery();
                        }
                    }
                }

                tx.Commit();
                return result;
            }
        }
    }
}
