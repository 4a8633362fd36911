using System;
using System.IO;
using System.Runtime.InteropServices;

namespace StickyPi.Loader
{
    /// <summary>Where the packaged module keeps its managed dependencies and native libraries (see build/Package.targets).</summary>
    internal sealed class ModuleLayout
    {
        /// <summary>Native libraries the core P/Invokes, by the base name their DllImport uses.</summary>
        internal static readonly string[] NativeLibraries = { "e_sqlite3", "libSkiaSharp" };

        private ModuleLayout(string moduleDirectory)
        {
            ModuleDirectory = moduleDirectory;
            DependencyDirectory = Path.Combine(moduleDirectory, "deps");
            RuntimeIdentifier = CurrentRuntimeIdentifier();
            NativeDirectory = Path.Combine(moduleDirectory, "runtimes", RuntimeIdentifier, "native");
        }

        public string ModuleDirectory { get; }

        public string DependencyDirectory { get; }

        public string RuntimeIdentifier { get; }

        public string NativeDirectory { get; }

        public static ModuleLayout ForAssembly(System.Reflection.Assembly moduleAssembly) =>
            new ModuleLayout(Path.GetDirectoryName(moduleAssembly.Location));

        /// <summary>True on PowerShell 7 (.NET), false on Windows PowerShell 5.1 (.NET Framework).</summary>
        public static bool IsCoreClr =>
            !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        public string ManagedPath(string simpleName) => Path.Combine(DependencyDirectory, simpleName + ".dll");

        /// <summary>Absolute path of a native library for this OS and architecture, or null when it is not shipped.</summary>
        public string NativePath(string baseName)
        {
            string bare = baseName.StartsWith("lib", StringComparison.Ordinal) ? baseName.Substring(3) : baseName;
            foreach (var candidate in new[] { bare, "lib" + bare })
            {
                foreach (var ext in new[] { ".dll", ".so", ".dylib" })
                {
                    var path = Path.Combine(NativeDirectory, candidate + ext);
                    if (File.Exists(path))
                    {
                        return path;
                    }
                }
            }

            return null;
        }

        /// <summary>Maps a DllImport name ("e_sqlite3", "libSkiaSharp.so", "libe_sqlite3"…) to one of ours, or null.</summary>
        public string ResolveNativeImport(string importName)
        {
            string name = Path.GetFileNameWithoutExtension(importName) ?? importName;
            if (importName.EndsWith(".so", StringComparison.Ordinal) || importName.EndsWith(".dylib", StringComparison.Ordinal) || importName.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                name = Path.GetFileNameWithoutExtension(importName);
            }
            else
            {
                name = importName;
            }

            string bare = name.StartsWith("lib", StringComparison.Ordinal) ? name.Substring(3) : name;
            foreach (var known in NativeLibraries)
            {
                string knownBare = known.StartsWith("lib", StringComparison.Ordinal) ? known.Substring(3) : known;
                if (string.Equals(bare, knownBare, StringComparison.Ordinal))
                {
                    return NativePath(known);
                }
            }

            return null;
        }

        private static string CurrentRuntimeIdentifier()
        {
            string os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
                : "linux";
            string arch;
            switch (RuntimeInformation.ProcessArchitecture)
            {
                case Architecture.X64: arch = "x64"; break;
                case Architecture.Arm64: arch = "arm64"; break;
                case Architecture.X86: arch = "x86"; break;
                case Architecture.Arm: arch = "arm"; break;
                default: arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(); break;
            }

            return os + "-" + arch;
        }
    }
}
