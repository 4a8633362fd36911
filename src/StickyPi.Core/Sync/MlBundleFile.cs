using System;
using System.Globalization;
using StickyPi.Core.Model;

namespace StickyPi.Core.Sync
{
    /// <summary>Which files of a bundle a listing or a transfer covers (upstream's <c>what</c>, spec §1.9).</summary>
    public enum MlBundleSelection
    {
        /// <summary>Every eligible file, including those at the bundle root.</summary>
        All,

        /// <summary>Files directly in <c>data/</c> or <c>config/</c>.</summary>
        Data,

        /// <summary>Files directly in <c>output/</c> or <c>config/</c>.</summary>
        Model,
    }

    /// <summary>Push = local folder to store (upload); Pull = store to local folder (download).</summary>
    public enum MlBundleDirection
    {
        Push,
        Pull,
    }

    /// <summary>
    /// One file of an ML bundle (upstream's <c>{key, path, md5, mtime, url}</c> entry). <see cref="Key"/> is the path
    /// relative to the bundle root with <c>/</c>; <see cref="Md5"/> is the 15 MiB multipart ETag of
    /// <see cref="MlBundleChecksum"/>; <see cref="MTime"/> is the modification time in UTC.
    /// </summary>
    public sealed class MlBundleFile
    {
        private static readonly DateTime UnixEpoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        public MlBundleFile(string bundleName, string key, string path, string md5, DateTime mtime, long size, string url = null)
        {
            BundleName = bundleName;
            Key = key ?? throw new ArgumentNullException(nameof(key));
            Path = path;
            Md5 = md5;
            MTime = mtime.Kind == DateTimeKind.Utc ? mtime : DateTime.SpecifyKind(mtime.ToUniversalTime(), DateTimeKind.Utc);
            Size = size;
            Url = url;
        }

        /// <summary>The bundle the file belongs to (may be null for a plain directory listing).</summary>
        public string BundleName { get; }

        /// <summary>Path relative to the bundle root, <c>/</c>-separated (e.g. <c>data/x.svg</c>).</summary>
        public string Key { get; }

        /// <summary>Where the file is on this side: a local path, or the stored file of the store.</summary>
        public string Path { get; }

        /// <summary>15 MiB multipart ETag (plain lowercase MD5 hex for files up to 15 MiB, "" for empty files).</summary>
        public string Md5 { get; }

        /// <summary>Modification time, UTC.</summary>
        public DateTime MTime { get; }

        /// <summary>Modification time as float Unix seconds (upstream's <c>mtime</c>).</summary>
        public double MTimeSeconds => (MTime - UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

        public long Size { get; }

        /// <summary>
        /// Transfer location given by the other side: for upload targets the destination, for remote listings the
        /// download location (the local store uses absolute file paths, as upstream's local API does).
        /// </summary>
        public string Url { get; }

        /// <summary>Converts float Unix seconds (upstream's <c>mtime</c>) to a UTC DateTime (100 ns resolution).</summary>
        /// <exception cref="StickyPiException"><c>InvalidMlBundleMTime</c>: not a number, or outside years 0001–9999.</exception>
        public static DateTime FromUnixSeconds(double seconds)
        {
            double ticks = Math.Round(seconds * TimeSpan.TicksPerSecond);
            double min = DateTime.MinValue.Ticks - UnixEpoch.Ticks, max = DateTime.MaxValue.Ticks - UnixEpoch.Ticks;
            if (double.IsNaN(ticks) || ticks < min || ticks > max)
            {
                throw new StickyPiException(MlBundleErrorIds.InvalidMTime, StickyErrorKind.InvalidArgument,
                    "Invalid ML bundle file mtime " + seconds.ToString("R", CultureInfo.InvariantCulture) + ": not a time between years 0001 and 9999.", seconds);
            }

            return UnixEpoch.AddTicks(Math.Min((long)ticks, DateTime.MaxValue.Ticks - UnixEpoch.Ticks));
        }

        public MlBundleFile WithUrl(string url) => new MlBundleFile(BundleName, Key, Path, Md5, MTime, Size, url);

        public MlBundleFile WithBundle(string bundleName) => new MlBundleFile(bundleName, Key, Path, Md5, MTime, Size, Url);

        public override string ToString() =>
            string.Format(CultureInfo.InvariantCulture, "{0} ({1} bytes, {2})", Key, Size, Md5);
    }
}
