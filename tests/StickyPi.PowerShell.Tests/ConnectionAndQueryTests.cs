using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.PowerShell.Tests.Support;
using static StickyPi.PowerShell.Tests.Support.HostResultExtensions;

namespace StickyPi.PowerShell.Tests
{
    public class ConnectionAndQueryTests
    {
        [Fact]
        public void Without_a_connection_the_error_says_how_to_connect()
        {
            var r = HostRunner.Run("Get-StickySeries");
            Assert.Equal(1, r.ExitCode);
            Assert.Equal("NotConnected", r.Terminating.Value.ErrorId());
            Assert.Contains("Connect-StickyApi -LocalDir", r.Terminating.Value.Str("message"));
            Assert.Contains("STICKYPI_LOCAL_DIR", r.Terminating.Value.Str("message"));
        }

        [Fact]
        public void Resolution_order_is_parameter_then_session_default_then_environment_and_Debug_names_the_source()
        {
            using var a = new Workspace(images: 2, seed: 1);
            using var b = new Workspace(images: 3, seed: 2);
            var env = new Dictionary<string, string> { ["STICKYPI_LOCAL_DIR"] = a.Store };
            var r = HostRunner.Run(@"
$DebugPreference = 'Continue'
Send-StickyImage -Path " + HostRunner.Quote(a.Images) + @" | Out-Null
'env ' + @(Get-StickySeries).Count
$b = Connect-StickyApi -LocalDir " + HostRunner.Quote(b.Store) + @"
$b.IsDefault
Send-StickyImage -Path " + HostRunner.Quote(b.Images) + @" | Out-Null
'default ' + @(Get-StickySeries).Count
$a = Connect-StickyApi -LocalDir " + HostRunner.Quote(a.Store) + @"
$b.IsDefault
'param ' + @(Get-StickySeries -Connection $b).Count
Disconnect-StickyApi
'after disconnect ' + @(Get-StickySeries).Count
", env);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(new[] { "env 2", "True", "default 3", "False", "param 3", "after disconnect 2" }, r.Texts);
            var debug = r.Kind("debug").Select(d => d.Str("message")).ToList();
            Assert.Contains(debug, m => m.Contains("STICKYPI_LOCAL_DIR"));
            Assert.Contains(debug, m => m.Contains("session default"));
            Assert.Contains(debug, m => m.Contains("-Connection parameter"));
        }

        [Fact]
        public void Series_queries_take_wildcards_and_half_open_utc_bounds_and_What_gives_paths()
        {
            using var ws = new Workspace(images: 10, seed: 3);
            var r = HostRunner.Run("$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + "\n" +
                "$null = Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + @"
$all = @(Get-StickySeries)
$first = $all[0]
$dev = $first.Device
'count ' + $all.Count
'kind ' + $first.DateTime.Kind
'exact ' + @(Get-StickySeries -Device $dev).Count + ' ' + @($all | Where-Object Device -eq $dev).Count
'prefix ' + @(Get-StickySeries -Device ($dev.Substring(0, 3) + '*')).Count
'upper ' + @(Get-StickySeries -Device $dev.ToUpperInvariant()).Count
'start-inclusive ' + @(Get-StickySeries -Device $dev -StartTime $first.DateTime -EndTime $first.DateTime.AddSeconds(1)).Count
'end-exclusive ' + @(Get-StickySeries -Device $dev -StartTime $first.DateTime.AddSeconds(-60) -EndTime $first.DateTime).Count
$thumb = Get-StickyImage -Device $dev -DateTime $first.DateTime -What Thumbnail
'thumb ' + $thumb.Url
$first | Get-StickyImage -What ThumbnailMini | ForEach-Object { 'mini ' + $_.Url }
");
            Assert.True(r.ExitCode == 0, r.ToString());
            var t = r.Texts;
            Assert.Equal("count 10", t[0]);
            Assert.Equal("kind Utc", t[1]);
            var exact = t[2].Split(' ');
            Assert.Equal(exact[1], exact[2]);
            Assert.Equal("start-inclusive 1", t[5]);
            Assert.Equal("end-exclusive 0", t[6]);
            Assert.True(int.Parse(t[3].Split(' ')[1]) >= int.Parse(exact[1]));
            Assert.Equal(exact[1], t[4].Split(' ')[1]);
            var thumb = t[7].Substring("thumb ".Length);
            Assert.EndsWith(".jpg.thumbnail", thumb);
            Assert.True(File.Exists(thumb));
            Assert.EndsWith(".jpg.thumbnail-mini", t[8]);
        }

        [Fact]
        public void Remove_StickyImage_confirms_by_default_and_deletes_rows_annotations_and_files_together()
        {
            using var ws = new Workspace(images: 4, seed: 4);
            var r = HostRunner.Run("$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + "\n" +
                "$null = Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + @"
$null = Get-StickySeries | Set-UidAnnotation -AlgoName uid -AlgoVersion 1-a -Annotation @()
$victim = @(Get-StickySeries -What Image)[0]
'url ' + $victim.Url
try { $victim | Remove-StickyImage -ErrorAction Stop } catch { 'refused ' + $_.Exception.GetType().Name }
'after refusal ' + @(Get-StickySeries).Count
$victim | Remove-StickyImage -WhatIf
'after whatif ' + @(Get-StickySeries).Count
$victim | Remove-StickyImage -Confirm:$false -PassThru | ForEach-Object { 'removed ' + $_.FileName }
'after remove ' + @(Get-StickySeries).Count + ' ' + @(Get-StickySeries | Get-UidAnnotation).Count
");
            Assert.True(r.ExitCode == 0, r.ToString());
            var t = r.Texts;
            var url = t[0].Substring(4);
            Assert.StartsWith("refused", t[1]);
            Assert.Equal("after refusal 4", t[2]);
            Assert.Contains(r.HostLines, l => l.StartsWith("What if:") && l.Contains(Path.GetFileName(url)));
            Assert.Equal("after whatif 4", t[3]);
            Assert.Equal("removed " + Path.GetFileName(url), t[4]);
            Assert.Equal("after remove 3 3", t[5]);
            Assert.False(File.Exists(url));
            Assert.False(File.Exists(url + ".thumbnail"));
            Assert.False(File.Exists(url + ".thumbnail-mini"));
        }

        [Fact]
        public void Set_UidAnnotation_reports_bad_items_and_stores_the_good_ones_from_json_files()
        {
            using var ws = new Workspace(images: 2, seed: 5);
            var r1 = HostRunner.Run("$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + "\n" +
                "$null = Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + "\nGet-StickySeries | ForEach-Object { $_.Device + '|' + $_.DateTime.ToString('yyyy-MM-dd_HH-mm-ss') + '|' + $_.Md5 }");
            Assert.True(r1.ExitCode == 0, r1.ToString());
            var images = r1.Texts.Select(t => t.Split('|')).ToList();
            string Item(string device, string dt, string md5) =>
                "{\"annotations\": [{\"name\": \"insect\", \"value\": 1}], \"metadata\": {\"algo_name\": \"uid\", \"algo_version\": \"1598113346-ad2cd78dfaca12821046dfb8994724d5\", \"device\": \"" + device + "\", \"datetime\": \"" + dt + "\", \"md5\": \"" + md5 + "\"}}";
            var good = Path.Combine(ws.Root, "good.json");
            File.WriteAllText(good, Item(images[0][0], images[0][1], images[0][2]));
            var batch = Path.Combine(ws.Root, "batch.json");
            File.WriteAllText(batch, "[" + Item(images[1][0], images[1][1], images[1][2]) + ", " + Item(images[1][0], images[1][1], new string('0', 32)) + ", " + Item("deadbeef", "2021-01-01_00-00-00", new string('1', 32)) + "]");
            var broken = Path.Combine(ws.Root, "broken.json");
            File.WriteAllText(broken, "{\"annotations\": []}");

            var r = HostRunner.Run("$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + "\n" +
                "Set-UidAnnotation -Path " + HostRunner.Quote(Path.Combine(ws.Root, "*.json")) + "\n'stored ' + @(Get-UidAnnotation -Device * -StartTime 2019-01-01 -EndTime 2100-01-01).Count");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(2, r.OfType(Annotation).Count);
            Assert.Equal("stored 2", r.Texts.Last());
            var ids = r.Errors.Select(e => e.ErrorId()).OrderBy(x => x).ToArray();
            Assert.Equal(new[] { "InvalidAnnotation", "Md5Mismatch", "ParentImageNotFound" }, ids);
            Assert.Contains(r.Errors, e => e.Str("target") == broken);
        }

        [Fact]
        public void Default_table_views_format_the_output()
        {
            using var ws = new Workspace(images: 3, seed: 6);
            var r = HostRunner.Run("Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + " | Out-Default\nSend-StickyImage -Path " + HostRunner.Quote(ws.Images) + " | Out-Default\nGet-StickySeries | Out-Default", json: false);
            Assert.True(r.ExitCode == 0, r.ToString());
            var lines = r.HostLines;
            Assert.Contains(lines, l => l.Contains("Kind") && l.Contains("Location"));
            Assert.Contains(lines, l => l.StartsWith("Status") && l.Contains("File") && l.Contains("Reason"));
            Assert.Contains(lines, l => l.StartsWith("Device") && l.Contains("Md5") && l.Contains("Size"));
            Assert.Equal(3, lines.Count(l => l.StartsWith("Sent ")));
        }
    }
}
