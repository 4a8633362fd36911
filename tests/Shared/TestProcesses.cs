using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace StickyPi.Tests.Support
{
    /// <summary>
    /// What every test fixture that runs a server of its own needs (s3rver, mariadbd, StickyPi.Server, upstream's
    /// stack): a free loopback port, a started process whose output is kept, a wait for its port, and a stop.
    /// </summary>
    public static class TestProcesses
    {
        /// <summary>A loopback port free now; the fixture that binds it later retries on another when it was taken meanwhile.</summary>
        public static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            try
            {
                return ((IPEndPoint)l.LocalEndpoint).Port;
            }
            finally
            {
                l.Stop();
            }
        }

        /// <summary>Starts a program with its arguments (and variables, folder), every line it writes kept in <paramref name="log"/>.</summary>
        public static Process Start(string file, string[] arguments, OutputLog log, IEnumerable<KeyValuePair<string, string>> environment = null, string workingDirectory = null)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in arguments)
            {
                psi.ArgumentList.Add(a);
            }

            foreach (var kv in environment ?? new KeyValuePair<string, string>[0])
            {
                psi.Environment[kv.Key] = kv.Value;
            }

            if (workingDirectory != null)
            {
                psi.WorkingDirectory = workingDirectory;
            }

            var p = new Process { StartInfo = psi };
            p.OutputDataReceived += (_, e) => log.Append(e.Data);
            p.ErrorDataReceived += (_, e) => log.Append(e.Data);
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return p;
        }

        /// <summary>Runs a program to its end; its exit code and output, or null when it is not installed.</summary>
        public static string RunToEnd(string file, string[] arguments, TimeSpan limit)
        {
            var log = new OutputLog();
            Process p;
            try
            {
                p = Start(file, arguments, log);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }

            using (p)
            {
                if (!p.WaitForExit((int)limit.TotalMilliseconds))
                {
                    p.Kill(entireProcessTree: true);
                    return "killed after " + limit.TotalSeconds + " s: " + log;
                }

                p.WaitForExit(); // drains the redirected streams
                return "exit " + p.ExitCode + ": " + log;
            }
        }

        /// <summary>True once something answers on the port while <paramref name="p"/> still runs; false when it exited or the time ran out.</summary>
        public static bool WaitForPort(Process p, int port, TimeSpan limit)
        {
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < limit && !p.HasExited)
            {
                try
                {
                    using (var client = new TcpClient())
                    {
                        client.Connect(IPAddress.Loopback, port);
                        return !p.HasExited;
                    }
                }
                catch (SocketException)
                {
                    Thread.Sleep(100);
                }
            }

            return false;
        }

        /// <summary>Stops a server: SIGTERM first (a clean shutdown), then the whole process tree; disposes it.</summary>
        public static void Stop(Process p, TimeSpan grace)
        {
            try
            {
                if (!p.HasExited)
                {
                    using (var kill = Process.Start("kill", "-TERM " + p.Id))
                    {
                        kill?.WaitForExit(5000);
                    }

                    if (!p.WaitForExit((int)grace.TotalMilliseconds))
                    {
                        p.Kill(entireProcessTree: true);
                        p.WaitForExit(5000);
                    }
                }
            }
            catch (InvalidOperationException)
            {
            }
            finally
            {
                p.Dispose();
            }
        }
    }

    /// <summary>A process's output lines, kept up to a bound, safe to append from its reader threads.</summary>
    public sealed class OutputLog
    {
        private readonly StringBuilder _text = new StringBuilder();
        private readonly int _limit;

        public OutputLog(int limit = 2_000_000) => _limit = limit;

        public void Append(string line)
        {
            if (line == null)
            {
                return;
            }

            lock (_text)
            {
                if (_text.Length < _limit)
                {
                    _text.AppendLine(line);
                }
            }
        }

        public void Clear()
        {
            lock (_text)
            {
                _text.Clear();
            }
        }

        public override string ToString()
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }
}
