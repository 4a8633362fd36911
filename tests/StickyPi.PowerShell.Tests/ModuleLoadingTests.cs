using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using StickyPi.PowerShell.Tests.Support;

namespace StickyPi.PowerShell.Tests
{
    /// <summary>The packaged module loads in a separate host process that has no deps.json of ours.</summary>
    public class ModuleLoadingTests
    {
        private static string[] ManifestCmdlets()
        {
            var text = File.ReadAllText(Path.Combine(HostRunner.RepoRoot, "StickyPi.psd1"));
            var block = Regex.Match(text, @"CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)").Groups["list"].Value;
            return Regex.Matches(block, "'([^']+)'").Select(m => m.Groups[1].Value).OrderBy(n => n).ToArray();
        }

        [Fact]
        public void Exports_exactly_the_manifest_cmdlets()
        {
            var r = HostRunner.Run("Get-Command -Module StickyPi | ForEach-Object Name");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(ManifestCmdlets(), r.Texts.OrderBy(n => n).ToArray());
        }

        [Fact]
        public void Dependencies_load_in_an_isolated_context_and_natives_from_the_module_folder()
        {
            var r = HostRunner.Run(@"
$store = [IO.Path]::Combine([IO.Path]::GetTempPath(), [Guid]::NewGuid().ToString('N'))
$c = Connect-StickyApi -LocalDir $store
@(Get-StickySeries).Count
$core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'StickyPi.Core' }
[System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($core).GetType().Name
$core.Location
$sqlite = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' }
[System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($sqlite).GetType().Name
[IO.File]::ReadAllText('/proc/self/maps') -split ""`n"" | Where-Object { $_ -match 'libe_sqlite3|libSkiaSharp' } | ForEach-Object { ($_ -split '\s+')[-1] } | Where-Object { $_ }
Disconnect-StickyApi
[IO.Directory]::Delete($store, $true)
");
            Assert.True(r.ExitCode == 0, r.ToString());
            var t = r.Texts;
            Assert.Equal("0", t[0]);
            Assert.Equal("IsolatedLoadContext", t[1]);
            Assert.EndsWith(Path.Combine("out", "StickyPi", "deps", "StickyPi.Core.dll"), t[2]);
            Assert.Equal("IsolatedLoadContext", t[3]);
            var natives = t.Skip(4).Distinct().ToList();
            var expectedDir = Path.Combine(HostRunner.RepoRoot, "out", "StickyPi", "runtimes", "linux-x64", "native");
            Assert.Contains(natives, n => n == Path.Combine(expectedDir, "libe_sqlite3.so"));
            Assert.Contains(natives, n => n == Path.Combine(expectedDir, "libSkiaSharp.so"));
        }

        [Fact]
        public void Test_ModuleManifest_accepts_the_packaged_manifest()
        {
            var r = HostRunner.Run(
                "$m = Test-ModuleManifest -Path " + HostRunner.Quote(HostRunner.ModuleManifest) + " -ErrorAction Stop\n" +
                "$m.Name; $m.Version.ToString(); ($m.CompatiblePSEditions -join ','); $m.PowerShellVersion.ToString(); $m.ExportedCmdlets.Count",
                importModule: false);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "StickyPi", "0.1.0", "Desktop,Core", "5.1", ManifestCmdlets().Length.ToString() }, r.Texts);
        }

        [Fact]
        public void Package_has_natives_for_every_supported_platform()
        {
            var runtimes = Path.Combine(HostRunner.RepoRoot, "out", "StickyPi", "runtimes");
            var expected = new[]
            {
                ("win-x64", "e_sqlite3.dll", "libSkiaSharp.dll"),
                ("linux-x64", "libe_sqlite3.so", "libSkiaSharp.so"),
                ("linux-arm64", "libe_sqlite3.so", "libSkiaSharp.so"),
                ("osx-x64", "libe_sqlite3.dylib", "libSkiaSharp.dylib"),
                ("osx-arm64", "libe_sqlite3.dylib", "libSkiaSharp.dylib"),
            };
            foreach (var (rid, sqlite, skia) in expected)
            {
                Assert.True(new FileInfo(Path.Combine(runtimes, rid, "native", sqlite)).Length > 100_000, rid + " " + sqlite);
                Assert.True(new FileInfo(Path.Combine(runtimes, rid, "native", skia)).Length > 1_000_000, rid + " " + skia);
            }

            // Managed dependencies sit in deps/, never beside StickyPi.dll where other probing could bind them.
            var root = Path.Combine(HostRunner.RepoRoot, "out", "StickyPi");
            Assert.Equal(new[] { "StickyPi.Loader.dll", "StickyPi.dll" }, Directory.GetFiles(root, "*.dll").Select(Path.GetFileName).OrderBy(n => n, System.StringComparer.Ordinal).ToArray());
            foreach (var dep in new[] { "StickyPi.Core.dll", "Microsoft.Data.Sqlite.dll", "SkiaSharp.dll", "MetadataExtractor.dll", "SQLitePCLRaw.core.dll" })
            {
                Assert.True(File.Exists(Path.Combine(root, "deps", dep)), dep);
            }
        }

        [Fact]
        public void Get_Help_Examples_works_for_every_cmdlet()
        {
            var r = HostRunner.Run(@"
foreach ($name in (Get-Command -Module StickyPi | ForEach-Object Name)) {
    $help = Get-Help $name -Examples
    $codes = @($help.examples.example | ForEach-Object { $_.code })
    '{0}|{1}|{2}' -f $name, $codes.Count, ($codes -join ' ')
}");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(ManifestCmdlets().Length, r.Texts.Count);
            foreach (var line in r.Texts)
            {
                var parts = line.Split('|', 3);
                Assert.True(int.Parse(parts[1]) >= 1, "no example for " + parts[0]);
                Assert.Contains(parts[0], parts[2]);
            }
        }

        [Fact]
        public void About_topic_is_shipped()
        {
            var r = HostRunner.Run("Get-Help about_StickyPi | ForEach-Object { $_.ToString().Length }");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.True(int.Parse(r.Texts.Single()) > 500, r.ToString());
        }
    }
}
