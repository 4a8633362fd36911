using System;
using System.Collections.Generic;
using System.IO;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>
    /// Upstream's own server (app.py under uWSGI + MariaDB + s3rver) started by ../shared/upstream/start-server.sh
    /// with a private state folder and free ports, so it never meets another run's; stopped (by pid, through
    /// stop-server.sh) and removed on dispose.
    /// </summary>
    public sealed class UpstreamServer : IDisposable
    {
        private readonly Dictionary<string, string> _env;

        private UpstreamServer(Dictionary<string, string> env, ServerIdentity identity, int port)
        {
            _env = env;
            Identity = identity;
            Port = port;
        }

        public ServerIdentity Identity { get; }

        public int Port { get; }

        public string RunDir => _env["RUN_DIR"];

        /// <summary>Its S3 server (s3rver over TLS), as its server.env names it.</summary>
        public Uri S3Endpoint => new Uri("https://127.0.0.1:" + _env["S3_PORT"] + "/");

        /// <summary>A variable of its server.env (S3_BUCKET_NAME, S3_ACCESS_KEY, …).</summary>
        public string Setting(string name)
        {
            foreach (var line in File.ReadAllLines(Path.Combine(RunDir, "server.env")))
            {
                if (line.StartsWith(name + "=", StringComparison.Ordinal))
                {
                    return line.Substring(name.Length + 1);
                }
            }

            return null;
        }

        /// <summary>A connection string for its MariaDB database, with the login its server.env gives upstream's server.</summary>
        public string MariaDbConnectionString()
        {
            var host = Setting("MYSQL_HOST").Split(':');
            return new MySqlConnector.MySqlConnectionStringBuilder
            {
                Server = host[0], Port = uint.Parse(host[1]), UserID = Setting("MYSQL_USER"),
                Password = Setting("MYSQL_PASSWORD"), Database = Setting("MYSQL_DATABASE"),
            }.ConnectionString;
        }

        /// <summary>Its S3 URLs are https with a CA made by the start script.</summary>
        public string CaBundle => Path.Combine(RunDir, "tls", "ca.crt");

        /// <summary>Where setup.sh --server installed s3rver (env.sh's default, unless S3RVER_DIR says otherwise).</summary>
        private static string S3rverDir => Environment.GetEnvironmentVariable("S3RVER_DIR") ?? "/tmp/sticky-pi-upstream/.node";

        /// <summary>Null when every piece start-server.sh needs is installed; otherwise what is missing.</summary>
        public static string Unavailable()
        {
            if (!File.Exists(InteropPaths.StartUpstream))
            {
                return "upstream's server scripts are missing: " + InteropPaths.StartUpstream;
            }

            var missing = new List<string>();
            if (!File.Exists(Path.Combine(S3rverDir, "node_modules", "s3rver", "bin", "s3rver.js")))
            {
                missing.Add("s3rver in " + S3rverDir);
            }

            if (!File.Exists("/usr/sbin/mariadbd"))
            {
                missing.Add("MariaDB (/usr/sbin/mariadbd)");
            }

            if (ProcessRunner.Run("sh", new[] { "-c", "command -v uwsgi" }).ExitCode != 0)
            {
                missing.Add("uwsgi");
            }

            return missing.Count == 0 ? null : "upstream's server needs " + string.Join(", ", missing) + " (run ../shared/upstream/setup.sh --server)";
        }

        /// <summary>
        /// Starts a fresh stack. Its three ports are free when chosen but only bound seconds later, so a start that
        /// lost one (or timed out on a busy machine) is tried again with new ones; each failure is kept for the error.
        /// </summary>
        public static UpstreamServer Start()
        {
            var failures = new List<string>();
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                var runDir = InteropPaths.NewTempDir("interop-upstream");
                var port = ProcessRunner.FreePort();
                var env = new Dictionary<string, string>
                {
                    ["RUN_DIR"] = runDir,
                    ["S3RVER_DIR"] = S3rverDir,
                    ["API_PORT"] = port.ToString(),
                    ["S3_PORT"] = ProcessRunner.FreePort().ToString(),
                    ["MYSQL_PORT"] = ProcessRunner.FreePort().ToString(),
                    ["FRESH"] = "1",
                };
                var run = ProcessRunner.Run(InteropPaths.StartUpstream, Array.Empty<string>(), env, TimeSpan.FromMinutes(4));
                if (run.ExitCode == 0)
                {
                    return new UpstreamServer(env, ServerIdentity.FromEnvFile(Path.Combine(runDir, "server.env")), port);
                }

                failures.Add("attempt " + attempt + ": " + run + Logs(runDir));
                new UpstreamServer(env, null, port).Dispose();
            }

            throw new InvalidOperationException("upstream's start-server.sh failed three times:\n" + string.Join("\n", failures));
        }

        private static string Logs(string runDir)
        {
            var text = "";
            foreach (var name in new[] { "uwsgi.log", "mariadb.err", "s3rver.log" })
            {
                var log = Path.Combine(runDir, "logs", name);
                if (File.Exists(log))
                {
                    var all = File.ReadAllText(log);
                    text += "\n--- " + name + "\n" + (all.Length <= 4000 ? all : "…" + all.Substring(all.Length - 4000));
                }
            }

            return text;
        }

        public void Dispose()
        {
            try
            {
                ProcessRunner.Run(InteropPaths.StopUpstream, Array.Empty<string>(), _env, TimeSpan.FromMinutes(1));
            }
            finally
            {
                InteropPaths.DeleteDir(RunDir);
            }
        }
    }
}
