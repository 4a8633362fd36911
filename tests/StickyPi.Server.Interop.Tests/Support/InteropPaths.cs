using System;
using System.IO;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>Where the repository, the shared fixtures and upstream's client and server scripts are.</summary>
    public static class InteropPaths
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

        public static string Fixtures => Path.Combine(Shared, "fixtures");

        public static string Upstream => Path.Combine(Shared, "upstream");

        public static string RunPython => Path.Combine(Upstream, "run-python");

        public static string StartUpstream => Path.Combine(Upstream, "start-server.sh");

        public static string StopUpstream => Path.Combine(Upstream, "stop-server.sh");

        /// <summary>Our driver scripts (kept in this test project, run by upstream's <c>run-python</c>).</summary>
        public static string Scripts => Path.Combine(RepoRoot, "tests", "StickyPi.Server.Interop.Tests", "python");

        /// <summary>The server built beside these tests, in the same configuration (Debug or Release).</summary>
        public static string ServerDll
        {
            get
            {
                var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";
                return Path.Combine(RepoRoot, "src", "StickyPi.Server", "bin", configuration, "net10.0", "StickyPi.Server.dll");
            }
        }

        /// <summary>CI runs with CI=true: there every missing piece is a failure, never a skip.</summary>
        public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

        public static string NewTempDir(string prefix)
        {
            var path = Path.Combine(Path.GetTempPath(), "stickypi-" + prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 10));
            Directory.CreateDirectory(path);
            return path;
        }

        public static void DeleteDir(string path)
        {
            for (var attempt = 0; attempt < 3 && path != null && Directory.Exists(path); attempt++)
            {
                try
                {
                    Directory.Delete(path, true);
                }
                catch (IOException)
                {
                    System.Threading.Thread.Sleep(200); // a child process may still be closing files
                }
                catch (UnauthorizedAccessException)
                {
                    System.Threading.Thread.Sleep(200);
                }
            }
        }
    }
}
