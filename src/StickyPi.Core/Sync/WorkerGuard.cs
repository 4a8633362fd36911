using System;
using System.Threading;
using System.Threading.Tasks;
using StickyPi.Core.Model;

namespace StickyPi.Core.Sync
{
    /// <summary>
    /// The core's one rule for parallel work: <b>no exception escapes a worker thread or task</b>. An unhandled
    /// exception on a thread ends the whole process — for a module, the user's PowerShell session — so every piece of
    /// parallel code runs its items through <see cref="RunItem"/> (or maps their failures with <see cref="Unexpected"/>)
    /// and its loops through <see cref="RunLoop"/> or (task-based loops) <see cref="RunLoopAsync"/>:
    /// <list type="bullet">
    /// <item>an item that throws becomes a failed result for that item (a <see cref="StickyPiException"/>; anything
    /// else is wrapped as <c>UnexpectedError</c> with the item as target) and the rest of the batch goes on;</item>
    /// <item>a loop that throws outside any item means the pipeline itself is broken: the exception is handed to the
    /// owner, which stops and reports it once, as a terminating error, on the caller's thread.</item>
    /// </list>
    /// Cancellation (<see cref="OperationCanceledException"/>) is not an error and passes through to the loop.
    /// </summary>
    public static class WorkerGuard
    {
        /// <summary>The typed error an unexpected exception of one item becomes.</summary>
        public static StickyPiException Unexpected(Exception error, object target)
        {
            if (error is StickyPiException sticky)
            {
                return sticky;
            }

            return new StickyPiException(StickyErrorIds.UnexpectedError, StickyErrorKind.Internal,
                (target == null ? string.Empty : target + ": ") + "unexpected " + error.GetType().Name + ": " + error.Message
                + " (an internal error; the other items went on)", target, error);
        }

        /// <summary>
        /// Runs one item's <paramref name="work"/>. Returns null when it completed, else the failure (already typed),
        /// which the caller reports as that item's result. Only cancellation is rethrown.
        /// </summary>
        public static StickyPiException RunItem(object target, Action work)
        {
            if (work == null)
            {
                throw new ArgumentNullException(nameof(work));
            }

            try
            {
                work();
                return null;
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                return Unexpected(e, target);
            }
        }

        /// <summary>
        /// Runs a worker loop to its end; an exception that escapes it (cancellation aside) goes to
        /// <paramref name="onBroken"/> instead of up the thread. Then <paramref name="onExit"/> runs — after the break
        /// is recorded, so whoever waits for the loop's end (e.g. for its output to complete) sees the break too.
        /// A failing <paramref name="onBroken"/> or <paramref name="onExit"/> is swallowed: nothing leaves this method.
        /// </summary>
        public static void RunLoop(Action loop, Action<Exception> onBroken, Action onExit = null)
        {
            try
            {
                loop();
            }
            catch (OperationCanceledException)
            {
                // Cancelled: the owner asked for it.
            }
            catch (Exception e)
            {
                ReportBroken(onBroken, e);
            }
            finally
            {
                if (onExit != null)
                {
                    RunLoop(onExit, onBroken);
                }
            }
        }

        /// <summary>
        /// <see cref="RunLoop"/> for an asynchronous loop (a task-based pipeline, e.g. over channels): the returned task
        /// never faults — a break goes to <paramref name="onBroken"/>, then <paramref name="onExit"/> runs — so nothing
        /// is left for an unobserved-exception handler either.
        /// </summary>
        public static async Task RunLoopAsync(Func<Task> loop, Action<Exception> onBroken, Action onExit = null)
        {
            try
            {
                await loop().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Cancelled: the owner asked for it.
            }
            catch (Exception e)
            {
                ReportBroken(onBroken, e);
            }
            finally
            {
                if (onExit != null)
                {
                    RunLoop(onExit, onBroken);
                }
            }
        }

        /// <summary>Hands a loop's break to its owner; a failing report is swallowed, so the loop still ends quietly.</summary>
        private static void ReportBroken(Action<Exception> onBroken, Exception error)
        {
            try
            {
                onBroken?.Invoke(error);
            }
            catch (Exception)
            {
                // Nothing may leave a worker, not even a failed report.
            }
        }
    }
}
