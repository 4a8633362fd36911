using System;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;

namespace StickyPi.Server
{
    /// <summary>Turns the back-end's file locations into signed, expiring URLs on this server (spec §5.2's presigned URLs).</summary>
    public sealed class FileUrls
    {
        public const string FilesPrefix = "/files/";
        public const string UploadPath = "/files/upload";

        private readonly IStickyBackend _backend;
        private readonly SignedFileUrl _signer;
        private readonly ServerSettings _settings;

        public FileUrls(IStickyBackend backend, SignedFileUrl signer, ServerSettings settings)
        {
            _backend = backend;
            _signer = signer;
            _settings = settings;
        }

        public SignedFileUrl Signer => _signer;

        /// <summary>The storage key of a location the catalog returned, or null.</summary>
        public string KeyOf(string location) => string.IsNullOrEmpty(location) ? null : (StorageKey.IsValid(location) ? location : _backend.Files.KeyOf(location));

        /// <summary>A signed download URL for a location the catalog returned; "" when it has none.</summary>
        public string Download(HttpContext http, string location)
        {
            var key = KeyOf(location);
            if (key == null)
            {
                return string.Empty;
            }

            long expires = Expiry();
            return BaseUrl(http) + FilesPrefix + SignedFileUrl.EncodeKey(key) + "?expires=" + expires.ToString(CultureInfo.InvariantCulture) +
                "&signature=" + _signer.Sign(SignedFileUrl.DownloadPurpose, key, expires);
        }

        /// <summary>The presigned-POST-shaped upload link for a key: the URL and the form fields to send with the <c>file</c> part.</summary>
        public (string Url, string Key, string Expires, string Signature) Upload(HttpContext http, string key)
        {
            long expires = Expiry();
            return (BaseUrl(http) + UploadPath, key, expires.ToString(CultureInfo.InvariantCulture), _signer.Sign(SignedFileUrl.UploadPurpose, key, expires));
        }

        private long Expiry() => ApiToken.ToUnixSeconds(DateTime.UtcNow) + (long)_settings.UrlLifetime.TotalSeconds;

        private string BaseUrl(HttpContext http) =>
            !string.IsNullOrEmpty(_settings.PublicBaseUrl) ? _settings.PublicBaseUrl.TrimEnd('/') : http.Request.Scheme + "://" + http.Request.Host.Value;
    }
}
