using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading;
using SkiaSharp;
using StickyPi.Core.Model;

namespace StickyPi.Core.Parsing
{
    /// <summary>
    /// Parses a Sticky Pi image file (spec §4): name, MD5, JPEG validity and size, EXIF metadata and thumbnails.
    /// Instances are immutable and safe to use from several threads at once.
    /// </summary>
    public sealed class StickyImageParser
    {
        public const int ThumbnailMaxWidth = 512;
        public const int ThumbnailMaxHeight = 384;
        public const int MiniMaxWidth = 128;
        public const int MiniMaxHeight = 96;

        // Bilinear is only used for reductions below 2x (larger ones are halved first, see Downscale), where its
        // 2-pixel footprint still covers every source pixel. Measured: ~2.5 ms vs ~9 ms for mipmaps or Mitchell.
        private static readonly SKSamplingOptions DownSampling = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None);

        [ThreadStatic]
        private static MD5 _md5;

        private readonly int _quality;

        /// <param name="thumbnailQuality">JPEG quality of both thumbnails (1–100; upstream uses Pillow's default 75).</param>
        /// <param name="limits">Largest file and pixel count accepted (default <see cref="InputLimits.Default"/>).</param>
        public StickyImageParser(int thumbnailQuality = 75, InputLimits limits = null)
        {
            Limits = limits ?? InputLimits.Default;
            if (thumbnailQuality < 1 || thumbnailQuality > 100)
            {
                throw new ArgumentOutOfRangeException(nameof(thumbnailQuality), thumbnailQuality, "JPEG quality must be between 1 and 100.");
            }

            _quality = thumbnailQuality;
            UseTurboJpeg = TurboJpeg.IsAvailable;
        }

        public int ThumbnailQuality => _quality;

        /// <summary>The file-size and pixel limits this instance enforces.</summary>
        public InputLimits Limits { get; }

        /// <summary>
        /// Whether this instance decodes with <see cref="TurboJpeg"/> (default: when available and not disabled by
        /// <c>STICKYPI_JPEG_DECODER=skia</c>). Test switch: set false to force the SkiaSharp path on one instance.
        /// </summary>
        internal bool UseTurboJpeg { get; set; }

        /// <summary>Images this instance decoded with TurboJPEG (thumbnails made from its pixels).</summary>
        internal long TurboJpegDecodes => Interlocked.Read(ref _turboJpegDecodes);

        /// <summary>Images TurboJPEG refused (truncated, corrupt, unsupported) that were then handed to the SkiaSharp path.</summary>
        internal long TurboJpegRefusals => Interlocked.Read(ref _turboJpegRefusals);

        private long _turboJpegDecodes;
        private long _turboJpegRefusals;

        /// <summary>Reads and parses the file at <paramref name="path"/>.</summary>
        /// <exception cref="StickyPiException">
        /// <c>InvalidFileName</c>/<c>ImageTooOld</c> (before any IO), <c>FileNotFound</c>, <c>FileUnreadable</c>, <c>EmptyFile</c>,
        /// <c>NotAJpeg</c>, <c>TruncatedJpeg</c>, <c>MissingExif</c>, <c>InvalidExif</c>.
        /// </exception>
        public ParsedImage ParseFile(string path, bool makeThumbnails = true)
        {
            var key = ImageFileName.Parse(path);
            var buffer = ReadPooled(path, out var length, Limits.MaxImageFileBytes);
            try
            {
                return ParseCore(key, buffer, length, path, makeThumbnails);
            }
            finally
            {
                FileBufferPool.Return(buffer);
            }
        }

