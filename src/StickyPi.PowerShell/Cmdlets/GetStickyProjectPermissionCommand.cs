using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Lists every user's permission on the projects the caller may see.</summary>
    [Cmdlet(VerbsCommon.Get, "StickyProjectPermission", DefaultParameterSetName = ProjectSet)]
    [OutputType(typeof(ProjectPermission))]
    public sealed class GetStickyProjectPermissionCommand : StickyCmdlet
    {
        private const string ProjectSet = "Project";
        private const string ProjectIdSet = "ProjectId";
        private readonly HashSet<long> _written = new HashSet<long>();

        /// <summary>Project names; wildcards allowed.</summary>
        [Parameter(Position = 0, ParameterSetName = ProjectSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ProjectNameCompleter))]
        public string[] Project { get; set; } = { "*" };

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ProjectIdSet)]
        [Alias("Id")]
        public long[] ProjectId { get; set; }

        /// <summary>Only the permissions of these users; wildcards allowed.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(UserNameCompleter))]
        public string[] UserName { get; set; }

        protected override void ProcessStickyRecord()
        {
            var filters = ParameterSetName == ProjectIdSet
                ? ProjectId.Select(StickyProjectFilter.ById).ToList()
                : Project.Select(p => StickyProjectFilter.ByName(DevicePattern.FromWildcard(p))).ToList();
            var users = UserName?.Select(u => new WildcardPattern(u, WildcardOptions.IgnoreCase)).ToList();
            try
            {
                foreach (var row in ActiveConnection.Store.GetProjectPermissions(Caller, filters))
                {
                    if ((users == null || users.Any(u => u.IsMatch(row.UserName))) && _written.Add(row.Id))
                    {
                        WriteObject(row);
                    }
                }
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, ParameterSetName == ProjectIdSet ? (object)ProjectId : Project);
            }
        }
    }
}
