using System;
using System.Collections.Generic;
using StickyPi.Core.Model;

namespace StickyPi.Core.Access
{
    /// <summary>
    /// Who may do what: upstream's route roles (spec §1.3, §1.4) and project levels (§3.7), in one place that the
    /// local store and a server both call. Deliberate fixes of upstream's unsafe rules (spec §8 #3, #4):
    /// only administrators delete users; listing every user and asking for bundle upload links need write access;
    /// a read-only user never gets project rights above Read. Documented in about_StickyPi_Compatibility.
    /// </summary>
    public static class AccessPolicy
    {
        public const string PermissionDeniedId = "PermissionDenied";

        private static readonly UserRole[] Any = { UserRole.ReadOnly, UserRole.ReadWrite, UserRole.Admin };
        private static readonly UserRole[] Writers = { UserRole.ReadWrite, UserRole.Admin };
        private static readonly UserRole[] Admins = { UserRole.Admin };

        private static readonly Dictionary<ApiOperation, UserRole[]> Roles = new Dictionary<ApiOperation, UserRole[]>
        {
            [ApiOperation.GetToken] = Any,
            [ApiOperation.GetUsers] = Any, // non-administrators only see their own row (GetVisibleUserFilter)
            [ApiOperation.PutUsers] = Admins,
            [ApiOperation.DeleteUsers] = Admins, // upstream also lets read-write users delete anyone (§8 #3)
            [ApiOperation.GetProjects] = Any,
            [ApiOperation.PutProjects] = Writers,
            [ApiOperation.DeleteProjects] = Writers,
            [ApiOperation.GetProjectPermissions] = Any,
            [ApiOperation.PutProjectPermissions] = Writers,
            [ApiOperation.DeleteProjectPermissions] = Writers,
            [ApiOperation.GetProjectSeries] = Any,
            [ApiOperation.PutProjectSeries] = Writers,
            [ApiOperation.DeleteProjectSeries] = Writers,
            [ApiOperation.PutProjectColumns] = Writers,
            [ApiOperation.DeleteProjectColumns] = Writers,
            [ApiOperation.GetImages] = Any,
            [ApiOperation.PutImages] = Writers,
            [ApiOperation.DeleteImages] = Admins,
            [ApiOperation.GetImagesToAnnotate] = Writers,
            [ApiOperation.PutUidAnnotations] = Writers,
            [ApiOperation.GetUidAnnotations] = Any,
            [ApiOperation.PutTiledTuboids] = Writers,
            [ApiOperation.GetTiledTuboids] = Any,
            [ApiOperation.DeleteTiledTuboids] = Admins,
            [ApiOperation.PutItcLabels] = Writers,
            [ApiOperation.GetItcLabels] = Any,
            [ApiOperation.GetMlBundleFileList] = Any,
            [ApiOperation.GetMlBundleUploadLinks] = Writers, // upstream: any role, handing write URLs to read-only users (§8 #4)
        };

        /// <summary>Project-level requirement of each project operation (spec §3.7); None for the others.</summary>
        private static readonly Dictionary<ApiOperation, ProjectLevel> ProjectLevels = new Dictionary<ApiOperation, ProjectLevel>
        {
            [ApiOperation.GetProjects] = ProjectLevel.Read,
            [ApiOperation.DeleteProjects] = ProjectLevel.Admin,
            [ApiOperation.GetProjectPermissions] = ProjectLevel.Read,
            [ApiOperation.PutProjectPermissions] = ProjectLevel.Admin,
            [ApiOperation.DeleteProjectPermissions] = ProjectLevel.Admin,
            [ApiOperation.GetProjectSeries] = ProjectLevel.Read,
            [ApiOperation.PutProjectSeries] = ProjectLevel.ReadWrite,
            [ApiOperation.DeleteProjectSeries] = ProjectLevel.Admin,
            [ApiOperation.PutProjectColumns] = ProjectLevel.ReadWrite,
            [ApiOperation.DeleteProjectColumns] = ProjectLevel.Admin,
        };

        /// <summary>True when the caller's role may call the operation at all.</summary>
        public static bool IsAllowed(CallerIdentity caller, ApiOperation operation)
        {
            if (caller == null)
            {
                throw new ArgumentNullException(nameof(caller));
            }

            return Array.IndexOf(Roles[operation], caller.Role) >= 0;
        }

        /// <summary>Throws <c>PermissionDenied</c> unless the caller's role may call the operation.</summary>
        public static void Require(CallerIdentity caller, ApiOperation operation)
        {
            if (!IsAllowed(caller, operation))
            {
                throw new AccessDeniedException(caller, operation);
            }
        }

        /// <summary>
        /// Upstream's global administrator for object-level project checks: the trusted internal caller or any user
        /// with is_admin (spec §3.7 uses is_admin, not the role).
        /// </summary>
        public static bool IsGlobalAdmin(CallerIdentity caller) => caller.Id == null || caller.IsAdmin;

        /// <summary>
        /// Whether <c>get_users</c> lists every user: global administrators (and the internal caller) do; everyone else
        /// only sees their own row (upstream lists everyone to every role, spec §8 #4).
        /// </summary>
        public static bool SeesAllUsers(CallerIdentity caller) => IsGlobalAdmin(caller);

