using System;
using System.Collections.Generic;
using System.Management.Automation;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell
{
    /// <summary>
    /// Base of every StickyPi cmdlet: the -Connection parameter, connection resolution and error records built from
    /// the core's errors. Cmdlets stay thin: binding, ShouldProcess, progress, errors; the logic is in StickyPi.Core.
    /// Cmdlets override <see cref="BeginStickyProcessing"/>, <see cref="ProcessStickyRecord"/> and
    /// <see cref="EndStickyProcessing"/>, so that every denial from the core becomes the same PermissionDenied record
    /// here, whichever cmdlet or step it escapes from.
    /// </summary>
    public abstract class StickyCmdlet : PSCmdlet
    {
        private StickyConnection _resolved;

        /// <summary>Set once the caller's role was denied this cmdlet's action: nothing more is attempted.</summary>
        private bool _roleDenied;

        /// <summary>The connection to use; default: the session's (Connect-StickyApi), then $env:STICKYPI_LOCAL_DIR.</summary>
        [Parameter]
        [ValidateNotNull]
        public StickyConnection Connection { get; set; }

        /// <summary>The connection this invocation uses (resolved once).</summary>
        protected StickyConnection ActiveConnection => _resolved ?? (_resolved = ResolveConnection());

        protected CallerIdentity Caller => ActiveConnection.Caller;

        /// <summary>
        /// For cmdlets that read their input (files, folders) before the core sees it: the operation they perform, checked
        /// before any input is read, so a user whose role forbids it gets one PermissionDenied error (its target the
        /// store) and no file is opened. Other cmdlets need not say: the core refuses their first item, with that item
        /// as the target, and the cmdlet stops there.
        /// </summary>
        protected virtual ApiOperation? RequiredOperation => null;

        protected sealed override void BeginProcessing() => Guarded(() =>
        {
            var operation = RequiredOperation;
            if (operation != null)
            {
                try
                {
                    AccessPolicy.Require(Caller, operation.Value);
                }
                catch (AccessDeniedException ex)
                {
                    ReportDenial(ex, ActiveConnection.Location);
                    return;
                }
            }

            BeginStickyProcessing();
        });

        protected sealed override void ProcessRecord() => Guarded(ProcessStickyRecord);

        protected sealed override void EndProcessing() => Guarded(EndStickyProcessing);

        protected virtual void BeginStickyProcessing()
        {
        }

        protected virtual void ProcessStickyRecord()
        {
        }

        protected virtual void EndStickyProcessing()
        {
        }

        private void Guarded(Action step)
        {
            if (_roleDenied)
            {
                return;
            }

            try
            {
                step();
            }
            catch (AccessDeniedException ex)
            {
                try
                {
                    ReportDenial(ex, ex.Target);
                }
                catch (SilencedRoleDenial)
                {
                }
            }
            catch (SilencedRoleDenial)
            {
                // Reported (silenced) already; this step and every later one do nothing more.
            }
            catch (StickyPiException ex)
            {
                // A core error a cmdlet did not turn into a record itself still stops with its own ErrorId and category.
                ThrowTerminatingError(ToErrorRecord(ex, ex.Target));
            }
        }

        /// <summary>Unwinds a cmdlet step after a role denial the caller silenced: the cmdlet must not go on.</summary>
        private sealed class SilencedRoleDenial : Exception
        {
        }

        /// <summary>
        /// A denial as a PermissionDenied record (ErrorId <c>PermissionDenied</c>, so FullyQualifiedErrorId
        /// <c>PermissionDenied,&lt;cmdlet type&gt;</c>). A project-level denial concerns one item: non-terminating, the
        /// rest goes on. A role denial concerns every item: it stops the cmdlet with one terminating error, unless the
        /// caller silenced errors (-ErrorAction SilentlyContinue or Ignore), which then silences it too.
        /// </summary>
        private void ReportDenial(AccessDeniedException ex, object target)
        {
            var record = ToErrorRecord(ex, target);
            if (!ex.IsRoleDenial)
            {
                WriteError(record);
                return;
            }

            _roleDenied = true;
            if (!ErrorsSilenced())
            {
                ThrowTerminatingError(record);
            }

            WriteError(record);
            throw new SilencedRoleDenial();
        }

        private bool ErrorsSilenced()
        {
            object preference = MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var bound)
                ? bound
                : GetVariableValue("ErrorActionPreference");
            if (preference is PSObject pso)
            {
                preference = pso.BaseObject;
            }

            if (preference is string text && Enum.TryParse(text, true, out ActionPreference parsed))
            {
                preference = parsed;
            }

            return preference is ActionPreference action && (action == ActionPreference.SilentlyContinue || action == ActionPreference.Ignore);
        }

        private StickyConnection ResolveConnection()
        {
            if (Connection != null)
            {
                if (Connection.IsClosed)
                {
                    ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"The connection to {Connection.Location} is closed."),
                        "ConnectionClosed", ErrorCategory.InvalidArgument, Connection));
                }

                WriteDebug($"Connection: -Connection parameter ({Connection}).");
                return Connection;
            }

            var session = ConnectionResolver.GetDefault();
            if (session != null)
            {
                WriteDebug($"Connection: session default from Connect-StickyApi ({session}).");
                return session;
            }

            StickyConnection fromEnv;
            string envDir;
            try
            {
                fromEnv = ConnectionResolver.FromEnvironmentVariable(out envDir);
            }
            catch (StickyPiException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex, ex.Target));
                return null;
            }

            if (fromEnv != null)
            {
                WriteDebug($"Connection: ${{env:{ConnectionResolver.EnvironmentVariable}}} = {envDir}.");
                return fromEnv;
            }

            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException(
                    "Not connected to a Sticky Pi store. Run 'Connect-StickyApi -LocalDir <folder>', pass -Connection, or set $env:" +
                    ConnectionResolver.EnvironmentVariable + " to the store folder."),
                "NotConnected", ErrorCategory.ConnectionError, null));
            return null;
        }

        /// <summary>
        /// A -Path (wildcards) or -LiteralPath value as file-system paths. A pattern that matches nothing, or a path of
        /// another provider, is a non-terminating error naming the input; the caller goes on with the rest.
        /// </summary>
        protected IReadOnlyList<string> ResolveFileSystemPaths(string input, bool literal)
        {
            try
            {
                if (literal)
                {
                    return new[] { SessionState.Path.GetUnresolvedProviderPathFromPSPath(input) };
                }

                var resolved = GetResolvedProviderPathFromPSPath(input, out var provider);
                if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                {
                    WriteError(new ErrorRecord(new ArgumentException($"{input} is not a file-system path."), "NotAFileSystemPath", ErrorCategory.InvalidArgument, input));
                    return new string[0];
                }

                return resolved;
            }
            catch (ItemNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, StickyErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, input));
                return new string[0];
            }
        }

        /// <summary>
        /// An error record whose id is the core's stable error id. A denial's message names the user, its role or
        /// level, the action and this cmdlet (the core's own message stays on the exception).
        /// </summary>
        protected ErrorRecord ToErrorRecord(StickyPiException ex, object target)
        {
            var record = new ErrorRecord(ex, ex.ErrorId, CategoryOf(ex.Kind), target ?? ex.Target ?? (ex as AccessDeniedException)?.UserName);
            if (ex is AccessDeniedException denied)
            {
                record.ErrorDetails = new ErrorDetails(denied.Describe(MyInvocation?.MyCommand?.Name))
                {
                    RecommendedAction = denied.IsRoleDenial
                        ? "Connect as a user whose role allows it, or ask an administrator."
                        : "Ask an administrator of the project for level " + denied.RequiredLevel + ".",
                };
            }

            else if (ex is AmbiguousProjectNameException ambiguous)
            {
                record.ErrorDetails = new ErrorDetails(ambiguous.CandidateIds.Count + " projects you may see are named '" + ambiguous.Name +
                    "' (ids " + string.Join(", ", ambiguous.CandidateIds) + "); use -ProjectId with one of these ids, or pipe the project from Get-StickyProject.");
            }

            return record;
        }

        /// <summary>
        /// Stops the cmdlet with the core's error as a terminating error record; a role denial goes through the same
        /// path as every other denial (silenced when the caller silenced errors).
        /// </summary>
        protected void ThrowStickyError(StickyPiException ex, object target)
        {
            if (ex is AccessDeniedException denied && denied.IsRoleDenial)
            {
                ReportDenial(denied, target);
            }

            ThrowTerminatingError(ToErrorRecord(ex, target));
        }

        /// <summary>
        /// Reports a per-item failure and lets the pipeline go on (or stop, under -ErrorAction Stop). A denial of the
        /// caller's role stops the cmdlet (see <see cref="ReportDenial"/>).
        /// </summary>
        protected void WriteStickyError(StickyPiException ex, object target = null)
        {
            if (ex is AccessDeniedException denied)
            {
                ReportDenial(denied, target);
                return;
            }

            WriteError(ToErrorRecord(ex, target));
        }

        protected static ErrorCategory CategoryOf(StickyErrorKind kind)
        {
            switch (kind)
            {
                case StickyErrorKind.InvalidData: return ErrorCategory.InvalidData;
                case StickyErrorKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case StickyErrorKind.NotFound: return ErrorCategory.ObjectNotFound;
                case StickyErrorKind.Conflict: return ErrorCategory.ResourceExists;
                case StickyErrorKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case StickyErrorKind.ResourceUnavailable: return ErrorCategory.ResourceUnavailable;
                case StickyErrorKind.LimitsExceeded: return ErrorCategory.LimitsExceeded;
                case StickyErrorKind.OperationStopped: return ErrorCategory.OperationStopped;
                default: return ErrorCategory.NotSpecified;
            }
        }
    }
}
