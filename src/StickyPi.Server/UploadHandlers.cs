using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;

namespace StickyPi.Server
{
    /// <summary>
    /// The two multipart routes (spec §1.7, §1.8). Parts are streamed to temporary files in the store's private folder
    /// (never a whole request in memory), then handed to the core: <see cref="ImageUploadIngest"/> for images, the
    /// back-end's tuboid import for tuboids.
    /// </summary>
    public static class UploadHandlers
    {
        private const int SmallPartLimit = 1024 * 1024;

        public static async Task PutNewImages(ApiCall call)
        {
            var ingest = call.Http.RequestServices.GetRequiredService<ImageUploadIngest>();
            var files = new List<(string Name, string Path)>();
            var md5s = new Dictionary<string, string>(StringComparer.Ordinal);
            var space = call.Http.RequestServices.GetRequiredService<UploadSpace>();
            var created = new List<string>();
            try
            {
                await foreach (var part in Parts(call.Http))
                {
                    if (part.FileName != null)
                    {
                        var name = SafeFileName(string.IsNullOrEmpty(part.Name) ? part.FileName : part.Name);
                        var path = space.NewFilePath();
                        created.Add(path);
                        await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
                        {
                            await part.Section.Body.CopyToAsync(output, call.Http.RequestAborted);
                        }

                        files.Add((name, path));
                    }
                    else if (part.Name != null && part.Name.EndsWith(".md5", StringComparison.Ordinal))
                    {
                        md5s[part.Name.Substring(0, part.Name.Length - 4)] = (await ReadSmall(part.Section, part.Name, 256)).Trim();
                    }
                }

                if (files.Count == 0)
                {
                    throw new ApiException(StatusCodes.Status400BadRequest, "No image part: send each image as a file part named after the image file.",
                        field: "file", errorId: "NoImage");
                }

                var stored = new List<StoredUpload>();
                foreach (var (name, path) in files)
                {
                    md5s.TryGetValue(name, out var md5);
                    if (!string.IsNullOrEmpty(md5) && (md5.Length != 32 || !IsHex(md5)))
                    {
                        throw new ApiException(StatusCodes.Status400BadRequest, "The md5 field of " + name + " is not 32 hexadecimal characters.",
                            field: name + ".md5", errorId: "InvalidMd5");
                    }

                    stored.Add(await ingest.StoreAsync(call.Caller, path, name, md5, call.Http.RequestAborted));
                }

                // Stored: the parts go before the answer, so a client that has it never sees them.
                DeleteAll(created);
                await call.WriteRows(stored, (w, s) => WireRows.Image(w, s.Row, WireRows.ImageForm.Uploaded, uploadedDeviceVersion: s.ParsedDeviceVersion));
            }
            finally
            {
                DeleteAll(created);
            }
        }

        private static void DeleteAll(List<string> paths)
        {
            foreach (var path in paths)
            {
                TryDeleteFile(path);
            }

            paths.Clear();
        }

        public static async Task PutTiledTuboids(ApiCall call)
        {
            string folder = TempFolder(call);
            try
            {
                string tuboidId = null;
                JsonDocument seriesInfo = null;
                var saved = new Dictionary<string, string>(StringComparer.Ordinal);
                var staging = Path.Combine(folder, "parts");
                Directory.CreateDirectory(staging);
                try
                {
                    await foreach (var part in Parts(call.Http))
                    {
                        switch (part.Name)
                        {
                            case "tuboid_id":
                                tuboidId = JsonString(await ReadSmall(part.Section, "tuboid_id", 1024), "tuboid_id");
                                break;
                            case "series_info":
                                var text = await ReadSmall(part.Section, "series_info", 64 * 1024);
                                try
                                {
                                    seriesInfo = JsonDocument.Parse(text);
                                }
                                catch (JsonException e)
                                {
                                    throw ApiException.BadField("series_info", "The series_info part is not valid JSON: " + e.Message);
                                }

                                break;
                            case "metadata":
                            case "tuboid":
                            case "context":
                                var target = Path.Combine(staging, part.Name);
                                await using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
                                {
                                    await part.Section.Body.CopyToAsync(output, call.Http.RequestAborted);
                                }

                                saved[part.Name] = target;
                                break;
                        }
                    }

                    foreach (var required in new[] { "tuboid_id", "series_info", "metadata", "tuboid", "context" })
                    {
                        bool present = required == "tuboid_id" ? tuboidId != null : required == "series_info" ? seriesInfo != null : saved.ContainsKey(required);
                        if (!present)
                        {
                            throw ApiException.BadField(required, "The part '" + required + "' is missing (send metadata, tuboid, context, tuboid_id and series_info).");
                        }
                    }

                    var name = SafeFileName(tuboidId, "tuboid_id");
                    var dir = Path.Combine(folder, name);
                    Directory.CreateDirectory(dir);
                    File.Move(saved["metadata"], Path.Combine(dir, "metadata.txt"));
                    File.Move(saved["tuboid"], Path.Combine(dir, "tuboid.jpg"));
                    File.Move(saved["context"], Path.Combine(dir, "context.jpg"));

                    var info = SeriesInfo(seriesInfo.RootElement);
                    try
                    {
                        info.Validate();
                    }
                    catch (StickyPiException e)
                    {
                        throw ApiException.BadField("series_info", e.Message);
                    }
                    var results = call.Backend.PutTiledTuboids(call.Caller, new[] { dir }, info);
                    var result = results[0];
                    if (result.Error != null)
                    {
                        // Name the tuboid, never the server's temporary folder.
                        throw new ApiException(ApiErrors.StatusOf(result.Error), result.Error.Message.Replace(dir, name).Replace(folder, string.Empty),
                            file: name, errorId: result.Error.ErrorId);
                    }

                    var urls = (Func<string, string>)null;
                    await call.WriteRows(new[] { result.Tuboid }, (w, t) => WireRows.Tuboid(w, t, urls), wrapInList: true);
                }
                finally
                {
                    seriesInfo?.Dispose();
                }
            }
            finally
            {
                TryDeleteDirectory(folder);
            }
        }

