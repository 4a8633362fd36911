using System;
using System.IO;
using System.Runtime.InteropServices;

namespace StickyPi.Core.Sync
{
    /// <summary>
    /// Where a path really leads, so that no read or write follows a symbolic link out of the folder it belongs to.
    /// Unix: the C library's <c>realpath</c> (every link of every component resolved). Windows (and wherever that is
    /// not available): links and junctions are never followed — <see cref="RealPath"/> returns null for them.
    /// </summary>
    public static class FileLinks
    {
        private static readonly bool UseRealPath = !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        private static readonly StringComparison PathComparison =
            Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        /// <summary>True for a symbolic link (or Windows reparse point), whatever it points to.</summary>
        public static bool IsLink(FileSystemInfo info) => info != null && (info.Attributes & FileAttributes.ReparsePoint) != 0;

        /// <summary>True for a symbolic link (or Windows reparse point) at <paramref name="path"/>.</summary>
        public static bool IsLink(string path)
        {
            try
            {
                return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
            {
                return false;
            }
        }

        /// <summary>
        /// The absolute path with every link resolved, or null when it leads nowhere (a dangling link, a loop, a
        /// missing path) or, on Windows, when <paramref name="path"/> itself is a link.
        /// </summary>
        public static string RealPath(string path)
        {
            if (string.IsNullOrEmpty(path))
            {
                return null;
            }

            if (!UseRealPath)
            {
                return IsLink(path) || (!File.Exists(path) && !Directory.Exists(path)) ? null : Path.GetFullPath(path);
            }

            IntPtr resolved = IntPtr.Zero;
            try
            {
                resolved = NativeMethods.realpath(path, IntPtr.Zero);
                return resolved == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(resolved);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return IsLink(path) ? null : Path.GetFullPath(path);
            }
            finally
            {
                if (resolved != IntPtr.Zero)
                {
                    NativeMethods.free(resolved);
                }
            }
        }

        /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (both already real paths).</summary>
        public static bool IsInside(string root, string path)
        {
            if (root == null || path == null)
            {
                return false;
            }

            string r = root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            return string.Equals(path, r, PathComparison)
                || (path.StartsWith(r, PathComparison) && path.Length > r.Length && (path[r.Length] == Path.DirectorySeparatorChar || path[r.Length] == Path.AltDirectorySeparatorChar))
                || r.Length == 0; // the file-system root holds everything
        }

        private static class NativeMethods
        {
            // "libc" is mapped by the runtime to the C library on Linux (and libc.dylib exists on macOS).
            [DllImport("libc", SetLastError = true)]
            public static extern IntPtr realpath([MarshalAs(UnmanagedType.LPStr)] string path, IntPtr resolved);

            [DllImport("libc")]
            public static extern void free(IntPtr pointer);
        }
    }
}
