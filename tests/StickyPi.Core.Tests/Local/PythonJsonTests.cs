using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Text.Json;
using StickyPi.Core.Model;

namespace StickyPi.Core.Tests.Local
{
    public class PythonJsonTests
    {
        /// <summary>Spec §4.6, verified against upstream's local API.</summary>
        internal const string Spec46Input =
            "{\"annotations\":[{\"contour\":[[[1,2]],[[3,4]]],\"name\":\"insect\",\"stroke_colour\":\"#0000ff\",\"value\":0,\"fill_colour\":\"#ff0000\"}]," +
            "\"metadata\":{\"algo_name\":\"uid\",\"algo_version\":\"1598113346-ad2cd78dfaca12821046dfb8994724d5\",\"device\":\"5c173ff2\"," +
            "\"datetime\":\"2020-06-20_21-33-24\",\"md5\":\"65e69135d29871e8ee0ac453583effaf\"}}";

        internal const string Spec46Stored =
            "{\"annotations\": [{\"contour\": [[[1, 2]], [[3, 4]]], \"name\": \"insect\", \"stroke_colour\": \"#0000ff\", \"value\": 0, " +
            "\"fill_colour\": \"#ff0000\"}], \"metadata\": {\"algo_name\": \"uid\", \"algo_version\": \"1598113346-ad2cd78dfaca12821046dfb8994724d5\", " +
            "\"device\": \"5c173ff2\", \"datetime\": \"2020-06-20T21:33:24Z\", \"md5\": \"65e69135d29871e8ee0ac453583effaf\"}}";

        [Fact]
        public void Spec46ExampleIsReproducedByteForByte()
        {
            var item = UidAnnotationSubmission.FromJson(Spec46Input, "spec.json");
            Assert.Equal(Spec46Stored, item.StoredJson);
            Assert.Equal("5c173ff2", item.Device);
            Assert.Equal(new DateTime(2020, 6, 20, 21, 33, 24, DateTimeKind.Utc), item.DateTime);
            Assert.Equal("uid", item.AlgoName);
            Assert.Equal("1598113346-ad2cd78dfaca12821046dfb8994724d5", item.AlgoVersion);
            Assert.Equal("65e69135d29871e8ee0ac453583effaf", item.Md5);
            Assert.Equal(1, item.AnnotationCount);
        }

        [Fact]
        public void CreateFromValuesGivesTheSameText()
        {
            var annotation = new OrderedDictionary
            {
                { "contour", new[] { new[] { new[] { 1, 2 } }, new[] { new[] { 3, 4 } } } },
                { "name", "insect" },
                { "stroke_colour", "#0000ff" },
                { "value", 0 },
                { "fill_colour", "#ff0000" },
            };
            var item = UidAnnotationSubmission.Create("5c173ff2", new DateTime(2020, 6, 20, 21, 33, 24, DateTimeKind.Utc),
                "65e69135d29871e8ee0ac453583effaf", "uid", "1598113346-ad2cd78dfaca12821046dfb8994724d5", new object[] { annotation });
            Assert.Equal(Spec46Stored, item.StoredJson);
        }

        /// <summary>Expected text produced by Python 3.11: json.dumps(json.loads(s, object_hook=upstream's json_out_parser), default=json_io_converter).</summary>
        [Fact]
        public void MatchesPythonOnNumbersEscapesDatesAndRepeatedKeys()
        {
            const string input =
                "{\"b\": [1.0, 1e5, -0, 1.50, 1e-7, 12345678901234567890, 0.1, 1e16, 3.0e15, -2.5E-3, 1E400, 123.456e2, \"2020-06-20_21-33-24\"], " +
                "\"a\": {\"t\": \"2020-06-20_21-33-24\", \"u\": \"2020-06-20T21:33:24Z\", \"v\": \"2020-06-20 21:33:24\", " +
                "\"w\": \"\\u00e9\\ud83d\\ude00\\u007f\\n\\\"\\\\\\/\\t\\u0001\", \"x\": null, \"y\": true, \"z\": false, \"dup\": 1, \"k\": 0, \"dup\": [2]}, " +
                "\"nested\": [{\"d\": \"2021-01-02_03-04-05\"}], \"e\": {}, \"f\": [], \"\\u00fcber\": 5}";
            const string python =
                "{\"b\": [1.0, 100000.0, 0, 1.5, 1e-07, 12345678901234567890, 0.1, 1e+16, 3000000000000000.0, -0.0025, Infinity, 12345.6, \"2020-06-20_21-33-24\"], " +
                "\"a\": {\"t\": \"2020-06-20T21:33:24Z\", \"u\": \"2020-06-20T21:33:24Z\", \"v\": \"2020-06-20 21:33:24\", " +
                "\"w\": \"\\u00e9\\ud83d\\ude00\\u007f\\n\\\"\\\\/\\t\\u0001\", \"x\": null, \"y\": true, \"z\": false, \"dup\": [2], \"k\": 0}, " +
                "\"nested\": [{\"d\": \"2021-01-02T03:04:05Z\"}], \"e\": {}, \"f\": [], \"\\u00fcber\": 5}";
            using (var doc = JsonDocument.Parse(input))
            {
                Assert.Equal(python, PythonJson.Serialize(doc.RootElement));
            }
        }

