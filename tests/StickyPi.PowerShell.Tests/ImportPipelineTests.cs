using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Tests.Support;
using StickyPi.SampleData;
using static StickyPi.PowerShell.Tests.Support.HostResultExtensions;

namespace StickyPi.PowerShell.Tests
{
    /// <summary>Real pipelines through the packaged module in a separate host process.</summary>
    public class ImportPipelineTests
    {
        /// <summary>What Get-ChildItem emits: FileInfo objects carrying a PSPath note property.</summary>
        private static string ChildItems(string folder) =>
            "$files = foreach ($p in [IO.Directory]::GetFiles(" + HostRunner.Quote(folder) + ", '*.jpg', 'AllDirectories')) {\n" +
            "  $o = [psobject]::AsPSObject([IO.FileInfo]::new($p))\n" +
            "  $o.psobject.Properties.Add([psnoteproperty]::new('PSPath', 'Microsoft.PowerShell.Core\\FileSystem::' + $p))\n" +
            "  $o\n}\n";

        private static string Connect(Workspace ws) => "$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + "\n";

        [Fact]
        public void Files_pipe_through_Send_Series_Set_and_Get_annotation()
        {
            using var ws = new Workspace(images: 12);
            var r = HostRunner.Run(Connect(ws) + ChildItems(ws.Images) + @"
$files | Send-StickyImage
Get-StickySeries -Device '*' | Set-UidAnnotation -AlgoName 'uid' -AlgoVersion '1598113346-ad2cd78dfaca12821046dfb8994724d5' -Annotation @(
    [ordered]@{ contour = @(@(,@(1, 2)), @(,@(3, 4))); name = 'insect'; value = 0 },
    [ordered]@{ contour = @(@(,@(5, 6))); name = 'insect'; value = 1 })
Get-StickySeries | Get-UidAnnotation -IncludeData
Get-StickySeries -WithAnnotation | ForEach-Object { 'joined ' + $_.Device + ' ' + $_.NObjects }
");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Empty(r.Errors);
            var results = r.OfType(ImportResult);
            Assert.Equal(12, results.Count);
            Assert.All(results, x => Assert.Equal("Sent", x.Str("Status")));
            Assert.Equal(ws.ImageFiles.OrderBy(f => f), results.Select(x => x.Str("Path")).OrderBy(f => f));

            var annotations = r.OfType(Annotation);
            Assert.Equal(24, annotations.Count); // 12 from Set-UidAnnotation, 12 from Get-UidAnnotation
            var read = annotations.Skip(12).ToList();
            Assert.All(read, a => Assert.Equal("2", a.Str("NObjects")));
            Assert.All(read, a => Assert.Contains("\"annotations\": [{\"contour\": [[[1, 2]], [[3, 4]]], \"name\": \"insect\", \"value\": 0}", a.Str("Json")));
            Assert.Equal(12, r.Texts.Count(t => t != null && t.StartsWith("joined ") && t.EndsWith(" 2")));
        }

        [Fact]
        public void Rerun_skips_every_file_from_the_cache_and_strings_and_folders_bind_to_Path()
        {
            using var ws = new Workspace(images: 8);
            var first = HostRunner.Run(Connect(ws) + "Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + " -Recurse");
            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Equal(8, first.OfType(ImportResult).Count(x => x.Str("Status") == "Sent"));

            var second = HostRunner.Run(Connect(ws) + "[IO.Directory]::GetFiles(" + HostRunner.Quote(ws.Images) + ") | Send-StickyImage -Verbose");
            Assert.True(second.ExitCode == 0, second.ToString());
            var results = second.OfType(ImportResult);
            Assert.Equal(8, results.Count);
            Assert.All(results, x => Assert.Equal("Skipped", x.Str("Status")));
            Assert.All(results, x => Assert.Equal("true", x.Str("FromCache")));
            Assert.Contains(second.Kind("verbose"), v => v.Str("message").Contains("0 files opened"));
        }

        [Fact]
        public void WhatIf_lists_the_files_it_would_send_and_stores_nothing()
        {
            using var ws = new Workspace(images: 5);
            var r = HostRunner.Run(Connect(ws) + "Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + " -WhatIf\n@(Get-StickySeries).Count");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Empty(r.OfType(ImportResult));
            Assert.Equal(5, r.HostLines.Count(l => l.StartsWith("What if:") && l.Contains(".jpg")));
            Assert.Equal("0", r.Texts.Last());
            Assert.False(Directory.Exists(Path.Combine(ws.Store, "raw_images")) && Directory.EnumerateFiles(Path.Combine(ws.Store, "raw_images"), "*", SearchOption.AllDirectories).Any());
        }

        private static Dictionary<string, string> AddBadFiles(Workspace ws)
        {
            var good = File.ReadAllBytes(ws.ImageFiles[0]);
            return new Dictionary<string, string>
            {
                [ws.WriteFile("not-a-sticky-name.jpg", good)] = "InvalidFileName",
                [ws.WriteFile("0a5bb6f4.2020-07-01_10-00-00.jpg", Array.Empty<byte>())] = "EmptyFile",
                [ws.WriteFile("0a5bb6f4.2020-07-01_10-20-00.jpg", good.Take(good.Length / 2).ToArray())] = "TruncatedJpeg",
                [ws.WriteFile("0a5bb6f4.2020-07-01_10-40-00.jpg", System.Text.Encoding.ASCII.GetBytes("this is not an image"))] = "NotAJpeg",
            };
        }

        [Fact]
        public void Per_file_errors_are_non_terminating_with_stable_ids_and_the_batch_goes_on()
        {
            using var ws = new Workspace(images: 6);
            var bad = AddBadFiles(ws);
            var r = HostRunner.Run(Connect(ws) + "Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + "\n@(Get-StickySeries).Count");
            Assert.True(r.ExitCode == 0, r.ToString());
            var results = r.OfType(ImportResult);
            Assert.Equal(10, results.Count);
            Assert.Equal(6, results.Count(x => x.Str("Status") == "Sent"));
            Assert.Equal("6", r.Texts.Last());
            Assert.Equal(4, r.Errors.Count);
            foreach (var (path, id) in bad)
            {
                var error = r.Errors.Single(e => e.Str("target") == path);
                Assert.Equal(id, error.ErrorId());
                Assert.EndsWith(",StickyPi.PowerShell.Cmdlets.SendStickyImageCommand", error.Str("errorId"));
                Assert.Contains(Path.GetFileName(path), error.Str("message"));
                Assert.Equal("InvalidData", error.Str("category"));
                Assert.Equal(id, results.Single(x => x.Str("Path") == path).Str("ErrorId"));
            }
        }

        [Fact]
        public void ErrorAction_Stop_stops_at_the_first_failure_and_MaxFailures_stops_early()
        {
            using var ws = new Workspace(images: 3);
            AddBadFiles(ws);
            var stop = HostRunner.Run(Connect(ws) + "Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + " -ErrorAction Stop -ThrottleLimit 1");
            Assert.Equal(1, stop.ExitCode);
            Assert.NotNull(stop.Terminating);
            Assert.Contains(stop.Terminating.Value.ErrorId(), new[] { "InvalidFileName", "EmptyFile", "TruncatedJpeg", "NotAJpeg" });
            Assert.Single(stop.OfType(ImportResult), x => x.Str("Status") == "Failed");

            var max = HostRunner.Run(Connect(ws) + "Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + " -MaxFailures 2 -ThrottleLimit 1");
            Assert.Equal(1, max.ExitCode);
            Assert.Equal("MaxFailuresReached", max.Terminating.Value.ErrorId());
            Assert.Equal(2, max.Errors.Count(e => e.ErrorId() != "MaxFailuresReached"));
        }

        [Fact]
        public void A_stored_image_with_different_content_is_a_conflict_never_silently_overwritten()
        {
            using var ws = new Workspace(images: 1);
            var original = ws.ImageFiles[0];
            var other = Path.Combine(ws.Root, "other");
            Directory.CreateDirectory(other);
            var changed = Path.Combine(other, Path.GetFileName(original));
            var key = StickyPi.Core.Parsing.ImageFileName.Parse(original);
            File.Copy(SampleImages.WriteImage(Path.Combine(ws.Root, "gen"), key.Device, key.DateTime, SampleFormat.Csv2022, 640, 480, seed: 999), changed);

            var r = HostRunner.Run(Connect(ws) +
                "Send-StickyImage -LiteralPath " + HostRunner.Quote(original) + "\n" +
                "Send-StickyImage -LiteralPath " + HostRunner.Quote(changed) + "\n" +
                "(Get-StickySeries).Md5\n" +
                "Send-StickyImage -LiteralPath " + HostRunner.Quote(changed) + " -OnConflict Skip\n" +
                "Send-StickyImage -LiteralPath " + HostRunner.Quote(changed) + " -OnConflict Replace\n" +
                "(Get-StickySeries).Md5\n");
            Assert.True(r.ExitCode == 0, r.ToString());
            var results = r.OfType(ImportResult);
            Assert.Equal(new[] { "Sent", "Failed", "Skipped", "Sent" }, results.Select(x => x.Str("Status")));
            Assert.Equal("Md5Conflict", Assert.Single(r.Errors).ErrorId());
            var md5Original = StickyPi.Core.Parsing.StickyImageParser.ComputeMd5(File.ReadAllBytes(original));
            var md5Changed = StickyPi.Core.Parsing.StickyImageParser.ComputeMd5(File.ReadAllBytes(changed));
            var md5s = r.Texts.Where(t => t != null && t.Length == 32).ToList();
            Assert.Equal(new[] { md5Original, md5Changed }, md5s);
            var stored = Path.Combine(ws.Store, "raw_images", key.Device, key.FileName);
            Assert.Equal(md5Changed, StickyPi.Core.Parsing.StickyImageParser.ComputeMd5(File.ReadAllBytes(stored)));
        }

        [Fact]
        public void Progress_is_written_from_the_pipeline_thread()
        {
            using var ws = new Workspace(images: 40);
            var r = HostRunner.Run(Connect(ws) + "$null = Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + " -ThrottleLimit 1");
            Assert.True(r.ExitCode == 0, r.ToString());
            var progress = r.Kind("progress").ToList();
            Assert.NotEmpty(progress);
            Assert.Equal("Completed", progress.Last().Str("recordType"));
            Assert.Single(progress.Select(p => p.Str("threadId")).Distinct());
        }

        [Fact]
        public async System.Threading.Tasks.Task Ctrl_C_stops_promptly_and_leaves_a_consistent_store_that_a_rerun_completes()
        {
            using var ws = new Workspace(images: 300, seed: 11);
            var script = Connect(ws) + "Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + " -ThrottleLimit 1";
            using var process = HostRunner.Start(script, null, json: true, importModule: true, out var stdout, out var stderr);
            var db = Path.Combine(ws.Store, "database.db");
            var clock = Stopwatch.StartNew();
            while (CountRows(db) < 5 && clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                Thread.Sleep(50);
            }

            Assert.False(process.HasExited, "the import finished before it could be interrupted");
            Process.Start("kill", new[] { "-INT", process.Id.ToString() }).WaitForExit();
            var stopClock = Stopwatch.StartNew();
            Assert.True(process.WaitForExit(15_000), "Ctrl+C did not stop the import");
            var r = HostRunner.Parse(process.ExitCode, await stdout, await stderr);
            Assert.Equal(130, r.ExitCode);
            Assert.Contains(r.Records, x => x.Str("kind") == "stopped");

            var stored = CountRows(db);
            Assert.InRange(stored, 5, 299);
            AssertConsistent(ws.Store);

            var rerun = HostRunner.Run(Connect(ws) + "Send-StickyImage -Path " + HostRunner.Quote(ws.Images));
            Assert.True(rerun.ExitCode == 0, rerun.ToString());
            Assert.Equal(300 - stored, rerun.OfType(ImportResult).Count(x => x.Str("Status") == "Sent"));
            Assert.Equal(300, CountRows(db));
            AssertConsistent(ws.Store);
        }

        /// <summary>
        /// Rows committed so far, read while the import writes: a plain read-only connection counting the table (the
        /// store's own open would take part in the writer's locking and, under load, keep answering busy until the
        /// import had finished).
        /// </summary>
        private static int CountRows(string db)
        {
            if (!File.Exists(db))
            {
                return 0;
            }

            try
            {
                var cs = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = db, Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 1 };
                using var connection = new Microsoft.Data.Sqlite.SqliteConnection(cs.ToString());
                connection.Open();
                using var count = connection.CreateCommand();
                count.CommandText = "SELECT COUNT(*) FROM images";
                return Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                return 0; // not created yet, or busy for a moment: the next poll reads it
            }
        }

        /// <summary>Every row has its three files, and the original has the md5 the row says.</summary>
        private static void AssertConsistent(string storeDir)
        {
            using var store = LocalStickyStore.Open(storeDir, createIfMissing: false);
            var rows = store.GetImageSeries(CallerIdentity.LocalAdministrator, new ImageSeriesQuery("%", DateTime.MinValue, DateTime.MaxValue), ImageFileKind.Image);
            foreach (var row in rows)
            {
                Assert.Equal(row.Md5, StickyPi.Core.Parsing.StickyImageParser.ComputeMd5(File.ReadAllBytes(row.Url)));
                Assert.True(File.Exists(row.Url + ".thumbnail"));
                Assert.True(File.Exists(row.Url + ".thumbnail-mini"));
            }
        }
    }
}
