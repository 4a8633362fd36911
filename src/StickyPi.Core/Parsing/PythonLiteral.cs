using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using StickyPi.Core.Model;

namespace StickyPi.Core.Parsing
{
    /// <summary>
    /// A syntax error in a Python literal; <see cref="Offset"/> is the 0-based character offset in the parsed text.
    /// </summary>
    public sealed class PythonLiteralException : StickyPiException
    {
        public PythonLiteralException(string message, int offset, string sourceName)
            : base(StickyErrorIds.InvalidExif, StickyErrorKind.InvalidData, message, sourceName)
        {
            Offset = offset;
        }

        public int Offset { get; }
    }

    /// <summary>
    /// Strict parser for the subset of Python literals that 2020 devices write into EXIF <c>Make</c> (spec §4.4),
    /// replacing upstream's <c>ast.literal_eval</c> without evaluating anything.
    /// </summary>
    /// <remarks>
    /// Results: dict → <see cref="Dictionary{TKey,TValue}"/> of string to object, list → <see cref="List{T}"/> of object,
    /// tuple → object[], int → long (double when it does not fit), float → double, str → string, True/False → bool,
    /// None → null. Supports signs on numbers, underscores in digits, 0x/0o/0b integers, trailing commas, parenthesised
    /// values and implicit concatenation of adjacent strings, as Python does. Not supported (rejected): sets, bytes and
    /// prefixed strings, triple quotes, complex numbers, comments.
    /// </remarks>
    public static class PythonLiteral
    {
        /// <summary>Nesting limit so hostile input cannot overflow the stack.</summary>
        public const int MaxDepth = 64;

        /// <summary>Parses <paramref name="text"/> as one Python literal.</summary>
        /// <param name="text">The literal.</param>
        /// <param name="sourceName">File (or other source) named in error messages and used as the error target.</param>
        /// <param name="context">What is parsed, e.g. <c>EXIF Make</c>; prefixed to the error detail.</param>
        /// <exception cref="PythonLiteralException">Syntax error, non-string dict key, trailing text or too deep.</exception>
        public static object Parse(string text, string sourceName = null, string context = null)
        {
            if (text == null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            var parser = new Parser(text, sourceName, context);
            parser.SkipWhitespace();
            var value = parser.ParseValue(0);
            parser.SkipWhitespace();
            if (parser.Pos < text.Length)
            {
                throw parser.Error("expected end of text", parser.Pos);
            }

            return value;
        }

        /// <summary>Like <see cref="Parse"/> but returns false instead of throwing a syntax error.</summary>
        public static bool TryParse(string text, out object value, out PythonLiteralException error)
        {
            try
            {
                value = Parse(text);
                error = null;
                return true;
            }
            catch (PythonLiteralException e)
            {
                value = null;
                error = e;
                return false;
            }
        }

        private sealed class Parser
        {
            private readonly string _s;
            private readonly string _source;
            private readonly string _context;

            public Parser(string s, string source, string context)
            {
                _s = s;
                _source = source;
                _context = context;
            }

            public int Pos;

            public PythonLiteralException Error(string what, int offset)
            {
                var sb = new StringBuilder();
                if (!string.IsNullOrEmpty(_source))
                {
                    sb.Append(_source).Append(": ");
                }

                if (!string.IsNullOrEmpty(_context))
                {
                    sb.Append(_context).Append(": ");
                }

                sb.Append(what).Append(" at offset ").Append(offset.ToString(CultureInfo.InvariantCulture));
                return new PythonLiteralException(sb.ToString(), offset, _source);
            }

            private string Found(int offset)
            {
                if (offset >= _s.Length)
                {
                    return "end of text";
                }

                var c = _s[offset];
                return c < ' ' || c == 0x7f ? "character U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : "'" + c + "'";
            }

            public void SkipWhitespace()
            {
                while (Pos < _s.Length)
                {
                    var c = _s[Pos];
                    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
                    {
                        Pos++;
                    }
                    else if (c == '\\' && Pos + 1 < _s.Length && _s[Pos + 1] == '\n')
                    {
                        Pos += 2; // explicit line continuation
                    }
                    else
                    {
                        break;
                    }
                }
            }

