using System;
using System.Collections.Generic;
using System.Management.Automation;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell
{
    /// <summary>
    /// Base of every StickyPi cmdlet: the -Connection parameter, connection resolution and error records built from
    /// the core's errors. Cmdlets stay thin: binding, ShouldProcess, progress, errors; the logic is in StickyPi.Core.
    /// </summary>
    public abstract class StickyCmdlet : PSCmdlet
    {
        private StickyConnection _resolved;

        /// <summary>The connection to use; default: the session's (Connect-StickyApi), then $env:STICKYPI_LOCAL_DIR.</summary>
        [Parameter]
        [ValidateNotNull]
        public StickyConnection Connection { get; set; }

        /// <summary>The connection this invocation uses (resolved once).</summary>
        protected StickyConnection ActiveConnection => _resolved ?? (_resolved = ResolveConnection());

        protected CallerIdentity Caller => ActiveConnection.Caller;

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

        /// <summary>An error record whose id is the core's stable error id.</summary>
        protected static ErrorRecord ToErrorRecord(StickyPiException ex, object target) =>
            new ErrorRecord(ex, ex.ErrorId, CategoryOf(ex.Kind), target ?? ex.Target);

        /// <summary>Reports a per-item failure and lets the pipeline go on (or stop, under -ErrorAction Stop).</summary>
        protected void WriteStickyError(StickyPiException ex, object target = null) => WriteError(ToErrorRecord(ex, target));

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
