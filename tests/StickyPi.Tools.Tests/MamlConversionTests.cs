using System.Linq;
using System.Xml.Linq;
using StickyPi.HelpBuilder;
using static StickyPi.Tools.Tests.Samples;

namespace StickyPi.Tools.Tests
{
    /// <summary>Each markdown section lands in the MAML element New-ExternalHelp would put it in.</summary>
    public class MamlConversionTests
    {
        private static XElement TwoSetCommand()
        {
            CommandHelp help = Parse(TwoSetPage, "Get-TrapThing.md");
            return CommandElement(ToMaml(help), "Get-TrapThing");
        }

        [Fact]
        public void Root_is_helpItems_in_the_msh_namespace_with_maml_schema()
        {
            XElement root = ToMaml(Parse(TwoSetPage, "Get-TrapThing.md"));
            Assert.Equal(Msh + "helpItems", root.Name);
            Assert.Equal("maml", (string)root.Attribute("schema"));
            XElement command = root.Elements().Single();
            Assert.Equal(Command + "command", command.Name);
            Assert.Equal(MamlWriter.MamlNamespace, (string)command.Attribute(XNamespace.Xmlns + "maml"));
            Assert.Equal(MamlWriter.CommandNamespace, (string)command.Attribute(XNamespace.Xmlns + "command"));
            Assert.Equal(MamlWriter.DevNamespace, (string)command.Attribute(XNamespace.Xmlns + "dev"));
            Assert.Equal(MamlWriter.MsHelpNamespace, (string)command.Attribute(XNamespace.Xmlns + "MSHelp"));
        }

        [Fact]
        public void Xml_text_starts_with_an_utf8_declaration()
        {
            string xml = MamlWriter.ToXml(new[] { Parse(TwoSetPage, "Get-TrapThing.md") });
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", xml);
            Assert.Contains("<helpItems schema=\"maml\" xmlns=\"http://msh\">", xml);
        }

        [Fact]
        public void Details_hold_name_verb_noun_and_synopsis()
        {
            XElement details = TwoSetCommand().Element(Command + "details");
            Assert.Equal("Get-TrapThing", (string)details.Element(Command + "name"));
            Assert.Equal("Get", (string)details.Element(Command + "verb"));
            Assert.Equal("TrapThing", (string)details.Element(Command + "noun"));
            Assert.Equal(new[] { "Gets trap things." }, Paras(details.Element(Maml + "description")));
        }

        [Fact]
        public void Description_paragraphs_become_paras_with_soft_wraps_joined_and_links_reduced()
        {
            XElement description = TwoSetCommand().Element(Maml + "description");
            Assert.Equal(
                new[]
                {
                    "First paragraph, wrapped on two lines.",
                    "Second paragraph with a link (https://example.org/x) and a local link.",
                    "- item one\n- item two continued",
                },
                Paras(description));
        }

        [Fact]
        public void Syntax_has_one_item_per_parameter_set_with_that_sets_parameters()
        {
            var items = TwoSetCommand().Element(Command + "syntax").Elements(Command + "syntaxItem").ToList();
            Assert.Equal(2, items.Count);
            Assert.All(items, i => Assert.Equal("Get-TrapThing", (string)i.Element(Maml + "name")));
            Assert.Equal(new[] { "Name", "Kind", "Force" }, items[0].Elements(Command + "parameter").Select(p => (string)p.Element(Maml + "name")));
            Assert.Equal(new[] { "InputObject", "Kind", "Force" }, items[1].Elements(Command + "parameter").Select(p => (string)p.Element(Maml + "name")));
        }

