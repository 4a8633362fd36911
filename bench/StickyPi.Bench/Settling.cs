using System;
using System.Globalization;
using System.IO;
using System.Threading;

namespace StickyPi.Bench
{
    /// <summary>
    /// Keeps one run's clean-up from slowing the next run's imports. On an ext4 without a journal (this VM's disk)
    /// the kernel will not reuse an inode within 60 s of its deletion (300 s more while its inode-table block is
    /// still dirty: fs/ext4/ialloc.c, <c>recently_deleted</c>), and every file created meanwhile scans past all such
    /// inodes of its block group. A run started just after another deleted its ~4,000 files paid ~1 CPU ms per
    /// imported image in <c>__ext4_new_inode</c> (perf, 2026-11-24): the limit creates no files, so the ratio fell.
    /// The clean-up therefore flushes the deletions and leaves a marker; the next run in the same work root waits out
    /// the rest of the window before its first timed phase. The window is the long one: flushing does not help for
    /// long, because the next run's own new files dirty those inode-table blocks again (perf showed a run 3 minutes
    /// after a flushed clean-up still spending 0.12 ms per created file in <c>recently_deleted</c>).
    /// </summary>
    internal static class Settling
    {
        private const string MarkerName = ".last-cleanup-utc";

        /// <summary>The kernel's 60 + 300 s (RECENTCY_MIN + RECENTCY_DIRTY) and a margin for the clock's granularity.</summary>
        public static readonly TimeSpan Window = TimeSpan.FromSeconds(370);

        /// <summary>After deleting a run's folder under <paramref name="workRoot"/>: flush, then note the time.</summary>
        public static void RecordDeletion(string workRoot)
        {
            Program.SyncFileSystems();
            try
            {
                File.WriteAllText(Path.Combine(workRoot, MarkerName), DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // Only a courtesy to the next run.
            }
        }

        /// <summary>Waits until the last recorded clean-up under <paramref name="workRoot"/> is outside the window; returns the wait.</summary>
        public static TimeSpan WaitAfterLastDeletion(string workRoot, TimeSpan window, Action<string> log)
        {
            var marker = Path.Combine(workRoot, MarkerName);
            if (!File.Exists(marker)
                || !DateTime.TryParse(File.ReadAllText(marker).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var deleted))
            {
                return TimeSpan.Zero;
            }

            var left = deleted.ToUniversalTime() + window - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return TimeSpan.Zero;
            }

            log($"The previous run's clean-up was {(DateTime.UtcNow - deleted.ToUniversalTime()).TotalSeconds:F0} s ago: waiting {left.TotalSeconds:F0} s so its deleted inodes do not slow this run's file creation (--settle-seconds N shortens it, --no-settle skips it).");
            Thread.Sleep(left);
            return left;
        }
    }
}
