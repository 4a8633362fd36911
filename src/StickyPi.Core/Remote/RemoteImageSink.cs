using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// A Sticky Pi server (StickyPi.Server or upstream's) as the import pipeline's sink: the stage that sends instead of
    /// stores. Lookups are <c>get_images/metadata</c> per batch of keys; staging uploads the image (one request per
    /// image with its md5, as upstream's client sends it; the server stores and commits it then); the commit only
    /// hands back the rows the server echoed. The pipeline keeps everything else: the stat cache, so a re-run opens
    /// nothing; md5 conflicts reported, not overwritten; one result per file, a refusal failing only its file.
    /// </summary>
    /// <remarks>
    /// Upstream's API cannot replace a stored image, so a file posted with <c>ConflictAction.Replace</c> over a different
    /// stored image fails with the server's duplicate refusal; delete the stored image first.
    /// </remarks>
    public sealed class RemoteImageSink : IImageImportSink<StickyImage>
    {
        /// <summary>Keys per <c>get_images</c> request (about 60 bytes each; upstream's nginx refuses bodies over 100 MiB).</summary>
        public const int LookupChunk = 500;

        private readonly StickyApiClient _client;

        public RemoteImageSink(StickyApiClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

        public string Location => _client.Endpoint.AbsoluteUri;

        public IDictionary<ImageKey, string> GetStoredMd5s(IEnumerable<ImageKey> keys)
        {
            var result = new Dictionary<ImageKey, string>();
            var list = (keys ?? throw new ArgumentNullException(nameof(keys))).Where(k => k.Device != null).Distinct().ToList();
            for (int start = 0; start < list.Count; start += LookupChunk)
            {
                using (var answer = _client.PostJson("get_images/metadata", KeysJson(list.Skip(start).Take(LookupChunk))))
                {
                    foreach (var row in Rows(answer, "get_images"))
                    {
                        var image = WireImageRow.Read(row);
                        result[image.Key] = image.Md5;
                    }
                }
            }

            return result;
        }

        /// <summary>Sends the image now; returns the row the server stored (its upload echo, whose id upstream leaves null).</summary>
        public StickyImage Stage(ParsedImage parsed, byte[] originalBytes, int length)
        {
            if (parsed == null)
            {
                throw new ArgumentNullException(nameof(parsed));
            }

            string name = parsed.Key.FileName;
            using (var answer = _client.PutImage(name, originalBytes, length, parsed.Md5))
            {
                foreach (var row in Rows(answer, "_put_new_images"))
                {
                    var image = WireImageRow.Read(row);
                    if (image.Key.Equals(parsed.Key))
                    {
                        return image;
                    }
                }
            }

            throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                "The server at " + Location + " accepted " + name + " but did not echo its row.", name);
        }

        /// <summary>Nothing left to store: each image was committed by the server when it was sent.</summary>
        public IReadOnlyList<StickyImage> Commit(CallerIdentity caller, IReadOnlyList<StickyImage> batch, bool replaceExisting)
        {
            if (replaceExisting)
            {
                throw new StickyPiException(StickyErrorIds.DuplicateImage, StickyErrorKind.Conflict,
                    "The server at " + Location + " cannot replace a stored image (upstream's API has no replace); delete it first.");
            }

            return batch;
        }

        /// <summary>Image keys as upstream's routes take them: <c>[{"device", "datetime"}]</c>, datetimes in the wire form.</summary>
        internal static string KeysJson(IEnumerable<ImageKey> keys) =>
            JsonSerializer.Serialize(keys.Select(k => new Dictionary<string, string> { ["device"] = k.Device, ["datetime"] = StickyTime.ToWire(k.DateTime) }));

        /// <summary>The rows of a list answer (every route here answers a list); anything else is a <c>RemoteError</c>.</summary>
        internal static IEnumerable<JsonElement> Rows(JsonDocument answer, string route)
        {
            if (answer.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                    "The server's answer to " + route + " is not a list of rows.");
            }

            return answer.RootElement.EnumerateArray();
        }
    }
}
