using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// Tuboids, rows and files together: each tuboid folder is read and checked as the embedded store checks it, its
    /// files go to <c>tiled_tuboids/&lt;series&gt;/&lt;tuboid&gt;/</c> only once the catalog's checks pass (from inside
    /// <see cref="IStickyCatalogWrites.InsertTuboid"/>, under its lock of the series), and its row commits after.
    /// </summary>
    public sealed partial class CompositeStickyBackend
    {
        /// <summary>Stores tuboid folders of one series; one result per folder, each failure its own.</summary>
        public IReadOnlyList<TuboidUploadResult> PutTiledTuboids(CallerIdentity caller, IEnumerable<string> tuboidDirectories, TuboidSeriesInfo info)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutTiledTuboids);
            var dirs = (tuboidDirectories ?? throw new ArgumentNullException(nameof(tuboidDirectories))).ToList();
            (info ?? throw new ArgumentNullException(nameof(info))).Validate();
            var results = new List<TuboidUploadResult>(dirs.Count);
            long? seriesId = null;
            foreach (var dir in dirs)
            {
                TuboidName name = null;
                try
                {
                    name = TuboidDirectory.ParseName(dir);
                    TuboidDirectory.CheckFiles(dir);
                    var meta = TuboidDirectory.ReadMetadata(Path.Combine(dir, TuboidDirectory.MetadataFileName), Limits.MaxMetadataFileBytes);
                    seriesId = seriesId ?? _catalog.FindOrCreateTuboidSeries(caller, info).Id;
                    var stored = _catalog.InsertTuboid(caller, seriesId.Value, name, meta, dir, () => PlaceTuboidFiles(dir, name));
                    results.Add(new TuboidUploadResult { Path = dir, TuboidId = name.TuboidId, Status = ImportStatus.Sent, Tuboid = stored });
                }
                catch (StickyPiException e) when (TuboidChecks.IsPerTuboid(e))
                {
                    results.Add(TuboidUploadResult.Failed(dir, name?.TuboidId, e));
                }
            }

            return results;
        }

        /// <summary>One tuboid folder with its series information resolved from its name where not given.</summary>
        public TuboidUploadResult UploadTuboid(CallerIdentity caller, string tuboidDirectory, TuboidSeriesInfo given) =>
            TuboidUploader.Upload(tuboidDirectory, given, (dir, info) => PutTiledTuboids(caller, new[] { dir }, info)[0]);

        /// <summary>Deletes the matching series (their tuboids and labels with them), then the tuboids' files.</summary>
        public IReadOnlyList<TuboidSeries> DeleteTiledTuboids(CallerIdentity caller, TuboidQuery query)
        {
            var deleted = _catalog.DeleteTiledTuboids(caller, query);
            DeleteQuietly(deleted.SelectMany(d => d.TuboidIds).SelectMany(TuboidKeys));
            return deleted.Select(d => d.Series).ToList();
        }

        /// <summary>Puts the folder's three files in place (tuboid.jpg last) and says how to take them back.</summary>
        private Action PlaceTuboidFiles(string dir, TuboidName name)
        {
            var keys = TuboidKeys(name.TuboidId).ToList();
            var written = new List<string>();
            try
            {
                foreach (var (file, key) in new[] { (TuboidDirectory.MetadataFileName, keys[1]), (TuboidDirectory.ContextFileName, keys[2]), (TuboidDirectory.TuboidFileName, keys[0]) })
                {
                    using (var content = new MemoryStream(TuboidChecks.ReadFile(dir, file, Limits), writable: false))
                    {
                        Files.Put(key, content);
                    }

                    written.Add(key);
                }
            }
            catch
            {
                DeleteQuietly(written);
                throw;
            }

            return () => DeleteQuietly(written);
        }

        /// <summary>The keys of a tuboid's tuboid.jpg, metadata.txt and context.jpg.</summary>
        private static IEnumerable<string> TuboidKeys(string tuboidId)
        {
            var tuboid = new TiledTuboid { TuboidId = tuboidId };
            return new[] { TuboidDirectory.TuboidFileName, TuboidDirectory.MetadataFileName, TuboidDirectory.ContextFileName }
                .Select(f => StorageKey.OfTuboidFile(tuboid, f));
        }
    }
}