        [Fact]
        public void Parameter_attributes_carry_required_position_pipeline_globbing_and_aliases()
        {
            XElement name = TwoSetCommand().Element(Command + "parameters").Elements(Command + "parameter")
                .Single(p => (string)p.Element(Maml + "name") == "Name");
            Assert.Equal("true", (string)name.Attribute("required"));
            Assert.Equal("0", (string)name.Attribute("position"));
            Assert.Equal("True (ByValue, ByPropertyName)", (string)name.Attribute("pipelineInput"));
            Assert.Equal("true", (string)name.Attribute("globbing"));
            Assert.Equal("N, ThingName", (string)name.Attribute("aliases"));
            Assert.Equal("true", (string)name.Attribute("variableLength"));
            Assert.Equal("System.String[]", (string)name.Element(Command + "parameterValue"));
            Assert.Equal("true", (string)name.Element(Command + "parameterValue").Attribute("required"));
            Assert.Equal("System.String[]", (string)name.Element(Dev + "type").Element(Maml + "name"));
            Assert.Equal("None", (string)name.Element(Dev + "defaultValue"));
            Assert.Equal(new[] { "The names." }, Paras(name.Element(Maml + "description")));
        }

        [Fact]
        public void Named_parameter_without_aliases_says_named_and_none()
        {
            XElement input = TwoSetCommand().Element(Command + "parameters").Elements(Command + "parameter")
                .Single(p => (string)p.Element(Maml + "name") == "InputObject");
            Assert.Equal("named", (string)input.Attribute("position"));
            Assert.Equal("none", (string)input.Attribute("aliases"));
            Assert.Equal("True (ByValue)", (string)input.Attribute("pipelineInput"));
            Assert.Equal("false", (string)input.Attribute("globbing"));
        }

        [Fact]
        public void Switch_has_no_value_in_syntax_but_a_SwitchParameter_value_in_the_parameter_list()
        {
            XElement command = TwoSetCommand();
            XElement inSyntax = command.Element(Command + "syntax").Elements(Command + "syntaxItem").First()
                .Elements(Command + "parameter").Single(p => (string)p.Element(Maml + "name") == "Force");
            Assert.Null(inSyntax.Element(Command + "parameterValue"));
            Assert.Equal("SwitchParameter", (string)inSyntax.Element(Dev + "type").Element(Maml + "name"));

            XElement inList = command.Element(Command + "parameters").Elements(Command + "parameter")
                .Single(p => (string)p.Element(Maml + "name") == "Force");
            Assert.Equal("SwitchParameter", (string)inList.Element(Command + "parameterValue"));
            Assert.Equal("false", (string)inList.Element(Command + "parameterValue").Attribute("required"));
            Assert.Equal("False", (string)inList.Element(Dev + "defaultValue"));
        }

        [Fact]
        public void Accepted_values_become_a_parameterValueGroup_in_syntax()
        {
            XElement kind = TwoSetCommand().Element(Command + "syntax").Elements(Command + "syntaxItem").First()
                .Elements(Command + "parameter").Single(p => (string)p.Element(Maml + "name") == "Kind");
            Assert.Equal(new[] { "Small", "Large" }, kind.Element(Command + "parameterValueGroup").Elements(Command + "parameterValue").Select(v => v.Value));
            Assert.Equal("Small", (string)kind.Element(Dev + "defaultValue"));
        }

        [Fact]
        public void Parameters_section_lists_every_parameter_in_document_order()
        {
            var names = TwoSetCommand().Element(Command + "parameters").Elements(Command + "parameter").Select(p => (string)p.Element(Maml + "name"));
            Assert.Equal(new[] { "Name", "InputObject", "Kind", "Force" }, names);
        }

        [Fact]
        public void Examples_have_padded_title_code_and_remarks()
        {
            var examples = TwoSetCommand().Element(Command + "examples").Elements(Command + "example").ToList();
            Assert.Equal(2, examples.Count);
            Assert.Equal("-------------------------- Example 1: Get one thing --------------------------", (string)examples[0].Element(Maml + "title"));
            Assert.Equal("Get-TrapThing -Name 'a<b' & more", (string)examples[0].Element(Dev + "code"));
            Assert.Equal(new[] { "Gets the thing.", "Second remark." }, Paras(examples[0].Element(Dev + "remarks")));
        }

        [Fact]
        public void Several_code_blocks_are_joined_and_the_introduction_leads_the_remarks()
        {
            XElement example = TwoSetCommand().Element(Command + "examples").Elements(Command + "example").ElementAt(1);
            Assert.Equal("'a','b' | Get-TrapThing\n\nName\n----\na", (string)example.Element(Dev + "code"));
            Assert.Equal(new[] { "Introduction text." }, Paras(example.Element(Dev + "remarks")));
        }

