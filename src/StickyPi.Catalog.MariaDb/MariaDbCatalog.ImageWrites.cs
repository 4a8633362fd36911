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
    /// Image rows written and deleted (spec §3.1) in upstream's <c>images</c> table. The files are not this catalog's:
    /// the composite that joins it to a file storage puts them in place before <see cref="CommitImageRows"/> and removes
    /// them after <see cref="DeleteImages"/> (so a row never exists without its files).
    /// </summary>
    public sealed partial class MariaDbCatalog
    {
        /// <summary>
        /// Inserts image rows in one transaction, <c>api_user_id</c> the caller (spec §8 #13). An image already stored
        /// under the same key raises <c>DuplicateImage</c> and nothing of the batch is written, unless
        /// <paramref name="replaceExisting"/>: then the stored row is deleted first, its annotations and intents with it
        /// (upstream's cascades). Under upstream's case-insensitive collation a device differing only in case is the same
        /// key; such a row is never replaced (it is another device's image) and raises <c>DuplicateImage</c>.
        /// Returns the rows as stored (MariaDB's column types: whole seconds, SMALLINT rounded, FLOAT single), in the
        /// batch's order (callers match them to what they sent by position).
        /// </summary>
        public IReadOnlyList<StickyImage> CommitImageRows(CallerIdentity caller, IReadOnlyList<StickyImage> rows, bool replaceExisting)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutImages);
            var list = CheckImageRows(rows);
            if (list.Count == 0)
            {
                return new StickyImage[0];
            }

            var created = StickyTime.Normalize(DateTime.UtcNow);
            return Run(conn =>
            {
                using (var tx = conn.BeginTransaction())
                // A plain read: a locking one would take gap locks on absent keys, on which two batches inserting at once
                // deadlock; the UNIQUE key still refuses a key stored meanwhile (DuplicateImage below).
                using (var find = new MySqlCommand("SELECT id, device FROM images WHERE device = @d AND datetime = @t", conn, tx))
                using (var delete = new MySqlCommand("DELETE FROM images WHERE id = @id", conn, tx))
                using (var insert = new MySqlCommand(ImageInsertSql, conn, tx))
                {
                    var pd = find.Parameters.Add("@d", MySqlDbType.VarChar);
                    var pt = find.Parameters.Add("@t", MySqlDbType.DateTime);
                    var pid = delete.Parameters.Add("@id", MySqlDbType.Int64);
                    var ids = new List<long>(list.Count);
                    foreach (var row in list)
                    {
                        var key = row.Key;
                        pd.Value = key.Device;
                        pt.Value = key.DateTime;
                        var existing = new List<(long Id, string Device)>();
                        using (var r = find.ExecuteReader())
                        {
                            while (r.Read())
                            {
                                existing.Add((r.GetInt64(0), r.GetString(1)));
                            }
                        }

                        var other = existing.FirstOrDefault(e => e.Device != key.Device);
                        if (other.Device != null)
                        {
                            throw DuplicateImage(key, " is taken by device " + other.Device + "'s image of that second (devices that differ only in case are one key here)");
                        }

                        if (existing.Count > 0 && !replaceExisting)
                        {
                            throw DuplicateImage(key, " already stored");
                        }

                        foreach (var e in existing)
                        {
                            pid.Value = e.Id;
                            delete.ExecuteNonQuery();
                        }

                        BindImage(insert, row, caller, created);
                        try
                        {
                            insert.ExecuteNonQuery();
                        }
                        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
                        {
                            // Another writer stored the key between the check and the insert, or the batch holds it twice.
                            throw DuplicateImage(key, " is stored twice (" + e.Message + ")");
                        }

                        ids.Add(insert.LastInsertedId);
                    }

                    var byId = ImagesByIds(conn, tx, ids).ToDictionary(i => i.Id ?? 0);
                    tx.Commit();
                    return (IReadOnlyList<StickyImage>)ids.Select(id => byId[id]).ToList();
                }
            });
        }

        /// <summary>
        /// Deletes the images with exactly these keys (administrators only, as upstream's route), their annotations and
        /// intents cascading, in one transaction, and returns the deleted rows sorted by device, datetime; unknown keys
        /// are ignored. The caller removes the files once this has returned.
        /// </summary>
        public IReadOnlyList<StickyImage> DeleteImages(CallerIdentity caller, IEnumerable<ImageKey> keys)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.DeleteImages);
            var list = (keys ?? throw new ArgumentNullException(nameof(keys))).Where(k => k.Device != null).Distinct().ToList();
            if (list.Count == 0)
            {
                return new StickyImage[0];
            }

            return Sorted(Run(conn =>
            {
                using (var tx = conn.BeginTransaction())
                {
                    var rows = ImagesByKeys(conn, tx, list, forUpdate: true);
                    foreach (var chunk in SqliteRows.Chunk(rows.Select(r => r.Id ?? 0), SqliteRows.ChunkSize))
                    {
                        using (var cmd = new MySqlCommand("DELETE FROM images WHERE id IN (" + string.Join(", ", chunk) + ")", conn, tx))
                        {
                            cmd.ExecuteNonQuery();
                        }
                    }

                    tx.Commit();
                    return rows;
                }
            }));
        }

        private const string ImageInsertSql =
            "INSERT INTO images (datetime_created, api_version, api_user_id, device, datetime, md5, device_version, width, height, " +
            "lat, lng, alt, `temp`, hum, lum, bat, but) VALUES (@created, @apiVersion, @apiUser, @device, @datetime, @md5, " +
            "@deviceVersion, @width, @height, @lat, @lng, @alt, @temp, @hum, @lum, @bat, @but)";

        private static void BindImage(MySqlCommand insert, StickyImage row, CallerIdentity caller, DateTime created)
        {
            var p = insert.Parameters;
            p.Clear();
            p.AddWithValue("@created", created);
            p.AddWithValue("@apiVersion", LocalStickyStore.ApiVersion);
            p.AddWithValue("@apiUser", (object)caller.Id ?? DBNull.Value);
            p.AddWithValue("@device", row.Device);
            p.AddWithValue("@datetime", StickyTime.Normalize(row.DateTime));
            p.AddWithValue("@md5", row.Md5);
            p.AddWithValue("@deviceVersion", row.DeviceVersion ?? LocalStickyStore.DefaultDeviceVersion);
            p.AddWithValue("@width", row.Width);
            p.AddWithValue("@height", row.Height);
            foreach (var (name, value) in new[] { ("@lat", row.Lat), ("@lng", row.Lng), ("@alt", row.Alt), ("@temp", row.Temp), ("@hum", row.Hum), ("@lum", row.Lum), ("@bat", row.Bat) })
            {
                p.AddWithValue(name, (object)value ?? DBNull.Value);
            }

            p.AddWithValue("@but", row.But.HasValue ? (object)(row.But.Value ? 1 : 0) : DBNull.Value);
        }

        /// <summary>The batch's rows, each with what the <c>images</c> table requires, and no key twice.</summary>
        private static List<StickyImage> CheckImageRows(IReadOnlyList<StickyImage> rows)
        {
            var list = (rows ?? throw new ArgumentNullException(nameof(rows))).ToList();
            var seen = new HashSet<ImageKey>();
            foreach (var row in list)
            {
                if (row == null)
                {
                    throw new ArgumentException("The batch contains a null entry.", nameof(rows));
                }

                if (string.IsNullOrEmpty(row.Device) || string.IsNullOrEmpty(row.Md5))
                {
                    throw new ArgumentException("The image row " + row.Key + " has no device or md5.", nameof(rows));
                }

                if (!seen.Add(new ImageKey(row.Device, StickyTime.Normalize(row.DateTime))))
                {
                    throw DuplicateImage(row.Key, " appears twice in this batch");
                }
            }

            return list;
        }

        private static StickyPiException DuplicateImage(ImageKey key, string detail) =>
            new StickyPiException(StickyErrorIds.DuplicateImage, StickyErrorKind.Conflict,
                "Image " + key.FileName + detail + "; nothing was written.", key);
    }
}
