using System.Linq;
using StickyPi.HelpBuilder;

namespace StickyPi.Tools.Tests
{
    public class AboutTopicWriterTests
    {
        private const string Page =
            "# about_Traps\n" +
            "\n" +
            "## Short description\n" +
            "Explains traps.\n" +
            "\n" +
            "## Long description\n" +
            "Sticky Pi traps photograph a sticky card at regular intervals and name each picture after the device and the UTC time, which is what this very long sentence is here to wrap.\n" +
            "\n" +
            "```powershell\n" +
            "Get-StickySeries -Device '0a5b*'\n" +
            "\n" +
            "    indented line\n" +
            "```\n" +
            "\n" +
            "- first item that is long enough to need a second line when it is wrapped at eighty columns\n" +
            "- second item\n" +
            "\n" +
            "1. numbered\n" +
            "\n" +
            "## Importing images\n" +
            "Use **Send-StickyImage** ([docs](Send-StickyImage.md)).\n" +
            "\n" +
            "### A sub-topic\n" +
            "Sub text.\n";

        private static string[] Lines(string text) => text.Split("\r\n");

        [Fact]
        public void Layout_is_topic_short_and_long_description()
        {
            string[] lines = Lines(AboutTopicWriter.Convert(Page, "docs/about_Traps.md"));
            Assert.Equal("TOPIC", lines[0]);
            Assert.Equal("    about_Traps", lines[1]);
            Assert.Equal(string.Empty, lines[2]);
            Assert.Equal("SHORT DESCRIPTION", lines[3]);
            Assert.Equal("    Explains traps.", lines[4]);
            Assert.Equal(string.Empty, lines[5]);
            Assert.Equal("LONG DESCRIPTION", lines[6]);
            Assert.Contains("IMPORTING IMAGES", lines);
            Assert.Contains("  A sub-topic", lines);
            Assert.Contains("    Use Send-StickyImage (docs).", lines);
        }

        [Fact]
        public void Text_is_wrapped_at_80_columns_and_indented()
        {
            string[] lines = Lines(AboutTopicWriter.Convert(Page, "docs/about_Traps.md"));
            Assert.All(lines, l => Assert.True(l.Length <= 80, "too long: " + l));
            string[] paragraph = lines.SkipWhile(l => !l.Contains("Sticky Pi traps")).TakeWhile(l => l.Length > 0).ToArray();
            Assert.True(paragraph.Length >= 2);
            Assert.All(paragraph, l => Assert.StartsWith("    ", l));
            Assert.Equal(
                "Sticky Pi traps photograph a sticky card at regular intervals and name each picture after the device and the UTC time, which is what this very long sentence is here to wrap.",
                string.Join(" ", paragraph.Select(l => l.Trim())));
        }

        [Fact]
        public void Code_blocks_are_indented_eight_and_kept_verbatim()
        {
            string[] lines = Lines(AboutTopicWriter.Convert(Page, "docs/about_Traps.md"));
            int at = System.Array.IndexOf(lines, "        Get-StickySeries -Device '0a5b*'");
            Assert.True(at > 0);
            Assert.Equal(string.Empty, lines[at + 1]);
            Assert.Equal("            indented line", lines[at + 2]);
        }

        [Fact]
        public void List_items_hang_under_their_marker()
        {
            string[] lines = Lines(AboutTopicWriter.Convert(Page, "docs/about_Traps.md"));
            int at = System.Array.FindIndex(lines, l => l.StartsWith("    - first item"));
            Assert.True(at > 0);
            Assert.StartsWith("      ", lines[at + 1]);
            Assert.Equal("    - second item", lines[at + 2]);
            Assert.Contains("    1. numbered", lines);
        }

        [Fact]
        public void Output_file_name_is_the_topic_with_help_txt()
        {
            Assert.Equal("about_Traps.help.txt", AboutTopicWriter.OutputFileName("docs/about_Traps.md"));
        }

        [Fact]
        public void Missing_short_description_is_an_error()
        {
            var e = Assert.Throws<HelpFormatException>(() => AboutTopicWriter.Convert("# about_Traps\n\n## LONG DESCRIPTION\nText.\n", "docs/about_Traps.md"));
            HelpDiagnostic d = e.Diagnostics.Single();
            Assert.Equal("docs/about_Traps.md", d.File);
            Assert.Equal(1, d.Line);
            Assert.Contains("SHORT DESCRIPTION", d.Message);
        }

        [Fact]
        public void Missing_long_description_is_an_error()
        {
            var e = Assert.Throws<HelpFormatException>(() => AboutTopicWriter.Convert("# about_Traps\n\n## SHORT DESCRIPTION\nText.\n", "docs/about_Traps.md"));
            Assert.Contains(e.Diagnostics, d => d.Message.Contains("LONG DESCRIPTION"));
        }

        [Fact]
        public void Title_must_match_the_file_name()
        {
            var e = Assert.Throws<HelpFormatException>(() => AboutTopicWriter.Convert(Page, "docs/about_Other.md"));
            Assert.Contains(e.Diagnostics, d => d.Line == 1 && d.Message.Contains("about_Other"));
        }

        [Fact]
        public void Unclosed_code_block_is_an_error_at_its_line()
        {
            var e = Assert.Throws<HelpFormatException>(() => AboutTopicWriter.Convert("# about_Traps\n\n## SHORT DESCRIPTION\nText.\n\n## LONG DESCRIPTION\n```\ncode\n", "docs/about_Traps.md"));
            Assert.Equal(7, e.Diagnostics.Single().Line);
        }

        [Fact]
        public void Tables_keep_a_line_per_row_and_nested_list_items_indent()
        {
            string page = "# about_Traps\n\n## SHORT DESCRIPTION\nText.\n\n## LONG DESCRIPTION\n| Name | **Kind** |\n|------|------|\n| a    | `b`  |\n\n- outer\n  - inner\n";
            string[] lines = Lines(AboutTopicWriter.Convert(page, "docs/about_Traps.md"));
            Assert.Contains("    | Name | Kind |", lines);
            Assert.Contains("    |------|------|", lines);
            Assert.Contains("    | a    | `b`  |", lines);
            int outer = System.Array.IndexOf(lines, "    - outer");
            Assert.True(outer > 0, string.Join("\n", lines));
            Assert.Equal("      - inner", lines[outer + 1]);
        }
    }
}
