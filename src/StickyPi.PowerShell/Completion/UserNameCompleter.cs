using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using StickyPi.Core.Local;

namespace StickyPi.PowerShell.Completion
{
    /// <summary>
    /// Completes -UserName with the stored users' names the user may see. For Connect-StickyApi, whose store is not open
    /// yet, the names come from the store named by its -LocalDir, read without changing it.
    /// </summary>
    public sealed class UserNameCompleter : StickyArgumentCompleter
    {
        protected override IEnumerable<string> GetNames(string commandName, string typed, IDictionary fakeBoundParameters)
        {
            if (commandName != null && commandName.EndsWith("Connect-StickyApi", StringComparison.OrdinalIgnoreCase))
            {
                var localDir = (BoundValue(fakeBoundParameters, "LocalDir") ?? BoundValue(fakeBoundParameters, "Path")) as string;
                return string.IsNullOrEmpty(localDir) ? null : LocalStickyStore.ReadUserNames(FullPath(localDir), typed, MaxResults);
            }

            var connection = FindConnection(fakeBoundParameters);
            return connection?.Store.CompleteUserNames(connection.Caller, typed, MaxResults);
        }

        protected override string ToolTip(string name) => "User " + name;

        /// <summary>A path as the session sees it (relative to its current file-system location, not the process's).</summary>
        private static string FullPath(string path)
        {
            // The runspace is busy running the completion, so its SessionStateProxy refuses; a script block runs nested in it.
            var result = ScriptBlock.Create("$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($args[0])").Invoke(path);
            var resolved = result.Count == 1 ? result[0]?.BaseObject as string : null;
            return string.IsNullOrEmpty(resolved) ? System.IO.Path.GetFullPath(path) : resolved;
        }
    }
}
