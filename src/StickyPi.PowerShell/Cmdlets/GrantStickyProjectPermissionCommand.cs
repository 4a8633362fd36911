using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gives users a level on a project, or changes the level they hold (level Admin on the project or a global administrator).</summary>
    [Cmdlet(VerbsSecurity.Grant, "StickyProjectPermission", SupportsShouldProcess = true, DefaultParameterSetName = ProjectSet)]
    [OutputType(typeof(ProjectPermission))]
    public sealed class GrantStickyProjectPermissionCommand : StickyCmdlet
    {
        internal const string ProjectSet = "Project";
        internal const string ProjectIdSet = "ProjectId";

        /// <summary>The project's name, or its id.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ProjectSet)]
        [ValidateNotNullOrEmpty]
        public string Project { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ProjectIdSet)]
        [Alias("Id")]
        public long ProjectId { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] UserName { get; set; }

        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Read", "ReadWrite", "Admin", IgnoreCase = true)]
        public ProjectLevel Level { get; set; }

        protected override void ProcessRecord()
        {
            long id;
            try
            {
                id = ParameterSetName == ProjectSet ? ResolveProject(ActiveConnection.Store, Caller, Project) : ProjectId;
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, Project);
                return;
            }

            foreach (var user in UserName)
            {
                if (!ShouldProcess($"{user} on project {id}", $"Grant level {Level}"))
                {
                    continue;
                }

                try
                {
                    WriteObject(ActiveConnection.Store.PutProjectPermission(Caller, id, user, (int)Level));
                }
                catch (StickyPiException ex)
                {
                    WriteStickyError(ex, ex.Kind == StickyErrorKind.NotFound && ex.ErrorId == StickyUserErrorIds.UserNotFound ? (object)user : Project ?? (object)id);
                }
            }
        }

        /// <summary>
        /// The id of the project named <paramref name="project"/> among those the caller may see: an exact (case-sensitive)
        /// name first, then a unique case-insensitive one, then the text as a numeric id. Several projects with the name:
        /// <c>AmbiguousProject</c>.
        /// </summary>
        internal static long ResolveProject(IStickyBackend store, CallerIdentity caller, string project)
        {
            var escaped = new StringBuilder();
            foreach (var c in project)
            {
                if (c == '%' || c == '_' || c == DevicePattern.Escape)
                {
                    escaped.Append(DevicePattern.Escape);
                }

                escaped.Append(c);
            }

            var matches = store.GetProjects(caller, new[] { StickyProjectFilter.ByName(escaped.ToString()) });
            var exact = matches.Where(p => string.Equals(p.Name, project, StringComparison.Ordinal)).ToList();
            var candidates = exact.Count > 0 ? exact : matches.ToList();
            if (candidates.Count == 1)
            {
                return candidates[0].Id;
            }

            if (candidates.Count > 1)
            {
                throw new StickyPiException("AmbiguousProject", StickyErrorKind.InvalidArgument,
                    $"{candidates.Count} projects are named '{project}' (ids {string.Join(", ", candidates.Select(p => p.Id))}); use -ProjectId or pipe the project from Get-StickyProject.", project);
            }

            if (long.TryParse(project, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
            {
                return id;
            }

            throw new StickyPiException(StickyUserErrorIds.ProjectNotFound, StickyErrorKind.NotFound,
                $"No project named '{project}' (or none you may see).", project);
        }
    }
}
