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

                using (var pwsh = Process.Start(psi))
                {
                    pwsh.WaitForExit();
                    return pwsh.ExitCode;
                }
            }
            finally
            {
                Delete(work);
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
