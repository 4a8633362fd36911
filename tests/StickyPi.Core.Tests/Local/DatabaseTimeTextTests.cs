using System;
using System.Globalization;
using System.Text;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using Xunit;

namespace StickyPi.Core.Tests.Local
{
    /// <summary>
    /// The catalog's stored datetimes are read by one digit reader, from SQLite's UTF-8 bytes and (through
    /// <see cref="StickyTime.FromDatabase"/>) from text: both give what ParseExact gives, and refuse the same forms.
    /// </summary>
    public class DatabaseTimeTextTests
    {
        [Theory]
        [InlineData("2020-07-08 20:00:00", "2020-07-08T20:00:00.0000000")]
        [InlineData("2020-07-08T20:00:00", "2020-07-08T20:00:00.0000000")]
        [InlineData("2024-02-29 23:59:59.5", "2024-02-29T23:59:59.5000000")]
        [InlineData("0001-01-01 00:00:00.0000001", "0001-01-01T00:00:00.0000001")]
        [InlineData("9999-12-31 23:59:59.9999999", "9999-12-31T23:59:59.9999999")]
        public void StoredFormsReadTheSameFromBytesAndFromText(string stored, string expected)
        {
            var want = DateTime.ParseExact(expected, "yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            Assert.True(DatabaseTimeText.TryParse(Encoding.UTF8.GetBytes(stored), out var fromBytes));
            Assert.Equal(want, fromBytes);
            Assert.Equal(DateTimeKind.Utc, fromBytes.Kind);
            Assert.Equal(want, StickyTime.FromDatabase(stored));
        }

        [Theory]
        [InlineData("2023-02-29 00:00:00")] // not a leap year
        [InlineData("2020-07-08 24:00:00")]
        [InlineData("2020-07-08 20:00:60")] // a leap second is not a stored form
        [InlineData("2020-07-08 20:00:00.")] // a point without digits
        [InlineData("2020-07-08 20:00:00.12345678")] // eight fraction digits
        [InlineData("2020-07-08_20-00-00")] // the file-name form is not the catalog's
        [InlineData("2020-07-08 20:00:0٣")] // a non-ASCII digit
        public void OtherFormsAreLeftToTheFallback(string stored)
        {
            Assert.False(DatabaseTimeText.TryParse(Encoding.UTF8.GetBytes(stored), out _));
        }
    }
}
