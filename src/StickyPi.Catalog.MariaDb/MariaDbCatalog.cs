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
    /// <para>The whole catalog half of a back-end (<c>IStickyCatalog</c>): users, image rows, UID annotations and
    /// reservations, tuboids and ITC labels, projects, permissions and project series, and completion, each with the
    /// embedded store's rules (<see cref="AccessPolicy"/>, <see cref="UserRules"/>, the shared checks) and row mapping,
    /// so both catalogs give the same answers. Files are not its: writes that need them take a callback or return what
    /// to delete, and file locations are storage keys; joining it to a file storage is the composite back-end's work.</para>
    /// <para>Upstream's tables use a case-insensitive collation (<c>utf8mb4_general_ci</c>), under which upstream's
    /// server lets <c>ADMIN</c> in as <c>admin</c>. A user name here matches exactly, as in the embedded store: the
    /// indexed, case-insensitive comparison finds the candidates and a binary one keeps the exact name.</para>
    /// </remarks>
    public sealed partial class MariaDbCatalog : StickyPi.Core.Backend.IStickyCatalogWrites
    {
        private readonly string _connectionString;

        private MariaDbCatalog(string connectionString, string location)
        {
            _connectionString = connectionString;
            Location = location;
        }

        /// <summary>The server and database, for messages (never the password).</summary>
        public string Location { get; }

        /// <summary>
        /// Opens the catalog in the connection string's database: a missing or empty database gets upstream's tables
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
            // Upstream's BOOLEAN columns are TINYINT(1) holding 0 and 1 (or NULL): read them as the numbers they are.
            builder.TreatTinyAsBoolean = false;
            var catalog = new MariaDbCatalog(builder.ConnectionString, "mariadb://" + builder.Server + ":" + builder.Port + "/" + builder.Database);
            if (createSchema)
            {
                catalog.CreateMissingDatabase(builder);
            }

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

        /// <summary>
        /// Creates the connection's database when it does not exist yet and the login may (a first deployment), with
        /// upstream's character set and collation; an existing database is left as it is.
        /// </summary>
        private void CreateMissingDatabase(MySqlConnectionStringBuilder builder)
        {
            var server = new MySqlConnectionStringBuilder(builder.ConnectionString) { Database = string.Empty };
            try
            {
                using (var conn = new MySqlConnection(server.ConnectionString))
                {
                    conn.Open();
                    using (var cmd = new MySqlCommand("CREATE DATABASE IF NOT EXISTS `" + builder.Database.Replace("`", "``") + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", conn))
                    {
                        cmd.ExecuteNonQuery();
                    }
                }
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.AccessDenied || e.ErrorCode == MySqlErrorCode.DatabaseAccessDenied ||
                                           e.ErrorCode == MySqlErrorCode.DatabaseCreateExists)
            {
                // A login limited to its own database cannot create one: opening it says whether it exists.
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.UnableToConnectToHost)
            {
                throw new StickyPiException(StickyErrorIds.RemoteUnavailable, StickyErrorKind.ResourceUnavailable,
                    "The database " + Location + " could not be reached: " + e.Message, Location, e);
            }
        }

        /// <summary>
        /// A connection string from upstream's variables' parts: <paramref name="host"/> as <c>MYSQL_HOST</c> gives it
        /// (<c>host</c> or <c>host:port</c>), the database and the login. A port that is not one is an
        /// <see cref="ArgumentException"/> naming the host.
        /// </summary>
        public static string ConnectionString(string host, string database, string user, string password)
        {
            if (string.IsNullOrWhiteSpace(host))
            {
                throw new ArgumentException("A MariaDB host is required.", nameof(host));
            }

            var builder = new MySqlConnectionStringBuilder { UserID = user, Password = password, Database = database };
            int colon = host.LastIndexOf(':');
            builder.Server = colon > 0 ? host.Substring(0, colon) : host;
            if (colon > 0)
            {
                builder.Port = uint.TryParse(host.Substring(colon + 1), out var port) && port > 0 && port < 65536 ? port
                    : throw new ArgumentException("The MariaDB host '" + host + "' has no valid port after its colon.", nameof(host));
            }

            return builder.ConnectionString;
        }

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

        /// <summary>How often work that lost a deadlock is run again (InnoDB rolled its transaction back whole).</summary>
        private const int DeadlockAttempts = 4;

        /// <summary>
        /// Runs on a pooled connection, turning the server's and the network's failures into the store's errors. Work
        /// chosen as a deadlock victim is run again (MariaDB's advice): InnoDB has rolled its transaction back.
        /// </summary>
        private T Run<T>(Func<MySqlConnection, T> work)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return RunOnce(work);
                }
                catch (StickyPiException e) when (attempt < DeadlockAttempts && e.InnerException is MySqlException m && m.ErrorCode == MySqlErrorCode.LockDeadlock)
                {
                    System.Threading.Thread.Sleep(10 * attempt + new Random().Next(20));
                }
            }
        }

        private T RunOnce<T>(Func<MySqlConnection, T> work)
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