            public object ParseValue(int depth)
            {
                if (depth >= MaxDepth)
                {
                    throw Error("literal nested deeper than " + MaxDepth.ToString(CultureInfo.InvariantCulture) + " levels", Pos);
                }

                if (Pos >= _s.Length)
                {
                    throw Error("expected a value but found end of text", Pos);
                }

                var c = _s[Pos];
                switch (c)
                {
                    case '{':
                        return ParseDict(depth);
                    case '[':
                        return ParseList(depth);
                    case '(':
                        return ParseParen(depth);
                    case '\'':
                    case '"':
                        return ParseStrings();
                    case '+':
                    case '-':
                        return ParseSigned();
                }

                if (IsDigit(c) || (c == '.' && Pos + 1 < _s.Length && IsDigit(_s[Pos + 1])))
                {
                    return ParseNumber(false);
                }

                if (IsNameStart(c))
                {
                    return ParseName();
                }

                throw Error("expected a value but found " + Found(Pos), Pos);
            }

            private Dictionary<string, object> ParseDict(int depth)
            {
                var start = Pos;
                Pos++; // '{'
                var dict = new Dictionary<string, object>(StringComparer.Ordinal);
                while (true)
                {
                    SkipWhitespace();
                    if (Pos >= _s.Length)
                    {
                        throw Error("expected '}' to close the dict opened at offset " + start.ToString(CultureInfo.InvariantCulture), Pos);
                    }

                    if (_s[Pos] == '}')
                    {
                        Pos++;
                        return dict;
                    }

                    var keyOffset = Pos;
                    var key = ParseValue(depth + 1);
                    if (!(key is string name))
                    {
                        throw Error("dict key must be a string, found " + Describe(key), keyOffset);
                    }

                    SkipWhitespace();
                    Expect(':');
                    SkipWhitespace();
                    dict[name] = ParseValue(depth + 1); // last duplicate wins, as in Python
                    SkipWhitespace();
                    if (Pos < _s.Length && _s[Pos] == ',')
                    {
                        Pos++;
                        continue;
                    }

                    if (Pos < _s.Length && _s[Pos] == '}')
                    {
                        Pos++;
                        return dict;
                    }

                    throw Error(Pos >= _s.Length
                        ? "expected '}' to close the dict opened at offset " + start.ToString(CultureInfo.InvariantCulture)
                        : "expected ',' or '}' but found " + Found(Pos), Pos);
                }
            }

            private List<object> ParseList(int depth)
            {
                var start = Pos;
                Pos++; // '['
                var list = new List<object>();
                ParseSequence(depth, ']', start, "list", list);
                return list;
            }

            /// <summary><c>()</c> and <c>(x,)</c> are tuples; <c>(x)</c> is just x.</summary>
            private object ParseParen(int depth)
            {
                var start = Pos;
                Pos++; // '('
                SkipWhitespace();
                if (Pos < _s.Length && _s[Pos] == ')')
                {
                    Pos++;
                    return Array.Empty<object>();
                }

                var first = ParseValue(depth + 1);
                SkipWhitespace();
                if (Pos < _s.Length && _s[Pos] == ')')
                {
                    Pos++;
                    return first;
                }

                if (Pos >= _s.Length || _s[Pos] != ',')
                {
                    throw Error(Pos >= _s.Length
                        ? "expected ')' to close the '(' opened at offset " + start.ToString(CultureInfo.InvariantCulture)
                        : "expected ',' or ')' but found " + Found(Pos), Pos);
                }

                Pos++; // ','
                var items = new List<object> { first };
                ParseSequence(depth, ')', start, "tuple", items);
                return items.ToArray();
            }

            /// <summary>Items separated by commas up to <paramref name="close"/>, trailing comma allowed.</summary>
            private void ParseSequence(int depth, char close, int start, string kind, List<object> items)
            {
                while (true)
                {
                    SkipWhitespace();
                    if (Pos >= _s.Length)
                    {
                        throw Error("expected '" + close + "' to close the " + kind + " opened at offset " + start.ToString(CultureInfo.InvariantCulture), Pos);
                    }

                    if (_s[Pos] == close)
                    {
                        Pos++;
                        return;
                    }

                    items.Add(ParseValue(depth + 1));
                    SkipWhitespace();
                    if (Pos < _s.Length && _s[Pos] == ',')
                    {
                        Pos++;
                        continue;
                    }

                    if (Pos < _s.Length && _s[Pos] == close)
                    {
                        Pos++;
                        return;
                    }

                    throw Error(Pos >= _s.Length
                        ? "expected '" + close + "' to close the " + kind + " opened at offset " + start.ToString(CultureInfo.InvariantCulture)
                        : "expected ',' or '" + close + "' but found " + Found(Pos), Pos);
                }
            }

