using System;
using System.IO;
using System.Linq;
using StickyPi.PowerShell.Tests.Support;
using static StickyPi.PowerShell.Tests.Support.HostResultExtensions;

namespace StickyPi.PowerShell.Tests
{
    /// <summary>Tuboid uploads, ITC labels and image reservations through the packaged module.</summary>
    public class TuboidsAndLabelsTests
    {
        private const string SeriesName = "08038ade.2020-07-08_20-00-00.2020-07-09_15-00-00.1606980656-91e2199fccf371d3d690b2856613e8f5";
        private const string UploadResult = "StickyPi.Core.Model.TuboidUploadResult";
        private const string Tuboid = "StickyPi.Core.Model.TiledTuboid";
        private const string LabelledTuboid = "StickyPi.Core.Model.LabelledTiledTuboid";
        private const string ItcLabel = "StickyPi.Core.Model.ItcLabel";
        private const string Series = "StickyPi.Core.Model.TuboidSeries";

        /// <summary>A generated stand-in of the shared fixture series: same names, six tuboids, same shot counts and times.</summary>
        private static string SeriesDir => Path.Combine(StandIns.TiledTuboids, SeriesName);

        private static string Connect(Workspace ws) => "$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + "\n";

        private static string Send(string path = null) =>
            "Send-StickyTuboid -Path " + HostRunner.Quote(path ?? SeriesDir) + " -AlgoName test -AlgoVersion 11111111-19191919 -ImageCount 10 -TuboidCount 6\n";

        [Fact]
        public void Series_directory_sends_six_tuboids_and_a_second_time_six_non_terminating_SeriesFull_errors()
        {
            using var ws = new Workspace();
            var r = HostRunner.Run(Connect(ws) + Send() +
                "Send-StickyTuboid -LiteralPath " + HostRunner.Quote(SeriesDir) + " -AlgoName test -AlgoVersion 11111111-19191919 -ImageCount 10 -TuboidCount 6\n" +
                "'still running'\n@(Get-StickyTuboid).Count");
            Assert.True(r.ExitCode == 0, r.ToString());
            var results = r.OfType(UploadResult);
            Assert.Equal(12, results.Count);
            Assert.All(results.Take(6), x => Assert.Equal("Sent", x.Str("Status")));
            Assert.Equal(new[] { "0000", "0028", "0029", "0030", "0031", "0034" }, results.Take(6).Select(x => x.Str("TuboidId").Substring(SeriesName.Length + 1)));
            Assert.All(results.Skip(6), x =>
            {
                Assert.Equal("Failed", x.Str("Status"));
                Assert.Equal("SeriesFull", x.Str("ErrorId"));
            });
            Assert.Equal(6, r.Errors.Count);
            Assert.All(r.Errors, e =>
            {
                Assert.Equal("SeriesFull", e.ErrorId());
                Assert.EndsWith(",StickyPi.PowerShell.Cmdlets.SendStickyTuboidCommand", e.Str("errorId"));
                Assert.Equal("LimitsExceeded", e.Str("category"));
                Assert.StartsWith(Path.Combine(SeriesDir, SeriesName + "."), e.Str("target"));
            });
            Assert.Equal(new[] { "still running", "6" }, r.Texts.Skip(12));
            Assert.Equal(18, Directory.GetFiles(Path.Combine(ws.Store, "tiled_tuboids", SeriesName), "*", SearchOption.AllDirectories).Length);
        }

