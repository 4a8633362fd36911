using System;
using System.Globalization;

namespace StickyPi.Core.Model
{
    /// <summary>The natural key of an image: device id and capture time (UTC, whole seconds).</summary>
    public readonly struct ImageKey : IEquatable<ImageKey>
    {
        public ImageKey(string device, DateTime dateTime)
        {
            Device = device ?? throw new ArgumentNullException(nameof(device));
            DateTime = StickyTime.Normalize(dateTime);
        }

        public string Device { get; }

        public DateTime DateTime { get; }

        /// <summary>Upstream's stored file name, always rebuilt as <c>device.YYYY-MM-DD_HH-MM-SS.jpg</c>.</summary>
        public string FileName => Device + "." + DateTime.ToString(StickyTime.FileNameFormat, CultureInfo.InvariantCulture) + ".jpg";

        public bool Equals(ImageKey other) =>
            string.Equals(Device, other.Device, StringComparison.Ordinal) && DateTime == other.DateTime;

        public override bool Equals(object obj) => obj is ImageKey other && Equals(other);

        public override int GetHashCode() => ((Device?.GetHashCode() ?? 0) * 397) ^ DateTime.GetHashCode();

        public override string ToString() => Device + "@" + StickyTime.ToWire(DateTime);
    }
}
