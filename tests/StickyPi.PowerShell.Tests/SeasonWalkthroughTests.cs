using System.IO;
using System.Linq;
using StickyPi.PowerShell.Tests.Support;

namespace StickyPi.PowerShell.Tests
{
    /// <summary>
    /// The season of about_StickyPi, end to end in one host process: import, project with a deployment series,
    /// reservation and annotation, tuboids and labels, a bundle, and a second user who sees only her project.
    /// </summary>
    public class SeasonWalkthroughTests
    {
        [Fact]
        public void A_season_runs_through_every_part_of_the_module()
        {
            using var ws = new Workspace(images: 12, seed: 21);
            var bundle = Path.Combine(ws.Root, "insect-uid");
            foreach (var file in Directory.GetFiles(StandIns.MlBundle, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(bundle, Path.GetRelativePath(StandIns.MlBundle, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target));
                File.Copy(file, target);
            }

            var tuboids = Directory.GetDirectories(StandIns.TiledTuboids).Single();
            var r = HostRunner.Run(
                "$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + "\n" +
                "$null = Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + @"
$first = @(Get-StickySeries)[0]
'images ' + @(Get-StickySeries).Count

# A project with one deployment covering the first device's images.
$p = New-StickyProject -Name meadow-2024 -Description 'Meadow traps'
$null = $p | Add-StickyProjectColumn -Name trap_colour -Type 'CHAR(16)'
$null = Add-StickyProjectSeries -ProjectId $p.Id -Device $first.Device -StartTime $first.DateTime.Date -EndTime $first.DateTime.Date.AddDays(2) -Value @{ trap_colour = 'yellow' }
$deployed = @($p | Get-StickyProjectSeries | Get-StickySeries)
'deployed ' + $deployed.Count + ' ' + @(Get-StickySeries -Device $first.Device).Count
'colour ' + @($p | Get-StickyProjectSeries)[0].trap_colour

# Reserve and annotate until nothing is left.
$done = 0
while ($true) {
    $todo = @(Get-StickyImageToAnnotate -AlgoName detector -AlgoVersion '1.0' -Device '*')
    if ($todo.Count -eq 0) { break }
    $done += @($todo | Set-UidAnnotation -AlgoName detector -AlgoVersion '1.0' -Annotation @(@{ name = 'insect'; value = 0 })).Count
}
'annotated ' + $done

# Tuboids and labels from a series like the shared fixture one (generated).
$sent = @(Send-StickyTuboid -Path " + HostRunner.Quote(tuboids) + @" -AlgoName test -ImageCount 10 -TuboidCount 6)
'tuboids ' + @($sent | Where-Object Status -eq 'Sent').Count
$null = Get-StickyTuboid 08038ade '2020-07-08' '2020-07-10' | Set-ItcLabel -AlgoName itc -AlgoVersion '1.0' -Label 3 -Pattern '^Insecta.*' -Type Insecta
'labelled ' + @(Get-StickyTuboid 08038ade -WithLabel | Where-Object { $_.Label -eq 3 }).Count

# A bundle, pushed twice.
'push ' + @(Sync-MLBundle -Name insect-uid -Path " + HostRunner.Quote(bundle) + @" -Direction Push).Count
'push again ' + @(Sync-MLBundle -Name insect-uid -Path " + HostRunner.Quote(bundle) + @" -Direction Push).Count

# A second user who reads only what she is granted.
$pw = [System.Security.SecureString]::new(); 'correct horse'.ToCharArray() | ForEach-Object { $pw.AppendChar($_) }
$null = New-StickyUser -Credential ([pscredential]::new('alice', $pw))
$null = New-StickyProject -Name other
$null = Grant-StickyProjectPermission -Project meadow-2024 -UserName alice -Level Read
$alice = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + @" -UserName alice
'alice sees ' + (@(Get-StickyProject) | ForEach-Object Name)
Get-StickyProject other -ErrorAction SilentlyContinue | ForEach-Object { 'LEAK ' + $_.Name }
try { $null = New-StickyProject -Name mine -ErrorAction Stop; 'alice created' } catch { 'alice refused ' + $_.FullyQualifiedErrorId }
");
            Assert.True(r.ExitCode == 0, r.ToString());
            var t = r.Texts;
            Assert.Equal("images 12", t[0]);
            var deployed = t[1].Split(' ');
            Assert.Equal(deployed[2], deployed[1]);
            Assert.True(int.Parse(deployed[1]) > 0);
            Assert.Equal("colour yellow", t[2]);
            Assert.Equal("annotated 12", t[3]);
            Assert.Equal("tuboids 6", t[4]);
            Assert.Equal("labelled 6", t[5]);
            Assert.Equal("push 7", t[6]);
            Assert.Equal("push again 0", t[7]);
            Assert.Equal("alice sees meadow-2024", t[8]);
            Assert.DoesNotContain(t, x => x.StartsWith("LEAK"));
            Assert.StartsWith("alice created", t[9]);
        }
    }
}
