using System.Collections.Generic;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Tests.Parsing
{
    public class PythonLiteralTests
    {
        [Theory]
        [InlineData("0", 0L)]
        [InlineData("42", 42L)]
        [InlineData("-7", -7L)]
        [InlineData("+7", 7L)]
        [InlineData("- 7", -7L)]
        [InlineData("1_000", 1000L)]
        [InlineData("00", 0L)]
        [InlineData("0x1F", 31L)]
        [InlineData("-0o17", -15L)]
        [InlineData("0b101", 5L)]
        [InlineData("9223372036854775807", long.MaxValue)]
        [InlineData("-9223372036854775808", long.MinValue)]
        public void Integers(string text, long expected)
        {
            var value = PythonLiteral.Parse(text);
            Assert.IsType<long>(value);
            Assert.Equal(expected, (long)value);
        }

        [Fact]
        public void IntegerBeyondLongBecomesDouble()
        {
            var value = PythonLiteral.Parse("123456789012345678901234567890");
            Assert.IsType<double>(value);
            Assert.Equal(1.2345678901234568e29, (double)value);
        }

        [Theory]
        [InlineData("1.5", 1.5)]
        [InlineData("-0.25", -0.25)]
        [InlineData("1.", 1.0)]
        [InlineData(".5", 0.5)]
        [InlineData("-.5", -0.5)]
        [InlineData("1e3", 1000.0)]
        [InlineData("1E-3", 0.001)]
        [InlineData("2.5e+2", 250.0)]
        [InlineData("0.0", 0.0)]
        [InlineData("21.899999618530273", 21.899999618530273)]
        [InlineData("76.80000305175781", 76.80000305175781)]
        [InlineData("1_0.2_5", 10.25)]
        public void Floats(string text, double expected)
        {
            var value = PythonLiteral.Parse(text);
            Assert.IsType<double>(value);
            Assert.Equal(expected, (double)value);
        }

        [Theory]
        [InlineData("'abc'", "abc")]
        [InlineData("\"abc\"", "abc")]
        [InlineData("''", "")]
        [InlineData("'it\\'s'", "it's")]
        [InlineData("\"say \\\"hi\\\"\"", "say \"hi\"")]
        [InlineData("\"it's\"", "it's")]
        [InlineData("'a\\nb\\tc'", "a\nb\tc")]
        [InlineData("'back\\\\slash'", "back\\slash")]
        [InlineData("'\\x41\\x62'", "Ab")]
        [InlineData("'\\u00e9\\u4e2d'", "\u00e9\u4e2d")]
        [InlineData("'\\U0001F41D'", "\U0001F41D")]
        [InlineData("'\\101'", "A")]
        [InlineData("'\\0'", "\0")]
        [InlineData("'\\q'", "\\q")]
        [InlineData("'a' 'b' \"c\"", "abc")]
        [InlineData("'2020-06-20 06:38:36'", "2020-06-20 06:38:36")]
        public void Strings(string text, string expected)
        {
            Assert.Equal(expected, PythonLiteral.Parse(text));
        }

        [Fact]
        public void KeywordConstants()
        {
            Assert.True(Assert.IsType<bool>(PythonLiteral.Parse("True")));
            Assert.False(Assert.IsType<bool>(PythonLiteral.Parse("False")));
            Assert.Null(PythonLiteral.Parse("None"));
        }

        [Fact]
        public void Tuples()
        {
            Assert.Empty(Assert.IsType<object[]>(PythonLiteral.Parse("()")));
            Assert.Equal(new object[] { 1L }, PythonLiteral.Parse("(1,)"));
            Assert.Equal(new object[] { 23646L, 1000000L }, PythonLiteral.Parse("(23646, 1000000)"));
            Assert.Equal(new object[] { 1L, "a", null }, PythonLiteral.Parse("( 1 , 'a' , None , )"));

            // Parentheses without a comma only group.
            Assert.Equal(5L, PythonLiteral.Parse("(5)"));
            Assert.Equal(5L, PythonLiteral.Parse("((5))"));
        }

        [Fact]
        public void Lists()
        {
            Assert.Empty(Assert.IsType<List<object>>(PythonLiteral.Parse("[]")));
            var list = Assert.IsType<List<object>>(PythonLiteral.Parse("[1, 2.5, 'x', [True], (None,),]"));
            Assert.Equal(5, list.Count);
            Assert.Equal(1L, list[0]);
            Assert.Equal(2.5, list[1]);
            Assert.Equal("x", list[2]);
            Assert.Equal(new List<object> { true }, list[3]);
            Assert.Equal(new object[] { null }, list[4]);
        }

        [Fact]
        public void DictsAndNesting()
        {
            var dict = Assert.IsType<Dictionary<string, object>>(PythonLiteral.Parse(
                "{\n  'a': {'b': [1, (2, 3)], \"c\": {}},\n\t'd': -1.5,\n  'e': None,\n}"));
            Assert.Equal(new[] { "a", "d", "e" }, dict.Keys);
            var inner = Assert.IsType<Dictionary<string, object>>(dict["a"]);
            var b = Assert.IsType<List<object>>(inner["b"]);
            Assert.Equal(1L, b[0]);
            Assert.Equal(new object[] { 2L, 3L }, b[1]);
            Assert.Empty(Assert.IsType<Dictionary<string, object>>(inner["c"]));
            Assert.Equal(-1.5, dict["d"]);
            Assert.Null(dict["e"]);
            Assert.Empty(Assert.IsType<Dictionary<string, object>>(PythonLiteral.Parse("{}")));
        }

        [Fact]
        public void DuplicateKeysLastWins()
        {
            var dict = Assert.IsType<Dictionary<string, object>>(PythonLiteral.Parse("{'a': 1, 'a': 2}"));
            Assert.Equal(2L, dict["a"]);
        }

        [Fact]
        public void SpecExampleMake()
        {
            const string make = "{'lng': 0.0, 'lat': 0.0, 'alt': 0.0, 'datetime': '2020-06-20 06:38:36', "
                + "'no_flash_exposure_time': (23646, 1000000), 'no_flash_iso': 100, 'no_flash_bv': (236, 100), "
                + "'no_flash_shutter_speed': (5402260, 1000000), 'temp': 21.899999618530273, 'hum': 76.80000305175781}";
            var dict = Assert.IsType<Dictionary<string, object>>(PythonLiteral.Parse(make));
            Assert.Equal(10, dict.Count);
            Assert.Equal(0.0, dict["lng"]);
            Assert.Equal("2020-06-20 06:38:36", dict["datetime"]);
            Assert.Equal(new object[] { 23646L, 1000000L }, dict["no_flash_exposure_time"]);
            Assert.Equal(100L, dict["no_flash_iso"]);
            Assert.Equal(21.899999618530273, dict["temp"]);
            Assert.Equal(76.80000305175781, dict["hum"]);
        }

        [Theory]
        [InlineData("{'a': 1", 7, "'}'")] // unclosed dict
        [InlineData("{'lat': 0.0, 'lng' 0.0}", 19, "':'")] // missing colon
        [InlineData("{1: 2}", 1, "key must be a string")]
        [InlineData("{'a': 1} x", 9, "end of text")] // trailing garbage
        [InlineData("Raspberry Pi", 0, "name 'Raspberry'")]
        [InlineData("{'a' 1}", 5, "':'")]
        [InlineData("[1, 2", 5, "']'")]
        [InlineData("(1, 2", 5, "')'")]
        [InlineData("(1 2)", 3, "','")]
        [InlineData("'abc", 4, "unterminated string")]
        [InlineData("'a\nb'", 2, "unterminated string")]
        [InlineData("", 0, "expected a value")]
        [InlineData("   ", 3, "expected a value")]
        [InlineData("{'a': }", 6, "expected a value")]
        [InlineData("--1", 1, "expected a number")]
        [InlineData("-'a'", 1, "expected a number")]
        [InlineData("007", 0, "leading zeros")]
        [InlineData("1e", 2, "exponent")]
        [InlineData("1j", 0, "complex")]
        [InlineData("{1, 2}", 1, "key must be a string")] // sets are not supported
        [InlineData("'\\x4'", 1, "hex digits")]
        [InlineData("b'abc'", 0, "prefix")]
        [InlineData("'''a'''", 0, "triple-quoted")]
        [InlineData("true", 0, "name 'true'")]
        [InlineData("1 2", 2, "end of text")]
        [InlineData("{'a': 1,, }", 8, "expected a value")]
        public void SyntaxErrorsReportOffset(string text, int offset, string expected)
        {
            var e = Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse(text, "/data/x.jpg", "EXIF Make"));
            Assert.Equal(offset, e.Offset);
            Assert.Contains(expected, e.Message);
            Assert.Contains("at offset " + offset, e.Message);
            Assert.StartsWith("/data/x.jpg: EXIF Make: ", e.Message);
            Assert.Equal(StickyErrorIds.InvalidExif, e.ErrorId);
            Assert.Equal(StickyErrorKind.InvalidData, e.Kind);
            Assert.Equal("/data/x.jpg", e.Target);
        }

        [Fact]
        public void MissingColonMessageIsSpecific()
        {
            var e = Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse("{'lat': 0.0, 'lng' 0.0}", "/d/x.jpg", "EXIF Make"));
            Assert.Equal("/d/x.jpg: EXIF Make: expected ':' but found '0' at offset 19", e.Message);
        }

        [Fact]
        public void DepthIsLimited()
        {
            var ok = new string('[', PythonLiteral.MaxDepth) + new string(']', PythonLiteral.MaxDepth);
            Assert.IsType<List<object>>(PythonLiteral.Parse(ok));

            var deep = new string('[', 100000) + new string(']', 100000);
            var e = Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse(deep));
            Assert.Contains("nested deeper", e.Message);
            Assert.Equal(PythonLiteral.MaxDepth, e.Offset);
        }

        [Fact]
        public void TryParseDoesNotThrow()
        {
            Assert.True(PythonLiteral.TryParse("{'a': (1,)}", out var value, out var error));
            Assert.Null(error);
            Assert.IsType<Dictionary<string, object>>(value);

            Assert.False(PythonLiteral.TryParse("{'a' 1}", out value, out error));
            Assert.Null(value);
            Assert.Equal(5, error.Offset);
        }

        [Fact]
        public void NeverEvaluatesExpressions()
        {
            Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse("__import__('os').system('true')"));
            Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse("1 + 2"));
            Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse("{'a': len('x')}"));
        }
    }
}
