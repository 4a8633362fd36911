using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>
    /// Compares what upstream's client got from upstream's server with what it got from ours, as the client sees it:
    /// numbers equal within float precision (MariaDB FLOAT columns come back single-precision), <c>true</c>/<c>1</c>
    /// equal (Python's <c>True == 1</c>; upstream itself answers either depending on the code path), <c>alt</c> and
    /// <c>bat</c> equal once rounded (SMALLINT columns: MariaDB rounds, SQLite keeps the parsed float; spec §2.2).
    /// </summary>
    /// <summary>One place where the two answers differ.</summary>
    public sealed class Difference
    {
        public string Path;
        public string Key;
        public JsonNode Upstream;
        public JsonNode Ours;

        /// <summary>The object of our answer that holds the differing key (null at the top).</summary>
        public JsonObject OursParent;
        public string Text;

        public override string ToString() => Text;
    }

    public static class JsonCompare
    {
        private static readonly HashSet<string> SmallIntColumns = new HashSet<string>(StringComparer.Ordinal) { "alt", "bat" };

        public static List<Difference> Diff(JsonNode expected, JsonNode actual, string path = "$")
        {
            var diffs = new List<Difference>();
            Walk(expected, actual, path, null, null, diffs);
            return diffs;
        }

        private static void Walk(JsonNode e, JsonNode a, string path, string key, JsonObject parent, List<Difference> diffs)
        {
            if (diffs.Count > 40)
            {
                return;
            }

            if (e == null || a == null)
            {
                if (e != null || a != null)
                {
                    diffs.Add(D(path, key, parent, e, a, path + ": upstream " + Show(e) + ", ours " + Show(a)));
                }

                return;
            }

            if (e is JsonObject eo && a is JsonObject ao)
            {
                foreach (var k in eo.Select(p => p.Key).Union(ao.Select(p => p.Key)).OrderBy(k => k, StringComparer.Ordinal))
                {
                    var inE = eo.ContainsKey(k);
                    var inA = ao.ContainsKey(k);
                    if (inE && inA)
                    {
                        Walk(eo[k], ao[k], path + "." + k, k, ao, diffs);
                    }
                    else
                    {
                        diffs.Add(D(path + "." + k, k, ao, inE ? eo[k] : null, inA ? ao[k] : null,
                            path + "." + k + ": " + (inE ? "missing from ours (upstream " + Show(eo[k]) + ")" : "only in ours (" + Show(ao[k]) + ")")));
                    }
                }

                return;
            }

            if (e is JsonArray ea && a is JsonArray aa)
            {
                if (ea.Count != aa.Count)
                {
                    diffs.Add(D(path, key, parent, e, a, path + ": upstream has " + ea.Count + " elements, ours " + aa.Count + " (upstream " + Show(ea) + ", ours " + Show(aa) + ")"));
                    return;
                }

                for (var i = 0; i < ea.Count; i++)
                {
                    Walk(ea[i], aa[i], path + "[" + i + "]", key, null, diffs);
                }

                return;
            }

            if (e is JsonValue ev && a is JsonValue av)
            {
                if (Number(ev, out var en) && Number(av, out var an))
                {
                    var equal = key != null && SmallIntColumns.Contains(key)
                        ? Math.Round(en, MidpointRounding.AwayFromZero) == Math.Round(an, MidpointRounding.AwayFromZero)
                        : Math.Abs(en - an) <= Math.Max(1e-9, 1e-6 * Math.Max(Math.Abs(en), Math.Abs(an)));
                    if (!equal)
                    {
                        diffs.Add(D(path, key, parent, e, a, path + ": upstream " + Show(e) + ", ours " + Show(a)));
                    }

                    return;
                }

                if (ev.GetValueKind() == JsonValueKind.String && av.GetValueKind() == JsonValueKind.String)
                {
                    if (!string.Equals(ev.GetValue<string>(), av.GetValue<string>(), StringComparison.Ordinal))
                    {
                        diffs.Add(D(path, key, parent, e, a, path + ": upstream " + Show(e) + ", ours " + Show(a)));
                    }

                    return;
                }
            }

            diffs.Add(D(path, key, parent, e, a, path + ": upstream " + Show(e) + ", ours " + Show(a)));
        }

        private static Difference D(string path, string key, JsonObject parent, JsonNode e, JsonNode a, string text) =>
            new Difference { Path = path, Key = key, OursParent = parent, Upstream = e, Ours = a, Text = text };

        private static bool Number(JsonValue v, out double d)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.Number:
                    d = v.GetValue<double>();
                    return true;
                case JsonValueKind.True:
                    d = 1;
                    return true;
                case JsonValueKind.False:
                    d = 0;
                    return true;
                default:
                    d = 0;
                    return false;
            }
        }

        public static string Show(JsonNode n)
        {
            var s = n == null ? "null" : n.ToJsonString();
            return s.Length > 300 ? s.Substring(0, 300) + "…" : s;
        }
    }
}
