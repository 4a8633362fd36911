using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// The embedded local back-end: a directory with upstream's <c>database.db</c> (same SQLite schema, spec §2) and
    /// image files in upstream's layout (spec §5.1), readable and writable by upstream's Python local client.
    /// </summary>
    /// <remarks>
    /// Thread-safe except <see cref="CommitStagedImages"/>, which expects a single writer thread. Every operation opens
    /// its own pooled connection with foreign keys on and a busy timeout; the long series reads take a read handle of
    /// their own from a small pool instead (<see cref="SqliteReadConnection"/>). All SQL is parameterised (spec §8 #2).
    /// Datetimes are stored as upstream does (<c>YYYY-MM-DD HH:MM:SS.ffffff</c> text), <c>datetime_created</c> in UTC
    /// (spec §8 #14).
    /// </remarks>
    public sealed partial class LocalStickyStore : IDisposable
    {
        /// <summary>Written into every <c>api_version</c> column, as upstream 0.1.1 does.</summary>
        public const string ApiVersion = "0.1.1";

        /// <summary>Upstream's application-side default for <c>images.device_version</c>.</summary>
        public const string DefaultDeviceVersion = "1.0.0";

        private const int SqliteConstraint = 19;

        private const string ImageInsertSql =
            "INSERT INTO images (datetime_created, api_version, api_user_id, device, datetime, md5, device_version, " +
            "width, height, lat, lng, alt, \"temp\", hum, lum, bat, but) VALUES ($created, $apiVersion, $apiUser, " +
            "$device, $datetime, $md5, $deviceVersion, $width, $height, $lat, $lng, $alt, $temp, $hum, $lum, $bat, $but); " +
            "SELECT last_insert_rowid();";

        private const string AnnotationInsertSql =
            "INSERT INTO uid_annotations (datetime_created, api_version, api_user_id, parent_image_id, algo_name, " +
            "algo_version, n_objects, json) VALUES ($created, $apiVersion, $apiUser, $parent, $algoName, $algoVersion, " +
            "$nObjects, $json); SELECT last_insert_rowid();";

        private readonly string _connectionString;
        private readonly LocalFileStore _files;
        private readonly SqliteReadPool _readers;
        private volatile bool _disposed;

        private LocalStickyStore(string root)
        {
            RootDirectory = root;
            DatabasePath = Path.Combine(root, CatalogSchema.DatabaseFileName);
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = DatabasePath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = true,
                DefaultTimeout = CatalogSchema.BusyTimeoutMilliseconds / 1000,
            }.ToString();
            _files = new LocalFileStore(root);
            _readers = new SqliteReadPool(DatabasePath);
        }

        /// <summary>Absolute path of the store directory (upstream's <c>LOCAL_DIR</c>).</summary>
        public string RootDirectory { get; }

        /// <summary>Absolute path of <c>database.db</c>.</summary>
        public string DatabasePath { get; }

        /// <summary>Test hook simulating a crash: runs inside each write transaction just before it commits.</summary>
        internal Action BeforeCommit { get; set; }

        /// <summary>
        /// Opens (or creates) a store. An existing catalog, including one created by upstream, is kept as it is; only
        /// missing tables and indexes are added. Leftovers of crashed sessions in the private temporary folder are
        /// swept (uncommitted deletions put back).
        /// </summary>
        public static LocalStickyStore Open(string rootDirectory, bool createIfMissing = true)
        {
            if (string.IsNullOrEmpty(rootDirectory))
            {
                throw new ArgumentException("A store directory is required.", nameof(rootDirectory));
            }

            string root = Path.GetFullPath(rootDirectory);
            if (!createIfMissing && (!Directory.Exists(root) || !File.Exists(Path.Combine(root, CatalogSchema.DatabaseFileName))))
            {
                throw new StickyPiException(LocalStoreErrorIds.StoreNotFound, StickyErrorKind.NotFound,
                    "No Sticky Pi store (" + CatalogSchema.DatabaseFileName + ") in '" + root + "'.", root);
            }

            var store = new LocalStickyStore(root);
            try
            {
                store.Guard(() =>
                {
                    Directory.CreateDirectory(root);
                    using (var conn = store.OpenConnection())
                    {
                        CatalogSchema.Ensure(conn);
                    }

                    store._files.Sweep(store.GetStoredMd5);
                    return 0;
                });
                return store;
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }

        // ---------------------------------------------------------------- images: reads

        /// <summary>
        /// Images with exactly these (device, datetime to the second) keys (spec §3.1 <c>get_images</c>); unknown keys
        /// are absent, an empty input gives an empty list. Sorted by device, datetime.
        /// </summary>
        public IReadOnlyList<StickyImage> GetImages(CallerIdentity caller, IEnumerable<ImageKey> keys, ImageFileKind what = ImageFileKind.Metadata) =>
            EnumerateImages(caller, keys, what).ToList();

        /// <summary>
        /// As <see cref="GetImages"/>, streamed: the rows of each chunk of 500 keys are sorted and handed out before the
        /// next chunk is read (a single chunk, so the whole result, is in key order; over several chunks, each chunk
        /// is). Access and arguments are checked now; the catalog is read while the sequence is enumerated, and
        /// disposing the enumerator closes the reader and its connection.
        /// </summary>
        public IEnumerable<StickyImage> EnumerateImages(CallerIdentity caller, IEnumerable<ImageKey> keys, ImageFileKind what = ImageFileKind.Metadata)
        {
            AccessPolicy.Require(caller, ApiOperation.GetImages);
            CheckKind(what);
            var list = SqliteRows.DistinctKeys(keys);
            if (list.Count == 0)
            {
                return new StickyImage[0];
            }

            if (list.Count > SqliteRows.ChunkSize)
            {
                // Sorted as a whole, as before: keys are in memory already, so their rows are too.
                return Streamed(() => SortImages(ImagesByKeys(list, what).ToList()));
            }

            return Streamed(() => ImagesByKeys(list, what));
        }

        private IEnumerable<StickyImage> ImagesByKeys(List<ImageKey> list, ImageFileKind what)
        {
            // One statement is its own snapshot; several chunks share one read transaction.
            using (var conn = OpenConnection())
            using (var tx = list.Count > SqliteRows.ChunkSize ? conn.BeginTransaction(deferred: true) : null)
            {
                foreach (var chunk in SqliteRows.Chunk(list, SqliteRows.ChunkSize))
                {
                    foreach (var img in SortImages(QueryImagesByKeys(conn, tx, chunk)))
                    {
                        img.Url = _files.UrlFor(img, what);
                        yield return img;
                    }
                }

                tx?.Commit();
            }
        }

        /// <summary>
        /// Images whose device matches the LIKE pattern (ASCII case-insensitive, escape <c>\</c>) and whose datetime is
        /// in the half-open window <c>[Start, End)</c> (spec §3.1 <c>get_image_series</c>), sorted by device, datetime.
        /// </summary>
        public IReadOnlyList<StickyImage> GetImageSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what = ImageFileKind.Metadata) =>
            EnumerateImageSeries(caller, query, what).ToList();

        /// <summary>
        /// As <see cref="GetImageSeries"/>, streamed: each row becomes an image as it is read (one open reader, nothing
        /// collected), so memory stays flat whatever the window. Access and arguments are checked now; disposing the
        /// enumerator early (Select-Object -First, Ctrl+C) closes the reader and the connection's read transaction.
        /// </summary>
        public IEnumerable<StickyImage> EnumerateImageSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what = ImageFileKind.Metadata)
        {
            AccessPolicy.Require(caller, ApiOperation.GetImages);
            CheckKind(what);
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            return Streamed(() => SeriesRows(query, "SELECT " + SqliteRows.ImageColumns + " FROM images AS i", "ORDER BY i.datetime",
                (r, device) =>
                {
                    var img = SqliteRows.ReadImage(r, null, device);
                    img.Url = _files.UrlFor(img, what);
                    return img;
                }));
        }

        /// <summary>MD5 of the stored image with this key, or null.</summary>
        public string GetStoredMd5(ImageKey key)
        {
            if (key.Device == null)
            {
                return null;
            }

            // One index seek, no CTE and no full row: this runs once per staged image on the import's hot path.
            return Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var cmd = conn.CreateCommand())
                {
                    cmd.CommandText = "SELECT md5 FROM images WHERE device = $d AND datetime >= $a AND datetime < $b LIMIT 1";
                    cmd.Parameters.AddWithValue("$d", key.Device);
                    cmd.Parameters.AddWithValue("$a", SqliteRows.Bound(key.DateTime));
                    cmd.Parameters.AddWithValue("$b", SqliteRows.NextSecondBound(key.DateTime));
                    return cmd.ExecuteScalar() as string;
                }
            });
        }

        /// <summary>MD5s of the stored images among these keys (absent keys are not in the dictionary).</summary>
        public IDictionary<ImageKey, string> GetStoredMd5s(IEnumerable<ImageKey> keys)
        {
            var list = SqliteRows.DistinctKeys(keys);
            var result = new Dictionary<ImageKey, string>();
            if (list.Count == 0)
            {
                return result;
            }

            return Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: true))
                {
                    foreach (var chunk in SqliteRows.Chunk(list, SqliteRows.ChunkSize))
                    {
                        foreach (var img in QueryImagesByKeys(conn, tx, chunk))
                        {
                            result[img.Key] = img.Md5;
                        }
                    }

                    tx.Commit();
                }

                return (IDictionary<ImageKey, string>)result;
            });
        }

        // ---------------------------------------------------------------- images: writes

        /// <summary>
        /// Writes an image's original and both thumbnails (each to a flushed temporary file, then renamed, so a final
        /// name never holds a partial file). When no row has this key, the files go under their final names now; when
        /// one does, they wait in the temporary folder until <see cref="CommitStagedImages"/> replaces the image or
        /// refuses the duplicate, so a stored original is never overwritten by an image that is not committed.
        /// The store trusts <paramref name="parsed"/> (md5, sizes, thumbnails). Thread-safe.
        /// </summary>
        public StagedImage StageImage(ParsedImage parsed, byte[] originalBytes) =>
            StageImage(parsed, originalBytes, originalBytes?.Length ?? 0);

        /// <summary>As <see cref="StageImage(ParsedImage, byte[])"/>, for the first <paramref name="length"/> bytes of a (pooled) buffer.</summary>
        public StagedImage StageImage(ParsedImage parsed, byte[] originalBytes, int length)
        {
            CheckParsed(parsed, originalBytes);
            if (length <= 0 || length > originalBytes.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(length));
            }

            return Guard(() =>
            {
                var row = BuildRow(parsed);
                var finals = _files.Paths(row.Key);
                var temps = new string[3];
                bool placed = false;
                try
                {
                    temps[0] = _files.WriteTemp(originalBytes, length, durable: true);
                    // Thumbnails are derived from the original: one flush to disk per image (the original's) is
                    // what durability needs; they are still written whole before being renamed into place.
                    temps[1] = _files.WriteTemp(parsed.Thumbnail, durable: false);
                    temps[2] = _files.WriteTemp(parsed.ThumbnailMini, durable: false);
                    if (GetStoredMd5(row.Key) != null)
                    {
                        return new StagedImage(row, finals[0], finals[1], finals[2], temps);
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(finals[0]));

                    // Original last: a crash in between leaves at worst orphan thumbnails.
                    LocalFileStore.MoveReplacing(temps[1], finals[1]);
                    LocalFileStore.MoveReplacing(temps[2], finals[2]);
                    LocalFileStore.MoveReplacing(temps[0], finals[0]);
                    placed = true;
                    return new StagedImage(row, finals[0], finals[1], finals[2], null);
                }
                catch when (!placed)
                {
                    foreach (var t in temps)
                    {
                        LocalFileStore.TryDelete(t);
                    }

                    throw;
                }
            });
        }

        /// <summary>
        /// Inserts the rows of staged images in one transaction (single writer thread). With
        /// <paramref name="replaceExisting"/>, an image with the same key is deleted first (its annotations cascade);
        /// without it such a duplicate raises <c>DuplicateImage</c> and nothing of the batch is committed.
        /// Returns the stored rows with their ids.
        /// </summary>
        public IReadOnlyList<StickyImage> CommitStagedImages(CallerIdentity caller, IReadOnlyList<StagedImage> batch, bool replaceExisting)
        {
            AccessPolicy.Require(caller, ApiOperation.PutImages);
            if (batch == null)
            {
                throw new ArgumentNullException(nameof(batch));
            }

            if (batch.Count == 0)
            {
                return new StickyImage[0];
            }

            foreach (var s in batch)
            {
                if (s == null)
                {
                    throw new ArgumentException("The batch contains a null entry.", nameof(batch));
                }

                if (s.Committed)
                {
                    throw new InvalidOperationException("Staged image " + s + " was already committed; stage it again.");
                }
            }

            return Guard(() =>
            {
                var stored = new List<StickyImage>(batch.Count);
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: false))
                using (var files = _files.BeginTransaction())
                using (var find = conn.CreateCommand())
                using (var delete = conn.CreateCommand())
                using (var insert = conn.CreateCommand())
                {
                    find.Transaction = tx;
                    find.CommandText = "SELECT id FROM images WHERE device = $d AND datetime >= $a AND datetime < $b";
                    var pd = find.Parameters.Add("$d", SqliteType.Text);
                    var pa = find.Parameters.Add("$a", SqliteType.Text);
                    var pb = find.Parameters.Add("$b", SqliteType.Text);
                    delete.Transaction = tx;
                    delete.CommandText = "DELETE FROM images WHERE id = $id";
                    var pid = delete.Parameters.Add("$id", SqliteType.Integer);
                    insert.Transaction = tx;
                    insert.CommandText = ImageInsertSql;

                    try
                    {
                        foreach (var s in batch)
                        {
                            var key = s.Key;
                            pd.Value = key.Device;
                            pa.Value = SqliteRows.Bound(key.DateTime);
                            pb.Value = SqliteRows.NextSecondBound(key.DateTime);
                            var existing = new List<long>();
                            using (var r = find.ExecuteReader())
                            {
                                while (r.Read())
                                {
                                    existing.Add(r.GetInt64(0));
                                }
                            }

                            if (existing.Count > 0 && !replaceExisting)
                            {
                                throw DuplicateImage(key);
                            }

                            foreach (var id in existing)
                            {
                                pid.Value = id;
                                delete.ExecuteNonQuery();
                            }

                            if (s.IsPending)
                            {
                                files.MoveToTrash(s.FinalPaths);
                                for (int n = 0; n < 3; n++)
                                {
                                    files.MoveIntoPlace(s.PendingPaths[n], s.FinalPaths[n]);
                                }
                            }
                            else if (s.FinalPaths.Any(p => !File.Exists(p)))
                            {
                                throw new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                                    "The staged files of " + s.Row.FileName + " are gone; stage the image again.", s.ImagePath);
                            }

                            stored.Add(InsertImage(insert, s.Row, caller));
                        }

                        BeforeCommit?.Invoke();
                        tx.Commit();
                    }
                    catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
                    {
                        files.Rollback();
                        throw new StickyPiException(StickyErrorIds.DuplicateImage, StickyErrorKind.Conflict,
                            "An image of this batch is already stored (" + e.Message + ").", null, e);
                    }
                    catch
                    {
                        files.Rollback();
                        throw;
                    }

                    files.Complete();
                }

                foreach (var s in batch)
                {
                    s.Committed = true;
                }

                return (IReadOnlyList<StickyImage>)stored;
            });
        }

        /// <summary>
        /// Stores images as upstream's <c>_put_new_images</c> does, but checks existence first (spec §8 #6: a duplicate
        /// never overwrites stored files) and all-or-nothing: any image already stored (or twice in the input) raises
        /// <c>DuplicateImage</c> before anything is written. Returns the stored rows with ids.
        /// </summary>
        public IReadOnlyList<StickyImage> PutImages(CallerIdentity caller, IEnumerable<(ParsedImage parsed, byte[] bytes)> images)
        {
            AccessPolicy.Require(caller, ApiOperation.PutImages);
            if (images == null)
            {
                throw new ArgumentNullException(nameof(images));
            }

            var list = images.ToList();
            var seen = new HashSet<ImageKey>();
            foreach (var (parsed, bytes) in list)
            {
                CheckParsed(parsed, bytes);
                string actual = Md5Hex(bytes);
                if (!string.Equals(actual, parsed.Md5, StringComparison.OrdinalIgnoreCase))
                {
                    throw new StickyPiException(StickyErrorIds.Md5Mismatch, StickyErrorKind.InvalidData,
                        "MD5 of " + parsed.Key.FileName + " is " + actual + ", not " + parsed.Md5 + ".", parsed.SourcePath ?? parsed.Key.FileName);
                }

                if (!seen.Add(parsed.Key))
                {
                    throw DuplicateImage(parsed.Key, " twice in the input");
                }
            }

            if (list.Count == 0)
            {
                return new StickyImage[0];
            }

            var existing = GetStoredMd5s(seen);
            if (existing.Count > 0)
            {
                throw DuplicateImage(existing.Keys.First());
            }

            var staged = list.Select(i => StageImage(i.parsed, i.bytes)).ToList();
            return CommitStagedImages(caller, staged, replaceExisting: false);
        }

        /// <summary>
        /// Deletes images with these keys, their annotations and intents (cascade) and their three files
        /// (spec §3.1 <c>delete_images</c>; admin only, as upstream's route). Per chunk of keys, the files are moved to
        /// a trash folder inside the catalog transaction and deleted after the commit; on a failure they are put back
        /// and the transaction rolled back, so a row never loses its files. Returns the deleted rows.
        /// </summary>
        public IReadOnlyList<StickyImage> DeleteImages(CallerIdentity caller, IEnumerable<ImageKey> keys)
        {
            AccessPolicy.Require(caller, ApiOperation.DeleteImages);
            var list = SqliteRows.DistinctKeys(keys);
            if (list.Count == 0)
            {
                return new StickyImage[0];
            }

            return Guard(() =>
            {
                var deleted = new List<StickyImage>();
                foreach (var chunk in SqliteRows.Chunk(list, SqliteRows.ChunkSize))
                {
                    using (var conn = OpenConnection())
                    using (var tx = conn.BeginTransaction(deferred: false))
                    using (var files = _files.BeginTransaction())
                    {
                        var rows = QueryImagesByKeys(conn, tx, chunk);
                        if (rows.Count == 0)
                        {
                            continue;
                        }

                        try
                        {
                            foreach (var row in rows)
                            {
                                files.MoveToTrash(_files.Paths(row.Key));
                            }

                            using (var cmd = conn.CreateCommand())
                            {
                                cmd.Transaction = tx;
                                var sb = new StringBuilder("DELETE FROM images WHERE id IN (");
                                for (int n = 0; n < rows.Count; n++)
                                {
                                    sb.Append(n == 0 ? "$i" : ", $i").Append(n);
                                    cmd.Parameters.AddWithValue("$i" + n, rows[n].Id);
                                }

                                cmd.CommandText = sb.Append(')').ToString();
                                cmd.ExecuteNonQuery();
                            }

                            BeforeCommit?.Invoke();
                            tx.Commit();
                        }
                        catch
                        {
                            files.Rollback();
                            throw;
                        }

                        files.Complete();
                        deleted.AddRange(rows);
                    }
                }

                return SortImages(deleted);
            });
        }

        // ---------------------------------------------------------------- UID annotations

        /// <summary>
        /// Stores annotation items with upstream's rules (spec §3.2): the parent image must exist
        /// (<c>ParentImageNotFound</c>) with the same md5 (<c>Md5Mismatch</c>); (parent, algo_name, algo_version) must be
        /// new (<c>DuplicateAnnotation</c>). All items in one transaction: any error stores nothing. <c>api_user_id</c> is
        /// the caller (spec §8 #13). Returns the stored rows with ids and <c>Json = ""</c>, as upstream.
        /// </summary>
        public IReadOnlyList<UidAnnotation> PutUidAnnotations(CallerIdentity caller, IEnumerable<UidAnnotationSubmission> items)
        {
            AccessPolicy.Require(caller, ApiOperation.PutUidAnnotations);
            var list = UidAnnotationChecks.Checked(items);
            if (list.Count == 0)
            {
                return new UidAnnotation[0];
            }

            return Guard(() =>
            {
                var stored = new List<UidAnnotation>(list.Count);
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: false))
                {
                    var parents = new Dictionary<ImageKey, StickyImage>();
                    var problems = Validate(conn, tx, list, parents);
                    if (problems.Count > 0)
                    {
                        var first = problems[0];
                        string more = problems.Count > 1 ? " (" + (problems.Count - 1) + " more item(s) with problems; nothing was stored)" : " (nothing was stored)";
                        throw new StickyPiException(first.ErrorId, first.Kind, first.Message + more, first.Submission.SourceName);
                    }

                    using (var insert = conn.CreateCommand())
                    {
                        insert.Transaction = tx;
                        insert.CommandText = AnnotationInsertSql;
                        try
                        {
                            foreach (var item in list)
                            {
                                var parent = parents[item.Key];
                                var created = Now();
                                insert.Parameters.Clear();
                                insert.Parameters.AddWithValue("$created", StickyTime.ToDatabase(created));
                                insert.Parameters.AddWithValue("$apiVersion", ApiVersion);
                                insert.Parameters.AddWithValue("$apiUser", SqliteRows.DbValue(caller.Id));
                                insert.Parameters.AddWithValue("$parent", parent.Id);
                                insert.Parameters.AddWithValue("$algoName", item.AlgoName);
                                insert.Parameters.AddWithValue("$algoVersion", item.AlgoVersion);
                                insert.Parameters.AddWithValue("$nObjects", item.AnnotationCount);
                                insert.Parameters.AddWithValue("$json", item.StoredJson);
                                long id = Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                                stored.Add(new UidAnnotation
                                {
                                    Id = id,
                                    ParentImageId = parent.Id ?? 0,
                                    Device = parent.Device,
                                    DateTime = parent.DateTime,
                                    AlgoName = item.AlgoName,
                                    AlgoVersion = item.AlgoVersion,
                                    NObjects = item.AnnotationCount,
                                    Json = string.Empty,
                                    DateTimeCreated = created,
                                    ApiVersion = ApiVersion,
                                    ApiUserId = caller.Id,
                                });
                            }
                        }
                        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
                        {
                            throw new StickyPiException(StickyErrorIds.DuplicateAnnotation, StickyErrorKind.Conflict,
                                "An annotation of this batch is already stored (" + e.Message + "); nothing was stored.", null, e);
                        }
                    }

                    BeforeCommit?.Invoke();
                    tx.Commit();
                }

                return (IReadOnlyList<UidAnnotation>)stored;
            });
        }

        /// <summary>
        /// The problems <see cref="PutUidAnnotations"/> would raise, per item, without writing: missing parent, md5
        /// mismatch, already stored, or a repeat of an earlier item of the same batch. Empty when all can be stored.
        /// </summary>
        public IReadOnlyList<UidAnnotationProblem> ValidateUidAnnotations(CallerIdentity caller, IReadOnlyList<UidAnnotationSubmission> items)
        {
            AccessPolicy.Require(caller, ApiOperation.PutUidAnnotations);
            var list = UidAnnotationChecks.Checked(items);
            if (list.Count == 0)
            {
                return new UidAnnotationProblem[0];
            }

            return Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: true))
                {
                    var problems = Validate(conn, tx, list, new Dictionary<ImageKey, StickyImage>());
                    tx.Commit();
                    return problems;
                }
            });
        }

        /// <summary>
        /// All annotations (every algorithm and version) of the images with these keys (spec §3.2). <see cref="UidAnnotation.Json"/>
        /// is null unless <paramref name="includeJson"/>; Device/DateTime are the parent's. Sorted by device, datetime, id.
        /// </summary>
        public IReadOnlyList<UidAnnotation> GetUidAnnotations(CallerIdentity caller, IEnumerable<ImageKey> keys, bool includeJson) =>
            EnumerateUidAnnotations(caller, keys, includeJson).ToList();

        /// <summary>
        /// As <see cref="GetUidAnnotations"/>, streamed per chunk of 500 keys (sorted within it; a longer key list is
        /// read and sorted as a whole, as before). Access is checked now; disposing the enumerator closes the reader.
        /// </summary>
        public IEnumerable<UidAnnotation> EnumerateUidAnnotations(CallerIdentity caller, IEnumerable<ImageKey> keys, bool includeJson)
        {
            AccessPolicy.Require(caller, ApiOperation.GetUidAnnotations);
            var list = SqliteRows.DistinctKeys(keys);
            if (list.Count == 0)
            {
                return new UidAnnotation[0];
            }

            if (list.Count > SqliteRows.ChunkSize)
            {
                return Streamed(() => SortAnnotations(AnnotationsByKeys(list, includeJson).ToList()));
            }

            return Streamed(() => AnnotationsByKeys(list, includeJson));
        }

        private IEnumerable<UidAnnotation> AnnotationsByKeys(List<ImageKey> list, bool includeJson)
        {
            using (var conn = OpenConnection())
            using (var tx = conn.BeginTransaction(deferred: true))
            {
                foreach (var chunk in SqliteRows.Chunk(list, SqliteRows.ChunkSize))
                {
                    var rows = new List<UidAnnotation>();
                    using (var cmd = conn.CreateCommand())
                    {
                        cmd.Transaction = tx;
                        cmd.CommandText = SqliteRows.KeysCte(cmd, chunk) +
                            "SELECT i.device AS device, i.datetime AS datetime, " + SqliteRows.AnnotationColumns(includeJson) +
                            " FROM k CROSS JOIN images AS i CROSS JOIN uid_annotations AS a" +
                            " WHERE i.device = k.d AND i.datetime >= k.a AND i.datetime < k.b AND a.parent_image_id = i.id";
                        using (var reader = cmd.ExecuteReader())
                        {
                            var r = new RowReader(reader);
                            while (r.Read())
                            {
                                rows.Add(ReadParentedAnnotation(r, includeJson));
                            }
                        }
                    }

                    foreach (var a in SortAnnotations(rows))
                    {
                        yield return a;
                    }
                }

                tx.Commit();
            }
        }

        private static List<UidAnnotation> SortAnnotations(List<UidAnnotation> rows) =>
            rows.OrderBy(a => a.Device, StringComparer.Ordinal).ThenBy(a => a.DateTime).ThenBy(a => a.Id).ToList();

        /// <summary>
        /// Annotations of the images matching the device pattern in <c>[Start, End)</c> (spec §3.2
        /// <c>get_uid_annotations_series</c>). Json null unless <paramref name="includeJson"/>. Sorted by device, datetime, id.
        /// </summary>
        public IReadOnlyList<UidAnnotation> GetUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, bool includeJson) =>
            EnumerateUidAnnotationSeries(caller, query, includeJson).ToList();

        /// <summary>As <see cref="GetUidAnnotationSeries"/>, streamed as rows are read (see <see cref="EnumerateImageSeries"/>).</summary>
        public IEnumerable<UidAnnotation> EnumerateUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, bool includeJson)
        {
            AccessPolicy.Require(caller, ApiOperation.GetUidAnnotations);
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            return Streamed(() => SeriesRows(query,
                "SELECT i.device AS device, i.datetime AS datetime, " + SqliteRows.AnnotationColumns(includeJson) +
                " FROM images AS i CROSS JOIN uid_annotations AS a",
                "AND a.parent_image_id = i.id ORDER BY i.datetime, a.id",
                (r, device) => ReadParentedAnnotation(r, includeJson, device)));
        }

        /// <summary>
        /// Images matching the query left-joined with their annotations (spec §3.9
        /// <c>get_images_with_uid_annotations_series</c>): an image with k annotations gives k rows, one without gives a
        /// row with a null <see cref="StickyAnnotatedImage.Annotation"/>; sorted by device, datetime (then annotation id).
        /// Deviation: when nothing matches the result is an empty list, not upstream's <c>[{}]</c> (spec §8 #22).
        /// </summary>
        public IReadOnlyList<StickyAnnotatedImage> GetImagesWithUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query,
            ImageFileKind what, bool includeJson) =>
            EnumerateImagesWithUidAnnotationSeries(caller, query, what, includeJson).ToList();

        /// <summary>As <see cref="GetImagesWithUidAnnotationSeries"/>, streamed as rows are read (see <see cref="EnumerateImageSeries"/>).</summary>
        public IEnumerable<StickyAnnotatedImage> EnumerateImagesWithUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query,
            ImageFileKind what, bool includeJson)
        {
            AccessPolicy.Require(caller, ApiOperation.GetImages);
            CheckKind(what);
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            return Streamed(() => SeriesRows(query,
                "SELECT " + SqliteRows.ImageColumns + ", " + SqliteRows.AnnotationColumns(includeJson) +
                " FROM images AS i LEFT JOIN uid_annotations AS a ON a.parent_image_id = i.id",
                "ORDER BY i.datetime, a.id",
                (r, device) =>
                {
                    var img = (StickyAnnotatedImage)SqliteRows.ReadImage(r, new StickyAnnotatedImage(), device);
                    img.Url = _files.UrlFor(img, what);
                    img.Annotation = SqliteRows.ReadAnnotation(r, includeJson, img.Device, img.DateTime);
                    return img;
                }));
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _files.Dispose();
            _readers.Dispose();
            using (var conn = new SqliteConnection(_connectionString))
            {
                // Pooled connections keep database.db open; release them so the directory can be moved or deleted.
                SqliteConnection.ClearPool(conn);
            }
        }

        // ---------------------------------------------------------------- helpers

        internal SqliteConnection OpenConnection()
        {
            var conn = new SqliteConnection(_connectionString);
            try
            {
                conn.Open();
                CatalogSchema.ConfigureConnection(conn);
                return conn;
            }
            catch
            {
                conn.Dispose();
                throw;
            }
        }

        private static List<StickyImage> QueryImagesByKeys(SqliteConnection conn, SqliteTransaction tx, IReadOnlyList<ImageKey> keys)
        {
            var rows = new List<StickyImage>(keys.Count);
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = SqliteRows.KeysCte(cmd, keys) +
                    "SELECT " + SqliteRows.ImageColumns +
                    " FROM k CROSS JOIN images AS i WHERE i.device = k.d AND i.datetime >= k.a AND i.datetime < k.b";
                using (var reader = cmd.ExecuteReader())
                {
                    var r = new RowReader(reader);
                    while (r.Read())
                    {
                        rows.Add(SqliteRows.ReadImage(r));
                    }
                }
            }

            return rows;
        }

        /// <summary>
        /// Runs <paramref name="select"/> once per stored device matching the pattern, with
        /// <c>WHERE i.device = $device AND i.datetime &gt;= $start AND i.datetime &lt; $end</c> and then
        /// <paramref name="tail"/>, so every query is an index seek (spec Appendix B). Devices in ordinal order. Rows
        /// are mapped and handed out as they are read, inside one read transaction (one snapshot for all devices);
        /// disposing the enumerator early disposes the reader, rolls the read transaction back and closes the connection.
        /// <paramref name="map"/> gets the device the query matched (the stored text itself).
        /// </summary>
        private IEnumerable<T> SeriesRows<T>(ImageSeriesQuery query, string select, string tail, Func<CatalogRow, string, T> map)
        {
            if (query.End <= query.Start)
            {
                yield break;
            }

            // A handle of our own (no per-call mutex, read through the raw statement), one snapshot for every device;
            // disposing the lease (also when the enumeration stops early) ends the transaction and gives it back.
            using (var lease = _readers.Take())
            {
                lease.Begin();
                List<string> devices;
                using (var first = lease.Connection.Prepare(DeviceHopSql(inclusive: true)))
                using (var next = lease.Connection.Prepare(DeviceHopSql(inclusive: false)))
                {
                    devices = MatchingDevices(new LikePattern(query.DeviceLikePattern), (after, inclusive) =>
                    {
                        var hop = inclusive ? first : next;
                        hop.Reset();
                        hop.Bind("$p", after);
                        return hop.Read() && hop.IsText(0) ? hop.TextOrNull(0) : null; // as ExecuteScalar() as string
                    });
                }

                using (var rows = lease.Connection.Prepare(
                    select + " WHERE i.device = $device AND i.datetime >= $start AND i.datetime < $end " + tail))
                {
                    string start = SqliteRows.Bound(query.Start);
                    string end = SqliteRows.Bound(query.End);
                    lease.Connection.ResetCache();
                    foreach (var device in devices)
                    {
                        lease.Connection.SizeCacheForNextPass();
                        rows.Reset();
                        rows.Bind("$device", device);
                        rows.Bind("$start", start);
                        rows.Bind("$end", end);
                        while (rows.Read())
                        {
                            yield return map(rows, device);
                        }
                    }
                }

                lease.Commit();
            }
        }

        private static string DeviceHopSql(bool inclusive) => inclusive ? DeviceFromSql : DeviceAfterSql;

        private const string DeviceFromSql = "SELECT device FROM images WHERE device >= $p ORDER BY device LIMIT 1";

        private const string DeviceAfterSql = "SELECT device FROM images WHERE device > $p ORDER BY device LIMIT 1";

        /// <summary>As <see cref="MatchingDevices(LikePattern, Func{string, bool, string})"/>, on an ADO.NET connection.</summary>
        private static List<string> MatchingDevices(SqliteConnection conn, SqliteTransaction tx, LikePattern like)
        {
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                var p = cmd.Parameters.Add("$p", SqliteType.Text);
                return MatchingDevices(like, (after, inclusive) =>
                {
                    cmd.CommandText = DeviceHopSql(inclusive);
                    p.Value = after;
                    return cmd.ExecuteScalar() as string;
                });
            }
        }

        /// <summary>
        /// Distinct stored devices matching a LIKE pattern, found by hopping through the (device, datetime) index
        /// (one seek per distinct device) within the range where the pattern's literal prefix can match.
        /// <paramref name="deviceFrom"/>(p, inclusive) is the first stored device at or after p (inclusive) or after
        /// p, or null.
        /// </summary>
        private static List<string> MatchingDevices(LikePattern like, Func<string, bool, string> deviceFrom)
        {
            var devices = new List<string>();
            string lowest = like.LowestPrefixVariant;
            string highest = like.HighestPrefixVariant;
            string after = lowest;
            bool inclusive = true;
            while (true)
            {
                var next = deviceFrom(after, inclusive);
                if (next == null)
                {
                    break;
                }

                if (highest.Length > 0 && string.CompareOrdinal(next, highest) > 0 && !next.StartsWith(highest, StringComparison.Ordinal))
                {
                    break; // past every case variant of the prefix
                }

                if (like.IsMatch(next))
                {
                    devices.Add(next);
                }

                after = next;
                inclusive = false;
            }

            return devices;
        }

        private List<UidAnnotationProblem> Validate(SqliteConnection conn, SqliteTransaction tx, IReadOnlyList<UidAnnotationSubmission> items,
            Dictionary<ImageKey, StickyImage> parents)
        {
            var keys = SqliteRows.DistinctKeys(items.Select(i => i.Key));
            foreach (var chunk in SqliteRows.Chunk(keys, SqliteRows.ChunkSize))
            {
                foreach (var img in QueryImagesByKeys(conn, tx, chunk))
                {
                    parents[img.Key] = img;
                }
            }

            using (var exists = conn.CreateCommand())
            {
                exists.Transaction = tx;
                exists.CommandText = "SELECT 1 FROM uid_annotations WHERE parent_image_id = $p AND algo_name = $n AND algo_version = $v LIMIT 1";
                var pp = exists.Parameters.Add("$p", SqliteType.Integer);
                var pn = exists.Parameters.Add("$n", SqliteType.Text);
                var pv = exists.Parameters.Add("$v", SqliteType.Text);
                return UidAnnotationChecks.Find(items, parents, (parentId, algoName, algoVersion) =>
                {
                    pp.Value = parentId;
                    pn.Value = algoName;
                    pv.Value = algoVersion;
                    return exists.ExecuteScalar() != null;
                });
            }
        }

        private static UidAnnotation ReadParentedAnnotation(CatalogRow r, bool includeJson, string device = null)
        {
            device = device ?? SqliteRows.StringOrNull(r, "device");
            var dateTime = StickyTime.Normalize(SqliteRows.DateTimeValue(r, "datetime"));
            return SqliteRows.ReadAnnotation(r, includeJson, device, dateTime);
        }

        private static StickyImage InsertImage(SqliteCommand insert, StickyImage row, CallerIdentity caller)
        {
            var created = Now();
            var p = insert.Parameters;
            p.Clear();
            p.AddWithValue("$created", StickyTime.ToDatabase(created));
            p.AddWithValue("$apiVersion", ApiVersion);
            p.AddWithValue("$apiUser", SqliteRows.DbValue(caller.Id));
            p.AddWithValue("$device", row.Device);
            p.AddWithValue("$datetime", StickyTime.ToDatabase(row.DateTime));
            p.AddWithValue("$md5", row.Md5);
            p.AddWithValue("$deviceVersion", row.DeviceVersion ?? DefaultDeviceVersion);
            p.AddWithValue("$width", row.Width);
            p.AddWithValue("$height", row.Height);

            // Doubles as upstream binds them: SQLite's column affinity then keeps 97.3 REAL and stores 72.0 as 72.
            p.AddWithValue("$lat", SqliteRows.DbValue(row.Lat));
            p.AddWithValue("$lng", SqliteRows.DbValue(row.Lng));
            p.AddWithValue("$alt", SqliteRows.DbValue(row.Alt));
            p.AddWithValue("$temp", SqliteRows.DbValue(row.Temp));
            p.AddWithValue("$hum", SqliteRows.DbValue(row.Hum));
            p.AddWithValue("$lum", SqliteRows.DbValue(row.Lum));
            p.AddWithValue("$bat", SqliteRows.DbValue(row.Bat));
            p.AddWithValue("$but", row.But.HasValue ? (object)(row.But.Value ? 1L : 0L) : DBNull.Value);
            long id = Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);

            return new StickyImage
            {
                Id = id,
                Device = row.Device,
                DateTime = row.DateTime,
                Md5 = row.Md5,
                DeviceVersion = row.DeviceVersion ?? DefaultDeviceVersion,
                Width = row.Width,
                Height = row.Height,
                Lat = row.Lat,
                Lng = row.Lng,
                Alt = row.Alt,
                Temp = row.Temp,
                Hum = row.Hum,
                Lum = row.Lum,
                Bat = row.Bat,
                But = row.But,
                DateTimeCreated = created,
                ApiVersion = ApiVersion,
                ApiUserId = caller.Id,
            };
        }

        /// <summary>The row of a parsed image, before its insert (no id; defaults applied).</summary>
        internal static StickyImage BuildRow(ParsedImage parsed) => new StickyImage
        {
            Device = parsed.Device,
            DateTime = StickyTime.Normalize(parsed.DateTime),
            Md5 = parsed.Md5,
            DeviceVersion = parsed.DeviceVersion ?? DefaultDeviceVersion,
            Width = parsed.Width,
            Height = parsed.Height,
            Lat = parsed.Lat,
            Lng = parsed.Lng,
            Alt = parsed.Alt,
            Temp = parsed.Temp,
            Hum = parsed.Hum,
            Lum = parsed.Lum,
            Bat = parsed.Bat,
            But = parsed.But,
            ApiVersion = ApiVersion,
        };

        /// <summary>UTC now, truncated to the microseconds the catalog keeps, so returned rows equal stored ones.</summary>
        private static DateTime Now()
        {
            var now = DateTime.UtcNow;
            return new DateTime(now.Ticks - (now.Ticks % 10), DateTimeKind.Utc);
        }

        private void SetUrls(List<StickyImage> images, ImageFileKind what)
        {
            foreach (var img in images)
            {
                img.Url = _files.UrlFor(img, what);
            }
        }

        private static IReadOnlyList<StickyImage> SortImages(List<StickyImage> images) =>
            images.OrderBy(i => i.Device, StringComparer.Ordinal).ThenBy(i => i.DateTime).ToList();

        internal static void CheckParsed(ParsedImage parsed, byte[] originalBytes)
        {
            if (parsed == null)
            {
                throw new ArgumentNullException(nameof(parsed));
            }

            if (originalBytes == null)
            {
                throw new ArgumentNullException(nameof(originalBytes));
            }

            if (string.IsNullOrEmpty(parsed.Device) || string.IsNullOrEmpty(parsed.Md5))
            {
                throw new ArgumentException("The parsed image has no device or md5.", nameof(parsed));
            }

            if (parsed.Thumbnail == null || parsed.ThumbnailMini == null)
            {
                throw new ArgumentException("The parsed image " + parsed.Key.FileName + " has no thumbnails; parse it with thumbnails.", nameof(parsed));
            }
        }

        private static void CheckKind(ImageFileKind what)
        {
            if (what < ImageFileKind.Metadata || what > ImageFileKind.ThumbnailMini)
            {
                throw new ArgumentOutOfRangeException(nameof(what), what, "Unknown image file kind.");
            }
        }

        private static void RequireCaller(CallerIdentity caller)
        {
            if (caller == null)
            {
                throw new ArgumentNullException(nameof(caller));
            }
        }

        internal static StickyPiException DuplicateImage(ImageKey key, string detail = " already stored") =>
            new StickyPiException(StickyErrorIds.DuplicateImage, StickyErrorKind.Conflict,
                "Image " + key.FileName + detail + "; nothing was written.", key);

        private static string Md5Hex(byte[] bytes)
        {
            using (var md5 = MD5.Create())
            {
                var hash = md5.ComputeHash(bytes);
                var sb = new StringBuilder(32);
                foreach (var b in hash)
                {
                    sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                }

                return sb.ToString();
            }
        }

        /// <summary>Runs an operation, turning SQLite and file-system failures into <see cref="StickyPiException"/>s.</summary>
        private T Guard<T>(Func<T> body)
        {
            ThrowIfDisposed();
            try
            {
                return body();
            }
            catch (Exception e) when (IsStoreFailure(e))
            {
                throw Translate(e);
            }
        }

        /// <summary>
        /// A lazily read sequence whose enumeration turns store failures into <see cref="StickyPiException"/>s as
        /// <see cref="Guard{T}"/> does. <paramref name="rows"/> is called on each GetEnumerator (an iterator: nothing
        /// is read before the first MoveNext).
        /// </summary>
        private IEnumerable<T> Streamed<T>(Func<IEnumerable<T>> rows) => new GuardedSequence<T>(this, rows);

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(LocalStickyStore));
            }
        }

        private static bool IsStoreFailure(Exception e) => e is SqliteException || e is IOException || e is UnauthorizedAccessException;

        private StickyPiException Translate(Exception failure)
        {
            switch (failure)
            {
                case SqliteException e when e.SqliteErrorCode == 11 || e.SqliteErrorCode == 26:
                    return new StickyPiException(StickyErrorIds.StoreCorrupt, StickyErrorKind.InvalidData,
                        "The catalog " + DatabasePath + " is damaged or not a SQLite database (" + e.Message + ").", DatabasePath, e);
                case SqliteException e when e.SqliteErrorCode == 5 || e.SqliteErrorCode == 6:
                    return new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                        "The catalog " + DatabasePath + " stayed locked by another process (" + e.Message + ").", DatabasePath, e);
                case SqliteException e:
                    return new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                        "Catalog error in " + DatabasePath + ": " + e.Message, DatabasePath, e);
                case IOException e:
                    return new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                        "File error in store " + RootDirectory + ": " + e.Message, RootDirectory, e);
                default:
                    return new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.PermissionDenied,
                        "Access denied in store " + RootDirectory + ": " + failure.Message, RootDirectory, failure);
            }
        }

        private sealed class GuardedSequence<T> : IEnumerable<T>
        {
            private readonly LocalStickyStore _store;
            private readonly Func<IEnumerable<T>> _rows;

            public GuardedSequence(LocalStickyStore store, Func<IEnumerable<T>> rows)
            {
                _store = store;
                _rows = rows;
            }

            public IEnumerator<T> GetEnumerator()
            {
                _store.ThrowIfDisposed();
                return new Enumerator(_store, _rows().GetEnumerator());
            }

            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

            private sealed class Enumerator : IEnumerator<T>
            {
                private readonly LocalStickyStore _store;
                private readonly IEnumerator<T> _inner;

                public Enumerator(LocalStickyStore store, IEnumerator<T> inner)
                {
                    _store = store;
                    _inner = inner;
                }

                public T Current => _inner.Current;

                object System.Collections.IEnumerator.Current => Current;

                public bool MoveNext()
                {
                    try
                    {
                        return _inner.MoveNext();
                    }
                    catch (Exception e) when (IsStoreFailure(e))
                    {
                        throw _store.Translate(e);
                    }
                }

                public void Dispose()
                {
                    try
                    {
                        _inner.Dispose();
                    }
                    catch (Exception e) when (IsStoreFailure(e))
                    {
                        throw _store.Translate(e);
                    }
                }

                public void Reset() => throw new NotSupportedException();
            }
        }
    }
}
