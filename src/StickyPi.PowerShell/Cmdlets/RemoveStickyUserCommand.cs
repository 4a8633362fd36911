using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Deletes users (administrators only) with their project permissions; their projects stay.</summary>
    [Cmdlet(VerbsCommon.Remove, "StickyUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = UserNameSet)]
    [OutputType(typeof(StickyUser))]
    public sealed class RemoveStickyUserCommand : StickyCmdlet
    {
        private const string UserNameSet = "UserName";
        private const string InputObjectSet = "InputObject";
        private readonly List<string> _pending = new List<string>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        public StickyUser InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = UserNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(UserNameCompleter))]
        public string[] UserName { get; set; }

        /// <summary>Output the deleted users.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessStickyRecord()
        {
            var names = ParameterSetName == InputObjectSet ? new[] { InputObject.UserName } : UserName;
            foreach (var name in names)
            {
                if (ShouldProcess(name, "Remove the user and its project permissions"))
                {
                    _pending.Add(name);
                }
            }
        }

        protected override void EndStickyProcessing()
        {
            if (_pending.Count == 0)
            {
                return;
            }

            // One batch, so "not the last administrator" is judged on the whole removal.
            IReadOnlyList<StickyUser> deleted;
            try
            {
                deleted = ActiveConnection.Store.DeleteUsers(Caller, _pending);
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, ex.Target ?? string.Join(", ", _pending));
                return;
            }

            var found = new HashSet<string>(deleted.Select(u => u.UserName), StringComparer.Ordinal);
            foreach (var name in _pending.Distinct(StringComparer.Ordinal).Where(n => !found.Contains(n)))
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"No user '{name}'; nothing to remove."),
                    StickyUserErrorIds.UserNotFound, ErrorCategory.ObjectNotFound, name));
            }

            if (PassThru)
            {
                WriteObject(deleted, true);
            }
        }
    }
}
