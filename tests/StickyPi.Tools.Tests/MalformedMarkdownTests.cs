using System.IO;
using System.Linq;
using StickyPi.HelpBuilder;
using static StickyPi.Tools.Tests.Samples;

namespace StickyPi.Tools.Tests
{
    /// <summary>Broken pages fail with diagnostics that name the file and the line.</summary>
    public class MalformedMarkdownTests
    {
        private static HelpDiagnostic Single(string markdown, string code, string fileName = "Get-Minimal.md")
        {
            var errors = Errors(markdown, fileName);
            Assert.True(errors.Any(e => e.Code == code), "expected " + code + ", got: " + string.Join(" | ", errors));
            HelpDiagnostic d = errors.First(e => e.Code == code);
            Assert.Equal(Path.Combine("docs", fileName), d.File);
            return d;
        }

        [Fact]
        public void Missing_synopsis_is_an_error_at_the_command_heading()
        {
            HelpDiagnostic d = Single(MinimalPage(synopsis: string.Empty), HelpDiagnosticCodes.Synopsis);
            Assert.Equal(8, d.Line);
            Assert.Contains("SYNOPSIS", d.Message);
        }

        [Fact]
        public void Empty_synopsis_is_an_error_at_its_heading()
        {
            HelpDiagnostic d = Single(MinimalPage(synopsis: "## SYNOPSIS\n\n"), HelpDiagnosticCodes.Synopsis);
            Assert.Equal(10, d.Line);
        }

        [Fact]
        public void Cmdlet_without_examples_section_is_an_error()
        {
            HelpDiagnostic d = Single(MinimalPage(examples: string.Empty), HelpDiagnosticCodes.Examples);
            Assert.Contains("at least one example", d.Message);
        }

        [Fact]
        public void Examples_section_without_any_example_is_an_error_at_its_heading()
        {
            string page = MinimalPage(examples: "## EXAMPLES\n\n");
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.Examples);
            int expected = page.Split('\n').ToList().IndexOf("## EXAMPLES") + 1;
            Assert.Equal(expected, d.Line);
        }

