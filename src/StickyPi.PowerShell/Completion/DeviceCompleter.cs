using System.Collections;
using System.Collections.Generic;

namespace StickyPi.PowerShell.Completion
{
    /// <summary>Completes -Device with the device ids of the stored images (prefix or wildcard).</summary>
    public sealed class DeviceCompleter : StickyArgumentCompleter
    {
        protected override IEnumerable<string> GetNames(string commandName, string typed, IDictionary fakeBoundParameters)
        {
            var connection = FindConnection(fakeBoundParameters);
            return connection?.Store.CompleteImageDevices(connection.Caller, typed, MaxResults);
        }

        protected override string ToolTip(string name) => "Device " + name;
    }
}
