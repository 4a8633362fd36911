using System;
using StickyPi.Core.Model;

namespace StickyPi.Core.Backend
{
    /// <summary>Rules every storage key obeys, so that no name or key from a client can reach outside the public files.</summary>
    public static class StorageKey
    {
        public const string InvalidKeyId = "InvalidStorageKey";

        /// <summary>The prefixes of public files (spec §5); the catalog and private folders are never keys.</summary>
        public static readonly string[] PublicPrefixes = { "raw_images/", "tiled_tuboids/", "ml/" };

        /// <summary>True when the key is well-formed and under a public prefix.</summary>
        public static bool IsValid(string key) => Problem(key) == null;

        /// <summary>Throws InvalidArgument (<c>InvalidStorageKey</c>) naming the key unless <see cref="IsValid"/>.</summary>
        public static string Validate(string key)
        {
            var problem = Problem(key);
            if (problem != null)
            {
                throw new StickyPiException(InvalidKeyId, StickyErrorKind.InvalidArgument, "Invalid file key '" + key + "': " + problem + ".", key);
            }

            return key;
        }

        /// <summary>
        /// The key of an image's file in upstream's layout: <c>raw_images/&lt;device&gt;/&lt;file&gt;.jpg</c>, with
        /// <c>.thumbnail</c> or <c>.thumbnail-mini</c> appended for the thumbnails; empty for <c>Metadata</c>.
        /// </summary>
        public static string OfImage(ImageKey image, ImageFileKind what)
        {
            string original = "raw_images/" + image.Device + "/" + image.FileName;
            switch (what)
            {
                case ImageFileKind.Metadata:
                    return string.Empty;
                case ImageFileKind.Image:
                    return Validate(original);
                case ImageFileKind.Thumbnail:
                    return Validate(original + Local.LocalFileStore.ThumbnailSuffix);
                case ImageFileKind.ThumbnailMini:
                    return Validate(original + Local.LocalFileStore.ThumbnailMiniSuffix);
                default:
                    throw new ArgumentOutOfRangeException(nameof(what), what, "Unknown image file kind.");
            }
        }

        /// <summary>The key of one of a tuboid's files in upstream's layout: <c>tiled_tuboids/&lt;series id&gt;/&lt;tuboid id&gt;/&lt;file&gt;</c>.</summary>
        public static string OfTuboidFile(TiledTuboid tuboid, string fileName) =>
            Validate("tiled_tuboids/" + tuboid.SeriesId + "/" + tuboid.TuboidId + "/" + fileName);

        private static string Problem(string key)
        {
            if (string.IsNullOrEmpty(key))
            {
                return "empty";
            }

            if (key.Length > 1024)
            {
                return "longer than 1024 characters";
            }

            bool prefixed = false;
            foreach (var p in PublicPrefixes)
            {
                if (key.StartsWith(p, StringComparison.Ordinal) && key.Length > p.Length)
                {
                    prefixed = true;
                }
            }

            if (!prefixed)
            {
                return "not under raw_images/, tiled_tuboids/ or ml/";
            }

            foreach (char c in key)
            {
                if (c < 0x20 || c == 0x7f || c == '\\' || c == ':' || c == '\0')
                {
                    return "contains a control character, a backslash or a colon";
                }
            }

            foreach (var segment in key.Split('/'))
            {
                if (segment.Length == 0 || segment == "." || segment == "..")
                {
                    return "contains an empty, '.' or '..' segment";
                }

                if (segment.Trim().Length != segment.Length || segment.EndsWith(".", StringComparison.Ordinal))
                {
                    return "a segment starts or ends with a space or ends with a dot";
                }
            }

            return null;
        }
    }
}
