using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace StickyPi.Core.Access
{
    /// <summary>
    /// Upstream's API tokens (spec §1.2.4): itsdangerous <c>URLSafeTimedSerializer</c> with the default salt and SHA-1,
    /// payload <c>{"id":&lt;user id&gt;}</c>. A token issued by upstream's server with the same <c>SECRET_API_KEY</c>
    /// is accepted here and the reverse. Valid for <see cref="Lifetime"/> after issue, never issued in the future.
    /// </summary>
    public sealed class ApiToken
    {
        /// <summary>Upstream's token lifetime: 24 hours.</summary>
        public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(86400);

        private static readonly Regex Payload = new Regex("^\\{\\s*\"id\"\\s*:\\s*([0-9]{1,18})\\s*\\}$", RegexOptions.CultureInvariant);
        private readonly byte[] _key;

        public ApiToken(string secretKey)
        {
            if (string.IsNullOrEmpty(secretKey))
            {
                throw new ArgumentException("A secret key is required to sign tokens.", nameof(secretKey));
            }

            // itsdangerous' "django-concat" key derivation: SHA1(salt + "signer" + secret).
            using (var sha1 = SHA1.Create())
            {
                _key = sha1.ComputeHash(Encoding.UTF8.GetBytes("itsdangerous" + "signer" + secretKey));
            }
        }

        /// <summary>Issues a token for a user id at <paramref name="issuedUtc"/> (seconds precision).</summary>
        public string Issue(long userId, DateTime issuedUtc)
        {
            string payload = Base64Url(Encoding.UTF8.GetBytes("{\"id\":" + userId.ToString(CultureInfo.InvariantCulture) + "}"));
            long seconds = ToUnixSeconds(issuedUtc);
            var be = new byte[8];
            for (int i = 0; i < 8; i++)
            {
                be[7 - i] = (byte)(seconds >> (8 * i));
            }

            int skip = 0;
            while (skip < 7 && be[skip] == 0)
            {
                skip++;
            }

            var ts = new byte[8 - skip];
            Array.Copy(be, skip, ts, 0, ts.Length);
            string signed = payload + "." + Base64Url(ts);
            return signed + "." + Base64Url(Sign(signed));
        }

        /// <summary>
        /// The user id of a valid token: good signature, issued no later than <paramref name="nowUtc"/> and at most
        /// <see cref="Lifetime"/> before it. False for anything else, without throwing.
        /// </summary>
        public bool TryValidate(string token, DateTime nowUtc, out long userId, out DateTime issuedUtc)
        {
            userId = 0;
            issuedUtc = default;
            if (string.IsNullOrEmpty(token) || token.Length > 512)
            {
                return false;
            }

            int last = token.LastIndexOf('.');
            if (last <= 0)
            {
                return false;
            }

            string signed = token.Substring(0, last);
            int mid = signed.LastIndexOf('.');
            if (mid <= 0)
            {
                return false;
            }

            byte[] sig = FromBase64Url(token.Substring(last + 1));
            byte[] ts = FromBase64Url(signed.Substring(mid + 1));
            if (sig == null || ts == null || ts.Length == 0 || ts.Length > 8)
            {
                return false;
            }

            if (!FixedTimeEquals(sig, Sign(signed)))
            {
                return false;
            }

            long seconds = 0;
            foreach (var b in ts)
            {
                seconds = (seconds << 8) | b;
            }

            if (seconds < 0)
            {
                return false;
            }

            long now = ToUnixSeconds(nowUtc);
            if (seconds > now || now - seconds > (long)Lifetime.TotalSeconds)
            {
                return false;
            }

            string payloadText = signed.Substring(0, mid);
            if (payloadText.StartsWith(".", StringComparison.Ordinal))
            {
                return false; // zlib-compressed payloads never occur for {"id": n}.
            }

            var payload = FromBase64Url(payloadText);
            if (payload == null)
            {
                return false;
            }

            var m = Payload.Match(Encoding.UTF8.GetString(payload));
            if (!m.Success || !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out userId))
            {
                return false;
            }

            issuedUtc = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
            return true;
        }

        public static long ToUnixSeconds(DateTime utc) =>
            (long)Math.Floor((DateTime.SpecifyKind(utc.Kind == DateTimeKind.Local ? utc.ToUniversalTime() : utc, DateTimeKind.Utc) -
                new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds);

        private byte[] Sign(string text)
        {
            using (var hmac = new HMACSHA1(_key))
            {
                return hmac.ComputeHash(Encoding.ASCII.GetBytes(text));
            }
        }

        internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        internal static byte[] FromBase64Url(string text)
        {
            if (text.Length == 0)
            {
                return new byte[0];
            }

            foreach (char c in text)
            {
                if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'))
                {
                    return null;
                }
            }

            string s = text.Replace('-', '+').Replace('_', '/');
            switch (s.Length % 4)
            {
                case 1: return null;
                case 2: s += "=="; break;
                case 3: s += "="; break;
            }

            try
            {
                return Convert.FromBase64String(s);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        internal static bool FixedTimeEquals(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            int diff = 0;
            for (int i = 0; i < a.Length; i++)
            {
                diff |= a[i] ^ b[i];
            }

            return diff == 0;
        }
    }
}
