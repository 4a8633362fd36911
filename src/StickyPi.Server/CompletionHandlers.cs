using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using StickyPi.Core.Local;
using static StickyPi.Server.WireJson;

namespace StickyPi.Server
{
    /// <summary>
    /// StickyPi.Server's own read routes, beside upstream's protocol: tab completion (what the embedded store's completers
    /// answer, under the same role rules) and a project's series columns. Upstream has no route that lists devices,
    /// bundle names, algorithm names or columns, so without these a client must sample or give up.
    /// </summary>
    public static class CompletionHandlers
    {
        /// <summary>The most names one completion request may ask for.</summary>
        public const int MaxLimit = 1000;

        /// <summary>The longest text to complete: longer than any stored name, short enough that a LIKE over it stays cheap.</summary>
        public const int MaxTypedLength = 256;

        public static Task ImageDevices(ApiCall call) => Answer(call, (typed, limit) => call.Backend.CompleteImageDevices(call.Caller, typed, limit));

        public static Task TuboidDevices(ApiCall call) => Answer(call, (typed, limit) => call.Backend.CompleteTuboidDevices(call.Caller, typed, limit));

        public static Task MlBundleNames(ApiCall call) => Answer(call, (typed, limit) => call.Backend.CompleteMlBundleNames(call.Caller, typed, limit));

        public static Task UidAlgoNames(ApiCall call) => AlgoNames(call, AlgoNameSource.UidAnnotations);

        public static Task TuboidAlgoNames(ApiCall call) => AlgoNames(call, AlgoNameSource.TuboidSeries);

        public static Task ItcAlgoNames(ApiCall call) => AlgoNames(call, AlgoNameSource.ItcLabels);

        /// <summary><c>get_project_columns</c>: <c>[{"project_id": N}]</c> → every column of each project's series table, in table order.</summary>
        public static Task ProjectColumns(ApiCall call)
        {
            var columns = ProjectIds(call.Body).SelectMany(id => call.Backend.GetProjectColumns(call.Caller, id)).ToList();
            return call.WriteRows(columns, (w, c) =>
            {
                w.WriteStartObject();
                w.WriteNumber("project_id", c.ProjectId);
                w.WriteString("column_name", c.Name);
                w.WriteString("column_SQL_type", c.SqlType);
                w.WriteBoolean("built_in", c.IsBuiltIn);
                w.WriteEndObject();
            });
        }

        private static Task AlgoNames(ApiCall call, AlgoNameSource source) =>
            Answer(call, (typed, limit) => call.Backend.CompleteAlgoNames(call.Caller, source, typed, limit));

        /// <summary>Reads <c>{"typed": "...", "limit": N}</c> (both optional) and answers a JSON list of names.</summary>
        private static Task Answer(ApiCall call, Func<string, int, IReadOnlyList<string>> complete)
        {
            if (call.Body.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadField("$", "The body must be a JSON object like {\"typed\": \"0a\", \"limit\": 100}, not " + Describe(call.Body) + ".");
            }

            OnlyKeys(call.Body, 0, "typed", "limit");
            string typed = String(call.Body, "typed", false) ?? string.Empty;
            if (typed.Length > MaxTypedLength)
            {
                throw ApiException.BadField("typed", "The field 'typed' is longer than " + MaxTypedLength + " characters.");
            }

            long limit = Integer(call.Body, "limit", false) ?? LocalStickyStore.DefaultCompletionLimit;
            if (limit < 0 || limit > MaxLimit)
            {
                throw ApiException.BadField("limit", "The field 'limit' must be between 0 and " + MaxLimit + ", not " + limit + ".");
            }

            return call.WriteRows(complete(typed, (int)limit), (w, name) => w.WriteStringValue(name));
        }
    }
}
