using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;

namespace StickyPi.Server
{
    /// <summary>How a route reads its request.</summary>
    public enum RouteBody
    {
        None,
        Json,
        Multipart,
    }

    /// <summary>One upstream route (spec §1.4): name, operation (for the role check), accepted <c>/what</c> values, body kind, handler.</summary>
    public sealed class ApiRoute
    {
        public ApiRoute(string name, ApiOperation operation, string[] whats, RouteBody body, Func<ApiCall, Task> handler)
        {
            Name = name;
            Operation = operation;
            Whats = whats;
            Body = body;
            Handler = handler;
        }

        public string Name { get; }

        public ApiOperation Operation { get; }

        /// <summary>Null: no <c>/what</c> segment; empty: any value; else the accepted values.</summary>
        public string[] Whats { get; }

        public RouteBody Body { get; }

        public Func<ApiCall, Task> Handler { get; }
    }

    /// <summary>Maps upstream's POST routes and runs each request through limits, authentication, roles and error mapping.</summary>
    public static class ApiRoutes
    {
        public const string CallerItem = "stickypi.caller";

        public static readonly string[] ImageWhats = { "metadata", "image", "thumbnail", "thumbnail-mini" };
        public static readonly string[] AnyWhat = new string[0];
        public static readonly string[] TuboidWhats = { "metadata", "data" };
        public static readonly string[] BundleWhats = { "all", "data", "model" };

