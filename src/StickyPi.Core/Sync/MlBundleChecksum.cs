using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace StickyPi.Core.Sync
{
    /// <summary>
    /// The checksum of the ML bundle flow (spec §1.9): an S3-style multipart ETag with 15 MiB parts. 0 bytes →
    /// <c>""</c>; one part → lowercase hex MD5 of the content; n parts → hex MD5 of the concatenated raw part digests,
    /// then <c>-n</c>. Incremental, so a copy can compute it while writing.
    /// </summary>
    public sealed class MlBundleChecksum : IDisposable
    {
        /// <summary>15 × 1024 × 1024 bytes.</summary>
        public const int PartSize = 15 * 1024 * 1024;

        private readonly List<byte[]> _partDigests = new List<byte[]>();
        private IncrementalHash _part = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private long _inPart;
        private long _total;

        /// <summary>Bytes appended so far.</summary>
        public long Length => _total;

        public void Append(byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException(nameof(buffer));
            }

            while (count > 0)
            {
                if (_inPart == PartSize)
                {
                    _partDigests.Add(_part.GetHashAndReset());
                    _inPart = 0;
                }

                int n = (int)Math.Min(count, PartSize - _inPart);
                _part.AppendData(buffer, offset, n);
                _inPart += n;
                _total += n;
                offset += n;
                count -= n;
            }
        }

        /// <summary>The ETag of everything appended. The instance cannot be used afterwards.</summary>
        public string Finish()
        {
            if (_total == 0)
            {
                return string.Empty;
            }

            var last = _part.GetHashAndReset();
            if (_partDigests.Count == 0)
            {
                return Hex(last);
            }

            _partDigests.Add(last);
            using (var md5 = MD5.Create())
            {
                var all = new byte[_partDigests.Count * 16];
                for (int i = 0; i < _partDigests.Count; i++)
                {
                    Buffer.BlockCopy(_partDigests[i], 0, all, i * 16, 16);
                }

                return Hex(md5.ComputeHash(all)) + "-" + _partDigests.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        /// <summary>The ETag of a file.</summary>
        public static string Compute(string path, CancellationToken cancellationToken = default, Action<long> bytesRead = null)
        {
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            {
                return Compute(fs, cancellationToken, bytesRead);
            }
        }

        /// <summary>The ETag of a stream's remaining content.</summary>
        public static string Compute(Stream stream, CancellationToken cancellationToken = default, Action<long> bytesRead = null)
        {
            using (var sum = new MlBundleChecksum())
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    sum.Append(buffer, 0, n);
                    bytesRead?.Invoke(n);
                }

                return sum.Finish();
            }
        }

        /// <summary>The ETag of a byte array.</summary>
        public static string Compute(byte[] content)
        {
            using (var sum = new MlBundleChecksum())
            {
                sum.Append(content, 0, content.Length);
                return sum.Finish();
            }
        }

        public void Dispose()
        {
            _part?.Dispose();
            _part = null;
        }

        private static string Hex(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes)
            {
                sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return sb.ToString();
        }
    }
}
