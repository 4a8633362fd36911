using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StickyPi.HelpBuilder
{
    /// <summary>A <c>key: value</c> pair of a platyPS YAML block (front matter or a parameter's metadata).</summary>
    public sealed class YamlEntry
    {
        // platyPS writes values unquoted even when YAML would read them as an alias, tag or flow collection
        // ("Default value: * (every device)"); such a value is quoted so YamlDotNet reads it as the text it is.
        private static readonly Regex UnquotedIndicatorValue = new Regex(@"^([^\s#:'""][^:]*?):[ \t]+([*&!|>%@`\[\]{}].*?)[ \t]*$", RegexOptions.CultureInvariant | RegexOptions.Multiline);

        public string Key { get; set; }

        public string Value { get; set; }

        /// <summary>1-based line of the key in the markdown file.</summary>
        public int Line { get; set; }

        /// <summary>
        /// Reads a YAML mapping of single values with YamlDotNet. <paramref name="firstLine"/> is the file line of the
        /// YAML's first line, so errors name the markdown line. Returns null (and adds diagnostics) when it is not one.
        /// </summary>
        public static List<YamlEntry> ReadMapping(string yaml, int firstLine, string path, string code, string what, List<HelpDiagnostic> diagnostics)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(UnquotedIndicatorValue.Replace(yaml, m => m.Groups[1].Value + ": '" + m.Groups[2].Value.Replace("'", "''") + "'")));
            }
            catch (YamlException e)
            {
                string message = e.Message.Substring(e.Message.IndexOf("): ", System.StringComparison.Ordinal) + 1).Trim(' ', ':');
                diagnostics.Add(new HelpDiagnostic(path, firstLine + (int)e.Start.Line - 1, code, what + " is not 'Key: value' YAML: " + message));
                return null;
            }

            var entries = new List<YamlEntry>();
            if (stream.Documents.Count == 0 || (stream.Documents[0].RootNode is YamlScalarNode empty && string.IsNullOrEmpty(empty.Value)))
            {
                return entries;
            }

            if (!(stream.Documents[0].RootNode is YamlMappingNode mapping))
            {
                diagnostics.Add(new HelpDiagnostic(path, firstLine + (int)stream.Documents[0].RootNode.Start.Line - 1, code, what + " must be 'Key: value' lines."));
                return null;
            }

            int errors = diagnostics.Count;
            foreach (var pair in mapping.Children)
            {
                int line = firstLine + (int)pair.Key.Start.Line - 1;
                if (!(pair.Key is YamlScalarNode key) || !(pair.Value is YamlScalarNode value))
                {
                    diagnostics.Add(new HelpDiagnostic(path, line, code, what + ": each line must be 'Key: value' with a single value, found '" + pair.Key + "'."));
                    continue;
                }

                entries.Add(new YamlEntry { Key = key.Value, Value = value.Value ?? string.Empty, Line = line });
            }

            return diagnostics.Count > errors ? null : entries;
        }
    }
}
