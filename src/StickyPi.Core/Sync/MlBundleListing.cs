using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Model;

namespace StickyPi.Core.Sync
{
    /// <summary>
    /// The eligible files of a bundle folder (upstream's <c>local_bundle_files_info</c>, spec §1.9): names ending with
    /// one of <see cref="EligibleSuffixes"/> (ordinal, case-sensitive); <c>what</c> selects by the <em>whole</em>
    /// relative directory. Directories named <c>.cache</c> are skipped with everything below them (upstream only skips
    /// the folder itself, spec §8 #24). Symbolic links are followed, as upstream does, down to
    /// <see cref="MaxDepth"/> levels.
    /// </summary>
    public static class MlBundleListing
    {
        /// <summary>Upstream's allowed suffixes, in upstream's order.</summary>
        public static readonly IReadOnlyList<string> EligibleSuffixes = new[] { ".yaml", ".yml", "model_final.pth", ".svg", ".jpeg", ".jpg", ".txt", ".db" };

        public const string CacheDirName = ".cache";

        /// <summary>Guards against symbolic-link loops.</summary>
        public const int MaxDepth = 32;

        /// <summary>True when a file name has an eligible suffix.</summary>
        public static bool IsEligible(string fileName) =>
            !string.IsNullOrEmpty(fileName) && EligibleSuffixes.Any(s => fileName.EndsWith(s, StringComparison.Ordinal));

        /// <summary>True when a key (relative path with '/') belongs to the selection: compares its whole directory.</summary>
        public static bool Selects(string key, MlBundleSelection what)
        {
            int slash = key.LastIndexOf('/');
            string dir = slash < 0 ? string.Empty : key.Substring(0, slash);
            switch (what)
            {
                case MlBundleSelection.All:
                    return true;
                case MlBundleSelection.Data:
                    return dir == "data" || dir == "config";
                case MlBundleSelection.Model:
                    return dir == "output" || dir == "config";
                default:
                    throw new ArgumentOutOfRangeException(nameof(what), what, "Unknown ML bundle selection.");
            }
        }

        /// <summary>
        /// Eligible, selected files under <paramref name="directory"/>, sorted by key, with their checksums (unless
        /// <paramref name="computeMd5"/> is false). A missing directory lists nothing. Files whose relative path is not
        /// a valid key (<see cref="MlBundlePaths.CheckKey"/>) are left out and passed to <paramref name="onInvalid"/>.
        /// </summary>
        public static IReadOnlyList<MlBundleFile> List(string directory, MlBundleSelection what, string bundleName = null,
            bool computeMd5 = true, Action<string, StickyPiException> onInvalid = null, CancellationToken cancellationToken = default)
        {
            var result = new List<MlBundleFile>();
            if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
            {
                return result;
            }

            string root = MlBundlePaths.TrimEnd(Path.GetFullPath(directory));
            foreach (var (path, key) in Walk(root, string.Empty, 0, cancellationToken))
            {
                if (!IsEligible(Path.GetFileName(path)) || !Selects(key, what))
                {
                    continue;
                }

                if (!MlBundlePaths.IsValidKey(key))
                {
                    try
                    {
                        MlBundlePaths.CheckKey(key);
                    }
                    catch (StickyPiException e)
                    {
                        onInvalid?.Invoke(path, e);
                    }

                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                var info = new FileInfo(path);
                string md5 = computeMd5 ? MlBundleChecksum.Compute(path, cancellationToken) : null;
                result.Add(new MlBundleFile(bundleName, key, path, md5, info.LastWriteTimeUtc, info.Length));
            }

            result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return result;
        }

        private static IEnumerable<(string path, string key)> Walk(string dir, string prefix, int depth, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                yield return (file, prefix + Path.GetFileName(file));
            }

            if (depth >= MaxDepth)
            {
                yield break;
            }

            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                string name = Path.GetFileName(sub);
                if (name == CacheDirName)
                {
                    continue;
                }

                foreach (var item in Walk(sub, prefix + name + "/", depth + 1, cancellationToken))
                {
                    yield return item;
                }
            }
        }
    }
}