        /// <summary>
        /// Parses the first <paramref name="length"/> bytes of a (typically pooled, see <see cref="ReadFilePooled(string, out int, long)"/>)
        /// buffer; <paramref name="path"/> supplies the name and labels errors.
        /// </summary>
        public ParsedImage Parse(byte[] buffer, int length, string path, bool makeThumbnails = true)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException(nameof(buffer));
            }

            if (length < 0 || length > buffer.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(length));
            }

            var key = ImageFileName.Parse(path);
            if (length == 0)
            {
                throw Empty(path);
            }

            return ParseCore(key, buffer, length, path, makeThumbnails);
        }

        /// <summary>
        /// Reads a whole file into a buffer rented from <see cref="FileBufferPool"/> (return it there when done); errors
        /// name the file (<c>FileNotFound</c>, <c>FileUnreadable</c>, <c>EmptyFile</c>).
        /// </summary>
        public static byte[] ReadFilePooled(string path, out int length) => ReadPooled(path, out length, InputLimits.DefaultMaxImageFileBytes);

        /// <summary>
        /// <see cref="ReadFilePooled(string, out int)"/> refusing, before reading them, files over
        /// <paramref name="maxBytes"/> (<c>FileTooLarge</c>) and files that do not start like a JPEG (<c>NotAJpeg</c>).
        /// </summary>
        public static byte[] ReadFilePooled(string path, out int length, long maxBytes) => ReadPooled(path, out length, maxBytes);

        /// <summary>
        /// The pool of whole-file buffers. Its own, not <see cref="ArrayPool{T}.Shared"/>: that one also parks a buffer of
        /// each size in every thread that returns one, and the importer returns originals on threads that never rent
        /// (its stagers), so its memory grew with the run; this one keeps only as many as were in use at once.
        /// </summary>
        public static ArrayPool<byte> FileBufferPool { get; } = ArrayPool<byte>.Create(maxArrayLength: 64 * 1024 * 1024, maxArraysPerBucket: 32);

        /// <summary>Parses file content already in memory; <paramref name="path"/> supplies the name and labels errors.</summary>
        public ParsedImage Parse(byte[] content, string path, bool makeThumbnails = true)
        {
            if (content == null)
            {
                throw new ArgumentNullException(nameof(content));
            }

            var key = ImageFileName.Parse(path);
            if (content.Length == 0)
            {
                throw Empty(path);
            }

            return ParseCore(key, content, content.Length, path, makeThumbnails);
        }

        /// <summary>Lowercase hex MD5 of the whole content (the <c>md5</c> column).</summary>
        public static string ComputeMd5(byte[] content)
        {
            if (content == null)
            {
                throw new ArgumentNullException(nameof(content));
            }

            return ComputeMd5(content, 0, content.Length);
        }

        /// <summary>Lowercase hex MD5 of the rest of <paramref name="s"/>.</summary>
        public static string ComputeMd5(Stream s)
        {
            if (s == null)
            {
                throw new ArgumentNullException(nameof(s));
            }

            using (var md5 = MD5.Create())
            {
                return ToHex(md5.ComputeHash(s));
            }
        }

        internal static string ComputeMd5(byte[] content, int offset, int count)
        {
            var md5 = _md5 ?? (_md5 = MD5.Create());
            return ToHex(md5.ComputeHash(content, offset, count));
        }

        private ParsedImage ParseCore(ImageKey key, byte[] buffer, int length, string path, bool makeThumbnails)
        {
            var image = new ParsedImage
            {
                SourcePath = path,
                Device = key.Device,
                DateTime = key.DateTime,
                Md5 = ComputeMd5(buffer, 0, length),
            };

            if (length < 3 || buffer[0] != 0xFF || buffer[1] != 0xD8 || buffer[2] != 0xFF)
            {
                throw new StickyPiException(StickyErrorIds.NotAJpeg, StickyErrorKind.InvalidData,
                    path + ": not a JPEG file (no FF D8 FF start-of-image marker)", path);
            }

            var tags = StickyExif.ReadTags(buffer, length, path);
            StickyExif.Apply(image, tags, path);

            // The frame header says how many pixels a decode allocates: refuse bombs before any pixel buffer exists.
            if (!JpegFrameHeader.TryRead(buffer, length, out var width, out var height))
            {
                throw Truncated(path, "no frame header (SOF) before the image data");
            }

            CheckPixels(width, height, path);
            Decode(image, buffer, length, path, makeThumbnails);
            return image;
        }

        /// <summary>
        /// Decodes the whole JPEG at the smallest DCT scale that still covers the thumbnail (JPEG validity = decodes
        /// fully), and makes the thumbnails from that. Never decodes at full size unless the image is that small.
        /// </summary>
        private void Decode(ParsedImage image, byte[] buffer, int length, string path, bool makeThumbnails)
        {
            var pin = GCHandle.Alloc(buffer, GCHandleType.Pinned);
            try
            {
                if (UseTurboJpeg && TryDecodeWithTurboJpeg(image, pin.AddrOfPinnedObject(), length, path, makeThumbnails))
                {
                    return;
                }

                // SKData over the pinned array: no copy of the file; it and the codec are disposed before unpinning.
                using (var data = SKData.Create(pin.AddrOfPinnedObject(), length))
                using (var codec = SKCodec.Create(data))
                {
                    if (codec == null)
                    {
                        throw Truncated(path, "the JPEG header cannot be decoded");
                    }

                    if (codec.EncodedFormat != SKEncodedImageFormat.Jpeg)
                    {
                        throw new StickyPiException(StickyErrorIds.NotAJpeg, StickyErrorKind.InvalidData,
                            path + ": not a JPEG file (decoded as " + codec.EncodedFormat + ")", path);
                    }

                    var full = codec.Info;
                    CheckPixels(full.Width, full.Height, path); // what the decoder itself read, in case it differs
                    image.Width = full.Width;
                    image.Height = full.Height;

                    var thumbSize = FitWithin(full.Width, full.Height, ThumbnailMaxWidth, ThumbnailMaxHeight);
                    var decodeSize = makeThumbnails ? ChooseDecodeSize(codec, thumbSize) : codec.GetScaledDimensions(0.125f);
                    var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKImageInfo.PlatformColorType, SKAlphaType.Opaque);

                    // Pixels in pooled, pinned arrays rather than a new native bitmap per image: the same Skia calls on
                    // the same pixel layout, without allocating (and zeroing) megabytes per file.
                    using (var decoded = PooledPixmap.Rent(decodeInfo))
                    {
                        var result = codec.GetPixels(decodeInfo, decoded.Pixmap.GetPixels());
                        if (result != SKCodecResult.Success)
                        {
                            throw Truncated(path, result == SKCodecResult.IncompleteInput
                                ? "the JPEG data ends before the image is complete"
                                : "the JPEG data cannot be decoded (" + result + ")");
                        }

                        if (makeThumbnails)
                        {
                            MakeThumbnails(image, decoded.Pixmap, thumbSize, path);
                        }
                    }
                }
            }
            finally
            {
                pin.Free();
            }
        }

        /// <summary>
        /// The same decode with the system's libjpeg-turbo (SIMD): same DCT scale, same pixel layout, then the same
        /// resize and encode. Returns false, having set nothing, when TurboJPEG cannot decode the file (truncated or
        /// corrupt data — any warning fails the decode — or a JPEG variant it does not support): the SkiaSharp path
        /// then decides as it always has, so which files are accepted and the error ids and messages of the rejected
        /// ones do not depend on the decoder.
        /// </summary>
        private bool TryDecodeWithTurboJpeg(ParsedImage image, IntPtr data, int length, string path, bool makeThumbnails)
        {
            var colorType = SKImageInfo.PlatformColorType;
            var pixelFormat = TurboJpeg.PixelFormatOf(colorType);
            if (pixelFormat < 0 || !TurboJpeg.TryReadHeader(data, length, out var width, out var height, out _) || width <= 0 || height <= 0)
            {
                Interlocked.Increment(ref _turboJpegRefusals);
                return false;
            }

            CheckPixels(width, height, path);
            var thumbSize = FitWithin(width, height, ThumbnailMaxWidth, ThumbnailMaxHeight);
            var decodeSize = makeThumbnails ? ChooseDecodeSize(width, height, thumbSize) : new SKSizeI(TurboJpeg.Scaled(width, 1), TurboJpeg.Scaled(height, 1));
            var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, colorType, SKAlphaType.Opaque);
            using (var decoded = PooledPixmap.Rent(decodeInfo))
            {
                // TurboJPEG writes straight into the pooled block the pixmap wraps: no copy.
                if (!TurboJpeg.TryDecompress(data, length, decoded.Pixmap.GetPixels(), decodeInfo.Width, decodeInfo.RowBytes, decodeInfo.Height, pixelFormat, out _, out _))
                {
                    Interlocked.Increment(ref _turboJpegRefusals);
                    return false;
                }

                image.Width = width;
                image.Height = height;
                if (makeThumbnails)
                {
                    MakeThumbnails(image, decoded.Pixmap, thumbSize, path, TurboJpeg.CanCompress ? pixelFormat : -1);
                }
            }

            Interlocked.Increment(ref _turboJpegDecodes);
            return true;
        }

        /// <summary>Both thumbnails of <paramref name="image"/> from its (scaled) decode, in place on the image.</summary>
        /// <param name="image">Receives Thumbnail and ThumbnailMini.</param>
        /// <param name="decoded">The DCT-scaled decode.</param>
        /// <param name="thumbSize">The thumbnail's size (aspect kept within 512×384).</param>
        /// <param name="path">The file, for error messages.</param>
        /// <param name="turboPixelFormat">TurboJPEG pixel format to encode with TurboJPEG, or -1 for SkiaSharp's encoder.</param>
        private void MakeThumbnails(ParsedImage image, SKPixmap decoded, SKSizeI thumbSize, string path, int turboPixelFormat = -1)
        {
            var miniSize = FitWithin(thumbSize.Width, thumbSize.Height, MiniMaxWidth, MiniMaxHeight);
            using (var scaled = Downscale(decoded, thumbSize, path))
            {
                var thumb = scaled?.Pixmap ?? decoded;
                image.Thumbnail = Encode(thumb, path, turboPixelFormat);
                using (var mini = Downscale(thumb, miniSize, path))
                {
                    image.ThumbnailMini = Encode(mini?.Pixmap ?? thumb, path, turboPixelFormat);
                }
            }
        }

        /// <summary>
        /// Resizes to <paramref name="size"/>: bilinear halvings (an exact 2×2 box filter) while at least 2x too big,
        /// then one bilinear step. Returns null when <paramref name="source"/> already has the size (the caller then
        /// uses the source itself), else pixels the caller disposes.
        /// </summary>
        private static PooledPixmap Downscale(SKPixmap source, SKSizeI size, string path)
        {
            var current = source;
            PooledPixmap owned = null;
            try
            {
                while (current.Width != size.Width || current.Height != size.Height)
                {
                    var halve = current.Width >= 2 * size.Width && current.Height >= 2 * size.Height;
                    var next = PooledPixmap.Rent(new SKImageInfo(
                        halve ? current.Width / 2 : size.Width,
                        halve ? current.Height / 2 : size.Height,
                        SKImageInfo.PlatformColorType,
                        SKAlphaType.Opaque));
                    if (!current.ScalePixels(next.Pixmap, DownSampling))
                    {
                        next.Dispose();
                        throw Truncated(path, "the decoded image cannot be scaled");
                    }

                    owned?.Dispose();
                    owned = next;
                    current = next.Pixmap;
                }

                var result = owned;
                owned = null;
                return result;
            }
            finally
            {
                owned?.Dispose();
            }
        }

        private byte[] Encode(SKPixmap pixmap, string path, int turboPixelFormat)
        {
            if (turboPixelFormat >= 0)
            {
                // Same quality, subsampling and DCT as below, with libjpeg-turbo's SIMD (≈ 3× faster here).
                var jpeg = TurboJpeg.Compress(pixmap.GetPixels(), pixmap.Width, pixmap.RowBytes, pixmap.Height, turboPixelFormat, _quality, out _);
                if (jpeg != null)
                {
                    return jpeg;
                }
            }

            using (var data = pixmap.Encode(new SKJpegEncoderOptions(_quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)))
            {
                if (data == null)
                {
                    // Not an input problem, but reported in the parser's terms so the import can skip the file.
                    throw new StickyPiException(StickyErrorIds.TruncatedJpeg, StickyErrorKind.InvalidData,
                        path + ": the thumbnail could not be encoded", path);
                }

                return data.ToArray();
            }
        }

        /// <summary>The smallest DCT scale (n/8) whose output still covers <paramref name="target"/>.</summary>
        private static SKSizeI ChooseDecodeSize(SKCodec codec, SKSizeI target)
        {
            for (var n = 1; n < 8; n++)
            {
                var size = codec.GetScaledDimensions(n / 8f);
                if (size.Width >= target.Width && size.Height >= target.Height)
                {
                    return size;
                }
            }

            return new SKSizeI(codec.Info.Width, codec.Info.Height);
        }

        /// <summary>
        /// <see cref="ChooseDecodeSize(SKCodec, SKSizeI)"/> for TurboJPEG: the same n/8 scales, sizes rounded up as
        /// libjpeg rounds them (what SkiaSharp's <c>GetScaledDimensions</c> reports).
        /// </summary>
        internal static SKSizeI ChooseDecodeSize(int width, int height, SKSizeI target)
        {
            for (var n = 1; n < 8; n++)
            {
                var size = new SKSizeI(TurboJpeg.Scaled(width, n), TurboJpeg.Scaled(height, n));
                if (size.Width >= target.Width && size.Height >= target.Height)
                {
                    return size;
                }
            }

            return new SKSizeI(width, height);
        }

        /// <summary>
        /// Pillow's <c>Image.thumbnail</c> size: aspect preserved, rounded to the integer giving the closest aspect,
        /// never upscaled, at least 1 pixel.
        /// </summary>
        internal static SKSizeI FitWithin(int width, int height, int maxWidth, int maxHeight)
        {
            if (width <= maxWidth && height <= maxHeight)
            {
                return new SKSizeI(width, height);
            }

            var aspect = (double)width / height;
            int x = maxWidth, y = maxHeight;
            if ((double)x / y >= aspect)
            {
                x = RoundAspect(y * aspect, n => Math.Abs(aspect - (n / y)));
            }
            else
            {
                y = RoundAspect(x / aspect, n => n == 0 ? 0 : Math.Abs(aspect - (x / n)));
            }

            return new SKSizeI(x, y);
        }

        private static int RoundAspect(double number, Func<double, double> error)
        {
            var lo = Math.Floor(number);
            var hi = Math.Ceiling(number);
            var best = error(lo) <= error(hi) ? lo : hi; // Python's min() keeps the first of equal keys
            return Math.Max((int)best, 1);
        }

        /// <summary>Throws <c>ImageTooLarge</c> when width × height exceeds <see cref="InputLimits.MaxImagePixels"/>.</summary>
        private void CheckPixels(int width, int height, string path)
        {
            long pixels = (long)width * height;
            if (pixels > Limits.MaxImagePixels)
            {
                throw new StickyPiException(StickyErrorIds.ImageTooLarge, StickyErrorKind.LimitsExceeded,
                    path + ": image is " + width + "x" + height + " (" + pixels + " pixels), more than the " + Limits.MaxImagePixels
                    + " pixels allowed (a possible decompression bomb; upstream's Pillow refuses more than " + InputLimits.PillowMaxImagePixels + ")", path);
            }
        }

        private static byte[] ReadPooled(string path, out int length, long maxBytes)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
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

            using (stream)
            {
                byte[] buffer = null;
                try
                {
                    var size = stream.Length;
                    if (size == 0)
                    {
                        throw Empty(path);
                    }

                    BoundedFile.CheckLength(path, size, Math.Min(maxBytes, int.MaxValue - 64), "image file");

                    // Three bytes decide whether the rest is worth reading: garbage is refused unread.
                    var start = new byte[3];
                    var got = 0;
                    int n;
                    while (got < start.Length && (n = stream.Read(start, got, start.Length - got)) > 0)
                    {
                        got += n;
                    }

                    if (got < 3 || start[0] != 0xFF || start[1] != 0xD8 || start[2] != 0xFF)
                    {
                        throw new StickyPiException(StickyErrorIds.NotAJpeg, StickyErrorKind.InvalidData,
                            path + ": not a JPEG file (no FF D8 FF start-of-image marker)", path);
                    }

                    buffer = FileBufferPool.Rent((int)size);
                    Buffer.BlockCopy(start, 0, buffer, 0, got);
                    var read = got;
                    while (read < size && (n = stream.Read(buffer, read, (int)size - read)) > 0)
                    {
                        read += n;
                    }

                    if (read == 0)
                    {
                        throw Empty(path);
                    }

                    length = read;
                    return buffer;
                }
                catch (IOException e)
                {
                    if (buffer != null)
                    {
                        FileBufferPool.Return(buffer);
                    }

                    throw new StickyPiException(StickyErrorIds.FileUnreadable, StickyErrorKind.ResourceUnavailable, path + ": cannot read file: " + e.Message, path, e);
                }
                catch
                {
                    if (buffer != null)
                    {
                        FileBufferPool.Return(buffer);
                    }

                    throw;
                }
            }
        }

        /// <summary>A pixmap over a native block of this thread's <see cref="PixelBlocks"/>; disposing gives the block back.</summary>
        private sealed class PooledPixmap : IDisposable
        {
            private readonly PixelBlocks _owner;
            private PixelBlocks.Block _block;

            private PooledPixmap(SKImageInfo info)
            {
                _owner = PixelBlocks.ForCurrentThread();
                _block = _owner.Rent(info.BytesSize64);
                Pixmap = new SKPixmap(info, _block.Address, info.RowBytes);
            }

            public SKPixmap Pixmap { get; private set; }

            public static PooledPixmap Rent(SKImageInfo info) => new PooledPixmap(info);

            public void Dispose()
            {
                Pixmap?.Dispose();
                Pixmap = null;
                if (_block != null)
                {
                    _owner.Return(_block);
                    _block = null;
                }
            }
        }

        /// <summary>
        /// Native pixel memory kept per thread and reused from image to image (a parse needs at most four blocks at
        /// once: decoded, two resize steps, thumbnail), so pixels are not allocated and zeroed anew for every file and
        /// the memory stays out of the GC heap. Freed by the finalizer once the thread has ended.
        /// </summary>
        private sealed class PixelBlocks
        {
            private const int MaxKept = 4;
            private const long MaxKeptBytes = 64L << 20;

            [ThreadStatic]
            private static PixelBlocks _current;

            private readonly List<Block> _free = new List<Block>(MaxKept);

            ~PixelBlocks()
            {
                foreach (var b in _free)
                {
                    Marshal.FreeHGlobal(b.Address);
                }
            }

            public static PixelBlocks ForCurrentThread() => _current ?? (_current = new PixelBlocks());

            public Block Rent(long bytes)
            {
                int best = -1;
                for (int i = 0; i < _free.Count; i++)
                {
                    if (_free[i].Capacity >= bytes && (best < 0 || _free[i].Capacity < _free[best].Capacity))
                    {
                        best = i;
                    }
                }

                if (best >= 0)
                {
                    var found = _free[best];
                    _free.RemoveAt(best);
                    return found;
                }

                return new Block(Marshal.AllocHGlobal(new IntPtr(Math.Max(bytes, 1))), bytes);
            }

            public void Return(Block block)
            {
                if (block.Capacity > MaxKeptBytes)
                {
                    Marshal.FreeHGlobal(block.Address);
                    return;
                }

                _free.Add(block);
                if (_free.Count > MaxKept)
                {
                    // Keep the largest blocks: they serve the smaller requests too.
                    int smallest = 0;
                    for (int i = 1; i < _free.Count; i++)
                    {
                        if (_free[i].Capacity < _free[smallest].Capacity)
                        {
                            smallest = i;
                        }
                    }

                    Marshal.FreeHGlobal(_free[smallest].Address);
                    _free.RemoveAt(smallest);
                }
            }

            public sealed class Block
            {
                public Block(IntPtr address, long capacity)
                {
                    Address = address;
                    Capacity = capacity;
                }

                public IntPtr Address { get; }

                public long Capacity { get; }
            }
        }

        private static StickyPiException Empty(string path) =>
            new StickyPiException(StickyErrorIds.EmptyFile, StickyErrorKind.InvalidData, path + ": file is empty (0 bytes)", path);

        private static StickyPiException Truncated(string path, string detail) =>
            new StickyPiException(StickyErrorIds.TruncatedJpeg, StickyErrorKind.InvalidData, path + ": truncated or corrupt JPEG: " + detail, path);

        private static string ToHex(byte[] hash)
        {
            var chars = new char[hash.Length * 2];
            for (var i = 0; i < hash.Length; i++)
            {
                chars[2 * i] = HexDigit(hash[i] >> 4);
                chars[(2 * i) + 1] = HexDigit(hash[i] & 0xF);
            }

            return new string(chars);
        }

        private static char HexDigit(int v) => (char)(v < 10 ? '0' + v : 'a' + v - 10);
    }
}
