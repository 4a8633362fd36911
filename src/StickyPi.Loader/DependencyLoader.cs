using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace StickyPi.Loader
{
    /// <summary>
    /// Makes the module's own dependencies resolvable from its folder. PowerShell gives a binary module no deps.json,
    /// no binding redirects (5.1) and no native probing of the module folder, so this runs at import before any
    /// cmdlet touches StickyPi.Core.
    /// </summary>
    internal static class DependencyLoader
    {
        private static readonly object Gate = new object();
        private static ModuleLayout _layout;
        private static object _coreHook;
        private static ResolveEventHandler _frameworkHook;

        public static void Register(Assembly moduleAssembly)
        {
            lock (Gate)
            {
                if (_layout != null)
                {
                    return;
                }

                _layout = ModuleLayout.ForAssembly(moduleAssembly);
                if (ModuleLayout.IsCoreClr)
                {
                    _coreHook = CoreClr.Register(_layout);
                }
                else
                {
                    _frameworkHook = Framework.Register(_layout);
                }
            }
        }

        public static void Unregister()
        {
            lock (Gate)
            {
                if (_coreHook != null)
                {
                    CoreClr.Unregister(_coreHook);
                }

                if (_frameworkHook != null)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= _frameworkHook;
                }

                _coreHook = null;
                _frameworkHook = null;
                _layout = null;
            }
        }

        /// <summary>
        /// The module's own assemblies that its cmdlets call directly: the core, and the MariaDB and S3 providers
        /// (Connect-StickyApi -MariaDbServer). Everything they need is loaded beside them, in isolation.
        /// </summary>
        private static readonly string[] EntryPoints = { "StickyPi.Core", "StickyPi.Catalog.MariaDb", "StickyPi.Storage.S3" };

        /// <summary>PowerShell 7: route our entry points into the isolated context.</summary>
        private static class CoreClr
        {
            private sealed class Hook
            {
                public IsolatedLoadContext Context;
                public Func<AssemblyLoadContext, AssemblyName, Assembly> Handler;
            }

            public static object Register(ModuleLayout layout)
            {
                var context = new IsolatedLoadContext(layout);
                context.PreloadNativeLibraries();
                var hook = new Hook { Context = context };
                hook.Handler = (defaultContext, name) =>
                    Array.IndexOf(EntryPoints, name.Name) >= 0 ? context.LoadFromAssemblyName(name) : null;
                AssemblyLoadContext.Default.Resolving += hook.Handler;
                return hook;
            }

            public static void Unregister(object hook)
            {
                AssemblyLoadContext.Default.Resolving -= ((Hook)hook).Handler;
            }
        }

        /// <summary>Windows PowerShell 5.1: resolve from deps/ on demand and pin the natives by absolute path.</summary>
        private static class Framework
        {
            private const uint LoadWithAlteredSearchPath = 0x00000008;

            public static ResolveEventHandler Register(ModuleLayout layout)
            {
                foreach (var name in ModuleLayout.NativeLibraries)
                {
                    var path = layout.NativePath(name);
                    if (path == null || LoadLibraryEx(path, IntPtr.Zero, LoadWithAlteredSearchPath) == IntPtr.Zero)
                    {
                        throw new PlatformNotSupportedException(
                            $"StickyPi could not load its native '{name}' library for {layout.RuntimeIdentifier} from {layout.NativeDirectory}.");
                    }
                }

                ResolveEventHandler handler = (sender, args) =>
                {
                    var name = new AssemblyName(args.Name).Name;
                    var path = layout.ManagedPath(name);
                    return File.Exists(path) ? Assembly.LoadFrom(path) : null;
                };
                AppDomain.CurrentDomain.AssemblyResolve += handler;
                return handler;
            }

            [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
            private static extern IntPtr LoadLibraryEx(string fileName, IntPtr reserved, uint flags);
        }
    }
}
