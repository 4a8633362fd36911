using System;
using System.IO;
using System.Text;
using StickyPi.Core.Model;

namespace StickyPi.Core.Parsing
{
    /// <summary>
    /// Whole-file reads with a size cap: the length is checked before anything is read, and no more than the cap is
    /// ever read (a file that grows meanwhile, or a device file with no length, cannot get past it).
    /// </summary>
    public static class BoundedFile
    {
        /// <summary>Reads all bytes of <paramref name="path"/>, refusing files over <paramref name="maxBytes"/>.</summary>
        /// <exception cref="StickyPiException"><c>FileTooLarge</c>, <c>FileNotFound</c> or <c>FileUnreadable</c>; Target is the path.</exception>
        public static byte[] ReadAllBytes(string path, long maxBytes, string what = "file")
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
                {
                    CheckLength(path, stream.Length, maxBytes, what);
                    var buffer = new MemoryStream((int)Math.Min(stream.Length, maxBytes));
                    var chunk = new byte[1 << 16];
                    int n;

                    // At most one byte past the cap (to see that there is more); maxBytes + 1 would overflow at long.MaxValue.
                    while ((n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length - 1, maxBytes - buffer.Length) + 1)) > 0)
                    {
                        buffer.Write(chunk, 0, n);
                        CheckLength(path, buffer.Length, maxBytes, what);
                    }

                    return buffer.ToArray();
                }
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                throw new StickyPiException(StickyErrorIds.FileNotFound, StickyErrorKind.NotFound, path + ": file not found", path, e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new StickyPiException(StickyErrorIds.FileUnreadable, StickyErrorKind.PermissionDenied, path + ": cannot read file: " + e.Message, path, e);
            }
            catch (IOException e)
            {
                throw new StickyPiException(StickyErrorIds.FileUnreadable, StickyErrorKind.ResourceUnavailable, path + ": cannot read file: " + e.Message, path, e);
            }
        }

        /// <summary>Reads <paramref name="path"/> as UTF-8 text (a BOM is honoured), refusing files over <paramref name="maxBytes"/>.</summary>
        public static string ReadAllText(string path, long maxBytes, string what = "file")
        {
            var bytes = ReadAllBytes(path, maxBytes, what);
            using (var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true))
            {
                return reader.ReadToEnd();
            }
        }

        /// <summary>Throws <c>FileTooLarge</c> when <paramref name="length"/> exceeds <paramref name="maxBytes"/>.</summary>
        public static void CheckLength(string path, long length, long maxBytes, string what = "file")
        {
            if (length > maxBytes)
            {
                throw TooLarge(path, length, maxBytes, what);
            }
        }

        internal static StickyPiException TooLarge(string path, long length, long maxBytes, string what) =>
            new StickyPiException(StickyErrorIds.FileTooLarge, StickyErrorKind.LimitsExceeded,
                path + ": " + what + " too large (" + (length > maxBytes ? "more than " : string.Empty) + maxBytes + " bytes allowed, " + length + " found); nothing was read", path);
    }
}
