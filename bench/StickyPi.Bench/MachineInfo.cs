using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace StickyPi.Bench
{
    internal sealed class MachineInfo
    {
        public string Cpu;
        public int Cores;
        public double RamGiB;
        public string Os;
        public string Runtime;
        public string SkiaSharp;

        public string Summary => $"{Cpu}, {Cores} cores, {RamGiB:F1} GiB RAM, {Os}, {Runtime}";

        public static MachineInfo Describe()
        {
            var m = new MachineInfo
            {
                Cores = Environment.ProcessorCount,
                Os = RuntimeInformation.OSDescription,
                Runtime = RuntimeInformation.FrameworkDescription + " (" + RuntimeInformation.RuntimeIdentifier + ")",
                Cpu = "unknown",
            };
            try
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line != null)
                {
                    m.Cpu = line.Substring(line.IndexOf(':') + 1).Trim();
                }

                var pretty = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
                if (pretty != null)
                {
                    m.Os = pretty.Substring(12).Trim('"') + ", kernel " + Environment.OSVersion.Version;
                }

                var mem = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
                if (mem != null)
                {
                    m.RamGiB = long.Parse(mem.Substring(9).Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
                }
            }
            catch (IOException)
            {
            }

            m.SkiaSharp = typeof(SkiaSharp.SKCodec).Assembly.GetName().Version?.ToString();
            return m;
        }

        /// <summary>1-minute load average (other work on a shared machine skews figures).</summary>
        public static string LoadAverage()
        {
            try
            {
                return File.ReadAllText("/proc/loadavg").Split(' ')[0];
            }
            catch (IOException)
            {
                return "?";
            }
        }
    }
}
