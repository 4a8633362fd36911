using System;

namespace StickyPi.Core.Model
{
    /// <summary>Which stored file a query should point at (upstream's <c>what</c>: metadata, image, thumbnail, thumbnail-mini).</summary>
    public enum ImageFileKind
    {
        Metadata,
        Image,
        Thumbnail,
        ThumbnailMini,
    }

    /// <summary>A row of the <c>images</c> table (spec §2.2), plus the path or URL asked for with <see cref="ImageFileKind"/>.</summary>
    public class StickyImage : ImageReadings
    {
        public long? Id { get; set; }

        /// <summary>When the row was created (UTC; upstream used server local time, spec §8 #14).</summary>
        public DateTime DateTimeCreated { get; set; }

        public string ApiVersion { get; set; }

        public long? ApiUserId { get; set; }

        /// <summary>Local path (or URL) of the file asked for; empty for metadata queries, as upstream's <c>url</c>.</summary>
        public string Url { get; set; } = string.Empty;

        /// <summary>Upstream's stored file name <c>device.YYYY-MM-DD_HH-MM-SS.jpg</c>.</summary>
        public string FileName => Key.FileName;

        public override string ToString() => FileName;
    }

    /// <summary>
    /// One row of the images ⟕ UID-annotations join (spec §3.9): the image, and one of its annotations or none.
    /// An image with k annotations appears k times, as upstream's join does.
    /// </summary>
    public sealed class StickyAnnotatedImage : StickyImage
    {
        /// <summary>The joined annotation, or null when the image has none.</summary>
        public UidAnnotation Annotation { get; set; }

        public string AlgoName => Annotation?.AlgoName;

        public string AlgoVersion => Annotation?.AlgoVersion;

        public int? NObjects => Annotation?.NObjects;
    }
}
