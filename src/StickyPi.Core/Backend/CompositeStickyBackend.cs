using System;
using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// A back-end made of two providers: a catalog (<see cref="IStickyCatalogWrites"/>, e.g. MariaDB) and a file
    /// storage (<see cref="IStickyFileStorage"/>, e.g. S3 or a directory), as BaGet joins its database and storage
    /// providers. Catalog operations go to the catalog unchanged; the operations that touch both halves (images,
    /// tuboids) keep them consistent in the embedded store's order, so a row never exists without its files: files are
    /// put in place first and the row commits after; on delete the rows go first and the files after the commit.
    /// ML bundles are files only.
    /// </summary>
    public sealed partial class CompositeStickyBackend : IStickyBackend
    {
        private readonly IStickyCatalogWrites _catalog;
        private readonly IDisposable[] _owned;

        /// <param name="catalog">The rows.</param>
        /// <param name="files">The files, under upstream's keys.</param>
        /// <param name="kind">What the pair is, for messages ("MariaDb", …).</param>
        /// <param name="limits">Caps on what is read from callers' files (the defaults when null).</param>
        /// <param name="cacheDirectory">Where imports keep their stat cache (this back-end's own folder).</param>
        /// <param name="owned">Disposed with the back-end (the storage client, say).</param>
        public CompositeStickyBackend(IStickyCatalogWrites catalog, IStickyFileStorage files, string kind, string cacheDirectory, InputLimits limits = null,
            params IDisposable[] owned)
        {
            _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
            Files = files ?? throw new ArgumentNullException(nameof(files));
            Kind = string.IsNullOrEmpty(kind) ? throw new ArgumentException("A kind is required.", nameof(kind)) : kind;
            CacheDirectory = cacheDirectory ?? throw new ArgumentNullException(nameof(cacheDirectory));
            Limits = limits ?? new InputLimits();
            _owned = owned ?? new IDisposable[0];
            SweepStaging();
        }

        public string Kind { get; }

        /// <summary>Both halves, for messages.</summary>
        public string Location => CatalogLocation + " + " + Files.Location;

        public IStickyFileStorage Files { get; }

        public InputLimits Limits { get; }

        /// <summary>Where imports into this back-end keep their stat cache.</summary>
        public string CacheDirectory { get; }

        private string CatalogLocation => _catalog.Location;

        // ------------------------------------------------------------ users

        public CallerIdentity GetCallerIdentity(string userName) => _catalog.GetCallerIdentity(userName);

        public CallerIdentity FindCallerIdentity(long userId) => _catalog.FindCallerIdentity(userId);

        public bool VerifyPassword(string userName, char[] password) => _catalog.VerifyPassword(userName, password);

        public StickyUser AddUser(CallerIdentity caller, string userName, char[] password, string email = null, bool isAdmin = false, bool canWrite = true) =>
            _catalog.AddUser(caller, userName, password, email, isAdmin, canWrite);

        public IReadOnlyList<StickyUser> PutUsers(CallerIdentity caller, IEnumerable<StickyUserSubmission> users) => _catalog.PutUsers(caller, users);

        public IEnumerable<StickyUser> GetUsers(CallerIdentity caller, string userNameLike = "%") => _catalog.GetUsers(caller, userNameLike);

        public StickyUser GetUser(CallerIdentity caller, string userName) => _catalog.GetUser(caller, userName);

        public IReadOnlyList<StickyUser> DeleteUsers(CallerIdentity caller, IEnumerable<string> userNames) => _catalog.DeleteUsers(caller, userNames);

        // ------------------------------------------------------------ projects

        public StickyProject AddProject(CallerIdentity caller, string name, string description = null, string notes = null) =>
            _catalog.AddProject(caller, name, description, notes);

        public IEnumerable<StickyProject> GetProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null) => _catalog.GetProjects(caller, filters);

        public IReadOnlyList<StickyProject> DeleteProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null) => _catalog.DeleteProjects(caller, filters);

        public StickyProject DeleteProject(CallerIdentity caller, long projectId) => _catalog.DeleteProject(caller, projectId);

        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, string userName, int level) =>
            _catalog.PutProjectPermission(caller, projectId, userName, level);

        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, long userId, int level) =>
            _catalog.PutProjectPermission(caller, projectId, userId, level);

        public IEnumerable<ProjectPermission> GetProjectPermissions(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null) =>
            _catalog.GetProjectPermissions(caller, filters);

        public ProjectPermission DeleteProjectPermission(CallerIdentity caller, long projectId, string userName) =>
            _catalog.DeleteProjectPermission(caller, projectId, userName);

        public IEnumerable<ProjectSeriesRow> GetProjectSeries(CallerIdentity caller, long projectId) => _catalog.GetProjectSeries(caller, projectId);

        public IEnumerable<ProjectColumn> GetProjectColumns(CallerIdentity caller, long projectId) => _catalog.GetProjectColumns(caller, projectId);

        public ProjectSeriesRow AddProjectSeries(CallerIdentity caller, long projectId, string device, DateTime start, DateTime end, IDictionary<string, object> values) =>
            _catalog.AddProjectSeries(caller, projectId, device, start, end, values);

        public ProjectSeriesRow SetProjectSeries(CallerIdentity caller, long projectId, long id, IDictionary<string, object> values) =>
            _catalog.SetProjectSeries(caller, projectId, id, values);

        public ProjectSeriesRow DeleteProjectSeries(CallerIdentity caller, long projectId, long id) => _catalog.DeleteProjectSeries(caller, projectId, id);

        public ProjectColumn AddProjectColumn(CallerIdentity caller, long projectId, string name, ProjectColumnType type) =>
            _catalog.AddProjectColumn(caller, projectId, name, type);

        public ProjectColumn RenameProjectColumn(CallerIdentity caller, long projectId, string oldName, string newName) =>
            _catalog.RenameProjectColumn(caller, projectId, oldName, newName);

        public ProjectColumn RemoveProjectColumn(CallerIdentity caller, long projectId, string name) => _catalog.RemoveProjectColumn(caller, projectId, name);

        public long ResolveProjectId(CallerIdentity caller, string project) => _catalog.ResolveProjectId(caller, project);

        // ------------------------------------------------------------ image rows, intents, annotations

        public IEnumerable<StickyImage> GetImages(CallerIdentity caller, IEnumerable<ImageKey> keys, ImageFileKind what = ImageFileKind.Metadata) =>
            Located(_catalog.GetImages(caller, keys, what));

        public IEnumerable<StickyImage> GetImageSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what = ImageFileKind.Metadata) =>
            Located(_catalog.GetImageSeries(caller, query, what));

        public string GetStoredMd5(ImageKey key) => _catalog.GetStoredMd5(key);

        public IDictionary<ImageKey, string> GetStoredMd5s(IEnumerable<ImageKey> keys) => _catalog.GetStoredMd5s(keys);

        public IReadOnlyList<StickyImage> GetImagesToAnnotate(CallerIdentity caller, string algoName, string algoVersion, ImageSeriesQuery query,
            ImageFileKind what = ImageFileKind.Metadata) => Located(_catalog.GetImagesToAnnotate(caller, algoName, algoVersion, query, what)).ToList();

        public IEnumerable<StickyAnnotatedImage> GetImagesWithUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what, bool includeJson) =>
            Located(_catalog.GetImagesWithUidAnnotationSeries(caller, query, what, includeJson));

        public IReadOnlyList<UidAnnotation> PutUidAnnotations(CallerIdentity caller, IEnumerable<UidAnnotationSubmission> items) => _catalog.PutUidAnnotations(caller, items);

        public IReadOnlyList<UidAnnotationProblem> ValidateUidAnnotations(CallerIdentity caller, IReadOnlyList<UidAnnotationSubmission> items) =>
            _catalog.ValidateUidAnnotations(caller, items);

        public IEnumerable<UidAnnotation> GetUidAnnotations(CallerIdentity caller, IEnumerable<ImageKey> keys, bool includeJson) =>
            _catalog.GetUidAnnotations(caller, keys, includeJson);

        public IEnumerable<UidAnnotation> GetUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, bool includeJson) =>
            _catalog.GetUidAnnotationSeries(caller, query, includeJson);

        // ------------------------------------------------------------ tuboid rows and labels

        public IEnumerable<TiledTuboid> GetTiledTuboidSeries(CallerIdentity caller, TuboidQuery query, bool includeFiles = false) =>
            LocatedFiles(_catalog.GetTiledTuboidSeries(caller, query, includeFiles));

        public IEnumerable<LabelledTiledTuboid> GetTiledTuboidSeriesWithItcLabels(CallerIdentity caller, TuboidQuery query, bool includeFiles = false) =>
            LocatedFiles(_catalog.GetTiledTuboidSeriesWithItcLabels(caller, query, includeFiles));

        public IReadOnlyList<ItcLabelResult> PutItcLabels(CallerIdentity caller, IEnumerable<ItcLabelSubmission> labels) => _catalog.PutItcLabels(caller, labels);

        public IEnumerable<ItcLabel> GetItcLabels(CallerIdentity caller, IEnumerable<string> tuboidIds) => _catalog.GetItcLabels(caller, tuboidIds);

        // ------------------------------------------------------------ completion

        public IReadOnlyList<string> CompleteImageDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            _catalog.CompleteImageDevices(caller, typed, limit);

        public IReadOnlyList<string> CompleteTuboidDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            _catalog.CompleteTuboidDevices(caller, typed, limit);

        public IReadOnlyList<string> CompleteProjectNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            _catalog.CompleteProjectNames(caller, typed, limit);

        public IReadOnlyList<string> CompleteUserNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            _catalog.CompleteUserNames(caller, typed, limit);

        public IReadOnlyList<string> CompleteAlgoNames(CallerIdentity caller, AlgoNameSource source, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) =>
            _catalog.CompleteAlgoNames(caller, source, typed, limit);

        /// <summary>How long a signed link in an answer stays valid (upstream: 7 days).</summary>
        public static readonly TimeSpan LinkLifetime = TimeSpan.FromDays(7);

        /// <summary>
        /// A file's location a caller can use: its path when the storage is a folder, a signed link when the storage signs
        /// them (S3), else its key. Each is what <see cref="IStickyFileStorage.KeyOf"/> turns back into the key.
        /// </summary>
        public string Locate(string key)
        {
            if (string.IsNullOrEmpty(key))
            {
                return key;
            }

            return Files.GetPhysicalPath(key) ?? (Files is IStickyFileLinks links ? links.GetDownloadUrl(key, LinkLifetime).ToString() : key);
        }

        private IEnumerable<T> Located<T>(IEnumerable<T> images) where T : StickyImage
        {
            foreach (var image in images)
            {
                image.Url = Locate(image.Url);
                yield return image;
            }
        }

        private IEnumerable<T> LocatedFiles<T>(IEnumerable<T> tuboids) where T : TiledTuboid
        {
            foreach (var t in tuboids)
            {
                t.TuboidFile = Locate(t.TuboidFile);
                t.MetadataFile = Locate(t.MetadataFile);
                t.ContextFile = Locate(t.ContextFile);
                yield return t;
            }
        }

        public void Dispose()
        {
            foreach (var d in _owned)
            {
                d?.Dispose();
            }
        }

        public override string ToString() => Kind + ":" + Location;
    }
}
