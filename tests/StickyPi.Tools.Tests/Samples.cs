using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using StickyPi.HelpBuilder;

namespace StickyPi.Tools.Tests
{
    /// <summary>Small platyPS pages for the converter tests, and helpers to read the MAML they produce.</summary>
    internal static class Samples
    {
        public static readonly XNamespace Maml = MamlWriter.MamlNamespace;
        public static readonly XNamespace Command = MamlWriter.CommandNamespace;
        public static readonly XNamespace Dev = MamlWriter.DevNamespace;
        public static readonly XNamespace Msh = MamlWriter.MshNamespace;

        public const string FrontMatter =
            "---\n" +
            "external help file: StickyPi.dll-Help.xml\n" +
            "Module Name: StickyPi\n" +
            "online version:\n" +
            "schema: 2.0.0\n" +
            "---\n\n";

        /// <summary>A complete page of a fictitious cmdlet with two parameter sets (line numbers matter to some tests).</summary>
        public const string TwoSetPage =
            FrontMatter +                                                           // lines 1-7
            "# Get-TrapThing\n" +                                                   // 8
            "\n" +
            "## SYNOPSIS\n" +                                                       // 10
            "Gets **trap** things.\n" +
            "\n" +
            "## SYNTAX\n" +                                                         // 13
            "\n" +
            "### ByName (Default)\n" +                                              // 15
            "```\n" +
            "Get-TrapThing [-Name] <String[]> [-Kind <ThingKind>] [-Force] [<CommonParameters>]\n" +
            "```\n" +
            "\n" +
            "### ByInput\n" +                                                       // 20
            "```\n" +
            "Get-TrapThing -InputObject <Object> [-Kind <ThingKind>] [-Force] [<CommonParameters>]\n" +
            "```\n" +
            "\n" +
            "## DESCRIPTION\n" +                                                    // 25
            "First paragraph,\n" +
            "wrapped on two lines.\n" +
            "\n" +
            "Second paragraph with a [link](https://example.org/x) and a [local link](Other.md).\n" +
            "\n" +
            "- item one\n" +
            "- item two\n" +
            "  continued\n" +
            "\n" +
            "## EXAMPLES\n" +                                                       // 35
            "\n" +
            "### Example 1: Get one thing\n" +                                      // 37
            "```powershell\n" +
            "Get-TrapThing -Name 'a<b' & more\n" +
            "```\n" +
            "\n" +
            "Gets the thing.\n" +
            "\n" +
            "Second remark.\n" +
            "\n" +
            "### Example 2: Pipe things\n" +
            "Introduction text.\n" +
            "\n" +
            "```powershell\n" +
            "'a','b' | Get-TrapThing\n" +
            "```\n" +
            "```output\n" +
            "Name\n" +
            "----\n" +
            "a\n" +
            "```\n" +
            "\n" +
            "## PARAMETERS\n" +
            "\n" +
            "### -Name\n" +
            "The names.\n" +
            "\n" +
            "```yaml\n" +
            "Type: System.String[]\n" +
            "Parameter Sets: ByName\n" +
            "Aliases: N, ThingName\n" +
            "\n" +
            "Required: True\n" +
            "Position: 0\n" +
            "Default value: None\n" +
            "Accept pipeline input: true (ByValue, ByPropertyName)\n" +
            "Accept wildcard characters: True\n" +
            "```\n" +
            "\n" +
            "### -InputObject\n" +
            "An object.\n" +
            "\n" +
            "```yaml\n" +
            "Type: System.Object\n" +
            "Parameter Sets: ByInput\n" +
            "Aliases:\n" +
            "\n" +
            "Required: True\n" +
            "Position: Named\n" +
            "Default value: None\n" +
            "Accept pipeline input: True (ByValue)\n" +
            "Accept wildcard characters: False\n" +
            "```\n" +
            "\n" +
            "### -Kind\n" +
            "The kind.\n" +
            "\n" +
            "```yaml\n" +
            "Type: ThingKind\n" +
            "Parameter Sets: (All)\n" +
            "Aliases:\n" +
            "Accepted values: Small, Large\n" +
            "\n" +
            "Required: False\n" +
            "Position: Named\n" +
            "Default value: Small\n" +
            "Accept pipeline input: False\n" +
            "Accept wildcard characters: False\n" +
            "```\n" +
            "\n" +
            "### -Force\n" +
            "Forces it.\n" +
            "\n" +
            "```yaml\n" +
            "Type: SwitchParameter\n" +
            "Parameter Sets: (All)\n" +
            "Aliases:\n" +
            "\n" +
            "Required: False\n" +
            "Position: Named\n" +
            "Default value: None\n" +
            "Accept pipeline input: False\n" +
            "Accept wildcard characters: False\n" +
            "```\n" +
            "\n" +
            "### CommonParameters\n" +
            "This cmdlet supports the common parameters.\n" +
            "\n" +
            "## INPUTS\n" +
            "\n" +
            "### System.String[]\n" +
            "Names.\n" +
            "\n" +
            "### System.Object\n" +
            "\n" +
            "## OUTPUTS\n" +
            "\n" +
            "### Trap.Thing\n" +
            "The things.\n" +
            "\n" +
            "## NOTES\n" +
            "A note.\n" +
            "\n" +
            "## RELATED LINKS\n" +
            "\n" +
            "[Other-Thing](Other-Thing.md)\n" +
            "\n" +
            "[Project site](https://example.org/trap)\n";

