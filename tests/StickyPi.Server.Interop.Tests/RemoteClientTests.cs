using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using StickyPi.Server.Interop.Tests.Support;

namespace StickyPi.Server.Interop.Tests
{
    /// <summary>
    /// Upstream's unmodified RemoteClient against our started server, one test per client method: every step of
    /// python/scenario.py for that method must give what the same step gave against upstream's own server.
    /// </summary>
    [Collection(InteropCollection.Name)]
    public sealed class RemoteClientTests
    {
        /// <summary>Client methods that make requests of their own, in the order the scenario runs them.</summary>
        public static readonly string[] RequestMethods =
        {
            "get_token", "get_users", "put_users", "put_images", "_put_new_images", "get_images", "get_image_series",
            "put_uid_annotations", "get_uid_annotations", "get_uid_annotations_series", "get_images_with_uid_annotations_series",
            "get_images_to_annotate", "put_tiled_tuboids", "get_tiled_tuboid_series", "put_itc_labels", "_get_itc_labels",
            "get_tiled_tuboid_series_itc_labels", "put_ml_bundle_dir", "_get_ml_bundle_file_list", "get_ml_bundle_dir",
            "put_projects", "get_projects", "put_project_permissions", "get_project_permissions", "put_project_series",
            "get_project_series", "put_project_columns", "delete_project_columns", "delete_project_series", "delete_projects",
            "delete_tiled_tuboids", "delete_images", "delete_users",
        };

        /// <summary>Client methods with no request of their own, and the scenario method that runs them.</summary>
        private static readonly Dictionary<string, string> CoveredThrough = new Dictionary<string, string>
        {
            ["_diff_images_to_upload"] = "put_images",
            ["_put_tiled_tuboids"] = "put_tiled_tuboids",
            ["_get_ml_bundle_upload_links"] = "put_ml_bundle_dir",
            ["_put_ml_bundle_file"] = "put_ml_bundle_dir",
            ["_get_ml_bundle_file"] = "get_ml_bundle_dir",
            ["delete_cache"] = null, // removes the client's local stat cache: no server involved
        };

        /// <summary>
        /// Steps where our answer differs from upstream's on purpose, each documented in
        /// docs/about_StickyPi_Compatibility.md. Empty until the server documents one.
        /// </summary>
        private static readonly Dictionary<string, string> DocumentedDeviations = new Dictionary<string, string>();

        private readonly InteropFixture _f;

        public RemoteClientTests(InteropFixture fixture) => _f = fixture;

        public static IEnumerable<object[]> Methods => RequestMethods.Select(m => new object[] { m });

        [SkippableTheory]
        [MemberData(nameof(Methods))]
        public void MethodGivesWhatUpstreamsServerGives(string method)
        {
            _f.RequireOurs();
            var ours = InteropFixture.Steps(_f.Ours, method).ToList();
            Assert.True(ours.Count > 0, "the scenario has no step for " + method);
            var problems = new List<string>();
            foreach (var step in ours)
            {
                CheckOwnAnswer(step, problems);
            }

            if (_f.Upstream != null)
            {
                var upstream = InteropFixture.Steps(_f.Upstream, method).ToDictionary(s => (string)s["step"]);
                foreach (var step in ours)
                {
                    var name = (string)step["step"];
                    if (!upstream.TryGetValue(name, out var reference))
                    {
                        problems.Add(name + ": no such step in upstream's run");
                        continue;
                    }

                    if (!DocumentedDeviations.ContainsKey(name))
                    {
                        CompareWithUpstream(name, reference, step, problems);
                    }
                }
            }

            Assert.True(problems.Count == 0, method + ": " + problems.Count + " problem(s)\n" + string.Join("\n", problems));
            _f.RequireUpstream(); // without the reference run only our own answers were checked: say so
        }

