using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;

namespace StickyPi.Server
{
    /// <summary>
    /// Signed file URLs (the server's presigned S3 URLs): <c>GET /files/&lt;key&gt;?expires=…&amp;signature=…</c> serves a
    /// stored file with ETag, If-None-Match and Range; <c>POST /files/upload</c> takes an ML bundle file as upstream's
    /// client posts to a presigned POST (form fields, then a <c>file</c> part) and answers 204.
    /// </summary>
    public static class FileEndpoints
    {
        public static void Map(IEndpointRouteBuilder app)
        {
            app.MapMethods(FileUrls.FilesPrefix + "{**key}", new[] { "GET", "HEAD" }, Download).WithName("files");
            app.MapPost(FileUrls.UploadPath, Upload).WithName("files-upload");
        }

        private static async Task Download(HttpContext http)
        {
            var key = (string)http.Request.RouteValues["key"];
            var urls = http.RequestServices.GetRequiredService<FileUrls>();
            var backend = http.RequestServices.GetRequiredService<IStickyBackend>();
            if (!urls.Signer.Verify(SignedFileUrl.DownloadPurpose, key, http.Request.Query["expires"], http.Request.Query["signature"], DateTime.UtcNow))
            {
                await ApiErrors.Write(http, StatusCodes.Status403Forbidden, "The link is invalid or has expired; ask the API for a new one.", errorId: "InvalidSignature");
                return;
            }

            var info = backend.Files.GetInfo(key);
            if (info == null)
            {
                await ApiErrors.Write(http, StatusCodes.Status404NotFound, "No such file (it was deleted).", errorId: "FileNotFound");
                return;
            }

            var etag = new EntityTagHeaderValue("\"" + info.ETag + "\"");
            var type = ContentType(key);
            var physical = backend.Files.GetPhysicalPath(key);
            http.Response.Headers.CacheControl = "private, max-age=3600";
            IResult result = physical != null
                ? Results.File(physical, type, lastModified: info.LastModifiedUtc, entityTag: etag, enableRangeProcessing: true)
                : Results.Stream(backend.Files.OpenRead(key), type, lastModified: info.LastModifiedUtc, entityTag: etag, enableRangeProcessing: true);
            await result.ExecuteAsync(http);
        }

        private static async Task Upload(HttpContext http)
        {
            var settings = http.RequestServices.GetRequiredService<ServerSettings>();
            var urls = http.RequestServices.GetRequiredService<FileUrls>();
            var backend = http.RequestServices.GetRequiredService<IStickyBackend>();
            if (!await ApiRoutes.LimitBody(http, settings.MaxBundleFileBytes + 64 * 1024))
            {
                return;
            }

            string key = null, expires = null, signature = null;
            string folder = http.RequestServices.GetRequiredService<UploadSpace>().NewFolder();
            try
            {
                string temp = null;
                await foreach (var part in UploadHandlers.Parts(http))
                {
                    switch (part.Name)
                    {
                        case "key": key = await UploadHandlers.ReadSmall(part.Section, "key", 2048); break;
                        case "expires": expires = await UploadHandlers.ReadSmall(part.Section, "expires", 64); break;
                        case "signature": signature = await UploadHandlers.ReadSmall(part.Section, "signature", 256); break;
                        case "file":
                            // S3 ignores fields after the file; so do we, and the signature must already be known and good.
                            if (!urls.Signer.Verify(SignedFileUrl.UploadPurpose, key, expires, signature, DateTime.UtcNow))
                            {
                                await ApiErrors.Write(http, StatusCodes.Status403Forbidden, "The upload link is invalid or has expired; ask for new upload links.",
                                    errorId: "InvalidSignature");
                                return;
                            }

                            temp = Path.Combine(folder, "file");
                            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
                            {
                                await part.Section.Body.CopyToAsync(output, http.RequestAborted);
                            }

                            break;
                    }

                    if (temp != null)
                    {
                        break;
                    }
                }

                if (temp == null)
                {
                    await ApiErrors.Write(http, StatusCodes.Status400BadRequest, "No 'file' part: send the form fields, then the file as a part named 'file'.",
                        field: "file", errorId: "NoFile");
                    return;
                }

                // Only ML bundle keys are ever handed out for upload: ml/<bundle>/<key in bundle>.
                var rest = key.StartsWith("ml/", StringComparison.Ordinal) ? key.Substring("ml/".Length) : string.Empty;
                int slash = rest.IndexOf('/');
                if (slash <= 0)
                {
                    await ApiErrors.Write(http, StatusCodes.Status400BadRequest, "Only ML bundle files are uploaded through links.", field: "key", errorId: "InvalidStorageKey");
                    return;
                }

                var bundle = rest.Substring(0, slash);
                var bundleKey = rest.Substring(slash + 1);
                backend.StoreMlBundleFile(CallerIdentity.LocalAdministrator, bundle, bundleKey, temp, DateTime.UtcNow, cancellationToken: http.RequestAborted);
                http.Response.StatusCode = StatusCodes.Status204NoContent;
            }
            catch (StickyPiException e) when (!ApiErrors.IsServerFault(e))
            {
                await ApiErrors.Write(http, e, targetIsFile: true);
            }
            catch (ApiException e)
            {
                await ApiErrors.Write(http, e);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await ApiErrors.Write(http, StatusCodes.Status413PayloadTooLarge, "The file is larger than the limit for bundle files.", errorId: "RequestTooLarge");
            }
            catch (InvalidDataException e)
            {
                await ApiErrors.Write(http, StatusCodes.Status400BadRequest, "Malformed multipart body: " + e.Message, errorId: "BadMultipart");
            }
            finally
            {
                UploadHandlers.TryDeleteDirectory(folder);
            }
        }

        private static string ContentType(string key)
        {
            if (key.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || key.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase) ||
                key.EndsWith(".thumbnail", StringComparison.Ordinal) || key.EndsWith(".thumbnail-mini", StringComparison.Ordinal))
            {
                return "image/jpeg";
            }

            if (key.EndsWith(".txt", StringComparison.Ordinal) || key.EndsWith(".yaml", StringComparison.Ordinal) || key.EndsWith(".yml", StringComparison.Ordinal))
            {
                return "text/plain";
            }

            if (key.EndsWith(".svg", StringComparison.Ordinal))
            {
                return "image/svg+xml";
            }

            return "application/octet-stream";
        }
    }
}