        private static TuboidSeriesInfo SeriesInfo(JsonElement o)
        {
            if (o.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadField("series_info", "The series_info part must be a JSON object.");
            }

            WireJson.OnlyKeys(o, 0, "device", "start_datetime", "end_datetime", "n_images", "n_tuboids", "algo_name", "algo_version");
            return new TuboidSeriesInfo
            {
                Device = WireJson.String(o, "device", true),
                StartDateTime = WireJson.DateTime(o, "start_datetime", true).Value,
                EndDateTime = WireJson.DateTime(o, "end_datetime", true).Value,
                ImageCount = (int?)WireJson.Integer(o, "n_images", true),
                TuboidCount = (int?)WireJson.Integer(o, "n_tuboids", true),
                AlgoName = WireJson.String(o, "algo_name", true),
                AlgoVersion = WireJson.String(o, "algo_version", true),
            };
        }

        /// <summary>One part of a multipart body, with its form name and file name (if any).</summary>
        public sealed class Part
        {
            public MultipartSection Section { get; set; }

            public string Name { get; set; }

            public string FileName { get; set; }
        }

        /// <summary>The parts of a multipart/form-data body, read one at a time.</summary>
        public static async IAsyncEnumerable<Part> Parts(HttpContext http)
        {
            if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) ||
                !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "The body must be multipart/form-data (got " + (http.Request.ContentType ?? "none") + ").",
                    errorId: "NotMultipart");
            }

            var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
            if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "The multipart body has no valid boundary.", errorId: "NotMultipart");
            }

            var reader = new MultipartReader(boundary, http.Request.Body) { HeadersLengthLimit = 16 * 1024 };
            MultipartSection section;
            while ((section = await reader.ReadNextSectionAsync(http.RequestAborted)) != null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                string fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : disposition.FileName.HasValue ? HeaderUtilities.RemoveQuotes(disposition.FileName).Value : null;
                yield return new Part { Section = section, Name = HeaderUtilities.RemoveQuotes(disposition.Name).Value, FileName = fileName };
            }
        }

        internal static async Task<string> ReadSmall(MultipartSection section, string name, int limit)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int n;
            while ((n = await section.Body.ReadAsync(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > limit)
                {
                    throw ApiException.BadField(name, "The part '" + name + "' is longer than " + limit + " bytes.");
                }
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        private static string JsonString(string text, string field)
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind != JsonValueKind.String)
                {
                    throw ApiException.BadField(field, "The part '" + field + "' must be a JSON string.");
                }

                return doc.RootElement.GetString();
            }
            catch (JsonException)
            {
                // Tolerate a bare name: it is what the part means.
                return text.Trim();
            }
        }

        /// <summary>A client-supplied file or directory name: a plain name, never a path (traversal is refused with 400 naming it).</summary>
        internal static string SafeFileName(string name, string field = null)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 255 || name == "." || name == ".." || name.IndexOfAny(new[] { '/', '\\', ':', '\0' }) >= 0 ||
                name.StartsWith(".", StringComparison.Ordinal) || HasControl(name))
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "'" + name + "' is not a plain file name.", field: field, file: field == null ? name : null,
                    errorId: "InvalidFileName");
            }

            return name;
        }

        private static bool HasControl(string s)
        {
            foreach (var c in s)
            {
                if (char.IsControl(c))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsHex(string s)
        {
            foreach (var c in s)
            {
                if (!Uri.IsHexDigit(c))
                {
                    return false;
                }
            }

            return true;
        }

        private static string TempFolder(ApiCall call)
        {
            return call.Http.RequestServices.GetRequiredService<UploadSpace>().NewFolder();
        }

        internal static void TryDeleteFile(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // A leftover is swept on the next start.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        internal static void TryDeleteDirectory(string folder)
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, true);
                }
            }
            catch (IOException)
            {
                // A leftover is swept on the next start.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
