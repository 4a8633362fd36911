using System;
using System.IO;
using System.Threading;

namespace StickyPi.Core.Sync
{
    /// <summary>Stream copy that computes the bundle checksum on the way, reports bytes and honours cancellation.</summary>
    internal static class MlBundleCopy
    {
        public const int BufferSize = 1 << 16;

        /// <summary>Copies everything, flushes a file target to disk, returns the checksum and the byte count.</summary>
        public static (string md5, long size) Copy(Stream source, Stream target, Action<long> bytesCopied, CancellationToken cancellationToken)
        {
            using (var sum = new MlBundleChecksum())
            {
                var buffer = new byte[BufferSize];
                int n;
                while ((n = source.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    target.Write(buffer, 0, n);
                    sum.Append(buffer, 0, n);
                    bytesCopied?.Invoke(n);
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (target is FileStream fs)
                {
                    fs.Flush(true);
                }
                else
                {
                    target.Flush();
                }

                return (sum.Finish(), sum.Length);
            }
        }
    }
}
