using System.Collections;
using System.Collections.Generic;

namespace StickyPi.PowerShell.Completion
{
    /// <summary>Completes the -Name of the ML bundle cmdlets with the names of the bundles in the store.</summary>
    public sealed class MlBundleNameCompleter : StickyArgumentCompleter
    {
        protected override IEnumerable<string> GetNames(string commandName, string typed, IDictionary fakeBoundParameters)
        {
            var connection = FindConnection(fakeBoundParameters);
            return connection?.Store.CompleteMlBundleNames(connection.Caller, typed, MaxResults);
        }

        protected override string ToolTip(string name) => "ML bundle " + name;
    }
}
