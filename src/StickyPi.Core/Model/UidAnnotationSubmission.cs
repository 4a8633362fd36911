using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// One UID annotation item as upstream receives it (spec §3.2):
    /// <c>{"annotations": [...], "metadata": {algo_name, algo_version, device, datetime, md5}}</c>, validated, with the
    /// exact JSON text upstream would store for it (<see cref="StoredJson"/>).
    /// </summary>
    public sealed class UidAnnotationSubmission
    {
        private UidAnnotationSubmission(string sourceName, string device, DateTime dateTime, string md5, string algoName,
            string algoVersion, int annotationCount, string storedJson)
        {
            SourceName = sourceName;
            Device = device;
            DateTime = dateTime;
            Md5 = md5;
            AlgoName = algoName;
            AlgoVersion = algoVersion;
            AnnotationCount = annotationCount;
            StoredJson = storedJson;
        }

        /// <summary>Where the item came from (file path, "item 3", …), used in error messages.</summary>
        public string SourceName { get; }

        public string Device { get; }

        /// <summary>Capture time of the annotated image, UTC, whole seconds.</summary>
        public DateTime DateTime { get; }

        public string Md5 { get; }

        public string AlgoName { get; }

        public string AlgoVersion { get; }

        /// <summary>Number of annotation objects (upstream's <c>n_objects</c>).</summary>
        public int AnnotationCount { get; }

        /// <summary>The item as upstream stores it in <c>uid_annotations.json</c> (Python <c>json.dumps</c> form, see <see cref="PythonJson"/>).</summary>
        public string StoredJson { get; }

        public ImageKey Key => new ImageKey(Device, DateTime);

        /// <summary>Parses and validates one upstream item. Errors are <see cref="StickyErrorIds.InvalidAnnotation"/> naming the source and field.</summary>
        public static UidAnnotationSubmission FromJson(string json, string sourceName)
        {
            if (json == null)
            {
                throw new ArgumentNullException(nameof(json));
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
            }
            catch (JsonException e)
            {
                throw Invalid(sourceName, null, "is not valid JSON (" + e.Message + ")", e);
            }

            using (doc)
            {
                return FromElement(doc.RootElement, sourceName);
            }
        }

        /// <summary>
        /// Builds an item from values, as upstream's Python client would send it. <paramref name="annotations"/> are
        /// trees of <see cref="System.Collections.IDictionary"/> (use ordered dictionaries: key order is kept),
        /// sequences, strings, numbers, booleans and nulls.
        /// </summary>
        public static UidAnnotationSubmission Create(string device, DateTime dateTime, string md5, string algoName,
            string algoVersion, IEnumerable<object> annotations)
        {
            const string source = "annotation";
            var list = annotations?.ToList() ?? throw Invalid(source, "annotations", "is missing");
            var metadata = new List<KeyValuePair<string, object>>
            {
                new KeyValuePair<string, object>("algo_name", algoName ?? throw Invalid(source, "metadata.algo_name", "is missing")),
                new KeyValuePair<string, object>("algo_version", algoVersion ?? throw Invalid(source, "metadata.algo_version", "is missing")),
                new KeyValuePair<string, object>("device", device ?? throw Invalid(source, "metadata.device", "is missing")),
                new KeyValuePair<string, object>("datetime", StickyTime.ToWire(dateTime)),
                new KeyValuePair<string, object>("md5", md5 ?? throw Invalid(source, "metadata.md5", "is missing")),
            };
            var item = new List<KeyValuePair<string, object>>
            {
                new KeyValuePair<string, object>("annotations", list),
                new KeyValuePair<string, object>("metadata", metadata),
            };

            string storedJson;
            try
            {
                storedJson = PythonJson.Serialize(item);
            }
            catch (FormatException e)
            {
                throw Invalid(source + " " + device + "@" + StickyTime.ToWire(dateTime), null, e.Message, e);
            }

            return new UidAnnotationSubmission(device + "." + StickyTime.Normalize(dateTime).ToString(StickyTime.FileNameFormat, CultureInfo.InvariantCulture),
                device, StickyTime.Normalize(dateTime), md5, algoName, algoVersion, list.Count, storedJson);
        }

        private static UidAnnotationSubmission FromElement(JsonElement root, string source)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(source, null, "must be a JSON object with 'annotations' and 'metadata'");
            }

            if (!root.TryGetProperty("annotations", out var annotations))
            {
                throw Invalid(source, "annotations", "is missing");
            }

            if (annotations.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(source, "annotations", "must be an array, not " + Describe(annotations.ValueKind));
            }

            if (!root.TryGetProperty("metadata", out var metadata))
            {
                throw Invalid(source, "metadata", "is missing");
            }

            if (metadata.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(source, "metadata", "must be an object, not " + Describe(metadata.ValueKind));
            }

            string algoName = RequiredString(metadata, "algo_name", source);
            string algoVersion = RequiredString(metadata, "algo_version", source);
            string device = RequiredString(metadata, "device", source);
            string dateText = RequiredString(metadata, "datetime", source);
            string md5 = RequiredString(metadata, "md5", source);
            if (!StickyTime.TryParseWire(dateText, out var dateTime))
            {
                throw Invalid(source, "metadata.datetime", "'" + dateText + "' is not a datetime (YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD_HH-MM-SS)");
            }

            string storedJson;
            try
            {
                storedJson = PythonJson.Serialize(root);
            }
            catch (FormatException e)
            {
                throw Invalid(source, null, e.Message, e);
            }

            return new UidAnnotationSubmission(source, device, StickyTime.Normalize(dateTime), md5, algoName, algoVersion,
                annotations.GetArrayLength(), storedJson);
        }

        private static string RequiredString(JsonElement metadata, string name, string source)
        {
            if (!metadata.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                throw Invalid(source, "metadata." + name, "is missing");
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(source, "metadata." + name, "must be a string, not " + Describe(value.ValueKind));
            }

            string s = value.GetString();
            if (string.IsNullOrEmpty(s))
            {
                throw Invalid(source, "metadata." + name, "is empty");
            }

            return s;
        }

        private static string Describe(JsonValueKind kind) => kind.ToString().ToLowerInvariant();

        private static StickyPiException Invalid(string source, string field, string problem, Exception inner = null)
        {
            string where = string.IsNullOrEmpty(source) ? "Annotation item" : "Annotation item '" + source + "'";
            string message = field == null ? where + ": " + problem + "." : where + ": field '" + field + "' " + problem + ".";
            return new StickyPiException(StickyErrorIds.InvalidAnnotation, StickyErrorKind.InvalidData,
                message.Replace("..", "."), (object)source ?? field, inner);
        }

        public override string ToString() => SourceName + " (" + AlgoName + "/" + AlgoVersion + ", " + AnnotationCount + " objects)";
    }
}
