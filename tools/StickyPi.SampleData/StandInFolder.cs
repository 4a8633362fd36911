using System;
using System.IO;

namespace StickyPi.SampleData
{
    /// <summary>
    /// Deterministic sample folders written once and reused: tests that stand in for the shared fixtures keep them beside
    /// their assembly (not in temp, so a killed test host leaves nothing there), each written under a temporary name
    /// and renamed whole, so a reader never sees a half-written folder and parallel test processes never clash.
    /// </summary>
    public static class StandInFolder
    {
        /// <summary>The folder for this build of the sample generator under <paramref name="baseDirectory"/> (a new build writes anew).</summary>
        public static string RootFor(string baseDirectory) => Path.Combine(baseDirectory, "standins",
            typeof(SampleImages).Assembly.ManifestModule.ModuleVersionId.ToString("N").Substring(0, 12));

        /// <summary>The folder <paramref name="name"/> under <paramref name="root"/>, written by <paramref name="write"/> unless a run already did.</summary>
        public static string Written(string root, string name, Action<string> write)
        {
            var final = Path.Combine(root, name);
            if (Directory.Exists(final))
            {
                return final;
            }

            var staging = Path.Combine(root, name + ".tmp-" + Guid.NewGuid().ToString("N"));
            try
            {
                write(staging);
                Directory.Move(staging, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                // Another test process wrote the same content first.
            }
            finally
            {
                if (Directory.Exists(staging))
                {
                    Directory.Delete(staging, true);
                }
            }

            return final;
        }
    }
}
