using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace StickyPi.PowerShell
{
    /// <summary>
    /// Turns what users write in PowerShell (hashtables, [ordered], PSCustomObject, arrays) into plain dictionaries and
    /// lists the core can serialise; property order is kept where PowerShell keeps it.
    /// </summary>
    internal static class PlainObjectConverter
    {
        public static object ToPlain(object value, int depth = 0)
        {
            if (depth > 64)
            {
                throw new PSArgumentException("Annotation objects are nested too deeply (more than 64 levels).");
            }

            if (value is PSObject pso)
            {
                if (pso.BaseObject is PSCustomObject)
                {
                    var map = new Dictionary<string, object>();
                    foreach (var p in pso.Properties)
                    {
                        map[p.Name] = ToPlain(p.Value, depth + 1);
                    }

                    return map;
                }

                value = pso.BaseObject;
            }

            switch (value)
            {
                case null:
                case string _:
                case bool _:
                    return value;
                case IDictionary dict:
                    var result = new Dictionary<string, object>();
                    foreach (DictionaryEntry e in dict)
                    {
                        result[e.Key?.ToString() ?? string.Empty] = ToPlain(e.Value, depth + 1);
                    }

                    return result;
                case IEnumerable list:
                    var items = new List<object>();
                    foreach (var item in list)
                    {
                        items.Add(ToPlain(item, depth + 1));
                    }

                    return items;
                default:
                    return value;
            }
        }
    }
}
