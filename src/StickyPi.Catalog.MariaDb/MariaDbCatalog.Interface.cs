using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Catalog.MariaDb
{
    /// <summary>
    /// <see cref="IStickyCatalog"/> over the methods above, which return lists. A file's location is its storage key
    /// (<see cref="StorageKey"/>): the file half of a MariaDB back-end (S3) and the server's link signer take keys as
    /// locations.
    /// </summary>
    public sealed partial class MariaDbCatalog
    {
        IEnumerable<StickyUser> IStickyCatalog.GetUsers(CallerIdentity caller, string userNameLike) => GetUsers(caller, userNameLike);

        IEnumerable<StickyProject> IStickyCatalog.GetProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters) => GetProjects(caller, filters);

        IEnumerable<ProjectPermission> IStickyCatalog.GetProjectPermissions(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters) => GetProjectPermissions(caller, filters);

        IEnumerable<ProjectSeriesRow> IStickyCatalog.GetProjectSeries(CallerIdentity caller, long projectId) => GetProjectSeries(caller, projectId);

        IEnumerable<ProjectColumn> IStickyCatalog.GetProjectColumns(CallerIdentity caller, long projectId) => GetProjectColumns(caller, projectId);

        IEnumerable<StickyImage> IStickyCatalog.GetImages(CallerIdentity caller, IEnumerable<ImageKey> keys, ImageFileKind what) => Located(GetImages(caller, keys), what);

        IEnumerable<StickyImage> IStickyCatalog.GetImageSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what) => Located(GetImageSeries(caller, query), what);

        IReadOnlyList<StickyImage> IStickyCatalog.GetImagesToAnnotate(CallerIdentity caller, string algoName, string algoVersion, ImageSeriesQuery query, ImageFileKind what) =>
            Located(GetImagesToAnnotate(caller, algoName, algoVersion, query), what);

        IEnumerable<StickyAnnotatedImage> IStickyCatalog.GetImagesWithUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what, bool includeJson) =>
            Located(GetImagesWithUidAnnotationSeries(caller, query, includeJson), what);

        IEnumerable<UidAnnotation> IStickyCatalog.GetUidAnnotations(CallerIdentity caller, IEnumerable<ImageKey> keys, bool includeJson) => GetUidAnnotations(caller, keys, includeJson);

        IEnumerable<UidAnnotation> IStickyCatalog.GetUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, bool includeJson) => GetUidAnnotationSeries(caller, query, includeJson);

        IEnumerable<TiledTuboid> IStickyCatalog.GetTiledTuboidSeries(CallerIdentity caller, TuboidQuery query, bool includeFiles) => Located(GetTiledTuboidSeries(caller, query), includeFiles);

        IEnumerable<LabelledTiledTuboid> IStickyCatalog.GetTiledTuboidSeriesWithItcLabels(CallerIdentity caller, TuboidQuery query, bool includeFiles) =>
            Located(GetTiledTuboidSeriesWithItcLabels(caller, query), includeFiles);

        IEnumerable<ItcLabel> IStickyCatalog.GetItcLabels(CallerIdentity caller, IEnumerable<string> tuboidIds) => GetItcLabels(caller, tuboidIds);

        /// <summary>The images with <see cref="StickyImage.Url"/> set to the key of the file asked for (empty for metadata, as the embedded store).</summary>
        private static IReadOnlyList<T> Located<T>(IReadOnlyList<T> images, ImageFileKind what) where T : StickyImage
        {
            foreach (var image in images)
            {
                image.Url = StorageKey.OfImage(image.Key, what);
            }

            return images;
        }

        /// <summary>The tuboids, with the keys of their three files when asked.</summary>
        private static IReadOnlyList<T> Located<T>(IReadOnlyList<T> tuboids, bool includeFiles) where T : TiledTuboid
        {
            if (includeFiles)
            {
                foreach (var t in tuboids)
                {
                    t.TuboidFile = StorageKey.OfTuboidFile(t, TuboidDirectory.TuboidFileName);
                    t.MetadataFile = StorageKey.OfTuboidFile(t, TuboidDirectory.MetadataFileName);
                    t.ContextFile = StorageKey.OfTuboidFile(t, TuboidDirectory.ContextFileName);
                }
            }

            return tuboids;
        }
    }
}
