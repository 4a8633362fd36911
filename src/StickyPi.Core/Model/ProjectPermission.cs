using System;
using StickyPi.Core.Access;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// A row of <c>project_permissions</c> (spec §2.10), with the project and user names joined in for display and
    /// pipelines (ProjectId and UserName bind by property name to the permission cmdlets).
    /// </summary>
    public sealed class ProjectPermission
    {
        /// <summary>The row id (<c>id</c>).</summary>
        public long Id { get; set; }

        /// <summary><c>parent_project_id</c>.</summary>
        public long ProjectId { get; set; }

        public string ProjectName { get; set; }

        /// <summary><c>parent_user_id</c>.</summary>
        public long UserId { get; set; }

        public string UserName { get; set; }

        /// <summary>1 = Read, 2 = ReadWrite, 3 = Admin (a stored value outside 1..3 is kept as its number).</summary>
        public ProjectLevel Level { get; set; }

        public DateTime DateTimeCreated { get; set; }

        public string ApiVersion { get; set; }

        public long? ApiUserId { get; set; }

        public override string ToString() => UserName + " " + Level + " on " + ProjectName + " (" + ProjectId + ")";
    }
}