            private void Expect(char c)
            {
                if (Pos >= _s.Length || _s[Pos] != c)
                {
                    throw Error("expected '" + c + "' but found " + Found(Pos), Pos);
                }

                Pos++;
            }

            /// <summary>One sign directly applied to a number (literal_eval rejects <c>--1</c> and <c>-'a'</c>).</summary>
            private object ParseSigned()
            {
                var signOffset = Pos;
                var negative = _s[Pos] == '-';
                Pos++;
                SkipWhitespace();
                if (Pos < _s.Length && (IsDigit(_s[Pos]) || (_s[Pos] == '.' && Pos + 1 < _s.Length && IsDigit(_s[Pos + 1]))))
                {
                    return ParseNumber(negative);
                }

                throw Error("expected a number after '" + _s[signOffset] + "' but found " + Found(Pos), Pos);
            }

            private object ParseNumber(bool negative)
            {
                var start = Pos;
                if (_s[Pos] == '0' && Pos + 1 < _s.Length && "xXoObB".IndexOf(_s[Pos + 1]) >= 0)
                {
                    return ParseRadixInteger(negative);
                }

                var digits = new StringBuilder(24);
                if (negative)
                {
                    digits.Append('-');
                }

                var intDigits = ReadDigits(digits);
                var isFloat = false;
                if (Pos < _s.Length && _s[Pos] == '.')
                {
                    isFloat = true;
                    Pos++;
                    digits.Append('.');
                    if (Pos < _s.Length && IsDigit(_s[Pos]))
                    {
                        ReadDigits(digits);
                    }
                    else
                    {
                        digits.Append('0'); // "1." is a valid Python float
                    }
                }

                if (Pos < _s.Length && (_s[Pos] == 'e' || _s[Pos] == 'E'))
                {
                    isFloat = true;
                    Pos++;
                    digits.Append('e');
                    if (Pos < _s.Length && (_s[Pos] == '+' || _s[Pos] == '-'))
                    {
                        digits.Append(_s[Pos]);
                        Pos++;
                    }

                    if (Pos >= _s.Length || !IsDigit(_s[Pos]))
                    {
                        throw Error("expected exponent digits but found " + Found(Pos), Pos);
                    }

                    ReadDigits(digits);
                }

                if (Pos < _s.Length && (_s[Pos] == 'j' || _s[Pos] == 'J'))
                {
                    throw Error("complex numbers are not supported", start);
                }

                if (Pos < _s.Length && (IsNameChar(_s[Pos]) || _s[Pos] == '.'))
                {
                    throw Error("invalid number: unexpected " + Found(Pos), Pos);
                }

                var text = digits.ToString();
                if (isFloat)
                {
                    return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
                }

                // Python 3 rejects leading zeros in decimal integers ("007") except for zero itself.
                if (intDigits.Length > 1 && intDigits[0] == '0' && intDigits.TrimStart('0').Length > 0)
                {
                    throw Error("leading zeros in decimal integer literals are not permitted", start);
                }

                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    return l;
                }

                return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            /// <summary>Reads digits with single underscores between them; returns the digits read.</summary>
            private string ReadDigits(StringBuilder into)
            {
                var from = into.Length;
                var start = Pos;
                while (Pos < _s.Length)
                {
                    var c = _s[Pos];
                    if (IsDigit(c))
                    {
                        into.Append(c);
                        Pos++;
                    }
                    else if (c == '_' && Pos > start && Pos + 1 < _s.Length && IsDigit(_s[Pos + 1]))
                    {
                        Pos++;
                    }
                    else
                    {
                        break;
                    }
                }

                return into.ToString(from, into.Length - from);
            }