        [SkippableFact]
        public void TheScenarioExercisesEveryClientMethod()
        {
            _f.RequireOurs();
            var clientMethods = _f.Ours["client_methods"].AsArray().Select(m => (string)m).ToList();
            Assert.NotEmpty(clientMethods);
            var exercised = new HashSet<string>(_f.Ours["steps"].AsArray().Select(s => (string)s["method"]));
            var notCovered = clientMethods.Where(m => !exercised.Contains(m) && !CoveredThrough.ContainsKey(m)).ToList();
            Assert.True(notCovered.Count == 0, "RemoteClient methods no step exercises: " + string.Join(", ", notCovered));
            Assert.All(CoveredThrough.Values.Where(v => v != null), v => Assert.Contains(v, exercised));
            Assert.All(RequestMethods, m => Assert.Contains(m, exercised));
        }

        /// <summary>What holds for our answers whatever upstream does: no 500s, errors a client can act on.</summary>
        private static void CheckOwnAnswer(JsonObject step, List<string> problems)
        {
            var name = (string)step["step"];
            if ((bool)step["ok"])
            {
                return;
            }

            var error = step["error"].AsObject();
            var status = error["status"]?.GetValue<int?>();
            var body = (string)error["body"] ?? "";
            if (status == null || status == 200)
            {
                problems.Add(name + ": the client failed on our answer: " + error["exception"] + " " + error["message"] + "\n" + error["traceback"]);
                return;
            }

            if (status >= 500)
            {
                problems.Add(name + ": ours answered " + status + " (a client error must be a 4xx): " + Trim(body));
                return;
            }

            if (status == 401 || status == 403)
            {
                if (string.IsNullOrEmpty((string)error["www_authenticate"]))
                {
                    problems.Add(name + ": " + status + " without WWW-Authenticate");
                }

                return;
            }

            if (!((string)error["content_type"] ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || !HasErrorField(body))
            {
                problems.Add(name + ": " + status + " without a JSON body {\"error\": …}: " + error["content_type"] + " " + Trim(body));
            }
        }

        private static void CompareWithUpstream(string name, JsonObject upstream, JsonObject ours, List<string> problems)
        {
            bool upOk = (bool)upstream["ok"], ourOk = (bool)ours["ok"];
            if (upOk != ourOk)
            {
                problems.Add(name + ": upstream " + (upOk ? "succeeded" : "failed with " + upstream["error"]?["status"]) + ", ours "
                             + (ourOk ? "succeeded: " + JsonCompare.Show(ours["result"]) : "failed with " + ours["error"]?["status"] + ": " + Trim((string)ours["error"]?["body"])));
                return;
            }

            if (upOk)
            {
                foreach (var d in JsonCompare.Diff(upstream["result"], ours["result"]))
                {
                    problems.Add(name + ": " + d);
                }
            }
            else
            {
                var up = upstream["error"]?["status"]?.GetValue<int?>();
                var our = ours["error"]?["status"]?.GetValue<int?>();
                var expected = up == 500 ? "a 4xx (upstream's 500 is a client error here)" : up.ToString();
                var fine = up == 500 ? our >= 400 && our < 500 : our == up;
                if (!fine)
                {
                    problems.Add(name + ": upstream answered " + up + ", ours " + our + "; expected " + expected);
                }
            }

            // the same requests in the same order (file downloads aside: their URLs are each server's own)
            var upRequests = Posts(upstream);
            var ourRequests = Posts(ours);
            if (!upRequests.SequenceEqual(ourRequests))
            {
                problems.Add(name + ": the client made other requests: upstream [" + string.Join(", ", upRequests) + "], ours [" + string.Join(", ", ourRequests) + "]");
            }
        }

        private static List<string> Posts(JsonObject step) =>
            step["requests"].AsArray().Select(r => (string)r).Where(r => r.StartsWith("POST ", StringComparison.Ordinal))
                .Select(r => r.Substring(0, r.LastIndexOf(' '))).ToList();

        private static bool HasErrorField(string body)
        {
            try
            {
                return JsonNode.Parse(body) is JsonObject o && o.ContainsKey("error");
            }
            catch (JsonException)
            {
                return false; // the body is cut at 400 characters: long JSON bodies are not expected for errors
            }
        }

        private static string Trim(string s) => s == null ? "" : s.Length > 300 ? s.Substring(0, 300) + "…" : s;
    }
}
