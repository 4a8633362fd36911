using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace StickyPi.ServerBench
{
    /// <summary>Our StickyPi.Server as its own process, started as the README says, on a free loopback port.</summary>
    internal sealed class OurServer : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log = new StringBuilder();

        public OurServer(string serverDll, string dataDir, IDictionary<string, string> env)
        {
            DataDir = dataDir;
            Port = Net.FreePort();
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { serverDll, "--urls", BaseUrl, "--data", dataDir })
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            foreach (var kv in env)
            {
                psi.Environment[kv.Key] = kv.Value;
            }

            _process = Process.Start(psi);
            _process.OutputDataReceived += (_, e) => { lock (_log) { if (e.Data != null && _log.Length < 200_000) { _log.AppendLine(e.Data); } } };
            _process.ErrorDataReceived += (_, e) => { lock (_log) { if (e.Data != null && _log.Length < 200_000) { _log.AppendLine(e.Data); } } };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            Net.WaitForApi(BaseUrl, TimeSpan.FromSeconds(60), () => _process.HasExited ? "server exited:\n" + Log : null);
        }

        public string DataDir { get; }

        public int Port { get; }

        public string BaseUrl => "http://127.0.0.1:" + Port;

        public string Log { get { lock (_log) { return _log.ToString(); } } }

        public long PeakRssKb => ProcStatus.PeakRssKb(_process.Id);

        public double CpuSeconds => ProcStatus.CpuSeconds(_process.Id);

        public Dictionary<string, double> CpuByThreadName => ProcStatus.CpuByThreadName(_process.Id);

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Process.Start("kill", new[] { "-TERM", _process.Id.ToString() })?.WaitForExit();
                if (!_process.WaitForExit(15000))
                {
                    _process.Kill(true);
                }
            }

            _process.Dispose();
        }
    }

    /// <summary>Upstream's server (app.py under uWSGI + MariaDB + s3rver) by ../shared/upstream/start-server.sh, private folder and ports.</summary>
    internal sealed class UpstreamServer : IDisposable
    {
        private readonly Dictionary<string, string> _env;
        private readonly string _upstreamDir;

        public UpstreamServer(string upstreamDir, string runDir)
        {
            _upstreamDir = upstreamDir;
            Port = Net.FreePort();
            _env = new Dictionary<string, string>
            {
                ["RUN_DIR"] = runDir,
                ["S3RVER_DIR"] = Environment.GetEnvironmentVariable("S3RVER_DIR") ?? "/tmp/sticky-pi-upstream/.node",
                ["API_PORT"] = Port.ToString(),
                ["S3_PORT"] = Net.FreePort().ToString(),
                ["MYSQL_PORT"] = Net.FreePort().ToString(),
                ["FRESH"] = "1",
            };
            var run = Shell.Run(Path.Combine(upstreamDir, "start-server.sh"), Array.Empty<string>(), _env, TimeSpan.FromMinutes(3));
            if (run.Exit != 0)
            {
                Dispose();
                throw new InvalidOperationException("upstream's start-server.sh failed:\n" + run.Out + run.Err);
            }

            foreach (var line in File.ReadAllLines(Path.Combine(runDir, "server.env")))
            {
                if (line.StartsWith("API_ADMIN_NAME=", StringComparison.Ordinal)) { AdminName = line.Substring(15); }
                if (line.StartsWith("API_ADMIN_PASSWORD=", StringComparison.Ordinal)) { AdminPassword = line.Substring(19); }
            }
        }

        public int Port { get; }

        public string AdminName { get; } = "admin";

        public string AdminPassword { get; }

        public string CaBundle => Path.Combine(_env["RUN_DIR"], "tls", "ca.crt");

        public void Dispose() => Shell.Run(Path.Combine(_upstreamDir, "stop-server.sh"), Array.Empty<string>(), _env, TimeSpan.FromMinutes(1));
    }

    internal static class Net
    {
        public static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        /// <summary>Ready = an unauthenticated get_token is refused with 401 (what upstream's start script checks).</summary>
        public static void WaitForApi(string baseUrl, TimeSpan limit, Func<string> failure)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < limit)
            {
                var why = failure();
                if (why != null)
                {
                    throw new InvalidOperationException(why);
                }

                try
                {
                    using var r = http.PostAsync(baseUrl + "/get_token", new ByteArrayContent(Array.Empty<byte>())).GetAwaiter().GetResult();
                    if ((int)r.StatusCode == 401)
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException || e is System.Threading.Tasks.TaskCanceledException)
                {
                }

                Thread.Sleep(200);
            }

            throw new TimeoutException(baseUrl + " did not answer within " + limit.TotalSeconds + " s");
        }
    }

    internal static class ProcStatus
    {
        public static long PeakRssKb(int pid)
        {
            try
            {
                var line = File.ReadLines("/proc/" + pid + "/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                return line == null ? 0 : long.Parse(line.Substring(6).Trim().Split(' ')[0]);
            }
            catch (IOException)
            {
                return 0;
            }
        }

        /// <summary>CPU seconds of a process's threads, summed by thread name (".NET Tiered Com", ".NET TP Worker", ...).</summary>
        public static Dictionary<string, double> CpuByThreadName(int pid)
        {
            var byName = new Dictionary<string, double>(StringComparer.Ordinal);
            try
            {
                foreach (var task in Directory.EnumerateDirectories("/proc/" + pid + "/task"))
                {
                    try
                    {
                        var stat = File.ReadAllText(Path.Combine(task, "stat"));
                        var open = stat.IndexOf('(');
                        var close = stat.LastIndexOf(')');
                        var name = stat.Substring(open + 1, close - open - 1);
                        var fields = stat.Substring(close + 2).Split(' ');
                        byName[name] = byName.GetValueOrDefault(name) + (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
                    }
                    catch (IOException)
                    {
                        // the thread ended
                    }
                }
            }
            catch (IOException)
            {
            }

            return byName;
        }

        /// <summary>User + system CPU time of a process (its threads; children not included).</summary>
        public static double CpuSeconds(int pid)
        {
            try
            {
                var stat = File.ReadAllText("/proc/" + pid + "/stat");
                var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                // fields[11] = utime, fields[12] = stime (fields 14 and 15 of proc(5), counted from state = 3)
                return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    internal sealed class ShellResult
    {
        public int Exit;
        public string Out;
        public string Err;
        public double Seconds;
    }

    internal static class Shell
    {
        public static ShellResult Run(string file, IEnumerable<string> args, IDictionary<string, string> env, TimeSpan timeout)
        {
            var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            if (env != null)
            {
                foreach (var kv in env)
                {
                    psi.Environment[kv.Key] = kv.Value;
                }
            }

            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit((int)timeout.TotalMilliseconds))
            {
                p.Kill(true);
                p.WaitForExit();
            }

            return new ShellResult { Exit = p.HasExited ? p.ExitCode : -1, Out = stdout.Result, Err = stderr.Result, Seconds = sw.Elapsed.TotalSeconds };
        }
    }
}
