using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace StickyPi.PowerShell.Tests.Support
{
    /// <summary>What one StickyPi.Host run printed: JSON records (output, error, progress…) and plain host lines.</summary>
    public sealed class HostResult
    {
        public int ExitCode { get; init; }

        public List<JsonElement> Records { get; } = new List<JsonElement>();

        public List<string> HostLines { get; } = new List<string>();

        public string StdErr { get; init; }

        public IEnumerable<JsonElement> Kind(string kind) => Records.Where(r => r.GetProperty("kind").GetString() == kind);

        public List<JsonElement> Output => Kind("output").ToList();

        public List<JsonElement> Errors => Kind("error").ToList();

        /// <summary>The error that ended the script: a terminating one, else the last error written.</summary>
        public JsonElement? Terminating => Kind("terminating").Concat(Kind("error").Reverse()).Cast<JsonElement?>().FirstOrDefault();

        /// <summary>Output objects' properties.</summary>
        public List<JsonElement> Objects => Output.Select(o => o.GetProperty("properties")).ToList();

        /// <summary>Output objects rendered as text (strings, numbers).</summary>
        public List<string> Texts => Output.Select(o => o.GetProperty("text").GetString()).ToList();

        public override string ToString() =>
            $"exit {ExitCode}\n" + string.Join("\n", Records.Select(r => r.GetRawText())) + "\n" + string.Join("\n", HostLines) + "\nSTDERR:\n" + StdErr;
    }

    /// <summary>
    /// Runs PowerShell script text in a fresh StickyPi.Host process (System.Management.Automation only) that imports the
    /// packaged module from out/StickyPi, so no dependency of the test process can leak into the module.
    /// </summary>
    public static class HostRunner
    {
        private static readonly Lazy<string> Root = new Lazy<string>(() =>
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "StickyPi.PowerShell.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("StickyPi.PowerShell.sln not found");
        });

        public static string RepoRoot => Root.Value;

        public static string ModuleManifest => Path.Combine(RepoRoot, "out", "StickyPi", "StickyPi.psd1");

        public static string HostDll
        {
            get
            {
                var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)).Parent?.Name ?? "Debug";
                return Path.Combine(RepoRoot, "tools", "StickyPi.Host", "bin", configuration, "net10.0", "StickyPi.Host.dll");
            }
        }

        /// <summary>The preamble every script gets: strict mode and the packaged module.</summary>
        public static string Preamble => "Set-StrictMode -Version 3.0\nImport-Module '" + ModuleManifest.Replace("'", "''") + "' -ErrorAction Stop\n";

        public static HostResult Run(string script, IDictionary<string, string> environment = null, bool json = true, bool importModule = true, TimeSpan? timeout = null)
        {
            using var process = Start(script, environment, json, importModule, out var stdout, out var stderr);
            if (!process.WaitForExit((int)(timeout ?? TimeSpan.FromMinutes(3)).TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("StickyPi.Host did not finish: " + script);
            }

            process.WaitForExit();
            return Parse(process.ExitCode, stdout.Result, stderr.Result);
        }

        public static Process Start(string script, IDictionary<string, string> environment, bool json, bool importModule, out Task<string> stdout, out Task<string> stderr)
        {
            Assert.True(File.Exists(HostDll), "StickyPi.Host was not built: " + HostDll);
            Assert.True(File.Exists(ModuleManifest), "The module was not packaged: " + ModuleManifest);
            var psi = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            psi.ArgumentList.Add(HostDll);
            if (json)
            {
                psi.ArgumentList.Add("--json");
            }

            psi.ArgumentList.Add("-Command");
            psi.ArgumentList.Add((importModule ? Preamble : string.Empty) + script);

            // The host must not inherit anything that could point it at our build outputs.
            psi.Environment.Remove("DOTNET_ADDITIONAL_DEPS");
            psi.Environment.Remove("STICKYPI_LOCAL_DIR");
            if (environment != null)
            {
                foreach (var kv in environment)
                {
                    psi.Environment[kv.Key] = kv.Value;
                }
            }

            var process = Process.Start(psi);
            process.StandardInput.Close();
            stdout = process.StandardOutput.ReadToEndAsync();
            stderr = process.StandardError.ReadToEndAsync();
            return process;
        }

        public static HostResult Parse(int exitCode, string stdout, string stderr)
        {
            var result = new HostResult { ExitCode = exitCode, StdErr = stderr };
            foreach (var line in stdout.Split('\n'))
            {
                var trimmed = line.TrimEnd('\r');
                if (trimmed.StartsWith("{\"kind\"", StringComparison.Ordinal))
                {
                    result.Records.Add(JsonDocument.Parse(trimmed).RootElement.Clone());
                }
                else if (trimmed.Length > 0)
                {
                    result.HostLines.Add(trimmed);
                }
            }

            return result;
        }

        /// <summary>A PowerShell single-quoted literal.</summary>
        public static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
    }
}