        [Fact]
        public void Inputs_and_outputs_become_inputTypes_and_returnValues()
        {
            XElement command = TwoSetCommand();
            var inputs = command.Element(Command + "inputTypes").Elements(Command + "inputType").ToList();
            Assert.Equal(new[] { "System.String[]", "System.Object" }, inputs.Select(i => (string)i.Element(Dev + "type").Element(Maml + "name")));
            Assert.Equal(new[] { "Names." }, Paras(inputs[0].Element(Maml + "description")));
            Assert.Empty(Paras(inputs[1].Element(Maml + "description")));

            XElement output = command.Element(Command + "returnValues").Elements(Command + "returnValue").Single();
            Assert.Equal("Trap.Thing", (string)output.Element(Dev + "type").Element(Maml + "name"));
            Assert.Equal(new[] { "The things." }, Paras(output.Element(Maml + "description")));
        }

        [Fact]
        public void Notes_become_the_alertSet()
        {
            XElement alert = TwoSetCommand().Element(Maml + "alertSet").Element(Maml + "alert");
            Assert.Equal(new[] { "A note." }, Paras(alert));
        }

        [Fact]
        public void Related_links_keep_absolute_uris_only()
        {
            var links = TwoSetCommand().Element(Command + "relatedLinks").Elements(Maml + "navigationLink").ToList();
            Assert.Equal(new[] { "Other-Thing", "Project site" }, links.Select(l => (string)l.Element(Maml + "linkText")));
            Assert.Equal(new[] { string.Empty, "https://example.org/trap" }, links.Select(l => (string)l.Element(Maml + "uri")));
        }

        [Fact]
        public void Online_version_becomes_the_first_related_link()
        {
            string page = TwoSetPage.Replace("online version:\n", "online version: https://example.org/help/Get-TrapThing\n");
            var links = CommandElement(ToMaml(Parse(page, "Get-TrapThing.md")), "Get-TrapThing").Element(Command + "relatedLinks").Elements(Maml + "navigationLink").ToList();
            Assert.Equal("Online Version:", (string)links[0].Element(Maml + "linkText"));
            Assert.Equal("https://example.org/help/Get-TrapThing", (string)links[0].Element(Maml + "uri"));
            Assert.Equal(3, links.Count);
        }

        [Fact]
        public void Single_unnamed_syntax_block_makes_one_syntax_item_of_all_parameters()
        {
            CommandHelp help = Parse(MinimalPage(), "Get-Minimal.md");
            Assert.Equal(MarkdownHelpParser.AllParameterSetsName, help.SyntaxSets.Single().Name);
            XElement item = CommandElement(ToMaml(help), "Get-Minimal").Element(Command + "syntax").Elements(Command + "syntaxItem").Single();
            Assert.Equal(new[] { "Path" }, item.Elements(Command + "parameter").Select(p => (string)p.Element(Maml + "name")));
        }

