using System;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>
    /// Opens (creating if missing) an embedded local store, or connects to a Sticky Pi server (StickyPi.Server or
    /// upstream's), and makes it the session default.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "StickyApi", DefaultParameterSetName = LocalSet)]
    [OutputType(typeof(StickyConnection))]
    public sealed class ConnectStickyApiCommand : PSCmdlet
    {
        private const string LocalSet = "Local";
        private const string RemoteSet = "Remote";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = LocalSet)]
        [Alias("Path")]
        [ValidateNotNullOrEmpty]
        public string LocalDir { get; set; }

        /// <summary>Act as this stored user (its role and project permissions apply); default: the local administrator.</summary>
        [Parameter(Position = 1, ParameterSetName = LocalSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(UserNameCompleter))]
        public string UserName { get; set; }

        /// <summary>The server's root URL, e.g. https://sticky.example.org/ (upstream's clients: protocol, host and port).</summary>
        [Parameter(Mandatory = true, ParameterSetName = RemoteSet)]
        [Alias("ApiUri")]
        [ValidateNotNull]
        public Uri Uri { get; set; }

        /// <summary>The server user and password (checked at once; a token is used from then on).</summary>
        [Parameter(Mandatory = true, ParameterSetName = RemoteSet)]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        protected override void EndProcessing()
        {
            bool remote = ParameterSetName == RemoteSet;
            object target = remote ? (object)Uri : null;
            StickyConnection connection;
            try
            {
                if (remote)
                {
                    connection = ConnectionResolver.OpenRemote(Uri, Credential.UserName, Credential.GetNetworkCredential().Password);
                }
                else
                {
                    var directory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LocalDir);
                    target = (object)UserName ?? directory;
                    connection = ConnectionResolver.Open(directory, UserName);
                }
            }
            catch (StickyPiException ex)
            {
                var category = ex.Kind == StickyErrorKind.PermissionDenied ? ErrorCategory.AuthenticationError
                    : ex.Kind == StickyErrorKind.NotFound && UserName != null ? ErrorCategory.ObjectNotFound
                    : remote ? ErrorCategory.ConnectionError
                    : ErrorCategory.OpenError;
                ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, category, target));
                return;
            }
            catch (ArgumentException ex) when (remote)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidApiUri", ErrorCategory.InvalidArgument, Uri));
                return;
            }

            ConnectionResolver.SetDefault(connection);
            WriteVerbose(remote
                ? $"Connected to the Sticky Pi server {connection.Location} as {connection.User}; it is now the session default."
                : $"Connected to the local store {connection.Location}; it is now the session default.");
            WriteObject(connection);
        }
    }
}
