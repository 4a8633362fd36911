using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace StickyPi.Core.Tests.Properties
{
    /// <summary>
    /// A reference grammar for the Python literals 2020 devices write (spec §4.4): a random value and one of its many
    /// spellings (quotes, escapes, \N{} names, number bases, underscores, signs, trailing commas, parentheses,
    /// implicit string concatenation, whitespace), written from the Python language reference, not from the parser.
    /// </summary>
    internal sealed class PythonLiteralGrammar
    {
        private static readonly (string name, string text)[] Names =
        {
            ("BULLET", "\u2022"), ("bullet", "\u2022"), ("LATIN SMALL LETTER A", "a"), ("LINE FEED", "\n"), ("NO-BREAK SPACE", "\u00A0"),
            ("GREEK SMALL LETTER ALPHA", "\u03B1"), ("HANGUL SYLLABLE GAG", "\uAC01"), ("CJK UNIFIED IDEOGRAPH-4E2D", "\u4E2D"),
            ("DEGREE SIGN", "\u00B0"), ("PILE OF POO", "\U0001F4A9"), ("NULL", "\0"), ("BYTE ORDER MARK", "\uFEFF"),
        };

        private readonly Random _rng;

        public PythonLiteralGrammar(int seed)
        {
            _rng = new Random(seed);
        }

        /// <summary>A value (as PythonLiteral returns them) and a spelling of it.</summary>
        public (string text, object value) Literal(int depth = 3)
        {
            int kind = _rng.Next(depth > 0 ? 10 : 6);
            (string text, object value) r;
            switch (kind)
            {
                case 0: r = Int(); break;
                case 1: r = Float(); break;
                case 2: r = Str(); break;
                case 3: r = Constant(); break;
                case 4: r = Int(); break;
                case 5: r = Str(); break;
                case 6: r = List(depth - 1); break;
                case 7: r = Tuple(depth - 1); break;
                default: r = Dict(depth - 1); break;
            }

            if (_rng.Next(12) == 0)
            {
                r.text = "(" + Ws() + r.text + Ws() + ")"; // parentheses alone make no tuple
            }

            return r;
        }

        /// <summary>A 2020-style metadata dict.</summary>
        public (string text, object value) Dict(int depth)
        {
            int n = _rng.Next(0, 6);
            var keys = new List<string>();
            var parts = new List<string>();
            var dict = new Dictionary<string, object>(StringComparer.Ordinal);
            for (int i = 0; i < n; i++)
            {
                var (keyText, keyValue) = Str();
                var (valueText, value) = depth >= 0 ? Literal(depth) : Int();
                parts.Add(keyText + Ws() + ":" + Ws() + valueText);
                dict[(string)keyValue] = value; // a repeated key: the last wins, as in Python
            }

            return ("{" + Ws() + Join(parts, allowTrailing: n > 0) + Ws() + "}", dict);
        }

        private (string, object) List(int depth)
        {
            int n = _rng.Next(0, 5);
            var items = Enumerable.Range(0, n).Select(_ => Literal(depth)).ToList();
            return ("[" + Ws() + Join(items.Select(i => i.text).ToList(), allowTrailing: n > 0) + Ws() + "]", items.Select(i => i.value).ToList());
        }

        private (string, object) Tuple(int depth)
        {
            int n = _rng.Next(0, 4);
            var items = Enumerable.Range(0, n).Select(_ => Literal(depth)).ToList();
            string body = n == 1 ? items[0].text + Ws() + "," : Join(items.Select(i => i.text).ToList(), allowTrailing: n > 1);
            return ("(" + Ws() + body + Ws() + ")", items.Select(i => i.value).ToArray());
        }

        private string Join(List<string> parts, bool allowTrailing)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < parts.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(Ws()).Append(',').Append(Ws());
                }

                sb.Append(parts[i]);
            }

            if (allowTrailing && _rng.Next(3) == 0)
            {
                sb.Append(Ws()).Append(',');
            }

            return sb.ToString();
        }

        /// <summary>Whitespace inside brackets (newlines allowed there, as implicit line joining).</summary>
        private string Ws()
        {
            switch (_rng.Next(8))
            {
                case 0: return " ";
                case 1: return "  ";
                case 2: return "\n  ";
                case 3: return "\t";
                default: return string.Empty;
            }
        }

        private (string, object) Constant()
        {
            switch (_rng.Next(3))
            {
                case 0: return ("True", true);
                case 1: return ("False", false);
                default: return ("None", null);
            }
        }

        private (string, object) Int()
        {
            long value;
            switch (_rng.Next(4))
            {
                case 0: value = _rng.Next(-10, 10); break;
                case 1: value = _rng.Next(); break;
                case 2: value = _rng.NextInt64(long.MinValue, long.MaxValue); break;
                default: value = _rng.Next(2) == 0 ? long.MaxValue : long.MinValue; break;
            }

            ulong magnitude = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
            string digits;
            switch (_rng.Next(5))
            {
                case 0: digits = (_rng.Next(2) == 0 ? "0x" : "0X") + Case(magnitude.ToString("x", CultureInfo.InvariantCulture)); break;
                case 1: digits = (_rng.Next(2) == 0 ? "0o" : "0O") + Convert.ToString((long)magnitude, 8); break;
                case 2: digits = (_rng.Next(2) == 0 ? "0b" : "0B") + Convert.ToString((long)magnitude, 2); break;
                default: digits = magnitude.ToString(CultureInfo.InvariantCulture); break;
            }

            if (magnitude > long.MaxValue && digits.StartsWith("0", StringComparison.Ordinal) && digits.Length > 1 && !char.IsDigit(digits[1]))
            {
                digits = magnitude.ToString(CultureInfo.InvariantCulture); // Convert.ToString(long) cannot show 2^63
            }

            digits = Underscores(digits);
            string sign = value < 0 ? "-" + (_rng.Next(4) == 0 ? " " : string.Empty) : _rng.Next(6) == 0 ? "+" : string.Empty;
            return (sign + digits, value);
        }

        private string Case(string hex) => _rng.Next(2) == 0 ? hex.ToUpperInvariant() : hex;

        /// <summary>Single underscores between digits (never after a base prefix's letter directly... Python allows 0x_1).</summary>
        private string Underscores(string digits)
        {
            if (_rng.Next(4) != 0 || digits.Length < 2)
            {
                return digits;
            }

            int start = digits.Length > 2 && digits[0] == '0' && char.IsLetter(digits[1]) ? 3 : 1;
            var sb = new StringBuilder(digits.Substring(0, Math.Min(start, digits.Length)));
            for (int i = start; i < digits.Length; i++)
            {
                if (_rng.Next(3) == 0)
                {
                    sb.Append('_');
                }

                sb.Append(digits[i]);
            }

            return sb.ToString();
        }

        private (string, object) Float()
        {
            double value;
            switch (_rng.Next(3))
            {
                case 0: value = Math.Round((_rng.NextDouble() - 0.5) * 200, _rng.Next(0, 6)); break;
                case 1: value = BitConverter.Int64BitsToDouble(_rng.NextInt64()); break;
                default: value = (_rng.NextDouble() - 0.5) * Math.Pow(10, _rng.Next(-300, 300)); break;
            }

            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                value = 1.5;
            }

            string text = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
            if (text.IndexOfAny(new[] { '.', 'E' }) < 0)
            {
                text += _rng.Next(2) == 0 ? ".0" : "e0";
            }

            if (_rng.Next(2) == 0)
            {
                text = text.Replace('E', 'e');
            }

            if (text.StartsWith("0.", StringComparison.Ordinal) && _rng.Next(3) == 0)
            {
                text = text.Substring(1); // ".5"
            }

            bool negative = value < 0 || (value == 0 && double.IsNegative(value));
            return ((negative ? "-" : string.Empty) + text, value);
        }

        /// <summary>A string and a spelling of it: one or more adjacent literals, each quoted and escaped its own way.</summary>
        private (string, object) Str()
        {
            var value = new StringBuilder();
            var text = new StringBuilder();
            int pieces = _rng.Next(6) == 0 ? 2 : 1;
            for (int p = 0; p < pieces; p++)
            {
                if (p > 0)
                {
                    // After an empty '' a third quote would open a triple-quoted string: Python's tokenizer needs the space.
                    bool afterEmpty = text.Length >= 2 && text[text.Length - 1] == text[text.Length - 2] && (text[text.Length - 1] == '\'' || text[text.Length - 1] == '"');
                    text.Append(afterEmpty || _rng.Next(2) == 0 ? " " : string.Empty);
                }

                char quote = _rng.Next(2) == 0 ? '\'' : '"';
                text.Append(quote);
                int n = _rng.Next(0, 8);
                for (int i = 0; i < n; i++)
                {
                    AppendChar(text, value, quote);
                }

                text.Append(quote);
            }

            return (text.ToString(), value.ToString());
        }

        private void AppendChar(StringBuilder text, StringBuilder value, char quote)
        {
            switch (_rng.Next(12))
            {
                case 0:
                    {
                        var (name, ch) = Names[_rng.Next(Names.Length)];
                        text.Append("\\N{").Append(name).Append('}');
                        value.Append(ch);
                        return;
                    }

                case 1:
                    {
                        int c = _rng.Next(0, 256);
                        text.Append("\\x").Append(Case(c.ToString("x2", CultureInfo.InvariantCulture)));
                        value.Append((char)c);
                        return;
                    }

                case 2:
                    {
                        int c = _rng.Next(0, 0x10000);
                        text.Append("\\u").Append(Case(c.ToString("x4", CultureInfo.InvariantCulture)));
                        value.Append((char)c);
                        return;
                    }

                case 3:
                    {
                        int c = _rng.Next(0, 0x110000);
                        text.Append("\\U").Append(c.ToString("X8", CultureInfo.InvariantCulture));
                        value.Append(c >= 0x10000 ? char.ConvertFromUtf32(c) : ((char)c).ToString());
                        return;
                    }

                case 4:
                    {
                        int c = _rng.Next(0, 512);
                        text.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
                        value.Append((char)c);
                        return;
                    }

                case 5:
                    {
                        var simple = new[] { ("\\n", "\n"), ("\\t", "\t"), ("\\r", "\r"), ("\\\\", "\\"), ("\\'", "'"), ("\\\"", "\""), ("\\a", "\a"), ("\\b", "\b"), ("\\f", "\f"), ("\\v", "\v"), ("\\\n", string.Empty), ("\\q", "\\q") };
                        var (t, v) = simple[_rng.Next(simple.Length)];
                        text.Append(t);
                        value.Append(v);
                        return;
                    }

                default:
                    {
                        // A raw character: printable ASCII, Latin-1, CJK or an emoji; never the quote, a backslash or a newline.
                        string c;
                        switch (_rng.Next(4))
                        {
                            case 0: c = ((char)_rng.Next(0xA0, 0x250)).ToString(); break;
                            case 1: c = ((char)_rng.Next(0x4E00, 0x9FFF)).ToString(); break;
                            case 2: c = char.ConvertFromUtf32(_rng.Next(0x1F300, 0x1F64F)); break;
                            default: c = ((char)_rng.Next(0x20, 0x7F)).ToString(); break;
                        }

                        if (c[0] == quote || c[0] == '\\')
                        {
                            c = "x";
                        }

                        text.Append(c);
                        value.Append(c);
                        return;
                    }
            }
        }
    }
}
