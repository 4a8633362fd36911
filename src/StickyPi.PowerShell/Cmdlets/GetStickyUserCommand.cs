using System.Collections.Generic;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Lists users (administrators see everyone; other users only themselves). The password hash is never output.</summary>
    [Cmdlet(VerbsCommon.Get, "StickyUser")]
    [OutputType(typeof(StickyUser))]
    public sealed class GetStickyUserCommand : StickyCmdlet
    {
        private readonly HashSet<long> _written = new HashSet<long>();

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(UserNameCompleter))]
        public string[] UserName { get; set; } = { "*" };

        protected override void ProcessStickyRecord()
        {
            foreach (var name in UserName)
            {
                try
                {
                    if (WildcardPattern.ContainsWildcardCharacters(name))
                    {
                        var like = DevicePattern.FromWildcard(name);
                        WriteDebug($"Users whose name is LIKE '{like}'.");
                        foreach (var user in ActiveConnection.Store.GetUsers(Caller, like))
                        {
                            Write(user);
                        }
                    }
                    else
                    {
                        var user = ActiveConnection.Store.GetUser(Caller, name);
                        if (user == null)
                        {
                            WriteError(new ErrorRecord(new ItemNotFoundException($"No user '{name}' (or one you may not see: only administrators list other users)."),
                                StickyUserErrorIds.UserNotFound, ErrorCategory.ObjectNotFound, name));
                        }
                        else
                        {
                            Write(user);
                        }
                    }
                }
                catch (StickyPiException ex)
                {
                    WriteStickyError(ex, name);
                }
            }
        }

        private void Write(StickyUser user)
        {
            if (_written.Add(user.Id))
            {
                WriteObject(user);
            }
        }
    }
}
