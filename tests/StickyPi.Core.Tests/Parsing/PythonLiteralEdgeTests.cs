using System;
using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Tests.Parsing
{
    /// <summary>
    /// The literal parser at its edges: radix integers beyond 64 bits, floats with leading zeros, code points at the
    /// plane limits, nesting through dict keys, values and parentheses (what mutation testing found untested).
    /// Expected values are what CPython's <c>ast.literal_eval</c> gives (big ints as the nearest double here).
    /// </summary>
    public class PythonLiteralEdgeTests
    {
        // InlineData, not MemberData: each row is its own test case, which Stryker needs to map coverage per test.
        [Theory]
        [InlineData("01.5", 1.5)] // leading zeros are fine in a float
        [InlineData("007.5", 7.5)]
        [InlineData("01e3", 1000.0)]
        [InlineData("1.e2", 100.0)]
        [InlineData("0x_1", 1L)] // an underscore may follow the base prefix
        [InlineData("0x7FFFFFFFFFFFFFFF", long.MaxValue)]
        [InlineData("-0x8000000000000000", long.MinValue)]
        [InlineData("0x8000000000000000", 9223372036854775808.0)] // beyond long: the double
        [InlineData("0xFFFFFFFFFFFFFFFF", 18446744073709551615.0)]
        [InlineData("0x10000000000000000", 18446744073709551616.0)] // beyond ulong too
        [InlineData("-0x10000000000000000", -18446744073709551616.0)]
        [InlineData("0x1_0000_0000_0000_0001", 18446744073709551617.0)]
        [InlineData("0o1000000000000000000000", 9223372036854775808.0)] // 8^21 = 2^63
        [InlineData("0b10000000000000000000000000000000000000000000000000000000000000000", 18446744073709551616.0)] // 2^64
        [InlineData("'\\uFFFF'", "\uFFFF")]
        [InlineData("'\\U00010000'", "\U00010000")] // the first code point that needs a surrogate pair
        [InlineData("'\\U0010FFFF'", "\U0010FFFF")] // the last code point
        public void ValuesAtTheEdges(string text, object expected)
        {
            var value = PythonLiteral.Parse(text);
            Assert.IsType(expected.GetType(), value);
            Assert.Equal(expected, value);
        }

        [Fact]
        public void ABackslashAtTheEndOfALineContinuesIt()
        {
            Assert.Equal(new List<object> { 1L, 2L }, PythonLiteral.Parse("[1,\\\n 2]"));
        }

        [Theory]
        [InlineData("[1 2]", 3, "expected ',' or ']' but found '2'")]
        [InlineData("(1, 2 3)", 6, "expected ',' or ')' but found '3'")]
        [InlineData(".", 0, "expected a value but found '.'")]
        [InlineData("-.", 1, "expected a number after '-' but found '.'")]
        [InlineData("1x", 1, "invalid number: unexpected 'x'")]
        [InlineData("1_", 1, "invalid number: unexpected '_'")]
        [InlineData("1__0", 1, "invalid number: unexpected '_'")]
        [InlineData("0x", 0, "invalid hexadecimal literal")]
        [InlineData("0x1_", 0, "invalid hexadecimal literal")]
        [InlineData("0x1g", 0, "invalid hexadecimal literal")]
        [InlineData("0o8", 0, "invalid octal literal")]
        [InlineData("0o78", 0, "invalid octal literal")]
        [InlineData("0b2", 0, "invalid binary literal")]
        [InlineData("0b12", 0, "invalid binary literal")]
        [InlineData("'\\N'", 1, "malformed \\N character escape: expected '{'")]
        [InlineData("'\\Nx{SPACE}'", 1, "malformed \\N character escape: expected '{'")]
        [InlineData("'\\UFFFFFFFF'", 1, "illegal Unicode character in \\U escape")]
        [InlineData("'\\U00110000'", 1, "illegal Unicode character in \\U escape")]
        [InlineData("{True: 1}", 1, "dict key must be a string, found True")]
        [InlineData("{False: 1}", 1, "dict key must be a string, found False")]
        [InlineData("\u0001", 0, "expected a value but found character U+0001")]
        [InlineData("\u007f", 0, "expected a value but found character U+007F")]
        [InlineData("1e ", 2, "expected exponent digits but found ' '")]
        [InlineData("1e!", 2, "expected exponent digits but found '!'")]
        public void ErrorsNameWhatWasFoundAndWhere(string text, int offset, string expected)
        {
            var e = Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse(text));
            Assert.Equal(expected + " at offset " + offset, e.Message);
            Assert.Equal(offset, e.Offset);
        }

        [Theory]
        [InlineData("{", 64)] // nesting through dict keys
        [InlineData("{'a': ", (63 * 6) + 1)] // through dict values (the 64th level is the innermost dict's key)
        [InlineData("(", 64)] // through parentheses
        [InlineData("[", 64)]
        public void NestingIsLimitedWhateverNests(string opener, int offset)
        {
            var text = string.Concat(Enumerable.Repeat(opener, PythonLiteral.MaxDepth + 36));
            var e = Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse(text));
            Assert.StartsWith("literal nested deeper than 64 levels", e.Message);
            Assert.Equal(offset, e.Offset);
        }

        [Fact]
        public void NullTextIsAProgrammingError()
        {
            Assert.Throws<ArgumentNullException>(() => PythonLiteral.Parse(null));
        }
    }
}
