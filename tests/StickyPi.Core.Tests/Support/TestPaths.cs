using System;
using System.IO;

namespace StickyPi.Core.Tests.Support
{
    /// <summary>Locates the repository and the read-only shared fixtures that sit beside the checkout.</summary>
    public static class TestPaths
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

        /// <summary><c>../shared/fixtures</c> beside the checkout (CI clones it there too).</summary>
        public static string Fixtures => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures"));

        public static string RawImages => Path.Combine(Fixtures, "raw_images");

        public static string TiledTuboids => Path.Combine(Fixtures, "tiled_tuboids");

        public static string MlBundle => Path.Combine(Fixtures, "ml_bundle");
    }

    /// <summary>A unique temporary directory deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir(string prefix = "stickypi-test")
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Combine(params string[] parts) => System.IO.Path.Combine(Path, System.IO.Path.Combine(parts));

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, true);
            }
            catch (IOException)
            {
                // Best effort: a test that failed may still hold a handle.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
