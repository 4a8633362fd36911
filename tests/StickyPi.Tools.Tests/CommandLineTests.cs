using System.IO;
using System.Linq;
using System.Xml.Linq;
using StickyPi.HelpBuilder;

namespace StickyPi.Tools.Tests
{
    public sealed class CommandLineTests : System.IDisposable
    {
        private readonly TempFolders _temp = new TempFolders();

        public void Dispose() => _temp.Dispose();

        private static (int Exit, string Out, string Err) Run(params string[] args)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int exit = Program.Run(args, stdout, stderr);
            return (exit, stdout.ToString(), stderr.ToString());
        }

        private string DocsWith(params (string Name, string Text)[] files)
        {
            string docs = _temp.New();
            foreach (var (name, text) in files)
            {
                File.WriteAllText(Path.Combine(docs, name), text);
            }

            return docs;
        }

        private const string About = "# about_Mini\n\n## SHORT DESCRIPTION\nShort.\n\n## LONG DESCRIPTION\nLong.\n";

        [Fact]
        public void Writes_maml_and_about_topics_and_exits_zero()
        {
            string docs = DocsWith(("Get-Minimal.md", Samples.MinimalPage()), ("about_Mini.md", About), ("README.md", "# Not a cmdlet\n"));
            string output = Path.Combine(_temp.New(), "en-US");
            var (exit, stdout, stderr) = Run("--docs", docs, "--out", output, "--module-dll", "StickyPi.dll");
            Assert.True(exit == 0, stderr);
            Assert.Contains("1 cmdlet(s), 1 about topic(s)", stdout);
            XDocument maml = XDocument.Load(Path.Combine(output, "StickyPi.dll-Help.xml"));
            Assert.Single(maml.Root.Elements(Samples.Command + "command"));
            string about = File.ReadAllText(Path.Combine(output, "about_Mini.help.txt"));
            Assert.StartsWith("TOPIC", about);
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, File.ReadAllBytes(Path.Combine(output, "about_Mini.help.txt")).Take(3));
            Assert.Empty(Directory.GetFiles(output, "*.tmp"));
        }

        [Fact]
        public void Malformed_page_exits_one_names_file_and_line_and_writes_nothing()
        {
            string bad = Samples.MinimalPage(examples: "## EXAMPLES\n\n### Example 1: No code\nText.\n\n");
            string docs = DocsWith(("Get-Minimal.md", bad), ("about_Mini.md", About));
            string output = Path.Combine(_temp.New(), "en-US");
            var (exit, _, stderr) = Run("--docs", docs, "--out", output);
            Assert.Equal(Program.ExitInvalidDocs, exit);
            int line = bad.Split('\n').ToList().IndexOf("### Example 1: No code") + 1;
            Assert.Contains(Path.Combine(docs, "Get-Minimal.md") + "(" + line + "): error HB0105:", stderr);
            Assert.False(Directory.Exists(output) && Directory.EnumerateFiles(output).Any());
        }

        [Fact]
        public void External_help_file_must_match_the_module_dll()
        {
            string docs = DocsWith(("Get-Minimal.md", Samples.MinimalPage()));
            var (exit, _, stderr) = Run("--docs", docs, "--out", _temp.New(), "--module-dll", "Other.dll");
            Assert.Equal(Program.ExitInvalidDocs, exit);
            Assert.Contains("Other.dll-Help.xml", stderr);
        }

        [Fact]
        public void Manifest_option_requires_a_page_per_exported_cmdlet()
        {
            string docs = DocsWith(("Get-Minimal.md", Samples.MinimalPage()));
            string psd1 = Path.Combine(_temp.New(), "Mini.psd1");
            File.WriteAllText(psd1, "@{\n    RootModule = 'StickyPi.dll'\n    # CmdletsToExport = @('Commented-Out')\n    CmdletsToExport = @(\n        'Get-Minimal'\n        'Get-Missing'\n    )\n}\n");
            var (exit, _, stderr) = Run("--docs", docs, "--out", _temp.New(), "--manifest", psd1);
            Assert.Equal(Program.ExitInvalidDocs, exit);
            Assert.Contains("Get-Missing is in CmdletsToExport", stderr);
            Assert.DoesNotContain("Commented-Out", stderr);
        }

        [Theory]
        [InlineData("")]
        [InlineData("--docs")]
        [InlineData("--docs|x|--out")]
        [InlineData("--bogus")]
        public void Bad_arguments_exit_two_with_usage(string joined)
        {
            var (exit, _, stderr) = Run(joined.Split('|', System.StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(Program.ExitUsage, exit);
            Assert.Contains("Usage:", stderr);
        }

        [Fact]
        public void Missing_docs_folder_exits_two()
        {
            var (exit, _, stderr) = Run("--docs", Path.Combine(_temp.New(), "nope"), "--out", _temp.New());
            Assert.Equal(Program.ExitUsage, exit);
            Assert.Contains("does not exist", stderr);
        }

        [Fact]
        public void Help_exits_zero()
        {
            var (exit, stdout, _) = Run("--help");
            Assert.Equal(0, exit);
            Assert.Contains("--module-dll", stdout);
        }
    }
}
