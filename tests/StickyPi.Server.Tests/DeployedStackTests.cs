using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using StickyPi.Catalog.MariaDb;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;
using StickyPi.Core.Sync;
using StickyPi.SampleData;
using StickyPi.Server.Tests.Support;
using StickyPi.Storage.S3;

namespace StickyPi.Server.Tests
{
    /// <summary>
    /// StickyPi.Server deployed as upstream deploys (upstream's MYSQL_* and S3_* variables: a MariaDB catalog, files in
    /// an S3 bucket), driven by the module's remote back-end through one scripted session (images, links, annotations,
    /// reservations, tuboids, labels, ML bundles, projects, completion, deletion). The same session against the server
    /// on the embedded store gives the same transcript; the rows are in MariaDB and the files in the bucket.
    /// </summary>
    public sealed class DeployedStackTests : IClassFixture<MariaDbFixture>, IClassFixture<S3rverFixture>, IDisposable
    {
        private readonly MariaDbFixture _db;
        private readonly S3rverFixture _s3;
        private readonly string _work = TestPaths.NewTempDir("stickypi-deployed");

        public DeployedStackTests(MariaDbFixture db, S3rverFixture s3)
        {
            _db = db;
            _s3 = s3;
        }

        public void Dispose() => TestPaths.DeleteDir(_work);

