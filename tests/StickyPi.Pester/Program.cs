// Runs the Pester suite in the pwsh of .config/dotnet-tools.json, restoring it first (what `dotnet test
// StickyPi.PowerShell.sln` does through this project's VSTest target), or writes sample images for a Pester test that
// runs on its own:
//   dotnet run --project tests/StickyPi.Pester -- --repo . [--path tests/pester/X.Tests.ps1]
//   dotnet run --project tests/StickyPi.Pester -- --write-samples <folder> [--count N]
//   dotnet run --project tests/StickyPi.Pester -- --write-tuboids <folder>     (a series folder like the fixture one)
//   dotnet run --project tests/StickyPi.Pester -- --write-ml-bundle <folder>   (config/ and data/, seven files)
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using StickyPi.SampleData;
using StickyPi.Tests.Support;

namespace StickyPi.Pester
{
    internal static class Program
    {
        /// <summary>Set for every Pester test: the packaged module's manifest.</summary>
        public const string ModuleVariable = "STICKYPI_TEST_MODULE";

        /// <summary>Set for every Pester test: a folder of generated sample images (both EXIF formats, four devices).</summary>
        public const string SamplesVariable = "STICKYPI_TEST_SAMPLES";

        /// <summary>Set for every Pester test: a folder holding one generated tiled-tuboid series folder (six tuboids).</summary>
        public const string TuboidsVariable = "STICKYPI_TEST_TUBOIDS";

        /// <summary>Set for every Pester test: a generated ML bundle folder (config/ with 2 files, data/ with 5).</summary>
        public const string MlBundleVariable = "STICKYPI_TEST_MLBUNDLE";

        /// <summary>Set for the second pass of the remote tests: the back-end Start-TestStickyServer deploys the server on.</summary>
        public const string DeployedBackendVariable = "STICKYPI_TEST_SERVER_BACKEND";

        /// <summary>A MariaDB connection string without a database (each test or server start makes its own).</summary>
        public const string DeployedMariaDbVariable = "STICKYPI_TEST_MARIADB";

        /// <summary>The S3 endpoint, access key and secret key, separated by '|' (the server creates a bucket per start).</summary>
        public const string DeployedS3Variable = "STICKYPI_TEST_S3";

        /// <summary>Why there is no MariaDB or s3rver for the deployed tests (they skip naming it, or fail under CI).</summary>
        public const string DeployedMissingVariable = "STICKYPI_TEST_DEPLOYED_MISSING";

        private const int DefaultSampleCount = 12;

        private static int Main(string[] args)
        {
            var options = Parse(args);
            if (options.TryGetValue("--write-samples", out var folder))
            {
                var written = SampleImages.WriteSeason(Path.GetFullPath(folder), Count(options), seed: 2024, width: 640, height: 480);
                Console.WriteLine($"{written.Count} sample images in {Path.GetFullPath(folder)}");
                return 0;
            }

            if (options.TryGetValue("--write-tuboids", out var tuboids))
            {
                Console.WriteLine(SampleTuboids.WriteFixtureSeries(Path.GetFullPath(tuboids)));
                return 0;
            }

            if (options.TryGetValue("--write-ml-bundle", out var bundle))
            {
                Console.WriteLine($"{SampleMlBundle.Write(Path.GetFullPath(bundle)).Count} files in {Path.GetFullPath(bundle)}");
                return 0;
            }

            if (!options.TryGetValue("--repo", out var repo))
            {
                Console.Error.WriteLine("usage: StickyPi.Pester --repo <repository root> [--path <tests>] | --write-samples <folder> [--count N] | --write-tuboids <folder> | --write-ml-bundle <folder>");
                return 2;
            }

            return RunPester(Path.GetFullPath(repo), options.TryGetValue("--path", out var path) ? path : Path.Combine("tests", "pester"), Count(options));
        }

