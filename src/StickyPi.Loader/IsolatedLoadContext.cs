using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace StickyPi.Loader
{
    /// <summary>
    /// PowerShell 7: our dependencies (StickyPi.Core, Microsoft.Data.Sqlite, SkiaSharp, …) load into this private
    /// context, so another module that ships a different version of the same library cannot clash with ours.
    /// Only referenced on CoreCLR: Windows PowerShell never JITs this type.
    /// </summary>
    internal sealed class IsolatedLoadContext : AssemblyLoadContext
    {
        private readonly ModuleLayout _layout;
        private readonly Dictionary<string, string> _platformAssemblies;

        public IsolatedLoadContext(ModuleLayout layout)
        {
            _layout = layout;
            _platformAssemblies = ReadPlatformAssemblies();
        }

        /// <summary>Loads the native libraries by absolute path now, so a missing platform fails at import with a clear message.</summary>
        public void PreloadNativeLibraries()
        {
            foreach (var name in ModuleLayout.NativeLibraries)
            {
                var path = _layout.NativePath(name);
                if (path == null)
                {
                    throw new PlatformNotSupportedException(
                        $"StickyPi has no native '{name}' library for {_layout.RuntimeIdentifier} (looked in {_layout.NativeDirectory}).");
                }

                LoadUnmanagedDllFromPath(path);
            }
        }

        protected override Assembly Load(AssemblyName assemblyName)
        {
            // The platform's copy wins when it is at least as new as what we were compiled against: a second copy of
            // System.Memory or System.Text.Json would split type identity with the framework.
            if (_platformAssemblies.TryGetValue(assemblyName.Name, out var platformPath) && IsAtLeast(platformPath, assemblyName.Version))
            {
                return null;
            }

            var ours = _layout.ManagedPath(assemblyName.Name);
            return File.Exists(ours) ? LoadFromAssemblyPath(ours) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            var path = _layout.ResolveNativeImport(unmanagedDllName);
            return path != null ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
        }

        private static bool IsAtLeast(string path, Version wanted)
        {
            if (wanted == null)
            {
                return true;
            }

            try
            {
                return AssemblyName.GetAssemblyName(path).Version >= wanted;
            }
            catch (Exception ex) when (ex is IOException || ex is BadImageFormatException || ex is UnauthorizedAccessException)
            {
                return false;
            }
        }

        private static Dictionary<string, string> ReadPlatformAssemblies()
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string;
            if (tpa != null)
            {
                foreach (var path in tpa.Split(Path.PathSeparator))
                {
                    if (path.Length > 0)
                    {
                        map[Path.GetFileNameWithoutExtension(path)] = path;
                    }
                }
            }

            return map;
        }
    }
}
