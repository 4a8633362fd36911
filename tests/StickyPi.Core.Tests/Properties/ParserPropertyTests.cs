using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using CsCheck;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;
using StickyPi.SampleData;
using Xunit.Abstractions;

namespace StickyPi.Core.Tests.Properties
{
    /// <summary>
    /// Properties of the parsers and the key-range code: what each must return for valid input (parsed == expected),
    /// and that any other input gets the parser's typed error — never another exception type.
    /// </summary>
    public class ParserPropertyTests
    {
        private static readonly DateTime Earliest = StickyTime.EarliestImage;
        private readonly ITestOutputHelper _output;

        public ParserPropertyTests(ITestOutputHelper output)
        {
            _output = output;
        }

        // ---- file names -------------------------------------------------------------------------------------

        private static readonly Gen<(string name, string device, DateTime? time, int second)> FileNames =
            Gen.Select(Gen.Int[1, 9999], Gen.Int[1, 12], Gen.Int[1, 31], Gen.Int[0, 23], Gen.Int[0, 59], Gen.Int[0, 61], Gen.Int)
                .Select(t =>
                {
                    var (year, month, day, hour, minute, second, salt) = t;
                    var rng = new Random(salt);
                    const string Hex = "0123456789abcdefABCDEF";
                    var device = new string(Enumerable.Range(0, 8).Select(_ => Hex[rng.Next(Hex.Length)]).ToArray());
                    string Field(int v) => rng.Next(3) == 0 ? v.ToString(CultureInfo.InvariantCulture) : v.ToString("00", CultureInfo.InvariantCulture);
                    var name = device + "." + year.ToString("0000", CultureInfo.InvariantCulture) + "-" + Field(month) + "-" + Field(day) + "_" + Field(hour) + "-" + Field(minute) + "-" + Field(second)
                               + "." + (rng.Next(4) == 0 ? "JPG" : "jpg");
                    DateTime? time = day <= DateTime.DaysInMonth(year, month) && second <= 59
                        ? new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc)
                        : (DateTime?)null; // Feb 30, a leap second: Python's datetime refuses them
                    return (name, device, time, second);
                });

        [Fact]
        public void FileNamesAtTheEdgesParseAsUpstreamReadsThem()
        {
            Property.Check(_output, FileNames, t =>
            {
                bool ok = ImageFileName.TryParse("/cards/a/" + t.name, out var key, out var errorId, out var error);
                if (t.time == null)
                {
                    Assert.False(ok);
                    Assert.Equal(StickyErrorIds.InvalidFileName, errorId);
                }
                else if (t.time < Earliest)
                {
                    Assert.False(ok);
                    Assert.Equal(StickyErrorIds.ImageTooOld, errorId);
                }
                else
                {
                    Assert.True(ok, error);
                    Assert.Equal(t.device, key.Device);
                    Assert.Equal(t.time, key.DateTime);
                    Assert.Equal(DateTimeKind.Utc, key.DateTime.Kind);
                }
            }, 3000, t => t.name);
        }

        [Fact]
        public void AnyFileNameIsAKeyOrATypedError()
        {
            var chars = Gen.OneOf(Gen.Char["0123456789abcdefABCDEF.-_/\\ :"], Gen.Char);
            Property.Check(_output, chars.Array[0, 40].Select(a => new string(a)), name =>
            {
                if (ImageFileName.TryParse(name, out var key, out var errorId, out _))
                {
                    Assert.True(ImageFileName.IsDevice(key.Device));
                    Assert.True(key.DateTime >= Earliest);
                }
                else
                {
                    Assert.Contains(errorId, new[] { StickyErrorIds.InvalidFileName, StickyErrorIds.ImageTooOld });
                    var e = Assert.Throws<StickyPiException>(() => ImageFileName.Parse(name));
                    Assert.Equal(errorId, e.ErrorId);
                }
            }, 3000, Property.Visible);
        }

        // ---- key ranges -----------------------------------------------------------------------------------------

