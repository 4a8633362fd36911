using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StickyPi.Core.Access
{
    /// <summary>
    /// Upstream's password hashes (spec §1.2: passlib <c>custom_app_context</c>): new hashes are SHA-512-crypt
    /// <c>$6$rounds=656000$&lt;16-char salt&gt;$&lt;86 chars&gt;</c>; verification accepts SHA-512-crypt and SHA-256-crypt
    /// (<c>$5$</c>) with any <c>rounds=</c> value or the implicit 5000-round form. The algorithm is Ulrich Drepper's
    /// published "Unix crypt using SHA-256 and SHA-512" (the one glibc's crypt(3) and passlib implement).
    /// Passwords are UTF-8 encoded, as passlib encodes text secrets.
    /// </summary>
    public static class PasswordHash
    {
        /// <summary>passlib 1.7's default for sha512_crypt in custom_app_context.</summary>
        public const int DefaultRounds = 656000;

        public const int MinRounds = 1000;
        public const int MaxRounds = 999999999;

        /// <summary>Drepper's implicit round count (no <c>rounds=</c> in the hash).</summary>
        public const int ImplicitRounds = 5000;

        public const int SaltLength = 16;

        /// <summary>What every output shows instead of the hash (spec §2.8): 11 asterisks.</summary>
        public const string Mask = "***********";

        [ThreadStatic]
        private static long _hashesComputedOnThisThread;

        /// <summary>
        /// How many new hashes this thread has computed (<see cref="Hash"/>): lets tests check that a refused request,
        /// such as a name already taken, was refused before any expensive hashing.
        /// </summary>
        public static long HashesComputedOnThisThread => _hashesComputedOnThisThread;

        private const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

        private static readonly int[] Order512 =
        {
            0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51,
            31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60,
            40, 61, 19, 62, 20, 41,
        };

        private static readonly int[] Order256 =
        {
            0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14, 15, 25, 5, 6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19, 29,
        };

        /// <summary>
        /// A new SHA-512-crypt hash of the password with a random 16-character salt, in passlib's form
        /// (<c>$6$rounds=N$salt$checksum</c>, always with the rounds field).
        /// </summary>
        public static string Hash(char[] password, int rounds = DefaultRounds)
        {
            if (password == null)
            {
                throw new ArgumentNullException(nameof(password));
            }

            if (rounds < MinRounds || rounds > MaxRounds)
            {
                throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "SHA-512-crypt rounds must be between 1000 and 999999999.");
            }

            var salt = new char[SaltLength];
            var random = new byte[SaltLength];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(random);
            }

            for (int i = 0; i < SaltLength; i++)
            {
                salt[i] = Alphabet[random[i] & 0x3f];
            }

            var bytes = Utf8(password);
            _hashesComputedOnThisThread++;
            try
            {
                return Crypt(true, bytes, new string(salt), rounds, explicitRounds: true);
            }
            finally
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
        }

        /// <summary>
        /// Computes the hash of <paramref name="password"/> with the algorithm, rounds and salt of
        /// <paramref name="settingOrHash"/> (<c>$5$…</c> or <c>$6$…</c>, with or without a checksum), in crypt(3)'s
        /// output form: the result for a full hash equals that hash exactly when the password is right.
        /// </summary>
        public static string Compute(char[] password, string settingOrHash)
        {
            if (password == null)
            {
                throw new ArgumentNullException(nameof(password));
            }

            if (!TryParse(settingOrHash, out bool sha512, out int rounds, out bool explicitRounds, out string salt, out _))
            {
                throw new FormatException("Not a SHA-256-crypt or SHA-512-crypt hash: '" + settingOrHash + "'.");
            }

            var bytes = Utf8(password);
            try
            {
                return Crypt(sha512, bytes, salt, rounds, explicitRounds);
            }
            finally
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
        }

        /// <summary>True when the password matches the stored hash; false for a wrong password or an unknown hash format.</summary>
        public static bool Verify(char[] password, string storedHash)
        {
            if (password == null || storedHash == null)
            {
                return false;
            }

            if (!TryParse(storedHash, out bool sha512, out int rounds, out bool explicitRounds, out string salt, out string checksum) || checksum == null)
            {
                return false;
            }

            var bytes = Utf8(password);
            string computed;
            try
            {
                computed = Crypt(sha512, bytes, salt, rounds, explicitRounds);
            }
            finally
            {
                Array.Clear(bytes, 0, bytes.Length);
            }

            string computedChecksum = computed.Substring(computed.LastIndexOf('$') + 1);
            return FixedTimeEquals(computedChecksum, checksum);
        }

        /// <summary>True for a hash this class can verify (<c>$5$</c> or <c>$6$</c> with a checksum).</summary>
        public static bool IsSupported(string storedHash) =>
            TryParse(storedHash, out _, out _, out _, out _, out string checksum) && checksum != null;

        private static bool TryParse(string text, out bool sha512, out int rounds, out bool explicitRounds, out string salt, out string checksum)
        {
            sha512 = false;
            rounds = ImplicitRounds;
            explicitRounds = false;
            salt = null;
            checksum = null;
            if (text == null)
            {
                return false;
            }

            string rest;
            if (text.StartsWith("$6$", StringComparison.Ordinal))
            {
                sha512 = true;
                rest = text.Substring(3);
            }
            else if (text.StartsWith("$5$", StringComparison.Ordinal))
            {
                rest = text.Substring(3);
            }
            else
            {
                return false;
            }

            if (rest.StartsWith("rounds=", StringComparison.Ordinal))
            {
                int end = rest.IndexOf('$');
                if (end < 0)
                {
                    return false;
                }

                string digits = rest.Substring(7, end - 7);
                if (digits.Length == 0 || digits.Length > 10 ||
                    !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long r))
                {
                    return false;
                }

                // crypt(3) clamps out-of-range counts.
                rounds = (int)Math.Max(MinRounds, Math.Min(MaxRounds, r));
                explicitRounds = true;
                rest = rest.Substring(end + 1);
            }

            int dollar = rest.IndexOf('$');
            string saltPart = dollar < 0 ? rest : rest.Substring(0, dollar);
            salt = saltPart.Length > SaltLength ? saltPart.Substring(0, SaltLength) : saltPart;
            if (dollar >= 0)
            {
                checksum = rest.Substring(dollar + 1);
                if (checksum.Length == 0)
                {
                    checksum = null; // a setting ("$6$salt$") without checksum
                }
                else if (checksum.Length != (sha512 ? 86 : 43))
                {
                    return false;
                }
            }

            return true;
        }

        private static string Crypt(bool sha512, byte[] key, string saltText, int rounds, bool explicitRounds)
        {
            var salt = Encoding.UTF8.GetBytes(saltText);
            using (HashAlgorithm h = sha512 ? (HashAlgorithm)SHA512.Create() : SHA256.Create())
            {
                int n = sha512 ? 64 : 32;

                // B = H(key salt key)
                byte[] b = Digest(h, key, salt, key);

                // A = H(key salt B-stretched-to-|key| then, per bit of |key| from the lowest, B or key)
                h.Initialize();
                Append(h, key);
                Append(h, salt);
                int cnt;
                for (cnt = key.Length; cnt > n; cnt -= n)
                {
                    Append(h, b, n);
                }

                Append(h, b, cnt);
                for (cnt = key.Length; cnt > 0; cnt >>= 1)
                {
                    if ((cnt & 1) != 0)
                    {
                        Append(h, b, n);
                    }
                    else
                    {
                        Append(h, key);
                    }
                }

                byte[] a = Finish(h);

                // P sequence: H(key repeated |key| times), stretched to |key| bytes.
                h.Initialize();
                for (int i = 0; i < key.Length; i++)
                {
                    Append(h, key);
                }

                byte[] dp = Finish(h);
                var p = new byte[key.Length];
                for (int i = 0; i < p.Length; i++)
                {
                    p[i] = dp[i % n];
                }

                // S sequence: H(salt repeated 16 + A[0] times), first |salt| bytes.
                h.Initialize();
                for (int i = 0; i < 16 + a[0]; i++)
                {
                    Append(h, salt);
                }

                byte[] ds = Finish(h);
                var s = new byte[salt.Length];
                Array.Copy(ds, s, s.Length);

                // Rounds, each over one contiguous buffer (one hash call per round).
                var buffer = new byte[n + s.Length + 2 * p.Length + n];
                byte[] c = a;
                for (int i = 0; i < rounds; i++)
                {
                    int len = 0;
                    if ((i & 1) != 0)
                    {
                        Buffer.BlockCopy(p, 0, buffer, len, p.Length);
                        len += p.Length;
                    }
                    else
                    {
                        Buffer.BlockCopy(c, 0, buffer, len, n);
                        len += n;
                    }

                    if (i % 3 != 0)
                    {
                        Buffer.BlockCopy(s, 0, buffer, len, s.Length);
                        len += s.Length;
                    }

                    if (i % 7 != 0)
                    {
                        Buffer.BlockCopy(p, 0, buffer, len, p.Length);
                        len += p.Length;
                    }

                    if ((i & 1) != 0)
                    {
                        Buffer.BlockCopy(c, 0, buffer, len, n);
                        len += n;
                    }
                    else
                    {
                        Buffer.BlockCopy(p, 0, buffer, len, p.Length);
                        len += p.Length;
                    }

                    c = h.ComputeHash(buffer, 0, len);
                }

                Array.Clear(buffer, 0, buffer.Length);
                Array.Clear(p, 0, p.Length);
                Array.Clear(dp, 0, dp.Length);

                var sb = new StringBuilder(sha512 ? 123 : 80);
                sb.Append(sha512 ? "$6$" : "$5$");
                if (explicitRounds)
                {
                    sb.Append("rounds=").Append(rounds.ToString(CultureInfo.InvariantCulture)).Append('$');
                }

                sb.Append(saltText).Append('$');
                var order = sha512 ? Order512 : Order256;
                for (int i = 0; i < order.Length; i += 3)
                {
                    Encode(sb, c[order[i]], c[order[i + 1]], c[order[i + 2]], 4);
                }

                if (sha512)
                {
                    Encode(sb, 0, 0, c[63], 2);
                }
                else
                {
                    Encode(sb, 0, c[31], c[30], 3);
                }

                return sb.ToString();
            }
        }

        private static void Encode(StringBuilder sb, byte b2, byte b1, byte b0, int chars)
        {
            int w = (b2 << 16) | (b1 << 8) | b0;
            for (int i = 0; i < chars; i++)
            {
                sb.Append(Alphabet[w & 0x3f]);
                w >>= 6;
            }
        }

        private static byte[] Digest(HashAlgorithm h, params byte[][] parts)
        {
            h.Initialize();
            foreach (var part in parts)
            {
                Append(h, part);
            }

            return Finish(h);
        }

        private static void Append(HashAlgorithm h, byte[] data, int count = -1)
        {
            int len = count < 0 ? data.Length : count;
            if (len > 0)
            {
                h.TransformBlock(data, 0, len, null, 0);
            }
        }

        private static byte[] Finish(HashAlgorithm h)
        {
            h.TransformFinalBlock(new byte[0], 0, 0);
            var result = h.Hash;
            h.Initialize();
            return result;
        }

        private static byte[] Utf8(char[] password) => Encoding.UTF8.GetBytes(password);

        private static bool FixedTimeEquals(string a, string b)
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
