using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StickyPi.Core.Access;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// Expiring, signed links to stored files, like S3 presigned URLs: <c>/files/&lt;key&gt;?expires=&lt;unix s&gt;&amp;signature=&lt;b64url HMAC-SHA256&gt;</c>.
    /// The HMAC covers the purpose, the key and the expiry, so a changed key, expiry or signature is refused; nothing
    /// else (no token, no password) is needed to use one. Keys are checked by <see cref="StorageKey"/> first.
    /// </summary>
    public sealed class SignedFileUrl
    {
        /// <summary>Upstream's presigned URL lifetime: 7 days.</summary>
        public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(7);

        public const string DownloadPurpose = "GET";
        public const string UploadPurpose = "PUT";

        private readonly byte[] _key;

        public SignedFileUrl(string secretKey)
        {
            if (string.IsNullOrEmpty(secretKey))
            {
                throw new ArgumentException("A secret key is required to sign URLs.", nameof(secretKey));
            }

            // A key of its own, derived from the API secret, so URL signatures never double as token signatures.
            using (var sha = SHA256.Create())
            {
                _key = sha.ComputeHash(Encoding.UTF8.GetBytes("stickypi-signed-file-url\n" + secretKey));
            }
        }

        /// <summary>The signature of (purpose, key, expiry) as URL-safe base64.</summary>
        public string Sign(string purpose, string key, long expiresUnixSeconds)
        {
            StorageKey.Validate(key);
            using (var hmac = new HMACSHA256(_key))
            {
                var text = purpose + "\n" + key + "\n" + expiresUnixSeconds.ToString(CultureInfo.InvariantCulture);
                return ApiToken.Base64Url(hmac.ComputeHash(Encoding.UTF8.GetBytes(text)));
            }
        }

        /// <summary>True when the signature matches and the link has not expired at <paramref name="nowUtc"/>.</summary>
        public bool Verify(string purpose, string key, string expires, string signature, DateTime nowUtc)
        {
            if (!StorageKey.IsValid(key) || string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(expires) ||
                !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out long exp))
            {
                return false;
            }

            var given = ApiToken.FromBase64Url(signature);
            if (given == null)
            {
                return false;
            }

            var expected = ApiToken.FromBase64Url(Sign(purpose, key, exp));
            return ApiToken.FixedTimeEquals(given, expected) && exp >= ApiToken.ToUnixSeconds(nowUtc);
        }

        /// <summary>The key's path segment form: each segment percent-encoded, joined by <c>/</c>.</summary>
        public static string EncodeKey(string key)
        {
            var parts = key.Split('/');
            for (int i = 0; i < parts.Length; i++)
            {
                parts[i] = Uri.EscapeDataString(parts[i]);
            }

            return string.Join("/", parts);
        }
    }
}