        [Fact]
        public void EverySecondsStoredFormsLieInItsKeyRange()
        {
            var times = Gen.Long[0, DateTime.MaxValue.Ticks].Select(Gen.Int[0, 9_999_999], Gen.Bool, (ticks, fraction, edge) =>
            {
                var t = edge ? new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc) : new DateTime(ticks, DateTimeKind.Utc);
                return (second: StickyTime.Normalize(t), fraction);
            });
            Property.Check(_output, times, t =>
            {
                string low = SqliteRows.Bound(t.second), high = SqliteRows.NextSecondBound(t.second);
                string stored = StickyTime.ToDatabase(t.second.AddTicks(Math.Min(t.fraction, DateTime.MaxValue.Ticks - t.second.Ticks)));
                string whole = t.second.ToString(StickyTime.DatabaseSecondsFormat, CultureInfo.InvariantCulture);
                foreach (var form in new[] { stored, whole, StickyTime.ToDatabase(t.second) })
                {
                    Assert.True(string.CompareOrdinal(low, form) <= 0, low + " > " + form);
                    Assert.True(string.CompareOrdinal(form, high) < 0, form + " >= " + high);
                }

                if (t.second.Ticks <= DateTime.MaxValue.Ticks - TimeSpan.TicksPerSecond)
                {
                    Assert.Equal(SqliteRows.Bound(t.second.AddSeconds(1)), high); // the next second starts where this one ends
                }
            }, 3000, t => t.second.ToString("o"));
        }

        // ---- Python literals (2020 Make) -----------------------------------------------------------------------

        [Fact]
        public void LiteralsOfTheReferenceGrammarParseToTheirValue()
        {
            Property.Check(_output, Gen.Int.Select(seed => new PythonLiteralGrammar(seed).Literal()), t =>
            {
                var parsed = PythonLiteral.Parse(t.text);
                AssertSameValue(t.value, parsed, "$");
            }, 3000, t => Property.Visible(t.text));
        }

        [Fact]
        public void MakeDictsOfTheReferenceGrammarParseToTheirValue()
        {
            Property.Check(_output, Gen.Int.Select(seed => new PythonLiteralGrammar(seed).Dict(2)), t =>
            {
                AssertSameValue(t.value, PythonLiteral.Parse(t.text), "$");
            }, 2000, t => Property.Visible(t.text));
        }

        private const string Noise = "\\'\"{}[](),:#\\N{0x_.e-+ \n";

        [Fact]
        public void AnyTextIsALiteralOrATypedError()
        {
            // Mutations of valid literals (the interesting near-misses) and random text.
            var mutated = Gen.Int.Select(Gen.Int, (seed, how) =>
            {
                var text = new PythonLiteralGrammar(seed).Literal().text;
                var rng = new Random(how);
                var sb = new StringBuilder(text);
                for (int i = rng.Next(1, 4); i > 0 && sb.Length > 0; i--)
                {
                    int at = rng.Next(sb.Length);
                    switch (rng.Next(4))
                    {
                        case 0: sb.Remove(at, 1); break;
                        case 1: sb.Insert(at, Noise[rng.Next(Noise.Length)]); break;
                        case 2: sb[at] = (char)rng.Next(0, 0x3000); break;
                        default: sb.Length = at; break;
                    }
                }

                return sb.ToString();
            });
            var random = Gen.String;
            var deep = Gen.Int[1, 5000].Select(n => new string('[', n) + new string(']', n));
            Property.Check(_output, Gen.OneOf(mutated, random, deep), text =>
            {
                try
                {
                    PythonLiteral.Parse(text, "x.jpg", "EXIF Make");
                }
                catch (PythonLiteralException e)
                {
                    Assert.Equal(StickyErrorIds.InvalidExif, e.ErrorId);
                    Assert.InRange(e.Offset, 0, text.Length);
                }
            }, 4000, Property.Visible);
        }

        // ---- 2022 CSV ------------------------------------------------------------------------------------------

        [Fact]
        public void CsvCommentsGiveTheirValuesOrATypedError()
        {
            var fields = new[] { "v", "T", "H", "B", "L", "lat", "lng", "a", "b", "l", "x" };
            var gen = Gen.Int.Select(seed =>
            {
                var rng = new Random(seed);
                var chosen = fields.OrderBy(_ => rng.Next()).Take(rng.Next(1, fields.Length + 1)).ToList();
                var values = new List<string>();
                foreach (var f in chosen)
                {
                    switch (rng.Next(8))
                    {
                        case 0: values.Add(string.Empty); break;
                        case 1: values.Add("x" + rng.Next(100)); break;
                        case 2: values.Add(new[] { "0", "1", "2", "+1", "-0", "00" }[rng.Next(6)]); break;
                        case 3: values.Add(rng.Next(-5, 5).ToString(CultureInfo.InvariantCulture)); break;
                        default: values.Add(((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-5, 6))).ToString("R", CultureInfo.InvariantCulture)); break;
                    }
                }

                return (header: chosen, values);
            });
            Property.Check(_output, gen, t =>
            {
                var image = new ParsedImage();
                string text = string.Join(",", t.header) + "\n" + string.Join(",", t.values);
                bool numericOk = true;
                for (int i = 0; i < t.header.Count; i++)
                {
                    string f = t.header[i], v = t.values[i];
                    if (f == "b")
                    {
                        numericOk &= v.Length == 0 || long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
                    }
                    else if (f != "v" && f != "l" && f != "x")
                    {
                        numericOk &= v.Length == 0 || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
                    }
                }

                if (!numericOk)
                {
                    var e = Assert.Throws<StickyPiException>(() => StickyExif.ApplyCsv(image, text, "x.jpg"));
                    Assert.Equal(StickyErrorIds.InvalidExif, e.ErrorId);
                    return;
                }

                StickyExif.ApplyCsv(image, text, "x.jpg");
                double? Num(string f)
                {
                    int i = t.header.IndexOf(f);
                    return i < 0 || t.values[i].Length == 0 ? null : double.Parse(t.values[i], CultureInfo.InvariantCulture);
                }

                Assert.Equal(t.header.Contains("v") ? t.values[t.header.IndexOf("v")] : null, image.DeviceVersion);
                Assert.Equal(Num("T"), image.Temp);
                Assert.Equal(Num("H"), image.Hum);
                Assert.Equal(Num("B"), image.Bat);
                Assert.Equal(Num("L"), image.Lum);
                Assert.Equal(Num("lat"), image.Lat);
                Assert.Equal(Num("lng"), image.Lng);
                Assert.Equal(Num("a"), image.Alt);
                Assert.Equal(Num("b").HasValue ? Num("b") != 0 : (bool?)null, image.But); // Python: bool(int(x))
            }, 3000, t => string.Join(",", t.header) + "\\n" + string.Join(",", t.values));
        }

        [Fact]
        public void AnyUserCommentIsReadOrATypedError()
        {
            Property.Check(_output, Gen.Byte.Array[0, 120], bytes =>
            {
                try
                {
                    StickyExif.ApplyCsv(new ParsedImage(), bytes, "x.jpg");
                }
                catch (StickyPiException e)
                {
                    Assert.Equal(StickyErrorIds.InvalidExif, e.ErrorId);
                }
            }, 3000, b => Convert.ToHexString(b));
        }

        // ---- annotation JSON -----------------------------------------------------------------------------------

        private const string AnnotationJson =
            "{\"annotations\": [{\"contour\": [[[1, 2]], [[3, 4]], [[5, 2]]], \"name\": \"insect\", \"fill_colour\": [0, 0, 255], \"stroke_colour\": [0, 0, 255], \"value\": 1}]," +
            " \"metadata\": {\"algo_name\": \"uid\", \"algo_version\": \"1598113346-ad2cd78dfaca12821046dfb8994724d5\", \"device\": \"0a5bb6f4\"," +
            " \"datetime\": \"2020-06-30_20-41-05\", \"md5\": \"4a32bf6fab5a50b8455233194ceed9bc\"}}";

        [Fact]
        public void AnyAnnotationJsonIsReadOrATypedError()
        {
            var mutated = Gen.Int.Select(seed =>
            {
                var rng = new Random(seed);
                var sb = new StringBuilder(rng.Next(3) == 0 ? "[" + AnnotationJson + "," + AnnotationJson + "]" : AnnotationJson);
                for (int i = rng.Next(1, 4); i > 0 && sb.Length > 0; i--)
                {
                    int at = rng.Next(sb.Length);
                    switch (rng.Next(5))
                    {
                        case 0: sb.Remove(at, 1); break;
                        case 1: sb.Insert(at, "{}[]\",:0-.e1\\ntfa"[rng.Next(17)]); break;
                        case 2: sb[at] = (char)rng.Next(0, 0x3000); break;
                        case 3: sb.Insert(at, new string('[', rng.Next(1, 2000))); break;
                        default: sb.Length = at; break;
                    }
                }

                return sb.ToString();
            });
            Property.Check(_output, Gen.OneOf(mutated, Gen.String), json =>
            {
                try
                {
                    var items = UidAnnotationFile.Parse(json, "a.json");
                    Assert.NotNull(items);
                }
                catch (StickyPiException e)
                {
                    Assert.False(string.IsNullOrEmpty(e.ErrorId));
                }
            }, 3000, Property.Visible);
        }

        // ---- EXIF IFD structures ---------------------------------------------------------------------------------

        private static readonly byte[] TinyJpeg = SampleImages.CreateJpegWithoutExif(16, 16, 3);

        /// <summary>
        /// A JPEG whose APP1 holds a hand-made TIFF structure: random entries, offsets in and out of range, IFD chains
        /// that point back at themselves, Make and Exif-IFD tags with random types and counts.
        /// </summary>
        private static byte[] HostileExif(int seed)
        {
            var rng = new Random(seed);
            bool big = rng.Next(2) == 0;
            var tiff = new List<byte>();
            void U16(int v) { if (big) { tiff.Add((byte)(v >> 8)); tiff.Add((byte)v); } else { tiff.Add((byte)v); tiff.Add((byte)(v >> 8)); } }
            void U32(long v) { var b = new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v }; if (!big) Array.Reverse(b); tiff.AddRange(b); }
            tiff.AddRange(big ? new byte[] { 0x4D, 0x4D } : new byte[] { 0x49, 0x49 });
            U16(42);
            int length = rng.Next(16, 400);
            long Offset() => rng.Next(6) switch { 0 => 8, 1 => rng.Next(0, length), 2 => uint.MaxValue - rng.Next(0, 8), 3 => length + rng.Next(0, 64), _ => rng.Next(8, Math.Max(9, length - 4)) };
            U32(rng.Next(4) == 0 ? Offset() : 8);
            int ifds = rng.Next(1, 4);
            for (int d = 0; d < ifds; d++)
            {
                int entries = rng.Next(0, 8);
                U16(rng.Next(8) == 0 ? rng.Next(0, 65536) : entries);
                for (int e = 0; e < entries; e++)
                {
                    int tag = new[] { 0x010F, 0x8769, 0x9286, 0x8825, 0xA005, rng.Next(0, 65536) }[rng.Next(6)];
                    U16(tag);
                    U16(rng.Next(5) == 0 ? rng.Next(0, 20) : new[] { 2, 7, 4, 3 }[rng.Next(4)]);
                    U32(rng.Next(5) == 0 ? uint.MaxValue - rng.Next(0, 4) : rng.Next(0, 80));
                    U32(Offset());
                }

                U32(rng.Next(3) == 0 ? Offset() : 0);
            }

            while (tiff.Count < length)
            {
                tiff.Add((byte)(rng.Next(3) == 0 ? rng.Next(256) : (tiff.Count % 2 == 0 ? 0x7B : 0x27))); // '{' and "'" so Make text looks literal
            }

            var segment = new List<byte> { 0xFF, 0xE1 };
            int segmentLength = 2 + 6 + tiff.Count;
            segment.Add((byte)(segmentLength >> 8));
            segment.Add((byte)segmentLength);
            segment.AddRange(Encoding.ASCII.GetBytes("Exif\0\0"));
            segment.AddRange(tiff);
            return SampleImages.InsertAfterSoi(TinyJpeg, segment.ToArray());
        }

        [Fact]
        public void HostileExifStructuresAreReadOrATypedError()
        {
            Property.Check(_output, Gen.Int, seed =>
            {
                var jpeg = HostileExif(seed);
                try
                {
                    var tags = StickyExif.ReadTags(jpeg, "x.jpg");
                    StickyExif.Apply(new ParsedImage(), tags, "x.jpg");
                }
                catch (StickyPiException e)
                {
                    Assert.Contains(e.ErrorId, new[] { StickyErrorIds.InvalidExif, StickyErrorIds.MissingExif });
                }
            }, 3000, seed => Convert.ToHexString(HostileExif(seed)));
        }

        [Fact]
        public void HostileExifThroughTheWholeParserIsStoredOrATypedError()
        {
            var parser = new StickyImageParser();
            Property.Check(_output, Gen.Int, seed =>
            {
                try
                {
                    parser.Parse(HostileExif(seed), "0a5bb6f4.2022-06-01_12-00-00.jpg");
                }
                catch (StickyPiException e)
                {
                    Assert.False(string.IsNullOrEmpty(e.ErrorId));
                }
            }, 300, seed => Convert.ToHexString(HostileExif(seed)));
        }

        // ---- ML bundle keys --------------------------------------------------------------------------------------

        [Fact]
        public void BundleKeysResolveInsideTheBundleOrAreRefused()
        {
            string root = Path.Combine(Path.GetTempPath(), "stickypi-keys", "bundle");
            var chars = Gen.OneOf(Gen.Char["ab./\\:_-"], Gen.Char["\0\n *?<>|\"C"], Gen.Char);
            var keys = Gen.OneOf(
                chars.Array[0, 24].Select(a => new string(a)),
                Gen.Int.Select(seed =>
                {
                    var rng = new Random(seed);
                    var parts = new[] { "data", "..", ".", "", "config", "a.yaml", "C:", "\\\\srv", "x\\..\\y", "..." };
                    return string.Join("/", Enumerable.Range(0, rng.Next(1, 5)).Select(_ => parts[rng.Next(parts.Length)]));
                }));
            Property.Check(_output, keys, key =>
            {
                if (!MlBundlePaths.IsValidKey(key))
                {
                    var e = Assert.Throws<StickyPiException>(() => MlBundlePaths.Resolve(root, key));
                    Assert.Equal(MlBundleErrorIds.InvalidKey, e.ErrorId);
                    return;
                }

                string path = MlBundlePaths.Resolve(root, key);
                Assert.StartsWith(root + Path.DirectorySeparatorChar, path);
                Assert.Equal(key, Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'));
            }, 4000, Property.Visible);
        }

        // ---- helpers -------------------------------------------------------------------------------------------

        private static void AssertSameValue(object expected, object actual, string at)
        {
            switch (expected)
            {
                case null:
                    Assert.True(actual == null, at + ": expected None, got " + actual);
                    return;
                case long l:
                    Assert.True(actual is long && (long)actual == l, at + ": expected int " + l + ", got " + actual + " (" + actual?.GetType().Name + ")");
                    return;
                case double d:
                    Assert.True(actual is double && ((double)actual).Equals(d), at + ": expected float " + d.ToString("R") + ", got " + actual);
                    return;
                case string s:
                    Assert.True(actual is string && (string)actual == s, at + ": expected " + Property.Visible(s) + ", got " + Property.Visible(actual as string));
                    return;
                case bool b:
                    Assert.True(actual is bool && (bool)actual == b, at + ": expected " + b + ", got " + actual);
                    return;
                case Dictionary<string, object> dict:
                    var got = Assert.IsType<Dictionary<string, object>>(actual);
                    Assert.Equal(dict.Keys.OrderBy(k => k, StringComparer.Ordinal), got.Keys.OrderBy(k => k, StringComparer.Ordinal));
                    foreach (var pair in dict)
                    {
                        AssertSameValue(pair.Value, got[pair.Key], at + "['" + Property.Visible(pair.Key) + "']");
                    }

                    return;
                case object[] tuple:
                    var gotTuple = Assert.IsType<object[]>(actual);
                    Assert.Equal(tuple.Length, gotTuple.Length);
                    for (int i = 0; i < tuple.Length; i++)
                    {
                        AssertSameValue(tuple[i], gotTuple[i], at + "(" + i + ")");
                    }

                    return;
                case IList list:
                    var gotList = Assert.IsType<List<object>>(actual);
                    Assert.Equal(list.Count, gotList.Count);
                    for (int i = 0; i < list.Count; i++)
                    {
                        AssertSameValue(list[i], gotList[i], at + "[" + i + "]");
                    }

                    return;
                default:
                    throw new InvalidOperationException("unexpected expected value " + expected.GetType());
            }
        }
    }
}
