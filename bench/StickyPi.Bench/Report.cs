using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace StickyPi.Bench
{
    internal sealed class Round
    {
        public ScenarioResult Limit;
        public ScenarioResult Import;
        public ScenarioResult Noop;
        public ScenarioResult SkiaLimit;
        public ScenarioResult SkiaImport;
    }

    internal sealed class Report
    {
        private readonly Options _o;

        public Report(Options o)
        {
            _o = o;
        }

        public MachineInfo Machine;
        public string LoadBefore;
        public string LoadAfter;
        public TimeSpan? SettleWait;
        public CorpusInfo Corpus;
        public CorpusInfo LargeCorpus;
        public CorpusInfo SmallCorpus;
        public List<Round> Rounds = new List<Round>();
        public ScenarioResult LargeImport;
        public ScenarioResult LargeLimit;
        public ScenarioResult SmallImport;
        public ScenarioResult SmallNoop;
        public double SmallNoopProcessSeconds;
        public List<string> Problems = new List<string>();
        public HashSet<string> Decoders = new HashSet<string>();

        public string ToMarkdown()
        {
            var sb = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            string F(double v, int d) => v.ToString("F" + d.ToString(inv), inv);

            sb.AppendLine("### StickyPi.Bench " + DateTime.Now.ToString("yyyy-MM-dd HH:mm", inv) + (_o.Quick ? " (--quick smoke run)" : string.Empty));
            sb.AppendLine();
            sb.AppendLine("- Machine: " + Machine.Summary + "; SkiaSharp " + Machine.SkiaSharp);
            sb.AppendLine("- JPEG decoder of the parser (limit and import): " + string.Join("; ", Decoders.OrderBy(d => d, StringComparer.Ordinal)));
            sb.AppendLine("- Command: `dotnet run -c Release --project bench/StickyPi.Bench --" + (string.IsNullOrEmpty(_o.CommandLine) ? string.Empty : " " + _o.CommandLine) + "`");
            sb.AppendLine("- Corpus: " + Corpus.Count + " images (" + Corpus.Count5Mp + " × 5 MP 2020 + " + Corpus.Count12Mp + " × 12 MP 2022), " + F(Corpus.Bytes / 1e6, 1) + " MB, synced to disk, in the page cache (read by an untimed warm-up limit run)");
            sb.AppendLine("- 1-minute load average: " + LoadBefore + " before, " + LoadAfter + " after (the machine is shared; figures are medians of " + Rounds.Count + " round(s))");
            sb.AppendLine("- Disk state: every timed phase starts after sync(2); " + (SettleWait == null
                ? "no wait for a previous run's clean-up (--no-settle)"
                : SettleWait.Value > TimeSpan.Zero
                    ? "waited " + F(SettleWait.Value.TotalSeconds, 0) + " s for the previous run's deleted inodes to leave the kernel's reuse window (Settling.cs)"
                    : "no run's clean-up within the kernel's inode-reuse window (Settling.cs)")
                + (_o.Settle && _o.SettleWindow != Settling.Window ? "; window shortened to " + F(_o.SettleWindow.TotalSeconds, 0) + " s (--settle-seconds) instead of " + F(Settling.Window.TotalSeconds, 0) + " s" : string.Empty));
            var directIo = Environment.GetEnvironmentVariable("STICKYPI_DIRECT_IO");
            if (directIo != null)
            {
                sb.AppendLine("- STICKYPI_DIRECT_IO=" + directIo + " (O_DIRECT writes of originals " + (directIo == "0" ? "off" : "as by default") + ")");
            }
            if (_o.Quick)
            {
                sb.AppendLine("- Smoke run: far too small for the targets (per-process start-up costs dominate); use the default size for figures.");
            }

            sb.AppendLine();

            double limitRate = Median(Rounds.Select(r => Program.Rate(r.Limit)));
            double importRate = Median(Rounds.Select(r => Program.Rate(r.Import)));
            double ratio = Median(Rounds.Select(r => Program.Rate(r.Import) / Program.Rate(r.Limit)));
            double noopSeconds = Median(Rounds.Select(r => r.Noop.Seconds));
            long importRss = Rounds.Max(r => r.Import.PeakRssKb);

            sb.AppendLine("| Scenario (each in its own process) | Images | Wall s | img/s | × limit | CPU s | CPU ms/img | Peak RSS MB | RSS plateau MB | GC MB at peak |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Row("Limit: read + md5 + EXIF + scaled decode + 2 thumbnails, " + Machine.Cores + " threads, no store", Rounds.Select(r => r.Limit).ToList(), 1.0);
            Row("First import into a fresh store (ImageImporter defaults)", Rounds.Select(r => r.Import).ToList(), ratio);
            Row("No-op re-run (same files, same store)", Rounds.Select(r => r.Noop).ToList(), double.NaN);
            var skiaRounds = Rounds.Where(r => r.SkiaLimit != null).ToList();
            double skiaRatio = double.NaN;
            if (skiaRounds.Count > 0)
            {
                skiaRatio = Median(skiaRounds.Select(r => Program.Rate(r.SkiaImport) / Program.Rate(r.SkiaLimit)));
                Row("Reference, SkiaSharp decoder (STICKYPI_JPEG_DECODER=skia): limit", skiaRounds.Select(r => r.SkiaLimit).ToList(), 1.0);
                Row("Reference, SkiaSharp decoder: first import", skiaRounds.Select(r => r.SkiaImport).ToList(), skiaRatio);
            }

            if (LargeLimit != null)
            {
                Row("Limit, large corpus", new List<ScenarioResult> { LargeLimit }, 1.0);
            }

            if (LargeImport != null)
            {
                Row("First import, large corpus (" + LargeCorpus.Count5Mp + " × 5 MP + " + LargeCorpus.Count12Mp + " × 12 MP)", new List<ScenarioResult> { LargeImport }, double.NaN);
            }

            if (SmallImport != null)
            {
                Row("First import, " + SmallCorpus.Count + " small files (320×240, SampleData)", new List<ScenarioResult> { SmallImport }, double.NaN);
                Row("No-op re-run over " + SmallCorpus.Count + " imported files (fresh process, cache on disk)", new List<ScenarioResult> { SmallNoop }, double.NaN);
            }

            sb.AppendLine();
            sb.AppendLine("Rounds on the main corpus:");
            sb.AppendLine();
            sb.AppendLine("| Round | Limit img/s | Import img/s | Import / limit | No-op s | Import peak RSS MB | Skia limit img/s | Skia import img/s | Skia import / limit |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int i = 0; i < Rounds.Count; i++)
            {
                var r = Rounds[i];
                var skia = r.SkiaLimit == null ? "| | | |"
                    : $"| {F(Program.Rate(r.SkiaLimit), 1)} | {F(Program.Rate(r.SkiaImport), 1)} | {F(Program.Rate(r.SkiaImport) / Program.Rate(r.SkiaLimit), 3)} |";
                sb.AppendLine($"| {i + 1} | {F(Program.Rate(r.Limit), 1)} | {F(Program.Rate(r.Import), 1)} | {F(Program.Rate(r.Import) / Program.Rate(r.Limit), 3)} | {F(r.Noop.Seconds, 3)} | {F(r.Import.PeakRssKb / 1024.0, 0)} {skia}");
            }

            sb.AppendLine();
            sb.AppendLine("| Target | Measured | Result |");
            sb.AppendLine("|---|---|---|");
            Target("First import ≥ 120 img/s", F(importRate, 1) + " img/s", importRate >= 120);
            Target("First import ≥ 0.85 × limit (same run)", F(ratio, 3) + " (median of the per-round ratios; medians of the rates: " + F(importRate, 1) + " / " + F(limitRate, 1) + ")", ratio >= 0.85);
            if (SmallNoop != null)
            {
                Target("No-op re-run over " + SmallCorpus.Count + " imported files ≤ 1 s", F(SmallNoop.Seconds, 3) + " s in process (store + cache open included); " + F(SmallNoopProcessSeconds, 3) + " s as a whole process", SmallNoop.Seconds <= 1.0);
            }

            Target("Peak RSS ≤ 300 MB (" + Corpus.Count + " images)", F(importRss / 1024.0, 0) + " MB", importRss <= 300 * 1024);
            if (LargeImport != null)
            {
                var largeMb = LargeImport.PeakRssKb / 1024.0;
                double smallMb = importRss / 1024.0;
                Target("Peak RSS ≤ 300 MB (" + LargeCorpus.Count + " images)", F(largeMb, 0) + " MB", LargeImport.PeakRssKb <= 300 * 1024);
                double q2 = LargeImport.SecondQuarterRssKb / 1024.0, h2 = LargeImport.PlateauRssKb / 1024.0;
                Target("RSS the same for " + LargeCorpus.Count + " images as for " + Corpus.Count + ": no growth over the " + LargeCorpus.Count +
                    "-image run (median RSS of its 2nd half ≤ 1.05 × its 2nd quarter) and peak ≤ 1.3 × the " + Corpus.Count + "-image peak",
                    "2nd quarter " + F(q2, 0) + " MB, 2nd half " + F(h2, 0) + " MB (" + F(h2 / q2, 2) + " ×); peak " + F(largeMb, 0) + " vs " + F(smallMb, 0) + " MB (" + F(largeMb / smallMb, 2) + " ×)",
                    h2 <= 1.05 * q2 && largeMb <= 1.3 * smallMb);
            }

            if (LargeLimit != null)
            {
                sb.AppendLine();
                sb.AppendLine("At " + LargeCorpus.Count + " images (fixed per-process costs amortised): import " + F(Program.Rate(LargeImport), 1) + " img/s, limit " +
                    F(Program.Rate(LargeLimit), 1) + " img/s, ratio " + F(Program.Rate(LargeImport) / Program.Rate(LargeLimit), 3) + ".");
            }

            if (Problems.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("Problems:");
                foreach (var p in Problems)
                {
                    sb.AppendLine("- " + p);
                }
            }

            return sb.ToString();

            void Row(string name, List<ScenarioResult> rs, double vsLimit)
            {
                double wall = Median(rs.Select(r => r.Seconds));
                double rate = Median(rs.Select(Program.Rate));
                double cpu = Median(rs.Select(r => r.CpuSeconds));
                int files = rs[0].Files;
                var peak = rs.OrderByDescending(r => r.PeakRssKb).First();
                double plateau = Median(rs.Select(r => (double)r.PlateauRssKb));
                sb.AppendLine($"| {name} | {files} | {F(wall, 3)} | {F(rate, 1)} | {(double.IsNaN(vsLimit) ? "" : F(vsLimit, 3))} | {F(cpu, 2)} | {F(1000 * cpu / Math.Max(1, files), 2)} | {F(peak.PeakRssKb / 1024.0, 0)} | {F(plateau / 1024.0, 0)} | {F(peak.GcCommittedAtPeakKb / 1024.0, 0)} |");
            }

            void Target(string name, string measured, bool pass) =>
                sb.AppendLine($"| {name} | {measured} | {(pass ? "PASS" : "FAIL")} |");
        }

        private static double Median(IEnumerable<double> values)
        {
            var v = values.OrderBy(x => x).ToArray();
            if (v.Length == 0)
            {
                return double.NaN;
            }

            return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
        }
    }
}