        [SkippableFact]
        public void TheServerOnMariaDbAndS3AnswersTheSessionAsOnTheEmbeddedStore()
        {
            _db.Require();
            _s3.Require();
            var input = Path.Combine(_work, "input");
            Directory.CreateDirectory(input);
            var t0 = new DateTime(2021, 9, 1, 6, 0, 0, DateTimeKind.Utc);
            var images = Enumerable.Range(0, 6).Select(n => SampleImages.WriteImage(input, n % 2 == 0 ? "0a5bb6f4" : "1b74105a", t0.AddMinutes(20 * n),
                n % 3 == 0 ? SampleFormat.Legacy2020 : SampleFormat.Csv2022, 320, 240, 70 + n)).ToList();
            var series = SampleTuboids.WriteFixtureSeries(Path.Combine(_work, "tuboids"));
            var bundle = Path.Combine(_work, "bundle");
            SampleMlBundle.Write(bundle);

            List<string> embedded;
            using (var server = new StickyServer())
            {
                embedded = Session(server, "embedded", images, series, bundle);
                Assert.Contains(server.Logs, l => l.Contains("Serving the embedded store in"));
            }

            var database = _db.NewDatabase();
            var bucket = _s3.NewBucket();
            List<string> deployed;
            using (var server = new StickyServer(settings: new Dictionary<string, string>
            {
                ["StickyPi:MariaDb:ConnectionString"] = database,
                ["StickyPi:S3:ServiceUrl"] = bucket.ServiceUrl.ToString(),
                ["S3_ACCESS_KEY"] = bucket.AccessKey,
                ["S3_PRIVATE_KEY"] = bucket.SecretKey,
                ["S3_BUCKET_NAME"] = bucket.Bucket,
            }))
            {
                deployed = Session(server, "deployed", images, series, bundle);
                Assert.Contains(server.Logs, l => l.Contains("Serving the MariaDB catalog 127.0.0.1 with the S3 bucket " + bucket.Bucket));
                Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "raw_images")), "no image file may be written to the folder");
            }

            Assert.Equal(string.Join("\n", embedded), string.Join("\n", deployed));
            Assert.Contains(deployed, l => l.StartsWith("thumbnail ", StringComparison.Ordinal));

            // The rows are MariaDB's and the files the bucket's.
            var catalog = MariaDbCatalog.Open(database, createSchema: false);
            var admin = catalog.GetCallerIdentity(StickyServer.AdminName);
            Assert.Equal(4, catalog.GetImageSeries(admin, new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue)).Count);
            using (var files = new S3FileStorage(bucket))
            {
                Assert.Equal(12, files.List("raw_images/").Count());
                Assert.NotEmpty(files.List("ml/insects-v1/"));
                Assert.Empty(files.List("raw_images/.staging/"));
            }
        }

        [Theory]
        [InlineData("S3_HOST=127.0.0.1:9000;S3_ACCESS_KEY=a;S3_PRIVATE_KEY=b;S3_BUCKET_NAME=c", "S3_HOST is set but MYSQL_HOST is not")]
        [InlineData("MYSQL_HOST=127.0.0.1:3306;MYSQL_DATABASE=d", "MYSQL_HOST is set but MYSQL_USER is not")]
        [InlineData("MYSQL_HOST=127.0.0.1:x;MYSQL_USER=u;MYSQL_DATABASE=d", "has no valid port")]
        [InlineData("MYSQL_HOST=127.0.0.1;MYSQL_USER=u;MYSQL_DATABASE=d", "nothing holds the files")]
        [InlineData("MYSQL_HOST=127.0.0.1;MYSQL_USER=u;MYSQL_DATABASE=d;S3_HOST=h:1;S3_ACCESS_KEY=a;S3_BUCKET_NAME=c", "S3_HOST is set but S3_PRIVATE_KEY is not")]
        public void AnIncompleteDeploymentIsRefusedSayingWhatToSet(string variables, string message)
        {
            var values = variables.Split(';').Select(v => v.Split('=')).ToDictionary(v => v[0], v => v[1]);
            values["SECRET_API_KEY"] = "secret";
            var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
            var e = Assert.Throws<ServerConfigurationException>(() => ServerSettings.From(config, new Environment()));
            Assert.Contains(message, e.Message);
        }

        [Fact]
        public void UpstreamsVariablesMakeTheConnectionAndTheHttpsEndpoint()
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string>
            {
                ["SECRET_API_KEY"] = "secret", ["MYSQL_HOST"] = "db.lab:3307", ["MYSQL_USER"] = "spi", ["MYSQL_PASSWORD"] = "pw", ["MYSQL_DATABASE"] = "spi_db",
                ["S3_HOST"] = "s3.lab:9000", ["S3_ACCESS_KEY"] = "ak", ["S3_PRIVATE_KEY"] = "sk", ["S3_BUCKET_NAME"] = "sticky",
            }).Build();
            var s = ServerSettings.From(config, new Environment());
            var cs = new MySqlConnector.MySqlConnectionStringBuilder(s.MariaDbConnectionString);
            Assert.Equal(("db.lab", 3307u, "spi", "pw", "spi_db"), (cs.Server, cs.Port, cs.UserID, cs.Password, cs.Database));
            Assert.Equal((new Uri("https://s3.lab:9000/"), "ak", "sk", "sticky"), (s.S3.ServiceUrl, s.S3.AccessKey, s.S3.SecretKey, s.S3.Bucket));
            Assert.Null(s.DataDirectory);
            Assert.DoesNotContain("pw", s.BackendDescription);
        }

        /// <summary>
        /// The session, each answer as a line: without creation times (their precision differs) and image ids (they
        /// follow the upload order, which the parallel import does not fix).
        /// </summary>
        private List<string> Session(StickyServer server, string name, IReadOnlyList<string> images, string tuboidSeries, string bundle)
        {
            var log = new List<string>();
            var handler = server.Server.CreateHandler();
            using (var api = RemoteStickyBackend.Connect(server.Server.BaseAddress, StickyServer.AdminName, StickyServer.AdminPassword, out var admin,
                Path.Combine(_work, name + "-cache"), handler))
            using (var download = new HttpClient(server.Server.CreateHandler()))
            {
                using (var import = api.BeginImageImport(admin, new ImageImportOptions()))
                {
                    foreach (var f in images)
                    {
                        import.Post(f);
                    }

                    import.Complete();
                    log.AddRange(import.Drain().OrderBy(r => r.Path, StringComparer.Ordinal).Select(r => "import " + Path.GetFileName(r.Path) + " " + r.Status + " " + r.ErrorId));
                }

                var all = new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue);
                log.AddRange(api.GetImageSeries(admin, all).Select(i => "image " + string.Join("|", i.Device, i.DateTime.ToString("o"), i.Md5, i.Width, i.Height, i.Temp, i.Bat, i.ApiUserId)));
                foreach (var i in api.GetImages(admin, api.GetImageSeries(admin, all).Select(x => x.Key).ToList(), ImageFileKind.Thumbnail))
                {
                    log.Add("thumbnail " + i.FileName + " " + TestFiles.Md5(download.GetByteArrayAsync(i.Url).GetAwaiter().GetResult()));
                }

                var first = api.GetImageSeries(admin, all).First();
                api.PutUidAnnotations(admin, new[] { UidAnnotationSubmission.Create(first.Device, first.DateTime, first.Md5, "uid", "1", new object[0]) });
                log.AddRange(api.GetUidAnnotations(admin, new[] { first.Key }, includeJson: true).Select(a => "annotation " + string.Join("|", a.Id, a.Device, a.DateTime.ToString("o"), a.AlgoName, a.AlgoVersion, a.NObjects, a.Json)));
                log.Add("to annotate " + string.Join(" ", api.GetImagesToAnnotate(admin, "uid", "1", all).Select(i => i.FileName)));

                var info = new TuboidSeriesInfo { AlgoName = "deployed", ImageCount = 10, TuboidCount = 6 };
                log.AddRange(TuboidUploader.ExpandDirectory(tuboidSeries).Select(d => api.UploadTuboid(admin, d, info)).Select(r => "tuboid " + r.TuboidId + " " + r.Status + " " + r.ErrorId));
                var tuboids = api.GetTiledTuboidSeries(admin, TuboidQuery.All, includeFiles: true).ToList();
                log.AddRange(tuboids.Select(t => "tuboid file " + t.TuboidId + " " + TestFiles.Md5(download.GetByteArrayAsync(t.TuboidFile).GetAwaiter().GetResult())));
                log.AddRange(api.PutItcLabels(admin, new[] { new ItcLabelSubmission { TuboidId = tuboids[1].TuboidId, AlgoName = "itc", AlgoVersion = "1", Label = 2, Pattern = "Insecta", Type = "Insecta" } })
                    .Select(r => "label " + r.Label?.Id + " " + r.ErrorId));
                log.AddRange(api.GetTiledTuboidSeriesWithItcLabels(admin, TuboidQuery.All).Select(t => "labelled " + t.TuboidId + " " + t.ItcLabel?.Label));

                log.AddRange(new MlBundleSync(api.AsMlBundleRemote(admin)).Push("insects-v1", bundle).Select(r => "push " + r.Key + " " + r.Status));
                log.AddRange(api.GetMlBundleFileList(admin, "insects-v1").Select(f => "bundle " + f.Key + " " + f.Md5 + " " + f.Size));
                var pulled = Path.Combine(_work, name + "-pulled", "insects-v1");
                log.AddRange(new MlBundleSync(api.AsMlBundleRemote(admin)).Pull("insects-v1", pulled).Select(r => "pull " + r.Key + " " + r.Status + " " + r.Md5));

                var project = api.AddProject(admin, "deployed");
                api.AddProjectColumn(admin, project.Id, "bait", ProjectColumnType.Integer);
                var row = api.AddProjectSeries(admin, project.Id, "0a5bb6f4", t(0), t(7), new Dictionary<string, object> { ["bait"] = 3 });
                log.Add("series " + string.Join("|", row.Id, row.Device, row.StartDateTime.ToString("o"), row.Columns["bait"]));
                log.Add("devices " + string.Join(" ", api.CompleteImageDevices(admin, "")));

                log.AddRange(api.DeleteImages(admin, api.GetImageSeries(admin, all).Take(2).Select(i => i.Key).ToList()).Select(i => "deleted " + i.FileName));
                log.Add("left " + api.GetImageSeries(admin, all).Count());
                log.AddRange(api.DeleteTiledTuboids(admin, TuboidQuery.All).Select(s => "deleted series " + s.Device + " " + s.NTuboids));
            }

            return log;

            DateTime t(int days) => new DateTime(2021, 9, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(days);
        }

        private sealed class Environment : IHostEnvironment
        {
            public string EnvironmentName { get; set; } = "Production";

            public string ApplicationName { get; set; } = "StickyPi.Server";

            public string ContentRootPath { get; set; } = System.IO.Path.GetTempPath();

            public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; }
        }
    }
}
