using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace StickyPi.HelpBuilder
{
    public enum MarkdownBlockKind
    {
        Heading,
        Paragraph,
        Code,
    }

    /// <summary>A block-level element of a markdown file with the line it starts on (1-based).</summary>
    public sealed class MarkdownBlock
    {
        public MarkdownBlockKind Kind { get; set; }

        public int Line { get; set; }

        /// <summary>Heading level (1–6); 0 for other blocks.</summary>
        public int Level { get; set; }

        /// <summary>Heading text, or code block content (lines joined with <c>\n</c>).</summary>
        public string Text { get; set; }

        /// <summary>Info string of a fenced code block (<c>powershell</c>, <c>yaml</c>, …), lower-cased; empty when absent.</summary>
        public string Language { get; set; } = string.Empty;

        /// <summary>Raw lines of a paragraph (indentation kept, so list items can be told apart).</summary>
        public List<string> Lines { get; } = new List<string>();

        public override string ToString() => Kind + "@" + Line + ": " + (Text ?? string.Join(" ", Lines));
    }

    /// <summary>
    /// A deliberately small markdown reader covering what platyPS markdown uses: YAML front matter, ATX headings,
    /// fenced code blocks (``` and ~~~), paragraphs (including lists and tables, kept as lines) and HTML comments
    /// (dropped). Setext headings, indented code blocks and block quotes are not recognised (they read as paragraphs).
    /// </summary>
    public sealed class MarkdownDocument
    {
        private static readonly Regex HeadingPattern = new Regex(@"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$", RegexOptions.CultureInvariant);
        private static readonly Regex FencePattern = new Regex(@"^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$", RegexOptions.CultureInvariant);

        private MarkdownDocument()
        {
        }

        public string Path { get; private set; }

        /// <summary>Front matter keys in order; null when the file has none.</summary>
        public List<KeyValuePair<string, string>> FrontMatter { get; private set; }

        public int FrontMatterLine { get; private set; }

        public List<MarkdownBlock> Blocks { get; } = new List<MarkdownBlock>();

        public static MarkdownDocument Parse(string text, string path, List<HelpDiagnostic> diagnostics)
        {
            var doc = new MarkdownDocument { Path = path };
            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                text = text.Substring(1);
            }

            string[] lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
            for (int n = 0; n < lines.Length; n++)
            {
                try
                {
                    System.Xml.XmlConvert.VerifyXmlChars(lines[n]);
                }
                catch (System.Xml.XmlException)
                {
                    diagnostics.Add(new HelpDiagnostic(path, n + 1, HelpDiagnosticCodes.Markdown, "Line holds a control character that XML (and so MAML) cannot carry."));
                }
            }

            if (diagnostics.Count > 0)
            {
                return doc;
            }

            int i = 0;

            if (lines.Length > 0 && lines[0].TrimEnd() == "---")
            {
                doc.FrontMatter = new List<KeyValuePair<string, string>>();
                doc.FrontMatterLine = 1;
                int end = -1;
                for (int j = 1; j < lines.Length; j++)
                {
                    if (lines[j].TrimEnd() == "---")
                    {
                        end = j;
                        break;
                    }
                }

                if (end < 0)
                {
                    diagnostics.Add(new HelpDiagnostic(path, 1, HelpDiagnosticCodes.FrontMatter, "YAML front matter opened with '---' is never closed by a '---' line."));
                    return doc;
                }

                for (int j = 1; j < end; j++)
                {
                    string l = lines[j];
                    if (l.Trim().Length == 0 || l.TrimStart().StartsWith("#", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (!YamlLine.TryParse(l, out string key, out string value))
                    {
                        diagnostics.Add(new HelpDiagnostic(path, j + 1, HelpDiagnosticCodes.FrontMatter, "Front matter line is not a 'key: value' pair: '" + l.Trim() + "'."));
                        continue;
                    }

                    doc.FrontMatter.Add(new KeyValuePair<string, string>(key, value));
                }

                i = end + 1;
            }

            MarkdownBlock paragraph = null;
            while (i < lines.Length)
            {
                string line = lines[i];
                int lineNo = i + 1;

                Match fence = FencePattern.Match(line);
                if (fence.Success)
                {
                    paragraph = null;
                    string marker = fence.Groups[2].Value;
                    int indent = fence.Groups[1].Value.Length;
                    var body = new List<string>();
                    int close = -1;
                    for (int j = i + 1; j < lines.Length; j++)
                    {
                        string t = lines[j].Trim();
                        if (t.Length >= marker.Length && t.All(c => c == marker[0]))
                        {
                            close = j;
                            break;
                        }

                        body.Add(RemoveIndent(lines[j], indent));
                    }

                    if (close < 0)
                    {
                        diagnostics.Add(new HelpDiagnostic(path, lineNo, HelpDiagnosticCodes.Markdown, "Code block opened with '" + marker + "' is never closed."));
                        return doc;
                    }

                    doc.Blocks.Add(new MarkdownBlock
                    {
                        Kind = MarkdownBlockKind.Code,
                        Line = lineNo,
                        Language = fence.Groups[3].Value.ToLowerInvariant(),
                        Text = string.Join("\n", body),
                    });
                    i = close + 1;
                    continue;
                }

                if (line.TrimStart().StartsWith("<!--", StringComparison.Ordinal))
                {
                    paragraph = null;
                    int j = i;
                    while (j < lines.Length && lines[j].IndexOf("-->", StringComparison.Ordinal) < 0)
                    {
                        j++;
                    }

                    if (j == lines.Length)
                    {
                        diagnostics.Add(new HelpDiagnostic(path, lineNo, HelpDiagnosticCodes.Markdown, "HTML comment '<!--' is never closed."));
                        return doc;
                    }

                    i = j + 1;
                    continue;
                }

                Match heading = HeadingPattern.Match(line);
                if (heading.Success)
                {
                    paragraph = null;
                    doc.Blocks.Add(new MarkdownBlock
                    {
                        Kind = MarkdownBlockKind.Heading,
                        Line = lineNo,
                        Level = heading.Groups[1].Value.Length,
                        Text = heading.Groups[2].Value.Trim(),
                    });
                    i++;
                    continue;
                }

                if (line.Trim().Length == 0)
                {
                    paragraph = null;
                    i++;
                    continue;
                }

                if (paragraph == null)
                {
                    paragraph = new MarkdownBlock { Kind = MarkdownBlockKind.Paragraph, Line = lineNo };
                    doc.Blocks.Add(paragraph);
                }

                paragraph.Lines.Add(line.TrimEnd('\t').Replace("\t", "    "));
                i++;
            }

            return doc;
        }

        private static string RemoveIndent(string line, int indent)
        {
            int n = 0;
            while (n < indent && n < line.Length && line[n] == ' ')
            {
                n++;
            }

            return line.Substring(n).TrimEnd();
        }
    }

    /// <summary>The single-line <c>key: value</c> YAML form that platyPS front matter and parameter blocks use.</summary>
    public static class YamlLine
    {
        private static readonly Regex Pattern = new Regex(@"^([A-Za-z][A-Za-z0-9 _.\-]*?)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$", RegexOptions.CultureInvariant);

        public static bool TryParse(string line, out string key, out string value)
        {
            key = null;
            value = null;
            Match m = Pattern.Match(line);
            if (!m.Success)
            {
                return false;
            }

            key = m.Groups[1].Value.Trim();
            value = Unquote(m.Groups[2].Success ? m.Groups[2].Value : string.Empty);
            return value != null;
        }

        private static string Unquote(string v)
        {
            if (v.Length >= 2 && ((v[0] == '\'' && v[v.Length - 1] == '\'') || (v[0] == '"' && v[v.Length - 1] == '"')))
            {
                return v.Substring(1, v.Length - 2);
            }

            if (v.Length > 0 && (v[0] == '\'' || v[0] == '"'))
            {
                return null; // unbalanced quote
            }

            return v;
        }
    }

    /// <summary>Turns markdown paragraphs into the plain text Get-Help shows.</summary>
    public static class MarkdownText
    {
        private static readonly Regex ListItem = new Regex(@"^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$", RegexOptions.CultureInvariant);
        private static readonly Regex Link = new Regex(@"(?<!!)\[([^\]]+)\]\(([^)\s]*)(?:\s+""[^""]*"")?\)", RegexOptions.CultureInvariant);
        private static readonly Regex Strong = new Regex(@"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", RegexOptions.CultureInvariant);
        private static readonly Regex Escape = new Regex(@"\\([\\`*_{}\[\]()#+\-.!<>|~])", RegexOptions.CultureInvariant);

        /// <summary>True for a line that starts a list item (<c>- x</c>, <c>* x</c>, <c>1. x</c>).</summary>
        public static bool IsListItem(string line) => ListItem.IsMatch(line);

        /// <summary>
        /// One string per paragraph. Soft-wrapped lines are joined with a space; list items and table rows keep a
        /// line each (joined with <c>\n</c>); code blocks become a paragraph holding the code lines verbatim.
        /// </summary>
        public static List<string> ToParagraphs(IEnumerable<MarkdownBlock> blocks)
        {
            var result = new List<string>();
            foreach (var block in blocks)
            {
                if (block.Kind == MarkdownBlockKind.Paragraph)
                {
                    result.Add(string.Join("\n", ParagraphLines(block.Lines)));
                }
                else if (block.Kind == MarkdownBlockKind.Code)
                {
                    result.Add(block.Text);
                }
            }

            return result;
        }

        /// <summary>
        /// The logical lines of a paragraph: runs of prose joined into one line, a line per list item (marker kept,
        /// continuation joined), table rows verbatim. Inline markdown is reduced to text.
        /// </summary>
        public static List<string> ParagraphLines(IReadOnlyList<string> raw)
        {
            var lines = new List<string>();
            var current = new StringBuilder();
            string currentIndent = string.Empty;

            void Flush()
            {
                if (current.Length > 0)
                {
                    lines.Add(currentIndent + Inline(current.ToString()));
                }

                current.Clear();
                currentIndent = string.Empty;
            }

            foreach (string rawLine in raw)
            {
                bool hardBreak = rawLine.EndsWith("  ", StringComparison.Ordinal) || (rawLine.EndsWith("\\", StringComparison.Ordinal) && !rawLine.EndsWith("\\\\", StringComparison.Ordinal));
                string line = rawLine.TrimEnd();
                if (line.EndsWith("\\", StringComparison.Ordinal) && hardBreak)
                {
                    line = line.Substring(0, line.Length - 1);
                }

                if (line.TrimStart().StartsWith("|", StringComparison.Ordinal))
                {
                    Flush();
                    lines.Add(Inline(line.Trim()));
                    continue;
                }

                Match item = ListItem.Match(line);
                if (item.Success)
                {
                    Flush();
                    currentIndent = item.Groups[1].Value.Length >= 2 ? "  " : string.Empty;
                    current.Append(item.Groups[2].Value).Append(' ').Append(item.Groups[3].Value.Trim());
                }
                else
                {
                    if (current.Length > 0)
                    {
                        current.Append(' ');
                    }

                    current.Append(line.Trim());
                }

                if (hardBreak)
                {
                    Flush();
                }
            }

            Flush();
            return lines;
        }

        /// <summary>Reduces inline markdown to text: links become their text (plus the URL when absolute), bold
        /// markers and backslash escapes go; inline code keeps its backticks, as Microsoft's own help does.</summary>
        public static string Inline(string text)
        {
            var sb = new StringBuilder();
            int pos = 0;
            while (pos < text.Length)
            {
                int tick = text.IndexOf('`', pos);
                if (tick < 0)
                {
                    sb.Append(InlineOutsideCode(text.Substring(pos)));
                    break;
                }

                int run = 1;
                while (tick + run < text.Length && text[tick + run] == '`')
                {
                    run++;
                }

                string fence = new string('`', run);
                int close = text.IndexOf(fence, tick + run, StringComparison.Ordinal);
                if (close < 0)
                {
                    sb.Append(InlineOutsideCode(text.Substring(pos)));
                    break;
                }

                sb.Append(InlineOutsideCode(text.Substring(pos, tick - pos)));
                sb.Append(text, tick, close + run - tick);
                pos = close + run;
            }

            return sb.ToString();
        }

        private static string InlineOutsideCode(string s)
        {
            s = Link.Replace(s, m =>
            {
                string label = m.Groups[1].Value;
                string target = m.Groups[2].Value;
                return IsAbsoluteUri(target) && target != label ? label + " (" + target + ")" : label;
            });
            s = Strong.Replace(s, "$2");
            s = Escape.Replace(s, "$1");
            return s;
        }

        public static bool IsAbsoluteUri(string s) =>
            !string.IsNullOrEmpty(s) && Uri.TryCreate(s, UriKind.Absolute, out Uri u) && (u.Scheme == "http" || u.Scheme == "https");
    }
}
