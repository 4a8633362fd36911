using System.Management.Automation;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Closes a connection (the session default when none is given).</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "StickyApi")]
    public sealed class DisconnectStickyApiCommand : PSCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true)]
        public StickyConnection Connection { get; set; }

        protected override void ProcessRecord()
        {
            var connection = Connection ?? ConnectionResolver.GetDefault();
            if (connection == null)
            {
                WriteVerbose("No session default connection to close.");
                return;
            }

            ConnectionResolver.ClearDefault(connection);
            connection.Dispose();
            WriteVerbose($"Disconnected from {connection.Location}.");
        }
    }
}
