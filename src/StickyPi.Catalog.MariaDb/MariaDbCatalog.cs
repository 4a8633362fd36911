using System;
using System.Collections.Generic;
using System.Linq;
using MySqlConnector;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.MariaDb
{
    /// <summary>
    /// The Sticky Pi catalog in MariaDB, in upstream's own schema (<see cref="MariaDbSchema"/>), so that the database an
    /// upstream server has filled is served as it is. Opening checks that every upstream table and column is there
    /// (creating the tables in an empty database), and each call takes a pooled connection of its own.
    /// </summary>
    /// <remarks>
    /// <para>So far: identities, passwords and user reads (what a server needs to let upstream's users in), with the
    /// embedded store's rules from <see cref="AccessPolicy"/>. Images, annotations, tuboids, labels, projects and the
    /// writes follow; until they do, this type does not claim <c>IStickyCatalog</c>.</para>
    /// <para>Upstream's tables use a case-insensitive collation (<c>utf8mb4_general_ci</c>), under which upstream's
    /// server lets <c>ADMIN</c> in as <c>admin</c>. A user name here matches exactly, as in the embedded store: the
    /// indexed, case-insensitive comparison finds the candidates and a binary one keeps the exact name.</para>
    /// </remarks>
    public sealed partial class MariaDbCatalog
    {
        private const string UserColumns = "id, username, email, is_admin, can_write, datetime_created, api_version, api_user_id";

        private readonly string _connectionString;

        private MariaDbCatalog(string connectionString, string location)
        {
            _connectionString = connectionString;
            Location = location;
        }

        /// <summary>The server and database, for messages (never the password).</summary>
        public string Location { get; }

        /// <summary>
        /// Opens the catalog in the connection string's database: an empty database gets upstream's tables
        /// (<paramref name="createSchema"/>), an existing one must hold every table and column of upstream's schema
        /// (<c>CatalogSchemaMismatch</c> names what is missing). Unreachable servers and refused logins are
        /// <c>RemoteUnavailable</c> and <c>RemoteAccessDenied</c>, naming the server.
        /// </summary>
        public static MariaDbCatalog Open(string connectionString, bool createSchema = true)
        {
            var builder = new MySqlConnectionStringBuilder(connectionString ?? throw new ArgumentNullException(nameof(connectionString)));
            if (string.IsNullOrEmpty(builder.Database))
            {
                throw new ArgumentException("The connection string names no database.", nameof(connectionString));
            }

            // Times are UTC wall-clock values in DATETIME columns, as upstream writes them.
            builder.DateTimeKind = MySqlDateTimeKind.Utc;
            var catalog = new MariaDbCatalog(builder.ConnectionString, "mariadb://" + builder.Server + ":" + builder.Port + "/" + builder.Database);
            catalog.Run(conn =>
            {
                var existing = ExistingColumns(conn);
                if (existing.Count == 0 && createSchema)
                {
                    foreach (var (_, create) in MariaDbSchema.Tables)
                    {
                        using (var cmd = new MySqlCommand(create.Replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS "), conn))
                        {
                            cmd.ExecuteNonQuery();
                        }
                    }

                    return 0;
                }

                var missing = MariaDbSchema.Columns
                    .SelectMany(t => existing.TryGetValue(t.Key, out var columns)
                        ? t.Value.Where(c => !columns.Contains(c)).Select(c => t.Key + "." + c)
                        : new[] { t.Key })
                    .ToList();
                if (missing.Count > 0)
                {
                    throw new StickyPiException(MariaDbErrorIds.CatalogSchemaMismatch, StickyErrorKind.InvalidData,
                        "The database " + catalog.Location + " is not a Sticky Pi catalog in upstream's schema: it lacks " + string.Join(", ", missing) + ".",
                        missing[0]);
                }

                return 0;
            });
            return catalog;
        }

        /// <summary>The caller a user name stands for (exact name); <c>UserNotFound</c> when there is none.</summary>
        public CallerIdentity GetCallerIdentity(string userName)
        {
            if (string.IsNullOrEmpty(userName))
            {
                throw new ArgumentException("A user name is required.", nameof(userName));
            }

            return FindUsers("username = @p AND BINARY username = BINARY @p", userName).Select(Identity).FirstOrDefault()
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
            return string.IsNullOrEmpty(userName) ? null : Visible(caller, FindUsers("username = @p AND BINARY username = BINARY @p", userName)).FirstOrDefault();
        }

        // ---------------------------------------------------------------- helpers

        private static IReadOnlyList<StickyUser> Visible(CallerIdentity caller, List<StickyUser> users) =>
            AccessPolicy.SeesAllUsers(caller) ? users : users.Where(u => u.Id == caller.Id).ToList();

        private static CallerIdentity Identity(StickyUser u) => new CallerIdentity(u.Id, u.UserName, u.CanWrite, u.IsAdmin);

        private List<StickyUser> FindUsers(string condition, object value) => Run(conn =>
        {
            var users = new List<StickyUser>();
            using (var cmd = new MySqlCommand("SELECT " + UserColumns + " FROM users WHERE " + condition, conn))
            {
                cmd.Parameters.AddWithValue("@p", value);
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
                            IsAdmin = !r.IsDBNull(3) && r.GetBoolean(3),
                            CanWrite = r.IsDBNull(4) || r.GetBoolean(4),
                            DateTimeCreated = DateTime.SpecifyKind(r.GetDateTime(5), DateTimeKind.Utc),
                            ApiVersion = r.IsDBNull(6) ? null : r.GetString(6),
                            ApiUserId = r.IsDBNull(7) ? (long?)null : r.GetInt64(7),
                        });
                    }
                }
            }

            // By name in ordinal order, as the embedded store (upstream's collation would put a_b after axb).
            return users.OrderBy(u => u.UserName, StringComparer.Ordinal).ThenBy(u => u.Id).ToList();
        });

        /// <summary>The tables of the connection's database and their columns.</summary>
        private static Dictionary<string, HashSet<string>> ExistingColumns(MySqlConnection conn)
        {
            var tables = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            using (var cmd = new MySqlCommand("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()", conn))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    string table = r.GetString(0);
                    if (!tables.TryGetValue(table, out var columns))
                    {
                        tables[table] = columns = new HashSet<string>(StringComparer.Ordinal);
                    }

                    columns.Add(r.GetString(1));
                }
            }

            return tables;
        }

        /// <summary>Runs on a pooled connection, turning the server's and the network's failures into the store's errors.</summary>
        private T Run<T>(Func<MySqlConnection, T> work)
        {
            try
            {
                using (var conn = new MySqlConnection(_connectionString))
                {
                    conn.Open();
                    return work(conn);
                }
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.AccessDenied || e.ErrorCode == MySqlErrorCode.DatabaseAccessDenied)
            {
                throw new StickyPiException(StickyErrorIds.RemoteAccessDenied, StickyErrorKind.PermissionDenied,
                    "The database " + Location + " refused the login: " + e.Message, Location, e);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.UnableToConnectToHost)
            {
                throw new StickyPiException(StickyErrorIds.RemoteUnavailable, StickyErrorKind.ResourceUnavailable,
                    "The database " + Location + " could not be reached: " + e.Message, Location, e);
            }
            catch (MySqlException e)
            {
                throw new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                    "The database " + Location + " failed: " + e.Message, Location, e);
            }
        }
    }

    /// <summary>Error ids of the MariaDB catalog.</summary>
    public static class MariaDbErrorIds
    {
        /// <summary>The database lacks tables or columns of upstream's schema.</summary>
        public const string CatalogSchemaMismatch = "CatalogSchemaMismatch";
    }
}
