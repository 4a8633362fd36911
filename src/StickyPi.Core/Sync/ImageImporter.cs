using System.Collections.Generic;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Sync
{
    /// <summary>
    /// The import pipeline into a local store (Send-StickyImage's engine): the store stages each image's files, then
    /// one writer commits rows in batches, so no row ever exists without its files.
    /// </summary>
    public sealed class ImageImporter : ImageImportPipeline<StagedImage>
    {
        public ImageImporter(LocalStickyStore store, CallerIdentity caller, ImageImportOptions options = null, StickyImageParser parser = null)
            : base(new StoreImportSink(store), caller, store.RootDirectory, options, parser)
        {
        }

        /// <summary>Imports a whole sequence of files (convenience for non-streaming callers).</summary>
        public static IReadOnlyList<ImageImportResult> ImportAll(LocalStickyStore store, CallerIdentity caller, IEnumerable<string> paths, ImageImportOptions options = null)
        {
            using (var importer = new ImageImporter(store, caller, options))
            {
                var results = new List<ImageImportResult>();
                foreach (var p in paths)
                {
                    importer.Post(p);
                    while (importer.TryTake(out var r))
                    {
                        results.Add(r);
                    }
                }

                results.AddRange(importer.Drain());
                return results;
            }
        }
    }
}