        [Fact]
        public void A_parameter_with_one_yaml_block_per_set_gets_each_sets_metadata_in_syntax()
        {
            string page = TwoSetPage.Replace(
                "### -Kind\nThe kind.\n\n```yaml\nType: ThingKind\nParameter Sets: (All)\nAliases:\nAccepted values: Small, Large\n\nRequired: False\nPosition: Named\n",
                "### -Kind\nThe kind.\n\n```yaml\nType: ThingKind\nParameter Sets: ByName\nAliases:\nAccepted values: Small, Large\n\nRequired: True\nPosition: 1\nDefault value: None\nAccept pipeline input: False\nAccept wildcard characters: False\n```\n\n" +
                "```yaml\nType: ThingKind\nParameter Sets: ByInput\nAliases:\nAccepted values: Small, Large\n\nRequired: False\nPosition: Named\n");
            page = page.Replace("Get-TrapThing [-Name] <String[]> [-Kind <ThingKind>]", "Get-TrapThing [-Name] <String[]> [-Kind] <ThingKind>");
            CommandHelp help = Parse(page, "Get-TrapThing.md");
            XElement command = CommandElement(ToMaml(help), "Get-TrapThing");
            var items = command.Element(Command + "syntax").Elements(Command + "syntaxItem").ToList();
            XElement kindByName = items[0].Elements(Command + "parameter").Single(p => (string)p.Element(Maml + "name") == "Kind");
            XElement kindByInput = items[1].Elements(Command + "parameter").Single(p => (string)p.Element(Maml + "name") == "Kind");
            Assert.Equal(("true", "1"), ((string)kindByName.Attribute("required"), (string)kindByName.Attribute("position")));
            Assert.Equal(("false", "named"), ((string)kindByInput.Attribute("required"), (string)kindByInput.Attribute("position")));

            // The parameter list describes the parameter by its first block, once.
            XElement listed = command.Element(Command + "parameters").Elements(Command + "parameter").Single(p => (string)p.Element(Maml + "name") == "Kind");
            Assert.Equal("true", (string)listed.Attribute("required"));

            // Positional parameters come first in a syntax item, by position.
            Assert.Equal(new[] { "Name", "Kind", "Force" }, items[0].Elements(Command + "parameter").Select(p => (string)p.Element(Maml + "name")));
        }

        [Fact]
        public void Pipeline_input_is_normalised()
        {
            CommandHelp help = Parse(MinimalPage(yaml: "Type: System.String\nParameter Sets: (All)\nAliases:\n\nRequired: True\nPosition: 0\nDefault value: None\nAccept pipeline input: true (bypropertyname, byvalue)\nAccept wildcard characters: false\n"), "Get-Minimal.md");
            Assert.Equal("True (ByValue, ByPropertyName)", help.Parameters.Single().Metadata.Single().PipelineInput);
        }

        [Fact]
        public void Common_parameters_heading_is_recorded_and_not_a_parameter()
        {
            CommandHelp help = Parse(TwoSetPage, "Get-TrapThing.md");
            Assert.True(help.SupportsCommonParameters);
            Assert.DoesNotContain(help.Parameters, p => p.Name.Contains("Common"));
        }

        [Fact]
        public void Front_matter_values_are_kept()
        {
            CommandHelp help = Parse(TwoSetPage, "Get-TrapThing.md");
            Assert.Equal("StickyPi.dll-Help.xml", help.ExternalHelpFile);
            Assert.Equal("StickyPi", help.ModuleName);
            Assert.Equal("2.0.0", help.Schema);
            Assert.Equal(string.Empty, help.OnlineVersion);
        }

        [Fact]
        public void Yaml_values_platyPS_writes_unquoted_are_read_as_text()
        {
            string yaml = "Type: System.String\nParameter Sets: (All)\nAliases:\n\nRequired: False\nPosition: 0\nDefault value: * (every device)\nAccept pipeline input: False\nAccept wildcard characters: True\n";
            Assert.Equal("* (every device)", Parse(MinimalPage(yaml: yaml), "Get-Minimal.md").Parameters.Single().Metadata.Single().DefaultValue);
            Assert.Equal("'quoted' @()", Parse(MinimalPage(yaml: yaml.Replace("* (every device)", "\"'quoted' @()\"")), "Get-Minimal.md").Parameters.Single().Metadata.Single().DefaultValue);
        }

        [Fact]
        public void Related_links_are_read_one_a_line_in_lists_and_paragraphs()
        {
            string page = MinimalPage() + "\n## RELATED LINKS\n[A-Thing](A-Thing.md)\n[Site](https://example.org/b)\n\n- [C-Thing](C-Thing.md)\n\nPlain `text`\n";
            var links = Parse(page, "Get-Minimal.md").RelatedLinks;
            Assert.Equal(new[] { "A-Thing", "Site", "C-Thing", "Plain `text`" }, links.Select(l => l.Text));
            Assert.Equal(new[] { "A-Thing.md", "https://example.org/b", "C-Thing.md", string.Empty }, links.Select(l => l.Uri));
        }
    }
}
