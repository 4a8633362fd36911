using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;

namespace StickyPi.Server.Interop.Tests.Support
{
    public sealed class ProcessResult
    {
        public int ExitCode;
        public string StdOut;
        public string StdErr;
        public TimeSpan Elapsed;

        public override string ToString() =>
            "exit " + ExitCode + " after " + Elapsed.TotalSeconds.ToString("0.0") + " s\n--- stdout\n" + Tail(StdOut) + "\n--- stderr\n" + Tail(StdErr);

        private static string Tail(string s) => s == null || s.Length <= 6000 ? s : "…" + s.Substring(s.Length - 6000);
    }

    /// <summary>Runs a command to completion with a timeout (then kills its process tree).</summary>
    public static class ProcessRunner
    {
        public static ProcessResult Run(string file, IEnumerable<string> args, IDictionary<string, string> env = null, TimeSpan? timeout = null, string workingDirectory = null)
        {
            var psi = new ProcessStartInfo(file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory ?? InteropPaths.RepoRoot,
            };
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

            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            var sw = Stopwatch.StartNew();
            using var p = new Process { StartInfo = psi };
            p.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            var limit = timeout ?? TimeSpan.FromMinutes(5);
            if (!p.WaitForExit((int)limit.TotalMilliseconds))
            {
                try
                {
                    p.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }

                p.WaitForExit();
                lock (stderr)
                {
                    stderr.AppendLine("[killed after " + limit.TotalSeconds + " s]");
                }

                return new ProcessResult { ExitCode = -1, StdOut = stdout.ToString(), StdErr = stderr.ToString(), Elapsed = sw.Elapsed };
            }

            p.WaitForExit(); // drains the redirected streams
            return new ProcessResult { ExitCode = p.ExitCode, StdOut = stdout.ToString(), StdErr = stderr.ToString(), Elapsed = sw.Elapsed };
        }

        /// <summary>A TCP port free on 127.0.0.1 right now.</summary>
        public static int FreePort() => TestProcesses.FreePort();
    }
}