        [Fact]
        public void Series_is_derived_from_directory_names_and_bad_directories_fail_alone()
        {
            using var ws = new Workspace();
            var src = Path.Combine(ws.Root, "tuboids", SeriesName);
            foreach (var dir in Directory.GetDirectories(SeriesDir))
            {
                var dst = Path.Combine(src, Path.GetFileName(dir));
                Directory.CreateDirectory(dst);
                foreach (var f in Directory.GetFiles(dir))
                {
                    File.Copy(f, Path.Combine(dst, Path.GetFileName(f)));
                }
            }

            var broken = Path.Combine(src, SeriesName + ".0029");
            File.Delete(Path.Combine(broken, "context.jpg"));
            var r = HostRunner.Run(Connect(ws) +
                // What Get-Item emits: a DirectoryInfo carrying a PSPath note property.
                "$dir = [psobject]::AsPSObject([IO.DirectoryInfo]::new(" + HostRunner.Quote(src) + "))\n" +
                "$dir.psobject.Properties.Add([psnoteproperty]::new('PSPath', 'Microsoft.PowerShell.Core\\FileSystem::' + $dir.FullName))\n" +
                "$dir | Send-StickyTuboid -AlgoName test -ImageCount 10 -TuboidCount 6\n" +
                "Get-StickyTuboid -Device '08038A*' -StartTime '2020-07-08 20:00:00' -EndTime '2020-07-09 15:00:00' -IncludeFile | ForEach-Object { 'v ' + $_.AlgoVersionSeries + ' ' + $_.StartDateTimeSeries.ToString('s') + ' ' + [IO.File]::Exists($_.ContextFile) }\n" +
                "@(Get-StickyTuboid -EndTime '2020-07-09 14:59:59').Count");
            Assert.True(r.ExitCode == 0, r.ToString());
            var results = r.OfType(UploadResult);
            Assert.Equal(6, results.Count);
            Assert.Equal(5, results.Count(x => x.Str("Status") == "Sent"));
            var error = Assert.Single(r.Errors);
            Assert.Equal("MissingTuboidFile", error.ErrorId());
            Assert.Equal("ObjectNotFound", error.Str("category"));
            Assert.Equal(broken, error.Str("target"));
            Assert.Contains("context.jpg", error.Str("message"));
            var lines = r.Texts.Where(t => t != null && t.StartsWith("v ")).ToList();
            Assert.Equal(5, lines.Count);
            Assert.All(lines, l => Assert.Equal("v 1606980656-91e2199fccf371d3d690b2856613e8f5 2020-07-08T20:00:00 True", l));
            Assert.Equal("0", r.Texts.Last());
        }

