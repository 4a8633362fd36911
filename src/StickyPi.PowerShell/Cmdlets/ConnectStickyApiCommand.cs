using System;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>
    /// Opens (creating if missing) an embedded local store, connects to a Sticky Pi server (StickyPi.Server or
    /// upstream's), or opens a lab's MariaDB catalog with its files in S3 or a folder, and makes it the session default.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "StickyApi", DefaultParameterSetName = LocalSet)]
    [OutputType(typeof(StickyConnection))]
    public sealed class ConnectStickyApiCommand : PSCmdlet
    {
        private const string LocalSet = "Local";
        private const string RemoteSet = "Remote";
        private const string MariaDbS3Set = "MariaDbS3";
        private const string MariaDbFolderSet = "MariaDbFolder";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = LocalSet)]
        [Alias("Path")]
        [ValidateNotNullOrEmpty]
        public string LocalDir { get; set; }

        /// <summary>Act as this stored user (its role and project permissions apply); default: the local administrator.</summary>
        [Parameter(Position = 1, ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = MariaDbS3Set)]
        [Parameter(ParameterSetName = MariaDbFolderSet)]
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

        /// <summary>The MariaDB server, as upstream's MYSQL_HOST: host or host:port.</summary>
        [Parameter(Mandatory = true, ParameterSetName = MariaDbS3Set)]
        [Parameter(Mandatory = true, ParameterSetName = MariaDbFolderSet)]
        [ValidateNotNullOrEmpty]
        public string MariaDbServer { get; set; }

        /// <summary>The database holding the catalog (upstream's schema; created when missing and the login may).</summary>
        [Parameter(Mandatory = true, ParameterSetName = MariaDbS3Set)]
        [Parameter(Mandatory = true, ParameterSetName = MariaDbFolderSet)]
        [ValidateNotNullOrEmpty]
        public string Database { get; set; }

        /// <summary>The database login (upstream's MYSQL_USER and MYSQL_PASSWORD).</summary>
        [Parameter(Mandatory = true, ParameterSetName = MariaDbS3Set)]
        [Parameter(Mandatory = true, ParameterSetName = MariaDbFolderSet)]
        [Credential]
        [ValidateNotNull]
        public PSCredential MariaDbCredential { get; set; }

        /// <summary>The S3 endpoint, e.g. https://s3.lab.example.org (upstream's https://S3_HOST).</summary>
        [Parameter(Mandatory = true, ParameterSetName = MariaDbS3Set)]
        [ValidateNotNull]
        public Uri S3Endpoint { get; set; }

        /// <summary>The bucket holding the files (upstream's S3_BUCKET_NAME; created when missing).</summary>
        [Parameter(Mandatory = true, ParameterSetName = MariaDbS3Set)]
        [ValidateNotNullOrEmpty]
        public string S3Bucket { get; set; }

        /// <summary>The S3 access key as user name and the secret key as password (upstream's S3_ACCESS_KEY, S3_PRIVATE_KEY).</summary>
        [Parameter(Mandatory = true, ParameterSetName = MariaDbS3Set)]
        [Credential]
        [ValidateNotNull]
        public PSCredential S3Credential { get; set; }

        /// <summary>A PEM file of CA certificates that may also sign the S3 endpoint's certificate (a lab's own CA).</summary>
        [Parameter(ParameterSetName = MariaDbS3Set)]
        [ValidateNotNullOrEmpty]
        public string S3TrustedCaBundle { get; set; }

        /// <summary>A folder holding the files instead of S3, in upstream's key layout.</summary>
        [Parameter(Mandatory = true, ParameterSetName = MariaDbFolderSet)]
        [ValidateNotNullOrEmpty]
        public string FilesPath { get; set; }

        protected override void EndProcessing()
        {
            bool remote = ParameterSetName == RemoteSet;
            bool deployed = ParameterSetName == MariaDbS3Set || ParameterSetName == MariaDbFolderSet;
            object target = remote ? (object)Uri : deployed ? MariaDbServer : null;
            StickyConnection connection;
            try
            {
                if (remote)
                {
                    connection = ConnectionResolver.OpenRemote(Uri, Credential.UserName, Credential.GetNetworkCredential().Password);
                }
                else if (deployed)
                {
                    var login = MariaDbCredential.GetNetworkCredential();
                    var s3 = S3Endpoint == null ? null : new StickyPi.Storage.S3.S3StorageOptions
                    {
                        ServiceUrl = S3Endpoint,
                        Bucket = S3Bucket,
                        AccessKey = S3Credential.UserName,
                        SecretKey = S3Credential.GetNetworkCredential().Password,
                        TrustedCaBundle = S3TrustedCaBundle == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(S3TrustedCaBundle),
                    };
                    target = (object)UserName ?? MariaDbServer;
                    connection = ConnectionResolver.OpenDeployed(StickyPi.Catalog.MariaDb.MariaDbCatalog.ConnectionString(MariaDbServer, Database, login.UserName, login.Password),
                        s3, FilesPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(FilesPath), UserName);
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
                    : remote || deployed ? ErrorCategory.ConnectionError
                    : ErrorCategory.OpenError;
                ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, category, target));
                return;
            }
            catch (ArgumentException ex) when (remote)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidApiUri", ErrorCategory.InvalidArgument, Uri));
                return;
            }
            catch (ArgumentException ex) when (deployed)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidDeployment", ErrorCategory.InvalidArgument, MariaDbServer));
                return;
            }

            ConnectionResolver.SetDefault(connection);
            WriteVerbose(remote
                ? $"Connected to the Sticky Pi server {connection.Location} as {connection.User}; it is now the session default."
                : deployed
                ? $"Connected to the MariaDB catalog and files {connection.Location} as {connection.User}; it is now the session default."
                : $"Connected to the local store {connection.Location}; it is now the session default.");
            WriteObject(connection);
        }
    }
}
