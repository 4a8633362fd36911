using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json.Nodes;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>Runs our driver scripts with upstream's <c>run-python</c> (Debian's python3 + upstream's package).</summary>
    public static class Python
    {
        /// <summary>Null when upstream's client can be imported; otherwise what is missing.</summary>
        public static string Unavailable()
        {
            if (!File.Exists(InteropPaths.RunPython))
            {
                return "upstream's client is missing: " + InteropPaths.RunPython + " (../shared is not beside the checkout)";
            }

            // A generous limit: on a machine fresh from setup.sh, numpy's first import reads everything from a cold disk
            // while the other test assemblies build and run. Only a failed import means the client is missing.
            var probe = ProcessRunner.Run(InteropPaths.RunPython,
                new[] { "-c", "import sticky_pi_api.client, requests, PIL, itsdangerous, numpy" }, timeout: TimeSpan.FromMinutes(5));
            return probe.ExitCode == 0 ? null : "upstream's client does not import (run ../shared/upstream/setup.sh): " + probe;
        }

        /// <summary>Runs a script that writes its JSON result to <c>--out</c>; returns that JSON.</summary>
        public static (JsonNode Json, ProcessResult Run) RunScript(string script, IEnumerable<string> args, IDictionary<string, string> env, TimeSpan timeout)
        {
            var outFile = Path.Combine(Path.GetTempPath(), "stickypi-interop-" + Guid.NewGuid().ToString("N") + ".json");
            try
            {
                var all = new List<string> { Path.Combine(InteropPaths.Scripts, script) };
                all.AddRange(args);
                all.Add("--out");
                all.Add(outFile);
                var environment = new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { ["PYTHONUNBUFFERED"] = "1" };
                var run = ProcessRunner.Run(InteropPaths.RunPython, all, environment, timeout);
                var json = File.Exists(outFile) ? JsonNode.Parse(File.ReadAllText(outFile)) : null;
                return (json, run);
            }
            finally
            {
                File.Delete(outFile);
            }
        }
    }
}
