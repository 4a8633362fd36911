using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Markdig.Syntax.Inlines;

namespace StickyPi.HelpBuilder
{
    /// <summary>
    /// Reads one platyPS cmdlet page (schema 2.0.0, as written by platyPS 0.14's New-MarkdownHelp) into a
    /// <see cref="CommandHelp"/>. Everything wrong with the page is collected and thrown together as a
    /// <see cref="HelpFormatException"/> whose diagnostics name the file and line.
    /// </summary>
    public sealed class MarkdownHelpParser
    {
        /// <summary>Name platyPS gives the only parameter set of a cmdlet that has no named sets.</summary>
        public const string AllParameterSetsName = "__AllParameterSets";

        private static readonly string[] KnownSections = { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS" };

        private static readonly string[] YamlKeys =
        {
            "Type", "Parameter Sets", "Aliases", "Accepted values", "Applicable", "Required", "Position", "Default value",
            "Accept pipeline input", "Accept wildcard characters",
        };

        private static readonly string[] RequiredYamlKeys =
        {
            "Type", "Parameter Sets", "Required", "Position", "Accept pipeline input", "Accept wildcard characters",
        };

        private static readonly Regex Placeholder = new Regex(@"\{\{\s*(Fill|Add|Update|Insert)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        private static readonly Regex PipelinePattern = new Regex(@"^(True|False)(?:\s*\(\s*(ByValue|ByPropertyName)\s*(?:,\s*(ByValue|ByPropertyName)\s*)?\))?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        private static readonly Regex SyntaxParameterToken = new Regex(@"(?<![\w-])-([A-Za-z][A-Za-z0-9_]*)", RegexOptions.CultureInvariant);
        private static readonly Regex CommonParametersHeading = new Regex(@"^<?(CommonParameters|WorkflowCommonParameters)>?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        private readonly List<HelpDiagnostic> _diagnostics = new List<HelpDiagnostic>();
        private string _path;

        /// <summary>Parses the file at <paramref name="path"/>.</summary>
        public static CommandHelp ParseFile(string path) => Parse(File.ReadAllText(path), path);

        /// <summary>Parses markdown text; <paramref name="path"/> is used for the expected command name and in messages.</summary>
        public static CommandHelp Parse(string markdown, string path)
        {
            var parser = new MarkdownHelpParser { _path = path ?? "<markdown>" };
            CommandHelp help = parser.ParseCore(markdown ?? string.Empty);
            if (parser._diagnostics.Count > 0)
            {
                throw new HelpFormatException(parser._diagnostics);
            }

            return help;
        }

        private void Error(int line, string code, string message) => _diagnostics.Add(new HelpDiagnostic(_path, line, code, message));

        private CommandHelp ParseCore(string markdown)
        {
            var help = new CommandHelp { SourcePath = _path };
            MarkdownPage doc = MarkdownPage.Parse(markdown, _path, _diagnostics);
            if (_diagnostics.Count > 0)
            {
                return help;
            }

            ReadFrontMatter(doc, help);

            List<MarkdownBlock> blocks = doc.Blocks;
            int index = 0;
            if (blocks.Count == 0 || blocks[0].Kind != MarkdownBlockKind.Heading || blocks[0].Level != 1)
            {
                Error(blocks.Count == 0 ? 1 : blocks[0].Line, HelpDiagnosticCodes.Title, "Expected '# <Cmdlet-Name>' as the first heading after the front matter.");
                return help;
            }

            help.Name = blocks[0].Text;
            help.NameLine = blocks[0].Line;
            index = 1;
            string expected = System.IO.Path.GetFileNameWithoutExtension(_path);
            if (_path != "<markdown>" && !string.Equals(expected, help.Name, StringComparison.OrdinalIgnoreCase))
            {
                Error(help.NameLine, HelpDiagnosticCodes.Title, "Heading '# " + help.Name + "' does not match the file name '" + System.IO.Path.GetFileName(_path) + "'.");
            }

            if (!Regex.IsMatch(help.Name, @"^[A-Za-z]+-[A-Za-z0-9]+$"))
            {
                Error(help.NameLine, HelpDiagnosticCodes.Title, "'" + help.Name + "' is not a Verb-Noun cmdlet name.");
            }

            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            while (index < blocks.Count)
            {
                MarkdownBlock b = blocks[index];
                if (b.Kind != MarkdownBlockKind.Heading || b.Level > 2)
                {
                    Error(b.Line, HelpDiagnosticCodes.Section, "Unexpected content outside a '## SECTION': " + Describe(b) + ".");
                    index++;
                    continue;
                }

                if (b.Level == 1)
                {
                    Error(b.Line, HelpDiagnosticCodes.Title, "A second '# " + b.Text + "' heading: one cmdlet per file.");
                    index++;
                    continue;
                }

                string section = b.Text.Trim().ToUpperInvariant();
                int start = ++index;
                while (index < blocks.Count && !(blocks[index].Kind == MarkdownBlockKind.Heading && blocks[index].Level <= 2))
                {
                    index++;
                }

                List<MarkdownBlock> body = blocks.GetRange(start, index - start);
                if (Array.IndexOf(KnownSections, section) < 0)
                {
                    Error(b.Line, HelpDiagnosticCodes.Section, "Unknown section '## " + b.Text + "'; expected one of " + string.Join(", ", KnownSections) + ".");
                    continue;
                }

                if (seen.TryGetValue(section, out int first))
                {
                    Error(b.Line, HelpDiagnosticCodes.Section, "Section '## " + section + "' appears twice (first at line " + first.ToString(CultureInfo.InvariantCulture) + ").");
                    continue;
                }

                seen[section] = b.Line;
                CheckPlaceholders(body);
                switch (section)
                {
                    case "SYNOPSIS":
                        ReadText(b, body, help.Synopsis, HelpDiagnosticCodes.Synopsis, "SYNOPSIS", required: true);
                        break;
                    case "DESCRIPTION":
                        ReadText(b, body, help.Description, HelpDiagnosticCodes.Description, "DESCRIPTION", required: true);
                        break;
                    case "NOTES":
                        ReadText(b, body, help.Notes, HelpDiagnosticCodes.Section, "NOTES", required: false);
                        break;
                    case "SYNTAX":
                        ReadSyntax(b, body, help);
                        break;
                    case "EXAMPLES":
                        ReadExamples(b, body, help);
                        break;
                    case "PARAMETERS":
                        ReadParameters(body, help);
                        break;
                    case "INPUTS":
                        ReadTypes(body, help.Inputs, "INPUTS");
                        break;
                    case "OUTPUTS":
                        ReadTypes(body, help.Outputs, "OUTPUTS");
                        break;
                    case "RELATED LINKS":
                        ReadLinks(body, help);
                        break;
                }
            }

            if (!seen.ContainsKey("SYNOPSIS"))
            {
                Error(help.NameLine, HelpDiagnosticCodes.Synopsis, "Missing '## SYNOPSIS' section for " + help.Name + ".");
            }

            if (!seen.ContainsKey("SYNTAX"))
            {
                Error(help.NameLine, HelpDiagnosticCodes.Syntax, "Missing '## SYNTAX' section for " + help.Name + ".");
            }

            if (!seen.ContainsKey("DESCRIPTION"))
            {
                Error(help.NameLine, HelpDiagnosticCodes.Description, "Missing '## DESCRIPTION' section for " + help.Name + ".");
            }

            if (!seen.ContainsKey("EXAMPLES"))
            {
                Error(help.NameLine, HelpDiagnosticCodes.Examples, "Missing '## EXAMPLES' section: " + help.Name + " needs at least one example.");
            }

            if (!seen.ContainsKey("PARAMETERS"))
            {
                Error(help.NameLine, HelpDiagnosticCodes.Parameter, "Missing '## PARAMETERS' section for " + help.Name + " (it holds at least '### CommonParameters').");
            }

            if (_diagnostics.Count == 0)
            {
                BuildSyntax(help);
            }

            return help;
        }

        private void ReadFrontMatter(MarkdownPage doc, CommandHelp help)
        {
            if (doc.FrontMatterLine == 0)
            {
                Error(1, HelpDiagnosticCodes.FrontMatter, "Missing YAML front matter ('---' lines with 'external help file', 'Module Name', 'online version' and 'schema: 2.0.0').");
                return;
            }

            foreach (YamlEntry entry in doc.FrontMatter ?? new List<YamlEntry>())
            {
                help.Metadata[entry.Key] = entry.Value;
            }

            if (string.IsNullOrWhiteSpace(help.ExternalHelpFile))
            {
                Error(doc.FrontMatterLine, HelpDiagnosticCodes.FrontMatter, "Front matter has no 'external help file' (e.g. 'external help file: StickyPi.dll-Help.xml').");
            }

            if (string.IsNullOrWhiteSpace(help.ModuleName))
            {
                Error(doc.FrontMatterLine, HelpDiagnosticCodes.FrontMatter, "Front matter has no 'Module Name'.");
            }

            if (help.Schema != "2.0.0")
            {
                Error(doc.FrontMatterLine, HelpDiagnosticCodes.FrontMatter, "Front matter must say 'schema: 2.0.0' (found '" + (help.Schema ?? "nothing") + "'); platyPS schema 1.0.0 is not supported.");
            }

            if (!string.IsNullOrEmpty(help.OnlineVersion) && !MarkdownPage.IsAbsoluteUri(help.OnlineVersion))
            {
                Error(doc.FrontMatterLine, HelpDiagnosticCodes.FrontMatter, "'online version' must be empty or an absolute http(s) URL: '" + help.OnlineVersion + "'.");
            }
        }

        private void CheckPlaceholders(IEnumerable<MarkdownBlock> body)
        {
            foreach (var b in body)
            {
                string text = b.Kind == MarkdownBlockKind.Paragraph ? b.ParagraphText : b.Text;
                if (text != null && Placeholder.IsMatch(text))
                {
                    Error(b.Line, HelpDiagnosticCodes.Placeholder, "platyPS placeholder text left in: '" + Placeholder.Match(text).Value + "…}}'.");
                }
            }
        }

        private void ReadText(MarkdownBlock heading, List<MarkdownBlock> body, List<string> target, string code, string section, bool required)
        {
            foreach (var b in body.Where(x => x.Kind == MarkdownBlockKind.Heading))
            {
                Error(b.Line, code, "Headings are not allowed inside '## " + section + "': '" + new string('#', b.Level) + " " + b.Text + "'.");
            }

            target.AddRange(Paragraphs(body).Where(p => p.Trim().Length > 0));
            if (required && target.Count == 0)
            {
                Error(heading.Line, code, "Section '## " + section + "' is empty.");
            }
        }

        private void ReadSyntax(MarkdownBlock heading, List<MarkdownBlock> body, CommandHelp help)
        {
            SyntaxSet current = null;
            foreach (var b in body)
            {
                if (b.Kind == MarkdownBlockKind.Heading)
                {
                    if (b.Level != 3)
                    {
                        Error(b.Line, HelpDiagnosticCodes.Syntax, "Expected '### <ParameterSetName>' in '## SYNTAX'.");
                        continue;
                    }

                    if (current != null && current.Code == null)
                    {
                        Error(current.Line, HelpDiagnosticCodes.Syntax, "Parameter set '" + current.Name + "' has no ``` syntax block.");
                    }

                    string name = b.Text.Trim();
                    bool isDefault = false;
                    if (name.EndsWith("(Default)", StringComparison.OrdinalIgnoreCase))
                    {
                        isDefault = true;
                        name = name.Substring(0, name.Length - "(Default)".Length).Trim();
                    }

                    if (help.SyntaxSets.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
                    {
                        Error(b.Line, HelpDiagnosticCodes.Syntax, "Parameter set '" + name + "' is listed twice.");
                    }

                    current = new SyntaxSet { Name = name, IsDefault = isDefault, Line = b.Line };
                    help.SyntaxSets.Add(current);
                }
                else if (b.Kind == MarkdownBlockKind.Code)
                {
                    if (current == null)
                    {
                        if (help.SyntaxSets.Count > 0)
                        {
                            Error(b.Line, HelpDiagnosticCodes.Syntax, "Syntax block without a '### <ParameterSetName>' heading.");
                            continue;
                        }

                        current = new SyntaxSet { Name = AllParameterSetsName, IsDefault = true, Line = b.Line };
                        help.SyntaxSets.Add(current);
                    }

                    if (current.Code != null)
                    {
                        Error(b.Line, HelpDiagnosticCodes.Syntax, "Parameter set '" + current.Name + "' has a second syntax block.");
                        continue;
                    }

                    current.Code = b.Text.Trim();
                    if (current.Code.Length == 0)
                    {
                        Error(b.Line, HelpDiagnosticCodes.Syntax, "Syntax block of '" + current.Name + "' is empty.");
                    }
                    else if (!current.Code.StartsWith(help.Name ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                    {
                        Error(b.Line, HelpDiagnosticCodes.Syntax, "Syntax block of '" + current.Name + "' does not start with '" + help.Name + "'.");
                    }
                }
                else
                {
                    Error(b.Line, HelpDiagnosticCodes.Syntax, "Only '### <ParameterSetName>' headings and ``` blocks belong in '## SYNTAX'; found " + Describe(b) + ".");
                }
            }

            if (current != null && current.Code == null)
            {
                Error(current.Line, HelpDiagnosticCodes.Syntax, "Parameter set '" + current.Name + "' has no ``` syntax block.");
            }

            if (help.SyntaxSets.Count == 0)
            {
                Error(heading.Line, HelpDiagnosticCodes.Syntax, "Section '## SYNTAX' has no syntax block.");
            }

            if (help.SyntaxSets.Count(s => s.IsDefault) > 1)
            {
                Error(heading.Line, HelpDiagnosticCodes.Syntax, "More than one parameter set is marked '(Default)'.");
            }
        }

        private void ReadExamples(MarkdownBlock heading, List<MarkdownBlock> body, CommandHelp help)
        {
            int i = 0;
            while (i < body.Count && body[i].Kind != MarkdownBlockKind.Heading)
            {
                Error(body[i].Line, HelpDiagnosticCodes.Examples, "Text before the first '### Example' heading: " + Describe(body[i]) + ".");
                i++;
            }

            while (i < body.Count)
            {
                MarkdownBlock h = body[i++];
                if (h.Level != 3)
                {
                    Error(h.Line, HelpDiagnosticCodes.Examples, "Expected '### Example N: title' in '## EXAMPLES', found a level-" + h.Level.ToString(CultureInfo.InvariantCulture) + " heading.");
                }

                var example = new HelpExample { Title = h.Text.Trim(), Line = h.Line };
                var intro = new List<MarkdownBlock>();
                var after = new List<MarkdownBlock>();
                var code = new List<MarkdownBlock>();
                while (i < body.Count && body[i].Kind != MarkdownBlockKind.Heading)
                {
                    MarkdownBlock b = body[i++];
                    if (b.Kind == MarkdownBlockKind.Code)
                    {
                        code.Add(b);
                    }
                    else if (code.Count == 0)
                    {
                        intro.Add(b);
                    }
                    else
                    {
                        after.Add(b);
                    }
                }

                if (example.Title.Length == 0)
                {
                    Error(h.Line, HelpDiagnosticCodes.Examples, "Example heading has no title.");
                }

                if (code.Count == 0)
                {
                    Error(h.Line, HelpDiagnosticCodes.ExampleCode, "Example '" + example.Title + "' has no code block (```powershell … ```).");
                }
                else if (code[0].Text.Trim().Length == 0)
                {
                    Error(code[0].Line, HelpDiagnosticCodes.ExampleCode, "Example '" + example.Title + "' has an empty code block.");
                }
                else
                {
                    example.FirstCode = TrimBlankLines(code[0].Text);
                    example.Code = string.Join("\n\n", code.Select(c => TrimBlankLines(c.Text)).Where(t => t.Length > 0));
                }

                example.Remarks.AddRange(Paragraphs(intro));
                example.Remarks.AddRange(Paragraphs(after));
                help.Examples.Add(example);
            }

            if (help.Examples.Count == 0)
            {
                Error(heading.Line, HelpDiagnosticCodes.Examples, "Section '## EXAMPLES' has no example: " + help.Name + " needs at least one '### Example 1: …' with a code block.");
            }
        }

        private void ReadParameters(List<MarkdownBlock> body, CommandHelp help)
        {
            int i = 0;
            while (i < body.Count && body[i].Kind != MarkdownBlockKind.Heading)
            {
                Error(body[i].Line, HelpDiagnosticCodes.Parameter, "Text before the first '### -Parameter' heading: " + Describe(body[i]) + ".");
                i++;
            }

            while (i < body.Count)
            {
                MarkdownBlock h = body[i++];
                int start = i;
                while (i < body.Count && body[i].Kind != MarkdownBlockKind.Heading)
                {
                    i++;
                }

                List<MarkdownBlock> content = body.GetRange(start, i - start);
                string title = h.Text.Trim();
                if (h.Level != 3)
                {
                    Error(h.Line, HelpDiagnosticCodes.Parameter, "Expected '### -ParameterName' in '## PARAMETERS', found a level-" + h.Level.ToString(CultureInfo.InvariantCulture) + " heading.");
                    continue;
                }

                if (CommonParametersHeading.IsMatch(title))
                {
                    help.SupportsCommonParameters = true;
                    continue;
                }

                if (!title.StartsWith("-", StringComparison.Ordinal) || title.Length < 2 || !Regex.IsMatch(title.Substring(1), @"^[A-Za-z][A-Za-z0-9_]*$"))
                {
                    Error(h.Line, HelpDiagnosticCodes.Parameter, "Parameter heading must be '### -Name' (or '### CommonParameters'): '" + title + "'.");
                    continue;
                }

                var parameter = new HelpParameter { Name = title.Substring(1), Line = h.Line };
                if (help.Parameters.Any(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    Error(h.Line, HelpDiagnosticCodes.Parameter, "Parameter -" + parameter.Name + " is documented twice.");
                    continue;
                }

                var description = new List<MarkdownBlock>();
                foreach (MarkdownBlock b in content)
                {
                    if (b.Kind == MarkdownBlockKind.Code && b.Language == "yaml")
                    {
                        ParameterMetadata metadata = ReadParameterYaml(parameter, b);
                        if (metadata != null)
                        {
                            parameter.Metadata.Add(metadata);
                        }
                    }
                    else if (parameter.Metadata.Count > 0 || content.Take(content.IndexOf(b)).Any(x => x.Kind == MarkdownBlockKind.Code && x.Language == "yaml"))
                    {
                        Error(b.Line, HelpDiagnosticCodes.Parameter, "Unexpected " + Describe(b) + " after the ```yaml block of -" + parameter.Name + "; the description goes above it.");
                    }
                    else
                    {
                        description.Add(b);
                    }
                }

                parameter.Description.AddRange(Paragraphs(description).Where(p => p.Trim().Length > 0));
                if (!content.Any(b => b.Kind == MarkdownBlockKind.Code && b.Language == "yaml"))
                {
                    Error(h.Line, HelpDiagnosticCodes.ParameterYaml, "Parameter -" + parameter.Name + " has no ```yaml metadata block (Type, Parameter Sets, Required, Position, …).");
                }

                if (parameter.Description.Count == 0)
                {
                    Error(h.Line, HelpDiagnosticCodes.Parameter, "Parameter -" + parameter.Name + " has no description.");
                }

                help.Parameters.Add(parameter);
            }
        }

        private ParameterMetadata ReadParameterYaml(HelpParameter parameter, MarkdownBlock block)
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            int errors = _diagnostics.Count;
            List<YamlEntry> entries = YamlEntry.ReadMapping(block.Text, block.Line + 1, _path, HelpDiagnosticCodes.ParameterYaml, "The YAML block of -" + parameter.Name, _diagnostics);
            if (entries == null)
            {
                return null;
            }

            foreach (YamlEntry entry in entries)
            {
                string known = YamlKeys.FirstOrDefault(x => string.Equals(x, entry.Key, StringComparison.OrdinalIgnoreCase));
                if (known == null)
                {
                    Error(entry.Line, HelpDiagnosticCodes.ParameterYaml, "Unknown key '" + entry.Key + "' in the YAML block of -" + parameter.Name + "; known keys: " + string.Join(", ", YamlKeys) + ".");
                }
                else if (values.ContainsKey(known))
                {
                    Error(entry.Line, HelpDiagnosticCodes.ParameterYaml, "Key '" + known + "' appears twice in the YAML block of -" + parameter.Name + ".");
                }
                else
                {
                    values[known] = entry.Value;
                    lines[known] = entry.Line;
                }
            }

            foreach (string key in RequiredYamlKeys)
            {
                if (!values.TryGetValue(key, out string v) || v.Length == 0)
                {
                    Error(block.Line, HelpDiagnosticCodes.ParameterYaml, "The YAML block of -" + parameter.Name + " has no '" + key + ":' value.");
                }
            }

            if (_diagnostics.Count > errors)
            {
                return null;
            }

            var m = new ParameterMetadata { Line = block.Line, Type = values["Type"] };
            m.ParameterSets.AddRange(SplitList(values["Parameter Sets"]));
            if (values.TryGetValue("Aliases", out string aliases))
            {
                m.Aliases.AddRange(SplitList(aliases));
            }

            if (values.TryGetValue("Accepted values", out string accepted))
            {
                m.AcceptedValues.AddRange(SplitList(accepted));
            }

            m.Required = ReadBool(values, lines, "Required", parameter);
            m.AcceptsWildcards = ReadBool(values, lines, "Accept wildcard characters", parameter);

            string position = values["Position"];
            if (string.Equals(position, "Named", StringComparison.OrdinalIgnoreCase))
            {
                m.Position = "Named";
            }
            else if (int.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out int p))
            {
                m.Position = p.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                Error(lines["Position"], HelpDiagnosticCodes.ParameterYaml, "Position of -" + parameter.Name + " must be a number or 'Named', not '" + position + "'.");
            }

            Match pipe = PipelinePattern.Match(values["Accept pipeline input"]);
            if (!pipe.Success)
            {
                Error(lines["Accept pipeline input"], HelpDiagnosticCodes.ParameterYaml, "'Accept pipeline input' of -" + parameter.Name + " must be 'False' or 'True (ByValue)', 'True (ByPropertyName)', 'True (ByValue, ByPropertyName)', not '" + values["Accept pipeline input"] + "'.");
            }
            else
            {
                bool accepts = string.Equals(pipe.Groups[1].Value, "True", StringComparison.OrdinalIgnoreCase);
                var kinds = new List<string>();
                if (pipe.Groups[2].Success)
                {
                    kinds.Add(Canonical(pipe.Groups[2].Value));
                }

                if (pipe.Groups[3].Success)
                {
                    kinds.Add(Canonical(pipe.Groups[3].Value));
                }

                if (accepts && kinds.Count == 0)
                {
                    Error(lines["Accept pipeline input"], HelpDiagnosticCodes.ParameterYaml, "'Accept pipeline input' of -" + parameter.Name + " says True without (ByValue) or (ByPropertyName).");
                }
                else if (!accepts && kinds.Count > 0)
                {
                    Error(lines["Accept pipeline input"], HelpDiagnosticCodes.ParameterYaml, "'Accept pipeline input' of -" + parameter.Name + " says False with a binding kind.");
                }

                kinds = kinds.Distinct().OrderBy(k => k == "ByValue" ? 0 : 1).ToList();
                m.PipelineInput = accepts ? "True (" + string.Join(", ", kinds) + ")" : "False";
            }

            if (values.TryGetValue("Default value", out string def) && def.Length > 0)
            {
                m.DefaultValue = def;
            }

            if (m.ParameterSets.Count == 0)
            {
                Error(lines["Parameter Sets"], HelpDiagnosticCodes.ParameterYaml, "'Parameter Sets' of -" + parameter.Name + " is empty; use '(All)' or set names.");
            }

            return m;
        }

        private bool ReadBool(Dictionary<string, string> values, Dictionary<string, int> lines, string key, HelpParameter parameter)
        {
            string v = values[key];
            if (string.Equals(v, "true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (!string.Equals(v, "false", StringComparison.OrdinalIgnoreCase))
            {
                Error(lines[key], HelpDiagnosticCodes.ParameterYaml, "'" + key + "' of -" + parameter.Name + " must be True or False, not '" + v + "'.");
            }

            return false;
        }

        private static string Canonical(string kind) =>
            string.Equals(kind, "ByValue", StringComparison.OrdinalIgnoreCase) ? "ByValue" : "ByPropertyName";

        private void ReadTypes(List<MarkdownBlock> body, List<HelpTypeEntry> target, string section)
        {
            int i = 0;
            while (i < body.Count && body[i].Kind != MarkdownBlockKind.Heading)
            {
                Error(body[i].Line, HelpDiagnosticCodes.InputsOutputs, "Text before the first '### TypeName' in '## " + section + "': " + Describe(body[i]) + ".");
                i++;
            }

            while (i < body.Count)
            {
                MarkdownBlock h = body[i++];
                if (h.Level != 3)
                {
                    Error(h.Line, HelpDiagnosticCodes.InputsOutputs, "Expected '### TypeName' in '## " + section + "'.");
                }

                var entry = new HelpTypeEntry { TypeName = h.Text };
                var content = new List<MarkdownBlock>();
                while (i < body.Count && body[i].Kind != MarkdownBlockKind.Heading)
                {
                    content.Add(body[i++]);
                }

                entry.Description.AddRange(Paragraphs(content).Where(p => p.Trim().Length > 0));
                target.Add(entry);
            }
        }

        private void ReadLinks(List<MarkdownBlock> body, CommandHelp help)
        {
            foreach (MarkdownBlock b in body)
            {
                if (b.Kind != MarkdownBlockKind.Paragraph)
                {
                    Error(b.Line, HelpDiagnosticCodes.Links, "Only links ('[text](url)', one a line) belong in '## RELATED LINKS'; found " + Describe(b) + ".");
                    continue;
                }

                // One link a line, as platyPS writes them; a line of plain text is kept as a link without a target.
                foreach (var line in b.Inlines.SelectMany(c => c).Where(x => !(x is LineBreakInline)).GroupBy(x => x.Line))
                {
                    var parts = line.Where(x => !(x is LiteralInline l && l.Content.IsEmptyOrWhitespace())).ToList();
                    if (parts.Count == 1 && parts[0] is LinkInline link && !link.IsImage)
                    {
                        help.RelatedLinks.Add(new HelpLink { Text = MarkdownPage.TextOf(link).Trim(), Uri = link.Url ?? string.Empty });
                    }
                    else if (parts.Count > 0)
                    {
                        help.RelatedLinks.Add(new HelpLink { Text = string.Concat(line.Select(MarkdownPage.Reduce)).Trim(), Uri = string.Empty });
                    }
                }
            }
        }

        /// <summary>
        /// Builds each set's parameter list from the YAML metadata (as platyPS does: the syntax code is for readers)
        /// and checks that the syntax code and the metadata agree.
        /// </summary>
        private void BuildSyntax(CommandHelp help)
        {
            foreach (HelpParameter p in help.Parameters)
            {
                foreach (ParameterMetadata m in p.Metadata)
                {
                    foreach (string set in m.ParameterSets)
                    {
                        if (set == ParameterMetadata.AllParameterSets)
                        {
                            continue;
                        }

                        if (!help.SyntaxSets.Any(s => string.Equals(s.Name, set, StringComparison.OrdinalIgnoreCase)))
                        {
                            Error(m.Line, HelpDiagnosticCodes.ParameterYaml, "-" + p.Name + " names parameter set '" + set + "', which has no '### " + set + "' under '## SYNTAX'.");
                        }
                    }
                }
            }

            foreach (SyntaxSet set in help.SyntaxSets)
            {
                var members = new List<SyntaxParameter>();
                foreach (HelpParameter p in help.Parameters)
                {
                    ParameterMetadata m = p.Metadata.FirstOrDefault(x => x.AppliesTo(set.Name));
                    if (m != null)
                    {
                        members.Add(new SyntaxParameter(p, m));
                    }
                }

                // Positional parameters first, by position; then the named ones in document order (stable).
                set.Parameters.AddRange(members
                    .Select((sp, order) => new { sp, order })
                    .OrderBy(x => x.sp.Metadata.IsPositional ? int.Parse(x.sp.Metadata.Position, CultureInfo.InvariantCulture) : int.MaxValue)
                    .ThenBy(x => x.order)
                    .Select(x => x.sp));

                string code = set.Code ?? string.Empty;
                foreach (SyntaxParameter sp in set.Parameters)
                {
                    if (!Regex.IsMatch(code, @"(?<![\w-])-" + Regex.Escape(sp.Parameter.Name) + @"(?![\w])", RegexOptions.IgnoreCase))
                    {
                        Error(set.Line, HelpDiagnosticCodes.Syntax, "Syntax of parameter set '" + set.Name + "' does not mention -" + sp.Parameter.Name + ", whose YAML (line " + sp.Metadata.Line.ToString(CultureInfo.InvariantCulture) + ") puts it in that set.");
                    }
                }

                string afterName = code.Length >= (help.Name ?? string.Empty).Length ? code.Substring(help.Name.Length) : code;
                foreach (Match token in SyntaxParameterToken.Matches(afterName))
                {
                    string name = token.Groups[1].Value;
                    if (!set.Parameters.Any(sp => string.Equals(sp.Parameter.Name, name, StringComparison.OrdinalIgnoreCase)))
                    {
                        Error(set.Line, HelpDiagnosticCodes.Syntax, "Syntax of parameter set '" + set.Name + "' mentions -" + name + ", which is not documented under '## PARAMETERS' for that set.");
                    }
                }
            }
        }

        private static IEnumerable<string> SplitList(string value) =>
            value.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0 && !string.Equals(s, "None", StringComparison.OrdinalIgnoreCase));

        private static string TrimBlankLines(string text)
        {
            var lines = text.Split('\n').ToList();
            while (lines.Count > 0 && lines[0].Trim().Length == 0)
            {
                lines.RemoveAt(0);
            }

            while (lines.Count > 0 && lines[lines.Count - 1].Trim().Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            return string.Join("\n", lines);
        }

        /// <summary>One string per paragraph (its lines joined with <c>\n</c>); a code block is a paragraph of its code.</summary>
        private static IEnumerable<string> Paragraphs(IEnumerable<MarkdownBlock> blocks) =>
            blocks.Where(b => b.Kind != MarkdownBlockKind.Heading).Select(b => b.Kind == MarkdownBlockKind.Code ? b.Text : b.ParagraphText);

        private static string Describe(MarkdownBlock b)
        {
            switch (b.Kind)
            {
                case MarkdownBlockKind.Heading:
                    return "heading '" + new string('#', b.Level) + " " + b.Text + "'";
                case MarkdownBlockKind.Code:
                    return "a code block";
                default:
                    string first = b.Lines.Count > 0 ? b.Lines[0].ToString() : string.Empty;
                    return "text '" + (first.Length > 40 ? first.Substring(0, 40) + "…" : first) + "'";
            }
        }
    }
}
