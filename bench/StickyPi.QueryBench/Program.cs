using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace StickyPi.QueryBench
{
    /// <summary>
    /// dotnet run -c Release --project bench/StickyPi.QueryBench -- [--rows 1000000] [--baseline-module PATH]
    ///     [--baseline-name TEXT] [--calls 20] [--first-calls 20] [--whole-calls 3] [--baseline-first-calls 2] [--baseline-whole-calls 1]
    ///     [--only dotnet|pwsh]
    /// Prints the figures as Markdown (bench/RESULTS.md, section "Queries at season scale").
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            string repo = FindRepo();
            var opt = Options.Parse(args, repo);
            Console.WriteLine($"# Query benchmark {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
            Console.WriteLine($"Machine: {Machine()}; load average at start: {Load()}");
            string store = Catalog.Ensure(opt.Root, opt.Rows);
            Console.WriteLine($"Catalog: {store} ({opt.Rows:N0} images, {Catalog.DeviceCount} devices, 20-minute interval)");

            if (opt.Only != "pwsh")
            {
                DotNetQueries.RawOnly = opt.Only == "raw";
                Console.WriteLine();
                Console.WriteLine("## In-process (.NET " + Environment.Version + ", medians of " + opt.Calls + " warm calls)");
                DotNetQueries.Run(store, opt.Rows, opt.Calls);
            }

            if (opt.Only != "dotnet" && opt.Only != "raw")
            {
                string pairs = Path.Combine(opt.Root, "pairs-c-" + opt.Rows.ToString(CultureInfo.InvariantCulture) + ".json");
                File.WriteAllText(pairs, JsonSerializer.Serialize(Catalog.PairsC(opt.Rows).Select(p => new
                {
                    p.Device,
                    DateTime = p.DateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                })));
                var modules = new List<(string Name, string Path, int FirstCalls, int WholeCalls)> { ("this tree", opt.Module, opt.FirstCalls, opt.WholeCalls) };
                if (opt.BaselineModule != null)
                {
                    modules.Add(("baseline " + opt.BaselineName, opt.BaselineModule, opt.BaselineFirstCalls, opt.BaselineWholeCalls));
                }

                // The modules' processes take turns (bare, queries, whole catalog), so a change in the machine's load
                // falls on both sides of each ratio.
                var results = modules.Select(_ => new Dictionary<string, (JsonElement Json, string Load)>()).ToList();
                foreach (var mode in new[] { "bare", "queries", "whole" })
                {
                    for (int n = 0; n < modules.Count; n++)
                    {
                        var m = modules[n];
                        results[n][mode] = (Pwsh(m.Path, store, mode, opt, pairs, m.FirstCalls, m.WholeCalls), Load());
                    }
                }

                for (int n = 0; n < modules.Count; n++)
                {
                    var m = modules[n];
                    Console.WriteLine();
                    Console.WriteLine($"## pwsh through the cmdlets: {m.Name} ({m.Path})");
                    var bare = results[n]["bare"].Json;
                    Console.WriteLine($"bare pwsh + Import-Module + Connect-StickyApi: peak RSS {bare.GetProperty("PeakRssMiB").GetDouble():F0} MiB");
                    var q = results[n]["queries"].Json;
                    Line("a. one device, one week", q, "A", "RowsA");
                    Line("b. all devices, one week", q, "B", "RowsB");
                    Line("c. 100 pairs, Get-StickyImage", q, "C", "RowsC");
                    Line("Get-StickySeries -Device * | Select-Object -First 10", q, "First10", "RowsFirst10");
                    Console.WriteLine($"| completion of -Device | {q.GetProperty("Completion").GetProperty("MedianMs").GetDouble():F1} ms | " +
                        $"{q.GetProperty("CompletionMatches").GetInt32()} matches, completer attribute: {q.GetProperty("CompletionHasCompleter").GetBoolean()} |");
                    Console.WriteLine($"(queries process peak RSS {q.GetProperty("PeakRssMiB").GetDouble():F0} MiB; load after it {results[n]["queries"].Load})");
                    var w = Whole(results[n]["whole"].Json);
                    Console.WriteLine($"| whole catalog \\| Measure-Object | {w.Median:F0} ms median of {w.Times.Count} ({string.Join(", ", w.Times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}) | CPU {w.CpuMedian:F0} ms | " +
                        $"{w.Rows:N0} rows, {w.Rows / (w.Median / 1000):N0} rows/s, process peak RSS {w.PeakRss:F0} MiB |");
                    Console.WriteLine($"(load after it {results[n]["whole"].Load})");
                }

                if (modules.Count == 2)
                {
                    Console.WriteLine();
                    Console.WriteLine($"## Ratios, this tree against {modules[1].Name} (same run; below 1 is faster)");
                    Console.WriteLine("| | this tree: wall | CPU | baseline: wall | CPU | ratio wall | ratio CPU |");
                    Console.WriteLine("|---|---|---|---|---|---|---|");
                    foreach (var (what, key) in new[] { ("a", "A"), ("b", "B"), ("c", "C"), ("-First 10", "First10") })
                    {
                        var t = results[0]["queries"].Json.GetProperty(key);
                        var r = results[1]["queries"].Json.GetProperty(key);
                        RatioLine(what + " (ms)", t.GetProperty("MedianMs").GetDouble(), t.GetProperty("CpuMedianMs").GetDouble(),
                            r.GetProperty("MedianMs").GetDouble(), r.GetProperty("CpuMedianMs").GetDouble());
                    }

                    var tw = Whole(results[0]["whole"].Json);
                    var rw = Whole(results[1]["whole"].Json);
                    RatioLine("whole catalog (ms)", tw.Median, tw.CpuMedian, rw.Median, rw.CpuMedian);
                    Console.WriteLine($"| whole catalog rows/s | {tw.Rows / (tw.Median / 1000):N0} | {tw.Rows / (tw.CpuMedian / 1000):N0} | {rw.Rows / (rw.Median / 1000):N0} | {rw.Rows / (rw.CpuMedian / 1000):N0} | | |");
                    Console.WriteLine($"| whole catalog peak RSS | {tw.PeakRss:F0} MiB | | {rw.PeakRss:F0} MiB | | | |");
                }
            }

            return 0;
        }

        private static (List<double> Times, double Median, double CpuMedian, long Rows, double PeakRss) Whole(JsonElement w)
        {
            var times = w.GetProperty("WholeMs").EnumerateArray().Select(e => e.GetDouble()).OrderBy(t => t).ToList();
            var cpu = w.GetProperty("WholeCpuMs").EnumerateArray().Select(e => e.GetDouble()).OrderBy(t => t).ToList();
            return (times, times[(times.Count - 1) / 2], cpu[(cpu.Count - 1) / 2], w.GetProperty("Rows").GetInt64(), w.GetProperty("PeakRssMiB").GetDouble());
        }

        private static void RatioLine(string what, double wall, double cpu, double baseWall, double baseCpu) =>
            Console.WriteLine(FormattableString.Invariant(
                $"| {what} | {wall:F2} | {cpu:F2} | {baseWall:F2} | {baseCpu:F2} | {wall / baseWall:F2} | {cpu / baseCpu:F2} |"));

        private static void Line(string what, JsonElement q, string key, string rowsKey)
        {
            var m = q.GetProperty(key);
            Console.WriteLine($"| {what} | {m.GetProperty("MedianMs").GetDouble():F2} ms (min {m.GetProperty("MinMs").GetDouble():F2}, max {m.GetProperty("MaxMs").GetDouble():F2}, {m.GetProperty("Calls").GetInt32()} calls) | CPU {m.GetProperty("CpuMedianMs").GetDouble():F2} ms | {q.GetProperty(rowsKey).GetInt32():N0} rows |");
        }

        private static JsonElement Pwsh(string module, string store, string mode, Options opt, string pairs, int firstCalls, int wholeCalls)
        {
            string script = Path.Combine(AppContext.BaseDirectory, "Measure-Queries.ps1");
            var psi = new ProcessStartInfo(opt.Pwsh)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[]
            {
                "-NoProfile", "-NonInteractive", "-File", script, "-Module", module, "-Store", store, "-Mode", mode,
                "-DeviceA", Catalog.DeviceA, "-WeekStart", Catalog.WeekStart.ToString("o", CultureInfo.InvariantCulture),
                "-WeekEnd", Catalog.WeekEnd.ToString("o", CultureInfo.InvariantCulture), "-PairsFile", pairs,
                "-Calls", opt.Calls.ToString(CultureInfo.InvariantCulture), "-FirstCalls", firstCalls.ToString(CultureInfo.InvariantCulture),
                "-WholeCalls", wholeCalls.ToString(CultureInfo.InvariantCulture),
            })
            {
                psi.ArgumentList.Add(a);
            }

            using (var p = Process.Start(psi))
            {
                var stderr = p.StandardError.ReadToEndAsync();
                string stdout = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0)
                {
                    throw new InvalidOperationException($"pwsh {mode} failed ({p.ExitCode}): {stdout}\n{stderr.Result}");
                }

                string json = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.TrimStart().StartsWith("{", StringComparison.Ordinal));
                return JsonDocument.Parse(json).RootElement.Clone();
            }
        }

        internal static string Load() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

        private static string Machine()
        {
            string cpu = "unknown";
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                cpu = line?.Substring(line.IndexOf(':') + 1).Trim() ?? cpu;
            }

            return $"{cpu}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
        }

        private static string FindRepo()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "StickyPi.PowerShell.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? Directory.GetCurrentDirectory();
        }

        private sealed class Options
        {
            public long Rows = 1_000_000;
            public string Root;
            public string Module;
            public string BaselineModule;
            public string BaselineName = "(previous build)";
            public string Pwsh = "/opt/pwsh/pwsh";
            public int Calls = 20;
            public int FirstCalls = 20;
            public int WholeCalls = 3;
            public int BaselineFirstCalls = 2;
            public int BaselineWholeCalls = 1;
            public string Only;

            public static Options Parse(string[] args, string repo)
            {
                var o = new Options { Root = Path.Combine(repo, "bench", "catalog"), Module = Path.Combine(repo, "out", "StickyPi", "StickyPi.psd1") };
                for (int i = 0; i < args.Length; i++)
                {
                    string v = i + 1 < args.Length ? args[i + 1] : null;
                    switch (args[i])
                    {
                        case "--rows": o.Rows = long.Parse(v, CultureInfo.InvariantCulture); i++; break;
                        case "--root": o.Root = Path.GetFullPath(v); i++; break;
                        case "--module": o.Module = Path.GetFullPath(v); i++; break;
                        case "--baseline-module": o.BaselineModule = Path.GetFullPath(v); i++; break;
                        case "--baseline-name": o.BaselineName = v; i++; break;
                        case "--pwsh": o.Pwsh = v; i++; break;
                        case "--calls": o.Calls = int.Parse(v, CultureInfo.InvariantCulture); i++; break;
                        case "--first-calls": o.FirstCalls = int.Parse(v, CultureInfo.InvariantCulture); i++; break;
                        case "--whole-calls": o.WholeCalls = int.Parse(v, CultureInfo.InvariantCulture); i++; break;
                        case "--baseline-first-calls": o.BaselineFirstCalls = int.Parse(v, CultureInfo.InvariantCulture); i++; break;
                        case "--baseline-whole-calls": o.BaselineWholeCalls = int.Parse(v, CultureInfo.InvariantCulture); i++; break;
                        case "--only": o.Only = v; i++; break;
                        default: throw new ArgumentException("Unknown option " + args[i]);
                    }
                }

                return o;
            }
        }
    }
}
