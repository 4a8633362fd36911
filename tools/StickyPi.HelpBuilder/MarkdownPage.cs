using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace StickyPi.HelpBuilder
{
    public enum MarkdownBlockKind
    {
        Heading,
        Paragraph,
        Code,
    }

    /// <summary>A line of help text: a list item keeps its marker (<c>-</c>, <c>1.</c>) so readers see the list.</summary>
    public sealed class ParagraphLine
    {
        /// <summary><c>"  "</c> for an item of a nested list, otherwise empty.</summary>
        public string Indent { get; set; } = string.Empty;

        /// <summary>The list marker as written (<c>-</c>, <c>*</c>, <c>1.</c>); null outside a list.</summary>
        public string Marker { get; set; }

        public string Text { get; set; }

        public bool IsTableRow { get; set; }

        public override string ToString() => Indent + (Marker == null ? string.Empty : Marker + " ") + Text;
    }

    /// <summary>
    /// A block of a page as the help sections see it, with the 1-based line it starts on. A paragraph is a run of
    /// text without a blank line in it (prose, list items and table rows together), as Get-Help shows one paragraph.
    /// </summary>
    public sealed class MarkdownBlock
    {
        public MarkdownBlockKind Kind { get; set; }

        public int Line { get; set; }

        /// <summary>Heading level (1–6); 0 for other blocks.</summary>
        public int Level { get; set; }

        /// <summary>Heading text (inline markdown reduced), or code block content (lines joined with <c>\n</c>).</summary>
        public string Text { get; set; }

        /// <summary>First word of a fenced code block's info string (<c>powershell</c>, <c>yaml</c>), lower-cased.</summary>
        public string Language { get; set; } = string.Empty;

        /// <summary>The logical lines of a paragraph: soft-wrapped lines joined, one line per list item or table row.</summary>
        public List<ParagraphLine> Lines { get; } = new List<ParagraphLine>();

        /// <summary>Markdig's inline content of the paragraph, for sections that look at links.</summary>
        public List<ContainerInline> Inlines { get; } = new List<ContainerInline>();

        internal int LastLine { get; set; }

        /// <summary>The paragraph as one string, its lines joined with <c>\n</c> (one MAML para).</summary>
        public string ParagraphText => string.Join("\n", Lines);

        public override string ToString() => Kind + "@" + Line + ": " + (Text ?? ParagraphText);
    }

    /// <summary>
    /// A markdown file read by Markdig (CommonMark, pipe tables, YAML front matter), flattened into the headings,
    /// paragraphs and code blocks the platyPS sections are made of. HTML comments are dropped.
    /// </summary>
    public sealed class MarkdownPage
    {
        private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().UsePipeTables().Build();
        private static readonly MarkdownPipeline InlineOnly = new MarkdownPipelineBuilder().Build();

        private readonly string _text;
        private readonly List<int> _lineStarts = new List<int> { 0 };
        private string _pendingMarker;
        private string _pendingIndent;

        private MarkdownPage(string path, string text)
        {
            Path = path;
            _text = text;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
                {
                    _lineStarts.Add(i + 1);
                }
            }
        }

        public string Path { get; }

        /// <summary>Front matter keys in order; null when the file has none.</summary>
        public List<YamlEntry> FrontMatter { get; private set; }

        public int FrontMatterLine { get; private set; }

        public List<MarkdownBlock> Blocks { get; } = new List<MarkdownBlock>();

        public static MarkdownPage Parse(string text, string path, List<HelpDiagnostic> diagnostics)
        {
            text = (text ?? string.Empty).TrimStart('\uFEFF');
            var page = new MarkdownPage(path, text);
            for (int n = 0; n < page._lineStarts.Count; n++)
            {
                string line = page.SourceLine(n + 1);
                if (line.Any(c => c != '\t' && !System.Xml.XmlConvert.IsXmlChar(c) && !char.IsSurrogate(c)))
                {
                    diagnostics.Add(new HelpDiagnostic(path, n + 1, HelpDiagnosticCodes.Markdown, "Line holds a control character that XML (and so MAML) cannot carry."));
                }
            }

            if (diagnostics.Count > 0)
            {
                return page;
            }

            MarkdownDocument document = Markdown.Parse(text, Pipeline);
            YamlFrontMatterBlock frontMatter = document.OfType<YamlFrontMatterBlock>().FirstOrDefault();
            if (frontMatter != null)
            {
                page.FrontMatterLine = frontMatter.Line + 1;
                page.FrontMatter = YamlEntry.ReadMapping(frontMatter.Lines.ToString(), frontMatter.Line + 2, path, HelpDiagnosticCodes.FrontMatter, "Front matter", diagnostics);
            }
            else if (page.SourceLine(1).TrimEnd() == "---")
            {
                diagnostics.Add(new HelpDiagnostic(path, 1, HelpDiagnosticCodes.FrontMatter, "YAML front matter opened with '---' is never closed by a '---' line."));
            }

            if (diagnostics.Count == 0)
            {
                page.Add(document, diagnostics, listDepth: 0);
            }

            return page;
        }

        /// <summary>Reduces a line of inline markdown (e.g. a table row) to text.</summary>
        public static string InlineText(string markdown) =>
            Markdown.Parse(markdown, InlineOnly).OfType<ParagraphBlock>().Select(p => Reduce(p.Inline)).FirstOrDefault() ?? markdown;

        public static bool IsAbsoluteUri(string s) =>
            !string.IsNullOrEmpty(s) && Uri.TryCreate(s, UriKind.Absolute, out Uri u) && (u.Scheme == "http" || u.Scheme == "https");

        /// <summary>
        /// Inline markdown as the text Get-Help shows: links become their text (plus the URL when absolute), strong
        /// emphasis markers go, code spans keep their backticks (as Microsoft's own help does); a hard line break is
        /// <c>\n</c>, a soft one a space.
        /// </summary>
        public static string Reduce(Inline inline)
        {
            switch (inline)
            {
                case null:
                    return string.Empty;
                case LiteralInline literal:
                    return literal.Content.ToString();
                case CodeInline code:
                    string fence = new string(code.Delimiter, code.DelimiterCount);
                    string pad = code.Content.StartsWith(code.Delimiter) || code.Content.EndsWith(code.Delimiter) ? " " : string.Empty;
                    return fence + pad + code.Content + pad + fence;
                case LineBreakInline lineBreak:
                    return lineBreak.IsHard ? "\n" : " ";
                case AutolinkInline autolink:
                    return "<" + autolink.Url + ">";
                case HtmlInline html:
                    return html.Tag;
                case HtmlEntityInline entity:
                    return entity.Transcoded.ToString();
                case LinkInline link when link.IsImage:
                    return "![" + TextOf(link) + "](" + link.Url + ")";
                case LinkInline link:
                    string label = TextOf(link);
                    return IsAbsoluteUri(link.Url) && link.Url != label ? label + " (" + link.Url + ")" : label;
                case EmphasisInline emphasis when emphasis.DelimiterCount == 1:
                    return emphasis.DelimiterChar + TextOf(emphasis) + emphasis.DelimiterChar;
                case ContainerInline container:
                    return TextOf(container);
                default:
                    return inline.ToString();
            }
        }

        /// <summary>The reduced text of an inline container's children (a link's label).</summary>
        public static string TextOf(ContainerInline container)
        {
            var sb = new StringBuilder();
            foreach (Inline child in container)
            {
                sb.Append(Reduce(child));
            }

            return sb.ToString();
        }

        /// <summary>The 1-based line <paramref name="line"/> of the source, without its line end.</summary>
        public string SourceLine(int line)
        {
            if (line < 1 || line > _lineStarts.Count)
            {
                return string.Empty;
            }

            int start = _lineStarts[line - 1];
            int end = line < _lineStarts.Count ? _lineStarts[line] : _text.Length;
            return _text.Substring(start, end - start).TrimEnd('\r', '\n');
        }

        private int LineOf(int offset)
        {
            int i = _lineStarts.BinarySearch(Math.Max(0, offset));
            return (i >= 0 ? i : ~i - 1) + 1;
        }

        private void Add(ContainerBlock container, List<HelpDiagnostic> diagnostics, int listDepth)
        {
            foreach (Block block in container)
            {
                int line = block.Line + 1;
                string marker = _pendingMarker, indent = _pendingIndent;
                _pendingMarker = null;
                switch (block)
                {
                    case YamlFrontMatterBlock _:
                    case LinkReferenceDefinitionGroup _:
                        break;
                    case HeadingBlock heading:
                        Blocks.Add(new MarkdownBlock { Kind = MarkdownBlockKind.Heading, Line = line, Level = heading.Level, Text = Reduce(heading.Inline).Trim() });
                        break;
                    case FencedCodeBlock fenced when fenced.ClosingFencedCharCount == 0:
                        diagnostics.Add(new HelpDiagnostic(Path, line, HelpDiagnosticCodes.Markdown, "Code block opened with '" + new string(fenced.FencedChar, fenced.OpeningFencedCharCount) + "' is never closed."));
                        return;
                    case CodeBlock code:
                        Blocks.Add(new MarkdownBlock
                        {
                            Kind = MarkdownBlockKind.Code,
                            Line = line,
                            Language = ((code as FencedCodeBlock)?.Info ?? string.Empty).ToLowerInvariant(),
                            Text = string.Join("\n", code.Lines.Lines.Take(code.Lines.Count).Select(l => l.Slice.ToString().TrimEnd())),
                        });
                        break;
                    case HtmlBlock html when html.Type == HtmlBlockType.Comment:
                        if (!html.Lines.ToString().Contains("-->"))
                        {
                            diagnostics.Add(new HelpDiagnostic(Path, line, HelpDiagnosticCodes.Markdown, "HTML comment '<!--' is never closed."));
                            return;
                        }

                        break;
                    case ListBlock list:
                        foreach (ListItemBlock item in list.OfType<ListItemBlock>())
                        {
                            // The item's first paragraph carries the marker.
                            _pendingMarker = list.IsOrdered ? item.Order.ToString(System.Globalization.CultureInfo.InvariantCulture) + list.OrderedDelimiter : list.BulletType.ToString();
                            _pendingIndent = listDepth > 0 ? "  " : string.Empty;
                            Add(item, diagnostics, listDepth + 1);
                        }

                        break;
                    case Table table:
                        AddText(table, line, null, null);
                        break;
                    case ContainerBlock nested:
                        Add(nested, diagnostics, listDepth);
                        break;
                    case LeafBlock leaf:
                        AddText(leaf, line, marker, indent);
                        break;
                }
            }
        }

        /// <summary>Adds prose, a table or raw HTML, joining it to the previous paragraph when no blank line is between.</summary>
        private void AddText(Block leaf, int line, string marker, string indent)
        {
            var lines = new List<ParagraphLine>();
            if (leaf is ParagraphBlock paragraph)
            {
                lines.AddRange(Reduce(paragraph.Inline).Split('\n').Select(t => t.Trim()).Where(t => t.Length > 0).Select(t => new ParagraphLine { Text = t }));
            }
            else
            {
                for (int n = line; n <= LineOf(leaf.Span.End); n++)
                {
                    string raw = SourceLine(n).Trim();
                    bool row = leaf is Table && raw.StartsWith("|", StringComparison.Ordinal);
                    lines.Add(new ParagraphLine { Text = row || leaf is Table ? InlineText(raw) : raw, IsTableRow = row });
                }
            }

            if (marker != null && lines.Count > 0)
            {
                lines[0].Marker = marker;
                lines[0].Indent = indent;
            }

            MarkdownBlock previous = Blocks.LastOrDefault();
            if (previous == null || previous.Kind != MarkdownBlockKind.Paragraph || previous.LastLine + 1 != line)
            {
                previous = new MarkdownBlock { Kind = MarkdownBlockKind.Paragraph, Line = line };
                Blocks.Add(previous);
            }

            previous.Lines.AddRange(lines);
            if ((leaf as LeafBlock)?.Inline != null)
            {
                previous.Inlines.Add(((LeafBlock)leaf).Inline);
            }

            previous.LastLine = LineOf(leaf.Span.End);
        }
    }
}
