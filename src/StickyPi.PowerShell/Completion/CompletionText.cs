using System.Linq;
using System.Management.Automation;
using System.Text;

namespace StickyPi.PowerShell.Completion
{
    /// <summary>Turns the word being completed into plain text, and a stored name into text the command line accepts.</summary>
    internal static class CompletionText
    {
        // Characters that end or change a bare command argument in PowerShell.
        private const string Special = " \t'\"`$&|;,(){}[]@#<>\u2018\u2019\u201A\u201B\u201C\u201D\u201E";

        /// <summary>The typed word without its opening (and closing) quote; <paramref name="quote"/> is that quote or '\0'.</summary>
        public static string Unquote(string word, out char quote)
        {
            quote = '\0';
            if (string.IsNullOrEmpty(word))
            {
                return string.Empty;
            }

            char first = word[0];
            if (first == '\'' || first == '"')
            {
                quote = first;
                string inner = word.Substring(1);
                if (inner.Length > 0 && inner[inner.Length - 1] == first)
                {
                    inner = inner.Substring(0, inner.Length - 1);
                }

                return first == '\'' ? inner.Replace("''", "'") : inner.Replace("`\"", "\"").Replace("\"\"", "\"");
            }

            return word;
        }

        /// <summary>
        /// The completion text for a stored name: wildcard characters escaped when the parameter takes wildcards, then
        /// quoted when the name needs it (or when the user already opened a quote, in that style).
        /// </summary>
        public static string Format(string name, char quote, bool escapeWildcards)
        {
            string value = escapeWildcards ? WildcardPattern.Escape(name) : name;
            if (quote == '"')
            {
                var sb = new StringBuilder("\"");
                foreach (char c in value)
                {
                    if (c == '"' || c == '`' || c == '$' || c == '\u201C' || c == '\u201D' || c == '\u201E')
                    {
                        sb.Append('`');
                    }

                    sb.Append(c);
                }

                return sb.Append('"').ToString();
            }

            if (quote == '\'' || NeedsQuotes(value))
            {
                var sb = new StringBuilder("'");
                foreach (char c in value)
                {
                    // Every single-quote character PowerShell recognises is doubled inside a single-quoted string.
                    if (c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B')
                    {
                        sb.Append(c);
                    }

                    sb.Append(c);
                }

                return sb.Append('\'').ToString();
            }

            return value;
        }

        private static bool NeedsQuotes(string value) =>
            value.Length == 0 || value[0] == '-' || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || Special.IndexOf(c) >= 0);
    }
}
