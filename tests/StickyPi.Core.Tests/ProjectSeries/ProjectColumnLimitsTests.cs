using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using static StickyPi.Core.Tests.ProjectSeries.SeriesStore;

namespace StickyPi.Core.Tests.ProjectSeries
{
    /// <summary>Issue 14 item 8: DECIMAL(p,s) and the other types honoured as MariaDB would, exact on the embedded store.</summary>
    public class ProjectColumnLimitsTests
    {
        private static object Store(string type, object value, out SeriesStore s, out long p)
        {
            s = new SeriesStore();
            p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "c", ProjectColumnType.Parse(type));
            var written = s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["c"] = value });
            var read = s.Store.GetProjectSeries(Sys, p).Single().Columns["c"];
            Assert.Equal(read, written.Columns["c"]);
            return read;
        }

        [Theory]
        [InlineData("DECIMAL(11,8)", "45.12345678", "45.12345678")]
        [InlineData("DECIMAL(11,8)", "-123.98765432", "-123.98765432")]
        [InlineData("DECIMAL(11,8)", "0.1", "0.10000000")]
        [InlineData("DECIMAL(12,2)", "1234567890.125", "1234567890.13")]
        [InlineData("DECIMAL(12,2)", "-0.005", "-0.01")]
        [InlineData("DECIMAL(12,2)", "9999999999.99", "9999999999.99")]
        [InlineData("DECIMAL(10,0)", "42.5", "43")]
        [InlineData("DECIMAL(65,30)", "1.5", "1.500000000000000000000000000000")]
        [InlineData("DECIMAL(12,2)", "100", "100.00")]
        public void Decimal_values_are_rounded_to_the_scale_and_read_back_exactly(string type, string input, string expected)
        {
            var read = Store(type, input, out var s, out _);
            using (s)
            {
                Assert.IsType<decimal>(read);
                Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), (decimal)read);
                if (expected.Length <= 29)
                {
                    Assert.Equal(expected, ((decimal)read).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        [Fact]
        public void A_double_from_the_shell_has_no_binary_noise_once_stored()
        {
            // 0.1 + 0.2 is 0.30000000000000004 as a double; DECIMAL(11,8) keeps 0.30000000.
            var read = Store("DECIMAL(11,8)", 0.1 + 0.2, out var s, out long p);
            using (s)
            {
                Assert.Equal(0.30000000m, read);
                Assert.Equal("0.30000000", ((decimal)read).ToString(System.Globalization.CultureInfo.InvariantCulture));

                // Upstream's client reads the same table with raw SQL: it gets a number, as from a table it wrote.
                var raw = s.Query("SELECT c, typeof(c) FROM project_series_" + p)[0];
                Assert.Equal(0.3, raw[0]);
                Assert.Equal("real", raw[1]);
            }
        }

        [Theory]
        [InlineData("DECIMAL(11,8)", "1000", "below 1000 in absolute value (DECIMAL(11,8))")]
        [InlineData("DECIMAL(9,6)", "999.9999995", "below 1000 in absolute value (DECIMAL(9,6))")]
        [InlineData("DECIMAL(12,2)", "-10000000000", "below 10000000000 in absolute value (DECIMAL(12,2))")]
        [InlineData("DECIMAL(5,5)", "1", "below 1 in absolute value (DECIMAL(5,5))")]
        [InlineData("DECIMAL(30,10)", "12345678901234567.5", "at most 15 significant digits")]
        [InlineData("DECIMAL(20,0)", "99999999999999999999", "at most 15 significant digits")]
        [InlineData("DECIMAL(11,8)", "north", "a number")]
        [InlineData("SMALLINT", 32768, "from -32768 to 32767 (SMALLINT)")]
        [InlineData("TINYINT", -129, "from -128 to 127 (TINYINT)")]
        [InlineData("INTEGER", 2147483648L, "from -2147483648 to 2147483647 (INTEGER)")]
        [InlineData("VARCHAR(3)", "abcd", "at most 3 characters (VARCHAR(3))")]
        [InlineData("FLOAT", 1e39, "FLOAT")]
        [InlineData("DATETIME", "0999-12-31 23:59:59", "from 1000-01-01 to 9999-12-31 (DATETIME)")]
        public void Values_out_of_the_type_range_are_refused_and_nothing_is_stored(string type, object value, string expected)
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "c", ProjectColumnType.Parse(type));
            var ex = Assert.ThrowsAny<StickyPiException>(() => s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["c"] = value }));
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectSeriesValue, ex.ErrorId);
            Assert.Contains("'c'", ex.Message);
            Assert.Contains(expected, ex.Message);
            Assert.Empty(s.Store.GetProjectSeries(Sys, p));
        }

        [Fact]
        public void Text_is_limited_to_mariadbs_65535_bytes_and_varchar_counts_characters()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "t", ProjectColumnType.Text);
            s.Store.AddProjectColumn(Sys, p, "v", ProjectColumnType.Parse("VARCHAR(2)"));
            var ex = Assert.ThrowsAny<StickyPiException>(() => s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2),
                new Dictionary<string, object> { ["t"] = new string('é', 40000) }));
            Assert.Contains("65535 bytes", ex.Message);

            // Two characters outside the BMP are four UTF-16 units but two characters, as MariaDB counts them.
            var row = s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["v"] = "\U0001F41D\U0001F41E" });
            Assert.Equal("\U0001F41D\U0001F41E", row.Columns["v"]);
        }

        [Fact]
        public void Float_is_stored_at_single_precision_without_binary_noise_and_smallint_within_range()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "f", ProjectColumnType.Float);
            s.Store.AddProjectColumn(Sys, p, "n", ProjectColumnType.SmallInt);
            var row = s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["f"] = 20.7, ["n"] = -32768 });
            Assert.Equal(20.7, row.Columns["f"]);
            Assert.Equal(-32768L, row.Columns["n"]);
            var round = s.Store.SetProjectSeries(Sys, p, row.Id, new Dictionary<string, object> { ["f"] = 1.0 / 3 });
            Assert.Equal(0.33333334, round.Columns["f"]); // the shortest text of the single-precision value
        }

        [Fact]
        public void Declared_types_are_generated_never_copied_and_stored_as_declared()
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "lat", ProjectColumnType.Parse(" decimal ( 11 , 8 ) "));
            s.Store.AddProjectColumn(Sys, p, "area", ProjectColumnType.Parse("DECIMAL(12,2)"));
            s.Store.AddProjectColumn(Sys, p, "site", ProjectColumnType.Parse("varchar(64)"));
            var columns = s.Columns(p);
            Assert.Contains(("lat", "DECIMAL(11,8)"), columns);
            Assert.Contains(("area", "DECIMAL(12,2)"), columns);
            Assert.Contains(("site", "VARCHAR(64)"), columns);
            var listed = s.Store.GetProjectColumns(Sys, p).Single(c => c.Name == "lat");
            Assert.Equal(ProjectColumnType.DecimalOf(11, 8), listed.Type);
            Assert.Equal(11, listed.Type.Precision);
            Assert.Equal(8, listed.Type.Scale);
        }

        [Theory]
        [InlineData("DECIMAL(66,2)", "precision p must be from 1 to 65")]
        [InlineData("DECIMAL(40,31)", "scale s must be from 0 to 30")]
        [InlineData("DECIMAL(5,6)", "cannot exceed the precision")]
        [InlineData("VARCHAR(70000)", "from 1 to 16383")]
        public void Out_of_range_type_arguments_are_refused_with_their_limits(string type, string expected)
        {
            var ex = Assert.ThrowsAny<StickyPiException>(() => ProjectColumnType.Parse(type));
            Assert.Equal(ProjectSeriesErrorIds.InvalidProjectColumnType, ex.ErrorId);
            Assert.Contains(expected, ex.Message);
        }
    }
}
