using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;
using StickyPi.Storage.S3;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>
    /// Our server started on upstream's own deployment (its MariaDB database and its S3 bucket over TLS, through
    /// upstream's variables), after upstream's server has filled them: the same questions asked of both servers, as a
    /// lab swapping one server for the other would ask them, each answer kept as text lines. Files are compared by
    /// the md5 of what their links give (upstream's presigned S3 links, our signed /files/ links).
    /// </summary>
    public sealed class SharedStackRun
    {
        public Dictionary<string, List<string>> Upstream { get; } = new Dictionary<string, List<string>>();

        public Dictionary<string, List<string>> Ours { get; } = new Dictionary<string, List<string>>();

        public string OurLog { get; private set; }

        public static SharedStackRun Run(UpstreamServer upstream, string work)
        {
            var run = new SharedStackRun();
            var upstreamUrl = new Uri("http://127.0.0.1:" + upstream.Port + "/");
            using (var api = RemoteStickyBackend.Connect(upstreamUrl, upstream.Identity.AdminName, upstream.Identity.AdminPassword, out var admin, Path.Combine(work, "shared-annotate")))
            {
                // Upstream's run deletes what it annotated: one annotation of its own, written through upstream's server.
                var image = api.GetImageSeries(admin, new ImageSeriesQuery("%", new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc))).First();
                api.PutUidAnnotations(admin, new[] { UidAnnotationSubmission.Create(image.Device, image.DateTime, image.Md5, "shared-stack", "1.0", new object[]
                {
                    new System.Collections.Specialized.OrderedDictionary { { "contour", new[] { new[] { new[] { 9, 9 } } } }, { "name", "insect" }, { "value", 2 } },
                }) });
            }

            Ask(run.Upstream, upstreamUrl, upstream, work);
            var environment = new Dictionary<string, string>();
            foreach (var name in new[] { "MYSQL_HOST", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE", "S3_HOST", "S3_ACCESS_KEY", "S3_PRIVATE_KEY", "S3_BUCKET_NAME" })
            {
                environment[name] = upstream.Setting(name);
            }

            environment["AWS_CA_BUNDLE"] = upstream.CaBundle;
            using (var ours = new OurServer(upstream.Identity, environment: environment))
            {
                try
                {
                    Ask(run.Ours, new Uri(ours.BaseUrl + "/"), upstream, work);
                }
                finally
                {
                    run.OurLog = ours.Log;
                }
            }

            return run;
        }

        private static void Ask(Dictionary<string, List<string>> answers, Uri endpoint, UpstreamServer upstream, string work)
        {
            using (var api = RemoteStickyBackend.Connect(endpoint, upstream.Identity.AdminName, upstream.Identity.AdminPassword, out var admin,
                Path.Combine(work, "shared-cache-" + endpoint.Port)))
            using (var download = new HttpClient(Handler(upstream.CaBundle)))
            {
                var all = new ImageSeriesQuery("%", new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc));
                var images = api.GetImageSeries(admin, all).ToList();
                answers["images"] = images.Select(i => string.Join("|", i.Id, i.Device, Time(i.DateTime), i.Md5, i.DeviceVersion, i.Width, i.Height, i.Lat, i.Lng, i.Alt,
                    i.Temp, i.Hum, i.Lum, i.Bat, i.But, Time(i.DateTimeCreated), i.ApiVersion, i.ApiUserId)).ToList();
                answers["thumbnails"] = api.GetImages(admin, images.Take(4).Select(i => i.Key).ToList(), ImageFileKind.Thumbnail)
                    .Select(i => i.FileName + " " + Md5(download, i.Url)).ToList();
                answers["annotations"] = api.GetUidAnnotationSeries(admin, all, includeJson: true)
                    .Select(a => string.Join("|", a.Id, a.ParentImageId, a.Device, Time(a.DateTime), a.AlgoName, a.AlgoVersion, a.NObjects, a.Json, Time(a.DateTimeCreated), a.ApiUserId)).ToList();
                var tuboids = api.GetTiledTuboidSeriesWithItcLabels(admin, TuboidQuery.All).ToList();
                answers["tuboids"] = tuboids.Select(t => string.Join("|", t.Id, t.TuboidId, t.IdInSeries, Time(t.StartDateTime), Time(t.EndDateTime), t.NShots, t.AlgoNameSeries,
                    t.NTuboidsSeries, t.ItcLabel?.Label, t.ItcLabel?.Pattern)).ToList();
                answers["tuboid files"] = api.GetTiledTuboidSeries(admin, TuboidQuery.All, includeFiles: true).Take(2)
                    .Select(t => t.TuboidId + " " + Md5(download, t.TuboidFile) + " " + Md5(download, t.MetadataFile)).ToList();
                // Users in id order: upstream lists them so, our server by name (as the embedded store).
                answers["users"] = api.GetUsers(admin).OrderBy(u => u.Id).Select(u => string.Join("|", u.Id, u.UserName, u.Role, u.Email, u.ApiUserId)).ToList();
                answers["projects"] = api.GetProjects(admin).Select(p => string.Join("|", p.Id, p.Name, p.Description, p.Notes, Time(p.DateTimeCreated), p.ApiUserId)).ToList();
            }
        }

        private static string Md5(HttpClient download, string url)
        {
            using (var md5 = MD5.Create())
            {
                return Convert.ToHexString(md5.ComputeHash(download.GetByteArrayAsync(url).GetAwaiter().GetResult())).ToLowerInvariant();
            }
        }

        /// <summary>Upstream's links are https with a CA its start script made: trust that CA for them (our links are http).</summary>
        private static HttpClientHandler Handler(string caBundle)
        {
            var trust = new TrustedCaHttpClientFactory(caBundle);
            return new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => trust.Trusted(certificate, errors) };
        }

        private static string Time(DateTime t) => StickyTime.Normalize(t).ToString("o", CultureInfo.InvariantCulture);
    }
}
