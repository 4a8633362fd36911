using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using StickyPi.Catalog.MariaDb;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;
using StickyPi.Core.Sync;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>
    /// Projects, permissions, typed series rows, tuboids and ITC labels written through upstream's own server, then
    /// read twice: through upstream's API and by our MariaDB catalog straight from the database upstream's server
    /// filled. Each answer is kept as text lines, field by field, for the tests to compare.
    /// </summary>
    public sealed class CatalogMirrorRun
    {
        public const string Password = "mirror-pass-123";

        public Dictionary<string, List<string>> ByApi { get; } = new Dictionary<string, List<string>>();

        public Dictionary<string, List<string>> ByCatalog { get; } = new Dictionary<string, List<string>>();

        public static CatalogMirrorRun Run(UpstreamServer upstream, string tuboidSeriesDir, string work)
        {
            var run = new CatalogMirrorRun();
            var t0 = new DateTime(2022, 3, 4, 5, 6, 7, DateTimeKind.Utc);
            using (var api = RemoteStickyBackend.Connect(new Uri("http://127.0.0.1:" + upstream.Port + "/"), upstream.Identity.AdminName, upstream.Identity.AdminPassword,
                out var admin, cacheRoot: Path.Combine(work, "mirror-cache")))
            {
                api.AddUser(admin, "mirror_viewer", Password.ToCharArray(), canWrite: false);
                var project = api.AddProject(admin, "mirror", "typed", "rows of every kind");
                api.PutProjectPermission(admin, project.Id, "mirror_viewer", 1);
                foreach (var (name, type) in new[] { ("n", ProjectColumnType.Integer), ("lat", ProjectColumnType.Decimal), ("w", ProjectColumnType.Double),
                    ("seen", ProjectColumnType.DateTime), ("note", ProjectColumnType.VarChar(20)), ("big", ProjectColumnType.BigInt) })
                {
                    api.AddProjectColumn(admin, project.Id, name, type);
                }

                api.AddProjectSeries(admin, project.Id, "0a5bb6f4", t0, t0.AddDays(7), new Dictionary<string, object>
                {
                    ["n"] = 12, ["lat"] = 49.260612, ["w"] = 0.5, ["seen"] = t0.AddHours(3), ["note"] = "dry week", ["big"] = 9007199254740993L,
                });
                api.AddProjectSeries(admin, project.Id, "1b74105a", t0, t0.AddDays(7), new Dictionary<string, object> { ["n"] = null, ["note"] = "naïve" });

                var dirs = TuboidUploader.ExpandDirectory(tuboidSeriesDir);
                var info = new TuboidSeriesInfo { AlgoName = "mirror", ImageCount = 10, TuboidCount = dirs.Count };
                foreach (var dir in dirs)
                {
                    api.UploadTuboid(admin, dir, info);
                }

                var tuboids = api.GetTiledTuboidSeries(admin, TuboidQuery.All).ToList();
                api.PutItcLabels(admin, new[]
                {
                    new ItcLabelSubmission { TuboidId = tuboids[0].TuboidId, AlgoName = "itc", AlgoVersion = "1.0", Label = 3, Pattern = "Insecta/Diptera", Type = "Insecta", Order = "Diptera" },
                    new ItcLabelSubmission { TuboidId = tuboids[2].TuboidId, AlgoName = "itc", AlgoVersion = "1.0", Label = 5, Pattern = "Insecta", Type = "Insecta" },
                });

                var filter = new[] { StickyProjectFilter.ByName("mirror") };
                var catalog = MariaDbCatalog.Open(upstream.MariaDbConnectionString(), createSchema: false);
                var catalogAdmin = catalog.GetCallerIdentity(upstream.Identity.AdminName);
                run.Add("projects", api.GetProjects(admin, filter).Select(Describe), catalog.GetProjects(catalogAdmin, filter).Select(Describe));
                run.Add("permissions", api.GetProjectPermissions(admin, filter).Select(Describe), catalog.GetProjectPermissions(catalogAdmin, filter).Select(Describe));
                run.Add("series", api.GetProjectSeries(admin, project.Id).Select(Describe), catalog.GetProjectSeries(catalogAdmin, project.Id).Select(Describe));
                run.Add("tuboids", api.GetTiledTuboidSeriesWithItcLabels(admin, TuboidQuery.All).Select(Describe),
                    catalog.GetTiledTuboidSeriesWithItcLabels(catalogAdmin, TuboidQuery.All).Select(Describe));
                run.Add("labels", api.GetItcLabels(admin, tuboids.Select(t => t.TuboidId)).Select(Describe), catalog.GetItcLabels(catalogAdmin, tuboids.Select(t => t.TuboidId)).Select(Describe));
            }

            return run;
        }

        private void Add(string what, IEnumerable<string> byApi, IEnumerable<string> byCatalog)
        {
            ByApi[what] = byApi.ToList();
            ByCatalog[what] = byCatalog.ToList();
        }

        private static string Describe(StickyProject p) => string.Join("|", p.Id, p.Name, p.Description, p.Notes, Time(p.DateTimeCreated), p.ApiVersion, p.ApiUserId);

        private static string Describe(ProjectPermission p) => string.Join("|", p.Id, p.ProjectId, p.ProjectName, p.UserId, p.UserName, p.Level, Time(p.DateTimeCreated), p.ApiVersion, p.ApiUserId);

        private static string Describe(ProjectSeriesRow r) => string.Join("|", r.Id, r.Device, Time(r.StartDateTime), Time(r.EndDateTime)) + " {" +
            string.Join(", ", r.Columns.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key + "=" + Value(c.Value))) + "}";

        private static string Describe(LabelledTiledTuboid t) => string.Join("|", t.Id, t.ParentSeriesId, t.TuboidId, t.IdInSeries, Time(t.StartDateTime), Time(t.EndDateTime),
            t.NShots, Time(t.DateTimeCreated), t.ApiVersion, t.ApiUserId, t.AlgoNameSeries, t.AlgoVersionSeries, t.NTuboidsSeries, t.DeviceSeries,
            Time(t.StartDateTimeSeries), Time(t.EndDateTimeSeries)) + " / " + (t.ItcLabel == null ? "none" : Describe(t.ItcLabel));

        private static string Describe(ItcLabel l) => string.Join("|", l.Id, l.ParentTuboidId, l.TuboidId, l.AlgoName, l.AlgoVersion, l.Label, l.Pattern, l.Type, l.Order,
            l.Family, l.Genus, l.Species, Time(l.DateTimeCreated), l.ApiVersion, l.ApiUserId);

        private static string Time(DateTime t) => StickyTime.Normalize(t).ToString("o", CultureInfo.InvariantCulture);

        private static string Value(object v) => v == null ? "null" : v is DateTime dt ? Time(dt) : v is double d ? d.ToString("R", CultureInfo.InvariantCulture)
            : Convert.ToString(v, CultureInfo.InvariantCulture);
    }
}
