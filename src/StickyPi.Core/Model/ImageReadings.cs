using System;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// The columns an image contributes to the <c>images</c> table (spec §2.2): its key, checksum, size and the
    /// device's sensor readings. Shared by what the parser reads and what the catalog stores.
    /// </summary>
    public abstract class ImageReadings
    {
        public string Device { get; set; }

        /// <summary>Capture time from the file name, UTC.</summary>
        public DateTime DateTime { get; set; }

        public string Md5 { get; set; }

        /// <summary>Firmware version (2022 devices); the catalog stores upstream's default <c>1.0.0</c> for legacy images.</summary>
        public string DeviceVersion { get; set; }

        public int Width { get; set; }

        public int Height { get; set; }

        public double? Lat { get; set; }

        public double? Lng { get; set; }

        public double? Alt { get; set; }

        public double? Temp { get; set; }

        public double? Hum { get; set; }

        public double? Lum { get; set; }

        public double? Bat { get; set; }

        public bool? But { get; set; }

        public ImageKey Key => new ImageKey(Device, DateTime);
    }
}
