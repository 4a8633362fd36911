using System.Collections;
using System.Collections.Generic;
using StickyPi.Core.Local;

namespace StickyPi.PowerShell.Completion
{
    /// <summary>
    /// Completes -AlgoName with the algorithm names already stored for the command's kind of data: UID annotations
    /// (Set-UidAnnotation, Get-StickyImageToAnnotate), tuboid series (Send-/Remove-StickyTuboid) or ITC labels
    /// (Set-ItcLabel).
    /// </summary>
    public sealed class AlgoNameCompleter : StickyArgumentCompleter
    {
        protected override IEnumerable<string> GetNames(string commandName, string typed, IDictionary fakeBoundParameters)
        {
            var connection = FindConnection(fakeBoundParameters);
            return connection?.Store.CompleteAlgoNames(connection.Caller, SourceOf(commandName), typed, MaxResults);
        }

        protected override string ToolTip(string name) => "Algorithm " + name;

        internal static AlgoNameSource SourceOf(string commandName)
        {
            string name = commandName ?? string.Empty;
            if (name.EndsWith("StickyTuboid", System.StringComparison.OrdinalIgnoreCase))
            {
                return AlgoNameSource.TuboidSeries;
            }

            return name.EndsWith("ItcLabel", System.StringComparison.OrdinalIgnoreCase) ? AlgoNameSource.ItcLabels : AlgoNameSource.UidAnnotations;
        }
    }
}
