using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// The row mapping of projects and project permissions, and the errors their rules raise, shared by the embedded
    /// store and the MariaDB catalog (as <see cref="SqliteRows"/> is for images).
    /// </summary>
    internal static class ProjectRows
    {
        public const string ProjectColumns =
            "p.id AS id, p.name AS name, p.description AS description, p.notes AS notes, " +
            "p.datetime_created AS datetime_created, p.api_version AS api_version, p.api_user_id AS api_user_id";

        /// <summary>Permission rows with their project's and user's names; callers append a WHERE clause.</summary>
        public const string PermissionSelect =
            "SELECT pp.id AS id, pp.parent_project_id AS project_id, p.name AS project_name, pp.parent_user_id AS user_id, " +
            "u.username AS username, pp.level AS level, pp.datetime_created AS datetime_created, pp.api_version AS api_version, " +
            "pp.api_user_id AS api_user_id FROM project_permissions AS pp JOIN projects AS p ON p.id = pp.parent_project_id " +
            "JOIN users AS u ON u.id = pp.parent_user_id";

        public static StickyProject ReadProject(CatalogRow r) => new StickyProject
        {
            Id = SqliteRows.Int64OrNull(r, "id") ?? 0,
            Name = SqliteRows.StringOrNull(r, "name"),
            Description = SqliteRows.StringOrNull(r, "description"),
            Notes = SqliteRows.StringOrNull(r, "notes"),
            DateTimeCreated = SqliteRows.DateTimeValue(r, "datetime_created"),
            ApiVersion = SqliteRows.StringOrNull(r, "api_version"),
            ApiUserId = SqliteRows.Int64OrNull(r, "api_user_id"),
        };

        public static ProjectPermission ReadPermission(CatalogRow r) => new ProjectPermission
        {
            Id = SqliteRows.Int64OrNull(r, "id") ?? 0,
            ProjectId = SqliteRows.Int64OrNull(r, "project_id") ?? 0,
            ProjectName = SqliteRows.StringOrNull(r, "project_name"),
            UserId = SqliteRows.Int64OrNull(r, "user_id") ?? 0,
            UserName = SqliteRows.StringOrNull(r, "username"),
            Level = (ProjectLevel)(SqliteRows.Int64OrNull(r, "level") ?? 0),
            DateTimeCreated = SqliteRows.DateTimeValue(r, "datetime_created"),
            ApiVersion = SqliteRows.StringOrNull(r, "api_version"),
            ApiUserId = SqliteRows.Int64OrNull(r, "api_user_id"),
        };

        /// <summary>The filters a caller gave: none means all projects; a list of only nulls means all too.</summary>
        public static List<StickyProjectFilter> Filters(IEnumerable<StickyProjectFilter> filters)
        {
            var list = filters?.Where(f => f != null).ToList() ?? new List<StickyProjectFilter>();
            if (filters != null && list.Count == 0 && filters.Any())
            {
                list.Add(StickyProjectFilter.All);
            }

            return list;
        }

        /// <summary>
        /// The WHERE clause (empty for no filter) of filters joined by OR, each the AND of its id and LIKE terms on
        /// <c>p</c>; <paramref name="bind"/> receives each parameter (named with <paramref name="prefix"/>), and
        /// <paramref name="escape"/> is the dialect's <c>ESCAPE</c> clause for a backslash.
        /// </summary>
        public static string FilterWhere(IReadOnlyList<StickyProjectFilter> filters, string prefix, string escape, System.Action<string, object> bind)
        {
            var where = new System.Text.StringBuilder();
            for (int n = 0; n < filters.Count; n++)
            {
                var f = filters[n];
                var terms = new List<string>();
                if (f.Id != null)
                {
                    terms.Add("p.id = " + prefix + "id" + n);
                    bind(prefix + "id" + n, f.Id.Value);
                }

                foreach (var (column, name, pattern) in new[] { ("p.name", "name", f.NameLike), ("p.description", "desc", f.DescriptionLike), ("p.notes", "notes", f.NotesLike) })
                {
                    if (pattern != null)
                    {
                        terms.Add(column + " LIKE " + prefix + name + n + " " + escape);
                        bind(prefix + name + n, pattern);
                    }
                }

                where.Append(n == 0 ? " WHERE (" : " OR (").Append(terms.Count == 0 ? "1 = 1" : string.Join(" AND ", terms)).Append(')');
            }

            return where.ToString();
        }

        /// <summary><c>ProjectNotFound</c>: the project does not exist, or <paramref name="exists"/> but the caller may not see it.</summary>
        public static StickyPiException ProjectNotFound(CallerIdentity caller, long projectId, bool exists) =>
            new StickyPiException(StickyUserErrorIds.ProjectNotFound, StickyErrorKind.NotFound,
                "No project with id " + projectId.ToString(CultureInfo.InvariantCulture) + (exists ? " that '" + caller + "' may see." : "."), projectId);

        /// <summary>
        /// <c>LastProjectAdministrator</c>: <paramref name="userName"/> is the last user who can administer the project;
        /// <paramref name="readOnlyAdmins"/> are the other level-3 holders, read-only and so unable to.
        /// </summary>
        public static StickyPiException LastProjectAdministrator(StickyProject project, string userName, IEnumerable<string> readOnlyAdmins)
        {
            var readOnly = readOnlyAdmins.Select(n => "'" + n + "'").ToList();
            string why = readOnly.Count == 0
                ? string.Empty
                : " (" + string.Join(", ", readOnly) + (readOnly.Count == 1 ? " also holds" : " also hold") + " Admin but " +
                  (readOnly.Count == 1 ? "is" : "are") + " read-only, so cannot administer it)";
            return new StickyPiException(StickyUserErrorIds.LastProjectAdministrator, StickyErrorKind.Conflict,
                "User '" + userName + "' is the last user who can administer project '" + project.Name + "' (id " +
                project.Id.ToString(CultureInfo.InvariantCulture) + ")" + why + "; grant level Admin to a read-write user first, " +
                "or ask a global administrator.", userName);
        }
    }
}