        /// <summary>
        /// Whether the caller may delete the last user with the Admin role. Only the trusted internal caller (the local
        /// administrator, which needs no stored account) may; a stored user would lock every user out of user management.
        /// </summary>
        public static bool MayDeleteLastAdministrator(CallerIdentity caller) => caller.Id == null;

        /// <summary>
        /// Whether the caller may remove (revoke or downgrade) the last level-3 holder of a project: only global
        /// administrators, so a project administrator cannot leave a project that nobody but global admins can manage.
        /// </summary>
        public static bool MayRemoveLastProjectAdministrator(CallerIdentity caller) => IsGlobalAdmin(caller);

        /// <summary>The level a project operation needs, or None for operations that are not project-scoped.</summary>
        public static ProjectLevel RequiredLevel(ApiOperation operation) =>
            ProjectLevels.TryGetValue(operation, out var level) ? level : ProjectLevel.None;

        /// <summary>
        /// Whether a caller holding <paramref name="held"/> on a project may perform the operation on it. A read-only
        /// user's effective level is capped at Read, whatever the permission row says.
        /// </summary>
        public static bool QualifiesForProject(CallerIdentity caller, ProjectLevel held, ApiOperation operation)
        {
            if (IsGlobalAdmin(caller))
            {
                return true;
            }

            var effective = caller.CanWrite ? held : (held >= ProjectLevel.Read ? ProjectLevel.Read : ProjectLevel.None);
            return effective >= RequiredLevel(operation);
        }

        /// <summary>Throws <c>PermissionDenied</c> unless the caller qualifies on the project.</summary>
        public static void RequireProject(CallerIdentity caller, ProjectLevel held, ApiOperation operation, long projectId, string projectName = null)
        {
            Require(caller, operation);
            if (!QualifiesForProject(caller, held, operation))
            {
                throw new AccessDeniedException(caller, operation, projectId, projectName, held, RequiredLevel(operation));
            }
        }

        /// <summary>
        /// Whether a user with these flags and this level can administer the project: a read-only user cannot (its
        /// effective level is capped at Read), whatever its permission row says.
        /// </summary>
        public static bool CanAdministerProject(bool canWrite, ProjectLevel held) => canWrite && held >= ProjectLevel.Admin;

        /// <summary>Permission levels are 1 (read), 2 (read-write) or 3 (admin); upstream accepts any number (§8 #11).</summary>
        public static ProjectLevel CheckLevel(int level)
        {
            if (level < 1 || level > 3)
            {
                throw new StickyPiException("InvalidPermissionLevel", StickyErrorKind.InvalidArgument,
                    $"Permission level {level} is not 1 (read), 2 (read-write) or 3 (admin).", level);
            }

            return (ProjectLevel)level;
        }

        /// <summary>What the operation does, as a verb phrase for messages ("add UID annotations"); never a route name.</summary>
        public static string DescribeAction(ApiOperation operation) =>
            Actions.TryGetValue(operation, out var action) ? action : operation.ToString();

        private static readonly Dictionary<ApiOperation, string> Actions = new Dictionary<ApiOperation, string>
        {
            [ApiOperation.GetToken] = "get a token",
            [ApiOperation.GetUsers] = "list users",
            [ApiOperation.PutUsers] = "create users",
            [ApiOperation.DeleteUsers] = "remove users",
            [ApiOperation.GetProjects] = "list projects",
            [ApiOperation.PutProjects] = "create projects",
            [ApiOperation.DeleteProjects] = "remove projects",
            [ApiOperation.GetProjectPermissions] = "list project permissions",
            [ApiOperation.PutProjectPermissions] = "grant project permissions",
            [ApiOperation.DeleteProjectPermissions] = "revoke project permissions",
            [ApiOperation.GetProjectSeries] = "read project series",
            [ApiOperation.PutProjectSeries] = "add or change project series rows",
            [ApiOperation.DeleteProjectSeries] = "remove project series rows",
            [ApiOperation.PutProjectColumns] = "add or rename project columns",
            [ApiOperation.DeleteProjectColumns] = "remove project columns",
            [ApiOperation.GetImages] = "read images",
            [ApiOperation.PutImages] = "send images",
            [ApiOperation.DeleteImages] = "remove images",
            [ApiOperation.GetImagesToAnnotate] = "reserve images to annotate",
            [ApiOperation.PutUidAnnotations] = "add UID annotations",
            [ApiOperation.GetUidAnnotations] = "read UID annotations",
            [ApiOperation.PutTiledTuboids] = "send tuboids",
            [ApiOperation.GetTiledTuboids] = "read tuboids",
            [ApiOperation.DeleteTiledTuboids] = "remove tuboids",
            [ApiOperation.PutItcLabels] = "set ITC labels",
            [ApiOperation.GetItcLabels] = "read ITC labels",
            [ApiOperation.GetMlBundleFileList] = "list ML bundle files",
            [ApiOperation.GetMlBundleUploadLinks] = "upload ML bundle files",
        };
    }
}
