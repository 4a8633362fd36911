using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace StickyPi.Bench
{
    /// <summary>
    /// <c>dotnet run -c Release --project bench/StickyPi.Bench -- [--n 240] [--quick]</c>: see bench/RESULTS.md.
    /// </summary>
    internal static class Program
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
        private static string _workDir;
        private static Process _child;

        private static int Main(string[] args)
        {
            if (args.Length >= 2 && args[0] == "--child")
            {
                return Scenarios.RunChild(args[1], args.Skip(2).ToArray());
            }

            Options o;
            try
            {
                o = Options.Parse(args);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(Options.Usage);
                return 2;
            }

            if (o.Profile)
            {
                var dir = Path.Combine(Path.GetTempPath(), "stickypi-profile-" + Guid.NewGuid().ToString("N").Substring(0, 6));
                try
                {
                    var c = Corpus.Synthesize(Path.Combine(dir, "corpus"), Corpus.LoadFixtures(o.Fixtures), o.N, salt: 3);
                    Profile.Run(c.Directory, Path.Combine(dir, "store"), passes: 3);
                }
                finally
                {
                    Directory.Delete(dir, true);
                }

                return 0;
            }

            if (o.Help)
            {
                Console.WriteLine(Options.Usage);
                return 0;
            }

            _workDir = Path.Combine(o.WorkRoot ?? DefaultWorkRoot(), "stickypi-bench-" + Environment.ProcessId.ToString(Inv) + "-" + Guid.NewGuid().ToString("N").Substring(0, 6));
            Console.CancelKeyPress += (s, e) =>
            {
                e.Cancel = true;
                Console.Error.WriteLine("Interrupted: cleaning up " + _workDir);
                try
                {
                    _child?.Kill(true);
                }
                catch (Exception)
                {
                }

                Cleanup(o);
                Environment.Exit(130);
            };

            try
            {
                return Run(o);
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                Console.Error.WriteLine("Benchmark failed: " + e);
                return 1;
            }
            finally
            {
                Cleanup(o);
            }
        }

        /// <summary><c>bench/corpus/</c> of the repository (git-ignored) when found above the current folder, else the temp folder.</summary>
        private static string DefaultWorkRoot()
        {
            for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "StickyPi.PowerShell.sln")) && Directory.Exists(Path.Combine(dir.FullName, "bench")))
                {
                    return Path.Combine(dir.FullName, "bench", "corpus");
                }
            }

            return Path.GetTempPath();
        }

        private static void Cleanup(Options o)
        {
            if (o.Keep || _workDir == null || !Directory.Exists(_workDir))
            {
                return;
            }

            try
            {
                Directory.Delete(_workDir, true);
                Settling.RecordDeletion(Path.GetDirectoryName(_workDir));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Console.Error.WriteLine("Could not delete " + _workDir + ": " + e.Message);
            }
        }

        private static int Run(Options o)
        {
            var report = new Report(o);
            report.Machine = MachineInfo.Describe();
            report.LoadBefore = MachineInfo.LoadAverage();
            Log("Machine: " + report.Machine.Summary);
            Log("Work folder: " + _workDir);
            report.SettleWait = o.Settle ? Settling.WaitAfterLastDeletion(Path.GetDirectoryName(_workDir), o.SettleWindow, Log) : (TimeSpan?)null;
            Directory.CreateDirectory(_workDir);

            var fixtures = Corpus.LoadFixtures(o.Fixtures);
            Log($"Fixtures: {fixtures.Count(f => !f.Is2022)} × 5 MP, {fixtures.Count(f => f.Is2022)} × 12 MP from {o.Fixtures}");

            // --- main corpus: limit, first import, no-op re-run, in rounds (neighbouring in time, so the ratio is fair
            // on a machine shared with other work). Nothing is deleted until the end: on a journal-less ext4 (this VM)
            // creating files shortly after many were deleted costs the kernel an inode-bitmap scan per new file, which
            // would charge one phase's clean-up to the next phase's import.
            var corpus = Corpus.Synthesize(Path.Combine(_workDir, "corpus-" + o.N), fixtures, o.N, salt: 1);
            report.Corpus = corpus;
            Log($"Corpus: {corpus.Count} images ({corpus.Count5Mp} × 5 MP + {corpus.Count12Mp} × 12 MP), {corpus.Bytes / 1e6:F1} MB in {corpus.Seconds:F1} s");

            // Written files flushed to disk first (background write-back would otherwise slow the first phases), then
            // one untimed limit run to warm the page cache and the CPU.
            SyncFileSystems();
            Child("limit", corpus.Directory);

            for (int r = 0; r < o.Rounds; r++)
            {
                var round = new Round();
                round.Limit = Child("limit", corpus.Directory);
                Expect(round.Limit, corpus.Count, sent: corpus.Count);
                var store = Path.Combine(_workDir, "store-" + o.N + "-" + r);
                round.Import = Child("import", corpus.Directory, store);
                Expect(round.Import, corpus.Count, sent: corpus.Count);
                round.Noop = Child("noop", corpus.Directory, store);
                Expect(round.Noop, corpus.Count, skipped: corpus.Count, opened: 0);
                if (o.SkiaReference)
                {
                    // The reference: the same limit and import with SkiaSharp's own decoder, same round.
                    round.SkiaLimit = SkiaChild("limit", corpus.Directory);
                    Expect(round.SkiaLimit, corpus.Count, sent: corpus.Count);
                    round.SkiaImport = SkiaChild("import", corpus.Directory, store + "-skia");
                    Expect(round.SkiaImport, corpus.Count, sent: corpus.Count);
                }

                report.Rounds.Add(round);
                Log($"Round {r + 1}/{o.Rounds}: limit {Rate(round.Limit):F1} img/s, import {Rate(round.Import):F1} img/s ({Rate(round.Import) / Rate(round.Limit):P0}), no-op {round.Noop.Seconds:F3} s"
                    + (round.SkiaLimit == null ? string.Empty : $"; SkiaSharp decoder: limit {Rate(round.SkiaLimit):F1}, import {Rate(round.SkiaImport):F1} img/s"));
            }

            // --- large corpus: the same import at 10× the size, for peak RSS.
            if (o.Large > 0)
            {
                var large = Corpus.Synthesize(Path.Combine(_workDir, "corpus-" + o.Large), fixtures, o.Large, salt: 2);
                report.LargeCorpus = large;
                Log($"Large corpus: {large.Count} images, {large.Bytes / 1e6:F0} MB in {large.Seconds:F1} s");
                SyncFileSystems();
                var store = Path.Combine(_workDir, "store-" + o.Large);
                report.LargeLimit = Child("limit", large.Directory);
                Expect(report.LargeLimit, large.Count, sent: large.Count);
                report.LargeImport = Child("import", large.Directory, store);
                Expect(report.LargeImport, large.Count, sent: large.Count);
                Log($"Large import: {Rate(report.LargeImport):F1} img/s, peak RSS {report.LargeImport.PeakRssKb / 1024.0:F0} MB");
            }

            // --- many small files: the no-op re-run cost per file (stat + cache + store lookup).
            if (o.NoopFiles > 0)
            {
                var small = Corpus.SynthesizeSmall(Path.Combine(_workDir, "small-" + o.NoopFiles), o.NoopFiles, 320, 240);
                report.SmallCorpus = small;
                Log($"Small corpus: {small.Count} × 320×240 images, {small.Bytes / 1e6:F1} MB in {small.Seconds:F1} s");
                SyncFileSystems();
                var store = Path.Combine(_workDir, "store-small");
                report.SmallImport = Child("import", small.Directory, store);
                Expect(report.SmallImport, small.Count, sent: small.Count);
                report.SmallNoop = Child("noop", small.Directory, store);
                Expect(report.SmallNoop, small.Count, skipped: small.Count, opened: 0);
                Log($"{small.Count}-file no-op re-run: {report.SmallNoop.Seconds:F3} s in process, {report.SmallNoopProcessSeconds:F3} s as a process");
            }

            report.LoadAfter = MachineInfo.LoadAverage();
            var markdown = report.ToMarkdown();
            Console.WriteLine();
            Console.WriteLine(markdown);
            if (o.Output != null)
            {
                File.WriteAllText(o.Output, markdown);
                Log("Written to " + o.Output);
            }

            return report.Problems.Count == 0 ? 0 : 1;

            ScenarioResult SkiaChild(string mode, params string[] a)
            {
                SyncFileSystems();
                var (res, wall) = RunChild(mode, a, skiaDecoder: true);
                if (!res.Decoder.StartsWith("SkiaSharp", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("The SkiaSharp reference child decoded with " + res.Decoder);
                }

                res.ProcessSeconds = wall;
                return res;
            }

            ScenarioResult Child(string mode, params string[] a)
            {
                // Each timed phase starts with no dirty pages of an earlier one left to write back during it.
                SyncFileSystems();
                var (res, wall) = RunChild(mode, a);
                report.Decoders.Add(res.Decoder);
                if (mode == "noop" && a[0].Contains("small-", StringComparison.Ordinal))
                {
                    report.SmallNoopProcessSeconds = wall;
                }

                res.ProcessSeconds = wall;
                return res;
            }

            void Expect(ScenarioResult res, int files, int sent = -1, int skipped = -1, int opened = -1)
            {
                var problems = new List<string>();
                if (res.Files != files)
                {
                    problems.Add($"{res.Files} results for {files} files");
                }

                if (res.Failed > 0)
                {
                    problems.Add($"{res.Failed} failed (first: {res.FirstError})");
                }

                if (sent >= 0 && res.Sent != sent)
                {
                    problems.Add($"{res.Sent} sent, expected {sent}");
                }

                if (skipped >= 0 && res.Skipped != skipped)
                {
                    problems.Add($"{res.Skipped} skipped, expected {skipped}");
                }

                if (opened >= 0 && res.FilesOpened != opened)
                {
                    problems.Add($"{res.FilesOpened} files opened, expected {opened}");
                }

                foreach (var p in problems)
                {
                    report.Problems.Add(res.Mode + ": " + p);
                    Log("PROBLEM " + res.Mode + ": " + p);
                }
            }
        }

        private static (ScenarioResult result, double wallSeconds) RunChild(string mode, string[] args, bool skiaDecoder = false)
        {
            var psi = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
            if (skiaDecoder)
            {
                psi.Environment[StickyPi.Core.Parsing.TurboJpeg.DecoderVariable] = "skia";
            }

            var self = Environment.ProcessPath;
            if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                psi.FileName = self;
                psi.ArgumentList.Add(typeof(Program).Assembly.Location);
            }
            else
            {
                psi.FileName = self;
            }

            psi.ArgumentList.Add("--child");
            psi.ArgumentList.Add(mode);
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            var sw = Stopwatch.StartNew();
            using (var p = Process.Start(psi))
            {
                _child = p;
                var stdout = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                var wall = sw.Elapsed.TotalSeconds;
                _child = null;
                var result = Scenarios.Parse(stdout);
                if (p.ExitCode != 0 || result == null)
                {
                    throw new InvalidOperationException($"Child '{mode}' failed (exit {p.ExitCode}): {stdout}");
                }

                return (result, wall);
            }
        }

        /// <summary>sync(2): dirty pages written now rather than during a timed phase.</summary>
        internal static void SyncFileSystems()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                try
                {
                    NativeSync();
                }
                catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
                {
                }
            }
        }

        [DllImport("libc", EntryPoint = "sync")]
        private static extern void NativeSync();

        internal static double Rate(ScenarioResult r) => r.Seconds > 0 ? r.Files / r.Seconds : 0;

        internal static void Log(string message) => Console.Error.WriteLine("[bench " + DateTime.Now.ToString("HH:mm:ss", Inv) + "] " + message);
    }

    internal sealed class Options
    {
        public const string Usage =
            "Usage: StickyPi.Bench [--n 240] [--quick] [--rounds 5] [--large 2400] [--noop-files 10000]\n" +
            "                      [--fixtures DIR] [--work DIR] [--keep] [--output FILE]\n" +
            "  --n N           images in the main corpus (mix 175:65 of 5 MP 2020 : 12 MP 2022), default 240\n" +
            "  --quick         smoke run: --n 20 --rounds 1 --large 40 --noop-files 200\n" +
            "  --rounds R      limit / import / no-op rounds on the main corpus (medians reported), default 5\n" +
            "  --large N       images of the large-import scenario (peak RSS vs --n), default 10 × n; 0 skips\n" +
            "  --noop-files N  small generated files of the no-op re-run scenario, default 10000; 0 skips\n" +
            "  --fixtures DIR  fixture JPEGs, default " + Corpus.DefaultFixtures + "\n" +
            "  --work DIR      where the run's folder is made (default bench/corpus/ of the repository, else the temp\n" +
            "                  folder); the run's folder is deleted at the end unless --keep\n" +
            "  --output FILE   also write the Markdown report to FILE\n" +
            "  --no-skia-reference  skip the reference limit/import per round with STICKYPI_JPEG_DECODER=skia (run by\n" +
            "                  default: the parser's own decoder is TurboJPEG when libturbojpeg is installed)\n" +
            "  --no-settle     do not wait for the previous run's clean-up to settle (see Settling.cs; by default a run\n" +
            "                  started within 370 s of the last one's clean-up waits for the rest)\n" +
            "  --settle-seconds S  wait only until S s after the last clean-up (shorter runs; the report says so)\n" +
            "  --profile       instead: a one-thread CPU-time breakdown per stage (decode, resize, encode, store)\n" +
            "By hand (what the run starts in child processes, plus helpers; each prints one BENCH-RESULT line):\n" +
            "  --child limit CORPUS | import CORPUS STORE | noop CORPUS STORE | synth DIR N | synth-small DIR N\n" +
            "  --child samples DIR (assorted generated sizes) | thumbs DIR (md5 of every file's parse output)\n" +
            "  env STICKYPI_BENCH_TIMELINE=1 (RSS/GC every second), STICKYPI_BENCH_SMAPS=1 (RSS by mapping at the end)";

        public int N = 240;
        public int Rounds = 5;
        public int Large = -1;
        public int NoopFiles = 10000;
        public bool Quick;
        public bool Keep;
        public bool Help;
        public bool Profile;
        public bool SkiaReference = true;
        public bool Settle = true;
        public TimeSpan SettleWindow = Settling.Window;
        public string Fixtures = Environment.GetEnvironmentVariable("STICKYPI_FIXTURES") ?? Corpus.DefaultFixtures;
        public string WorkRoot;
        public string Output;
        public string CommandLine;

        public static Options Parse(string[] args)
        {
            var o = new Options { CommandLine = string.Join(" ", args) };
            bool nSet = false, roundsSet = false, noopSet = false;
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException(args[i] + " needs a value.");
                int NextInt(int min)
                {
                    var name = args[i];
                    if (!int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min)
                    {
                        throw new ArgumentException(name + " needs an integer ≥ " + min + ".");
                    }

                    return v;
                }

                switch (args[i])
                {
                    case "--n":
                        o.N = NextInt(4);
                        nSet = true;
                        break;
                    case "--quick":
                        o.Quick = true;
                        break;
                    case "--rounds":
                        o.Rounds = NextInt(1);
                        roundsSet = true;
                        break;
                    case "--large":
                        o.Large = NextInt(0);
                        break;
                    case "--noop-files":
                        o.NoopFiles = NextInt(0);
                        noopSet = true;
                        break;
                    case "--fixtures":
                        o.Fixtures = Next();
                        break;
                    case "--work":
                        o.WorkRoot = Path.GetFullPath(Next());
                        break;
                    case "--output":
                        o.Output = Path.GetFullPath(Next());
                        break;
                    case "--no-skia-reference":
                        o.SkiaReference = false;
                        break;
                    case "--settle-seconds":
                        o.SettleWindow = TimeSpan.FromSeconds(NextInt(0));
                        break;
                    case "--no-settle":
                        o.Settle = false;
                        break;
                    case "--profile":
                        o.Profile = true;
                        break;
                    case "--keep":
                        o.Keep = true;
                        break;
                    case "-h":
                    case "--help":
                        o.Help = true;
                        break;
                    default:
                        throw new ArgumentException("Unknown argument: " + args[i]);
                }
            }

            if (o.Quick)
            {
                o.N = nSet ? o.N : 20;
                o.Rounds = roundsSet ? o.Rounds : 1;
                o.NoopFiles = noopSet ? o.NoopFiles : 200;
            }

            if (o.Large < 0)
            {
                o.Large = o.Quick ? 2 * o.N : 10 * o.N;
            }

            return o;
        }
    }
}
