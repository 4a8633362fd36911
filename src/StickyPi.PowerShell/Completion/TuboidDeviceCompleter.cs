using System.Collections;
using System.Collections.Generic;

namespace StickyPi.PowerShell.Completion
{
    /// <summary>Completes -Device of the tuboid cmdlets with the devices of the stored tuboid series.</summary>
    public sealed class TuboidDeviceCompleter : StickyArgumentCompleter
    {
        protected override IEnumerable<string> GetNames(string commandName, string typed, IDictionary fakeBoundParameters)
        {
            var connection = FindConnection(fakeBoundParameters);
            return connection?.Store.CompleteTuboidDevices(connection.Caller, typed, MaxResults);
        }

        protected override string ToolTip(string name) => "Device " + name + " (tuboid series)";
    }
}
