using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Diagnostics;
using System.Threading;
using StickyPi.PowerShell.Tests.Support;
using static StickyPi.PowerShell.Tests.Support.HostResultExtensions;

namespace StickyPi.PowerShell.Tests
{
    /// <summary>Sync-MLBundle through the packaged module, with copies of a generated bundle (the shared fixture bundle's seven keys).</summary>
    public class MLBundleTests
    {
        private const string TransferResult = "StickyPi.Core.Sync.MlBundleTransferResult";
        private const string Bundle = "test-bundle";

        /// <summary>The bundle's seven keys (those of the shared fixture bundle).</summary>
        private static readonly IReadOnlyList<string> BundleKeys = StickyPi.SampleData.SampleMlBundle.FixtureKeys;

        private static string FixtureBundle => StandIns.MlBundle;

        private static string Md5(string path)
        {
            using (var md5 = System.Security.Cryptography.MD5.Create())
            using (var stream = File.OpenRead(path))
            {
                return string.Concat(md5.ComputeHash(stream).Select(b => b.ToString("x2")));
            }
        }

        private static string Connect(Workspace ws) => "$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + "\n";

        /// <summary>A writable copy of the generated bundle (optionally with a stand-in output/model_final.pth).</summary>
        private static string CopyBundle(Workspace ws, bool withModel = false)
        {
            var target = Path.Combine(ws.Root, "src", Bundle);
            foreach (var file in Directory.GetFiles(FixtureBundle, "*", SearchOption.AllDirectories))
            {
                var dest = Path.Combine(target, file.Substring(FixtureBundle.Length + 1));
                Directory.CreateDirectory(Path.GetDirectoryName(dest));
                File.Copy(file, dest, true);
                File.SetAttributes(dest, FileAttributes.Normal);
            }

            if (withModel)
            {
                var model = Path.Combine(target, "output", "model_final.pth");
                Directory.CreateDirectory(Path.GetDirectoryName(model));
                File.WriteAllText(model, "stand-in weights " + new string('w', 10000));
            }

            return target;
        }

        private static string StoredBundle(Workspace ws) => Path.Combine(ws.Store, "ml", Bundle);

        [Fact]
        public void Push_writes_one_object_per_uploaded_file_then_none()
        {
            using var ws = new Workspace();
            var src = CopyBundle(ws);
            var r = HostRunner.Run(Connect(ws) +
                "$first = @(Sync-MLBundle -Name " + Bundle + " -Path " + HostRunner.Quote(src) + " -Direction Push -What All)\n" +
                "$second = @(Sync-MLBundle " + Bundle + " " + HostRunner.Quote(src) + " -Direction Push)\n" +
                "$first\n'second ' + $second.Count");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Empty(r.Errors);
            var results = r.OfType(TransferResult);
            Assert.Equal(BundleKeys.OrderBy(k => k, StringComparer.Ordinal), results.Select(x => x.Str("Key")));
            foreach (var x in results)
            {
                Assert.Equal("Uploaded", x.Str("Status"));
                Assert.Equal("Push", x.Str("Direction"));
                Assert.Equal(Md5(Path.Combine(src, x.Str("Key"))), x.Str("Md5"));
                Assert.Equal(Path.Combine(src, x.Str("Key")), x.Str("Path"));
                Assert.Equal(new FileInfo(x.Str("Path")).Length.ToString(), x.Str("Size"));
                Assert.True(File.Exists(Path.Combine(StoredBundle(ws), x.Str("Key"))));
            }

            Assert.Equal("second 0", r.Texts.Last());
        }

        [Fact]
        public void WhatIf_lists_the_files_and_copies_nothing()
        {
            using var ws = new Workspace();
            var src = CopyBundle(ws);
            var r = HostRunner.Run(Connect(ws) + "Sync-MLBundle -Name " + Bundle + " -Path " + HostRunner.Quote(src) + " -Direction Push -WhatIf");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Empty(r.OfType(TransferResult));
            var whatIf = r.HostLines.Where(l => l.StartsWith("What if:", StringComparison.Ordinal)).ToList();
            Assert.Equal(7, whatIf.Count);
            foreach (var key in BundleKeys)
            {
                Assert.Single(whatIf, l => l.Contains(key));
            }

            Assert.False(Directory.Exists(StoredBundle(ws)) && Directory.EnumerateFiles(StoredBundle(ws), "*", SearchOption.AllDirectories).Any());
        }

        [Fact]
        public void Pull_into_a_folder_named_like_the_bundle_gives_appendix_A_counts()
        {
            using var ws = new Workspace();
            var src = CopyBundle(ws, withModel: true);
            var dst = Path.Combine(ws.Root, "fresh", Bundle);
            string Sync(string direction, string path, string what) =>
                "@(Sync-MLBundle -Name " + Bundle + " -Path " + HostRunner.Quote(path) + " -Direction " + direction + " -What " + what + ").Count";
            var r = HostRunner.Run(Connect(ws) +
                "$counts = @(" + Sync("Push", src, "All") + ", " + Sync("Push", src, "All") + ", " + Sync("Pull", dst, "Model") + ", " +
                Sync("Pull", dst, "Data") + ", " + Sync("Pull", dst, "All") + ")\n" +
                "'counts ' + ($counts -join ' ')\n" +
                "Sync-MLBundle -Name " + Bundle + " -Path " + HostRunner.Quote(Path.Combine(ws.Root, "wrong-name")) + " -Direction Pull");
            Assert.Equal("counts 8 0 3 5 0", r.Texts.Single(t => t.StartsWith("counts", StringComparison.Ordinal)));
            foreach (var key in BundleKeys.Append("output/model_final.pth"))
            {
                var a = Path.Combine(src, key);
                var b = Path.Combine(dst, key);
                Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
                Assert.Equal(File.GetLastWriteTimeUtc(a), File.GetLastWriteTimeUtc(b));
            }

            // The last command: the folder is not named like the bundle.
            Assert.Equal(1, r.ExitCode);
            Assert.Equal("MlBundleDirectoryNameMismatch", r.Terminating.Value.ErrorId());
            Assert.False(Directory.Exists(Path.Combine(ws.Root, "wrong-name")));
        }

