using System.Collections;
using System.Collections.Generic;

namespace StickyPi.PowerShell.Completion
{
    /// <summary>Completes -Project (and Get-StickyProject -Name) with the names of the projects the user may see.</summary>
    public sealed class ProjectNameCompleter : StickyArgumentCompleter
    {
        protected override IEnumerable<string> GetNames(string commandName, string typed, IDictionary fakeBoundParameters)
        {
            var connection = FindConnection(fakeBoundParameters);
            return connection?.Store.CompleteProjectNames(connection.Caller, typed, MaxResults);
        }

        protected override string ToolTip(string name) => "Project " + name;
    }
}
