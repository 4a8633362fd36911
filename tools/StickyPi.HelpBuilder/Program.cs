// StickyPi.HelpBuilder — build-time converter from platyPS markdown (docs/) to the help files the module ships.
//
// Usage:
//   dotnet StickyPi.HelpBuilder.dll --docs <dir> --out <dir> [--module-dll StickyPi.dll] [--manifest <module.psd1>] [--quiet]
//
//   --docs <dir>        folder with one platyPS (schema 2.0.0) page per cmdlet, <Verb-Noun>.md, and about_*.md
//                       topics (top level only; README.md is ignored).
//   --out <dir>         output folder, typically <module>/en-US; created if missing. Receives
//                       <module-dll>-Help.xml (MAML, as platyPS's New-ExternalHelp lays it out) and one
//                       about_<Topic>.help.txt per about_<Topic>.md (plain text wrapped at 80 columns, UTF-8 with BOM).
//   --module-dll <name> the module assembly's file name (default StickyPi.dll); every cmdlet page's front matter
//                       must say 'external help file: <name>-Help.xml'.
//   --manifest <psd1>   optional: also fail when a CmdletsToExport entry has no page, or a page has no cmdlet.
//   --quiet             print errors only.
//
// Exit codes: 0 = help written; 1 = a page is malformed (nothing written); 2 = bad command line; 3 = I/O failure
// (HB0900) or internal error (HB0999).
// Errors are printed to stderr in MSBuild's canonical form, "<file>(<line>): error HBnnnn: <message>", so an Exec
// task reports them at the offending markdown line. Codes: HB0001 markdown structure (unclosed fence/comment),
// HB0002 front matter, HB0003 '# Name' heading, HB0004 unknown/duplicate section, HB0101 SYNOPSIS, HB0102 SYNTAX,
// HB0103 DESCRIPTION, HB0104 EXAMPLES, HB0105 example code block, HB0106 parameter section, HB0107 parameter YAML,
// HB0108 INPUTS/OUTPUTS, HB0109 RELATED LINKS, HB0110 platyPS placeholder left in, HB0201 about topic,
// HB0301 manifest coverage.
//
// Example (MSBuild):
//   <Exec Command="dotnet &quot;$(HelpBuilderDll)&quot; --docs &quot;$(RepoRoot)docs&quot; --out &quot;$(ModuleOutDir)en-US&quot; --module-dll StickyPi.dll" />
using System;
using System.IO;

namespace StickyPi.HelpBuilder
{
    public static class Program
    {
        public const int ExitOk = 0;
        public const int ExitInvalidDocs = 1;
        public const int ExitUsage = 2;
        public const int ExitIo = 3;

        public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

        /// <summary>The CLI with injectable writers (used by the tests).</summary>
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            var options = new HelpBuildOptions();
            bool quiet = false;
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                if (a == "-h" || a == "--help" || a == "-?" || a == "/?")
                {
                    stdout.WriteLine(Usage);
                    return ExitOk;
                }

                if (a == "--quiet")
                {
                    quiet = true;
                    continue;
                }

                if (a == "--docs" || a == "--out" || a == "--module-dll" || a == "--manifest")
                {
                    if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal) || args[i + 1].Length == 0)
                    {
                        return UsageError(stderr, a + " needs a value.");
                    }

                    string v = args[++i];
                    switch (a)
                    {
                        case "--docs": options.DocsDirectory = v; break;
                        case "--out": options.OutputDirectory = v; break;
                        case "--module-dll": options.ModuleDll = Path.GetFileName(v); break;
                        case "--manifest": options.ManifestPath = v; break;
                    }

                    continue;
                }

                return UsageError(stderr, "unknown argument '" + a + "'.");
            }

            if (options.DocsDirectory == null || options.OutputDirectory == null)
            {
                return UsageError(stderr, "--docs and --out are required.");
            }

            if (!Directory.Exists(options.DocsDirectory))
            {
                return UsageError(stderr, "docs folder '" + options.DocsDirectory + "' does not exist.");
            }

            if (options.ManifestPath != null && !File.Exists(options.ManifestPath))
            {
                return UsageError(stderr, "manifest '" + options.ManifestPath + "' does not exist.");
            }

            if (string.IsNullOrWhiteSpace(options.ModuleDll))
            {
                return UsageError(stderr, "--module-dll is empty.");
            }

            options.DocsDirectory = Path.GetFullPath(options.DocsDirectory);
            options.OutputDirectory = Path.GetFullPath(options.OutputDirectory);

            HelpBuildResult result;
            try
            {
                result = HelpBuild.Run(options);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
            {
                stderr.WriteLine("StickyPi.HelpBuilder: error HB0900: " + e.Message);
                return ExitIo;
            }
            catch (Exception e)
            {
                // A converter bug must still fail the build with a readable message, never a silent success.
                stderr.WriteLine("StickyPi.HelpBuilder: error HB0999: internal error: " + e);
                return ExitIo;
            }

            if (!result.Succeeded)
            {
                foreach (HelpDiagnostic d in result.Errors)
                {
                    stderr.WriteLine(d.ToString());
                }

                stderr.WriteLine("StickyPi.HelpBuilder: " + result.Errors.Count + " error(s) in " + options.DocsDirectory + "; no help written.");
                return ExitInvalidDocs;
            }

            if (!quiet)
            {
                stdout.WriteLine("StickyPi.HelpBuilder: " + result.Commands.Count + " cmdlet(s), " + (result.WrittenFiles.Count - 1) + " about topic(s) -> " + options.OutputDirectory);
                foreach (string f in result.WrittenFiles)
                {
                    stdout.WriteLine("  " + Path.GetFileName(f));
                }
            }

            return ExitOk;
        }

        public const string Usage =
            "Usage: StickyPi.HelpBuilder --docs <dir> --out <dir> [--module-dll StickyPi.dll] [--manifest <module.psd1>] [--quiet]\n" +
            "Converts platyPS markdown (<Cmdlet>.md, about_*.md) to <module-dll>-Help.xml (MAML) and about_*.help.txt.\n" +
            "Exit codes: 0 ok, 1 malformed markdown (nothing written), 2 bad arguments, 3 I/O or internal error.";

        private static int UsageError(TextWriter stderr, string message)
        {
            stderr.WriteLine("StickyPi.HelpBuilder: error HB0000: " + message);
            stderr.WriteLine(Usage);
            return ExitUsage;
        }
    }
}
