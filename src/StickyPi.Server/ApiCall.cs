using System;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;

namespace StickyPi.Server
{
    /// <summary>One authenticated API request: who calls, the <c>/what</c> segment, the parsed body, and the response helpers.</summary>
    public sealed class ApiCall
    {
        public ApiCall(HttpContext http, CallerIdentity caller, string what, JsonElement body, IStickyBackend backend, FileUrls urls)
        {
            Http = http;
            Caller = caller;
            What = what;
            Body = body;
            Backend = backend;
            Urls = urls;
        }

        public HttpContext Http { get; }

        public CallerIdentity Caller { get; }

        public string What { get; }

        public JsonElement Body { get; }

        public IStickyBackend Backend { get; }

        public FileUrls Urls { get; }

        public string Url(string location) => Urls.Download(Http, location);

        /// <summary>
        /// Streams a JSON array, one row at a time as the back-end yields them. The first row is read before the
        /// status is sent, so a failing query still answers with its error status; a failure later aborts the
        /// connection (the client sees a truncated response, never a wrong one).
        /// </summary>
        public async Task WriteRows<T>(IEnumerable<T> rows, Action<Utf8JsonWriter, T> write, bool wrapInList = false)
        {
            using var e = rows.GetEnumerator();
            bool any = e.MoveNext();
            var response = Http.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            PipeWriter pipe = response.BodyWriter;
            using (var w = new Utf8JsonWriter(pipe, new JsonWriterOptions { Encoder = WireJson.Encoder, SkipValidation = true }))
            {
                if (wrapInList)
                {
                    w.WriteStartArray();
                }

                w.WriteStartArray();
                int n = 0;
                while (any)
                {
                    write(w, e.Current);
                    if (++n % 64 == 0)
                    {
                        await w.FlushAsync(Http.RequestAborted);
                    }

                    any = e.MoveNext();
                }

                w.WriteEndArray();
                if (wrapInList)
                {
                    w.WriteEndArray();
                }

                await w.FlushAsync(Http.RequestAborted);
            }

            pipe.GetSpan(1)[0] = (byte)'\n';
            pipe.Advance(1);
            await pipe.FlushAsync(Http.RequestAborted);
        }

        /// <summary>Writes one JSON object.</summary>
        public async Task WriteObject(Action<Utf8JsonWriter> write)
        {
            var response = Http.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            var pipe = response.BodyWriter;
            using (var w = new Utf8JsonWriter(pipe, new JsonWriterOptions { Encoder = WireJson.Encoder }))
            {
                write(w);
                await w.FlushAsync(Http.RequestAborted);
            }

            pipe.GetSpan(1)[0] = (byte)'\n';
            pipe.Advance(1);
            await pipe.FlushAsync(Http.RequestAborted);
        }
    }
}
