using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace StickyPi.HelpBuilder
{
    public sealed class HelpBuildOptions
    {
        /// <summary>Folder holding <c>&lt;Cmdlet&gt;.md</c> and <c>about_*.md</c> (top level only).</summary>
        public string DocsDirectory { get; set; }

        /// <summary>Where <c>&lt;dll&gt;-Help.xml</c> and <c>about_*.help.txt</c> are written (created if missing).</summary>
        public string OutputDirectory { get; set; }

        /// <summary>The module assembly's file name; the MAML file is <c>&lt;ModuleDll&gt;-Help.xml</c>.</summary>
        public string ModuleDll { get; set; } = "StickyPi.dll";

        /// <summary>Optional .psd1: when set, every CmdletsToExport entry must have a page and every page a cmdlet.</summary>
        public string ManifestPath { get; set; }
    }

    public sealed class HelpBuildResult
    {
        public List<HelpDiagnostic> Errors { get; } = new List<HelpDiagnostic>();

        public List<CommandHelp> Commands { get; } = new List<CommandHelp>();

        public List<string> WrittenFiles { get; } = new List<string>();

        public bool Succeeded => Errors.Count == 0;

        public string MamlPath { get; set; }
    }

    /// <summary>
    /// The whole conversion: parse every page, check them, then write the MAML and about files. Nothing is written
    /// unless every file converts, so a broken page never leaves half-updated help behind.
    /// </summary>
    public static class HelpBuild
    {
        public static string MamlFileName(string moduleDll) => Path.GetFileName(moduleDll) + "-Help.xml";

        /// <summary>Top-level <c>*.md</c> files of <paramref name="docs"/> that are cmdlet pages (not about_*, not README).</summary>
        public static IEnumerable<string> CommandPages(string docs) =>
            Directory.EnumerateFiles(docs, "*.md", SearchOption.TopDirectoryOnly)
                .Where(f => !Path.GetFileName(f).StartsWith("about_", StringComparison.OrdinalIgnoreCase)
                            && !string.Equals(Path.GetFileName(f), "README.md", StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal);

        public static IEnumerable<string> AboutPages(string docs) =>
            Directory.EnumerateFiles(docs, "about_*.md", SearchOption.TopDirectoryOnly)
                .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal);

        /// <summary>Parses every page and returns the commands and the errors, without writing anything.</summary>
        public static HelpBuildResult Check(HelpBuildOptions options, Dictionary<string, string> aboutTexts = null)
        {
            var result = new HelpBuildResult();
            string mamlName = MamlFileName(options.ModuleDll);
            result.MamlPath = options.OutputDirectory == null ? mamlName : Path.Combine(options.OutputDirectory, mamlName);

            foreach (string page in CommandPages(options.DocsDirectory))
            {
                try
                {
                    CommandHelp help = MarkdownHelpParser.ParseFile(page);
                    if (!string.Equals(help.ExternalHelpFile, mamlName, StringComparison.OrdinalIgnoreCase))
                    {
                        result.Errors.Add(new HelpDiagnostic(page, 1, HelpDiagnosticCodes.FrontMatter, "'external help file: " + help.ExternalHelpFile + "' does not match the module's help file '" + mamlName + "'."));
                    }

                    result.Commands.Add(help);
                }
                catch (HelpFormatException e)
                {
                    result.Errors.AddRange(e.Diagnostics);
                }
            }

            foreach (string page in AboutPages(options.DocsDirectory))
            {
                try
                {
                    string text = AboutTopicWriter.ConvertFile(page);
                    aboutTexts?.Add(AboutTopicWriter.OutputFileName(page), text);
                }
                catch (HelpFormatException e)
                {
                    result.Errors.AddRange(e.Diagnostics);
                }
            }

            foreach (var group in result.Commands.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                foreach (CommandHelp dup in group.Skip(1))
                {
                    result.Errors.Add(new HelpDiagnostic(dup.SourcePath, dup.NameLine, HelpDiagnosticCodes.Title, dup.Name + " is documented in more than one file."));
                }
            }

            if (options.ManifestPath != null)
            {
                IReadOnlyList<string> cmdlets = ModuleManifest.ReadCmdletsToExport(options.ManifestPath);
                foreach (string cmdlet in cmdlets)
                {
                    if (!result.Commands.Any(c => string.Equals(c.Name, cmdlet, StringComparison.OrdinalIgnoreCase))
                        && !result.Errors.Any(e => string.Equals(Path.GetFileNameWithoutExtension(e.File), cmdlet, StringComparison.OrdinalIgnoreCase)))
                    {
                        result.Errors.Add(new HelpDiagnostic(options.ManifestPath, 1, HelpDiagnosticCodes.Manifest, cmdlet + " is in CmdletsToExport but " + Path.Combine(options.DocsDirectory, cmdlet + ".md") + " does not exist."));
                    }
                }

                foreach (CommandHelp c in result.Commands.Where(c => !cmdlets.Contains(c.Name, StringComparer.OrdinalIgnoreCase)))
                {
                    result.Errors.Add(new HelpDiagnostic(c.SourcePath, c.NameLine, HelpDiagnosticCodes.Manifest, c.Name + " is documented but not in CmdletsToExport of " + Path.GetFileName(options.ManifestPath) + "."));
                }
            }

            if (result.Commands.Count == 0 && result.Errors.Count == 0)
            {
                result.Errors.Add(new HelpDiagnostic(options.DocsDirectory, 1, HelpDiagnosticCodes.Markdown, "No cmdlet pages (*.md) found."));
            }

            return result;
        }

        /// <summary>Checks everything, then (only if there is no error) writes the MAML and the about topics.</summary>
        public static HelpBuildResult Run(HelpBuildOptions options)
        {
            var aboutTexts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            HelpBuildResult result = Check(options, aboutTexts);
            if (!result.Succeeded)
            {
                return result;
            }

            Directory.CreateDirectory(options.OutputDirectory);
            using (var stream = new MemoryStream())
            {
                MamlWriter.Write(result.Commands, stream);
                WriteFile(result.MamlPath, stream.ToArray());
            }

            result.WrittenFiles.Add(result.MamlPath);
            var bom = new UTF8Encoding(true);
            foreach (var about in aboutTexts.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                string path = Path.Combine(options.OutputDirectory, about.Key);

                // A BOM so Windows PowerShell 5.1 reads non-ASCII text as UTF-8.
                byte[] bytes = bom.GetPreamble().Concat(bom.GetBytes(about.Value)).ToArray();
                WriteFile(path, bytes);
                result.WrittenFiles.Add(path);
            }

            return result;
        }

        /// <summary>Writes through a temporary file and a rename, so a reader never sees a half-written file. Always
        /// writes (a fresh timestamp keeps MSBuild's Inputs/Outputs check satisfied).</summary>
        private static void WriteFile(string path, byte[] bytes)
        {
            string temp = path + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
    }
}
