using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Opens (creating if missing) an embedded local store and makes it the session default.</summary>
    [Cmdlet(VerbsCommunications.Connect, "StickyApi")]
    [OutputType(typeof(StickyConnection))]
    public sealed class ConnectStickyApiCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("Path")]
        [ValidateNotNullOrEmpty]
        public string LocalDir { get; set; }

        /// <summary>Act as this stored user (its role and project permissions apply); default: the local administrator.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(UserNameCompleter))]
        public string UserName { get; set; }

        protected override void EndProcessing()
        {
            var directory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LocalDir);
            StickyConnection connection;
            try
            {
                connection = ConnectionResolver.Open(directory, UserName);
            }
            catch (StickyPiException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ex.Kind == StickyErrorKind.NotFound && UserName != null ? ErrorCategory.ObjectNotFound : ErrorCategory.OpenError, (object)UserName ?? directory));
                return;
            }

            ConnectionResolver.SetDefault(connection);
            WriteVerbose($"Connected to the local store {connection.Location}; it is now the session default.");
            WriteObject(connection);
        }
    }
}
