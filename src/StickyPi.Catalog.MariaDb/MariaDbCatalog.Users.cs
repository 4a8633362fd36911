using System;
using System.Collections.Generic;
using System.Linq;
using MySqlConnector;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.MariaDb
{
    /// <summary>Users (spec §2.8, §3.6) in upstream's <c>users</c> table: identities, passwords, reads and writes.</summary>
    public sealed partial class MariaDbCatalog
    {
        private const string UserColumns = "id, username, email, is_admin, can_write, datetime_created, api_version, api_user_id";

        /// <summary>Exact-name condition on <c>@p</c>: the collation's index finds the candidates, the binary comparison keeps the exact name.</summary>
        private const string ExactName = "username = @p AND BINARY username = BINARY @p";

        /// <summary>SHA-512-crypt rounds of new hashes (passlib's 656000); tests lower it to keep hashing fast.</summary>
        internal int PasswordHashRounds { get; set; } = PasswordHash.DefaultRounds;

        /// <summary>The caller a user name stands for (exact name); <c>UserNotFound</c> when there is none.</summary>
        public CallerIdentity GetCallerIdentity(string userName)
        {
            if (string.IsNullOrEmpty(userName))
            {
                throw new ArgumentException("A user name is required.", nameof(userName));
            }

            return FindUsers(ExactName, userName).Select(Identity).FirstOrDefault()
                ?? throw new StickyPiException("UserNotFound", StickyErrorKind.NotFound, "No user '" + userName + "' in " + Location + ".", userName);
        }

        /// <summary>The caller a user id stands for, or null when there is no such user (a token of a deleted user).</summary>
        public CallerIdentity FindCallerIdentity(long userId) => FindUsers("id = @p", userId).Select(Identity).FirstOrDefault();

        /// <summary>
        /// True when the user exists (exact name) and the password matches its stored hash (upstream's passlib
        /// SHA-512-crypt, or SHA-256-crypt). The caller keeps ownership of the password array.
        /// </summary>
        public bool VerifyPassword(string userName, char[] password)
        {
            if (string.IsNullOrEmpty(userName) || password == null)
            {
                return false;
            }

            string hash = Run(conn =>
            {
                using (var cmd = new MySqlCommand("SELECT password_hash FROM users WHERE username = @p AND BINARY username = BINARY @p", conn))
                {
                    cmd.Parameters.AddWithValue("@p", userName);
                    return cmd.ExecuteScalar() as string;
                }
            });
            return hash != null && PasswordHash.Verify(password, hash);
        }

        /// <summary>
        /// Users whose name matches the LIKE pattern (<c>%</c>, <c>_</c>, escape <c>\</c>; upstream's <c>get_users</c>
        /// filter, case-insensitive under upstream's collation), sorted by name. Callers that are not global
        /// administrators only ever see their own row. The hash is never read.
        /// </summary>
        public IReadOnlyList<StickyUser> GetUsers(CallerIdentity caller, string userNameLike = "%")
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetUsers);
            return Visible(caller, FindUsers("username LIKE @p ESCAPE '\\\\'", userNameLike ?? "%"));
        }

        /// <summary>The user with exactly this name, or null when there is none or the caller may not see it.</summary>
        public StickyUser GetUser(CallerIdentity caller, string userName)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.GetUsers);
            return string.IsNullOrEmpty(userName) ? null : Visible(caller, FindUsers(ExactName, userName)).FirstOrDefault();
        }

        // ---------------------------------------------------------------- helpers

        private static IReadOnlyList<StickyUser> Visible(CallerIdentity caller, List<StickyUser> users) =>
            AccessPolicy.SeesAllUsers(caller) ? users : users.Where(u => u.Id == caller.Id).ToList();

        private static CallerIdentity Identity(StickyUser u) => new CallerIdentity(u.Id, u.UserName, u.CanWrite, u.IsAdmin);

        private List<StickyUser> FindUsers(string condition, object value) => Run(conn => ReadUsers(conn, null, condition, value));

        private static List<StickyUser> ReadUsers(MySqlConnection conn, MySqlTransaction tx, string condition, object value, bool forUpdate = false)
        {
            var users = new List<StickyUser>();
            using (var cmd = new MySqlCommand("SELECT " + UserColumns + " FROM users WHERE " + condition + (forUpdate ? " FOR UPDATE" : string.Empty), conn, tx))
            {
                if (value != null)
                {
                    cmd.Parameters.AddWithValue("@p", value);
                }

                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        users.Add(new StickyUser
                        {
                            Id = r.GetInt64(0),
                            UserName = r.GetString(1),
                            Email = r.IsDBNull(2) ? null : r.GetString(2),
                            // Upstream's defaults when the flags are NULL: is_admin false, can_write true.
                            IsAdmin = !r.IsDBNull(3) && r.GetInt64(3) != 0,
                            CanWrite = r.IsDBNull(4) || r.GetInt64(4) != 0,
                            DateTimeCreated = DateTime.SpecifyKind(r.GetDateTime(5), DateTimeKind.Utc),
                            ApiVersion = r.IsDBNull(6) ? null : r.GetString(6),
                            ApiUserId = r.IsDBNull(7) ? (long?)null : r.GetInt64(7),
                        });
                    }
                }
            }

            // By name in ordinal order, as the embedded store (upstream's collation would put a_b after axb).
            return users.OrderBy(u => u.UserName, StringComparer.Ordinal).ThenBy(u => u.Id).ToList();
        }

        /// <summary>Creates one user; see <see cref="PutUsers"/>.</summary>
        public StickyUser AddUser(CallerIdentity caller, string userName, char[] password, string email = null, bool isAdmin = false, bool canWrite = true) =>
            PutUsers(caller, new[] { new StickyUserSubmission { UserName = userName, Password = password, Email = email, IsAdmin = isAdmin, CanWrite = canWrite } })[0];

        /// <summary>
        /// Creates users (administrators only), all or none, with passlib-compatible SHA-512-crypt hashes, and returns
        /// every created user. A name already taken is <c>DuplicateUser</c>; in upstream's MariaDB schema that includes a
        /// name differing only in case (its UNIQUE key ignores case), which the embedded store would accept.
        /// </summary>
        public IReadOnlyList<StickyUser> PutUsers(CallerIdentity caller, IEnumerable<StickyUserSubmission> users)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutUsers);
            var list = UserRules.CheckSubmissions(users);
            if (list.Count == 0)
            {
                return new StickyUser[0];
            }

            // Names taken are refused before the (slow) hashing; the insert's UNIQUE key catches one created meanwhile.
            foreach (var u in list)
            {
                var taken = FindUsers("username = @p", u.UserName).FirstOrDefault();
                if (taken != null)
                {
                    throw UserRules.DuplicateUser(u.UserName, taken.UserName == u.UserName ? " already exists" : " is taken by '" + taken.UserName + "' (names that differ only in case are one name here)");
                }
            }

            var hashes = list.Select(u => PasswordHash.Hash(u.Password, PasswordHashRounds)).ToList();
            var now = StickyTime.Normalize(DateTime.UtcNow);
            var ids = Run(conn =>
            {
                using (var tx = conn.BeginTransaction())
                {
                    var created = new List<long>();
                    for (int i = 0; i < list.Count; i++)
                    {
                        var u = list[i];
                        using (var cmd = new MySqlCommand(
                            "INSERT INTO users (datetime_created, api_version, api_user_id, username, email, password_hash, is_admin, can_write) " +
                            "VALUES (@created, @version, @apiUser, @name, @email, @hash, @admin, @write)", conn, tx))
                        {
                            cmd.Parameters.AddWithValue("@created", now);
                            cmd.Parameters.AddWithValue("@version", LocalStickyStore.ApiVersion);
                            cmd.Parameters.AddWithValue("@apiUser", (object)caller.Id ?? DBNull.Value);
                            cmd.Parameters.AddWithValue("@name", u.UserName);
                            cmd.Parameters.AddWithValue("@email", (object)u.Email ?? DBNull.Value);
                            cmd.Parameters.AddWithValue("@hash", hashes[i]);
                            cmd.Parameters.AddWithValue("@admin", u.IsAdmin);
                            cmd.Parameters.AddWithValue("@write", u.CanWrite);
                            try
                            {
                                cmd.ExecuteNonQuery();
                            }
                            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
                            {
                                throw UserRules.DuplicateUser(u.UserName, " already exists");
                            }

                            created.Add(cmd.LastInsertedId);
                        }
                    }

                    tx.Commit();
                    return created;
                }
            });
            return ids.Select(id => FindUsers("id = @p", id).Single()).ToList();
        }

        /// <summary>
        /// Deletes the users with exactly these names (administrators only), their permission rows cascading; projects
        /// stay. Unknown names are ignored. One transaction; never the last user with the Admin role
        /// (<c>LastAdministrator</c>) unless the local administrator asks.
        /// </summary>
        public IReadOnlyList<StickyUser> DeleteUsers(CallerIdentity caller, IEnumerable<string> userNames)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.DeleteUsers);
            var names = (userNames ?? throw new ArgumentNullException(nameof(userNames))).Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal).ToList();
            if (names.Count == 0)
            {
                return new StickyUser[0];
            }

            return Run(conn =>
            {
                using (var tx = conn.BeginTransaction())
                {
                    // Every user row locked, so no administrator is made or removed between the count and the delete.
                    var all = ReadUsers(conn, tx, "1 = 1", null, forUpdate: true);
                    var deleted = names.Select(n => all.FirstOrDefault(u => u.UserName == n)).Where(u => u != null).ToList();
                    var deletedIds = new HashSet<long>(deleted.Select(u => u.Id));
                    UserRules.CheckLastAdministrator(caller, deleted, all.Count(u => u.Role == UserRole.Admin && !deletedIds.Contains(u.Id)));
                    foreach (var u in deleted)
                    {
                        using (var cmd = new MySqlCommand("DELETE FROM users WHERE id = @id", conn, tx))
                        {
                            cmd.Parameters.AddWithValue("@id", u.Id);
                            cmd.ExecuteNonQuery();
                        }
                    }

                    tx.Commit();
                    return (IReadOnlyList<StickyUser>)deleted;
                }
            });
        }
    }
}
