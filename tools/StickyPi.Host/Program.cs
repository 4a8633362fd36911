// StickyPi.Host: a minimal PowerShell host for machines without pwsh.
//
//   dotnet StickyPi.Host.dll [--json] -File <script.ps1> [script arguments...]
//   dotnet StickyPi.Host.dll [--json] -Command "<script text>"
//
// It references only System.Management.Automation, so the module under test is imported exactly as pwsh
// imports it: from its own folder, with no deps.json of ours. Without --json, output is formatted by PowerShell
// (Out-Default, using the module's Format.ps1xml views). With --json, every output object, error, warning and
// progress record is one JSON line on stdout, for tests. Exit code: 0, or 1 after a terminating error.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;

namespace StickyPi.Host
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            bool json = false;
            string file = null;
            string command = null;
            var scriptArgs = new List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                if (file != null || command != null)
                {
                    scriptArgs.Add(args[i]);
                }
                else if (args[i] == "--json")
                {
                    json = true;
                }
                else if (string.Equals(args[i], "-File", StringComparison.OrdinalIgnoreCase) && i + 1 < args.Length)
                {
                    file = Path.GetFullPath(args[++i]);
                }
                else if (string.Equals(args[i], "-Command", StringComparison.OrdinalIgnoreCase) && i + 1 < args.Length)
                {
                    command = args[++i];
                }
                else
                {
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: StickyPi.Host [--json] (-File <script.ps1> [args...] | -Command <text>)");
                    return 2;
                }
            }

            if (file == null && command == null)
            {
                Console.Error.WriteLine("Usage: StickyPi.Host [--json] (-File <script.ps1> [args...] | -Command <text>)");
                return 2;
            }

            var output = new JsonLineWriter(Console.Out);
            var host = new ConsoleHost(json ? output : null);
            var iss = InitialSessionState.CreateDefault2();
            using (var runspace = RunspaceFactory.CreateRunspace(host, iss))
            {
                runspace.Open();
                using (var ps = System.Management.Automation.PowerShell.Create())
                {
                    ps.Runspace = runspace;
                    if (file != null)
                    {
                        var cmd = new Command(file, isScript: false);
                        // "-Name value" pairs bind by name ("-Switch" alone as a switch); anything else is positional.
                        for (int i = 0; i < scriptArgs.Count; i++)
                        {
                            var a = scriptArgs[i];
                            if (a.Length > 1 && a[0] == '-' && !char.IsDigit(a[1]))
                            {
                                bool hasValue = i + 1 < scriptArgs.Count && !(scriptArgs[i + 1].Length > 1 && scriptArgs[i + 1][0] == '-' && !char.IsDigit(scriptArgs[i + 1][1]));
                                cmd.Parameters.Add(a.Substring(1).TrimEnd(':'), hasValue ? (object)scriptArgs[++i] : true);
                            }
                            else
                            {
                                cmd.Parameters.Add(null, a);
                            }
                        }

                        ps.Commands.AddCommand(cmd);
                    }
                    else
                    {
                        // As pwsh -Command: the exit code is 1 when the last statement failed.
                        ps.AddScript(command + "\nif (-not $?) { $host.SetShouldExit(1) }");
                    }

                    if (!json)
                    {
                        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
                        ps.AddCommand("Out-Default");
                    }

                    Console.CancelKeyPress += (s, e) =>
                    {
                        // Ctrl+C stops the pipeline (cmdlets get StopProcessing), as pwsh does.
                        e.Cancel = true;
                        ps.BeginStop(null, null);
                    };

                    var results = new PSDataCollection<PSObject>();
                    if (json)
                    {
                        results.DataAdded += (s, e) => output.WriteObject(results[e.Index]);
                        ps.Streams.Error.DataAdded += (s, e) => output.WriteError(ps.Streams.Error[e.Index], terminating: false);
                        ps.Streams.Warning.DataAdded += (s, e) => output.WriteRecord("warning", ps.Streams.Warning[e.Index].Message);
                        ps.Streams.Verbose.DataAdded += (s, e) => output.WriteRecord("verbose", ps.Streams.Verbose[e.Index].Message);
                        ps.Streams.Debug.DataAdded += (s, e) => output.WriteRecord("debug", ps.Streams.Debug[e.Index].Message);
                        ps.Streams.Information.DataAdded += (s, e) => output.WriteRecord("information", ps.Streams.Information[e.Index].MessageData?.ToString());
                    }

                    try
                    {
                        ps.Invoke(null, results);
                    }
                    catch (RuntimeException ex)
                    {
                        if (json)
                        {
                            output.WriteError(ex.ErrorRecord, terminating: true);
                        }
                        else
                        {
                            Console.Error.WriteLine(ex.ErrorRecord?.ToString() ?? ex.Message);
                            if (ex.ErrorRecord?.InvocationInfo?.PositionMessage is string pos)
                            {
                                Console.Error.WriteLine(pos);
                            }
                        }

                        return 1;
                    }

                    if (ps.InvocationStateInfo.State == PSInvocationState.Stopped)
                    {
                        output.WriteRecord("stopped", "The pipeline was stopped.");
                        return 130;
                    }

                    return host.ExitCode ?? 0;
                }
            }
        }
    }
}
