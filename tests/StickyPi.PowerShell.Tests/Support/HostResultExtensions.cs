using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace StickyPi.PowerShell.Tests.Support
{
    public static class HostResultExtensions
    {
        /// <summary>Properties of output objects of a given .NET type.</summary>
        public static List<JsonElement> OfType(this HostResult r, string typeName) =>
            r.Output.Where(o => o.GetProperty("typeNames")[0].GetString() == typeName).Select(o => o.GetProperty("properties")).ToList();

        public static string Str(this JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;

        public static string ErrorId(this JsonElement e) => e.GetProperty("errorId").GetString().Split(',')[0];

        public const string ImportResult = "StickyPi.Core.Sync.ImageImportResult";
        public const string Image = "StickyPi.Core.Model.StickyImage";
        public const string Annotation = "StickyPi.Core.Model.UidAnnotation";
    }
}
