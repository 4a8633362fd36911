using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using StickyPi.PowerShell.Tests.Support;

namespace StickyPi.PowerShell.Tests
{
    /// <summary>
    /// The PowerShell this repository ships but cannot run here (the Pester file: no Pester; build.ps1: no pwsh; the
    /// help examples: paths of a lab's machine) is still parsed by the real engine, and every StickyPi command in it is
    /// bound against the loaded module's parameters (names, aliases and unambiguous prefixes, as the binder takes them),
    /// so a renamed parameter or a typo in an example fails here instead of on a user's machine.
    /// </summary>
    public class ScriptAndExampleTests
    {
        private const string CheckScript = @"
$names = @{}
foreach ($c in Get-Command -Module StickyPi) { $names[$c.Name] = $c }
$checked = @{}
foreach ($file in $files) {
    $tokens = $null
    $parseErrors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$tokens, [ref]$parseErrors)
    foreach ($e in $parseErrors) { 'PROBLEM {0}:{1}: {2}' -f $file, $e.Extent.StartLineNumber, $e.Message }
    $commands = $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] }, $true)
    foreach ($command in $commands) {
        $name = $command.GetCommandName()
        if (-not $name) { continue }
        if (-not $names.ContainsKey($name)) {
            if ($name -match '^[A-Za-z]+-(Sticky|Uid|Itc|ML)') { 'PROBLEM {0}:{1}: no command {2} in the module' -f $file, $command.Extent.StartLineNumber, $name }
            continue
        }
        $info = $names[$name]
        $checked[$info.Name] = 1 + [int]$checked[$info.Name]
        $parameters = @($info.Parameters.Values)
        foreach ($element in $command.CommandElements) {
            if ($element -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
            $p = $element.ParameterName
            $exact = @($parameters | Where-Object { $_.Name -eq $p -or $_.Aliases -contains $p })
            if ($exact.Count -eq 1) { continue }
            $byPrefix = @($parameters | Where-Object { $_.Name.StartsWith($p, [StringComparison]::OrdinalIgnoreCase) -or @($_.Aliases | Where-Object { $_.StartsWith($p, [StringComparison]::OrdinalIgnoreCase) }).Count -gt 0 })
            if ($byPrefix.Count -ne 1) { 'PROBLEM {0}:{1}: {2} has no parameter -{3}' -f $file, $element.Extent.StartLineNumber, $info.Name, $p }
        }
    }
}
foreach ($k in $checked.Keys) { 'CHECKED {0} {1}' -f $k, $checked[$k] }
";

        private static readonly Regex Fence = new Regex(@"^```powershell[ \t]*\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline);

        /// <summary>Every ```powershell block of docs/*.md, one file each, named after its page and position.</summary>
        private static IEnumerable<string> WriteDocSnippets(string dir)
        {
            foreach (var page in Directory.GetFiles(Path.Combine(HostRunner.RepoRoot, "docs"), "*.md").OrderBy(p => p, StringComparer.Ordinal))
            {
                int n = 0;
                foreach (Match m in Fence.Matches(File.ReadAllText(page)))
                {
                    var path = Path.Combine(dir, Path.GetFileNameWithoutExtension(page) + ".example" + (++n) + ".ps1");
                    File.WriteAllText(path, m.Groups["code"].Value);
                    yield return path;
                }
            }
        }

        private static HostResult Check(IEnumerable<string> files) =>
            HostRunner.Run("$files = @(" + string.Join(", ", files.Select(HostRunner.Quote)) + ")\n" + CheckScript);

        private static Dictionary<string, int> Checked(HostResult r) => r.Texts
            .Where(l => l.StartsWith("CHECKED ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[1], p => int.Parse(p[2]));

        [Fact]
        public void Repository_scripts_parse_and_bind_to_the_module()
        {
            var root = HostRunner.RepoRoot;
            var files = Directory.GetFiles(Path.Combine(root, "tests"), "*.Tests.ps1", SearchOption.AllDirectories)
                .Concat(Directory.GetFiles(Path.Combine(root, "examples"), "*.ps1"))
                .Append(Path.Combine(root, "build.ps1"))
                .ToList();
            Assert.Contains(files, f => f.EndsWith("StickyPi.Tests.ps1", StringComparison.Ordinal));

            var r = Check(files);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.True(!r.Texts.Any(l => l.StartsWith("PROBLEM", StringComparison.Ordinal)), string.Join("\n", r.Texts.Where(l => l.StartsWith("PROBLEM", StringComparison.Ordinal))));

            // The Pester file and the quickstart really exercise the module (a vacuous pass would check nothing).
            var seen = Checked(r);
            foreach (var name in new[] { "Connect-StickyApi", "Send-StickyImage", "Get-StickySeries", "Set-UidAnnotation", "Get-UidAnnotation", "Disconnect-StickyApi" })
            {
                Assert.True(seen.ContainsKey(name), name + " is not used by any repository script: " + string.Join(", ", seen.Keys));
            }
        }

        [Fact]
        public void Help_examples_parse_and_bind_to_the_module()
        {
            var dir = Path.Combine(Path.GetTempPath(), "stickypi-examples-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            try
            {
                var snippets = WriteDocSnippets(dir).ToList();
                var r = Check(snippets);
                Assert.True(r.ExitCode == 0, r.ToString());
                Assert.True(!r.Texts.Any(l => l.StartsWith("PROBLEM", StringComparison.Ordinal)), string.Join("\n", r.Texts.Where(l => l.StartsWith("PROBLEM", StringComparison.Ordinal))));

                // Every exported cmdlet appears, bound, in the examples.
                var exported = HostRunner.Run("Get-Command -Module StickyPi | ForEach-Object Name").Texts;
                var seen = Checked(r);
                Assert.DoesNotContain(exported, n => !seen.ContainsKey(n));
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [Fact]
        public void A_misspelt_parameter_in_an_example_is_reported()
        {
            // The check itself: a wrong parameter, an ambiguous prefix and an unknown Sticky command are all caught.
            var dir = Path.Combine(Path.GetTempPath(), "stickypi-examples-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            try
            {
                var bad = Path.Combine(dir, "bad.ps1");
                File.WriteAllText(bad, "Send-StickyImage -Pth C:\\x\nGet-StickySeries -Dev '*' -Start (Get-Date)\nGet-StickyThing\nSend-StickyImage -Li C:\\x -Rec\n");
                var r = Check(new[] { bad });
                Assert.True(r.ExitCode == 0, r.ToString());
                var problems = r.Texts.Where(l => l.StartsWith("PROBLEM", StringComparison.Ordinal)).ToList();
                Assert.Contains(problems, p => p.Contains(":1: Send-StickyImage has no parameter -Pth"));
                Assert.Contains(problems, p => p.Contains(":3: no command Get-StickyThing"));
                Assert.Equal(2, problems.Count); // -Dev, -Start, -Li and -Rec are unambiguous prefixes, as in PowerShell
                Assert.Equal(2, Checked(r)["Send-StickyImage"]);
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