            private object ParseRadixInteger(bool negative)
            {
                var start = Pos;
                var kind = char.ToLowerInvariant(_s[Pos + 1]);
                var radix = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
                Pos += 2;
                double value = 0;
                ulong exact = 0;
                var overflow = false;
                var count = 0;
                while (Pos < _s.Length)
                {
                    var c = _s[Pos];
                    if (c == '_' && Pos + 1 < _s.Length && DigitValue(_s[Pos + 1]) < radix)
                    {
                        Pos++;
                        continue;
                    }

                    var d = DigitValue(c);
                    if (d >= radix)
                    {
                        break;
                    }

                    value = (value * radix) + d;
                    if (!overflow)
                    {
                        if (exact > (ulong.MaxValue - (ulong)d) / (ulong)radix)
                        {
                            overflow = true;
                        }
                        else
                        {
                            exact = (exact * (ulong)radix) + (ulong)d;
                        }
                    }

                    count++;
                    Pos++;
                }

                if (count == 0 || (Pos < _s.Length && IsNameChar(_s[Pos])))
                {
                    throw Error("invalid " + (radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary") + " literal", start);
                }

                if (!overflow && exact <= long.MaxValue)
                {
                    return negative ? -(long)exact : (long)exact;
                }

                if (!overflow && negative && exact == 9223372036854775808UL)
                {
                    return long.MinValue;
                }

                return negative ? -value : value;
            }

            private object ParseName()
            {
                var start = Pos;
                while (Pos < _s.Length && IsNameChar(_s[Pos]))
                {
                    Pos++;
                }

                var name = _s.Substring(start, Pos - start);
                switch (name)
                {
                    case "True":
                        return true;
                    case "False":
                        return false;
                    case "None":
                        return null;
                }

                if (Pos < _s.Length && (_s[Pos] == '\'' || _s[Pos] == '"'))
                {
                    throw Error("string prefix '" + name + "' is not supported", start);
                }

                throw Error("expected a literal but found the name '" + name + "'", start);
            }

            /// <summary>One or more adjacent string literals (Python concatenates them).</summary>
            private string ParseStrings()
            {
                var first = ParseString();
                var save = Pos;
                SkipWhitespace();
                if (Pos >= _s.Length || (_s[Pos] != '\'' && _s[Pos] != '"'))
                {
                    Pos = save;
                    return first;
                }

                var sb = new StringBuilder(first);
                while (Pos < _s.Length && (_s[Pos] == '\'' || _s[Pos] == '"'))
                {
                    sb.Append(ParseString());
                    save = Pos;
                    SkipWhitespace();
                }

                Pos = save;
                return sb.ToString();
            }

            private string ParseString()
            {
                var start = Pos;
                var quote = _s[Pos];
                if (Pos + 2 < _s.Length && _s[Pos + 1] == quote && _s[Pos + 2] == quote)
                {
                    throw Error("triple-quoted strings are not supported", start);
                }

                Pos++;
                StringBuilder sb = null;
                var runStart = Pos;
                while (true)
                {
                    if (Pos >= _s.Length || _s[Pos] == '\n' || _s[Pos] == '\r')
                    {
                        throw Error("unterminated string opened at offset " + start.ToString(CultureInfo.InvariantCulture), Pos);
                    }

                    var c = _s[Pos];
                    if (c == quote)
                    {
                        var tail = _s.Substring(runStart, Pos - runStart);
                        Pos++;
                        return sb == null ? tail : sb.Append(tail).ToString();
                    }

                    if (c != '\\')
                    {
                        Pos++;
                        continue;
                    }

                    sb = sb ?? new StringBuilder();
                    sb.Append(_s, runStart, Pos - runStart);
                    ReadEscape(sb, quote);
                    runStart = Pos;
                }
            }

            private void ReadEscape(StringBuilder sb, char quote)
            {
                var escOffset = Pos;
                Pos++; // backslash
                if (Pos >= _s.Length)
                {
                    throw Error("unterminated string: escape at end of text", escOffset);
                }

                var c = _s[Pos++];
                switch (c)
                {
                    case '\n': return; // line continuation inside a string
                    case '\\': sb.Append('\\'); return;
                    case '\'': sb.Append('\''); return;
                    case '"': sb.Append('"'); return;
                    case 'n': sb.Append('\n'); return;
                    case 't': sb.Append('\t'); return;
                    case 'r': sb.Append('\r'); return;
                    case 'a': sb.Append('\a'); return;
                    case 'b': sb.Append('\b'); return;
                    case 'f': sb.Append('\f'); return;
                    case 'v': sb.Append('\v'); return;
                    case 'x': AppendCodePoint(sb, ReadHex(2, escOffset), escOffset); return;
                    case 'u': AppendCodePoint(sb, ReadHex(4, escOffset), escOffset); return;
                    case 'U': AppendCodePoint(sb, ReadHex(8, escOffset), escOffset); return;
                    case 'N': AppendCodePoint(sb, ReadCharacterName(quote, escOffset), escOffset); return;
                }

                if (c >= '0' && c <= '7')
                {
                    var value = c - '0';
                    for (var i = 0; i < 2 && Pos < _s.Length && _s[Pos] >= '0' && _s[Pos] <= '7'; i++)
                    {
                        value = (value * 8) + (_s[Pos++] - '0');
                    }

                    AppendCodePoint(sb, value, escOffset);
                    return;
                }

                // Python keeps unknown escapes verbatim (with a warning).
                sb.Append('\\').Append(c);
            }

            /// <summary>
            /// <c>\N{name}</c>: the name runs to the next '}' inside the string and must be a character name or alias of
            /// the Unicode database (<see cref="UnicodeNames"/>), as Python requires; named sequences are refused too.
            /// </summary>
            private int ReadCharacterName(char quote, int escOffset)
            {
                if (Pos >= _s.Length || _s[Pos] != '{')
                {
                    throw Error("malformed \\N character escape: expected '{'", escOffset);
                }

                var nameStart = ++Pos;
                while (Pos < _s.Length && _s[Pos] != '}' && _s[Pos] != quote && _s[Pos] != '\n' && _s[Pos] != '\r')
                {
                    Pos++;
                }

                if (Pos >= _s.Length || _s[Pos] != '}' || Pos == nameStart)
                {
                    throw Error("malformed \\N character escape", escOffset);
                }

                var name = _s.Substring(nameStart, Pos - nameStart);
                Pos++; // '}'
                if (!UnicodeNames.TryLookup(name, out var codePoint))
                {
                    throw Error("unknown Unicode character name '" + (name.Length > 64 ? name.Substring(0, 64) + "..." : name) + "' in \\N escape", escOffset);
                }

                return codePoint;
            }

            private int ReadHex(int count, int escOffset)
            {
                var value = 0L;
                for (var i = 0; i < count; i++)
                {
                    var d = Pos < _s.Length ? DigitValue(_s[Pos]) : 99;
                    if (d >= 16)
                    {
                        throw Error("truncated \\" + _s[escOffset + 1] + " escape: expected " + count.ToString(CultureInfo.InvariantCulture) + " hex digits", escOffset);
                    }

                    value = (value * 16) + d;
                    Pos++;
                }

                return value > int.MaxValue ? int.MaxValue : (int)value;
            }

            private void AppendCodePoint(StringBuilder sb, int cp, int escOffset)
            {
                if (cp < 0x10000)
                {
                    sb.Append((char)cp); // lone surrogates are legal in Python str; keep the code unit
                    return;
                }

                if (cp > 0x10FFFF)
                {
                    throw Error("illegal Unicode character in \\U escape", escOffset);
                }

                sb.Append(char.ConvertFromUtf32(cp));
            }

            private static string Describe(object value)
            {
                switch (value)
                {
                    case null: return "None";
                    case bool b: return b ? "True" : "False";
                    case long _: return "an int";
                    case double _: return "a float";
                    case object[] _: return "a tuple";
                    case List<object> _: return "a list";
                    case Dictionary<string, object> _: return "a dict";
                    default: return value.GetType().Name;
                }
            }

            private static bool IsDigit(char c) => c >= '0' && c <= '9';

            private static int DigitValue(char c)
            {
                if (c >= '0' && c <= '9')
                {
                    return c - '0';
                }

                if (c >= 'a' && c <= 'f')
                {
                    return c - 'a' + 10;
                }

                if (c >= 'A' && c <= 'F')
                {
                    return c - 'A' + 10;
                }

                return 99;
            }

            private static bool IsNameStart(char c) => c == '_' || char.IsLetter(c);

            private static bool IsNameChar(char c) => c == '_' || char.IsLetterOrDigit(c);
        }
    }
}
