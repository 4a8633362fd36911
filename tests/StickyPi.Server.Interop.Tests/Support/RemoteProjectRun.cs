using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.Core.Remote;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>
    /// The module's remote back-end on projects, permissions, project series and columns against a running server
    /// (ours or upstream's): what each step returned, or the error id it stopped with, for the tests to compare.
    /// </summary>
    public sealed class RemoteProjectRun
    {
        public const string Password = "project-pass-123";
        public static readonly DateTime T0 = new DateTime(2021, 1, 1, 12, 12, 12, DateTimeKind.Utc);

        public StickyProject AdminProject { get; private set; }

        public StickyProject AdaProject { get; private set; }

        public List<long> TwinIds { get; private set; }

        public long ResolvedCaseInsensitive { get; private set; }

        public List<long> AmbiguousCandidates { get; private set; }

        public List<string> AdaCompletions { get; private set; }

        public List<long> AdaSees { get; private set; }

        public List<long> AdminSees { get; private set; }

        public List<long> EmilieSeesBefore { get; private set; }

        public ProjectPermission Granted { get; private set; }

        public List<ProjectPermission> Permissions { get; private set; }

        public string AdaRaisesEmilieByName { get; private set; }

        public string EmilieAddsSeries { get; private set; }

        public List<StickyProject> EmilieDeletes { get; private set; }

        public List<long> EmilieSeesAfter { get; private set; }

        public ProjectColumn Column { get; private set; }

        public ProjectSeriesRow RowA { get; private set; }

        public ProjectSeriesRow RowB { get; private set; }

        public string Duplicate { get; private set; }

        public string QuotedValue { get; private set; }

        public ProjectSeriesRow Updated { get; private set; }

        public string SetMissingRow { get; private set; }

        public string SetUnknownColumn { get; private set; }

        public ProjectColumn Renamed { get; private set; }

        public string RemoveBuiltIn { get; private set; }

        public ProjectSeriesRow DeletedRow { get; private set; }

        public List<ProjectSeriesRow> FinalRows { get; private set; }

        /// <summary>The error id listing the columns gave (null when it answered).</summary>
        public string ListColumns { get; private set; }

        /// <summary>The column names listed (StickyPi.Server's own get_project_columns), or null.</summary>
        public List<string> ColumnNames { get; private set; }

        public string Revoke { get; private set; }

        public StickyProject DeletedTwin { get; private set; }

        public List<StickyProject> DeletedByAdmin { get; private set; }

        public List<long> AdminSeesAtEnd { get; private set; }

        public static RemoteProjectRun Run(string baseUrl, ServerIdentity identity, string work)
        {
            var run = new RemoteProjectRun();
            var endpoint = new Uri(baseUrl);
            RemoteStickyBackend Open(string user, string password, out CallerIdentity caller) =>
                RemoteStickyBackend.Connect(endpoint, user, password, out caller, cacheRoot: Path.Combine(work, "project-cache"));

            using (var asAdmin = Open(identity.AdminName, identity.AdminPassword, out var admin))
            {
                asAdmin.AddUser(admin, "proj_ada", Password.ToCharArray());
                asAdmin.AddUser(admin, "proj_emilie", Password.ToCharArray());
                using (var asAda = Open("proj_ada", Password, out var ada))
                using (var asEmilie = Open("proj_emilie", Password, out var emilie))
                {
                    run.AdminProject = asAdmin.AddProject(admin, "interop_p", "desc", "notes");
                    run.AdaProject = asAda.AddProject(ada, "Ada_Proj");
                    run.TwinIds = new[] { asAda.AddProject(ada, "twin"), asAda.AddProject(ada, "twin") }.Select(p => p.Id).ToList();
                    run.ResolvedCaseInsensitive = asAda.ResolveProjectId(ada, "ADA_PROJ");
                    try
                    {
                        asAda.ResolveProjectId(ada, "twin");
                    }
                    catch (AmbiguousProjectNameException e)
                    {
                        run.AmbiguousCandidates = e.CandidateIds.ToList();
                    }

                    run.AdaCompletions = asAda.CompleteProjectNames(ada, "").ToList();
                    run.AdaSees = asAda.GetProjects(ada).Select(p => p.Id).ToList();
                    run.AdminSees = asAdmin.GetProjects(admin).Select(p => p.Id).ToList();
                    run.EmilieSeesBefore = asEmilie.GetProjects(emilie).Select(p => p.Id).ToList();

                    long project = run.AdaProject.Id;
                    run.Granted = asAdmin.PutProjectPermission(admin, project, "proj_emilie", (int)ProjectLevel.Read);
                    run.Permissions = asAdmin.GetProjectPermissions(admin, new[] { StickyProjectFilter.ById(project) }).ToList();
                    run.AdaRaisesEmilieByName = ErrorOf(() => asAda.PutProjectPermission(ada, project, "proj_emilie", (int)ProjectLevel.ReadWrite));
                    run.EmilieAddsSeries = ErrorOf(() => asEmilie.AddProjectSeries(emilie, project, "cdef1234", T0, T0.AddDays(1), null));
                    run.EmilieDeletes = asEmilie.DeleteProjects(emilie).ToList();
                    run.EmilieSeesAfter = asEmilie.GetProjects(emilie).Select(p => p.Id).ToList();

                    run.Column = asAda.AddProjectColumn(ada, project, "bait", ProjectColumnType.Integer);
                    asAda.AddProjectColumn(ada, project, "note", ProjectColumnType.VarChar(40));
                    run.RowA = asAda.AddProjectSeries(ada, project, "0123abcd", T0, T0.AddDays(11), new Dictionary<string, object> { ["bait"] = 3, ["note"] = "dry" });
                    run.RowB = asAda.AddProjectSeries(ada, project, "cdef1234", T0.AddSeconds(2), T0.AddDays(11), null);
                    run.Duplicate = ErrorOf(() => asAda.AddProjectSeries(ada, project, "0123abcd", T0, T0.AddDays(11), null));
                    run.QuotedValue = ErrorOf(() => asAda.SetProjectSeries(ada, project, run.RowA.Id, new Dictionary<string, object> { ["note"] = "it's" }));
                    run.Updated = asAda.SetProjectSeries(ada, project, run.RowB.Id, new Dictionary<string, object> { ["bait"] = 7, ["end_datetime"] = T0.AddDays(12) });
                    run.SetMissingRow = ErrorOf(() => asAda.SetProjectSeries(ada, project, 999, new Dictionary<string, object> { ["bait"] = 1 }));
                    run.SetUnknownColumn = ErrorOf(() => asAda.SetProjectSeries(ada, project, run.RowB.Id, new Dictionary<string, object> { ["nope"] = 1 }));
                    run.Renamed = asAda.RenameProjectColumn(ada, project, "bait", "has_bait");
                    run.RemoveBuiltIn = ErrorOf(() => asAda.RemoveProjectColumn(ada, project, "device"));
                    asAda.RemoveProjectColumn(ada, project, "note");
                    run.DeletedRow = asAda.DeleteProjectSeries(ada, project, run.RowB.Id);
                    run.FinalRows = asAda.GetProjectSeries(ada, project).ToList();
                    run.ListColumns = ErrorOf(() => run.ColumnNames = asAda.GetProjectColumns(ada, project).Select(c => c.Name).ToList());
                    run.Revoke = ErrorOf(() => asAdmin.DeleteProjectPermission(admin, project, "proj_emilie"));

                    run.DeletedTwin = asAda.DeleteProject(ada, run.TwinIds[0]);
                    run.DeletedByAdmin = asAdmin.DeleteProjects(admin, new[] { StickyProjectFilter.ByName("interop_p") }).ToList();
                    run.AdminSeesAtEnd = asAdmin.GetProjects(admin).Select(p => p.Id).ToList();
                }
            }

            return run;
        }

        private static string ErrorOf(Action action)
        {
            try
            {
                action();
                return null;
            }
            catch (StickyPiException e)
            {
                return e.ErrorId;
            }
        }

        private static string ErrorOf<T>(Func<T> action) => ErrorOf(() => { action(); });
    }
}
