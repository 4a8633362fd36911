using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Remote
{
    /// <summary>The remote back-end's ML bundles: not brought over yet.</summary>
    public sealed partial class RemoteStickyBackend
    {
        public IReadOnlyList<MlBundleFile> GetMlBundleFileList(CallerIdentity caller, string bundleName, MlBundleSelection what = MlBundleSelection.All, CancellationToken cancellationToken = default) =>
            throw NotRemote("ML bundles");

        public IReadOnlyList<MlBundleFile> GetMlBundleUploadTargets(CallerIdentity caller, IEnumerable<MlBundleFile> entries, CancellationToken cancellationToken = default) =>
            throw NotRemote("ML bundles");

        public MlBundleFile StoreMlBundleFile(CallerIdentity caller, string bundleName, string key, string sourcePath, DateTime mtimeUtc,
            string expectedMd5 = null, Action<long> bytesCopied = null, CancellationToken cancellationToken = default) => throw NotRemote("ML bundles");

        public Stream OpenMlBundleFile(CallerIdentity caller, string bundleName, string key) => throw NotRemote("ML bundles");

        public IReadOnlyList<string> CompleteMlBundleNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) => throw NotRemote("completion");

        public IMlBundleRemote AsMlBundleRemote(CallerIdentity caller) => throw NotRemote("ML bundles");
    }
}
