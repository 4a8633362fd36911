using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;

namespace StickyPi.HelpBuilder
{
    /// <summary>Reads what the help build needs from a module manifest (.psd1) without PowerShell.</summary>
    public static class ModuleManifest
    {
        private static readonly Regex Quoted = new Regex(@"'((?:[^']|'')*)'|""([^""]*)""", RegexOptions.CultureInvariant);

        /// <summary>The names in <c>CmdletsToExport = @( … )</c> (or a single quoted string), in order.</summary>
        public static IReadOnlyList<string> ReadCmdletsToExport(string psd1Path)
        {
            string text = StripComments(File.ReadAllText(psd1Path));
            Match m = Regex.Match(text, @"\bCmdletsToExport\s*=\s*(@\((?<list>[^)]*)\)|(?<list>'[^']*'|""[^""]*""))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            if (!m.Success)
            {
                throw new InvalidDataException(psd1Path + ": no CmdletsToExport entry.");
            }

            var names = new List<string>();
            foreach (Match q in Quoted.Matches(m.Groups["list"].Value))
            {
                string name = q.Groups[1].Success ? q.Groups[1].Value.Replace("''", "'") : q.Groups[2].Value;
                if (name.Length > 0 && name != "*")
                {
                    names.Add(name);
                }
            }

            return names;
        }

        private static string StripComments(string text)
        {
            text = Regex.Replace(text, @"<#.*?#>", string.Empty, RegexOptions.Singleline);
            var lines = text.Replace("\r\n", "\n").Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                // A '#' outside quotes starts a comment.
                bool single = false, dbl = false;
                for (int j = 0; j < lines[i].Length; j++)
                {
                    char c = lines[i][j];
                    if (c == '\'' && !dbl)
                    {
                        single = !single;
                    }
                    else if (c == '"' && !single)
                    {
                        dbl = !dbl;
                    }
                    else if (c == '#' && !single && !dbl)
                    {
                        lines[i] = lines[i].Substring(0, j);
                        break;
                    }
                }
            }

            return string.Join("\n", lines);
        }
    }
}
