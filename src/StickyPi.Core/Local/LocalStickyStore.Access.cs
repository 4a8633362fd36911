using System;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>Who the caller is in this store, and what it holds on a project: the inputs of <see cref="AccessPolicy"/>.</summary>
    public sealed partial class LocalStickyStore
    {
        /// <summary>
        /// The identity of a stored user, so the local store can act as that user (upstream's local API has no
        /// authentication and acts as a global administrator). Exact, case-sensitive name match: upstream's LIKE
        /// lookup let '_' and '%' match other users (spec §8 #5).
        /// </summary>
        public CallerIdentity GetCallerIdentity(string userName)
        {
            if (string.IsNullOrEmpty(userName))
            {
                throw new ArgumentException("A user name is required.", nameof(userName));
            }

            return Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var cmd = conn.CreateCommand())
                {
                    cmd.CommandText = "SELECT id, username, can_write, is_admin FROM users WHERE username = $name";
                    cmd.Parameters.AddWithValue("$name", userName);
                    using (var reader = cmd.ExecuteReader())
                    {
                        if (!reader.Read())
                        {
                            throw new StickyPiException("UserNotFound", StickyErrorKind.NotFound, $"No user '{userName}' in {DatabasePath}.", userName);
                        }

                        // Upstream's defaults when the flags are NULL: can_write true, is_admin false.
                        bool canWrite = reader.IsDBNull(2) || reader.GetInt64(2) != 0;
                        bool isAdmin = !reader.IsDBNull(3) && reader.GetInt64(3) != 0;
                        return new CallerIdentity(reader.GetInt64(0), reader.GetString(1), canWrite, isAdmin);
                    }
                }
            });
        }

        /// <summary>The level the caller holds on a project (None without a permission row; Admin for the internal caller).</summary>
        internal static ProjectLevel GetProjectLevel(SqliteConnection conn, SqliteTransaction tx, CallerIdentity caller, long projectId)
        {
            if (caller.Id == null)
            {
                return ProjectLevel.Admin;
            }

            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT level FROM project_permissions WHERE parent_project_id = $p AND parent_user_id = $u";
                cmd.Parameters.AddWithValue("$p", projectId);
                cmd.Parameters.AddWithValue("$u", caller.Id.Value);
                var level = cmd.ExecuteScalar();
                return level == null || level is DBNull ? ProjectLevel.None : (ProjectLevel)Convert.ToInt32(level);
            }
        }
    }
}
