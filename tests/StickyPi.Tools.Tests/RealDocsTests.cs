using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using StickyPi.HelpBuilder;
using static StickyPi.Tools.Tests.Samples;

namespace StickyPi.Tools.Tests
{
    /// <summary>The repository's own docs/ folder converts, and covers every exported cmdlet.</summary>
    public class RealDocsTests
    {
        private static readonly string Root = RepoRoot();
        private static readonly string Docs = Path.Combine(Root, "docs");
        private static readonly string Manifest = Path.Combine(Root, "StickyPi.psd1");
        private static readonly Lazy<(HelpBuildResult Result, string Output)> Built = new Lazy<(HelpBuildResult, string)>(() =>
        {
            // Beside the test assembly, not in the temp directory: the tests share it and nothing may be left in temp.
            string output = Path.Combine(AppContext.BaseDirectory, "real-docs-help", "en-US");
            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }

            HelpBuildResult result = HelpBuild.Run(new HelpBuildOptions
            {
                DocsDirectory = Docs,
                OutputDirectory = output,
                ModuleDll = "StickyPi.dll",
                ManifestPath = Manifest,
            });
            return (result, output);
        });

        private static IReadOnlyList<string> Cmdlets => ModuleManifest.ReadCmdletsToExport(Manifest);

        private static HelpBuildResult Result
        {
            get
            {
                HelpBuildResult r = Built.Value.Result;
                Assert.True(r.Succeeded, string.Join(Environment.NewLine, r.Errors));
                return r;
            }
        }

        private static XElement LoadMaml()
        {
            _ = Result;
            return XDocument.Load(Path.Combine(Built.Value.Output, "StickyPi.dll-Help.xml")).Root;
        }

