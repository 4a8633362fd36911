using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MySqlConnector;

namespace StickyPi.Tests.Support
{
    /// <summary>
    /// A private MariaDB server for the tests: Debian's <c>mariadb-install-db</c> and <c>mariadbd</c> on a temporary data
    /// folder, listening on a free 127.0.0.1 port and a socket of its own, with a test login that may create databases;
    /// stopped and removed on dispose. Where MariaDB is not installed the tests skip naming it; under CI=true they fail.
    /// </summary>
    public sealed class MariaDbFixture : IDisposable
    {
        public const string User = "stickypi_test";
        public const string Password = "test-password-1";

        private const string Server = "/usr/sbin/mariadbd";
        private const string InstallDb = "/usr/bin/mariadb-install-db";

        private readonly OutputLog _log = new OutputLog(200_000);
        private readonly string _dir;
        private Process _process;

        public MariaDbFixture()
        {
            if (!File.Exists(Server) || !File.Exists(InstallDb))
            {
                Missing = "MariaDB is not installed (" + Server + ", " + InstallDb + "; Debian: apt-get install mariadb-server)";
                return;
            }

            _dir = TestPaths.NewTempDir("stickypi-mariadb");
            try
            {
                var install = TestProcesses.RunToEnd(InstallDb, RunAs.Concat(new[] { "--datadir=" + Path.Combine(_dir, "data"),
                    "--auth-root-authentication-method=normal", "--skip-test-db" }).Prepend("--no-defaults").ToArray(), TimeSpan.FromMinutes(3));
                if (!Directory.Exists(Path.Combine(_dir, "data", "mysql")))
                {
                    Missing = "mariadb-install-db did not make a data folder: " + install;
                    return;
                }

                for (int attempt = 1; attempt <= 3 && _process == null; attempt++)
                {
                    Port = TestProcesses.FreePort();
                    var p = TestProcesses.Start(Server, ServerArguments(), _log);
                    if (TestProcesses.WaitForPort(p, Port, TimeSpan.FromSeconds(60)))
                    {
                        _process = p;
                    }
                    else
                    {
                        TestProcesses.Stop(p, TimeSpan.FromSeconds(30)); // lost its port, or did not start: another port
                    }
                }

                if (_process == null)
                {
                    Missing = "mariadbd did not start on 127.0.0.1:\n" + Log;
                    return;
                }

                // The root login of a fresh data folder has no password on the socket; the tests sign in over TCP.
                using (var root = new MySqlConnection("Server=" + Socket + ";Protocol=Unix;User ID=root;"))
                {
                    root.Open();
                    using (var cmd = new MySqlCommand("CREATE USER '" + User + "'@'127.0.0.1' IDENTIFIED BY '" + Password + "'; " +
                        "GRANT ALL ON *.* TO '" + User + "'@'127.0.0.1'; FLUSH PRIVILEGES;", root))
                    {
                        cmd.ExecuteNonQuery();
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is MySqlException || e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
            {
                Missing = "MariaDB could not be started: " + e.Message + "\n" + Log;
            }
        }

        /// <summary>Why there is no MariaDB server here (null when it runs).</summary>
        public string Missing { get; }

        public int Port { get; private set; }

        public string Log => _log.ToString();

        private string Socket => Path.Combine(_dir, "mysqld.sock");

        /// <summary>mariadbd refuses to run as root unless told to.</summary>
        private static string[] RunAs => Environment.UserName == "root" ? new[] { "--user=root" } : new string[0];

        /// <summary>A new empty database and the connection string that opens it.</summary>
        public string NewDatabase()
        {
            string name = "t_" + Guid.NewGuid().ToString("N").Substring(0, 12);
            using (var conn = new MySqlConnection(ConnectionString(null)))
            {
                conn.Open();
                using (var cmd = new MySqlCommand("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", conn))
                {
                    cmd.ExecuteNonQuery();
                }
            }

            return ConnectionString(name);
        }

        public string ConnectionString(string database, string user = User, string password = Password) =>
            new MySqlConnectionStringBuilder { Server = "127.0.0.1", Port = (uint)Port, UserID = user, Password = password, Database = database ?? string.Empty }.ConnectionString;

        public void Dispose()
        {
            if (_process != null)
            {
                TestProcesses.Stop(_process, TimeSpan.FromSeconds(30));
            }

            if (_dir != null)
            {
                TestPaths.DeleteDir(_dir);
            }
        }

        private string[] ServerArguments() => new[] { "--no-defaults" }.Concat(RunAs).Concat(new[]
        {
            "--datadir=" + Path.Combine(_dir, "data"), "--socket=" + Socket, "--port=" + Port, "--bind-address=127.0.0.1", "--skip-name-resolve",
            "--innodb-buffer-pool-size=64M", "--pid-file=" + Path.Combine(_dir, "mariadb.pid"),
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
        }).ToArray();
    }
}
