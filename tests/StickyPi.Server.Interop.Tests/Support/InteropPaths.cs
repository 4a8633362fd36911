using System;
using System.IO;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>Where the repository, the shared fixtures and upstream's client and server scripts are.</summary>
    public static class InteropPaths
    {
        public static string RepoRoot => TestPaths.RepoRoot;

        public static string Shared => TestPaths.Shared;

        public static string Fixtures => TestPaths.Fixtures;

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
        public static bool UnderCi => TestPaths.InCi;

        public static string NewTempDir(string prefix) => TestPaths.NewTempDir("stickypi-" + prefix);

        public static void DeleteDir(string path) => TestPaths.DeleteDir(path);
    }
}
