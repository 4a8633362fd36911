using System;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// A user to create (upstream's <c>put_users</c> item). The password is a character array so the caller can clear
    /// it as soon as the store returns (<see cref="Clear"/>); the store never keeps it.
    /// </summary>
    public sealed class StickyUserSubmission
    {
        public string UserName { get; set; }

        public char[] Password { get; set; }

        public string Email { get; set; }

        public bool IsAdmin { get; set; }

        public bool CanWrite { get; set; } = true;

        /// <summary>Overwrites the password characters with zeros.</summary>
        public void Clear()
        {
            if (Password != null)
            {
                Array.Clear(Password, 0, Password.Length);
            }
        }

        public override string ToString() => UserName;
    }
}
