using System;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// Writes the store's durable files (originals above all) with <c>O_DIRECT</c> on 64-bit Linux: the bytes go from one
    /// aligned buffer to the disk without being copied into the page cache. On an import that copy, and the page cache
    /// pages it dirties, cost more CPU than the file's creation, rename and fsync together (measured: bench/RESULTS.md),
    /// and the store never reads an original back during the import.
    /// </summary>
    /// <remarks>
    /// Anything short of full support makes <see cref="TryWrite"/> return false with no file left behind, and the
    /// caller writes the usual way: another OS or architecture, a file system without <c>O_DIRECT</c> (it answers
    /// EINVAL, after which this writer stops trying), or <c>STICKYPI_DIRECT_IO=0</c> in the environment.
    /// The file is padded to the alignment, then truncated to its length and fsynced, so a file this writes is
    /// byte-for-byte the one a buffered write makes.
    /// </remarks>
    internal sealed class DirectFileWriter : IDisposable
    {
        /// <summary>The environment variable that turns direct writes off (<c>0</c>).</summary>
        public const string EnvironmentSwitch = "STICKYPI_DIRECT_IO";

        /// <summary>Buffer address, file offset and write size alignment: the largest logical block size in common use.</summary>
        internal const int Alignment = 4096;

        /// <summary>Smaller files are written the usual way: their page-cache copy is cheap and the padding large.</summary>
        public const int MinimumLength = 64 * 1024;

        private const int MaxPooledBuffers = 8;
        private const int EINTR = 4;
        private const int EINVAL = 22;
        private const int O_WRONLY = 0x1;
        private const int O_CREAT = 0x40;
        private const int O_EXCL = 0x80;
        private const int O_CLOEXEC = 0x80000;
        private const int CreateMode = 438; // 0666: the umask applies, as for FileStream

        private static readonly int DirectFlag = PlatformDirectFlag();
        private readonly ConcurrentBag<AlignedBuffer> _buffers = new ConcurrentBag<AlignedBuffer>();
        private int _refused;
        private int _disposed;

        public DirectFileWriter()
            : this(IsEnabledByEnvironment())
        {
        }

        internal DirectFileWriter(bool enabled)
        {
            _refused = enabled && DirectFlag != 0 ? 0 : 1;
        }

        /// <summary>False once the platform, the environment or the file system has ruled direct writes out.</summary>
        public bool IsActive => Volatile.Read(ref _refused) == 0 && Volatile.Read(ref _disposed) == 0;

        /// <summary>
        /// Creates <paramref name="path"/> (which must not exist) holding the first <paramref name="length"/> bytes,
        /// flushed to the disk. False when direct writes are not possible here; no file is then left at the path.
        /// </summary>
        /// <exception cref="IOException">The write itself failed (disk full, I/O error); nothing is left at the path.</exception>
        public bool TryWrite(string path, byte[] bytes, int length)
        {
            if (!IsActive || length > int.MaxValue - (1 << 20))
            {
                // Padded to the alignment and pooled in whole megabytes, the largest arrays would not fit in an int.
                return false;
            }

            int padded = checked((length + Alignment - 1) & ~(Alignment - 1));
            int fd;
            try
            {
                fd = NativeMethods.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | DirectFlag, CreateMode);
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                Refuse();
                return false;
            }

            if (fd < 0)
            {
                if (Marshal.GetLastWin32Error() == EINVAL)
                {
                    Refuse();
                }

                // Other failures (exists, access, missing folder) are reported by the ordinary write's own exception.
                return false;
            }

            AlignedBuffer buffer = null;
            bool written = false;
            try
            {
                buffer = Rent(padded);
                Marshal.Copy(bytes, 0, buffer.Aligned, length);
                int error = WriteAll(fd, buffer.Aligned, padded);
                if (error == 0 && padded != length && NativeMethods.ftruncate(fd, length) != 0)
                {
                    error = Marshal.GetLastWin32Error();
                }

                if (error == 0 && NativeMethods.fsync(fd) != 0)
                {
                    error = Marshal.GetLastWin32Error();
                }

                if (error == EINVAL)
                {
                    // An alignment this file system will not take: write the usual way from now on.
                    Refuse();
                    return false;
                }

                if (error != 0)
                {
                    throw new IOException(path + ": " + new Win32Exception(error).Message);
                }

                written = true;
                return true;
            }
            finally
            {
                NativeMethods.close(fd);
                if (buffer != null)
                {
                    Return(buffer);
                }

                if (!written)
                {
                    LocalFileStore.TryDelete(path);
                }
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            while (_buffers.TryTake(out var b))
            {
                b.Dispose();
            }
        }

        internal static bool IsEnabledByEnvironment() =>
            Environment.GetEnvironmentVariable(EnvironmentSwitch) != "0";

        private static int WriteAll(int fd, IntPtr data, int count)
        {
            long offset = 0;
            while (offset < count)
            {
                long n = NativeMethods.pwrite(fd, data + (int)offset, new IntPtr(count - offset), offset).ToInt64();
                if (n < 0)
                {
                    int error = Marshal.GetLastWin32Error();
                    if (error == EINTR)
                    {
                        continue;
                    }

                    return error;
                }

                if (n == 0 || n % Alignment != 0 && offset + n < count)
                {
                    // A short write off the alignment cannot be continued with O_DIRECT.
                    return EINVAL;
                }

                offset += n;
            }

            return 0;
        }

        /// <summary>O_DIRECT's value where it is known to be right (it differs by architecture); 0 elsewhere.</summary>
        private static int PlatformDirectFlag()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || IntPtr.Size != 8)
            {
                return 0;
            }

            switch (RuntimeInformation.ProcessArchitecture)
            {
                case Architecture.X64:
                    return 0x4000;
                case Architecture.Arm64:
                    return 0x10000;
                default:
                    return 0;
            }
        }

        private void Refuse() => Interlocked.Exchange(ref _refused, 1);

        private AlignedBuffer Rent(int size)
        {
            if (_buffers.TryTake(out var b))
            {
                if (b.Capacity >= size)
                {
                    return b;
                }

                b.Dispose();
            }

            // Whole megabytes, so a buffer grown for one large image serves the images after it.
            return new AlignedBuffer(checked((size + (1 << 20) - 1) & ~((1 << 20) - 1)));
        }

        private void Return(AlignedBuffer b)
        {
            if (Volatile.Read(ref _disposed) == 1 || _buffers.Count >= MaxPooledBuffers)
            {
                b.Dispose();
                return;
            }

            _buffers.Add(b);

            // Disposed meanwhile: nobody else will free what was just added.
            if (Volatile.Read(ref _disposed) == 1 && _buffers.TryTake(out var late))
            {
                late.Dispose();
            }
        }

        /// <summary>Native memory with an aligned start, freed by its handle (also if a writer is never disposed).</summary>
        private sealed class AlignedBuffer : SafeHandleZeroOrMinusOneIsInvalid
        {
            public AlignedBuffer(int capacity)
                : base(ownsHandle: true)
            {
                Capacity = capacity;
                SetHandle(Marshal.AllocHGlobal(capacity + Alignment));
                Aligned = new IntPtr((handle.ToInt64() + Alignment - 1) & ~(long)(Alignment - 1));
            }

            public int Capacity { get; }

            public IntPtr Aligned { get; }

            protected override bool ReleaseHandle()
            {
                Marshal.FreeHGlobal(handle);
                return true;
            }
        }

        private static class NativeMethods
        {
            // "libc" is mapped by the runtime to the C library on Linux; only called where DirectFlag says Linux.
            [DllImport("libc", SetLastError = true)]
            public static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags, int mode);

            [DllImport("libc", SetLastError = true)]
            public static extern IntPtr pwrite(int fd, IntPtr buffer, IntPtr count, long offset);

            [DllImport("libc", SetLastError = true)]
            public static extern int ftruncate(int fd, long length);

            [DllImport("libc", SetLastError = true)]
            public static extern int fsync(int fd);

            [DllImport("libc", SetLastError = true)]
            public static extern int close(int fd);
        }
    }
}