        [Fact]
        public void Progress_is_written_from_the_pipeline_thread()
        {
            using var ws = new Workspace();
            var src = CopyBundle(ws);
            var r = HostRunner.Run(Connect(ws) + "$null = Sync-MLBundle -Name " + Bundle + " -Path " + HostRunner.Quote(src) + " -Direction Push");
            Assert.True(r.ExitCode == 0, r.ToString());
            var progress = r.Kind("progress").ToList();
            Assert.NotEmpty(progress);
            Assert.Equal("Completed", progress.Last().Str("recordType"));
            Assert.Contains(progress, p => p.Str("status").Contains("MiB"));
            Assert.Single(progress.Select(p => p.Str("threadId")).Distinct());
        }

        [Fact]
        public async System.Threading.Tasks.Task Ctrl_C_stops_a_pull_and_leaves_no_partial_file_under_a_final_name()
        {
            using var ws = new Workspace();
            var src = CopyBundle(ws);
            var first = HostRunner.Run(Connect(ws) + "$null = Sync-MLBundle -Name " + Bundle + " -Path " + HostRunner.Quote(src) + " -Direction Push");
            Assert.True(first.ExitCode == 0, first.ToString());

            // A large stored file, so the interruption lands in the middle of its download.
            var big = Path.Combine(StoredBundle(ws), "data", "big.db");
            var chunk = new byte[1 << 20];
            new Random(5).NextBytes(chunk);
            using (var fs = File.Create(big))
            {
                for (int i = 0; i < 400; i++)
                {
                    fs.Write(chunk, 0, chunk.Length);
                }
            }

            var dst = Path.Combine(ws.Root, "pulled", Bundle);
            var script = Connect(ws) + "Sync-MLBundle -Name " + Bundle + " -Path " + HostRunner.Quote(dst) + " -Direction Pull";
            using var process = HostRunner.Start(script, null, json: true, importModule: true, out var stdout, out var stderr);
            var clock = Stopwatch.StartNew();
            bool partial = false;
            while (!partial && clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                var folder = Path.Combine(dst, "data");
                partial = Directory.Exists(folder) && Directory.GetFiles(folder, ".big.db.*").Length > 0;
                if (!partial)
                {
                    Thread.Sleep(10);
                }
            }

            Assert.True(partial, "the download of big.db was not caught in progress");
            Process.Start("kill", new[] { "-INT", process.Id.ToString() }).WaitForExit();
            Assert.True(process.WaitForExit(15_000), "Ctrl+C did not stop the pull");
            var r = HostRunner.Parse(process.ExitCode, await stdout, await stderr);
            Assert.Equal(130, r.ExitCode);
            Assert.Contains(r.Records, x => x.Str("kind") == "stopped");

            Assert.False(File.Exists(Path.Combine(dst, "data", "big.db")));
            Assert.Empty(Directory.GetFiles(dst, ".*", SearchOption.AllDirectories));
            foreach (var key in BundleKeys)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(src, key)), File.ReadAllBytes(Path.Combine(dst, key)));
            }

            var rerun = HostRunner.Run(Connect(ws) + "Sync-MLBundle -Name " + Bundle + " -Path " + HostRunner.Quote(dst) + " -Direction Pull");
            Assert.True(rerun.ExitCode == 0, rerun.ToString());
            Assert.Equal("data/big.db", Assert.Single(rerun.OfType(TransferResult)).Str("Key"));
            Assert.Equal(new FileInfo(big).Length, new FileInfo(Path.Combine(dst, "data", "big.db")).Length);
        }

        [Theory]
        [InlineData("..")]
        [InlineData("../escape")]
        [InlineData("a/b")]
        [InlineData("C:")]
        public void A_bundle_name_that_could_escape_is_a_clear_terminating_error(string name)
        {
            using var ws = new Workspace();
            var src = CopyBundle(ws);
            var r = HostRunner.Run(Connect(ws) + "Sync-MLBundle -Name " + HostRunner.Quote(name) + " -Path " + HostRunner.Quote(src) + " -Direction Push");
            Assert.Equal(1, r.ExitCode);
            var error = r.Terminating.Value;
            Assert.Equal("InvalidMlBundleName", error.ErrorId());
            Assert.Equal("InvalidArgument", error.Str("category"));
            Assert.Contains("'" + name + "'", error.Str("message"));
            Assert.Empty(r.OfType(TransferResult));
            Assert.False(Directory.Exists(Path.Combine(ws.Store, "ml")));
            Assert.False(File.Exists(Path.Combine(ws.Root, "config", "config.yaml")));
        }
    }
}