        [Fact]
        public void Manifest_exports_exactly_the_cmdlets_that_have_pages()
        {
            Assert.Contains("Send-StickyImage", Cmdlets);
            var pages = Directory.GetFiles(Docs, "*-*.md").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal);
            Assert.Equal(pages, Cmdlets.OrderBy(n => n, StringComparer.Ordinal));
        }

        [Fact]
        public void Every_exported_cmdlet_has_a_markdown_page()
        {
            var missing = Cmdlets.Where(c => !File.Exists(Path.Combine(Docs, c + ".md"))).ToList();
            Assert.True(missing.Count == 0, "no docs/<Cmdlet>.md for: " + string.Join(", ", missing));
        }

        [Fact]
        public void Every_page_documents_an_exported_cmdlet()
        {
            var extra = HelpBuild.CommandPages(Docs).Select(Path.GetFileNameWithoutExtension)
                .Where(n => !Cmdlets.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
            Assert.True(extra.Count == 0, "pages without an exported cmdlet: " + string.Join(", ", extra));
        }

        [Fact]
        public void Docs_convert_without_errors()
        {
            Assert.Equal(Cmdlets.Count, Result.Commands.Count);
        }

        [Fact]
        public void Maml_has_one_command_per_exported_cmdlet()
        {
            var names = LoadMaml().Elements(Command + "command")
                .Select(c => (string)c.Element(Command + "details").Element(Command + "name")).ToList();
            Assert.Equal(Cmdlets.OrderBy(n => n, StringComparer.Ordinal), names.OrderBy(n => n, StringComparer.Ordinal));
        }

        [Fact]
        public void Every_command_has_examples_whose_code_invokes_it()
        {
            foreach (XElement command in LoadMaml().Elements(Command + "command"))
            {
                string name = (string)command.Element(Command + "details").Element(Command + "name");
                var examples = command.Element(Command + "examples").Elements(Command + "example").ToList();
                Assert.True(examples.Count >= 2, name + " has fewer than 2 examples");
                foreach (XElement example in examples)
                {
                    string title = (string)example.Element(Maml + "title");
                    string code = (string)example.Element(Dev + "code");
                    Assert.False(string.IsNullOrWhiteSpace(code), name + ": empty code in " + title);
                    Assert.True(Regex.IsMatch(code, @"(?<![\w-])" + Regex.Escape(name) + @"(?![\w-])", RegexOptions.IgnoreCase), name + ": " + title + " does not invoke it");
                    Assert.StartsWith("-------------------------- Example ", title);
                    Assert.NotEmpty(Paras(example.Element(Dev + "remarks")));
                }
            }
        }

        [Fact]
        public void Every_command_has_synopsis_description_syntax_and_output()
        {
            foreach (XElement command in LoadMaml().Elements(Command + "command"))
            {
                string name = (string)command.Element(Command + "details").Element(Command + "name");
                Assert.NotEmpty(Paras(command.Element(Command + "details").Element(Maml + "description")));
                Assert.NotEmpty(Paras(command.Element(Maml + "description")));
                Assert.NotEmpty(command.Element(Command + "syntax").Elements(Command + "syntaxItem"));
                Assert.True(command.Element(Command + "returnValues").Elements(Command + "returnValue").Any(), name + " has no OUTPUTS");
            }
        }

        [Fact]
        public void Connection_parameter_is_documented_as_StickyConnection_without_pipeline_input()
        {
            foreach (XElement command in LoadMaml().Elements(Command + "command"))
            {
                string name = (string)command.Element(Command + "details").Element(Command + "name");
                XElement connection = command.Element(Command + "parameters").Elements(Command + "parameter")
                    .SingleOrDefault(p => (string)p.Element(Maml + "name") == "Connection");
                if (name == "Connect-StickyApi")
                {
                    Assert.Null(connection);
                    continue;
                }

                Assert.True(connection != null, name + " does not document -Connection");
                Assert.Equal("StickyPi.PowerShell.StickyConnection", (string)connection.Element(Dev + "type").Element(Maml + "name"));
                Assert.Equal(name == "Disconnect-StickyApi" ? "True (ByValue)" : "False", (string)connection.Attribute("pipelineInput"));
            }
        }

        [Fact]
        public void Parameter_sets_of_the_contract_are_documented()
        {
            Dictionary<string, CommandHelp> byName = Result.Commands.ToDictionary(c => c.Name);
            Assert.Equal(new[] { "Path", "LiteralPath" }, byName["Send-StickyImage"].SyntaxSets.Select(s => s.Name));
            Assert.Equal(new[] { "InputObject", "Key" }, byName["Remove-StickyImage"].SyntaxSets.Select(s => s.Name));
            Assert.Equal(new[] { "Image", "Path", "LiteralPath" }, byName["Set-UidAnnotation"].SyntaxSets.Select(s => s.Name));
            Assert.Equal(new[] { "Image", "Series" }, byName["Get-UidAnnotation"].SyntaxSets.Select(s => s.Name));

            ParameterMetadata literal = byName["Send-StickyImage"].Parameters.Single(p => p.Name == "LiteralPath").Metadata.Single();
            Assert.Equal(new[] { "PSPath", "LP", "FullName" }, literal.Aliases);
            Assert.Equal("True (ByPropertyName)", literal.PipelineInput);

            ParameterMetadata onConflict = byName["Send-StickyImage"].Parameters.Single(p => p.Name == "OnConflict").Metadata.Single();
            Assert.Equal(new[] { "Report", "Skip", "Replace" }, onConflict.AcceptedValues);
            Assert.Equal("Report", onConflict.DefaultValue);

            foreach (string p in new[] { "Device", "DateTime", "Md5" })
            {
                Assert.Equal("True (ByPropertyName)", byName["Set-UidAnnotation"].Parameters.Single(x => x.Name == p).Metadata.Single().PipelineInput);
            }

            ParameterMetadata device = byName["Get-StickySeries"].Parameters.Single(p => p.Name == "Device").Metadata.Single();
            Assert.True(device.AcceptsWildcards);
            Assert.Equal("0", device.Position);
        }

        [Fact]
        public void Related_links_to_local_pages_point_at_existing_files()
        {
            foreach (CommandHelp command in Result.Commands)
            {
                foreach (HelpLink link in command.RelatedLinks.Where(l => l.Uri.EndsWith(".md", StringComparison.Ordinal)))
                {
                    Assert.True(File.Exists(Path.Combine(Docs, link.Uri)), command.Name + " links to missing " + link.Uri);
                }
            }
        }

        [Fact]
        public void About_topics_are_written_wrapped_at_80_columns()
        {
            _ = Result;
            var topics = HelpBuild.AboutPages(Docs).Select(AboutTopicWriter.TopicName).ToList();
            Assert.Superset(new HashSet<string> { "about_StickyPi", "about_StickyPi_Compatibility", "about_StickyPi_Design" }, topics.ToHashSet());
            foreach (string topic in topics)
            {
                string path = Path.Combine(Built.Value.Output, topic + ".help.txt");
                Assert.True(File.Exists(path), path);
                string[] lines = File.ReadAllText(path).Split("\r\n");
                Assert.Equal("TOPIC", lines[0]);
                Assert.Equal("    " + topic, lines[1]);
                Assert.Contains("SHORT DESCRIPTION", lines);
                Assert.Contains("LONG DESCRIPTION", lines);
                Assert.All(lines, l => Assert.True(l.Length <= AboutTopicWriter.Width, topic + ": line longer than 80: " + l));
            }
        }

        [Fact]
        public void About_StickyPi_describes_only_what_exists()
        {
            string text = File.ReadAllText(Path.Combine(Docs, "about_StickyPi.md"));
            Assert.DoesNotContain("still to come", text, StringComparison.OrdinalIgnoreCase);
            foreach (string cmdlet in Cmdlets)
            {
                Assert.Contains(cmdlet, text);
            }
        }

        [Fact]
        public void Compatibility_topic_cites_each_deviation_by_its_spec_number()
        {
            string text = File.ReadAllText(Path.Combine(Docs, "about_StickyPi_Compatibility.md"));
            foreach (int n in new[] { 1, 2, 6, 13, 14, 21, 22, 27 })
            {
                Assert.Contains("§8 #" + n + ",", text);
            }

            Assert.Contains("cache.pkl", text);
            Assert.Contains("SkiaSharp", text);
        }
    }
}
