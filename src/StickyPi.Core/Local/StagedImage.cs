using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// An image whose three files were written by <see cref="LocalStickyStore.StageImage(ParsedImage, byte[], int)"/> and that waits for
    /// <see cref="LocalStickyStore.CommitStagedImages"/> to insert its row.
    /// </summary>
    /// <remarks>
    /// Files of a new image are already under their final names (a crash before the commit leaves orphan files, never
    /// a row without files). When a row with the same key existed at staging time, the files stay in the store's
    /// temporary folder until the commit decides (replace or duplicate), so a stored original is never overwritten by
    /// an image that will not be committed (spec §8 #6).
    /// </remarks>
    public sealed class StagedImage
    {
        internal StagedImage(StickyImage row, string imagePath, string thumbnailPath, string thumbnailMiniPath, string[] pendingPaths)
        {
            Row = row;
            ImagePath = imagePath;
            ThumbnailPath = thumbnailPath;
            ThumbnailMiniPath = thumbnailMiniPath;
            PendingPaths = pendingPaths;
        }

        /// <summary>The row values to insert (<see cref="StickyImage.Id"/> null; defaults applied).</summary>
        public StickyImage Row { get; }

        public ImageKey Key => Row.Key;

        public string Md5 => Row.Md5;

        /// <summary>Final absolute path of the original JPEG.</summary>
        public string ImagePath { get; }

        public string ThumbnailPath { get; }

        public string ThumbnailMiniPath { get; }

        /// <summary>True when the files are not yet under their final names (a row with this key existed at staging).</summary>
        public bool IsPending => PendingPaths != null;

        /// <summary>Temporary files (original, thumbnail, mini) of a pending image, else null.</summary>
        internal string[] PendingPaths { get; }

        internal string[] FinalPaths => new[] { ImagePath, ThumbnailPath, ThumbnailMiniPath };

        /// <summary>Set once committed, so the same staged files cannot be committed twice.</summary>
        internal bool Committed { get; set; }

        public override string ToString() => Row.FileName + (IsPending ? " (pending)" : string.Empty);
    }
}
