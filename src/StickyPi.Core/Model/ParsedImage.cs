using System;
using System.Collections.Generic;

namespace StickyPi.Core.Model
{
    /// <summary>Which of the two on-device metadata formats an image carries (spec §4.3).</summary>
    public enum ExifFormat
    {
        /// <summary>2020 devices: a Python dict literal in EXIF <c>Make</c>.</summary>
        Legacy2020,

        /// <summary>2022 devices: a two-line CSV in EXIF <c>UserComment</c>.</summary>
        Csv2022,
    }

    /// <summary>Everything the parser learns from one image file (spec §4); the columns of <c>images</c> plus extras.</summary>
    public sealed class ParsedImage : ImageReadings
    {
        public string SourcePath { get; set; }

        public ExifFormat Format { get; set; }

        /// <summary>Values parsed but not stored upstream (e.g. <c>no_flash_exposure_time</c>), keyed by upstream's names.</summary>
        public IDictionary<string, object> Extra { get; } = new Dictionary<string, object>(StringComparer.Ordinal);

        /// <summary>512×384 JPEG, when thumbnails were asked for.</summary>
        public byte[] Thumbnail { get; set; }

        /// <summary>128×96 JPEG, when thumbnails were asked for.</summary>
        public byte[] ThumbnailMini { get; set; }

    }
}
