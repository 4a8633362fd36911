using StickyPi.Core.Model;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// The row mapping of tuboid series, tiled tuboids and ITC labels (columns selected under <c>s_</c>, <c>t_</c> and
    /// <c>l_</c> prefixes), shared by the embedded store and the MariaDB catalog as <see cref="SqliteRows"/> is for images
    /// and annotations.
    /// </summary>
    internal static class TuboidRows
    {
        public const string SeriesColumns =
            "s.id AS s_id, s.device AS s_device, s.start_datetime AS s_start_datetime, s.end_datetime AS s_end_datetime, " +
            "s.n_images AS s_n_images, s.n_tuboids AS s_n_tuboids, s.algo_name AS s_algo_name, s.algo_version AS s_algo_version, " +
            "s.datetime_created AS s_datetime_created, s.api_version AS s_api_version, s.api_user_id AS s_api_user_id";

        public const string TuboidColumns =
            "t.id AS t_id, t.parent_series_id AS t_parent_series_id, t.tuboid_id AS t_tuboid_id, t.id_in_series AS t_id_in_series, " +
            "t.start_datetime AS t_start_datetime, t.end_datetime AS t_end_datetime, t.n_shots AS t_n_shots, " +
            "t.datetime_created AS t_datetime_created, t.api_version AS t_api_version, t.api_user_id AS t_api_user_id";

        /// <summary><c>itc_labels</c> columns; <paramref name="quote"/> is the dialect's identifier quote (<c>order</c> is a keyword).</summary>
        public static string LabelColumns(string quote) =>
            "l.id AS l_id, l.parent_tuboid_id AS l_parent_tuboid_id, l.algo_name AS l_algo_name, l.algo_version AS l_algo_version, " +
            "l.label AS l_label, l.pattern AS l_pattern, l.type AS l_type, l." + quote + "order" + quote + " AS l_order, l.family AS l_family, " +
            "l.genus AS l_genus, l.species AS l_species, l.datetime_created AS l_datetime_created, l.api_version AS l_api_version, " +
            "l.api_user_id AS l_api_user_id";

        public static TuboidSeries ReadSeries(CatalogRow r) => new TuboidSeries
        {
            Id = SqliteRows.Int64OrNull(r, "s_id") ?? 0,
            Device = SqliteRows.StringOrNull(r, "s_device"),
            StartDateTime = StickyTime.Normalize(SqliteRows.DateTimeValue(r, "s_start_datetime")),
            EndDateTime = StickyTime.Normalize(SqliteRows.DateTimeValue(r, "s_end_datetime")),
            NImages = (int)(SqliteRows.Int64OrNull(r, "s_n_images") ?? 0),
            NTuboids = (int)(SqliteRows.Int64OrNull(r, "s_n_tuboids") ?? 0),
            AlgoName = SqliteRows.StringOrNull(r, "s_algo_name"),
            AlgoVersion = SqliteRows.StringOrNull(r, "s_algo_version"),
            DateTimeCreated = SqliteRows.DateTimeValue(r, "s_datetime_created"),
            ApiVersion = SqliteRows.StringOrNull(r, "s_api_version"),
            ApiUserId = SqliteRows.Int64OrNull(r, "s_api_user_id"),
        };

        public static T ReadTuboid<T>(CatalogRow r, T t) where T : TiledTuboid
        {
            t.Id = SqliteRows.Int64OrNull(r, "t_id");
            t.ParentSeriesId = SqliteRows.Int64OrNull(r, "t_parent_series_id") ?? 0;
            t.TuboidId = SqliteRows.StringOrNull(r, "t_tuboid_id");
            t.IdInSeries = (int)(SqliteRows.Int64OrNull(r, "t_id_in_series") ?? 0);
            t.StartDateTime = StickyTime.Normalize(SqliteRows.DateTimeValue(r, "t_start_datetime"));
            t.EndDateTime = StickyTime.Normalize(SqliteRows.DateTimeValue(r, "t_end_datetime"));
            t.NShots = (int)(SqliteRows.Int64OrNull(r, "t_n_shots") ?? 0);
            t.DateTimeCreated = SqliteRows.DateTimeValue(r, "t_datetime_created");
            t.ApiVersion = SqliteRows.StringOrNull(r, "t_api_version");
            t.ApiUserId = SqliteRows.Int64OrNull(r, "t_api_user_id");
            t.AlgoNameSeries = SqliteRows.StringOrNull(r, "s_algo_name");
            t.AlgoVersionSeries = SqliteRows.StringOrNull(r, "s_algo_version");
            t.NTuboidsSeries = (int)(SqliteRows.Int64OrNull(r, "s_n_tuboids") ?? 0);
            t.DeviceSeries = SqliteRows.StringOrNull(r, "s_device");
            t.StartDateTimeSeries = StickyTime.Normalize(SqliteRows.DateTimeValue(r, "s_start_datetime"));
            t.EndDateTimeSeries = StickyTime.Normalize(SqliteRows.DateTimeValue(r, "s_end_datetime"));
            return t;
        }

        public static ItcLabel ReadLabel(CatalogRow r) => new ItcLabel
        {
            Id = SqliteRows.Int64OrNull(r, "l_id"),
            ParentTuboidId = SqliteRows.Int64OrNull(r, "l_parent_tuboid_id") ?? 0,
            TuboidId = SqliteRows.StringOrNull(r, "t_tuboid_id"),
            AlgoName = SqliteRows.StringOrNull(r, "l_algo_name"),
            AlgoVersion = SqliteRows.StringOrNull(r, "l_algo_version"),
            Label = (int)(SqliteRows.Int64OrNull(r, "l_label") ?? 0),
            Pattern = SqliteRows.StringOrNull(r, "l_pattern"),
            Type = SqliteRows.StringOrNull(r, "l_type"),
            Order = SqliteRows.StringOrNull(r, "l_order"),
            Family = SqliteRows.StringOrNull(r, "l_family"),
            Genus = SqliteRows.StringOrNull(r, "l_genus"),
            Species = SqliteRows.StringOrNull(r, "l_species"),
            DateTimeCreated = SqliteRows.DateTimeValue(r, "l_datetime_created"),
            ApiVersion = SqliteRows.StringOrNull(r, "l_api_version"),
            ApiUserId = SqliteRows.Int64OrNull(r, "l_api_user_id"),
        };
    }
}
