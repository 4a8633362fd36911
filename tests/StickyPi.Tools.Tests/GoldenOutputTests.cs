using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using StickyPi.HelpBuilder;
using static StickyPi.Tools.Tests.Samples;

namespace StickyPi.Tools.Tests
{
    /// <summary>
    /// The help builder turns the pages in Golden/docs into exactly the files in Golden/en-US, which the builder
    /// with the hand-written Markdown reader made of the same pages (Golden/regenerate.sh rebuilds both from docs/
    /// with that old builder). Compared byte for byte; a difference is reported per cmdlet and line.
    /// </summary>
    public class GoldenOutputTests
    {
        private static readonly string Golden = Path.Combine(RepoRoot(), "tests", "StickyPi.Tools.Tests", "Golden");

        [Fact]
        public void Every_cmdlet_and_about_topic_is_byte_for_byte_the_golden_output()
        {
            string expectedDir = Path.Combine(Golden, "en-US");
            using var temp = new TempFolders();
            string actualDir = Path.Combine(temp.New(), "en-US");
            try
            {
                HelpBuildResult result = HelpBuild.Run(new HelpBuildOptions { DocsDirectory = Path.Combine(Golden, "docs"), OutputDirectory = actualDir });
                Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));

                string[] expectedFiles = Directory.GetFiles(expectedDir).Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal).ToArray();
                Assert.Contains("StickyPi.dll-Help.xml", expectedFiles);
                Assert.True(expectedFiles.Count(f => f.StartsWith("about_", StringComparison.Ordinal)) >= 2);
                Assert.Equal(expectedFiles, Directory.GetFiles(actualDir).Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal));

                XElement expectedMaml = XDocument.Load(Path.Combine(expectedDir, "StickyPi.dll-Help.xml")).Root;
                XElement actualMaml = XDocument.Load(Path.Combine(actualDir, "StickyPi.dll-Help.xml")).Root;
                var expectedCommands = expectedMaml.Elements(Command + "command").ToList();
                var actualCommands = actualMaml.Elements(Command + "command").ToList();
                Assert.Equal(Directory.GetFiles(Path.Combine(Golden, "docs"), "*-*.md").Length, expectedCommands.Count);
                Assert.Equal(expectedCommands.Select(NameOf), actualCommands.Select(NameOf));
                for (int i = 0; i < expectedCommands.Count; i++)
                {
                    AssertSameText(NameOf(expectedCommands[i]), expectedCommands[i].ToString(), actualCommands[i].ToString());
                }

                foreach (string file in expectedFiles)
                {
                    byte[] expected = File.ReadAllBytes(Path.Combine(expectedDir, file));
                    byte[] actual = File.ReadAllBytes(Path.Combine(actualDir, file));
                    if (!expected.AsSpan().SequenceEqual(actual))
                    {
                        AssertSameText(file, System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(actual));
                        Assert.Fail(file + ": same text, different bytes (encoding, BOM or line ends).");
                    }
                }
            }
            finally
            {
                Directory.Delete(Path.GetDirectoryName(actualDir), recursive: true);
            }
        }

        private static string NameOf(XElement command) => (string)command.Element(Command + "details").Element(Command + "name");

        /// <summary>Fails at the first differing line, naming the cmdlet or file, with both versions of the line.</summary>
        private static void AssertSameText(string what, string expected, string actual)
        {
            string[] e = expected.Replace("\r\n", "\n").Split('\n');
            string[] a = actual.Replace("\r\n", "\n").Split('\n');
            for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
            {
                string el = i < e.Length ? e[i] : "<end>";
                string al = i < a.Length ? a[i] : "<end>";
                Assert.True(el == al, what + ", line " + (i + 1) + ":\n  golden: " + el + "\n  now:    " + al);
            }
        }
    }
}
