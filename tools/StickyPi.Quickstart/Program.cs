// Generates sample Sticky Pi images (both EXIF formats) under ./quickstart/samples, then runs
// examples/Quickstart.ps1 with StickyPi.Host, which imports the packaged module from out/StickyPi.
//   dotnet run --project tools/StickyPi.Quickstart [-- --count N]
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using StickyPi.SampleData;

namespace StickyPi.Quickstart
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            int count = 48;
            for (int i = 0; i + 1 < args.Length; i++)
            {
                if (args[i] == "--count")
                {
                    count = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            var repo = FindRepoRoot();
            var work = Path.Combine(Directory.GetCurrentDirectory(), "quickstart");
            var samples = Path.Combine(work, "samples");
            var store = Path.Combine(work, "store");
            if (!Directory.Exists(samples) || !Directory.EnumerateFiles(samples, "*.jpg", SearchOption.AllDirectories).Any())
            {
                Console.WriteLine($"Generating {count} sample images in {samples} ...");
                SampleImages.WriteSeason(samples, count, seed: 2024);
            }

            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)).Parent?.Name ?? "Debug";
            var host = Path.Combine(repo, "tools", "StickyPi.Host", "bin", configuration, "net10.0", "StickyPi.Host.dll");
            var script = Path.Combine(repo, "examples", "Quickstart.ps1");
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false };
            foreach (var a in new[] { host, "-File", script, "-SampleDir", samples, "-StoreDir", store })
            {
                psi.ArgumentList.Add(a);
            }

            using (var p = Process.Start(psi))
            {
                p.WaitForExit();
                return p.ExitCode;
            }
        }

        private static string FindRepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "StickyPi.PowerShell.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("StickyPi.PowerShell.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
