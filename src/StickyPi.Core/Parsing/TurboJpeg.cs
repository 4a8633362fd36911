using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace StickyPi.Core.Parsing
{
    /// <summary>
    /// Optional accelerated JPEG decoding through the TurboJPEG C API of the system's libjpeg-turbo (built with SIMD by
    /// the distributions, unlike the copy inside SkiaSharp's native library). Loaded at run time when present:
    /// Linux <c>libturbojpeg.so.0</c> (Debian/Ubuntu <c>libturbojpeg0</c>, Fedora <c>turbojpeg</c>), macOS
    /// <c>libturbojpeg.0.dylib</c> (Homebrew <c>jpeg-turbo</c>), Windows <c>turbojpeg.dll</c> (libjpeg-turbo installer,
    /// on <c>PATH</c>). When absent, or when the environment variable <c>STICKYPI_JPEG_DECODER</c> is <c>skia</c>,
    /// images are decoded by SkiaSharp as before. <c>STICKYPI_TURBOJPEG_LIBRARY</c> may name the library file to use, or be
    /// <c>none</c> to load no library at all (as if it were not installed: how the tests check a machine without it).
    /// </summary>
    public static class TurboJpeg
    {
        /// <summary>Environment variable; <c>skia</c> forces the SkiaSharp decoder (read once per process).</summary>
        public const string DecoderVariable = "STICKYPI_JPEG_DECODER";

        /// <summary>Environment variable; a path to the TurboJPEG library, tried before the usual locations; <c>none</c>: load none.</summary>
        public const string LibraryVariable = "STICKYPI_TURBOJPEG_LIBRARY";

        // TurboJPEG constants (turbojpeg.h, stable since libjpeg-turbo 1.2; the ...2/3 functions since 2.0).
        internal const int PixelFormatRgba = 7; // TJPF_RGBA: like RGBX, but the 4th byte is guaranteed 0xFF
        internal const int PixelFormatBgra = 8; // TJPF_BGRA
        internal const int FlagStopOnWarning = 8192; // TJFLAG_STOPONWARNING: a warning (e.g. premature end of data) fails
        internal const int FlagAccurateDct = 4096; // TJFLAG_ACCURATEDCT: the islow DCT libjpeg (and SkiaSharp) use by default
        internal const int Subsampling420 = 2; // TJSAMP_420
        internal const int ErrorWarning = 0; // TJERR_WARNING

        private static readonly Lazy<Library> Loaded = new Lazy<Library>(Library.Load);

        [ThreadStatic]
        private static TjHandle _handle;

        [ThreadStatic]
        private static TjHandle _compressor;

        /// <summary>True when the TurboJPEG library was found and loaded, and not disabled by <see cref="DecoderVariable"/>.</summary>
        public static bool IsAvailable => !DisabledByEnvironment && Loaded.Value.Functions != null;

        /// <summary>Where the library was loaded from (and its version as far as known), or why it is not used.</summary>
        public static string Description
        {
            get
            {
                var lib = Loaded.Value;
                if (lib.Functions == null)
                {
                    return "TurboJPEG not available (" + lib.Problem + "); JPEG decoding uses SkiaSharp";
                }

                return DisabledByEnvironment
                    ? "TurboJPEG " + lib.Description + " found but disabled by " + DecoderVariable + "=skia; JPEG decoding uses SkiaSharp"
                    : "TurboJPEG " + lib.Description;
            }
        }

        /// <summary>True when the loaded library also has the compression functions (always, in practice).</summary>
        internal static bool CanCompress => Loaded.Value.Functions?.CanCompress == true;

        /// <summary>True when the library loaded, whatever <see cref="DecoderVariable"/> says (for tests).</summary>
        internal static bool IsLoaded => Loaded.Value.Functions != null;

        /// <summary>True when <see cref="LibraryVariable"/> is <c>none</c>: no library is loaded, as if none were installed.</summary>
        internal static bool HiddenByEnvironment =>
            string.Equals((Environment.GetEnvironmentVariable(LibraryVariable) ?? string.Empty).Trim(), "none", StringComparison.OrdinalIgnoreCase);

        internal static bool DisabledByEnvironment { get; } =
            string.Equals((Environment.GetEnvironmentVariable(DecoderVariable) ?? string.Empty).Trim(), "skia", StringComparison.OrdinalIgnoreCase);

        /// <summary>The TurboJPEG pixel format with the byte order of <paramref name="colorType"/>, or -1.</summary>
        internal static int PixelFormatOf(SKColorType colorType)
        {
            switch (colorType)
            {
                case SKColorType.Bgra8888: return PixelFormatBgra;
                case SKColorType.Rgba8888: return PixelFormatRgba;
                default: return -1;
            }
        }

        /// <summary>libjpeg's scaled size for a factor of <paramref name="eighths"/>/8 (TJSCALED, jdiv_round_up).</summary>
        internal static int Scaled(int dimension, int eighths) => (int)(((long)dimension * eighths + 7) / 8);

        /// <summary>Reads the frame header: full width and height. False with TurboJPEG's message on failure.</summary>
        internal static bool TryReadHeader(IntPtr jpeg, int length, out int width, out int height, out string error)
        {
            var f = Loaded.Value.Functions;
            var handle = Handle(f);
            if (f.DecompressHeader3(handle, jpeg, new UIntPtr((uint)length), out width, out height, out _, out _) == 0)
            {
                error = null;
                return true;
            }

            error = ErrorOf(f, handle, out _);
            Discard(ref _handle);
            return false;
        }

        /// <summary>
        /// Decodes the whole image into <paramref name="pixels"/> (<paramref name="height"/> rows of
        /// <paramref name="pitch"/> bytes), scaled by the DCT to exactly <paramref name="width"/> × <paramref name="height"/>,
        /// which must be a scaled size of the image (see <see cref="Scaled"/>). Any warning (truncated data, corrupt
        /// entropy data) fails the call. False with TurboJPEG's message on failure.
        /// </summary>
        internal static bool TryDecompress(IntPtr jpeg, int length, IntPtr pixels, int width, int pitch, int height, int pixelFormat, out string error, out bool warningOnly)
        {
            var f = Loaded.Value.Functions;
            var handle = Handle(f);
            if (f.Decompress2(handle, jpeg, new UIntPtr((uint)length), pixels, width, pitch, height, pixelFormat, FlagStopOnWarning) == 0)
            {
                error = null;
                warningOnly = false;
                return true;
            }

            error = ErrorOf(f, handle, out warningOnly);
            Discard(ref _handle);
            return false;
        }

        /// <summary>
        /// Encodes <paramref name="height"/> rows of <paramref name="pitch"/> bytes as a baseline JPEG, 4:2:0, at
        /// <paramref name="quality"/>, with the accurate (islow) forward DCT like SkiaSharp's encoder; Huffman tables
        /// are the standard ones (SkiaSharp optimises them: its files are a few percent smaller, the pixels the same).
        /// Null with TurboJPEG's message on failure.
        /// </summary>
        internal static byte[] Compress(IntPtr pixels, int width, int pitch, int height, int pixelFormat, int quality, out string error)
        {
            var f = Loaded.Value.Functions;
            var handle = Compressor(f);
            var jpeg = IntPtr.Zero;
            var size = UIntPtr.Zero; // 64 bits, zero: on Windows the library writes the low 32 (little-endian)
            try
            {
                if (f.Compress2(handle, pixels, width, pitch, height, pixelFormat, ref jpeg, ref size, Subsampling420, quality, FlagAccurateDct) != 0 || jpeg == IntPtr.Zero)
                {
                    error = ErrorOf(f, handle, out _);
                    Discard(ref _compressor);
                    return null;
                }

                var length = checked((int)size.ToUInt64());
                var result = new byte[length];
                Marshal.Copy(jpeg, result, 0, length);
                error = null;
                return result;
            }
            finally
            {
                if (jpeg != IntPtr.Zero)
                {
                    f.Free(jpeg);
                }
            }
        }

        private static string ErrorOf(Functions f, IntPtr handle, out bool warningOnly)
        {
            warningOnly = f.GetErrorCode(handle) == ErrorWarning;
            var message = Marshal.PtrToStringAnsi(f.GetErrorStr2(handle));
            return string.IsNullOrEmpty(message) ? "unknown TurboJPEG error" : message.Trim();
        }

        /// <summary>This thread's decompressor (TurboJPEG handles are not thread-safe); destroyed after the thread ends.</summary>
        private static IntPtr Handle(Functions f)
        {
            var h = _handle;
            if (h == null)
            {
                var raw = f.InitDecompress();
                if (raw == IntPtr.Zero)
                {
                    throw new OutOfMemoryException("TurboJPEG could not create a decompressor (tjInitDecompress failed).");
                }

                h = _handle = new TjHandle(f, raw);
            }

            return h.Value;
        }

        /// <summary>This thread's compressor.</summary>
        private static IntPtr Compressor(Functions f)
        {
            var h = _compressor;
            if (h == null)
            {
                var raw = f.InitCompress();
                if (raw == IntPtr.Zero)
                {
                    throw new OutOfMemoryException("TurboJPEG could not create a compressor (tjInitCompress failed).");
                }

                h = _compressor = new TjHandle(f, raw);
            }

            return h.Value;
        }

        /// <summary>
        /// Destroys this thread's handle after a failure; the next call makes a new one. libjpeg-turbo does not always
        /// reset a handle after an error: after a corrupt file and then a frame of 0 × 0 pixels, every later header on
        /// that handle failed ("Bogus marker length"), which sent all of that thread's later images to SkiaSharp.
        /// </summary>
        private static void Discard(ref TjHandle handle)
        {
            var h = handle;
            handle = null;
            h?.Dispose();
        }

        private sealed class TjHandle : IDisposable
        {
            private readonly Functions _f;
            private bool _destroyed;

            public TjHandle(Functions f, IntPtr value)
            {
                _f = f;
                Value = value;
            }

            ~TjHandle()
            {
                Destroy();
            }

            public IntPtr Value { get; }

            public void Dispose()
            {
                Destroy();
                GC.SuppressFinalize(this);
            }

            private void Destroy()
            {
                if (!_destroyed)
                {
                    _destroyed = true;
                    _f.Destroy(Value);
                }
            }
        }

        // The delegates of the C API. `unsigned long` is UIntPtr: its size on LP64 (Linux, macOS) and ILP32; on 64-bit
        // Windows (32-bit `unsigned long`) a by-value argument takes a whole 8-byte slot/register whose low half the
        // callee reads, so the same declaration works (JPEG sizes here are < 2 GB).
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr InitDecompressFn();

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int DecompressHeader3Fn(IntPtr handle, IntPtr jpegBuf, UIntPtr jpegSize, out int width, out int height, out int subsamp, out int colorspace);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int Decompress2Fn(IntPtr handle, IntPtr jpegBuf, UIntPtr jpegSize, IntPtr dstBuf, int width, int pitch, int height, int pixelFormat, int flags);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr GetErrorStr2Fn(IntPtr handle);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int GetErrorCodeFn(IntPtr handle);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int DestroyFn(IntPtr handle);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr InitCompressFn();

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int Compress2Fn(IntPtr handle, IntPtr srcBuf, int width, int pitch, int height, int pixelFormat, ref IntPtr jpegBuf, ref UIntPtr jpegSize, int jpegSubsamp, int jpegQual, int flags);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void FreeFn(IntPtr buffer);

        private sealed class Functions
        {
            public InitDecompressFn InitDecompress;
            public DecompressHeader3Fn DecompressHeader3;
            public Decompress2Fn Decompress2;
            public GetErrorStr2Fn GetErrorStr2;
            public GetErrorCodeFn GetErrorCode;
            public DestroyFn Destroy;
            public InitCompressFn InitCompress;
            public Compress2Fn Compress2;
            public FreeFn Free;

            public bool CanCompress => InitCompress != null && Compress2 != null && Free != null;

            public bool Complete => InitDecompress != null && DecompressHeader3 != null && Decompress2 != null
                && GetErrorStr2 != null && GetErrorCode != null && Destroy != null;
        }

        private sealed class Library
        {
            public Functions Functions;
            public string Description;
            public string Problem;

            public static Library Load()
            {
                try
                {
                    return LoadCore();
                }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    return new Library { Problem = "loading failed: " + e.Message };
                }
            }

            private static Library LoadCore()
            {
                if (HiddenByEnvironment)
                {
                    return new Library { Problem = LibraryVariable + "=none" };
                }

                if (!NativeLibraryLoader.TryLoad(Candidates(), out var lib, out var from))
                {
                    return new Library { Problem = "no " + LibraryFileName() + " found" };
                }

                var f = new Functions
                {
                    InitDecompress = NativeLibraryLoader.GetFunction<InitDecompressFn>(lib, "tjInitDecompress"),
                    DecompressHeader3 = NativeLibraryLoader.GetFunction<DecompressHeader3Fn>(lib, "tjDecompressHeader3"),
                    Decompress2 = NativeLibraryLoader.GetFunction<Decompress2Fn>(lib, "tjDecompress2"),
                    GetErrorStr2 = NativeLibraryLoader.GetFunction<GetErrorStr2Fn>(lib, "tjGetErrorStr2"),
                    GetErrorCode = NativeLibraryLoader.GetFunction<GetErrorCodeFn>(lib, "tjGetErrorCode"),
                    Destroy = NativeLibraryLoader.GetFunction<DestroyFn>(lib, "tjDestroy"),
                    InitCompress = NativeLibraryLoader.GetFunction<InitCompressFn>(lib, "tjInitCompress"),
                    Compress2 = NativeLibraryLoader.GetFunction<Compress2Fn>(lib, "tjCompress2"),
                    Free = NativeLibraryLoader.GetFunction<FreeFn>(lib, "tjFree"),
                };

                if (!f.Complete)
                {
                    // tjGetErrorStr2/tjGetErrorCode appeared in libjpeg-turbo 2.0.
                    return new Library { Problem = from + " lacks the TurboJPEG 2.0 API (libjpeg-turbo ≥ 2.0 needed)" };
                }

                // The library has no version function; the file it was mapped from tells the soname version
                // (libturbojpeg.so.0.2.0 = libjpeg-turbo 2.x, .so.0.3.x = 3.x), and tj3Init exists from 3.0 on.
                var api = NativeLibraryLoader.GetExport(lib, "tj3Init") != IntPtr.Zero ? "3.x" : "2.x";
                var mapped = MappedFile();
                var description = from + (mapped != null && mapped != from ? " → " + mapped : string.Empty) + " (libjpeg-turbo " + api + ")";
                return new Library { Functions = f, Description = description };
            }

            private static string LibraryFileName() =>
                RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "turbojpeg.dll"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "libturbojpeg.dylib" : "libturbojpeg.so.0";

            private static IEnumerable<string> Candidates()
            {
                var explicitPath = Environment.GetEnvironmentVariable(LibraryVariable);
                if (!string.IsNullOrWhiteSpace(explicitPath))
                {
                    yield return explicitPath.Trim();
                }

                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    yield return "turbojpeg.dll"; // the DLL search order: application folder, system folders, PATH
                    var bits = Environment.Is64BitProcess ? "64" : string.Empty;
                    yield return @"C:\libjpeg-turbo" + bits + @"\bin\turbojpeg.dll"; // the official installers' defaults
                    yield return @"C:\libjpeg-turbo-gcc" + bits + @"\bin\turbojpeg.dll";
                    yield break;
                }

                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                {
                    foreach (var dir in new[] { "/opt/homebrew/lib", "/usr/local/lib", "/opt/homebrew/opt/jpeg-turbo/lib", "/usr/local/opt/jpeg-turbo/lib", "/opt/local/lib", "/opt/libjpeg-turbo/lib" })
                    {
                        yield return dir + "/libturbojpeg.0.dylib";
                        yield return dir + "/libturbojpeg.dylib";
                    }

                    yield return "libturbojpeg.0.dylib";
                    yield break;
                }

                foreach (var dir in new[]
                {
                    "/usr/lib/" + MultiarchTriplet(), "/usr/lib64", "/usr/lib", "/lib/" + MultiarchTriplet(), "/lib64",
                    "/usr/local/lib", "/usr/local/lib64", "/opt/libjpeg-turbo/lib64", "/opt/libjpeg-turbo/lib",
                })
                {
                    yield return dir + "/libturbojpeg.so.0";
                }

                yield return "libturbojpeg.so.0"; // LD_LIBRARY_PATH and the loader cache
            }

            private static string MultiarchTriplet()
            {
                switch (RuntimeInformation.ProcessArchitecture)
                {
                    case Architecture.X64: return "x86_64-linux-gnu";
                    case Architecture.Arm64: return "aarch64-linux-gnu";
                    case Architecture.Arm: return "arm-linux-gnueabihf";
                    case Architecture.X86: return "i386-linux-gnu";
                    default: return "unknown";
                }
            }

            /// <summary>Linux: the real file of the loaded library as mapped into this process (symlinks resolved).</summary>
            private static string MappedFile()
            {
                try
                {
                    if (!File.Exists("/proc/self/maps"))
                    {
                        return null;
                    }

                    foreach (var line in File.ReadLines("/proc/self/maps"))
                    {
                        var slash = line.IndexOf('/');
                        if (slash >= 0 && line.IndexOf("turbojpeg", slash, StringComparison.Ordinal) >= 0)
                        {
                            return line.Substring(slash).Trim();
                        }
                    }
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                }

                return null;
            }
        }
    }
}
