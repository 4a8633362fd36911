using System;
using System.Buffers;
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
            // The first rows go to a buffer: a failure there still answers with its own status and body; after that the
            // buffer is handed to the response and rows stream straight into it.
            var output = new FirstChunkWriter(response.BodyWriter);
            using (var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = WireJson.Encoder, SkipValidation = true }))
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
                    any = e.MoveNext();
                    if (++n % 64 == 0)
                    {
                        w.Flush();
                        if (!output.Forwarding)
                        {
                            Start(response);
                            output.Forward();
                        }

                        await response.BodyWriter.FlushAsync(Http.RequestAborted);
                    }
                }

                w.WriteEndArray();
                if (wrapInList)
                {
                    w.WriteEndArray();
                }

                w.Flush();
            }

            var tail = output.GetSpan(1);
            tail[0] = (byte)'\n';
            output.Advance(1);
            if (!output.Forwarding)
            {
                Start(response);
                response.ContentLength = output.Buffered;
                output.Forward();
            }

            await response.BodyWriter.FlushAsync(Http.RequestAborted);
        }

        private static void Start(HttpResponse response)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
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

    /// <summary>An <see cref="IBufferWriter{T}"/> that keeps what is written until <see cref="Forward"/>, then writes through to the response pipe.</summary>
    internal sealed class FirstChunkWriter : IBufferWriter<byte>
    {
        private readonly PipeWriter _pipe;
        private ArrayBufferWriter<byte> _buffer = new ArrayBufferWriter<byte>(16 * 1024);

        public FirstChunkWriter(PipeWriter pipe) => _pipe = pipe;

        public bool Forwarding => _buffer == null;

        public int Buffered => _buffer?.WrittenCount ?? 0;

        /// <summary>Copies what was kept into the pipe; later writes go straight there.</summary>
        public void Forward()
        {
            if (_buffer != null)
            {
                var kept = _buffer.WrittenSpan;
                kept.CopyTo(_pipe.GetSpan(kept.Length));
                _pipe.Advance(kept.Length);
                _buffer = null;
            }
        }

        public void Advance(int count)
        {
            if (_buffer != null)
            {
                _buffer.Advance(count);
            }
            else
            {
                _pipe.Advance(count);
            }
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer != null ? _buffer.GetMemory(sizeHint) : _pipe.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => _buffer != null ? _buffer.GetSpan(sizeHint) : _pipe.GetSpan(sizeHint);
    }
}
