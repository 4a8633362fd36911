using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>Users (spec §2.8, §3.6): creation with passlib-compatible hashes, listing, deletion, password checks.</summary>
    public sealed partial class LocalStickyStore
    {
        /// <summary>Column sizes of <c>users</c> (spec §2.8).</summary>
        public const int MaxUserNameLength = UserRules.MaxUserNameLength;

        public const int MaxEmailLength = UserRules.MaxEmailLength;

        private const string UserColumns = "id, username, email, is_admin, can_write, datetime_created, api_version, api_user_id";

        /// <summary>SHA-512-crypt rounds of new hashes (passlib's 656000); tests lower it to keep hashing fast.</summary>
        internal int PasswordHashRounds { get; set; } = PasswordHash.DefaultRounds;

        /// <summary>Creates one user; see <see cref="PutUsers"/>.</summary>
        public StickyUser AddUser(CallerIdentity caller, string userName, char[] password, string email = null, bool isAdmin = false, bool canWrite = true) =>
            PutUsers(caller, new[] { new StickyUserSubmission { UserName = userName, Password = password, Email = email, IsAdmin = isAdmin, CanWrite = canWrite } })[0];

        /// <summary>
        /// Creates users (upstream's <c>put_users</c>, administrators only). Passwords are stored as SHA-512-crypt in
        /// passlib's form (spec §1.2) and never returned. Unlike upstream (spec §8 #7) the batch is all-or-nothing and
        /// every created user is returned, not only the last one. A name already taken (exact, case-sensitive match, as
        /// SQLite's UNIQUE) raises <c>DuplicateUser</c>. The caller keeps ownership of the password arrays (clear them).
        /// </summary>
        public IReadOnlyList<StickyUser> PutUsers(CallerIdentity caller, IEnumerable<StickyUserSubmission> users)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.PutUsers);
            var list = UserRules.CheckSubmissions(users);
            if (list.Count == 0)
            {
                return new StickyUser[0];
            }

            // Names already taken are refused before hashing (656000 rounds take a noticeable time), so a duplicate
            // is refused at once; the write transaction checks again for a user created meanwhile.
            Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: true))
                {
                    foreach (var u in list)
                    {
                        if (FindUser(conn, tx, u.UserName) != null)
                        {
                            throw UserRules.DuplicateUser(u.UserName, " already exists");
                        }
                    }

                    tx.Commit();
                }

                return 0;
            });

            // Hash before opening the write transaction, so no writer waits behind the rounds.
            var hashes = list.Select(u => PasswordHash.Hash(u.Password, PasswordHashRounds)).ToList();

            return Guard(() =>
            {
                var created = new List<StickyUser>(list.Count);
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: false))
                {
                    for (int i = 0; i < list.Count; i++)
                    {
                        var u = list[i];
                        if (FindUser(conn, tx, u.UserName) != null)
                        {
                            throw UserRules.DuplicateUser(u.UserName, " already exists");
                        }

                        var now = Now();
                        using (var cmd = conn.CreateCommand())
                        {
                            cmd.Transaction = tx;
                            cmd.CommandText =
                                "INSERT INTO users (datetime_created, api_version, api_user_id, username, email, password_hash, is_admin, can_write) " +
                                "VALUES ($created, $apiVersion, $apiUser, $name, $email, $hash, $admin, $write); SELECT last_insert_rowid();";
                            cmd.Parameters.AddWithValue("$created", StickyTime.ToDatabase(now));
                            cmd.Parameters.AddWithValue("$apiVersion", ApiVersion);
                            cmd.Parameters.AddWithValue("$apiUser", SqliteRows.DbValue(caller.Id));
                            cmd.Parameters.AddWithValue("$name", u.UserName);
                            cmd.Parameters.AddWithValue("$email", SqliteRows.DbValue(u.Email));
                            cmd.Parameters.AddWithValue("$hash", hashes[i]);
                            cmd.Parameters.AddWithValue("$admin", u.IsAdmin ? 1 : 0);
                            cmd.Parameters.AddWithValue("$write", u.CanWrite ? 1 : 0);
                            long id;
                            try
                            {
                                id = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                            }
                            catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
                            {
                                throw UserRules.DuplicateUser(u.UserName, " already exists");
                            }

                            created.Add(new StickyUser
                            {
                                Id = id,
                                UserName = u.UserName,
                                Email = u.Email,
                                IsAdmin = u.IsAdmin,
                                CanWrite = u.CanWrite,
                                DateTimeCreated = now,
                                ApiVersion = ApiVersion,
                                ApiUserId = caller.Id,
                            });
                        }
                    }

                    BeforeCommit?.Invoke();
                    tx.Commit();
                }

                return (IReadOnlyList<StickyUser>)created;
            });
        }

        /// <summary>
        /// Users whose name matches the LIKE pattern (<c>%</c>, <c>_</c>, escape <c>\</c>, ASCII case-insensitive;
        /// upstream's <c>get_users</c> filter), sorted by name. Callers that are not global administrators only ever see
        /// their own row (spec §8 #4). The hash is never read.
        /// </summary>
        public IReadOnlyList<StickyUser> GetUsers(CallerIdentity caller, string userNameLike = "%")
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.GetUsers);
            return QueryUsers(caller, "username LIKE $p ESCAPE '\\'", userNameLike ?? "%");
        }

        /// <summary>The user with exactly this name (case-sensitive), or null when there is none or the caller may not see it.</summary>
        public StickyUser GetUser(CallerIdentity caller, string userName)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.GetUsers);
            if (string.IsNullOrEmpty(userName))
            {
                return null;
            }

            return QueryUsers(caller, "username = $p", userName).FirstOrDefault();
        }

        /// <summary>
        /// Deletes the users with exactly these names (administrators only, spec §8 #3), their permission rows cascading;
        /// projects stay. Names that do not exist are ignored (the result lists what was deleted). One transaction.
        /// A stored caller may not delete the last user with the Admin role (<c>LastAdministrator</c>); the local
        /// administrator may.
        /// </summary>
        public IReadOnlyList<StickyUser> DeleteUsers(CallerIdentity caller, IEnumerable<string> userNames)
        {
            RequireCaller(caller);
            AccessPolicy.Require(caller, ApiOperation.DeleteUsers);
            if (userNames == null)
            {
                throw new ArgumentNullException(nameof(userNames));
            }

            var names = userNames.Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal).ToList();
            if (names.Count == 0)
            {
                return new StickyUser[0];
            }

            return Guard(() =>
            {
                var deleted = new List<StickyUser>();
                using (var conn = OpenConnection())
                using (var tx = conn.BeginTransaction(deferred: false))
                {
                    foreach (var name in names)
                    {
                        var user = FindUser(conn, tx, name);
                        if (user != null)
                        {
                            deleted.Add(user);
                        }
                    }

                    if (deleted.Any(u => u.Role == UserRole.Admin))
                    {
                        var deletedIds = new HashSet<long>(deleted.Select(u => u.Id));
                        int adminsLeft = ReadUsers(conn, tx, "is_admin != 0 AND (can_write IS NULL OR can_write != 0)", null)
                            .Count(u => !deletedIds.Contains(u.Id));
                        UserRules.CheckLastAdministrator(caller, deleted, adminsLeft);
                    }

                    using (var cmd = conn.CreateCommand())
                    {
                        cmd.Transaction = tx;
                        cmd.CommandText = "DELETE FROM users WHERE id = $id";
                        var pid = cmd.Parameters.Add("$id", SqliteType.Integer);
                        foreach (var u in deleted)
                        {
                            pid.Value = u.Id;
                            cmd.ExecuteNonQuery();
                        }
                    }

                    BeforeCommit?.Invoke();
                    tx.Commit();
                }

                return (IReadOnlyList<StickyUser>)deleted;
            });
        }

        /// <summary>
        /// True when the user exists (exact name) and the password matches its stored hash (SHA-512-crypt or
        /// SHA-256-crypt, any rounds; spec §1.2). The caller keeps ownership of the password array.
        /// </summary>
        public bool VerifyPassword(string userName, char[] password)
        {
            if (string.IsNullOrEmpty(userName) || password == null)
            {
                return false;
            }

            string hash = Guard(() =>
            {
                using (var conn = OpenConnection())
                using (var cmd = conn.CreateCommand())
                {
                    cmd.CommandText = "SELECT password_hash FROM users WHERE username = $name";
                    cmd.Parameters.AddWithValue("$name", userName);
                    return cmd.ExecuteScalar() as string;
                }
            });

            return hash != null && PasswordHash.Verify(password, hash);
        }

        // ---------------------------------------------------------------- helpers

        private IReadOnlyList<StickyUser> QueryUsers(CallerIdentity caller, string condition, string value)
        {
            return Guard(() =>
            {
                using (var conn = OpenConnection())
                {
                    if (!AccessPolicy.SeesAllUsers(caller))
                    {
                        condition = "(" + condition + ") AND id = $self";
                    }

                    return (IReadOnlyList<StickyUser>)ReadUsers(conn, null, condition, cmd =>
                    {
                        cmd.Parameters.AddWithValue("$p", value);
                        if (!AccessPolicy.SeesAllUsers(caller))
                        {
                            cmd.Parameters.AddWithValue("$self", caller.Id.Value);
                        }
                    });
                }
            });
        }

        /// <summary>The user with exactly this name (case-sensitive), or null.</summary>
        internal static StickyUser FindUser(SqliteConnection conn, SqliteTransaction tx, string userName) =>
            ReadUsers(conn, tx, "username = $name", cmd => cmd.Parameters.AddWithValue("$name", userName)).FirstOrDefault();

        internal static StickyUser FindUser(SqliteConnection conn, SqliteTransaction tx, long userId) =>
            ReadUsers(conn, tx, "id = $id", cmd => cmd.Parameters.AddWithValue("$id", userId)).FirstOrDefault();

        private static List<StickyUser> ReadUsers(SqliteConnection conn, SqliteTransaction tx, string condition, Action<SqliteCommand> bind)
        {
            var users = new List<StickyUser>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT " + UserColumns + " FROM users WHERE " + condition + " ORDER BY username, id";
                bind?.Invoke(cmd);
                using (var reader = cmd.ExecuteReader())
                {
                    var r = new RowReader(reader);
                    while (r.Read())
                    {
                        users.Add(new StickyUser
                        {
                            Id = SqliteRows.Int64OrNull(r, "id") ?? 0,
                            UserName = SqliteRows.StringOrNull(r, "username"),
                            Email = SqliteRows.StringOrNull(r, "email"),

                            // Upstream's application defaults when NULL: is_admin false, can_write true.
                            IsAdmin = SqliteRows.BoolOrNull(r, "is_admin") ?? false,
                            CanWrite = SqliteRows.BoolOrNull(r, "can_write") ?? true,
                            DateTimeCreated = SqliteRows.DateTimeValue(r, "datetime_created"),
                            ApiVersion = SqliteRows.StringOrNull(r, "api_version"),
                            ApiUserId = SqliteRows.Int64OrNull(r, "api_user_id"),
                        });
                    }
                }
            }

            return users;
        }
    }
}
