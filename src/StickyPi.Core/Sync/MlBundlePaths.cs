using System;
using System.IO;
using System.Text;
using StickyPi.Core.Model;

namespace StickyPi.Core.Sync
{
    /// <summary>
    /// Validation of bundle names and file keys, so that nothing read from a listing, a remote or a caller can make a
    /// transfer read or write outside the bundle folder (upstream joins them into paths unchecked).
    /// </summary>
    public static class MlBundlePaths
    {
        /// <summary>Characters refused in names and key segments on every platform (a bundle must be usable on Windows too).</summary>
        private static readonly char[] Forbidden = { '\\', ':', '<', '>', '"', '|', '?', '*' };

        private static readonly StringComparison PathComparison =
            Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        /// <summary>Throws <c>InvalidMlBundleName</c> unless the name is one plain folder name.</summary>
        public static void CheckBundleName(string bundleName)
        {
            string problem = NameProblem(bundleName, isBundleName: true);
            if (problem != null)
            {
                throw new StickyPiException(MlBundleErrorIds.InvalidBundleName, StickyErrorKind.InvalidArgument,
                    "Invalid ML bundle name " + Show(bundleName) + ": " + problem + ".", bundleName);
            }
        }

        /// <summary>True when the name is a valid bundle name (see <see cref="CheckBundleName"/>).</summary>
        public static bool IsValidBundleName(string bundleName) => NameProblem(bundleName, isBundleName: true) == null;

        /// <summary>True when the key is a safe relative path (see <see cref="CheckKey"/>).</summary>
        public static bool IsValidKey(string key) => KeyProblem(key) == null;

        /// <summary>
        /// Throws <c>InvalidMlBundleKey</c> unless the key is a relative <c>/</c>-separated path of plain segments: no
        /// <c>..</c> or <c>.</c> segment, no empty segment, no leading <c>/</c>, no backslash, drive letter, UNC prefix,
        /// colon, NUL or other control character.
        /// </summary>
        public static void CheckKey(string key)
        {
            string problem = KeyProblem(key);
            if (problem != null)
            {
                throw InvalidKey(key, problem);
            }
        }

        /// <summary>
        /// The full path of a key under <paramref name="bundleRoot"/>, after checking the key and verifying (after
        /// <see cref="Path.GetFullPath(string)"/>) that the result is strictly inside the root.
        /// </summary>
        public static string Resolve(string bundleRoot, string key)
        {
            CheckKey(key);
            string root = TrimEnd(Path.GetFullPath(bundleRoot));
            string full = Path.GetFullPath(Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar)));
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, PathComparison) || full.Length <= root.Length + 1)
            {
                throw InvalidKey(key, "it resolves to '" + full + "', outside '" + root + "'");
            }

            return full;
        }

        internal static string TrimEnd(string path)
        {
            string trimmed = path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            return trimmed.Length == 0 ? path : trimmed; // keep "/" itself
        }

        internal static string Show(string value)
        {
            if (value == null)
            {
                return "(null)";
            }

            var sb = new StringBuilder("'");
            foreach (var c in value)
            {
                if (char.IsControl(c))
                {
                    sb.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append(c);
                }
            }

            return sb.Append('\'').ToString();
        }

        private static StickyPiException InvalidKey(string key, string problem) =>
            new StickyPiException(MlBundleErrorIds.InvalidKey, StickyErrorKind.InvalidArgument,
                "Invalid ML bundle file key " + Show(key) + ": " + problem + ".", key);

        private static string KeyProblem(string key)
        {
            if (string.IsNullOrEmpty(key))
            {
                return "it is empty";
            }

            if (key[0] == '/')
            {
                return "it is an absolute path (leading '/')";
            }

            if (key.StartsWith("\\\\", StringComparison.Ordinal) || key.StartsWith("//", StringComparison.Ordinal))
            {
                return "it is a UNC path";
            }

            if (key.Length >= 2 && key[1] == ':' && ((key[0] >= 'A' && key[0] <= 'Z') || (key[0] >= 'a' && key[0] <= 'z')))
            {
                return "it starts with a drive letter";
            }

            foreach (var segment in key.Split('/'))
            {
                string problem = NameProblem(segment, isBundleName: false);
                if (problem != null)
                {
                    return problem;
                }
            }

            return null;
        }

        private static string NameProblem(string name, bool isBundleName)
        {
            if (string.IsNullOrEmpty(name))
            {
                return isBundleName ? "it is empty" : "it has an empty path segment";
            }

            if (name == "." || name == "..")
            {
                return isBundleName ? "'" + name + "' is not a folder name" : "it has a '" + name + "' segment";
            }

            foreach (var c in name)
            {
                if (c == '\0')
                {
                    return "it contains a NUL character";
                }

                if (char.IsControl(c))
                {
                    return "it contains a control character";
                }

                if (c == '/')
                {
                    return "it contains a path separator '/'";
                }

                if (c == '\\')
                {
                    return "it contains a backslash";
                }

                if (Array.IndexOf(Forbidden, c) >= 0)
                {
                    return "it contains '" + c + "'";
                }
            }

            return null;
        }
    }
}
