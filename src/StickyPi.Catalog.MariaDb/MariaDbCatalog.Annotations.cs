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
    /// UID annotations (spec §3.2) in upstream's <c>uid_annotations</c> table, with the embedded store's checks
    /// (<c>UidAnnotationChecks</c>) and row mapping (<c>SqliteRows.ReadAnnotation</c>), so both catalogs accept,
    /// refuse and return the same annotations.
    /// </summary>
    public sealed partial class MariaDbCatalog
    {
        /// <summary>
        /// Stores annotation items with upstream's rules: the parent image must exist (<c>ParentImageNotFound</c>) with
        /// the same md5 (<c>Md5Mismatch</c>); (parent, algo_name, algo_version) must be new (<c>DuplicateAnnotation</c>).
        /// One transaction: any problem stores nothing, and the first is raised naming its source. <c>api_user_id</c> is
        /// the caller. Returns the stored rows with ids and <c>Json = ""</c>, as upstream.
        /// </summary>
        public IReadOnlyList<UidAnnotation> PutUidAnnotations(CallerIdentity caller, IEnumerable<UidAnnotationSubmission> items)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutUidAnnotations);
            var list = UidAnnotationChecks.Checked(items);
            if (list.Count == 0)
            {
                return new UidAnnotation[0];
            }

            var created = StickyTime.Normalize(DateTime.UtcNow);
            return Run(conn =>
            {
                using (var tx = conn.BeginTransaction())
                {
                    // The parents locked: an image deleted or replaced meanwhile would leave the checks stale.
                    var parents = new Dictionary<ImageKey, StickyImage>();
                    var problems = FindProblems(conn, tx, list, parents, forUpdate: true);
                    if (problems.Count > 0)
                    {
                        var first = problems[0];
                        string more = problems.Count > 1 ? " (" + (problems.Count - 1) + " more item(s) with problems; nothing was stored)" : " (nothing was stored)";
                        throw new StickyPiException(first.ErrorId, first.Kind, first.Message + more, first.Submission.SourceName);
                    }

                    var stored = new List<UidAnnotation>(list.Count);
                    using (var insert = new MySqlCommand(
                        "INSERT INTO uid_annotations (datetime_created, api_version, api_user_id, parent_image_id, algo_name, algo_version, n_objects, json) " +
                        "VALUES (@created, @apiVersion, @apiUser, @parent, @algoName, @algoVersion, @nObjects, @json)", conn, tx))
                    {
                        foreach (var item in list)
                        {
                            var parent = parents[item.Key];
                            var p = insert.Parameters;
                            p.Clear();
                            p.AddWithValue("@created", created);
                            p.AddWithValue("@apiVersion", LocalStickyStore.ApiVersion);
                            p.AddWithValue("@apiUser", (object)caller.Id ?? DBNull.Value);
                            p.AddWithValue("@parent", parent.Id);
                            p.AddWithValue("@algoName", item.AlgoName);
                            p.AddWithValue("@algoVersion", item.AlgoVersion);
                            p.AddWithValue("@nObjects", item.AnnotationCount);
                            p.AddWithValue("@json", item.StoredJson);
                            try
                            {
                                insert.ExecuteNonQuery();
                            }
                            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
                            {
                                // Upstream's UNIQUE key ignores case: "Algo" and "algo" of one image are one annotation here.
                                throw new StickyPiException(StickyErrorIds.DuplicateAnnotation, StickyErrorKind.Conflict,
                                    "Annotation for " + item.Key.FileName + " (" + item.AlgoName + "/" + item.AlgoVersion + ", from " + item.SourceName +
                                    ") collides with another (algorithm names and versions that differ only in case are one here: " + e.Message +
                                    "); nothing was stored.", item.SourceName, e);
                            }

                            stored.Add(new UidAnnotation
                            {
                                Id = insert.LastInsertedId,
                                ParentImageId = parent.Id ?? 0,
                                Device = parent.Device,
                                DateTime = parent.DateTime,
                                AlgoName = item.AlgoName,
                                AlgoVersion = item.AlgoVersion,
                                NObjects = item.AnnotationCount,
                                Json = string.Empty,
                                DateTimeCreated = created,
                                ApiVersion = LocalStickyStore.ApiVersion,
                                ApiUserId = caller.Id,
                            });
                        }
                    }

                    tx.Commit();
                    return (IReadOnlyList<UidAnnotation>)stored;
                }
            });
        }

        /// <summary>
        /// The problems <see cref="PutUidAnnotations"/> would raise, per item, without writing: missing parent, md5
        /// mismatch, already stored, or a repeat of an earlier item of the same batch. Empty when all can be stored.
        /// </summary>
        public IReadOnlyList<UidAnnotationProblem> ValidateUidAnnotations(CallerIdentity caller, IReadOnlyList<UidAnnotationSubmission> items)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutUidAnnotations);
            var list = UidAnnotationChecks.Checked(items);
            return list.Count == 0
                ? new UidAnnotationProblem[0]
                : Run(conn => FindProblems(conn, null, list, new Dictionary<ImageKey, StickyImage>(), forUpdate: false));
        }

        /// <summary>
        /// Every annotation (all algorithms and versions) of the images with exactly these keys. <see cref="UidAnnotation.Json"/>
        /// is null unless <paramref name="includeJson"/>; Device and DateTime are the parent's. Sorted by device, datetime, id.
        /// </summary>
        public IReadOnlyList<UidAnnotation> GetUidAnnotations(CallerIdentity caller, IEnumerable<ImageKey> keys, bool includeJson)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetUidAnnotations);
            var list = (keys ?? throw new ArgumentNullException(nameof(keys))).Where(k => k.Device != null).Distinct().ToList();
            if (list.Count == 0)
            {
                return new UidAnnotation[0];
            }

            return SortedAnnotations(Run(conn =>
            {
                var rows = new List<UidAnnotation>();
                foreach (var parents in SqliteRows.Chunk(ImagesByKeys(conn, null, list, forUpdate: false), SqliteRows.ChunkSize))
                {
                    var byId = parents.ToDictionary(i => i.Id ?? 0);
                    using (var cmd = new MySqlCommand("SELECT " + SqliteRows.AnnotationColumns(includeJson) + " FROM uid_annotations AS a " +
                        "WHERE a.parent_image_id IN (" + string.Join(", ", byId.Keys) + ")", conn))
                    using (var reader = cmd.ExecuteReader())
                    {
                        var r = new RowReader(reader);
                        while (r.Read())
                        {
                            var parent = byId[r.Int64OrNull(r.AnnotationOrdinals.ParentImageId) ?? 0];
                            rows.Add(SqliteRows.ReadAnnotation(r, includeJson, parent.Device, parent.DateTime));
                        }
                    }
                }

                return rows;
            }));
        }

        /// <summary>
        /// Annotations of the images whose device matches the LIKE pattern in <c>[Start, End)</c> (spec §3.2
        /// <c>get_uid_annotations_series</c>). Json null unless <paramref name="includeJson"/>. Sorted by device, datetime, id.
        /// </summary>
        public IReadOnlyList<UidAnnotation> GetUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, bool includeJson)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetUidAnnotations);
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            return SortedAnnotations(Run(conn =>
            {
                using (var cmd = new MySqlCommand("SELECT i.device AS device, i.datetime AS datetime, " + SqliteRows.AnnotationColumns(includeJson) +
                    " FROM images AS i JOIN uid_annotations AS a ON a.parent_image_id = i.id" +
                    " WHERE i.device LIKE @device ESCAPE '\\\\' AND i.datetime >= @start AND i.datetime < @end", conn))
                {
                    BindSeries(cmd, query);
                    var rows = new List<UidAnnotation>();
                    using (var reader = cmd.ExecuteReader())
                    {
                        var r = new RowReader(reader);
                        while (r.Read())
                        {
                            rows.Add(SqliteRows.ReadAnnotation(r, includeJson, SqliteRows.StringOrNull(r, "device"),
                                StickyTime.Normalize(SqliteRows.DateTimeValue(r, "datetime"))));
                        }
                    }

                    return rows;
                }
            }));
        }

        // ---------------------------------------------------------------- helpers

        /// <summary>The shared checks over this catalog's rows; <paramref name="parents"/> receives the items' stored images.</summary>
        private static List<UidAnnotationProblem> FindProblems(MySqlConnection conn, MySqlTransaction tx, IReadOnlyList<UidAnnotationSubmission> items,
            Dictionary<ImageKey, StickyImage> parents, bool forUpdate)
        {
            foreach (var img in ImagesByKeys(conn, tx, items.Select(i => i.Key).Distinct().ToList(), forUpdate))
            {
                parents[img.Key] = img;
            }

            using (var exists = new MySqlCommand(
                "SELECT 1 FROM uid_annotations WHERE parent_image_id = @p AND algo_name = @n AND algo_version = @v LIMIT 1", conn, tx))
            {
                var pp = exists.Parameters.Add("@p", MySqlDbType.Int64);
                var pn = exists.Parameters.Add("@n", MySqlDbType.VarChar);
                var pv = exists.Parameters.Add("@v", MySqlDbType.VarChar);
                return UidAnnotationChecks.Find(items, parents, (parentId, algoName, algoVersion) =>
                {
                    pp.Value = parentId;
                    pn.Value = algoName;
                    pv.Value = algoVersion;
                    return exists.ExecuteScalar() != null;
                });
            }
        }

        /// <summary>Device in ordinal order, then time, then id, as the embedded store sorts.</summary>
        private static IReadOnlyList<UidAnnotation> SortedAnnotations(List<UidAnnotation> rows) =>
            rows.OrderBy(a => a.Device, StringComparer.Ordinal).ThenBy(a => a.DateTime).ThenBy(a => a.Id).ToList();
    }
}
