using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace StickyPi.Core.Parsing
{
    /// <summary>
    /// Loads an optional native library at run time and resolves its exports, for netstandard2.0 (which has no
    /// <c>System.Runtime.InteropServices.NativeLibrary</c>): <c>dlopen</c>/<c>dlsym</c> on Linux and macOS,
    /// <c>LoadLibraryW</c>/<c>GetProcAddress</c> on Windows. Every failure is reported as "not loaded", never thrown.
    /// </summary>
    internal static class NativeLibraryLoader
    {
        private const int RtldNow = 2;

        private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        private static readonly bool IsMac = RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

        // Which dl* entry points work here: glibc < 2.34 has them in libdl.so.2 only; newer glibc (and musl) in libc.
        private static int _dlFlavour = -1;

        /// <summary>
        /// Tries each candidate in order (absolute paths are checked for existence first; a bare file name goes to the
        /// system loader's own search). Returns the first library that loads, with the candidate that loaded it.
        /// </summary>
        public static bool TryLoad(IEnumerable<string> candidates, out IntPtr handle, out string loadedFrom)
        {
            foreach (var candidate in candidates)
            {
                if (string.IsNullOrEmpty(candidate))
                {
                    continue;
                }

                if (Path.IsPathRooted(candidate) && !File.Exists(candidate))
                {
                    continue;
                }

                handle = Load(candidate);
                if (handle != IntPtr.Zero)
                {
                    loadedFrom = candidate;
                    return true;
                }
            }

            handle = IntPtr.Zero;
            loadedFrom = null;
            return false;
        }

        /// <summary>The address of <paramref name="name"/> in the library, or zero.</summary>
        public static IntPtr GetExport(IntPtr library, string name)
        {
            try
            {
                if (IsWindows)
                {
                    return Kernel32.GetProcAddress(library, name);
                }

                switch (DlFlavour())
                {
                    case 0: return LibDl2.dlsym(library, name);
                    case 1: return LibC6.dlsym(library, name);
                    case 2: return LibC.dlsym(library, name);
                    case 3: return LibSystem.dlsym(library, name);
                    default: return IntPtr.Zero;
                }
            }
            catch (Exception e) when (IsInteropFailure(e))
            {
                return IntPtr.Zero;
            }
        }

        /// <summary>A delegate for the export <paramref name="name"/>, or null when the library has no such export.</summary>
        public static T GetFunction<T>(IntPtr library, string name)
            where T : class
        {
            var address = GetExport(library, name);
            return address == IntPtr.Zero ? null : Marshal.GetDelegateForFunctionPointer(address, typeof(T)) as T;
        }

        private static IntPtr Load(string path)
        {
            try
            {
                if (IsWindows)
                {
                    return Kernel32.LoadLibraryW(path);
                }

                switch (DlFlavour())
                {
                    case 0: return LibDl2.dlopen(path, RtldNow);
                    case 1: return LibC6.dlopen(path, RtldNow);
                    case 2: return LibC.dlopen(path, RtldNow);
                    case 3: return LibSystem.dlopen(path, RtldNow);
                    default: return IntPtr.Zero;
                }
            }
            catch (Exception e) when (IsInteropFailure(e))
            {
                return IntPtr.Zero;
            }
        }

        /// <summary>0 = libdl.so.2, 1 = libc.so.6, 2 = libc (musl and others), 3 = libSystem (macOS), 4 = none.</summary>
        private static int DlFlavour()
        {
            if (_dlFlavour >= 0)
            {
                return _dlFlavour;
            }

            var flavour = 4;
            if (IsMac)
            {
                flavour = Probe(() => LibSystem.dlerror()) ? 3 : 4;
            }
            else if (Probe(() => LibDl2.dlerror()))
            {
                flavour = 0;
            }
            else if (Probe(() => LibC6.dlerror()))
            {
                flavour = 1;
            }
            else if (Probe(() => LibC.dlerror()))
            {
                flavour = 2;
            }

            _dlFlavour = flavour;
            return flavour;
        }

        private static bool Probe(Func<IntPtr> call)
        {
            try
            {
                call();
                return true;
            }
            catch (Exception e) when (IsInteropFailure(e))
            {
                return false;
            }
        }

        private static bool IsInteropFailure(Exception e) =>
            e is DllNotFoundException || e is EntryPointNotFoundException || e is BadImageFormatException;

        private static class LibDl2
        {
            [DllImport("libdl.so.2")]
            public static extern IntPtr dlopen(string fileName, int flags);

            [DllImport("libdl.so.2")]
            public static extern IntPtr dlsym(IntPtr handle, string name);

            [DllImport("libdl.so.2")]
            public static extern IntPtr dlerror();
        }

        private static class LibC6
        {
            [DllImport("libc.so.6")]
            public static extern IntPtr dlopen(string fileName, int flags);

            [DllImport("libc.so.6")]
            public static extern IntPtr dlsym(IntPtr handle, string name);

            [DllImport("libc.so.6")]
            public static extern IntPtr dlerror();
        }

        private static class LibC
        {
            [DllImport("libc")]
            public static extern IntPtr dlopen(string fileName, int flags);

            [DllImport("libc")]
            public static extern IntPtr dlsym(IntPtr handle, string name);

            [DllImport("libc")]
            public static extern IntPtr dlerror();
        }

        private static class LibSystem
        {
            [DllImport("/usr/lib/libSystem.dylib")]
            public static extern IntPtr dlopen(string fileName, int flags);

            [DllImport("/usr/lib/libSystem.dylib")]
            public static extern IntPtr dlsym(IntPtr handle, string name);

            [DllImport("/usr/lib/libSystem.dylib")]
            public static extern IntPtr dlerror();
        }

        private static class Kernel32
        {
            [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
            public static extern IntPtr LoadLibraryW(string fileName);

            [DllImport("kernel32", CharSet = CharSet.Ansi, SetLastError = true, BestFitMapping = false)]
            public static extern IntPtr GetProcAddress(IntPtr module, string name);
        }
    }
}
