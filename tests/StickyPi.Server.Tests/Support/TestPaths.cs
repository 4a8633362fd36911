using System;
using System.IO;

namespace StickyPi.Server.Tests.Support
{
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

        /// <summary><c>../shared/fixtures</c> beside the checkout (read-only; CI clones it there too).</summary>
        public static string Fixtures => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures"));

        public static string RawImages => Path.Combine(Fixtures, "raw_images");

        public const string TuboidSeries = "08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.1606980656-91e2199fccf371d3d690b2856613e8f5";

        public static string TuboidSeriesDir => Path.Combine(Fixtures, "tiled_tuboids", TuboidSeries);

        public static string MlBundle => Path.Combine(Fixtures, "ml_bundle");

        public static string Image(string device, string name) => Path.Combine(RawImages, device, name);

        public static string NewTempDir(string prefix)
        {
            var path = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(path);
            return path;
        }

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
