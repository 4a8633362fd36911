using System;
using System.Collections.Generic;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// The catalog half of a Sticky Pi back-end: rows, queries and access rules (users, projects, permissions,
    /// project series and columns, image rows, UID annotations, intents, tuboid rows, ITC labels). The embedded store
    /// implements it over SQLite; a MariaDB provider would implement it in its own project, as BaGet's database
    /// providers implement its core's database abstraction.
    /// </summary>
    /// <remarks>
    /// Every operation takes the <see cref="CallerIdentity"/> it runs for and applies
    /// <see cref="Access.AccessPolicy"/> itself, so the module, the server and any future provider share one set of
    /// rules. Queries return <see cref="IEnumerable{T}"/>: an implementation may stream rows as it reads them, and a
    /// caller must enumerate a result once (and before disposing the back-end). Writes return what they stored.
    /// Errors are <see cref="StickyPiException"/> with a <see cref="StickyErrorKind"/>.
    /// </remarks>
    public interface IStickyCatalog
    {
        // ------------------------------------------------------------ users and credentials

        /// <summary>The identity a stored user acts with (NotFound when there is no such user).</summary>
        CallerIdentity GetCallerIdentity(string userName);

        /// <summary>The identity of the user with this id, or null (tokens carry ids, spec §1.2).</summary>
        CallerIdentity FindCallerIdentity(long userId);

        /// <summary>True when the user exists and the password verifies against its stored hash (spec §1.2.5).</summary>
        bool VerifyPassword(string userName, char[] password);

        StickyUser AddUser(CallerIdentity caller, string userName, char[] password, string email = null, bool isAdmin = false, bool canWrite = true);

        IReadOnlyList<StickyUser> PutUsers(CallerIdentity caller, IEnumerable<StickyUserSubmission> users);

        IEnumerable<StickyUser> GetUsers(CallerIdentity caller, string userNameLike = "%");

        StickyUser GetUser(CallerIdentity caller, string userName);

        IReadOnlyList<StickyUser> DeleteUsers(CallerIdentity caller, IEnumerable<string> userNames);

        // ------------------------------------------------------------ projects and permissions

        StickyProject AddProject(CallerIdentity caller, string name, string description = null, string notes = null);

        IEnumerable<StickyProject> GetProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null);

        IReadOnlyList<StickyProject> DeleteProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null);

        StickyProject DeleteProject(CallerIdentity caller, long projectId);

        ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, string userName, int level);

        ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, long userId, int level);

        IEnumerable<ProjectPermission> GetProjectPermissions(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null);

        ProjectPermission DeleteProjectPermission(CallerIdentity caller, long projectId, string userName);

        // ------------------------------------------------------------ project series and columns

        IEnumerable<ProjectSeriesRow> GetProjectSeries(CallerIdentity caller, long projectId);

        IEnumerable<ProjectColumn> GetProjectColumns(CallerIdentity caller, long projectId);

        ProjectSeriesRow AddProjectSeries(CallerIdentity caller, long projectId, string device, DateTime start, DateTime end, IDictionary<string, object> values);

        ProjectSeriesRow SetProjectSeries(CallerIdentity caller, long projectId, long id, IDictionary<string, object> values);

        ProjectSeriesRow DeleteProjectSeries(CallerIdentity caller, long projectId, long id);

        ProjectColumn AddProjectColumn(CallerIdentity caller, long projectId, string name, ProjectColumnType type);

        ProjectColumn RenameProjectColumn(CallerIdentity caller, long projectId, string oldName, string newName);

        ProjectColumn RemoveProjectColumn(CallerIdentity caller, long projectId, string name);

        /// <summary>The id of the project a user names, among those the caller may see (exact name, then a unique case-insensitive one, then a numeric id).</summary>
        long ResolveProjectId(CallerIdentity caller, string project);

        // ------------------------------------------------------------ image rows, intents, annotations

        /// <summary>
        /// Images by key. <paramref name="what"/> other than Metadata fills <see cref="StickyImage.Url"/> with the
        /// file's location in <see cref="IStickyBackend.Files"/> terms (see <see cref="IStickyFileStorage.KeyOf"/>).
        /// </summary>
        IEnumerable<StickyImage> GetImages(CallerIdentity caller, IEnumerable<ImageKey> keys, ImageFileKind what = ImageFileKind.Metadata);

        IEnumerable<StickyImage> GetImageSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what = ImageFileKind.Metadata);

        /// <summary>The stored md5 of an image, or null when no image has this key.</summary>
        string GetStoredMd5(ImageKey key);

        IDictionary<ImageKey, string> GetStoredMd5s(IEnumerable<ImageKey> keys);

        /// <summary>Hands out and reserves up to 8 images (spec §3.3).</summary>
        IReadOnlyList<StickyImage> GetImagesToAnnotate(CallerIdentity caller, string algoName, string algoVersion, ImageSeriesQuery query,
            ImageFileKind what = ImageFileKind.Metadata);

        IEnumerable<StickyAnnotatedImage> GetImagesWithUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what, bool includeJson);

        IReadOnlyList<UidAnnotation> PutUidAnnotations(CallerIdentity caller, IEnumerable<UidAnnotationSubmission> items);

        IReadOnlyList<UidAnnotationProblem> ValidateUidAnnotations(CallerIdentity caller, IReadOnlyList<UidAnnotationSubmission> items);

        IEnumerable<UidAnnotation> GetUidAnnotations(CallerIdentity caller, IEnumerable<ImageKey> keys, bool includeJson);

        IEnumerable<UidAnnotation> GetUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, bool includeJson);

        // ------------------------------------------------------------ tuboid rows and ITC labels

        IEnumerable<TiledTuboid> GetTiledTuboidSeries(CallerIdentity caller, TuboidQuery query, bool includeFiles = false);

        IEnumerable<LabelledTiledTuboid> GetTiledTuboidSeriesWithItcLabels(CallerIdentity caller, TuboidQuery query, bool includeFiles = false);

        IReadOnlyList<ItcLabelResult> PutItcLabels(CallerIdentity caller, IEnumerable<ItcLabelSubmission> labels);

        IEnumerable<ItcLabel> GetItcLabels(CallerIdentity caller, IEnumerable<string> tuboidIds);

        // ------------------------------------------------------------ completion (values the caller may see that start with what was typed)

        IReadOnlyList<string> CompleteImageDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit);

        IReadOnlyList<string> CompleteTuboidDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit);

        IReadOnlyList<string> CompleteProjectNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit);

        IReadOnlyList<string> CompleteUserNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit);

        IReadOnlyList<string> CompleteAlgoNames(CallerIdentity caller, AlgoNameSource source, string typed, int limit = LocalStickyStore.DefaultCompletionLimit);
    }
}
