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
    /// <see cref="MaxDepth"/> levels — but only while they stay inside the listed folder: a link that leads out of
    /// it, or nowhere, is never read and is reported (as <c>MlBundleLinkOutside</c>) instead of being listed.
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
            string realRoot = FileLinks.RealPath(root) ?? root;
            foreach (var (path, key, problem) in Walk(root, realRoot, realRoot, string.Empty, 0, cancellationToken))
            {
                if (problem != null)
                {
                    // Whatever the link's name, it is reported: a dangling or escaping link is never silently dropped
                    // when it looks like a bundle file, nor followed.
                    if ((IsEligible(Path.GetFileName(path)) && Selects(key, what)) || key.EndsWith("/", StringComparison.Ordinal))
                    {
                        onInvalid?.Invoke(path, problem);
                    }

                    continue;
                }

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
                try
                {
                    var info = new FileInfo(path);
                    string md5 = computeMd5 ? MlBundleChecksum.Compute(path, cancellationToken) : null;
                    result.Add(new MlBundleFile(bundleName, key, path, md5, info.LastWriteTimeUtc, info.Length));
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // One unreadable file (vanished, locked, no permission) is that file's error, not the listing's.
                    onInvalid?.Invoke(path, new StickyPiException(StickyErrorIds.FileUnreadable, StickyErrorKind.ResourceUnavailable,
                        "'" + path + "' cannot be read: " + e.Message, path, e));
                }
            }

            result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return result;
        }

        /// <summary>
        /// Files under <paramref name="dir"/> (whose real path is <paramref name="realDir"/>), files first, then each
        /// folder; a link is followed only when its real target is inside <paramref name="realRoot"/>, else it comes
        /// back with a problem (folder problems with a key ending in '/').
        /// </summary>
        private static IEnumerable<(string path, string key, StickyPiException problem)> Walk(string dir, string realDir, string realRoot, string prefix, int depth,
            CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var folders = new List<(string path, string realPath, string name)>();
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                string name = entry.Name;
                string real = Path.Combine(realDir, name);
                bool isFolder = entry is DirectoryInfo;
                if (FileLinks.IsLink(entry))
                {
                    real = FileLinks.RealPath(entry.FullName);
                    if (real == null || !FileLinks.IsInside(realRoot, real))
                    {
                        yield return (entry.FullName, prefix + name + (isFolder ? "/" : string.Empty), LinkProblem(entry.FullName, real, realRoot));
                        continue;
                    }

                    isFolder = Directory.Exists(real);
                    if (isFolder && FileLinks.IsInside(real, realDir))
                    {
                        // A link to this folder or one above it: following it would list the same files again and again.
                        yield return (entry.FullName, prefix + name + "/", new StickyPiException(MlBundleErrorIds.LinkOutsideBundle, StickyErrorKind.InvalidData,
                            "'" + entry.FullName + "' is a symbolic link to '" + real + "', a folder that contains it (a loop); it was not followed.", entry.FullName));
                        continue;
                    }
                }

                if (isFolder)
                {
                    folders.Add((entry.FullName, real, name));
                }
                else
                {
                    yield return (entry.FullName, prefix + name, null);
                }
            }

            if (depth >= MaxDepth)
            {
                yield break;
            }

            folders.Sort((a, b) => string.CompareOrdinal(a.name, b.name));
            foreach (var (path, realPath, name) in folders)
            {
                if (name == CacheDirName)
                {
                    continue;
                }

                foreach (var item in Walk(path, realPath, realRoot, prefix + name + "/", depth + 1, cancellationToken))
                {
                    yield return item;
                }
            }
        }

        private static StickyPiException LinkProblem(string path, string real, string realRoot) =>
            new StickyPiException(MlBundleErrorIds.LinkOutsideBundle, StickyErrorKind.PermissionDenied, real == null
                ? "'" + path + "' is a symbolic link that leads nowhere (dangling, or a loop); it was not read."
                : "'" + path + "' is a symbolic link to '" + real + "', outside the bundle folder '" + realRoot + "'; it was not followed.",
                path);
    }
}
