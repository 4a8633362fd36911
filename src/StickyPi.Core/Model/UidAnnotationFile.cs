using System.Collections.Generic;
using System.Text.Json;

namespace StickyPi.Core.Model
{
    /// <summary>Reads a JSON file of UID annotations: one upstream item, or an array of items.</summary>
    public static class UidAnnotationFile
    {
        public static IReadOnlyList<UidAnnotationSubmission> Parse(string json, string sourceName)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json);
            }
            catch (JsonException ex)
            {
                throw new StickyPiException(StickyErrorIds.InvalidAnnotation, StickyErrorKind.InvalidData,
                    $"{sourceName}: not valid JSON ({ex.Message})", sourceName, ex);
            }

            using (document)
            {
                var items = new List<UidAnnotationSubmission>();
                if (document.RootElement.ValueKind == JsonValueKind.Array)
                {
                    int i = 0;
                    foreach (var element in document.RootElement.EnumerateArray())
                    {
                        items.Add(UidAnnotationSubmission.FromJson(element.GetRawText(), sourceName + "[" + i++ + "]"));
                    }
                }
                else
                {
                    items.Add(UidAnnotationSubmission.FromJson(json, sourceName));
                }

                return items;
            }
        }
    }
}
