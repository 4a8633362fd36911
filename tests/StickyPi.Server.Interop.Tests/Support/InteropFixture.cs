using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using StickyPi.SampleData;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>
    /// Runs the whole client scenario (python/scenario.py) once against upstream's server (when its pieces are
    /// installed) and once against ours, started with the same SECRET_API_KEY and bootstrap users, then the token
    /// cross-checks; the tests read the recorded results. Both servers are stopped and their folders removed before
    /// the tests run.
    /// </summary>
    public sealed class InteropFixture : ServerRunFixture, IDisposable
    {
        public const int SampleCount = 12;

        public InteropFixture()
            : base("interop run")
        {
        }

        public JsonNode Ours { get; private set; }

        public JsonNode Upstream { get; private set; }

        public JsonNode Tokens { get; private set; }

        public ProcessResult OursRun { get; private set; }

        public ProcessResult UpstreamRun { get; private set; }

        public ProcessResult TokensRun { get; private set; }

        public JsonNode LargeBundle { get; private set; }

        public ProcessResult LargeBundleRun { get; private set; }

        public string OurServerLog { get; private set; }

        /// <summary>Our server's data folder (gone by the time tests run; its path must never reach a client).</summary>
        public string OurDataDir { get; private set; }

        protected override void Prepare()
        {
            if (!Directory.Exists(InteropPaths.Shared))
            {
                MissingReason = "../shared is not beside the checkout (" + InteropPaths.Shared + "): upstream's client and the fixtures live there";
                return;
            }

            MissingReason = Python.Unavailable();
            if (MissingReason != null)
            {
                return;
            }

            if (!File.Exists(InteropPaths.ServerDll))
            {
                MissingReason = "StickyPi.Server is not built: " + InteropPaths.ServerDll;
                return;
            }

            var samples = InteropPaths.NewTempDir("interop-samples");
            UpstreamServer upstream = null;
            try
            {
                SampleImages.WriteSeason(samples, SampleCount, seed: 20261204);
                UpstreamMissingReason = UpstreamServer.Unavailable();
                if (UpstreamMissingReason == null)
                {
                    upstream = UpstreamServer.Start();
                }

                var identity = upstream?.Identity ?? ServerIdentity.NewRandom();
                using var ours = new OurServer(identity);
                OurDataDir = ours.DataDir;
                if (upstream != null)
                {
                    (Upstream, UpstreamRun) = RunScenario(upstream.Port, identity, samples, new Dictionary<string, string> { ["REQUESTS_CA_BUNDLE"] = upstream.CaBundle });
                    if (Upstream == null)
                    {
                        UpstreamMissingReason = "the scenario did not finish against upstream's server: " + UpstreamRun;
                    }
                }

                (Ours, OursRun) = RunScenario(ours.Port, identity, samples, null);
                RunDeployed(identity, samples);
                OursClient = RunOurClient("http://127.0.0.1:" + ours.Port + "/", identity, seed: 7100, out var oursClientError);
                OursClientError = oursClientError;
                if (upstream != null)
                {
                    UpstreamClient = RunOurClient("http://127.0.0.1:" + upstream.Port + "/", identity, seed: 7100, out var upstreamClientError);
                    UpstreamClientError = upstreamClientError;
                }

                OursProjects = RunRemote(w => RemoteProjectRun.Run("http://127.0.0.1:" + ours.Port + "/", identity, w), out var oursProjectsError);
                OursProjectsError = oursProjectsError;
                if (upstream != null)
                {
                    UpstreamProjects = RunRemote(w => RemoteProjectRun.Run("http://127.0.0.1:" + upstream.Port + "/", identity, w), out var upstreamProjectsError);
                    UpstreamProjectsError = upstreamProjectsError;
                    CatalogMirror = RunRemote(w => CatalogMirrorRun.Run(upstream, RemoteTuboidTests.Runs.SeriesDir, w), out var catalogMirrorError);
                    CatalogMirrorError = catalogMirrorError;
                    SharedStack = RunRemote(w => SharedStackRun.Run(upstream, w), out var sharedStackError);
                    SharedStackError = sharedStackError;
                }

                var tokenArgs = new List<string>
                {
                    "--secret", identity.SecretApiKey, "--user", identity.AdminName, "--password", identity.AdminPassword,
                    "--ours", ours.Port.ToString(),
                };
                if (upstream != null)
                {
                    tokenArgs.AddRange(new[] { "--upstream", upstream.Port.ToString() });
                }

                (Tokens, TokensRun) = Python.RunScript("tokens.py", tokenArgs, null, TimeSpan.FromMinutes(2));
                (LargeBundle, LargeBundleRun) = Python.RunScript("bundle_large.py", new[]
                {
                    "--port", ours.Port.ToString(), "--user", identity.AdminName, "--password", identity.AdminPassword,
                }, null, TimeSpan.FromMinutes(3));
                OurServerLog = ours.Log;
                SaveResults();
            }
            finally
            {
                upstream?.Dispose();
                InteropPaths.DeleteDir(samples);
            }
        }

        /// <summary>Our client side (the import pipeline's sending sink) against our server, then against upstream's.</summary>
        public ClientImport OursClient { get; private set; }

        public string OursClientError { get; private set; }

        public ClientImport UpstreamClient { get; private set; }

        public string UpstreamClientError { get; private set; }

        /// <summary>The remote back-end on projects (RemoteProjectTests) against our server, then against upstream's.</summary>
        public RemoteProjectRun OursProjects { get; private set; }

        public string OursProjectsError { get; private set; }

        public RemoteProjectRun UpstreamProjects { get; private set; }

        /// <summary>What upstream's server stored, read through its API and by our MariaDB catalog from its database.</summary>
        public CatalogMirrorRun CatalogMirror { get; private set; }

        public string CatalogMirrorError { get; private set; }

        /// <summary>Both servers asked the same questions on upstream's own MariaDB database and S3 bucket.</summary>
        public SharedStackRun SharedStack { get; private set; }

        public string SharedStackError { get; private set; }

        public string UpstreamProjectsError { get; private set; }

        private static T RunRemote<T>(Func<string, T> run, out string error)
            where T : class
        {
            var work = InteropPaths.NewTempDir("interop-remote");
            try
            {
                error = null;
                return run(work);
            }
            catch (Exception e)
            {
                error = e.ToString();
                return null;
            }
            finally
            {
                InteropPaths.DeleteDir(work);
            }
        }

        private static ClientImport RunOurClient(string baseUrl, ServerIdentity identity, int seed, out string error)
        {
            var work = InteropPaths.NewTempDir("interop-client");
            try
            {
                error = null;
                return ClientImport.Run(baseUrl, identity, work, seed);
            }
            catch (Exception e)
            {
                error = e.ToString();
                return null;
            }
            finally
            {
                InteropPaths.DeleteDir(work);
            }
        }

        /// <summary>With STICKYPI_INTEROP_RESULTS=DIR, keeps both runs' results there for reading by hand.</summary>
        private void SaveResults()
        {
            var dir = Environment.GetEnvironmentVariable("STICKYPI_INTEROP_RESULTS");
            if (string.IsNullOrEmpty(dir))
            {
                return;
            }

            Directory.CreateDirectory(dir);
            foreach (var (name, json) in new[] { ("ours", Ours), ("upstream", Upstream), ("tokens", Tokens), ("large-bundle", LargeBundle) })
            {
                if (json != null)
                {
                    File.WriteAllText(Path.Combine(dir, name + ".json"), json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                }
            }

            File.WriteAllText(Path.Combine(dir, "our-server.log"), OurServerLog ?? "");
        }

        /// <summary>Upstream's client run against our server deployed on MariaDB + S3 (a new database and bucket).</summary>
        public JsonNode OursDeployed { get; private set; }

        public ProcessResult OursDeployedRun { get; private set; }

        public string OursDeployedDataDir { get; private set; }

        public string OursDeployedLog { get; private set; }

        /// <summary>Why the deployed run could not be made here (MariaDB or s3rver missing), or null.</summary>
        public string OursDeployedMissing { get; private set; }

        /// <summary>The scenario again, on our server deployed as upstream deploys: a private mariadbd and s3rver, the database and bucket made by the server.</summary>
        private void RunDeployed(ServerIdentity identity, string samples)
        {
            using (var db = new MariaDbFixture())
            using (var s3 = new S3rverFixture())
            {
                OursDeployedMissing = db.Missing ?? s3.Missing;
                if (OursDeployedMissing != null)
                {
                    return;
                }

                var id = Guid.NewGuid().ToString("N").Substring(0, 12);
                var options = s3.Options();
                var environment = new Dictionary<string, string>
                {
                    ["StickyPi__MariaDb__ConnectionString"] = db.ConnectionString("interop_" + id),
                    ["StickyPi__S3__ServiceUrl"] = options.ServiceUrl.ToString(),
                    ["S3_ACCESS_KEY"] = options.AccessKey,
                    ["S3_PRIVATE_KEY"] = options.SecretKey,
                    ["S3_BUCKET_NAME"] = "interop-" + id,
                };
                using (var deployed = new OurServer(identity, environment: environment))
                {
                    OursDeployedDataDir = deployed.DataDir;
                    (OursDeployed, OursDeployedRun) = RunScenario(deployed.Port, identity, samples, null);
                    OursDeployedLog = deployed.Log;
                }
            }
        }

        /// <summary>The deployed run, required as <see cref="RequireOurs"/> requires ours (under CI MariaDB and s3rver must run).</summary>
        public void RequireOursDeployed()
        {
            RequireOurs();
            if (OursDeployedMissing != null)
            {
                Assert.False(InteropPaths.UnderCi, "Under CI the deployed run must be made, but " + OursDeployedMissing);
                Skip.If(true, OursDeployedMissing);
            }

            Assert.True(OursDeployed != null, "The scenario did not finish against our server on MariaDB + S3: " + OursDeployedRun + "\n--- server log\n" + Tail(OursDeployedLog));
        }

        private static (JsonNode, ProcessResult) RunScenario(int port, ServerIdentity identity, string samples, IDictionary<string, string> env) =>
            Python.RunScript("scenario.py", new[]
            {
                "--port", port.ToString(), "--admin-user", identity.AdminName, "--admin-password", identity.AdminPassword,
                "--fixtures", InteropPaths.Fixtures, "--samples", samples,
            }, env, TimeSpan.FromMinutes(8));

        /// <summary>As the base, and the scenario must have finished against our server.</summary>
        public override void RequireOurs()
        {
            base.RequireOurs();
            Assert.True(Ours != null, "The scenario did not finish against our server: " + OursRun + "\n--- server log\n" + Tail(OurServerLog));
        }

        public static IEnumerable<JsonObject> Steps(JsonNode run, string method) =>
            run["steps"].AsArray().Select(s => s.AsObject()).Where(s => (string)s["method"] == method);

        public static string Tail(string s) => s == null || s.Length <= 4000 ? s : "…" + s.Substring(s.Length - 4000);

        public void Dispose()
        {
        }
    }

    [CollectionDefinition(Name)]
    public sealed class InteropCollection : ICollectionFixture<InteropFixture>
    {
        public const string Name = "interop";
    }
}