        private static int RunPester(string repo, string testPath, int sampleCount)
        {
            var manifest = Path.Combine(repo, "out", "StickyPi", "StickyPi.psd1");
            if (!File.Exists(manifest))
            {
                Console.Error.WriteLine("The module is not packaged: " + manifest + " is missing (dotnet build StickyPi.PowerShell.sln).");
                return 1;
            }

            var restore = RestoreTools(repo);
            if (restore != 0)
            {
                return restore;
            }

            // Everything of this run (samples, and the temp folder of pwsh and of the tests it runs) lives in one folder
            // deleted afterwards, so even a test that crashes leaves no stickypi-* folder behind.
            var work = Path.Combine(Path.GetTempPath(), "stickypi-pester-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            var samples = Path.Combine(work, "samples");
            var temp = Path.Combine(work, "tmp");
            Directory.CreateDirectory(temp);
            Console.CancelKeyPress += (_, _) => Delete(work);
            try
            {
                SampleImages.WriteSeason(samples, sampleCount, seed: 2024, width: 640, height: 480);
                var tuboids = Path.Combine(work, "tuboids");
                SampleTuboids.WriteFixtureSeries(tuboids);
                var bundle = Path.Combine(work, "ml-bundle");
                SampleMlBundle.Write(bundle);
                var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = repo };
                foreach (var a in new[] { "tool", "run", "pwsh", "--", "-NoProfile", "-NonInteractive", "-File", Path.Combine(AppContext.BaseDirectory, "Invoke-StickyPiPester.ps1"),
                    "-PesterManifest", Path.Combine(AppContext.BaseDirectory, "Pester", "Pester.psd1"), "-TestPath", Path.GetFullPath(Path.Combine(repo, testPath)) })
                {
                    psi.ArgumentList.Add(a);
                }

                psi.Environment[ModuleVariable] = manifest;
                psi.Environment[SamplesVariable] = samples;
                psi.Environment[TuboidsVariable] = tuboids;
                psi.Environment[MlBundleVariable] = bundle;
                foreach (var variable in new[] { "TMPDIR", "TEMP", "TMP" })
                {
                    psi.Environment[variable] = temp;
                }

                // A private mariadbd and s3rver for the deployed tests (Connect-StickyApi -MariaDbServer) and the remote
                // tests' second pass: started with the xunit suites' fixtures; where they cannot run, those tests say why.
                using (var db = new MariaDbFixture())
                using (var s3 = new S3rverFixture())
                {
                    var missing = db.Missing ?? s3.Missing;
                    if (missing == null)
                    {
                        var options = s3.Options();
                        psi.Environment[DeployedMariaDbVariable] = db.ConnectionString(null);
                        psi.Environment[DeployedS3Variable] = options.ServiceUrl + "|" + options.AccessKey + "|" + options.SecretKey;
                    }
                    else
                    {
                        psi.Environment[DeployedMissingVariable] = "MariaDB or s3rver cannot run here: " + missing;
                    }

                    int exit = Run(psi);
                    if (Path.GetFullPath(Path.Combine(repo, testPath)).TrimEnd(Path.DirectorySeparatorChar) == Path.GetFullPath(Path.Combine(repo, "tests", "pester")))
                    {
                        exit |= RunRemoteTestsDeployed(repo, psi, db, s3);
                    }

                    return exit;
                }
            }
            finally
            {
                Delete(work);
            }
        }

        /// <summary>
        /// The remote tests again, on StickyPi.Server deployed as upstream deploys (a MariaDB catalog, files in S3):
        /// the runner starts a private mariadbd and s3rver, and Start-TestStickyServer points each server it starts at a
        /// new database and bucket there. Where MariaDB or s3rver cannot run, the pass is skipped naming why (under CI
        /// that fails the run, as the xunit suites do).
        /// </summary>
        private static int RunRemoteTestsDeployed(string repo, ProcessStartInfo psi, MariaDbFixture db, S3rverFixture s3)
        {
            var missing = db.Missing ?? s3.Missing;
            if (missing != null)
            {
                Console.WriteLine("Pester on the deployed stack (MariaDB + S3): not run, because " + missing);
                return TestPaths.InCi ? 1 : 0;
            }

            var remoteTests = Directory.GetFiles(Path.Combine(repo, "tests", "pester"), "Remote*.Tests.ps1").OrderBy(f => f, StringComparer.Ordinal).ToList();
            int index = psi.ArgumentList.IndexOf("-TestPath");
            psi.ArgumentList[index + 1] = string.Join("|", remoteTests);
            psi.Environment[DeployedBackendVariable] = "MariaDbS3";
            Console.WriteLine("Pester on the deployed stack (MariaDB + S3): " + string.Join(", ", remoteTests.Select(Path.GetFileName)));
            int exit = Run(psi);
            return exit != 0 ? exit : CheckDeployed(db, s3);
        }

