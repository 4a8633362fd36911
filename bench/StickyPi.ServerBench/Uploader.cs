using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace StickyPi.ServerBench
{
    internal sealed class UploadRun
    {
        public int Files;
        public int Stored;
        public double Seconds;
        public int Connections;
        public List<string> Errors = new List<string>();
    }

    /// <summary>
    /// A C# client on upstream's wire protocol: a token from /get_token, then one multipart /_put_new_images per image
    /// (the image part named after the file, its md5 as a plain field; spec §1.7) over kept-alive connections,
    /// <c>parallel</c> requests at a time.
    /// </summary>
    internal sealed class Uploader : IDisposable
    {
        private readonly HttpClient _http;
        private readonly string _baseUrl;
        private int _connections;

        public Uploader(string baseUrl, int parallel)
        {
            _baseUrl = baseUrl;
            var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = parallel,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                ConnectCallback = async (ctx, ct) =>
                {
                    Interlocked.Increment(ref _connections); // counts TCP connections: keep-alive keeps this at ≤ parallel
                    var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                    await s.ConnectAsync(ctx.DnsEndPoint, ct).ConfigureAwait(false);
                    return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
                },
            };
            _http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(5) };
        }

        public int Connections => _connections;

        public async Task LoginAsync(string user, string password)
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, _baseUrl + "/get_token");
            req.Headers.Authorization = Basic(user, password);
            using var resp = await _http.SendAsync(req).ConfigureAwait(false);
            var body = await resp.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!resp.IsSuccessStatusCode)
            {
                throw new InvalidOperationException("get_token: " + (int)resp.StatusCode + " " + body);
            }

            _http.DefaultRequestHeaders.Authorization = Basic((string)JsonNode.Parse(body)["token"], "");
        }

        public async Task<UploadRun> UploadAsync(IReadOnlyList<string> files, int parallel)
        {
            var run = new UploadRun { Files = files.Count };
            var errors = new ConcurrentQueue<string>();
            int stored = 0;
            var sw = Stopwatch.StartNew();
            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (file, ct) =>
            {
                var bytes = await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false);
                var md5 = Convert.ToHexString(MD5.HashData(bytes)).ToLowerInvariant();
                var name = Path.GetFileName(file);
                using var content = new MultipartFormDataContent();
                var image = new ByteArrayContent(bytes);
                image.Headers.ContentType = new MediaTypeHeaderValue("application/jpeg");
                content.Add(image, name, name);
                content.Add(new StringContent(md5), name + ".md5");
                using var resp = await _http.PostAsync(_baseUrl + "/_put_new_images", content, ct).ConfigureAwait(false);
                var body = await resp.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (resp.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref stored);
                }
                else
                {
                    errors.Enqueue(name + ": " + (int)resp.StatusCode + " " + (body.Length > 200 ? body.Substring(0, 200) : body));
                }
            }).ConfigureAwait(false);
            run.Seconds = sw.Elapsed.TotalSeconds;
            run.Stored = stored;
            run.Connections = _connections;
            run.Errors.AddRange(errors);
            return run;
        }

        /// <summary>How many images the server holds (every device, every date).</summary>
        public async Task<int> CountAsync()
        {
            var json = "[{\"device\": \"%\", \"start_datetime\": \"2019-11-01T00:00:00Z\", \"end_datetime\": \"2099-01-01T00:00:00Z\"}]";
            using var resp = await _http.PostAsync(_baseUrl + "/get_image_series/metadata", new StringContent(json, Encoding.UTF8, "application/json")).ConfigureAwait(false);
            var body = await resp.Content.ReadAsStringAsync().ConfigureAwait(false);
            return resp.IsSuccessStatusCode ? JsonNode.Parse(body).AsArray().Count : -1;
        }

        private static AuthenticationHeaderValue Basic(string user, string password) =>
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

        public void Dispose() => _http.Dispose();
    }
}
