using System;
using System.Text.Json;
using StickyPi.Core.Model;
using static StickyPi.Core.Remote.WireFields;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// Tuboid, tuboid series and ITC label rows as the servers send them (spec §2.13): <c>get_tiled_tuboid_series</c> and
    /// the <c>_put_tiled_tuboids</c> echo (a tuboid with the six <c>*_series</c> fields, and with <c>what=data</c> the
    /// <c>tuboid</c>, <c>metadata</c> and <c>context</c> URLs), <c>delete_tiled_tuboids</c> (series rows),
    /// <c>put_itc_labels</c> and <c>_get_itc_labels</c> (label rows, <c>id</c> null in the put echo, no tuboid id).
    /// Values land in the model exactly as the embedded store fills it: datetimes UTC to the second.
    /// </summary>
    public static class WireTuboidRow
    {
        /// <summary>A tuboid row into <paramref name="into"/> (a <see cref="TiledTuboid"/> or a <see cref="LabelledTiledTuboid"/>).</summary>
        public static T Read<T>(JsonElement row, T into) where T : TiledTuboid
        {
            RequireObject(row, "a tuboid row");
            into.Id = Long(row, "id");
            into.ParentSeriesId = Long(row, "parent_series_id") ?? 0;
            into.TuboidId = Text(row, "tuboid_id") ?? throw Invalid("a tuboid row has no tuboid_id");
            into.IdInSeries = (int)(Long(row, "id_in_series") ?? 0);
            into.StartDateTime = Date(row, "start_datetime") ?? default;
            into.EndDateTime = Date(row, "end_datetime") ?? default;
            into.NShots = (int)(Long(row, "n_shots") ?? 0);
            into.DateTimeCreated = Date(row, "datetime_created") ?? default;
            into.ApiVersion = Text(row, "api_version");
            into.ApiUserId = Long(row, "api_user_id");
            into.AlgoNameSeries = Text(row, "algo_name_series");
            into.AlgoVersionSeries = Text(row, "algo_version_series");
            into.NTuboidsSeries = (int)(Long(row, "n_tuboids_series") ?? 0);
            into.DeviceSeries = Text(row, "device_series");
            into.StartDateTimeSeries = Date(row, "start_datetime_series") ?? default;
            into.EndDateTimeSeries = Date(row, "end_datetime_series") ?? default;

            // what=data: where the embedded store gives its files' paths, a server gives their URLs.
            into.TuboidFile = Text(row, "tuboid");
            into.MetadataFile = Text(row, "metadata");
            into.ContextFile = Text(row, "context");
            return into;
        }

        public static TiledTuboid ReadTuboid(JsonElement row) => Read(row, new TiledTuboid());

        /// <summary>A <c>tuboid_series</c> row (the answer of <c>delete_tiled_tuboids</c>).</summary>
        public static TuboidSeries ReadSeries(JsonElement row)
        {
            RequireObject(row, "a tuboid series row");
            return new TuboidSeries
            {
                Id = Long(row, "id") ?? 0,
                Device = Text(row, "device") ?? throw Invalid("a tuboid series row has no device"),
                StartDateTime = Date(row, "start_datetime") ?? default,
                EndDateTime = Date(row, "end_datetime") ?? default,
                NImages = (int)(Long(row, "n_images") ?? 0),
                NTuboids = (int)(Long(row, "n_tuboids") ?? 0),
                AlgoName = Text(row, "algo_name"),
                AlgoVersion = Text(row, "algo_version"),
                DateTimeCreated = Date(row, "datetime_created") ?? default,
                ApiVersion = Text(row, "api_version"),
                ApiUserId = Long(row, "api_user_id"),
            };
        }

        /// <summary>An <c>itc_labels</c> row; the wire has no tuboid id, so <paramref name="tuboidId"/> is the caller's (joined on <c>parent_tuboid_id</c>).</summary>
        public static ItcLabel ReadLabel(JsonElement row, string tuboidId = null)
        {
            RequireObject(row, "an ITC label row");
            return new ItcLabel
            {
                Id = Long(row, "id"),
                ParentTuboidId = Long(row, "parent_tuboid_id") ?? throw Invalid("an ITC label row has no parent_tuboid_id"),
                TuboidId = tuboidId,
                AlgoName = Text(row, "algo_name"),
                AlgoVersion = Text(row, "algo_version"),
                Label = (int)(Long(row, "label") ?? 0),
                Pattern = Text(row, "pattern"),
                Type = Text(row, "type"),
                Order = Text(row, "order"),
                Family = Text(row, "family"),
                Genus = Text(row, "genus"),
                Species = Text(row, "species"),
                DateTimeCreated = Date(row, "datetime_created") ?? default,
                ApiVersion = Text(row, "api_version"),
                ApiUserId = Long(row, "api_user_id"),
            };
        }

        /// <summary>Copies a tuboid's fields (its row, series fields and files) into another instance, e.g. one row per label of the join.</summary>
        public static T Copy<T>(TiledTuboid from, T into) where T : TiledTuboid
        {
            into.Id = from.Id;
            into.ParentSeriesId = from.ParentSeriesId;
            into.TuboidId = from.TuboidId;
            into.IdInSeries = from.IdInSeries;
            into.StartDateTime = from.StartDateTime;
            into.EndDateTime = from.EndDateTime;
            into.NShots = from.NShots;
            into.DateTimeCreated = from.DateTimeCreated;
            into.ApiVersion = from.ApiVersion;
            into.ApiUserId = from.ApiUserId;
            into.AlgoNameSeries = from.AlgoNameSeries;
            into.AlgoVersionSeries = from.AlgoVersionSeries;
            into.NTuboidsSeries = from.NTuboidsSeries;
            into.DeviceSeries = from.DeviceSeries;
            into.StartDateTimeSeries = from.StartDateTimeSeries;
            into.EndDateTimeSeries = from.EndDateTimeSeries;
            into.TuboidFile = from.TuboidFile;
            into.MetadataFile = from.MetadataFile;
            into.ContextFile = from.ContextFile;
            return into;
        }
    }
}