        [Theory]
        [InlineData(1.0, "1.0")]
        [InlineData(0.0, "0.0")]
        [InlineData(-0.0, "-0.0")]
        [InlineData(0.1, "0.1")]
        [InlineData(1e16, "1e+16")]
        [InlineData(1e15, "1000000000000000.0")]
        [InlineData(1e-5, "1e-05")]
        [InlineData(1e-4, "0.0001")]
        [InlineData(1.5e300, "1.5e+300")]
        [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
        [InlineData(21.899999618530273, "21.899999618530273")]
        [InlineData(-123.25088, "-123.25088")]
        [InlineData(2.5e-7, "2.5e-07")]
        [InlineData(double.PositiveInfinity, "Infinity")]
        [InlineData(double.NaN, "NaN")]
        public void FloatsAreWrittenLikePythonRepr(double value, string expected)
        {
            Assert.Equal(expected, PythonJson.FormatFloat(value));
        }

        [Fact]
        public void DotNetTreesAreSerialized()
        {
            var tree = new Dictionary<string, object>
            {
                ["when"] = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc),
                ["legacy"] = "2020-01-02_03-04-05",
                ["list"] = new List<object> { 1L, 2.0, 2.5f, (short)3, "2020-01-02_03-04-05", null, false },
                ["nested"] = new SortedDictionary<string, object> { ["z"] = 1, ["a"] = new Dictionary<int, object> { [7] = "seven" } },
            };
            Assert.Equal(
                "{\"when\": \"2020-01-02T03:04:05Z\", \"legacy\": \"2020-01-02T03:04:05Z\", \"list\": [1, 2.0, 2.5, 3, \"2020-01-02_03-04-05\", null, false], " +
                "\"nested\": {\"a\": {\"7\": \"seven\"}, \"z\": 1}}",
                PythonJson.Serialize(tree));
            Assert.Throws<FormatException>(() => PythonJson.Serialize(new { Anonymous = 1 }));
        }

        [Fact]
        public void InvalidDateShapedValueFailsLikeUpstream()
        {
            var e = Assert.Throws<StickyPiException>(() => UidAnnotationSubmission.FromJson(
                Spec46Input.Replace("\"value\":0", "\"value\":\"2020-13-01T00:00:00Z\""), "bad.json"));
            Assert.Equal(StickyErrorIds.InvalidAnnotation, e.ErrorId);
            Assert.Contains("bad.json", e.Message);
            Assert.Contains("$.annotations[0].value", e.Message);
        }

        [Theory]
        [InlineData("[1]", null)]
        [InlineData("{\"metadata\": {}}", "annotations")]
        [InlineData("{\"annotations\": {}, \"metadata\": {}}", "annotations")]
        [InlineData("{\"annotations\": []}", "metadata")]
        [InlineData("{\"annotations\": [], \"metadata\": []}", "metadata")]
        [InlineData("{\"annotations\": [], \"metadata\": {\"algo_version\": \"1\", \"device\": \"d\", \"datetime\": \"2020-06-20T21:33:24Z\", \"md5\": \"m\"}}", "metadata.algo_name")]
        [InlineData("{\"annotations\": [], \"metadata\": {\"algo_name\": 5, \"algo_version\": \"1\", \"device\": \"d\", \"datetime\": \"2020-06-20T21:33:24Z\", \"md5\": \"m\"}}", "metadata.algo_name")]
        [InlineData("{\"annotations\": [], \"metadata\": {\"algo_name\": \"u\", \"algo_version\": \"1\", \"device\": \"d\", \"datetime\": \"yesterday\", \"md5\": \"m\"}}", "metadata.datetime")]
        [InlineData("{\"annotations\": [], \"metadata\": {\"algo_name\": \"u\", \"algo_version\": \"1\", \"device\": \"d\", \"datetime\": \"2020-06-20T21:33:24Z\"}}", "metadata.md5")]
        [InlineData("{\"annotations\": [], \"metadata\": {\"algo_name\": \"u\", \"algo_version\": \"1\", \"device\": null, \"datetime\": \"2020-06-20T21:33:24Z\", \"md5\": \"m\"}}", "metadata.device")]
        [InlineData("{not json", null)]
        public void IllFormedItemsNameSourceAndField(string json, string field)
        {
            var e = Assert.Throws<StickyPiException>(() => UidAnnotationSubmission.FromJson(json, "item-7.json"));
            Assert.Equal(StickyErrorIds.InvalidAnnotation, e.ErrorId);
            Assert.Equal(StickyErrorKind.InvalidData, e.Kind);
            Assert.Contains("item-7.json", e.Message);
            if (field != null)
            {
                Assert.Contains("'" + field + "'", e.Message);
            }
        }
    }
}
