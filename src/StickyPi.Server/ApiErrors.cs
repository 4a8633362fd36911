using System;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using StickyPi.Core.Model;

namespace StickyPi.Server
{
    /// <summary>A client error with its status and the field or file it concerns.</summary>
    public sealed class ApiException : Exception
    {
        public ApiException(int status, string message, string field = null, string file = null, string errorId = null)
            : base(message)
        {
            Status = status;
            Field = field;
            File = file;
            ErrorId = errorId;
        }

        public int Status { get; }

        public string Field { get; }

        public string File { get; }

        public string ErrorId { get; }

        public static ApiException BadField(string field, string message) => new ApiException(400, message, field: field, errorId: "InvalidField");
    }

    /// <summary>Error responses: a JSON body <c>{"error": …, "error_id": …, "field"/"file": …}</c> for every 4xx and 5xx.</summary>
    public static class ApiErrors
    {
        public const string Realm = "Basic realm=\"Authentication Required\"";

        /// <summary>
        /// Errors of the store itself (its disk, its catalog): the server's fault, not the request's. They go to the
        /// exception handler: logged with the request's correlation id, answered 500 without internals.
        /// </summary>
        public static bool IsServerFault(StickyPiException e) =>
            e.ErrorId == StickyErrorIds.StoreIo || e.ErrorId == StickyErrorIds.StoreCorrupt;

        /// <summary>The status a core error kind answers with.</summary>
        public static int StatusOf(StickyPiException e)
        {
            if (e.ErrorId == StickyPi.Core.Model.TuboidErrorIds.SeriesFull)
            {
                return StatusCodes.Status409Conflict; // the series, not the request, is full
            }

            switch (e.Kind)
            {
                case StickyErrorKind.NotFound: return StatusCodes.Status404NotFound;
                case StickyErrorKind.Conflict: return StatusCodes.Status409Conflict;
                case StickyErrorKind.PermissionDenied: return StatusCodes.Status403Forbidden;
                case StickyErrorKind.LimitsExceeded: return StatusCodes.Status413PayloadTooLarge;
                case StickyErrorKind.InvalidData: return StatusCodes.Status422UnprocessableEntity;
                case StickyErrorKind.ResourceUnavailable:
                case StickyErrorKind.OperationStopped: return StatusCodes.Status503ServiceUnavailable;
                default: return StatusCodes.Status400BadRequest;
            }
        }

        public static Task Write(HttpContext http, int status, string message, string field = null, string file = null, string errorId = null, string correlationId = null)
        {
            if (http.Response.HasStarted)
            {
                http.Abort();
                return Task.CompletedTask;
            }

            http.Response.Clear();
            http.Response.StatusCode = status;
            if (status == StatusCodes.Status401Unauthorized || status == StatusCodes.Status403Forbidden && errorId == "Forbidden")
            {
                http.Response.Headers.WWWAuthenticate = Realm;
            }

            http.Response.ContentType = "application/json";
            var buffer = new System.IO.MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = WireJson.Encoder }))
            {
                w.WriteStartObject();
                w.WriteString("error", message);
                if (errorId != null)
                {
                    w.WriteString("error_id", errorId);
                }

                if (field != null)
                {
                    w.WriteString("field", field);
                }

                if (file != null)
                {
                    w.WriteString("file", file);
                }

                if (correlationId != null)
                {
                    w.WriteString("correlation_id", correlationId);
                }

                w.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
            http.Response.ContentLength = buffer.Length;
            return http.Response.Body.WriteAsync(buffer.ToArray(), 0, (int)buffer.Length);
        }

        public static Task Write(HttpContext http, ApiException e) => Write(http, e.Status, e.Message, e.Field, e.File, e.ErrorId);

        public static Task Write(HttpContext http, StickyPiException e, bool targetIsFile)
        {
            string target = e.Target as string ?? (e.Target is ImageKey k ? k.FileName : e.Target?.ToString());
            return Write(http, StatusOf(e), e.Message, targetIsFile ? null : target, targetIsFile ? target : null, e.ErrorId);
        }
    }
}
