using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace StickyPi.Core.Parsing
{
    /// <summary>
    /// Character names as Python's <c>\N{...}</c> escape resolves them (CPython's <c>unicodedata</c> name lookup
    /// without named sequences): every name of the Unicode character database's <c>UnicodeData.txt</c> and every
    /// alias of <c>NameAliases.txt</c>, compared with ASCII letters case-insensitively; <c>HANGUL SYLLABLE …</c> and
    /// <c>CJK UNIFIED IDEOGRAPH-XXXX</c> names computed as CPython computes them (upper case only).
    /// </summary>
    /// <remarks>
    /// The table is <c>UnicodeNames.txt.gz</c> beside this file, generated from the UCD by
    /// <c>tools/UnicodeNames/GenerateUnicodeNames.cs</c> (Unicode data, redistributed under the Unicode License v3;
    /// its first line names the UCD version). It is loaded on the first lookup only: most literals have no <c>\N</c>.
    /// </remarks>
    public static class UnicodeNames
    {
        /// <summary>Longer than any Unicode name (the longest has 88 characters): longer input is refused unread.</summary>
        public const int MaxNameLength = 128;

        private const int SyllableBase = 0xAC00;

        // Jamo short names from the UCD's Jamo.txt, in syllable-composition order (Unicode §3.12).
        private static readonly string[] Leading = { "G", "GG", "N", "D", "DD", "R", "M", "B", "BB", "S", "SS", "", "J", "JJ", "C", "K", "T", "P", "H" };
        private static readonly string[] Vowels = { "A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U", "WEO", "WE", "WI", "YU", "EU", "YI", "I" };
        private static readonly string[] Trailing = { "", "G", "GG", "GS", "N", "NJ", "NH", "D", "L", "LG", "LM", "LB", "LS", "LT", "LP", "LH", "M", "B", "BS", "S", "SS", "NG", "J", "C", "K", "T", "P", "H" };

        private static readonly Lazy<Table> Data = new Lazy<Table>(Load);

        /// <summary>The UCD version the table was generated from (e.g. <c>15.0.0</c>).</summary>
        public static string UnicodeVersion => Data.Value.Version;

        /// <summary>The code point named <paramref name="name"/>, or false.</summary>
        public static bool TryLookup(string name, out int codePoint)
        {
            codePoint = -1;
            if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
            {
                return false;
            }

            var table = Data.Value;
            if (TryHangul(name, out codePoint) || TryIdeograph(table, name, out codePoint))
            {
                return true;
            }

            return table.Names.TryGetValue(AsciiUpper(name), out codePoint);
        }

        private static bool TryHangul(string name, out int codePoint)
        {
            codePoint = -1;
            const string Prefix = "HANGUL SYLLABLE ";
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return false;
            }

            // Longest match for each part, as CPython's find_syllable does; the leading consonant may be empty.
            int pos = Prefix.Length;
            int l = Longest(name, ref pos, Leading);
            int v = Longest(name, ref pos, Vowels);
            int t = Longest(name, ref pos, Trailing);
            if (l < 0 || v < 0 || t < 0 || pos != name.Length)
            {
                return false;
            }

            codePoint = SyllableBase + (((l * Vowels.Length) + v) * Trailing.Length) + t;
            return true;
        }

        private static int Longest(string name, ref int pos, string[] parts)
        {
            int best = -1, bestLength = -1;
            for (int i = 0; i < parts.Length; i++)
            {
                var p = parts[i];
                if (p.Length > bestLength && string.CompareOrdinal(name, pos, p, 0, p.Length) == 0 && pos + p.Length <= name.Length)
                {
                    best = i;
                    bestLength = p.Length;
                }
            }

            if (best >= 0)
            {
                pos += bestLength;
            }

            return best;
        }

        private static bool TryIdeograph(Table table, string name, out int codePoint)
        {
            codePoint = -1;
            const string Prefix = "CJK UNIFIED IDEOGRAPH-";
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return false;
            }

            int digits = name.Length - Prefix.Length;
            if (digits != 4 && digits != 5)
            {
                return false;
            }

            int value = 0;
            for (int i = Prefix.Length; i < name.Length; i++)
            {
                char c = name[i];
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0)
                {
                    return false;
                }

                value = (value * 16) + d;
            }

            foreach (var range in table.Ideographs)
            {
                if (value >= range.Key && value <= range.Value)
                {
                    codePoint = value;
                    return true;
                }
            }

            return false;
        }

        /// <summary>Upper-cases ASCII letters only (CPython's comparison); anything else stays and so never matches.</summary>
        private static string AsciiUpper(string s)
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

        private static Table Load()
        {
            var table = new Table();
            using (var resource = typeof(UnicodeNames).Assembly.GetManifestResourceStream("StickyPi.Core.Parsing.UnicodeNames.txt.gz"))
            {
                if (resource == null)
                {
                    throw new InvalidOperationException("The Unicode name table is missing from " + typeof(UnicodeNames).Assembly.FullName + ".");
                }

                using (var gzip = new GZipStream(resource, CompressionMode.Decompress))
                using (var reader = new StreamReader(gzip, Encoding.UTF8))
                {
                    string line;
                    while ((line = reader.ReadLine()) != null)
                    {
                        if (line.StartsWith("# version ", StringComparison.Ordinal))
                        {
                            table.Version = line.Substring("# version ".Length);
                        }
                        else if (line.StartsWith("R ", StringComparison.Ordinal))
                        {
                            var f = line.Split(' ');
                            table.Ideographs.Add(new KeyValuePair<int, int>(Hex(f[1]), Hex(f[2])));
                        }
                        else if (line.Length > 0)
                        {
                            int semi = line.IndexOf(';');
                            table.Names[line.Substring(semi + 1)] = Hex(line.Substring(0, semi));
                        }
                    }
                }
            }

            return table;
        }

        private static int Hex(string s) => int.Parse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

        private sealed class Table
        {
            public string Version;
            public readonly List<KeyValuePair<int, int>> Ideographs = new List<KeyValuePair<int, int>>();
            public readonly Dictionary<string, int> Names = new Dictionary<string, int>(40000, StringComparer.Ordinal);
        }
    }
}
