using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace StickyPi.HelpBuilder
{
    /// <summary>
    /// Turns an <c>about_*.md</c> page (platyPS about schema: <c># about_Name</c>, <c>## SHORT DESCRIPTION</c>,
    /// <c>## LONG DESCRIPTION</c>, then any further <c>##</c>/<c>###</c> sections) into the plain-text
    /// <c>about_*.help.txt</c> Get-Help shows: a TOPIC / SHORT DESCRIPTION / LONG DESCRIPTION layout, upper-case
    /// section titles at column 0, text indented 4 and wrapped at 80 columns, code blocks indented 8 and left as is.
    /// </summary>
    public static class AboutTopicWriter
    {
        public const int Width = 80;
        private const string TextIndent = "    ";
        private const string CodeIndent = "        ";

        /// <summary><c>about_StickyPi.md</c> → <c>about_StickyPi</c>.</summary>
        public static string TopicName(string path) => Path.GetFileNameWithoutExtension(path);

        /// <summary>The file name Get-Help looks for: <c>about_StickyPi.help.txt</c>.</summary>
        public static string OutputFileName(string path) => TopicName(path) + ".help.txt";

        public static string ConvertFile(string path, string newLine = "\r\n") => Convert(File.ReadAllText(path), path, newLine);

        /// <summary>Converts about-topic markdown to help text; throws <see cref="HelpFormatException"/> naming file and line.</summary>
        public static string Convert(string markdown, string path, string newLine = "\r\n")
        {
            var diagnostics = new List<HelpDiagnostic>();
            MarkdownPage doc = MarkdownPage.Parse(markdown ?? string.Empty, path, diagnostics);
            if (diagnostics.Count > 0)
            {
                throw new HelpFormatException(diagnostics);
            }

            string topic = TopicName(path);
            List<MarkdownBlock> blocks = doc.Blocks;
            if (blocks.Count == 0 || blocks[0].Kind != MarkdownBlockKind.Heading || blocks[0].Level != 1)
            {
                diagnostics.Add(new HelpDiagnostic(path, blocks.Count == 0 ? 1 : blocks[0].Line, HelpDiagnosticCodes.About, "Expected '# " + topic + "' as the first heading."));
                throw new HelpFormatException(diagnostics);
            }

            if (!string.Equals(blocks[0].Text, topic, StringComparison.OrdinalIgnoreCase))
            {
                diagnostics.Add(new HelpDiagnostic(path, blocks[0].Line, HelpDiagnosticCodes.About, "Heading '# " + blocks[0].Text + "' does not match the file name (expected '# " + topic + "')."));
            }

            if (!topic.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            {
                diagnostics.Add(new HelpDiagnostic(path, 1, HelpDiagnosticCodes.About, "About topic files must be named about_<Topic>.md."));
            }

            int shortAt = IndexOfSection(blocks, "SHORT DESCRIPTION");
            int longAt = IndexOfSection(blocks, "LONG DESCRIPTION");
            if (shortAt < 0)
            {
                diagnostics.Add(new HelpDiagnostic(path, blocks[0].Line, HelpDiagnosticCodes.About, "Missing '## SHORT DESCRIPTION' section."));
            }
            else if (shortAt + 1 >= blocks.Count || blocks[shortAt + 1].Kind != MarkdownBlockKind.Paragraph)
            {
                diagnostics.Add(new HelpDiagnostic(path, blocks[shortAt].Line, HelpDiagnosticCodes.About, "'## SHORT DESCRIPTION' must be followed by a paragraph."));
            }

            if (longAt < 0)
            {
                diagnostics.Add(new HelpDiagnostic(path, blocks[0].Line, HelpDiagnosticCodes.About, "Missing '## LONG DESCRIPTION' section."));
            }
            else if (shortAt >= 0 && longAt < shortAt)
            {
                diagnostics.Add(new HelpDiagnostic(path, blocks[longAt].Line, HelpDiagnosticCodes.About, "'## LONG DESCRIPTION' must come after '## SHORT DESCRIPTION'."));
            }

            for (int k = 1; shortAt > 0 && k < shortAt; k++)
            {
                diagnostics.Add(new HelpDiagnostic(path, blocks[k].Line, HelpDiagnosticCodes.About, "Content between the title and '## SHORT DESCRIPTION' is not allowed."));
            }

            if (diagnostics.Count > 0)
            {
                throw new HelpFormatException(diagnostics);
            }

            var lines = new List<string> { "TOPIC", TextIndent + topic };
            for (int k = 1; k < blocks.Count; k++)
            {
                MarkdownBlock b = blocks[k];
                switch (b.Kind)
                {
                    case MarkdownBlockKind.Heading:
                        lines.Add(string.Empty);
                        if (b.Level <= 2)
                        {
                            lines.Add(b.Text.ToUpperInvariant());
                        }
                        else if (b.Level == 3)
                        {
                            lines.Add("  " + b.Text);
                        }
                        else
                        {
                            lines.Add(TextIndent + b.Text);
                        }

                        break;
                    case MarkdownBlockKind.Paragraph:
                        if (k > 1 && blocks[k - 1].Kind != MarkdownBlockKind.Heading)
                        {
                            lines.Add(string.Empty);
                        }

                        AppendParagraph(lines, b);
                        break;
                    case MarkdownBlockKind.Code:
                        if (blocks[k - 1].Kind != MarkdownBlockKind.Heading)
                        {
                            lines.Add(string.Empty);
                        }

                        foreach (string codeLine in b.Text.Split('\n'))
                        {
                            lines.Add(codeLine.Trim().Length == 0 ? string.Empty : CodeIndent + codeLine.TrimEnd());
                        }

                        break;
                }
            }

            var sb = new StringBuilder();
            foreach (string line in lines)
            {
                sb.Append(line).Append(newLine);
            }

            return sb.ToString();
        }

        private static int IndexOfSection(List<MarkdownBlock> blocks, string title)
        {
            for (int k = 1; k < blocks.Count; k++)
            {
                if (blocks[k].Kind == MarkdownBlockKind.Heading && blocks[k].Level == 2
                    && string.Equals(blocks[k].Text.Trim(), title, StringComparison.OrdinalIgnoreCase))
                {
                    return k;
                }
            }

            return -1;
        }

        private static void AppendParagraph(List<string> lines, MarkdownBlock paragraph)
        {
            foreach (ParagraphLine line in paragraph.Lines)
            {
                if (line.IsTableRow)
                {
                    lines.Add(TextIndent + line); // tables are kept as written
                }
                else if (line.Marker != null)
                {
                    string indent = TextIndent + line.Indent;
                    string marker = line.Marker + " ";
                    Wrap(lines, line.Text, indent + marker, indent + new string(' ', marker.Length));
                }
                else
                {
                    Wrap(lines, line.Text, TextIndent, TextIndent);
                }
            }
        }

        /// <summary>Greedy word wrap so no line passes <see cref="Width"/> columns (a single longer word gets a line of its own).</summary>
        public static void Wrap(List<string> lines, string text, string firstPrefix, string nextPrefix)
        {
            string[] words = text.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            var line = new StringBuilder(firstPrefix);
            bool empty = true;
            foreach (string word in words)
            {
                if (!empty && line.Length + 1 + word.Length > Width)
                {
                    lines.Add(line.ToString());
                    line.Clear().Append(nextPrefix);
                    empty = true;
                }

                if (!empty)
                {
                    line.Append(' ');
                }

                line.Append(word);
                empty = false;
            }

            if (!empty)
            {
                lines.Add(line.ToString());
            }
        }
    }
}