        public static IReadOnlyList<ApiRoute> All { get; } = new[]
        {
            new ApiRoute("get_token", ApiOperation.GetToken, null, RouteBody.None, JsonHandlers.GetToken),
            new ApiRoute("get_users", ApiOperation.GetUsers, null, RouteBody.Json, JsonHandlers.GetUsers),
            new ApiRoute("put_users", ApiOperation.PutUsers, null, RouteBody.Json, JsonHandlers.PutUsers),
            new ApiRoute("delete_users", ApiOperation.DeleteUsers, null, RouteBody.Json, JsonHandlers.DeleteUsers),
            new ApiRoute("get_projects", ApiOperation.GetProjects, null, RouteBody.Json, JsonHandlers.GetProjects),
            new ApiRoute("put_projects", ApiOperation.PutProjects, null, RouteBody.Json, JsonHandlers.PutProjects),
            new ApiRoute("delete_projects", ApiOperation.DeleteProjects, null, RouteBody.Json, JsonHandlers.DeleteProjects),
            new ApiRoute("get_project_permissions", ApiOperation.GetProjectPermissions, null, RouteBody.Json, JsonHandlers.GetProjectPermissions),
            new ApiRoute("put_project_permissions", ApiOperation.PutProjectPermissions, null, RouteBody.Json, JsonHandlers.PutProjectPermissions),
            new ApiRoute("delete_project_permissions", ApiOperation.DeleteProjectPermissions, null, RouteBody.Json, JsonHandlers.DeleteProjectPermissions),
            new ApiRoute("get_project_series", ApiOperation.GetProjectSeries, null, RouteBody.Json, JsonHandlers.GetProjectSeries),
            new ApiRoute("put_project_series", ApiOperation.PutProjectSeries, null, RouteBody.Json, JsonHandlers.PutProjectSeries),
            new ApiRoute("delete_project_series", ApiOperation.DeleteProjectSeries, null, RouteBody.Json, JsonHandlers.DeleteProjectSeries),
            new ApiRoute("put_project_columns", ApiOperation.PutProjectColumns, null, RouteBody.Json, JsonHandlers.PutProjectColumns),
            new ApiRoute("delete_project_columns", ApiOperation.DeleteProjectColumns, null, RouteBody.Json, JsonHandlers.DeleteProjectColumns),
            new ApiRoute("get_images", ApiOperation.GetImages, ImageWhats, RouteBody.Json, JsonHandlers.GetImages),
            new ApiRoute("get_image_series", ApiOperation.GetImages, ImageWhats, RouteBody.Json, JsonHandlers.GetImageSeries),
            new ApiRoute("get_images_to_annotate", ApiOperation.GetImagesToAnnotate, ImageWhats, RouteBody.Json, JsonHandlers.GetImagesToAnnotate),
            new ApiRoute("delete_images", ApiOperation.DeleteImages, null, RouteBody.Json, JsonHandlers.DeleteImages),
            new ApiRoute("delete_tiled_tuboids", ApiOperation.DeleteTiledTuboids, null, RouteBody.Json, JsonHandlers.DeleteTiledTuboids),
            new ApiRoute("put_uid_annotations", ApiOperation.PutUidAnnotations, null, RouteBody.Json, JsonHandlers.PutUidAnnotations),
            new ApiRoute("get_uid_annotations", ApiOperation.GetUidAnnotations, AnyWhat, RouteBody.Json, JsonHandlers.GetUidAnnotations),
            new ApiRoute("get_uid_annotations_series", ApiOperation.GetUidAnnotations, AnyWhat, RouteBody.Json, JsonHandlers.GetUidAnnotationsSeries),
            new ApiRoute("get_tiled_tuboid_series", ApiOperation.GetTiledTuboids, TuboidWhats, RouteBody.Json, JsonHandlers.GetTiledTuboidSeries),
            new ApiRoute("put_itc_labels", ApiOperation.PutItcLabels, null, RouteBody.Json, JsonHandlers.PutItcLabels),
            new ApiRoute("_get_itc_labels", ApiOperation.GetItcLabels, null, RouteBody.Json, JsonHandlers.GetItcLabels),
            new ApiRoute("_get_ml_bundle_file_list", ApiOperation.GetMlBundleFileList, BundleWhats, RouteBody.Json, JsonHandlers.GetMlBundleFileList),
            new ApiRoute("_get_ml_bundle_upload_links", ApiOperation.GetMlBundleUploadLinks, null, RouteBody.Json, JsonHandlers.GetMlBundleUploadLinks),
            new ApiRoute("_put_new_images", ApiOperation.PutImages, null, RouteBody.Multipart, UploadHandlers.PutNewImages),
            new ApiRoute("_put_tiled_tuboids", ApiOperation.PutTiledTuboids, null, RouteBody.Multipart, UploadHandlers.PutTiledTuboids),

            // StickyPi.Server's own read routes (not in upstream's protocol): completion and a project's columns.
            new ApiRoute("complete_image_devices", ApiOperation.GetImages, null, RouteBody.Json, CompletionHandlers.ImageDevices),
            new ApiRoute("complete_tuboid_devices", ApiOperation.GetTiledTuboids, null, RouteBody.Json, CompletionHandlers.TuboidDevices),
            new ApiRoute("complete_ml_bundle_names", ApiOperation.GetMlBundleFileList, null, RouteBody.Json, CompletionHandlers.MlBundleNames),
            new ApiRoute("complete_uid_algo_names", ApiOperation.GetUidAnnotations, null, RouteBody.Json, CompletionHandlers.UidAlgoNames),
            new ApiRoute("complete_tuboid_algo_names", ApiOperation.GetTiledTuboids, null, RouteBody.Json, CompletionHandlers.TuboidAlgoNames),
            new ApiRoute("complete_itc_algo_names", ApiOperation.GetItcLabels, null, RouteBody.Json, CompletionHandlers.ItcAlgoNames),
            new ApiRoute("get_project_columns", ApiOperation.GetProjectSeries, null, RouteBody.Json, CompletionHandlers.ProjectColumns),
        };

        public static void Map(IEndpointRouteBuilder app)
        {
            foreach (var route in All)
            {
                var r = route;
                var pattern = "/" + r.Name + (r.Whats != null ? "/{what}" : string.Empty);
                app.MapPost(pattern, (HttpContext http) => Dispatch(http, r)).WithName(r.Name);
            }
        }

