using System;
using System.IO;

namespace StickyPi.Tests.Support
{
    /// <summary>
    /// Locates the repository and the read-only shared fixtures that sit beside the checkout. One file, compiled into
    /// each test project that needs it (tests/Shared), so every project finds them the same way.
    /// </summary>
    public static partial class TestPaths
    {
        private static readonly Lazy<string> Root = new Lazy<string>(() =>
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "StickyPi.PowerShell.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Cannot find StickyPi.PowerShell.sln above " + AppContext.BaseDirectory);
        });

        public static string RepoRoot => Root.Value;

        /// <summary><c>../shared</c> beside the checkout (CI lays it there).</summary>
        public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

        /// <summary><c>../shared/fixtures</c> (read-only).</summary>
        public static string Fixtures => Path.Combine(Shared, "fixtures");

        public static string RawImages => Path.Combine(Fixtures, "raw_images");

        public static string TiledTuboids => Path.Combine(Fixtures, "tiled_tuboids");

        public static string MlBundle => Path.Combine(Fixtures, "ml_bundle");

        /// <summary>True when the environment variable <c>CI</c> is <c>true</c> (as CI runs <c>.ci/run</c>).</summary>
        public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

        /// <summary>Why the shared fixtures cannot be used (naming the missing folder), or null when they are there.</summary>
        public static string FixturesMissing =>
            Directory.Exists(Fixtures) ? null : "needs the shared fixtures: " + Fixtures + " (../shared/fixtures beside the checkout) is missing";

        /// <summary>A new, empty temporary folder; tests name it <c>stickypi-*</c> and delete it with <see cref="DeleteDir"/>.</summary>
        public static string NewTempDir(string prefix)
        {
            var path = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(path);
            return path;
        }

        /// <summary>Deletes a folder, retrying briefly while a child process still closes its files.</summary>
        public static void DeleteDir(string path)
        {
            for (int attempt = 0; attempt < 5; attempt++)
            {
                try
                {
                    if (Directory.Exists(path))
                    {
                        Directory.Delete(path, true);
                    }

                    return;
                }
                catch (IOException)
                {
                    System.Threading.Thread.Sleep(100);
                }
                catch (UnauthorizedAccessException)
                {
                    System.Threading.Thread.Sleep(100);
                }
            }
        }
    }
}
