using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>
    /// Our StickyPi.Server as its own process, exactly as the README starts it (<c>--urls … --data …</c>, upstream's
    /// environment variables), on a free loopback port with a temporary data folder; stopped and removed on dispose.
    /// </summary>
    public sealed class OurServer : IDisposable
    {
        private Process _process;
        private readonly OutputLog _log = new OutputLog();
        private readonly bool _ownsData;

        private readonly IDictionary<string, string> _extraEnvironment;

        /// <param name="identity">The secret and bootstrap users, as upstream's server gets them.</param>
        /// <param name="dataDir">The store folder (a new one when null).</param>
        /// <param name="environment">More variables (upstream's MYSQL_* and S3_*, say).</param>
        public OurServer(ServerIdentity identity, string dataDir = null, IDictionary<string, string> environment = null)
        {
            Identity = identity;
            _extraEnvironment = environment;
            _ownsData = dataDir == null;
            DataDir = dataDir ?? InteropPaths.NewTempDir("interop-server");

            // A free port is only free until something binds it: another fixture's server, or an outgoing connection
            // given it as its local port. A start that lost its port is tried again on another one.
            for (var attempt = 1; ; attempt++)
            {
                Port = ProcessRunner.FreePort();
                _process = Launch(identity);
                try
                {
                    WaitUntilAnswering(TimeSpan.FromSeconds(120));
                    return;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    Stop();
                    _process.Dispose();
                    _log.Clear();
                }
                catch
                {
                    Dispose();
                    throw;
                }
            }
        }

        private Process Launch(ServerIdentity identity)
        {
            var environment = new Dictionary<string, string>(identity.Environment())
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["DOTNET_ENVIRONMENT"] = "Production",
            };
            foreach (var kv in _extraEnvironment ?? new Dictionary<string, string>())
            {
                environment[kv.Key] = kv.Value;
            }
            return TestProcesses.Start("dotnet", new[] { InteropPaths.ServerDll, "--urls", BaseUrl, "--data", DataDir }, _log,
                environment, Path.GetDirectoryName(InteropPaths.ServerDll));
        }

        public ServerIdentity Identity { get; }

        public string DataDir { get; }

        public int Port { get; private set; }

        public string BaseUrl => "http://127.0.0.1:" + Port;

        public int ProcessId => _process.Id;

        public string Log => _log.ToString();

        /// <summary>Peak resident set size so far (Linux VmHWM), in bytes; 0 where /proc is missing.</summary>
        public long PeakRssBytes => ReadPeakRss(_process.Id);

        public static long ReadPeakRss(int pid)
        {
            try
            {
                foreach (var line in File.ReadLines("/proc/" + pid + "/status"))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        return long.Parse(line.Substring(6).Trim().Split(' ')[0]) * 1024;
                    }
                }
            }
            catch (IOException)
            {
            }

            return 0;
        }

        private void WaitUntilAnswering(TimeSpan limit)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < limit)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException("StickyPi.Server exited with " + _process.ExitCode + " before answering:\n" + Log);
                }

                try
                {
                    // Upstream's start script checks the same: an unauthenticated get_token is refused with 401.
                    using var response = http.PostAsync(BaseUrl + "/get_token", new ByteArrayContent(Array.Empty<byte>())).GetAwaiter().GetResult();
                    if ((int)response.StatusCode == 401)
                    {
                        if (_process.HasExited)
                        {
                            throw new InvalidOperationException("another server answers on " + BaseUrl + "; StickyPi.Server exited with " + _process.ExitCode + ":\n" + Log);
                        }

                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (System.Threading.Tasks.TaskCanceledException)
                {
                }

                Thread.Sleep(200);
            }

            throw new TimeoutException("StickyPi.Server did not answer on " + BaseUrl + " within " + limit.TotalSeconds + " s:\n" + Log);
        }

        public void Dispose()
        {
            try
            {
                Stop();
            }
            finally
            {
                _process.Dispose();
                if (_ownsData)
                {
                    InteropPaths.DeleteDir(DataDir);
                }
            }
        }

        private void Stop()
        {
            try
            {
                if (!_process.HasExited)
                {
                    // SIGTERM first: the server's graceful shutdown; then the hard way.
                    ProcessRunner.Run("kill", new[] { "-TERM", _process.Id.ToString() }, timeout: TimeSpan.FromSeconds(5));
                    if (!_process.WaitForExit(15000))
                    {
                        _process.Kill(entireProcessTree: true);
                        _process.WaitForExit(5000);
                    }
                }
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
