using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.MlBundles
{
    internal static class MlKit
    {
        public const string Bundle = "test-bundle";

        public static readonly CallerIdentity Admin = CallerIdentity.LocalAdministrator;
        public static readonly CallerIdentity Writer = new CallerIdentity(3, "bob", canWrite: true, isAdmin: false);
        public static readonly CallerIdentity Reader = new CallerIdentity(4, "eve", canWrite: false, isAdmin: false);

        /// <summary>Appendix A: the seven shared files and their md5s.</summary>
        public static readonly IReadOnlyDictionary<string, string> SharedMd5 = new Dictionary<string, string>
        {
            ["config/config.yaml"] = "817330f0c49bcbd8d938eb4c44342c7f",
            ["config/mask_rcnn_R_101_C4_3x.yaml"] = "f0bdae89bba989a3d5da1df4cf22875c",
            ["data/0a5bb6f4.2020-06-30_20-41-05.svg"] = "4a32bf6fab5a50b8455233194ceed9bc",
            ["data/0a5bb6f4.2020-07-02_18-59-29.svg"] = "4c910c175208109200d0d1daf9070a8a",
            ["data/0a5bb6f4.2020-07-03_05-35-30.svg"] = "7c995fc40355ba257cb8b753d3044fc6",
            ["data/1b74105a.2020-09-17_13-50-40.svg"] = "d1e47dfff5c4af5402f82f35639e1199",
            ["data/5c173ff2.2020-07-05_20-33-31.svg"] = "2af004b126f2dd0131aa5482921dabd6",
        };

        public const string StandInModel = "output/model_final.pth";

        /// <summary>
        /// Copies the bundle of Appendix A's seven keys into <paramref name="target"/> (writable copies, fixed mtimes):
        /// the generated stand-in, or with <paramref name="shared"/> the read-only shared fixture bundle.
        /// </summary>
        public static string CopyShared(string target, bool withModel = false, bool shared = false)
        {
            CopyTree(shared ? TestPaths.MlBundle : StandIns.MlBundle, target);
            if (withModel)
            {
                Write(target, StandInModel, "stand-in weights " + new string('w', 5000), new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc));
            }

            return target;
        }

        /// <summary>Every file's bundle checksum under <paramref name="root"/>, by key ('/'-separated relative path).</summary>
        public static Dictionary<string, string> Md5s(string root) =>
            Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(
                f => f.Substring(root.Length + 1).Replace(Path.DirectorySeparatorChar, '/'), f => MlBundleChecksum.Compute(f), StringComparer.Ordinal);

        public static void CopyTree(string source, string target)
        {
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                string rel = file.Substring(source.Length + 1);
                string dest = Path.Combine(target, rel);
                Directory.CreateDirectory(Path.GetDirectoryName(dest));
                File.Copy(file, dest, true);
                File.SetAttributes(dest, FileAttributes.Normal);
                File.SetLastWriteTimeUtc(dest, new DateTime(2020, 10, 1, 12, 0, 0, DateTimeKind.Utc));
            }
        }

        public static string Write(string root, string key, string content, DateTime? mtime = null)
        {
            string path = Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            File.WriteAllText(path, content);
            if (mtime.HasValue)
            {
                File.SetLastWriteTimeUtc(path, mtime.Value);
            }

            return path;
        }

        public static LocalStickyStore Store(TempDir tmp) => LocalStickyStore.Open(tmp.Combine("store"));

        public static MlBundleSync Sync(LocalStickyStore store, CallerIdentity caller = null, MlBundleSyncOptions options = null) =>
            new MlBundleSync(new MlBundleStoreRemote(store, caller ?? Admin), options);

        /// <summary>Every file under a folder, relative, for "nothing else was written" checks.</summary>
        public static HashSet<string> Snapshot(string root) =>
            new HashSet<string>(Directory.Exists(root)
                ? Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories).Select(p => p.Substring(root.Length))
                : Enumerable.Empty<string>());

        public static string[] Keys(IEnumerable<MlBundleTransferResult> results) => results.Select(r => r.Key).OrderBy(k => k, StringComparer.Ordinal).ToArray();
    }

    /// <summary>A remote that returns whatever listing it is given and serves fixed content (to test hostile servers).</summary>
    internal sealed class ScriptedRemote : IMlBundleRemote
    {
        public List<MlBundleFile> Files { get; } = new List<MlBundleFile>();

        public Dictionary<string, byte[]> Content { get; } = new Dictionary<string, byte[]>();

        public string Location => "scripted";

        public IReadOnlyList<MlBundleFile> GetFileList(string bundleName, MlBundleSelection what, CancellationToken cancellationToken) => Files;

        public IReadOnlyList<MlBundleFile> GetUploadTargets(IReadOnlyList<MlBundleFile> localFiles, CancellationToken cancellationToken) => localFiles;

        public void Upload(MlBundleFile target, Action<long> bytesTransferred, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Stream OpenDownload(MlBundleFile remoteFile, CancellationToken cancellationToken) => new MemoryStream(Content[remoteFile.Key]);
    }
}
