using System.Text;

namespace StickyPi.Core.Model
{
    /// <summary>Converts PowerShell-style wildcards (<c>*</c>, <c>?</c>, <c>[</c>…<c>]</c> unsupported) to SQL LIKE patterns.</summary>
    public static class DevicePattern
    {
        /// <summary>The LIKE escape character used in every pattern this produces.</summary>
        public const char Escape = '\\';

        /// <summary><c>*</c> → <c>%</c>, <c>?</c> → <c>_</c>; literal <c>%</c>, <c>_</c> and <c>\</c> are escaped; <c>`</c> escapes the next char.</summary>
        public static string FromWildcard(string wildcard)
        {
            if (string.IsNullOrEmpty(wildcard))
            {
                return "%";
            }

            var sb = new StringBuilder(wildcard.Length + 4);
            for (int i = 0; i < wildcard.Length; i++)
            {
                char c = wildcard[i];
                if (c == '`' && i + 1 < wildcard.Length)
                {
                    AppendLiteral(sb, wildcard[++i]);
                }
                else if (c == '*')
                {
                    sb.Append('%');
                }
                else if (c == '?')
                {
                    sb.Append('_');
                }
                else
                {
                    AppendLiteral(sb, c);
                }
            }

            return sb.ToString();
        }

        private static void AppendLiteral(StringBuilder sb, char c)
        {
            if (c == '%' || c == '_' || c == Escape)
            {
                sb.Append(Escape);
            }

            sb.Append(c);
        }
    }
}
