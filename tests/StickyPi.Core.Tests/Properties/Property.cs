using System;
using CsCheck;
using Xunit.Abstractions;

namespace StickyPi.Core.Tests.Properties
{
    /// <summary>
    /// Runs a CsCheck generator twice: from a fixed seed (the same inputs on every run, so CI is reproducible) and
    /// from a random seed that is printed (new inputs each run). A failure names the seed of the failing input:
    /// <c>STICKYPI_PROPERTY_SEED=&lt;seed&gt; dotnet test --filter &lt;test&gt;</c> replays the random run exactly.
    /// </summary>
    internal static class Property
    {
        public const string FixedSeed = "0000000000V7";

        public static void Check<T>(ITestOutputHelper output, Gen<T> gen, Action<T> property, int iterations = 1000, Func<T, string> show = null)
        {
            Run(FixedSeed, "fixed", output, gen, property, iterations, show);
            string random = Environment.GetEnvironmentVariable("STICKYPI_PROPERTY_SEED");
            if (string.IsNullOrEmpty(random))
            {
                random = new PCG((uint)System.Random.Shared.Next(), (ulong)System.Random.Shared.NextInt64()).ToString();
            }

            Run(random, "random", output, gen, property, iterations, show);
        }

        private static void Run<T>(string seed, string kind, ITestOutputHelper output, Gen<T> gen, Action<T> property, int iterations, Func<T, string> show)
        {
            output?.WriteLine(kind + " seed " + seed + " (replay: STICKYPI_PROPERTY_SEED=" + seed + "), " + iterations + " inputs");
            Console.WriteLine("property " + kind + " seed " + seed);
            var pcg = PCG.Parse(seed);
            for (int i = 0; i < iterations; i++)
            {
                string at = pcg.ToString();
                T value = gen.Generate(pcg, null, out _);
                try
                {
                    property(value);
                }
                catch (Exception e)
                {
                    string shown;
                    try
                    {
                        shown = show != null ? show(value) : value?.ToString();
                    }
                    catch (Exception)
                    {
                        shown = "(unprintable)";
                    }

                    throw new Xunit.Sdk.XunitException("Property failed on input " + i + " of the " + kind + " run (seed " + seed
                        + ", input seed " + at + "): " + Truncate(shown) + Environment.NewLine + e);
                }
            }
        }

        private static string Truncate(string s) => s == null ? "null" : s.Length > 2000 ? s.Substring(0, 2000) + "…" : s;

        /// <summary>Escapes a string so control characters and non-ASCII are visible in a failure message.</summary>
        public static string Visible(string s)
        {
            if (s == null)
            {
                return "null";
            }

            var sb = new System.Text.StringBuilder();
            foreach (var c in s)
            {
                if (c < 0x20 || c > 0x7e)
                {
                    sb.Append("\\u").Append(((int)c).ToString("X4"));
                }
                else
                {
                    sb.Append(c);
                }
            }

            return sb.ToString();
        }
    }
}
