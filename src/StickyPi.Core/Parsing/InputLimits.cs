using System;

namespace StickyPi.Core.Parsing
{
    /// <summary>
    /// How much one input may make the core allocate: memory is bounded by these numbers, never by what a file
    /// declares. One instance configures an import (<c>ImageImportOptions.Limits</c>), a parser, or (later) the server.
    /// </summary>
    public sealed class InputLimits
    {
        /// <summary>
        /// Pillow's decompression-bomb threshold (<c>2 * Image.MAX_IMAGE_PIXELS</c>): upstream refuses any image with
        /// more pixels than this, so refusing the same is never stricter than upstream.
        /// </summary>
        public const long PillowMaxImagePixels = 178_956_970;

        /// <summary>Default largest image file read: Sticky Pi originals are 1–6 MB.</summary>
        public const long DefaultMaxImageFileBytes = 64L << 20;

        /// <summary>Default largest annotation JSON file: upstream's largest real ones are a few MB.</summary>
        public const long DefaultMaxAnnotationFileBytes = 64L << 20;

        /// <summary>Default largest tuboid <c>metadata.txt</c> (one short line per shot).</summary>
        public const long DefaultMaxMetadataFileBytes = 4L << 20;

        private long _maxImagePixels = PillowMaxImagePixels;
        private long _maxImageFileBytes = DefaultMaxImageFileBytes;
        private long _maxAnnotationFileBytes = DefaultMaxAnnotationFileBytes;
        private long _maxMetadataFileBytes = DefaultMaxMetadataFileBytes;

        /// <summary>The defaults (a new instance each time, so nobody changes them for everyone).</summary>
        public static InputLimits Default => new InputLimits();

        /// <summary>
        /// Largest width × height accepted, read from the JPEG frame header before any pixel is decoded
        /// (<c>ImageTooLarge</c> above it). Default <see cref="PillowMaxImagePixels"/>.
        /// </summary>
        public long MaxImagePixels
        {
            get => _maxImagePixels;
            set => _maxImagePixels = Positive(value, nameof(MaxImagePixels));
        }

        /// <summary>Largest image (or tuboid image) file read into memory (<c>FileTooLarge</c> above it).</summary>
        public long MaxImageFileBytes
        {
            get => _maxImageFileBytes;
            set => _maxImageFileBytes = Math.Min(Positive(value, nameof(MaxImageFileBytes)), int.MaxValue - 64);
        }

        /// <summary>Largest UID annotation JSON file read (<c>FileTooLarge</c> above it).</summary>
        public long MaxAnnotationFileBytes
        {
            get => _maxAnnotationFileBytes;
            set => _maxAnnotationFileBytes = Math.Min(Positive(value, nameof(MaxAnnotationFileBytes)), int.MaxValue / 4);
        }

        /// <summary>Largest tuboid <c>metadata.txt</c> read (<c>FileTooLarge</c> above it).</summary>
        public long MaxMetadataFileBytes
        {
            get => _maxMetadataFileBytes;
            set => _maxMetadataFileBytes = Math.Min(Positive(value, nameof(MaxMetadataFileBytes)), int.MaxValue / 4);
        }

        private static long Positive(long value, string name) =>
            value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, name + " must be positive.");
    }
}
