using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Creates a user of the store (administrators only); the password is stored as a passlib SHA-512-crypt hash.</summary>
    [Cmdlet(VerbsCommon.New, "StickyUser", SupportsShouldProcess = true, DefaultParameterSetName = PasswordSet)]
    [OutputType(typeof(StickyUser))]
    public sealed class NewStickyUserCommand : StickyCmdlet
    {
        private const string PasswordSet = "Password";
        private const string CredentialSet = "Credential";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PasswordSet)]
        [ValidateNotNullOrEmpty]
        public string UserName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ParameterSetName = PasswordSet)]
        [ValidateNotNull]
        public SecureString Password { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = CredentialSet)]
        [ValidateNotNull]
        [Credential]
        public PSCredential Credential { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Email { get; set; }

        /// <summary>Makes the user an administrator (is_admin).</summary>
        [Parameter]
        public SwitchParameter Admin { get; set; }

        /// <summary>Creates a read-only user (can_write false).</summary>
        [Parameter]
        public SwitchParameter ReadOnly { get; set; }

        protected override void ProcessStickyRecord()
        {
            string name = ParameterSetName == CredentialSet ? Credential.UserName : UserName;
            var secret = ParameterSetName == CredentialSet ? Credential.Password : Password;
            string role = ReadOnly ? "read-only" : Admin ? "administrator" : "read-write";
            if (!ShouldProcess(name, $"Create {role} user"))
            {
                return;
            }

            var chars = ToChars(secret);
            try
            {
                WriteObject(ActiveConnection.Store.AddUser(Caller, name, chars, Email, Admin.IsPresent, !ReadOnly.IsPresent));
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, name);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
            }
        }

        /// <summary>The characters of a SecureString; the unmanaged copy is zeroed at once, the caller clears the array.</summary>
        internal static char[] ToChars(SecureString secret)
        {
            if (secret == null || secret.Length == 0)
            {
                return new char[0];
            }

            var chars = new char[secret.Length];
            IntPtr ptr = IntPtr.Zero;
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(secret);
                Marshal.Copy(ptr, chars, 0, chars.Length);
            }
            finally
            {
                if (ptr != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(ptr);
                }
            }

            return chars;
        }
    }
}
