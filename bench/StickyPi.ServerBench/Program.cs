using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using StickyPi.Bench;
using StickyPi.SampleData;

namespace StickyPi.ServerBench
{
    /// <summary>
    /// <c>nice -n 10 dotnet run -c Release --project bench/StickyPi.ServerBench -- [--n 240] [--rounds 3] [--parallel 8]
    /// [--no-upstream] [--output FILE]</c>: see bench/RESULTS.md ("Server upload").
    /// </summary>
    internal static class Program
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        private static int Main(string[] args)
        {
            var o = new Options();
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--n": o.N = int.Parse(args[++i], Inv); break;
                    case "--rounds": o.Rounds = int.Parse(args[++i], Inv); break;
                    case "--parallel": o.Parallel = int.Parse(args[++i], Inv); break;
                    case "--client-threads": o.ClientThreads = int.Parse(args[++i], Inv); break;
                    case "--no-upstream": o.Upstream = false; break;
                    case "--fixtures": o.Fixtures = args[++i]; break;
                    case "--output": o.Output = args[++i]; break;
                    case "--keep": o.Keep = true; break;
                    case "--warmup": o.Warmup = int.Parse(args[++i], Inv); break;
                    case "--baseline-server": o.BaselineServer = Path.GetFullPath(args[++i]); break;
                    case "--deployed": o.Deployed = true; break;
                    case "--server-env":
                        var kv = args[++i].Split('=', 2);
                        o.ServerEnv[kv[0]] = kv.Length > 1 ? kv[1] : string.Empty;
                        break;
                    default:
                        Console.Error.WriteLine("Unknown option " + args[i] + "\nUsage: StickyPi.ServerBench [--n 240] [--rounds 3] [--parallel 8] [--client-threads 8] [--no-upstream] [--fixtures DIR] [--output FILE] [--keep] [--warmup 16] [--baseline-server DLL | --deployed] [--server-env NAME=VALUE]...");
                        return 2;
                }
            }

            var work = Path.Combine(Path.GetTempPath(), "stickypi-serverbench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(work);
            try
            {
                var report = Run(o, work);
                Console.WriteLine(report);
                if (o.Output != null)
                {
                    File.AppendAllText(o.Output, report);
                }

                return 0;
            }
            finally
            {
                if (!o.Keep)
                {
                    Directory.Delete(work, true);
                }
            }
        }

        private sealed class Options
        {
            public int N = 240;
            public int Rounds = 3;
            public int Parallel = 8;
            public int ClientThreads = 8;
            public bool Upstream = true;
            public string Fixtures = Corpus.DefaultFixtures;
            public string Output;
            public bool Keep;
            public int Warmup = 16;

            /// <summary>Another build's StickyPi.Server.dll, uploaded to in each round after ours (before/after in the same run).</summary>
            public string BaselineServer;

            /// <summary>Each round also uploads to the same server deployed on MariaDB + S3 (a private mariadbd and s3rver, a new database and bucket per round), in the baseline's columns.</summary>
            public bool Deployed;

            /// <summary>Extra environment for the server processes only (runtime settings to compare, e.g. DOTNET_gcServer=0).</summary>
            public Dictionary<string, string> ServerEnv = new Dictionary<string, string>();
        }

        private static string RepoRoot()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "StickyPi.PowerShell.sln")))
                {
                    return d.FullName;
                }
            }

            throw new InvalidOperationException("StickyPi.PowerShell.sln not found above " + AppContext.BaseDirectory);
        }


        private static string Run(Options o, string work)
        {
            var root = RepoRoot();
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent.Name;
            var benchDll = Path.Combine(root, "bench", "StickyPi.Bench", "bin", configuration, "net10.0", "StickyPi.Bench.dll");
            var serverDll = Path.Combine(root, "src", "StickyPi.Server", "bin", configuration, "net10.0", "StickyPi.Server.dll");
            var upstreamDir = Path.GetFullPath(Path.Combine(root, "..", "shared", "upstream"));
            foreach (var f in new[] { benchDll, serverDll })
            {
                if (!File.Exists(f))
                {
                    throw new FileNotFoundException("Build first (dotnet build -c " + configuration + "): " + f);
                }
            }

            var machine = MachineInfo.Describe();
            var loadBefore = MachineInfo.LoadAverage();
            Log("Machine: " + machine.Summary + "; load " + loadBefore);
            var corpus = Corpus.Synthesize(Path.Combine(work, "corpus"), Corpus.LoadFixtures(o.Fixtures), o.N, salt: 1);
            var files = Directory.EnumerateFiles(corpus.Directory, "*.jpg", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList();
            Log($"Corpus: {corpus.Count} images ({corpus.Count5Mp} × 5 MP + {corpus.Count12Mp} × 12 MP), {corpus.Bytes / 1e6:F1} MB");
            var warmup = SampleImages.WriteSeason(Path.Combine(work, "warmup"), o.Warmup, seed: 5);
            var env = new Dictionary<string, string>
            {
                ["SECRET_API_KEY"] = "bench-" + Guid.NewGuid().ToString("N"),
                ["API_ADMIN_NAME"] = "admin",
                ["API_ADMIN_PASSWORD"] = "bench-admin-password",
                ["UID_USER"] = "spi_uid",
                ["UID_PASSWORD"] = "bench-uid-password",
            };
            foreach (var kv in o.ServerEnv)
            {
                env[kv.Key] = kv.Value;
            }

            // One untimed local import: page cache and CPU warm, as the import benchmark does.
            LocalImport(benchDll, corpus.Directory, Path.Combine(work, "store-warm"));
            var rounds = new List<(JsonNode local, ServerRound ours, ServerRound baseline)>();
            using var db = o.Deployed ? new StickyPi.Tests.Support.MariaDbFixture() : null;
            using var s3 = o.Deployed ? new StickyPi.Tests.Support.S3rverFixture() : null;
            if (o.Deployed && (db.Missing ?? s3.Missing) != null)
            {
                throw new InvalidOperationException("--deployed needs MariaDB and s3rver: " + (db.Missing ?? s3.Missing));
            }

            if (o.Deployed)
            {
                o.BaselineServer = serverDll;
            }

            for (int r = 0; r < o.Rounds; r++)
            {
                var local = LocalImport(benchDll, corpus.Directory, Path.Combine(work, "store-" + r));
                var localRate = (int)local["Sent"] / (double)local["Seconds"];
                var ours = UploadRound(serverDll, Path.Combine(work, "server-" + r), env, o, files, warmup, r);
                Log($"Round {r + 1}/{o.Rounds}: local import {localRate:F1} img/s (peak RSS {(long)local["PeakRssKb"] / 1024} MB), "
                    + $"server upload {files.Count / ours.Upload.Seconds:F1} img/s over {ours.Upload.Connections} connections "
                    + $"(ratio {files.Count / ours.Upload.Seconds / localRate:F3}, server peak RSS {ours.RssKb / 1024} MB, CPU: local import {(double)local["CpuSeconds"]:F1} s, server {ours.ServerCpu:F1} s + client {ours.ClientCpu:F1} s)");
                ServerRound baseline = null;
                if (o.BaselineServer != null)
                {
                    var baselineEnv = env;
                    if (o.Deployed)
                    {
                        var id = Guid.NewGuid().ToString("N").Substring(0, 12);
                        var s3Options = s3.Options();
                        baselineEnv = new Dictionary<string, string>(env)
                        {
                            ["StickyPi__MariaDb__ConnectionString"] = db.ConnectionString("bench_" + id),
                            ["StickyPi__S3__ServiceUrl"] = s3Options.ServiceUrl.ToString(),
                            ["S3_ACCESS_KEY"] = s3Options.AccessKey,
                            ["S3_PRIVATE_KEY"] = s3Options.SecretKey,
                            ["S3_BUCKET_NAME"] = "bench-" + id,
                        };
                    }

                    baseline = UploadRound(o.BaselineServer, Path.Combine(work, "baseline-" + r), baselineEnv, o, files, warmup, r);
                    Log($"  baseline server upload {files.Count / baseline.Upload.Seconds:F1} img/s (ratio {files.Count / baseline.Upload.Seconds / localRate:F3}, "
                        + $"peak RSS {baseline.RssKb / 1024} MB, CPU: server {baseline.ServerCpu:F1} s + client {baseline.ClientCpu:F1} s)");
                }

                rounds.Add((local, ours, baseline));
            }

            // Upstream's RemoteClient (one request per image, Connection: close, client-side parsing) to ours and to upstream's.
            (JsonNode toOurs, JsonNode toUpstream, string upstreamNote) python = (null, null, null);
            if (o.Upstream)
            {
                python = UpstreamClientRuns(o, work, serverDll, upstreamDir, corpus.Directory, env);
            }

            var loadAfter = MachineInfo.LoadAverage();
            return Format(o, machine, loadBefore, loadAfter, corpus, rounds, python);
        }

        private sealed class ServerRound
        {
            public UploadRun Upload;
            public long RssKb;
            public double ServerCpu;
            public double ClientCpu;
        }

        /// <summary>A fresh server of <paramref name="serverDll"/>: login, warm-up, then the timed upload of the corpus, checked complete.</summary>
        private static ServerRound UploadRound(string serverDll, string dataDir, Dictionary<string, string> env, Options o,
            IReadOnlyList<string> files, IReadOnlyList<string> warmup, int round)
        {
            using var server = new OurServer(serverDll, dataDir, env);
            using var client = new Uploader(server.BaseUrl, o.Parallel);
            client.LoginAsync(env["API_ADMIN_NAME"], env["API_ADMIN_PASSWORD"]).GetAwaiter().GetResult();
            var warm = client.UploadAsync(warmup, o.Parallel).GetAwaiter().GetResult(); // a long-running server is warm
            var threadsBefore = server.CpuByThreadName;
            var cpuBefore = server.CpuSeconds;
            var clientCpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var upload = client.UploadAsync(files, o.Parallel).GetAwaiter().GetResult();
            var serverCpu = server.CpuSeconds - cpuBefore;
            var threadsAfter = server.CpuByThreadName;
            var clientCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - clientCpuBefore;
            var count = client.CountAsync().GetAwaiter().GetResult();
            if (upload.Errors.Count > 0 || warm.Errors.Count > 0 || count != files.Count + warmup.Count)
            {
                throw new InvalidOperationException($"Upload round {round + 1} ({serverDll}): {upload.Stored}/{files.Count} stored, server holds {count}; errors:\n"
                    + string.Join("\n", warm.Errors.Concat(upload.Errors).Take(10)) + "\n--- server log\n" + server.Log);
            }

            // Threads that ended during the upload are missing from the second reading: the breakdown is indicative.
            Log("  server CPU by thread during the upload: " + string.Join(", ", threadsAfter
                .Select(kv => (kv.Key, Seconds: kv.Value - threadsBefore.GetValueOrDefault(kv.Key)))
                .Where(x => x.Seconds >= 0.01).OrderByDescending(x => x.Seconds).Select(x => $"{x.Key.Trim()} {x.Seconds:F2} s")));
            return new ServerRound { Upload = upload, RssKb = server.PeakRssKb, ServerCpu = serverCpu, ClientCpu = clientCpu };
        }

        private static (JsonNode, JsonNode, string) UpstreamClientRuns(Options o, string work, string serverDll, string upstreamDir,
            string corpus, Dictionary<string, string> env)
        {
            var runPython = Path.Combine(upstreamDir, "run-python");
            var script = Path.Combine(AppContext.BaseDirectory, "push_upstream.py");
            if (!File.Exists(runPython))
            {
                return (null, null, "upstream's client is missing (" + runPython + ")");
            }

            JsonNode toOurs;
            using (var server = new OurServer(serverDll, Path.Combine(work, "server-python"), env))
            {
                toOurs = Push(runPython, script, server.Port, env["API_ADMIN_NAME"], env["API_ADMIN_PASSWORD"], o.ClientThreads, corpus, null);
                toOurs["server_peak_rss_kb"] = server.PeakRssKb;
                Log($"Upstream's RemoteClient → our server: {(int)toOurs["uploaded"]} images in {(double)toOurs["seconds"]:F1} s");
            }

            JsonNode toUpstream = null;
            string note = null;
            try
            {
                using var upstream = new UpstreamServer(upstreamDir, Path.Combine(work, "upstream"));
                toUpstream = Push(runPython, script, upstream.Port, upstream.AdminName, upstream.AdminPassword, o.ClientThreads, corpus,
                    new Dictionary<string, string> { ["REQUESTS_CA_BUNDLE"] = upstream.CaBundle });
                Log($"Upstream's RemoteClient → upstream's server: {(int)toUpstream["uploaded"]} images in {(double)toUpstream["seconds"]:F1} s");
            }
            catch (Exception e) when (e is InvalidOperationException || e is IOException)
            {
                note = "upstream's server did not run: " + e.Message.Split('\n')[0];
                Log(note);
            }

            return (toOurs, toUpstream, note);
        }

        private static JsonNode Push(string runPython, string script, int port, string user, string password, int threads, string corpus, IDictionary<string, string> env)
        {
            var run = Shell.Run(runPython, new[] { script, "--port", port.ToString(Inv), "--user", user, "--password", password, "--threads", threads.ToString(Inv), corpus },
                env, TimeSpan.FromMinutes(20));
            var line = run.Out.Split('\n').LastOrDefault(l => l.StartsWith("{", StringComparison.Ordinal));
            if (run.Exit != 0 || line == null)
            {
                throw new InvalidOperationException("push_upstream.py failed (" + run.Exit + "):\n" + run.Err.Split('\n').Reverse().Take(30).Reverse().Aggregate("", (a, b) => a + b + "\n"));
            }

            return JsonNode.Parse(line);
        }

        /// <summary>The import benchmark's own import child (what Send-StickyImage runs), in its own process.</summary>
        private static JsonNode LocalImport(string benchDll, string corpus, string store)
        {
            var run = Shell.Run("dotnet", new[] { benchDll, "--child", "import", corpus, store }, null, TimeSpan.FromMinutes(10));
            var line = run.Out.Split('\n').LastOrDefault(l => l.StartsWith("BENCH-RESULT ", StringComparison.Ordinal));
            if (run.Exit != 0 || line == null)
            {
                throw new InvalidOperationException("local import failed:\n" + run.Out + run.Err);
            }

            return JsonNode.Parse(line.Substring("BENCH-RESULT ".Length));
        }

        private static string Format(Options o, MachineInfo machine, string loadBefore, string loadAfter, CorpusInfo corpus,
            List<(JsonNode local, ServerRound ours, ServerRound baseline)> rounds, (JsonNode toOurs, JsonNode toUpstream, string note) python)
        {
            double Median(IEnumerable<double> xs)
            {
                var a = xs.OrderBy(x => x).ToArray();
                return a.Length == 0 ? double.NaN : a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
            }

            var sb = new StringBuilder();
            sb.AppendLine();
            sb.AppendLine($"### Server upload run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
            sb.AppendLine();
            sb.AppendLine($"Machine: {machine.Summary}. Load average (1 min) {loadBefore} before, {loadAfter} after. "
                + $"Corpus: {corpus.Count} images ({corpus.Count5Mp} × 5 MP + {corpus.Count12Mp} × 12 MP, {corpus.Bytes / 1e6:F1} MB). "
                + $"C# client: {o.Parallel} parallel requests, keep-alive; server started fresh per round, warmed with {o.Warmup} small images"
                + (o.ServerEnv.Count == 0 ? "." : "; server environment: " + string.Join(", ", o.ServerEnv.Select(kv => kv.Key + "=" + kv.Value)) + ".")
                + (o.BaselineServer == null ? string.Empty : o.Deployed
                    ? " Baseline: the same server deployed on MariaDB + S3 (each round, after ours: a private mariadbd and s3rver on this machine, a new database and bucket per round)."
                    : " Baseline server (each round, after ours): " + o.BaselineServer + "."));
            sb.AppendLine();
            var withBaseline = o.BaselineServer != null;
            sb.AppendLine("| round | local import img/s | server upload img/s | ratio | TCP connections | server peak RSS MB | local import peak RSS MB | CPU s: local import | server | client | CPU ratio |"
                + (withBaseline ? " baseline server img/s | baseline ratio | baseline server peak RSS MB | baseline CPU s: server | client | baseline CPU ratio |" : string.Empty));
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|" + (withBaseline ? "---|---|---|---|---|---|" : string.Empty));
            var ratios = new List<double>();
            var cpuRatios = new List<double>();
            var baseRatios = new List<double>();
            var baseCpuRatios = new List<double>();
            int i = 0;
            foreach (var (local, ours, baseline) in rounds)
            {
                var localRate = (int)local["Sent"] / (double)local["Seconds"];
                var localCpu = (double)local["CpuSeconds"];
                var rate = ours.Upload.Files / ours.Upload.Seconds;
                var cpuRatio = localCpu / (ours.ServerCpu + ours.ClientCpu);
                ratios.Add(rate / localRate);
                cpuRatios.Add(cpuRatio);
                var line = $"| {++i} | {localRate:F1} | {rate:F1} | {rate / localRate:F3} | {ours.Upload.Connections} | {ours.RssKb / 1024.0:F0} | {(long)local["PeakRssKb"] / 1024.0:F0} | {localCpu:F1} | {ours.ServerCpu:F1} | {ours.ClientCpu:F1} | {cpuRatio:F3} |";
                if (baseline != null)
                {
                    var baseRate = baseline.Upload.Files / baseline.Upload.Seconds;
                    var baseCpuRatio = localCpu / (baseline.ServerCpu + baseline.ClientCpu);
                    baseRatios.Add(baseRate / localRate);
                    baseCpuRatios.Add(baseCpuRatio);
                    line += $" {baseRate:F1} | {baseRate / localRate:F3} | {baseline.RssKb / 1024.0:F0} | {baseline.ServerCpu:F1} | {baseline.ClientCpu:F1} | {baseCpuRatio:F3} |";
                }

                sb.AppendLine(line);
            }

            sb.AppendLine();
            sb.AppendLine($"Median ratio server / local (images/s): **{Median(ratios):F3}** (goal ≥ 0.8); median CPU ratio (local import CPU / server + client CPU, "
                + $"the same work per CPU-second, less sensitive to other load): **{Median(cpuRatios):F3}**; server peak RSS max {rounds.Max(r => r.ours.RssKb) / 1024.0:F0} MB."
                + (withBaseline ? $" Baseline server: median ratio **{Median(baseRatios):F3}**, median CPU ratio **{Median(baseCpuRatios):F3}**, peak RSS max {rounds.Max(r => r.baseline.RssKb) / 1024.0:F0} MB." : string.Empty));
            if (python.toOurs != null || python.note != null)
            {
                sb.AppendLine();
                sb.AppendLine($"Upstream's RemoteClient (`put_images`, n_threads {o.ClientThreads}: client-side md5 + parse, then one `Connection: close` request per image):");
                sb.AppendLine();
                sb.AppendLine("| server | images | seconds | img/s |");
                sb.AppendLine("|---|---|---|---|");
                void Row(string name, JsonNode n)
                {
                    if (n != null)
                    {
                        sb.AppendLine($"| {name} | {(int)n["uploaded"]} | {(double)n["seconds"]:F1} | {(int)n["uploaded"] / (double)n["seconds"]:F2} |");
                    }
                }

                Row("ours (StickyPi.Server)", python.toOurs);
                Row("upstream's (app.py, uWSGI 2 processes, MariaDB, s3rver)", python.toUpstream);
                if (python.note != null)
                {
                    sb.AppendLine();
                    sb.AppendLine(python.note);
                }
            }

            return sb.ToString();
        }

        private static void Log(string s) => Console.Error.WriteLine(DateTime.UtcNow.ToString("HH:mm:ss", Inv) + " " + s);
    }
}
