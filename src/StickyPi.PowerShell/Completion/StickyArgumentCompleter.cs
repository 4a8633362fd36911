using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using StickyPi.Core.Local;

namespace StickyPi.PowerShell.Completion
{
    /// <summary>
    /// Base of the module's argument completers: finds the connection the command would use (a <c>-Connection</c>
    /// already on the command line, else the session default, else an existing store named by
    /// <c>$env:STICKYPI_LOCAL_DIR</c>), asks the store for names starting with what was typed, and returns them quoted
    /// and wildcard-escaped as the command line needs. A completer runs while the user types: it never throws and never
    /// writes anything; on any failure it offers nothing.
    /// </summary>
    public abstract class StickyArgumentCompleter : IArgumentCompleter
    {
        /// <summary>At most this many values are offered.</summary>
        internal const int MaxResults = 100;

        private static readonly Lazy<Dictionary<string, Type>> CmdletTypes = new Lazy<Dictionary<string, Type>>(FindCmdletTypes);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var typed = CompletionText.Unquote(wordToComplete, out char quote);
                var names = GetNames(commandName, typed, fakeBoundParameters);
                if (names == null)
                {
                    return Enumerable.Empty<CompletionResult>();
                }

                bool wildcards = SupportsWildcards(commandName, parameterName);
                return names.Take(MaxResults)
                    .Select(n => new CompletionResult(CompletionText.Format(n, quote, wildcards), n, CompletionResultType.ParameterValue, ToolTip(n)))
                    .ToList();
            }
            catch (Exception)
            {
                // Whatever went wrong (closed store, locked catalog, access denied), Tab must not show an error.
                return Enumerable.Empty<CompletionResult>();
            }
        }

        /// <summary>The stored names that start with <paramref name="typed"/> (a wildcard); null or empty when none.</summary>
        protected abstract IEnumerable<string> GetNames(string commandName, string typed, IDictionary fakeBoundParameters);

        protected virtual string ToolTip(string name) => name;

        /// <summary>The connection the command would use, or null when it has none.</summary>
        protected static StickyConnection FindConnection(IDictionary fakeBoundParameters)
        {
            var bound = BoundValue(fakeBoundParameters, "Connection");
            if (bound != null)
            {
                // An explicit -Connection wins; one that cannot be used gives no completion rather than another store's.
                return bound is StickyConnection c && !c.IsClosed ? c : null;
            }

            var session = ConnectionResolver.GetDefault();
            if (session != null)
            {
                return session;
            }

            // The environment fallback must not create a store just because Tab was pressed.
            string dir = Environment.GetEnvironmentVariable(ConnectionResolver.EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(dir) && File.Exists(System.IO.Path.Combine(System.IO.Path.GetFullPath(dir), CatalogSchema.DatabaseFileName)))
            {
                return ConnectionResolver.FromEnvironmentVariable(out _);
            }

            return null;
        }

        /// <summary>A value already on the command line (case-insensitive name), unwrapped; null when absent.</summary>
        protected static object BoundValue(IDictionary fakeBoundParameters, string name)
        {
            if (fakeBoundParameters == null)
            {
                return null;
            }

            foreach (DictionaryEntry e in fakeBoundParameters)
            {
                if (string.Equals(e.Key as string, name, StringComparison.OrdinalIgnoreCase))
                {
                    return e.Value is PSObject pso ? pso.BaseObject : e.Value;
                }
            }

            return null;
        }

        /// <summary>True when the module's command declares the parameter [SupportsWildcards] (its values then get escaped).</summary>
        private static bool SupportsWildcards(string commandName, string parameterName)
        {
            if (commandName == null || parameterName == null || !CmdletTypes.Value.TryGetValue(commandName, out var type))
            {
                return false;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                bool named = string.Equals(property.Name, parameterName, StringComparison.OrdinalIgnoreCase) ||
                             property.GetCustomAttributes<AliasAttribute>().Any(a => a.AliasNames.Any(n => string.Equals(n, parameterName, StringComparison.OrdinalIgnoreCase)));
                if (named)
                {
                    return property.IsDefined(typeof(SupportsWildcardsAttribute), true);
                }
            }

            return false;
        }

        private static Dictionary<string, Type> FindCmdletTypes()
        {
            var map = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
            foreach (var type in typeof(StickyArgumentCompleter).Assembly.GetTypes())
            {
                var cmdlet = type.GetCustomAttribute<CmdletAttribute>();
                if (cmdlet != null)
                {
                    map[cmdlet.VerbName + "-" + cmdlet.NounName] = type;
                    map["StickyPi\\" + cmdlet.VerbName + "-" + cmdlet.NounName] = type;
                }
            }

            return map;
        }
    }
}