        /// <summary>The servers of the pass really stored into MariaDB and S3: databases with image rows, buckets with files.</summary>
        private static int CheckDeployed(MariaDbFixture db, S3rverFixture s3)
        {
            long databases = 0, images = 0;
            using (var conn = new MySqlConnector.MySqlConnection(db.ConnectionString(null)))
            {
                conn.Open();
                var names = new List<string>();
                using (var cmd = new MySqlConnector.MySqlCommand("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'pester\\_%'", conn))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        names.Add(r.GetString(0));
                    }
                }

                foreach (var name in names)
                {
                    databases++;
                    using (var cmd = new MySqlConnector.MySqlCommand("SELECT COUNT(*) FROM `" + name + "`.images", conn))
                    {
                        images += Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
                    }
                }
            }

            long buckets = 0, files = 0;
            using (var client = StickyPi.Storage.S3.S3FileStorage.CreateClient(s3.Options()))
            {
                foreach (var bucket in client.ListBucketsAsync().GetAwaiter().GetResult().Buckets.Where(b => b.BucketName.StartsWith("pester-", StringComparison.Ordinal)))
                {
                    buckets++;
                    var options = s3.Options();
                    options.Bucket = bucket.BucketName;
                    using (var storage = new StickyPi.Storage.S3.S3FileStorage(options))
                    {
                        files += storage.List("raw_images/").Count() + storage.List("tiled_tuboids/").Count() + storage.List("ml/").Count();
                    }
                }
            }

            Console.WriteLine($"Deployed stack after the pass: {databases} MariaDB databases holding {images} image rows, {buckets} S3 buckets holding {files} files.");
            if (databases == 0 || images == 0 || buckets == 0 || files == 0)
            {
                Console.WriteLine("The deployed pass stored nothing in MariaDB or S3: its servers did not run on the deployed stack.");
                return 1;
            }

            return 0;
        }

        private static int Run(ProcessStartInfo psi)
        {
            using (var pwsh = Process.Start(psi))
            {
                pwsh.WaitForExit();
                return pwsh.ExitCode;
            }
        }

        /// <summary>`dotnet tool restore`: the pwsh pinned by .config/dotnet-tools.json (quiet unless it fails).</summary>
        private static int RestoreTools(string repo)
        {
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("tool");
            psi.ArgumentList.Add("restore");
            using (var restore = Process.Start(psi))
            {
                var stdout = restore.StandardOutput.ReadToEndAsync();
                var stderr = restore.StandardError.ReadToEndAsync();
                restore.WaitForExit();
                if (restore.ExitCode != 0)
                {
                    Console.Error.WriteLine("dotnet tool restore failed (exit " + restore.ExitCode + "):\n" + stdout.Result + stderr.Result);
                }

                return restore.ExitCode;
            }
        }

        private static void Delete(string folder)
        {
            for (var attempt = 0; attempt < 5 && Directory.Exists(folder); attempt++)
            {
                try
                {
                    Directory.Delete(folder, true);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // A process of the run may still be closing a file (Windows); try again shortly.
                    System.Threading.Thread.Sleep(200);
                }
            }
        }

        private static int Count(IReadOnlyDictionary<string, string> options) =>
            options.TryGetValue("--count", out var count) ? int.Parse(count, CultureInfo.InvariantCulture) : DefaultSampleCount;

        private static Dictionary<string, string> Parse(string[] args)
        {
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                options[args[i]] = args[i + 1];
            }

            return options;
        }
    }
}