        /// <summary>A minimal valid page for Get-Minimal: one set, one parameter, one example.</summary>
        public static string MinimalPage(
            string synopsis = "## SYNOPSIS\nDoes little.\n\n",
            string examples = "## EXAMPLES\n\n### Example 1: Run it\n```powershell\nGet-Minimal -Path x\n```\n\nRuns it.\n\n",
            string yaml = "Type: System.String\nParameter Sets: (All)\nAliases:\n\nRequired: True\nPosition: 0\nDefault value: None\nAccept pipeline input: False\nAccept wildcard characters: False\n",
            string frontMatter = FrontMatter,
            string syntax = "## SYNTAX\n\n```\nGet-Minimal [-Path] <String> [<CommonParameters>]\n```\n\n")
        {
            return frontMatter +
                   "# Get-Minimal\n\n" +
                   synopsis +
                   syntax +
                   "## DESCRIPTION\nA description.\n\n" +
                   examples +
                   "## PARAMETERS\n\n### -Path\nA path.\n\n```yaml\n" + yaml + "```\n\n### CommonParameters\nCommon.\n\n" +
                   "## INPUTS\n\n### None\n\n## OUTPUTS\n\n### System.Object\n";
        }

        public static CommandHelp Parse(string markdown, string fileName) => MarkdownHelpParser.Parse(markdown, Path.Combine("docs", fileName));

        public static XElement ToMaml(params CommandHelp[] commands) => XDocument.Parse(MamlWriter.ToXml(commands)).Root;

        public static XElement CommandElement(XElement root, string name) =>
            root.Elements(Command + "command").Single(c => (string)c.Element(Command + "details").Element(Command + "name") == name);

        public static IEnumerable<string> Paras(XElement parent) => parent.Elements(Maml + "para").Select(p => p.Value);

        /// <summary>The diagnostics a malformed page produces.</summary>
        public static IReadOnlyList<HelpDiagnostic> Errors(string markdown, string fileName)
        {
            var e = Assert.Throws<HelpFormatException>(() => Parse(markdown, fileName));
            Assert.NotEmpty(e.Diagnostics);
            return e.Diagnostics;
        }


        /// <summary>The repository root (the folder holding StickyPi.psd1), found upwards from the test binaries.</summary>
        public static string RepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "StickyPi.psd1")))
            {
                dir = dir.Parent;
            }

            Assert.True(dir != null, "StickyPi.psd1 not found above " + AppContext.BaseDirectory);
            return dir.FullName;
        }
    }
    /// <summary>Temporary folders (stickypi-help-tests-*) of one test, deleted when it is disposed.</summary>
    public sealed class TempFolders : IDisposable
    {
        private readonly List<string> _created = new List<string>();

        public string New()
        {
            string dir = Path.Combine(Path.GetTempPath(), "stickypi-help-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            _created.Add(dir);
            return dir;
        }

        public void Dispose()
        {
            foreach (string dir in _created)
            {
                try
                {
                    Directory.Delete(dir, true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
