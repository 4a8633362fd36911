namespace StickyPi.Core.Model
{
    /// <summary>Stable error ids of the users, projects and permissions operations.</summary>
    public static class StickyUserErrorIds
    {
        /// <summary>A user with this exact name already exists (Conflict).</summary>
        public const string DuplicateUser = "DuplicateUser";

        /// <summary>No user with this exact name or id (NotFound).</summary>
        public const string UserNotFound = "UserNotFound";

        /// <summary>A required field (user name, password, project name) is missing or empty (InvalidArgument).</summary>
        public const string ValueRequired = "ValueRequired";

        /// <summary>A field is longer than its column (InvalidArgument); the target is the field name.</summary>
        public const string ValueTooLong = "ValueTooLong";

        /// <summary>The deletion would leave no user with the Admin role (Conflict).</summary>
        public const string LastAdministrator = "LastAdministrator";

        /// <summary>No project with this id, or none the caller may see (NotFound).</summary>
        public const string ProjectNotFound = "ProjectNotFound";

        /// <summary>Several projects the caller may see have the name given (InvalidArgument); the message lists their ids.</summary>
        public const string AmbiguousProjectName = AmbiguousProjectNameException.Id;

        /// <summary>The user holds no permission on the project (NotFound).</summary>
        public const string PermissionNotFound = "PermissionNotFound";

        /// <summary>The change would leave the project without a level-3 holder (Conflict).</summary>
        public const string LastProjectAdministrator = "LastProjectAdministrator";

        /// <summary>The permission level is not 1, 2 or 3 (InvalidArgument; raised by AccessPolicy.CheckLevel).</summary>
        public const string InvalidPermissionLevel = "InvalidPermissionLevel";
    }
}
