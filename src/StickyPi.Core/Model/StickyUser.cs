using System;
using StickyPi.Core.Access;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// A row of the <c>users</c> table (spec §2.8). The password hash never leaves the store: <see cref="PasswordHash"/>
    /// is always upstream's mask (11 asterisks).
    /// </summary>
    public sealed class StickyUser
    {
        public long Id { get; set; }

        public string UserName { get; set; }

        public string Email { get; set; }

        /// <summary>Upstream's <c>is_admin</c> (NULL read as false).</summary>
        public bool IsAdmin { get; set; }

        /// <summary>Upstream's <c>can_write</c> (NULL read as true).</summary>
        public bool CanWrite { get; set; } = true;

        /// <summary>The route role these flags give (spec §1.3): ReadOnly when CanWrite is false, even for an administrator.</summary>
        public UserRole Role => !CanWrite ? UserRole.ReadOnly : IsAdmin ? UserRole.Admin : UserRole.ReadWrite;

        /// <summary>Always <c>***********</c>, as every upstream output.</summary>
        public string PasswordHash => Access.PasswordHash.Mask;

        /// <summary>When the row was created (UTC).</summary>
        public DateTime DateTimeCreated { get; set; }

        public string ApiVersion { get; set; }

        /// <summary>Id of the user who created this one, or null (local administrator).</summary>
        public long? ApiUserId { get; set; }

        public override string ToString() => UserName;
    }
}
