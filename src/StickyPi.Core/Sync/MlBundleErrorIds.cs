namespace StickyPi.Core.Sync
{
    /// <summary>Stable error ids of the ML bundle flow.</summary>
    public static class MlBundleErrorIds
    {
        /// <summary>A bundle name that is empty, contains a separator, a control character or is <c>.</c>/<c>..</c>.</summary>
        public const string InvalidBundleName = "InvalidMlBundleName";

        /// <summary>A file key that could escape the bundle folder (<c>..</c>, absolute, drive, UNC, backslash, NUL…).</summary>
        public const string InvalidKey = "InvalidMlBundleKey";

        /// <summary>Pull target folder whose last component is not the bundle name (upstream's rule).</summary>
        public const string DirectoryNameMismatch = "MlBundleDirectoryNameMismatch";

        /// <summary>The local folder to push does not exist.</summary>
        public const string DirectoryNotFound = "MlBundleDirectoryNotFound";

        /// <summary>The stored file of a listed key is gone.</summary>
        public const string FileNotFound = "MlBundleFileNotFound";

        /// <summary>A transferred file's checksum differs from the listed one (nothing is renamed into place).</summary>
        public const string ChecksumMismatch = Model.StickyErrorIds.Md5Mismatch;

        /// <summary>A path on the way to the bundle file is a symbolic link or junction (the store refuses to follow it).</summary>
        public const string LinkInBundlePath = "MlBundleLinkInPath";

        /// <summary>A file could not be read or written during a transfer (I/O error, access denied).</summary>
        public const string TransferFailed = "MlBundleTransferFailed";

        /// <summary>A listed modification time that is not a number or lies outside years 0001–9999.</summary>
        public const string InvalidMTime = "InvalidMlBundleMTime";

        /// <summary>A symbolic link that leads outside the bundle folder, or to nothing.</summary>
        public const string LinkOutsideBundle = "MlBundleLinkOutside";
    }
}
