using System;
using System.Collections.Generic;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// The row-level writes a catalog provider offers so that <see cref="CompositeStickyBackend"/> can keep its rows and
    /// a separate file storage consistent: rows are written once their files are in place, and the files of deleted
    /// rows are removed once the deletion has committed. The MariaDB catalog implements it.
    /// </summary>
    public interface IStickyCatalogWrites : IStickyCatalog
    {
        /// <summary>Where the catalog lives (never a password), for messages.</summary>
        string Location { get; }

        /// <summary>Inserts image rows in one transaction (<c>DuplicateImage</c> unless <paramref name="replaceExisting"/>); returns them as stored, in the batch's order.</summary>
        IReadOnlyList<StickyImage> CommitImageRows(CallerIdentity caller, IReadOnlyList<StickyImage> rows, bool replaceExisting);

        /// <summary>Deletes the rows of these images (annotations and intents with them) and returns the deleted rows.</summary>
        IReadOnlyList<StickyImage> DeleteImages(CallerIdentity caller, IEnumerable<ImageKey> keys);

        /// <summary>The tuboid series of <paramref name="info"/>, created when it does not exist.</summary>
        TuboidSeries FindOrCreateTuboidSeries(CallerIdentity caller, TuboidSeriesInfo info);

        /// <summary>
        /// Stores a tuboid's row once upstream's checks pass; <paramref name="placeFiles"/> runs between the checks and
        /// the insert and returns how to take the files back if the row then fails. Errors name <paramref name="source"/>.
        /// </summary>
        TiledTuboid InsertTuboid(CallerIdentity caller, long seriesId, TuboidName name, TuboidMetadata meta, string source, Func<Action> placeFiles = null);

        /// <summary>Deletes the matching series with their tuboids and labels; returns each with its tuboid ids.</summary>
        IReadOnlyList<DeletedTuboidSeries> DeleteTiledTuboids(CallerIdentity caller, TuboidQuery query);
    }

    /// <summary>A tuboid series deleted from a catalog, with the ids of its tuboids (whose files go next).</summary>
    public sealed class DeletedTuboidSeries
    {
        public DeletedTuboidSeries(TuboidSeries series, IReadOnlyList<string> tuboidIds)
        {
            Series = series;
            TuboidIds = tuboidIds;
        }

        public TuboidSeries Series { get; }

        public IReadOnlyList<string> TuboidIds { get; }
    }
}