        [Fact]
        public void Tuboids_pipe_into_Set_ItcLabel_and_Get_ItcLabel_and_join_with_WithLabel()
        {
            using var ws = new Workspace();
            var r = HostRunner.Run(Connect(ws) + "$null = " + Send() + @"
Get-StickyTuboid | Where-Object { $_.IdInSeries -ge 30 } | Set-ItcLabel -AlgoName itc -AlgoVersion 1600000000-abc -Label 2 -Pattern '^Insecta.Diptera.*' -Type Insecta -Order Diptera
Set-ItcLabel -TuboidId 'no-such-tuboid' -AlgoName itc -AlgoVersion 1 -Label 1 -Pattern '.*' -Type Insecta
Get-StickyTuboid | Where-Object { $_.IdInSeries -eq 30 } | Set-ItcLabel -AlgoName itc -AlgoVersion 1600000000-abc -Label 5 -Pattern '.*' -Type Insecta
'labels ' + @(Get-StickyTuboid | Get-ItcLabel).Count
'unknown ' + @(Get-ItcLabel -TuboidId 'no-such-tuboid').Count
Get-StickyTuboid -WithLabel | ForEach-Object { 'row ' + $_.Id + ' ' + $_.IdInSeries + ' ' + $_.Label + ' ' + $_.Order }
");
            Assert.True(r.ExitCode == 0, r.ToString());
            var labels = r.OfType(ItcLabel);
            Assert.Equal(3, labels.Count); // stored: 0030, 0031, 0034
            Assert.All(labels, l => Assert.Equal("Diptera", l.Str("Order")));
            Assert.Equal(new[] { "TuboidNotFound", "DuplicateItcLabel" }, r.Errors.Select(e => e.ErrorId()));
            Assert.Equal("ObjectNotFound", r.Errors[0].Str("category"));
            Assert.Equal("no-such-tuboid", r.Errors[0].Str("target"));
            Assert.Equal("ResourceExists", r.Errors[1].Str("category"));
            Assert.Contains("labels 3", r.Texts);
            Assert.Contains("unknown 0", r.Texts);
            var rows = r.Texts.Where(t => t != null && t.StartsWith("row ")).ToList();
            Assert.Equal(6, rows.Count);
            Assert.All(rows, row => Assert.Matches(@"^row \d+ ", row)); // the tuboid id is kept (spec §8 #22)
            Assert.Equal(3, rows.Count(x => x.EndsWith(" 2 Diptera")));
            Assert.Equal(3, rows.Count(x => x.EndsWith("  ")));
        }

        [Fact]
        public void Images_to_annotate_pipe_into_Set_UidAnnotation_and_are_reserved()
        {
            using var ws = new Workspace(images: 11);
            var r = HostRunner.Run(Connect(ws) + "$null = Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + @"
Get-StickyImageToAnnotate -AlgoName uid -AlgoVersion 1598113346-ad2cd78dfaca12821046dfb8994724d5 -Device '*' -What Image |
    Set-UidAnnotation -AlgoName uid -AlgoVersion 1598113346-ad2cd78dfaca12821046dfb8994724d5 -Annotation @([ordered]@{ contour = @(@(,@(1, 2))); name = 'insect'; value = 0 })
'second ' + @(Get-StickyImageToAnnotate -AlgoName uid -AlgoVersion 1598113346-ad2cd78dfaca12821046dfb8994724d5).Count
'third ' + @(Get-StickyImageToAnnotate -AlgoName uid -AlgoVersion 1598113346-ad2cd78dfaca12821046dfb8994724d5).Count
");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Empty(r.Errors);
            Assert.Equal(8, r.OfType(Annotation).Count);
            Assert.Contains("second 3", r.Texts);
            Assert.Contains("third 0", r.Texts);
        }

        [Fact]
        public void WhatIf_sends_labels_and_removes_nothing()
        {
            using var ws = new Workspace();
            var r = HostRunner.Run(Connect(ws) + Send().Replace("\n", " -WhatIf\n") +
                "'count ' + @(Get-StickyTuboid).Count\n" + "$null = " + Send() + @"
Get-StickyTuboid | Set-ItcLabel -AlgoName itc -AlgoVersion 1 -Label 1 -Pattern '.*' -Type Insecta -WhatIf
Get-StickyTuboid | Remove-StickyTuboid -WhatIf
'labels ' + @(Get-StickyTuboid | Get-ItcLabel).Count
'after ' + @(Get-StickyTuboid).Count
");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Empty(r.Errors);
            Assert.Empty(r.OfType(UploadResult));
            Assert.Equal(6, r.HostLines.Count(l => l.StartsWith("What if:") && l.Contains("Send tuboid") && l.Contains(SeriesName + ".")));
            Assert.Equal(6, r.HostLines.Count(l => l.StartsWith("What if:") && l.Contains("Store ITC label")));
            Assert.Equal(1, r.HostLines.Count(l => l.StartsWith("What if:") && l.Contains("Remove the series")));
            Assert.Equal(new[] { "count 0", "labels 0", "after 6" }, r.Texts);
        }

        [Fact]
        public void Remove_StickyTuboid_deletes_the_piped_series_once_with_its_files()
        {
            using var ws = new Workspace();
            var r = HostRunner.Run(Connect(ws) + "$null = " + Send() + @"
$null = Get-StickyTuboid | Where-Object { $_.IdInSeries -eq 0 } | Set-ItcLabel -AlgoName itc -AlgoVersion 1 -Label 1 -Pattern '.*' -Type Insecta
Get-StickyTuboid | Remove-StickyTuboid -Confirm:$false -PassThru
'after ' + @(Get-StickyTuboid).Count
Remove-StickyTuboid -Device 08038ade -Confirm:$false
'done'
");
            Assert.True(r.ExitCode == 0, r.ToString());
            var series = Assert.Single(r.OfType(Series));
            Assert.Equal("08038ade", series.Str("Device"));
            Assert.Equal("6", series.Str("NTuboids"));
            Assert.Equal("10", series.Str("NImages"));
            Assert.Contains("after 0", r.Texts);
            var error = Assert.Single(r.Errors);
            Assert.Equal("TuboidSeriesNotFound", error.ErrorId());
            Assert.Equal("done", r.Texts.Last());
            Assert.Empty(Directory.GetFiles(Path.Combine(ws.Store, "tiled_tuboids"), "*", SearchOption.AllDirectories));
        }
    }
}
