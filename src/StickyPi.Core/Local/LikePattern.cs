using System.Collections.Generic;
using System.Text;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// SQL LIKE semantics (<c>%</c>, <c>_</c>, escape <see cref="DevicePattern.Escape"/>, ASCII case-insensitive as in
    /// SQLite), evaluated in memory so the store can walk the distinct devices through the index and query each
    /// matching device by equality instead of scanning the table with LIKE (spec Appendix B).
    /// </summary>
    internal sealed class LikePattern
    {
        private readonly Token[] _tokens;

        public LikePattern(string pattern)
        {
            Pattern = pattern ?? "%";
            var tokens = new List<Token>();
            var prefix = new StringBuilder();
            bool inPrefix = true;
            for (int i = 0; i < Pattern.Length; i++)
            {
                char c = Pattern[i];
                Token t;
                if (c == DevicePattern.Escape && i + 1 < Pattern.Length)
                {
                    t = new Token(TokenKind.Literal, Pattern[++i]);
                }
                else if (c == '%')
                {
                    t = new Token(TokenKind.AnyRun, c);
                }
                else if (c == '_')
                {
                    t = new Token(TokenKind.AnyOne, c);
                }
                else
                {
                    t = new Token(TokenKind.Literal, c);
                }

                if (t.Kind != TokenKind.Literal)
                {
                    inPrefix = false;
                    HasWildcard = true;
                }
                else if (inPrefix)
                {
                    prefix.Append(t.Char);
                }

                tokens.Add(t);
            }

            _tokens = tokens.ToArray();
            LiteralPrefix = prefix.ToString();
        }

        public string Pattern { get; }

        /// <summary>The literal text before the first wildcard (the whole unescaped pattern when there is none).</summary>
        public string LiteralPrefix { get; }

        public bool HasWildcard { get; }

        /// <summary>Smallest string (ordinal) that can start with a case variant of the prefix: upper case sorts first.</summary>
        public string LowestPrefixVariant => AsciiUpper(LiteralPrefix);

        /// <summary>Largest case variant of the prefix: lower case sorts last.</summary>
        public string HighestPrefixVariant => AsciiLower(LiteralPrefix);

        public bool IsMatch(string value)
        {
            if (value == null)
            {
                return false;
            }

            // Classic wildcard matching: on a mismatch, retry from the last '%' one character further.
            int v = 0, p = 0, starP = -1, starV = 0;
            while (v < value.Length)
            {
                if (p < _tokens.Length && _tokens[p].Kind != TokenKind.AnyRun &&
                    (_tokens[p].Kind == TokenKind.AnyOne || AsciiEquals(_tokens[p].Char, value[v])))
                {
                    p++;
                    v++;
                }
                else if (p < _tokens.Length && _tokens[p].Kind == TokenKind.AnyRun)
                {
                    starP = p++;
                    starV = v;
                }
                else if (starP >= 0)
                {
                    p = starP + 1;
                    v = ++starV;
                }
                else
                {
                    return false;
                }
            }

            while (p < _tokens.Length && _tokens[p].Kind == TokenKind.AnyRun)
            {
                p++;
            }

            return p == _tokens.Length;
        }

        internal static bool AsciiEquals(char a, char b) => a == b || (IsAsciiLetter(a) && (a | 0x20) == (b | 0x20));

        internal static string AsciiUpper(string s)
        {
            var chars = s.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (chars[i] >= 'a' && chars[i] <= 'z')
                {
                    chars[i] = (char)(chars[i] - 32);
                }
            }

            return new string(chars);
        }

        internal static string AsciiLower(string s)
        {
            var chars = s.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (chars[i] >= 'A' && chars[i] <= 'Z')
                {
                    chars[i] = (char)(chars[i] + 32);
                }
            }

            return new string(chars);
        }

        private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

        private enum TokenKind
        {
            Literal,
            AnyOne,
            AnyRun,
        }

        private readonly struct Token
        {
            public Token(TokenKind kind, char c)
            {
                Kind = kind;
                Char = c;
            }

            public TokenKind Kind { get; }

            public char Char { get; }
        }
    }
}
