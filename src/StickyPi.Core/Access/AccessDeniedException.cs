using System.Globalization;
using StickyPi.Core.Model;

namespace StickyPi.Core.Access
{
    /// <summary>
    /// A denial by <see cref="AccessPolicy"/>, with what a front end needs to phrase it in its own terms: who was refused
    /// (user, role), what (the operation and a plain description of it, e.g. "add UID annotations") and, for a
    /// project-level denial, the project with the level held and the level needed. The cmdlets name the cmdlet; a server
    /// names the route. ErrorId is always <c>PermissionDenied</c>. Target is the project of a project-level denial and
    /// null for a role denial, so the caller names the item it was acting on.
    /// </summary>
    public sealed class AccessDeniedException : StickyPiException
    {
        public AccessDeniedException(CallerIdentity caller, ApiOperation operation, long? projectId = null, string projectName = null,
            ProjectLevel heldLevel = ProjectLevel.None, ProjectLevel requiredLevel = ProjectLevel.None)
            : base(AccessPolicy.PermissionDeniedId, StickyErrorKind.PermissionDenied,
                Compose(caller?.UserName, caller?.Role ?? UserRole.ReadOnly, AccessPolicy.DescribeAction(operation), projectId, projectName, heldLevel, requiredLevel),
                projectId)
        {
            UserName = caller?.UserName;
            Role = caller?.Role ?? UserRole.ReadOnly;
            Operation = operation;
            Action = AccessPolicy.DescribeAction(operation);
            ProjectId = projectId;
            ProjectName = projectName;
            HeldLevel = heldLevel;
            RequiredLevel = requiredLevel;
        }

        public string UserName { get; }

        public UserRole Role { get; }

        public ApiOperation Operation { get; }

        /// <summary>What was refused, as a verb phrase: "add UID annotations", "remove users".</summary>
        public string Action { get; }

        /// <summary>The project of a project-level denial; null when the role alone forbids the operation.</summary>
        public long? ProjectId { get; }

        public string ProjectName { get; }

        public ProjectLevel HeldLevel { get; }

        public ProjectLevel RequiredLevel { get; }

        /// <summary>True when the role forbids the operation everywhere (nothing the caller could pass would be allowed).</summary>
        public bool IsRoleDenial => ProjectId == null;

        /// <summary>The denial in plain words, with <paramref name="doneBy"/> (a cmdlet name, say) in parentheses after the action.</summary>
        public string Describe(string doneBy) =>
            Compose(UserName, Role, string.IsNullOrEmpty(doneBy) ? Action : Action + " (" + doneBy + ")", ProjectId, ProjectName, HeldLevel, RequiredLevel);

        private static string Compose(string user, UserRole role, string action, long? projectId, string projectName, ProjectLevel held, ProjectLevel required)
        {
            string who = "User '" + user + "'";
            if (projectId == null)
            {
                return who + (role == UserRole.ReadOnly ? " is read-only" : " is not an administrator") + " and cannot " + action + ".";
            }

            string project = "project " + (projectName == null ? string.Empty : "'" + projectName + "' ") +
                "(id " + projectId.Value.ToString(CultureInfo.InvariantCulture) + ")";
            string holds = role == UserRole.ReadOnly && held > ProjectLevel.Read
                ? " is read-only, so its level " + held + " on " + project + " counts as Read,"
                : held == ProjectLevel.None ? " holds no level on " + project : " holds level " + held + " on " + project;
            return who + holds + " and cannot " + action + " there: that needs level " + required + ".";
        }
    }
}
