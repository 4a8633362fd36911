using System;
using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Model;

namespace StickyPi.Core.Access
{
    /// <summary>
    /// The rules for users and bounded text fields that every catalog applies the same way (the embedded store, the
    /// MariaDB catalog, the remote back-end's checks before sending): sizes of upstream's columns, required values,
    /// one name once per batch, and the last administrator.
    /// </summary>
    public static class UserRules
    {
        /// <summary>Column sizes of <c>users</c> (spec §2.8).</summary>
        public const int MaxUserNameLength = 32;

        public const int MaxEmailLength = 64;

        /// <summary>Refuses a value longer than its VARCHAR column, naming the field (<c>ValueTooLong</c>).</summary>
        public static void CheckLength(string field, string value, int max)
        {
            if (value != null && value.Length > max)
            {
                throw new StickyPiException(StickyUserErrorIds.ValueTooLong, StickyErrorKind.InvalidArgument,
                    field + " is " + value.Length + " characters long; at most " + max + " are allowed: '" + value + "'.", field);
            }
        }

        /// <summary>
        /// Checks a batch of new users before anything is hashed or stored: a name (at most 32 characters), an email of
        /// at most 64, a password, and no name twice in the batch (<c>DuplicateUser</c>).
        /// </summary>
        public static IReadOnlyList<StickyUserSubmission> CheckSubmissions(IEnumerable<StickyUserSubmission> users)
        {
            if (users == null)
            {
                throw new ArgumentNullException(nameof(users));
            }

            var list = users.ToList();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var u in list)
            {
                if (u == null)
                {
                    throw new ArgumentException("The batch contains a null user.", nameof(users));
                }

                if (string.IsNullOrEmpty(u.UserName))
                {
                    throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument, "UserName is required.", "UserName");
                }

                CheckLength("UserName", u.UserName, MaxUserNameLength);
                CheckLength("Email", u.Email, MaxEmailLength);
                if (u.Password == null || u.Password.Length == 0)
                {
                    throw new StickyPiException(StickyUserErrorIds.ValueRequired, StickyErrorKind.InvalidArgument,
                        "Password is required (user '" + u.UserName + "').", "Password");
                }

                if (!names.Add(u.UserName))
                {
                    throw DuplicateUser(u.UserName, " twice in the batch");
                }
            }

            return list;
        }

        /// <summary><c>DuplicateUser</c> (Conflict) naming the user; <paramref name="detail"/> says why.</summary>
        public static StickyPiException DuplicateUser(string userName, string detail) =>
            new StickyPiException(StickyUserErrorIds.DuplicateUser, StickyErrorKind.Conflict,
                "User '" + userName + "'" + detail + "; no user was created.", userName);

        /// <summary>
        /// Refuses (<c>LastAdministrator</c>) a deletion that would leave no user with the Admin role, unless the caller
        /// may do that (the local administrator). <paramref name="adminsLeft"/> counts the administrators that stay.
        /// </summary>
        public static void CheckLastAdministrator(CallerIdentity caller, IReadOnlyList<StickyUser> deleted, int adminsLeft)
        {
            var admins = deleted.Where(u => u.Role == UserRole.Admin).ToList();
            if (admins.Count > 0 && adminsLeft == 0 && !AccessPolicy.MayDeleteLastAdministrator(caller))
            {
                throw new StickyPiException(StickyUserErrorIds.LastAdministrator, StickyErrorKind.Conflict,
                    "Deleting " + string.Join(", ", admins.Select(u => "'" + u.UserName + "'")) + " would leave no administrator; nothing was deleted.",
                    admins[0].UserName);
            }
        }
    }
}