        [Fact]
        public void Example_without_code_block_is_an_error_at_the_example_heading()
        {
            string page = MinimalPage(examples: "## EXAMPLES\n\n### Example 1: Talk only\nThis example has no code.\n\n");
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.ExampleCode);
            int expected = page.Split('\n').ToList().IndexOf("### Example 1: Talk only") + 1;
            Assert.Equal(expected, d.Line);
            Assert.Contains("Example 1: Talk only", d.Message);
        }

        [Fact]
        public void Example_with_an_empty_code_block_is_an_error()
        {
            Single(MinimalPage(examples: "## EXAMPLES\n\n### Example 1: Empty\n```powershell\n\n```\n\n"), HelpDiagnosticCodes.ExampleCode);
        }

        [Fact]
        public void Malformed_yaml_line_is_reported_at_that_line()
        {
            string yaml = "Type: System.String\nParameter Sets: (All)\nthis is not yaml\n\nRequired: True\nPosition: 0\nDefault value: None\nAccept pipeline input: False\nAccept wildcard characters: False\n";
            string page = MinimalPage(yaml: yaml);
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.ParameterYaml);
            int expected = page.Split('\n').ToList().IndexOf("this is not yaml") + 1;
            Assert.Equal(expected, d.Line);
            Assert.Contains("-Path", d.Message);
            Assert.StartsWith(Path.Combine("docs", "Get-Minimal.md") + "(" + expected + "): error HB0107: ", d.ToString());
        }

        [Fact]
        public void Unknown_yaml_key_is_an_error()
        {
            string page = MinimalPage(yaml: "Type: System.String\nParameter Sets: (All)\nMandatory: True\nRequired: True\nPosition: 0\nAccept pipeline input: False\nAccept wildcard characters: False\n");
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.ParameterYaml);
            Assert.Contains("Mandatory", d.Message);
            Assert.Equal(page.Split('\n').ToList().IndexOf("Mandatory: True") + 1, d.Line);
        }

        [Theory]
        [InlineData("Required: Yes", "Required")]
        [InlineData("Position: first", "Position")]
        [InlineData("Accept pipeline input: ByValue", "Accept pipeline input")]
        [InlineData("Accept pipeline input: True", "Accept pipeline input")]
        public void Invalid_yaml_values_are_errors_at_their_line(string badLine, string key)
        {
            string yaml = "Type: System.String\nParameter Sets: (All)\nAliases:\n\nRequired: True\nPosition: 0\nDefault value: None\nAccept pipeline input: False\nAccept wildcard characters: False\n";
            string good = yaml.Split('\n').First(l => l.StartsWith(key + ":"));
            string page = MinimalPage(yaml: yaml.Replace(good, badLine));
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.ParameterYaml);
            Assert.Equal(page.Split('\n').ToList().IndexOf(badLine) + 1, d.Line);
            Assert.Contains(key, d.Message);
        }

        [Fact]
        public void Yaml_without_required_keys_is_an_error()
        {
            HelpDiagnostic d = Single(MinimalPage(yaml: "Type: System.String\n"), HelpDiagnosticCodes.ParameterYaml);
            Assert.Contains("Parameter Sets", string.Join(" ", Errors(MinimalPage(yaml: "Type: System.String\n"), "Get-Minimal.md").Select(e => e.Message)));
            Assert.Contains("-Path", d.Message);
        }

        [Fact]
        public void Parameter_without_yaml_block_is_an_error()
        {
            string page = MinimalPage().Replace("```yaml\n", "```text\n");
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.ParameterYaml);
            Assert.Equal(page.Split('\n').ToList().IndexOf("### -Path") + 1, d.Line);
        }

        [Fact]
        public void Unclosed_code_block_is_an_error_at_its_opening_line()
        {
            string page = MinimalPage() + "\n## NOTES\n```powershell\nGet-Minimal\n";
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.Markdown);
            Assert.Equal(page.Split('\n').ToList().LastIndexOf("```powershell") + 1, d.Line);
        }

        [Fact]
        public void Missing_front_matter_is_an_error()
        {
            Single(MinimalPage(frontMatter: string.Empty), HelpDiagnosticCodes.FrontMatter);
        }

        [Fact]
        public void Wrong_schema_version_is_an_error()
        {
            Single(MinimalPage(frontMatter: FrontMatter.Replace("schema: 2.0.0", "schema: 1.0.0")), HelpDiagnosticCodes.FrontMatter);
        }

        [Fact]
        public void Heading_that_does_not_match_the_file_name_is_an_error()
        {
            HelpDiagnostic d = Single(MinimalPage(), HelpDiagnosticCodes.Title, "Get-Other.md");
            Assert.Equal(8, d.Line);
        }

        [Fact]
        public void Unknown_section_is_an_error()
        {
            string page = MinimalPage() + "\n## EXTRAS\nMore.\n";
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.Section);
            Assert.Contains("EXTRAS", d.Message);
        }

        [Fact]
        public void Parameter_set_missing_from_syntax_is_an_error()
        {
            string page = MinimalPage(yaml: "Type: System.String\nParameter Sets: ByPath\nAliases:\n\nRequired: True\nPosition: 0\nDefault value: None\nAccept pipeline input: False\nAccept wildcard characters: False\n");
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.ParameterYaml);
            Assert.Contains("ByPath", d.Message);
        }

        [Fact]
        public void Syntax_that_mentions_an_undocumented_parameter_is_an_error()
        {
            string page = MinimalPage(syntax: "## SYNTAX\n\n```\nGet-Minimal [-Path] <String> [-Force] [<CommonParameters>]\n```\n\n");
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.Syntax);
            Assert.Contains("-Force", d.Message);
        }

        [Fact]
        public void Syntax_that_omits_a_documented_parameter_is_an_error()
        {
            string page = MinimalPage(syntax: "## SYNTAX\n\n```\nGet-Minimal [<CommonParameters>]\n```\n\n");
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.Syntax);
            Assert.Contains("-Path", d.Message);
        }

        [Fact]
        public void PlatyPS_placeholders_are_errors()
        {
            HelpDiagnostic d = Single(MinimalPage(synopsis: "## SYNOPSIS\n{{ Fill in the Synopsis }}\n\n"), HelpDiagnosticCodes.Placeholder);
            Assert.Equal(11, d.Line);
        }

        [Fact]
        public void Control_character_is_an_error_at_its_line()
        {
            HelpDiagnostic d = Single(MinimalPage(synopsis: "## SYNOPSIS\nBell \u0007 here.\n\n"), HelpDiagnosticCodes.Markdown);
            Assert.Equal(11, d.Line);
        }

        [Fact]
        public void Crlf_line_ends_and_a_bom_are_accepted_with_the_same_line_numbers()
        {
            string crlf = "\uFEFF" + MinimalPage(examples: "## EXAMPLES\n\n### Example 1: No code\nText.\n\n").Replace("\n", "\r\n");
            HelpDiagnostic d = Single(crlf, HelpDiagnosticCodes.ExampleCode);
            Assert.Equal(crlf.Split("\r\n").ToList().IndexOf("### Example 1: No code") + 1, d.Line);
            Assert.Equal("Get-Minimal", Parse("\uFEFF" + MinimalPage().Replace("\n", "\r\n"), "Get-Minimal.md").Name);
        }

        [Fact]
        public void Several_problems_are_reported_together()
        {
            string page = MinimalPage(synopsis: string.Empty, examples: "## EXAMPLES\n\n### Example 1: No code\nText.\n\n");
            var errors = Errors(page, "Get-Minimal.md");
            Assert.Contains(errors, e => e.Code == HelpDiagnosticCodes.Synopsis);
            Assert.Contains(errors, e => e.Code == HelpDiagnosticCodes.ExampleCode);
        }

        [Fact]
        public void Unclosed_front_matter_is_an_error_at_line_one()
        {
            HelpDiagnostic d = Single(MinimalPage(frontMatter: "---\nexternal help file: StickyPi.dll-Help.xml\n\n"), HelpDiagnosticCodes.FrontMatter);
            Assert.Equal(1, d.Line);
            Assert.Contains("never closed", d.Message);
        }

        [Fact]
        public void Front_matter_line_that_is_not_yaml_is_reported_at_that_line()
        {
            HelpDiagnostic d = Single(MinimalPage(frontMatter: FrontMatter.Replace("Module Name: StickyPi", "Module Name StickyPi")), HelpDiagnosticCodes.FrontMatter);
            Assert.Equal(3, d.Line);
        }

        [Fact]
        public void Unclosed_html_comment_is_an_error_at_its_line()
        {
            string page = MinimalPage() + "\n## NOTES\n<!-- unclosed\nmore\n";
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.Markdown);
            Assert.Equal(page.Split('\n').ToList().IndexOf("<!-- unclosed") + 1, d.Line);
        }

        [Fact]
        public void Yaml_value_that_is_not_a_single_value_is_an_error_at_its_key()
        {
            string yaml = "Type: System.String\nParameter Sets: (All)\nAliases:\n  - A\nRequired: True\nPosition: 0\nDefault value: None\nAccept pipeline input: False\nAccept wildcard characters: False\n";
            string page = MinimalPage(yaml: yaml);
            HelpDiagnostic d = Single(page, HelpDiagnosticCodes.ParameterYaml);
            Assert.Equal(page.Split('\n').ToList().IndexOf("Aliases:") + 1, d.Line);
            Assert.Contains("-Path", d.Message);
        }
    }
}
