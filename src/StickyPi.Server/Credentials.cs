using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;

namespace StickyPi.Server
{
    /// <summary>
    /// Upstream's credential check (spec §1.2.3): HTTP Basic; the user field is tried as a token first (password
    /// ignored), then as a user name with its password. Users are looked up by exact name and by id, never with LIKE
    /// (spec §8 #5). A successful password check is remembered for a minute (as a hash of name and password), since
    /// SHA-512-crypt with 656,000 rounds costs a large fraction of a second per request.
    /// </summary>
    public sealed class Credentials
    {
        private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);
        private readonly IStickyBackend _backend;
        private readonly ApiToken _tokens;
        private readonly ConcurrentDictionary<string, (long Id, DateTime Until)> _verified = new ConcurrentDictionary<string, (long, DateTime)>();

        // User names by id, so a user's token and password requests share one rate-limit bucket (names never change).
        private readonly ConcurrentDictionary<long, string> _names = new ConcurrentDictionary<long, string>();

        public Credentials(IStickyBackend backend, ApiToken tokens)
        {
            _backend = backend;
            _tokens = tokens;
        }

        public ApiToken Tokens => _tokens;

        /// <summary>The caller of a request, or null when the credentials are missing or wrong.</summary>
        public CallerIdentity Authenticate(HttpContext http)
        {
            if (!TryReadBasic(http.Request, out var user, out var password) || user.Length == 0)
            {
                return null;
            }

            var now = DateTime.UtcNow;
            if (_tokens.TryValidate(user, now, out long id, out _))
            {
                var byToken = _backend.FindCallerIdentity(id);
                if (byToken != null)
                {
                    _names[id] = byToken.UserName;
                    return byToken;
                }
            }

            string memo = Memo(user, password);
            if (_verified.TryGetValue(memo, out var known) && known.Until > now)
            {
                var again = _backend.FindCallerIdentity(known.Id);
                if (again != null && again.UserName == user)
                {
                    return again;
                }
            }

            var chars = password.ToCharArray();
            try
            {
                if (!_backend.VerifyPassword(user, chars))
                {
                    return null;
                }
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
            }

            CallerIdentity caller;
            try
            {
                caller = _backend.GetCallerIdentity(user);
            }
            catch (StickyPiException e) when (e.Kind == StickyErrorKind.NotFound)
            {
                return null;
            }

            if (_verified.Count > 10000)
            {
                _verified.Clear();
            }

            _verified[memo] = (caller.Id ?? 0, now + RememberFor);
            return caller;
        }

        /// <summary>A rate-limit partition for the request: the token's user id, else the user name, else the client address.</summary>
        public string PartitionOf(HttpContext http)
        {
            if (TryReadBasic(http.Request, out var user, out _) && user.Length > 0)
            {
                if (_tokens.TryValidate(user, DateTime.UtcNow, out long id, out _))
                {
                    return _names.TryGetValue(id, out var name) ? "user:" + name : "id:" + id;
                }

                return "user:" + user;
            }

            return "ip:" + http.Connection.RemoteIpAddress;
        }

        /// <summary>The Basic user field if it is a user name (not a token), for logs; never the password or a token.</summary>
        public static string LoggableUser(HttpContext http, CallerIdentity caller) => caller?.UserName;

        internal static bool TryReadBasic(HttpRequest request, out string user, out string password)
        {
            user = null;
            password = null;
            string header = request.Headers.Authorization;
            if (string.IsNullOrEmpty(header) || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Substring(6).Trim()));
            }
            catch (FormatException)
            {
                return false;
            }

            int colon = decoded.IndexOf(':');
            if (colon < 0)
            {
                return false;
            }

            user = decoded.Substring(0, colon);
            password = decoded.Substring(colon + 1);
            return true;
        }

        private static string Memo(string user, string password)
        {
            var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(user + "\0" + password));
            return Convert.ToHexString(bytes);
        }
    }
}
