namespace StickyPi.Core.Model
{
    /// <summary>Roles of spec §1.3, computed from the user's flags.</summary>
    public enum UserRole
    {
        ReadOnly,
        ReadWrite,
        Admin,
    }

    /// <summary>
    /// The user on whose behalf an operation runs (upstream's <c>client_info</c>). Every core operation takes one
    /// explicitly, so the local store, permissions and a future server all apply the same rules.
    /// </summary>
    public sealed class CallerIdentity
    {
        public CallerIdentity(long? id, string userName, bool canWrite, bool isAdmin)
        {
            Id = id;
            UserName = userName;
            CanWrite = canWrite;
            IsAdmin = isAdmin;
        }

        /// <summary>Database id of the user, or null for the trusted local/internal caller.</summary>
        public long? Id { get; }

        public string UserName { get; }

        public bool CanWrite { get; }

        public bool IsAdmin { get; }

        /// <summary>Upstream treats a null client_info as a global administrator; so does this.</summary>
        public static CallerIdentity LocalAdministrator { get; } = new CallerIdentity(null, "local", true, true);

        public UserRole Role => !CanWrite ? UserRole.ReadOnly : IsAdmin ? UserRole.Admin : UserRole.ReadWrite;

        public override string ToString() => UserName ?? "(internal)";
    }
}
