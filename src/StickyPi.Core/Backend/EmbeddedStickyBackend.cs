using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// The embedded store (<see cref="LocalStickyStore"/>: SQLite catalog + upstream's directory layout) as an
    /// <see cref="IStickyBackend"/>. A thin adapter: every rule lives in the store, which keeps both halves consistent
    /// in its own transactions; <see cref="Files"/> exposes its directory as key-addressed storage.
    /// </summary>
    public sealed class EmbeddedStickyBackend : IStickyBackend
    {
        private readonly bool _ownsStore;

        public EmbeddedStickyBackend(LocalStickyStore store, bool ownsStore = true)
        {
            Store = store ?? throw new ArgumentNullException(nameof(store));
            _ownsStore = ownsStore;
            Files = new LocalDirectoryStorage(store.RootDirectory);
        }

        /// <summary>Opens (or creates) the embedded store in <paramref name="directory"/>.</summary>
        public static EmbeddedStickyBackend Open(string directory, bool createIfMissing = true) =>
            new EmbeddedStickyBackend(LocalStickyStore.Open(directory, createIfMissing));

        /// <summary>The underlying store (for code that needs embedded-only features).</summary>
        public LocalStickyStore Store { get; }

        public string Kind => "Local";

        public string Location => Store.RootDirectory;

        public IStickyFileStorage Files { get; }

        public InputLimits Limits => Store.Limits;

        // ------------------------------------------------------------ users

        public CallerIdentity GetCallerIdentity(string userName) => Store.GetCallerIdentity(userName);

        public CallerIdentity FindCallerIdentity(long userId)
        {
            using (var conn = Store.OpenConnection())
            {
                var user = LocalStickyStore.FindUser(conn, null, userId);
                return user == null ? null : new CallerIdentity(user.Id, user.UserName, user.CanWrite, user.IsAdmin);
            }
        }

        public bool VerifyPassword(string userName, char[] password) => Store.VerifyPassword(userName, password);

        public StickyUser AddUser(CallerIdentity caller, string userName, char[] password, string email = null, bool isAdmin = false, bool canWrite = true) =>
            Store.AddUser(caller, userName, password, email, isAdmin, canWrite);

        public IReadOnlyList<StickyUser> PutUsers(CallerIdentity caller, IEnumerable<StickyUserSubmission> users) => Store.PutUsers(caller, users);

        public IEnumerable<StickyUser> GetUsers(CallerIdentity caller, string userNameLike = "%") => Store.GetUsers(caller, userNameLike);

        public StickyUser GetUser(CallerIdentity caller, string userName) => Store.GetUser(caller, userName);

        public IReadOnlyList<StickyUser> DeleteUsers(CallerIdentity caller, IEnumerable<string> userNames) => Store.DeleteUsers(caller, userNames);

        // ------------------------------------------------------------ projects

        public StickyProject AddProject(CallerIdentity caller, string name, string description = null, string notes = null) =>
            Store.AddProject(caller, name, description, notes);

        public IEnumerable<StickyProject> GetProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null) => Store.GetProjects(caller, filters);

        public IReadOnlyList<StickyProject> DeleteProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null) => Store.DeleteProjects(caller, filters);

        public StickyProject DeleteProject(CallerIdentity caller, long projectId) => Store.DeleteProject(caller, projectId);

        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, string userName, int level) =>
            Store.PutProjectPermission(caller, projectId, userName, level);

        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, long userId, int level) =>
            Store.PutProjectPermission(caller, projectId, userId, level);

        public IEnumerable<ProjectPermission> GetProjectPermissions(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null) =>
            Store.GetProjectPermissions(caller, filters);

        public ProjectPermission DeleteProjectPermission(CallerIdentity caller, long projectId, string userName) =>
            Store.DeleteProjectPermission(caller, projectId, userName);

        public IEnumerable<ProjectSeriesRow> GetProjectSeries(CallerIdentity caller, long projectId) => Store.GetProjectSeries(caller, projectId);

        public IEnumerable<ProjectColumn> GetProjectColumns(CallerIdentity caller, long projectId) => Store.GetProjectColumns(caller, projectId);

        public ProjectSeriesRow AddProjectSeries(CallerIdentity caller, long projectId, string device, DateTime start, DateTime end, IDictionary<string, object> values) =>
            Store.AddProjectSeries(caller, projectId, device, start, end, values);

        public ProjectSeriesRow SetProjectSeries(CallerIdentity caller, long projectId, long id, IDictionary<string, object> values) =>
            Store.SetProjectSeries(caller, projectId, id, values);

        public ProjectSeriesRow DeleteProjectSeries(CallerIdentity caller, long projectId, long id) => Store.DeleteProjectSeries(caller, projectId, id);

        public ProjectColumn AddProjectColumn(CallerIdentity caller, long projectId, string name, ProjectColumnType type) =>
            Store.AddProjectColumn(caller, projectId, name, type);

        public ProjectColumn RenameProjectColumn(CallerIdentity caller, long projectId, string oldName, string newName) =>
            Store.RenameProjectColumn(caller, projectId, oldName, newName);

        public ProjectColumn RemoveProjectColumn(CallerIdentity caller, long projectId, string name) => Store.RemoveProjectColumn(caller, projectId, name);

        public long ResolveProjectId(CallerIdentity caller, string project) => Store.ResolveProjectId(caller, project);

        // ------------------------------------------------------------ images and annotations

        public IEnumerable<StickyImage> GetImages(CallerIdentity caller, IEnumerable<ImageKey> keys, ImageFileKind what = ImageFileKind.Metadata) =>
            Store.EnumerateImages(caller, keys, what);

        public IEnumerable<StickyImage> GetImageSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what = ImageFileKind.Metadata) =>
            Store.EnumerateImageSeries(caller, query, what);

        public string GetStoredMd5(ImageKey key) => Store.GetStoredMd5(key);

        public IDictionary<ImageKey, string> GetStoredMd5s(IEnumerable<ImageKey> keys) => Store.GetStoredMd5s(keys);

        public IReadOnlyList<StickyImage> GetImagesToAnnotate(CallerIdentity caller, string algoName, string algoVersion, ImageSeriesQuery query,
            ImageFileKind what = ImageFileKind.Metadata) => Store.GetImagesToAnnotate(caller, algoName, algoVersion, query, what);

        public IEnumerable<StickyAnnotatedImage> GetImagesWithUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what, bool includeJson) =>
            Store.EnumerateImagesWithUidAnnotationSeries(caller, query, what, includeJson);

        public IReadOnlyList<UidAnnotation> PutUidAnnotations(CallerIdentity caller, IEnumerable<UidAnnotationSubmission> items) => Store.PutUidAnnotations(caller, items);

        public IReadOnlyList<UidAnnotationProblem> ValidateUidAnnotations(CallerIdentity caller, IReadOnlyList<UidAnnotationSubmission> items) =>
            Store.ValidateUidAnnotations(caller, items);

        public IEnumerable<UidAnnotation> GetUidAnnotations(CallerIdentity caller, IEnumerable<ImageKey> keys, bool includeJson) =>
            Store.EnumerateUidAnnotations(caller, keys, includeJson);

        public IEnumerable<UidAnnotation> GetUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, bool includeJson) =>
            Store.EnumerateUidAnnotationSeries(caller, query, includeJson);

        public StagedImage StageImage(ParsedImage parsed, byte[] originalBytes, int length) => Store.StageImage(parsed, originalBytes, length);

        public IReadOnlyList<StickyImage> CommitStagedImages(CallerIdentity caller, IReadOnlyList<StagedImage> batch, bool replaceExisting) =>
            Store.CommitStagedImages(caller, batch, replaceExisting);

        public IReadOnlyList<StickyImage> PutImages(CallerIdentity caller, IEnumerable<(ParsedImage parsed, byte[] bytes)> images) => Store.PutImages(caller, images);

        public IReadOnlyList<StickyImage> DeleteImages(CallerIdentity caller, IEnumerable<ImageKey> keys) => Store.DeleteImages(caller, keys);

        public IImageImportSession BeginImageImport(CallerIdentity caller, ImageImportOptions options) =>
            new ImageImporter(Store, caller, options);

        // ------------------------------------------------------------ tuboids and labels

        public IEnumerable<TiledTuboid> GetTiledTuboidSeries(CallerIdentity caller, TuboidQuery query, bool includeFiles = false) =>
            Store.EnumerateTiledTuboidSeries(caller, query, includeFiles);

        public IEnumerable<LabelledTiledTuboid> GetTiledTuboidSeriesWithItcLabels(CallerIdentity caller, TuboidQuery query, bool includeFiles = false) =>
            Store.EnumerateTiledTuboidSeriesWithItcLabels(caller, query, includeFiles);

        public IReadOnlyList<ItcLabelResult> PutItcLabels(CallerIdentity caller, IEnumerable<ItcLabelSubmission> labels) => Store.PutItcLabels(caller, labels);

        public IEnumerable<ItcLabel> GetItcLabels(CallerIdentity caller, IEnumerable<string> tuboidIds) => Store.GetItcLabels(caller, tuboidIds);

        public IReadOnlyList<TuboidUploadResult> PutTiledTuboids(CallerIdentity caller, IEnumerable<string> tuboidDirectories, TuboidSeriesInfo info) =>
            Store.PutTiledTuboids(caller, tuboidDirectories, info);

        public TuboidUploadResult UploadTuboid(CallerIdentity caller, string tuboidDirectory, TuboidSeriesInfo given) =>
            TuboidUploader.Upload(Store, caller, tuboidDirectory, given);

        public IReadOnlyList<TuboidSeries> DeleteTiledTuboids(CallerIdentity caller, TuboidQuery query) => Store.DeleteTiledTuboids(caller, query);

        // ------------------------------------------------------------ ML bundles

        public IReadOnlyList<MlBundleFile> GetMlBundleFileList(CallerIdentity caller, string bundleName, MlBundleSelection what = MlBundleSelection.All,
            CancellationToken cancellationToken = default) => Store.GetMlBundleFileList(caller, bundleName, what, cancellationToken);

        public IReadOnlyList<MlBundleFile> GetMlBundleUploadTargets(CallerIdentity caller, IEnumerable<MlBundleFile> entries, CancellationToken cancellationToken = default) =>
            Store.GetMlBundleUploadTargets(caller, entries, cancellationToken);

        public MlBundleFile StoreMlBundleFile(CallerIdentity caller, string bundleName, string key, string sourcePath, DateTime mtimeUtc,
            string expectedMd5 = null, Action<long> bytesCopied = null, CancellationToken cancellationToken = default) =>
            Store.StoreMlBundleFile(caller, bundleName, key, sourcePath, mtimeUtc, expectedMd5, bytesCopied, cancellationToken);

        public Stream OpenMlBundleFile(CallerIdentity caller, string bundleName, string key) => Store.OpenMlBundleFile(caller, bundleName, key);

        public IMlBundleRemote AsMlBundleRemote(CallerIdentity caller) => new MlBundleStoreRemote(this, caller);

        // ------------------------------------------------------------ completion

        public IReadOnlyList<string> CompleteImageDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            Store.CompleteImageDevices(caller, typed, limit);

        public IReadOnlyList<string> CompleteTuboidDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            Store.CompleteTuboidDevices(caller, typed, limit);

        public IReadOnlyList<string> CompleteProjectNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            Store.CompleteProjectNames(caller, typed, limit);

        public IReadOnlyList<string> CompleteUserNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            Store.CompleteUserNames(caller, typed, limit);

        public IReadOnlyList<string> CompleteAlgoNames(CallerIdentity caller, AlgoNameSource source, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            Store.CompleteAlgoNames(caller, source, typed, limit);

        public IReadOnlyList<string> CompleteMlBundleNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            Store.CompleteMlBundleNames(caller, typed, limit);

        public void Dispose()
        {
            if (_ownsStore)
            {
                Store.Dispose();
            }
        }

        public override string ToString() => Kind + ":" + Location;
    }
}