        private static async Task Dispatch(HttpContext http, ApiRoute route)
        {
            var services = http.RequestServices;
            var settings = services.GetRequiredService<ServerSettings>();
            long limit = route.Body == RouteBody.Multipart
                ? (route.Name == "_put_new_images" ? settings.MaxImageRequestBytes : settings.MaxTuboidRequestBytes)
                : settings.MaxJsonBytes;
            try
            {
                if (!await LimitBody(http, limit))
                {
                    return;
                }

                var caller = services.GetRequiredService<Credentials>().Authenticate(http);
                if (caller == null)
                {
                    await ApiErrors.Write(http, StatusCodes.Status401Unauthorized, "Unauthorized Access", errorId: "Unauthorized");
                    return;
                }

                http.Items[CallerItem] = caller;
                if (!AccessPolicy.IsAllowed(caller, route.Operation))
                {
                    await ApiErrors.Write(http, StatusCodes.Status403Forbidden,
                        "Unauthorized Access: '" + caller.UserName + "' (" + caller.Role + ") may not call " + route.Name + ".", errorId: "Forbidden");
                    return;
                }

                string what = null;
                if (route.Whats != null)
                {
                    what = (string)http.Request.RouteValues["what"];
                    if (route.Whats.Length > 0 && Array.IndexOf(route.Whats, what) < 0)
                    {
                        await ApiErrors.Write(http, StatusCodes.Status404NotFound,
                            "Unknown '" + what + "' for " + route.Name + " (accepted: " + string.Join(", ", route.Whats) + ").", field: "what", errorId: "UnknownWhat");
                        return;
                    }
                }

                JsonDocument doc = null;
                try
                {
                    if (route.Body == RouteBody.Json)
                    {
                        doc = await ReadJson(http, limit);
                    }

                    var call = new ApiCall(http, caller, what, doc?.RootElement ?? default, services.GetRequiredService<IStickyBackend>(), services.GetRequiredService<FileUrls>());
                    await route.Handler(call);
                }
                finally
                {
                    doc?.Dispose();
                }
            }
            catch (ApiException e)
            {
                await ApiErrors.Write(http, e);
            }
            catch (StickyPiException e) when (!ApiErrors.IsServerFault(e))
            {
                await ApiErrors.Write(http, e, targetIsFile: route.Body == RouteBody.Multipart);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await ApiErrors.Write(http, StatusCodes.Status413PayloadTooLarge, "The request body is larger than " + limit + " bytes.", errorId: "RequestTooLarge");
            }
            catch (BadHttpRequestException e)
            {
                await ApiErrors.Write(http, e.StatusCode, "Bad request: " + e.Message, errorId: "BadRequest");
            }
            catch (InvalidDataException e)
            {
                // Malformed multipart bodies (boundaries, headers, section length limits).
                await ApiErrors.Write(http, StatusCodes.Status400BadRequest, "Malformed multipart body: " + e.Message, errorId: "BadMultipart");
            }
        }

        /// <summary>Refuses a body larger than the route's limit from its Content-Length, before reading it (413); caps chunked bodies too.</summary>
        internal static async Task<bool> LimitBody(HttpContext http, long limit)
        {
            if (http.Request.ContentLength > limit)
            {
                // Close rather than drain the body the client may still be sending.
                http.Response.Headers.Connection = "close";
                await ApiErrors.Write(http, StatusCodes.Status413PayloadTooLarge,
                    "The request body (" + http.Request.ContentLength + " bytes) is larger than the limit for this route (" + limit + " bytes).",
                    errorId: "RequestTooLarge");
                return false;
            }

            var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (feature != null && !feature.IsReadOnly)
            {
                feature.MaxRequestBodySize = limit;
            }

            return true;
        }

        private static async Task<JsonDocument> ReadJson(HttpContext http, long limit)
        {
            var type = http.Request.ContentType;
            if (type == null || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
            {
                throw new ApiException(StatusCodes.Status400BadRequest,
                    "The body must be JSON sent with Content-Type: application/json (got " + (type ?? "none") + ").", errorId: "NotJson");
            }

            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            if (buffer.Length > limit)
            {
                throw new ApiException(StatusCodes.Status413PayloadTooLarge, "The request body is larger than " + limit + " bytes.", errorId: "RequestTooLarge");
            }

            if (buffer.Length == 0)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "A JSON body is required (send [{}] for no argument).", errorId: "NotJson");
            }

            try
            {
                return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 256 });
            }
            catch (JsonException e)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "The body is not valid JSON: " + e.Message, field: e.Path, errorId: "NotJson");
            }
        }
    }
}
