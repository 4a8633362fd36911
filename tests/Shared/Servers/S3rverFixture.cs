using System;
using System.Diagnostics;
using System.IO;
using StickyPi.Storage.S3;

namespace StickyPi.Tests.Support
{
    /// <summary>
    /// An S3-compatible server for the tests: s3rver 3.7.1 from npm, installed once into a cache folder
    /// (<c>STICKYPI_S3RVER_DIR</c>, else <c>~/.cache/stickypi/s3rver-3.7.1</c>), started on a free 127.0.0.1 port with a
    /// private data folder and one bucket, and stopped and removed on dispose. When node or npm is missing (or the
    /// install fails) the S3 tests skip naming why; under CI=true they fail instead.
    /// </summary>
    public sealed class S3rverFixture : IDisposable
    {
        public const string Version = "3.7.1";
        public const string Bucket = "sticky-pi-test";

        // s3rver accepts any credentials; these are what the tests sign with.
        public const string AccessKey = "S3RVER";
        public const string SecretKey = "S3RVER";

        private readonly Process _process;
        private readonly OutputLog _log = new OutputLog();
        private readonly string _dataDir;

        public S3rverFixture()
        {
            try
            {
                var script = Install(out var missing);
                if (script == null)
                {
                    Missing = missing;
                    return;
                }

                _dataDir = TestPaths.NewTempDir("stickypi-s3rver");
                for (int attempt = 1; attempt <= 3 && _process == null; attempt++)
                {
                    Port = TestProcesses.FreePort();
                    var p = TestProcesses.Start("node", new[] { script, "-d", _dataDir, "-a", "127.0.0.1", "-p", Port.ToString(), "--configure-bucket", Bucket, "--silent" }, _log);
                    if (TestProcesses.WaitForPort(p, Port, TimeSpan.FromSeconds(60)))
                    {
                        _process = p;
                    }
                    else
                    {
                        TestProcesses.Stop(p, TimeSpan.FromSeconds(5)); // lost its port to another process, or did not start: try another port
                    }
                }

                if (_process == null)
                {
                    Missing = "s3rver did not start on 127.0.0.1:\n" + Log;
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
            {
                Missing = "s3rver could not be started: " + e.Message;
            }
        }

        /// <summary>Why there is no S3 server here (null when it runs).</summary>
        public string Missing { get; }

        public int Port { get; private set; }

        public Uri Endpoint => new Uri("http://127.0.0.1:" + Port + "/");

        public string Log => _log.ToString();

        public S3StorageOptions Options(string accessKey = AccessKey) =>
            new S3StorageOptions { ServiceUrl = Endpoint, Bucket = Bucket, AccessKey = accessKey, SecretKey = SecretKey };

        /// <summary>A new empty bucket, for a test that needs the storage to itself.</summary>
        public S3StorageOptions NewBucket()
        {
            var options = Options();
            options.Bucket = "t-" + Guid.NewGuid().ToString("N").Substring(0, 16);
            using (var client = S3FileStorage.CreateClient(options))
            {
                client.PutBucketAsync(options.Bucket).GetAwaiter().GetResult();
            }

            return options;
        }

        public void Dispose()
        {
            if (_process != null)
            {
                TestProcesses.Stop(_process, TimeSpan.FromSeconds(5));
            }

            if (_dataDir != null)
            {
                TestPaths.DeleteDir(_dataDir);
            }
        }

        /// <summary>The path of s3rver.js, installing it when needed; null with the reason when that cannot be done here.</summary>
        private static string Install(out string missing)
        {
            missing = null;
            var dir = Environment.GetEnvironmentVariable("STICKYPI_S3RVER_DIR");
            if (string.IsNullOrEmpty(dir))
            {
                var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                dir = Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache", "stickypi", "s3rver-" + Version);
            }

            var script = Path.Combine(dir, "node_modules", "s3rver", "bin", "s3rver.js");
            if (File.Exists(script))
            {
                return script;
            }

            Directory.CreateDirectory(dir);
            var npm = TestProcesses.RunToEnd("npm", new[] { "install", "--prefix", dir, "s3rver@" + Version, "--no-audit", "--no-fund", "--loglevel=error", "--fetch-retries=1", "--fetch-timeout=30000" }, TimeSpan.FromMinutes(5));
            if (npm == null || !File.Exists(script))
            {
                missing = "s3rver " + Version + " could not be installed with npm into " + dir + (npm == null ? " (npm is not on PATH)" : ": " + npm);
                return null;
            }

            return script;
        }
    }
}
