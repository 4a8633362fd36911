using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;
using StickyPi.Core.Model;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// Upstream's wire protocol from the client side (spec §1): every call a POST, HTTP Basic with a token from
    /// <c>get_token</c> (refreshed a minute before it expires, and once more if the server refuses it), JSON routes and
    /// the one-image multipart upload. Speaks to StickyPi.Server and to upstream's server alike. Thread-safe.
    /// </summary>
    /// <remarks>
    /// Unlike upstream's client, which repeats any failed call five times five seconds apart, only what can succeed on a
    /// second try is retried (no answer, 408, 429, 502, 503, 504; three times, backing off): upstream's server answers
    /// 500 for every refusal (a duplicate, a bad md5), and repeating those only delays the error.
    /// </remarks>
    public sealed class StickyApiClient : IDisposable
    {
        private static readonly TimeSpan TokenMargin = TimeSpan.FromSeconds(60);
        private readonly HttpClient _http;
        private readonly HttpClient _files;
        private readonly string _userName;
        private readonly string _password;
        private readonly ResiliencePipeline<HttpResponseMessage> _retry;
        private readonly SemaphoreSlim _tokenLock = new SemaphoreSlim(1, 1);
        private string _token;
        private DateTime _tokenExpiresUtc;

        /// <param name="endpoint">The server's root, e.g. <c>http://127.0.0.1:8080/</c>.</param>
        /// <param name="userName">A user name (exchanged for a token at the first call).</param>
        /// <param name="password">Its password.</param>
        /// <param name="handler">The HTTP stack (for tests or proxies); a default handler when null.</param>
        /// <param name="maxRetries">Retries of a call that got no answer or a transient status (0: none).</param>
        public StickyApiClient(Uri endpoint, string userName, string password, HttpMessageHandler handler = null, int maxRetries = 3)
        {
            if (endpoint == null || !endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException("The API endpoint must be an absolute http or https URL.", nameof(endpoint));
            }

            Endpoint = endpoint.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
            _userName = userName ?? throw new ArgumentNullException(nameof(userName));
            _password = password ?? string.Empty;
            _http = handler == null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            _http.Timeout = TimeSpan.FromMinutes(5); // upstream's uWSGI kills a request after 300 s
            _files = handler == null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            _files.Timeout = System.Threading.Timeout.InfiniteTimeSpan; // a large file may take long: SendToFileUrl stops a stalled one instead
            _retry = maxRetries < 1 ? ResiliencePipeline<HttpResponseMessage>.Empty : new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = maxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromSeconds(1),
                    ShouldHandle = args => new ValueTask<bool>(
                        args.Outcome.Exception is HttpRequestException
                        || (args.Outcome.Exception is TaskCanceledException && !args.Context.CancellationToken.IsCancellationRequested) // a timeout, not the caller
                        || (args.Outcome.Result != null && IsTransient(args.Outcome.Result.StatusCode))),
                    OnRetry = args =>
                    {
                        args.Outcome.Result?.Dispose();
                        return default;
                    },
                })
                .Build();
        }

        /// <summary>The server's root URL (with a final slash).</summary>
        public Uri Endpoint { get; }

        /// <summary>POSTs a JSON body (null: none) to a route (e.g. <c>get_images/metadata</c>) and returns the parsed answer.</summary>
        public JsonDocument PostJson(string route, string json, CancellationToken cancellationToken = default) =>
            Run(() => json == null ? null : new StringContent(json, Encoding.UTF8, "application/json"), route, cancellationToken);

        /// <summary>
        /// Uploads one image as upstream's client does (spec §1.7): a file part whose name and file name are the image's
        /// file name, then its md5 as a plain field. Returns the server's list of stored rows.
        /// </summary>
        public JsonDocument PutImage(string fileName, byte[] bytes, int length, string md5, CancellationToken cancellationToken = default) =>
            Run(() =>
            {
                var form = new MultipartFormDataContent();
                var file = new ByteArrayContent(bytes, 0, length);
                file.Headers.ContentType = new MediaTypeHeaderValue("application/jpeg");
                form.Add(file, Quote(fileName), Quote(fileName));
                if (!string.IsNullOrEmpty(md5))
                {
                    form.Add(new StringContent(md5), Quote(fileName + ".md5"));
                }

                return form;
            }, "_put_new_images", cancellationToken);

        /// <summary>
        /// Uploads one tuboid as upstream's client does (spec §1.8): five file parts, <c>metadata</c>, <c>tuboid</c>,
        /// <c>context</c>, <c>tuboid_id</c> (a JSON string) and <c>series_info</c> (a JSON object). Returns the server's
        /// answer (<c>[[row]]</c>).
        /// </summary>
        public JsonDocument PutTuboid(string tuboidId, string seriesInfoJson, byte[] metadata, byte[] tuboid, byte[] context, CancellationToken cancellationToken = default) =>
            Run(() =>
            {
                var form = new MultipartFormDataContent();
                void Add(byte[] bytes, string name, string fileName, string type)
                {
                    var part = new ByteArrayContent(bytes);
                    part.Headers.ContentType = new MediaTypeHeaderValue(type);
                    form.Add(part, Quote(name), Quote(fileName));
                }

                Add(metadata, "metadata", "metadata.txt", "application/text");
                Add(tuboid, "tuboid", "tuboid.jpg", "application/octet-stream");
                Add(context, "context", "context.jpg", "application/octet-stream");
                Add(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(tuboidId)), "tuboid_id", "tuboid_id", "application/json");
                Add(Encoding.UTF8.GetBytes(seriesInfoJson), "series_info", "series_info", "application/json");
                return form;
            }, "_put_tiled_tuboids", cancellationToken);

        /// <summary>How long a file transfer may move no byte before it is given up (and retried like a call that got no answer).</summary>
        public static TimeSpan FileStallTimeout { get; } = TimeSpan.FromMinutes(2);

        /// <summary>
        /// Sends a request to a file URL the server handed out (a presigned S3 URL, or our server's signed one), which may
        /// be on another host: no credentials are sent, the retries are those of the API calls, and instead of a time
        /// limit a transfer fails when no byte moved for <see cref="FileStallTimeout"/>. <paramref name="createRequest"/>
        /// makes a new request per attempt and gets an action to call whenever bytes of its body were read. Returns the
        /// answer whatever its status (the caller disposes it); throws <c>RemoteUnavailable</c> when the host cannot be reached.
        /// </summary>
        /// <param name="createRequest">Makes the request of one attempt; its argument resets the stall timer.</param>
        /// <param name="completion">Whether to return once the headers arrived (downloads) or after the whole answer.</param>
        /// <param name="description">The URL without its query (signatures never appear in messages).</param>
        /// <param name="cancellationToken">The caller's cancellation.</param>
        public HttpResponseMessage SendToFileUrl(Func<Action, HttpRequestMessage> createRequest, HttpCompletionOption completion, string description,
            CancellationToken cancellationToken)
        {
            try
            {
                return _retry.ExecuteAsync(async ct =>
                {
                    using (var stall = CancellationTokenSource.CreateLinkedTokenSource(ct))
                    {
                        stall.CancelAfter(FileStallTimeout);
                        var request = createRequest(() => stall.CancelAfter(FileStallTimeout));
                        try
                        {
                            return await _files.SendAsync(request, completion, stall.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
                        {
                            // A stall, not the caller: an answer that never came, retried as such.
                            throw new TaskCanceledException("No byte moved for " + FileStallTimeout.TotalSeconds + " s.", e);
                        }
                        finally
                        {
                            request.Dispose();
                        }
                    }
                }, cancellationToken).ConfigureAwait(false).GetAwaiter().GetResult();
            }
            catch (Exception e) when ((e is HttpRequestException || e is TaskCanceledException) && !cancellationToken.IsCancellationRequested)
            {
                throw new StickyPiException(StickyErrorIds.RemoteUnavailable, StickyErrorKind.ResourceUnavailable,
                    "The file server at " + description + " could not be reached: " + e.Message, description, e);
            }
        }

        /// <summary>A file URL's refusal as an error of ours (our server's JSON error, S3's XML error, or an HTML page's title).</summary>
        public StickyPiException FileRefused(string description, HttpStatusCode status, string body, object target) =>
            Refused("The file server at " + description, status, body, target);

        public void Dispose()
        {
            _http.Dispose();
            _files.Dispose();
            _tokenLock.Dispose();
        }

        private static bool IsTransient(HttpStatusCode status) =>
            status == HttpStatusCode.RequestTimeout || (int)status == 429 || status == HttpStatusCode.BadGateway ||
            status == HttpStatusCode.ServiceUnavailable || status == HttpStatusCode.GatewayTimeout;

        // Form names are quoted as Python's requests quotes them; a bare name with dots is legal but some parsers balk.
        private static string Quote(string name) => "\"" + name.Replace("\"", "%22") + "\"";

        private JsonDocument Run(Func<HttpContent> body, string route, CancellationToken cancellationToken) =>
            RunAsync(body, route, cancellationToken).ConfigureAwait(false).GetAwaiter().GetResult();

        private async Task<JsonDocument> RunAsync(Func<HttpContent> body, string route, CancellationToken cancellationToken)
        {
            bool retriedWithFreshToken = false;
            while (true)
            {
                string credential = route == "get_token" ? null : await TokenAsync(cancellationToken).ConfigureAwait(false);
                using (var response = await SendAsync(body, route, credential, cancellationToken).ConfigureAwait(false))
                {
                    if (response.StatusCode == HttpStatusCode.Unauthorized && credential != null && !retriedWithFreshToken)
                    {
                        // The token may have been made by a server that has since changed its key: one fresh token.
                        ForgetToken(credential);
                        retriedWithFreshToken = true;
                        continue;
                    }

                    string text = response.Content == null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw Refused(Where(route), response.StatusCode, text, Endpoint.AbsoluteUri);
                    }

                    try
                    {
                        return JsonDocument.Parse(text);
                    }
                    catch (JsonException e)
                    {
                        throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                            Where(route) + " answered 200 with a body that is not JSON (" + e.Message + ").", Endpoint.AbsoluteUri, e);
                    }
                }
            }
        }

        private async Task<HttpResponseMessage> SendAsync(Func<HttpContent> body, string route, string token, CancellationToken cancellationToken)
        {
            try
            {
                return await _retry.ExecuteAsync(async ct =>
                {
                    // A new request (and body) per attempt: a sent request cannot be sent again.
                    var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, route)) { Content = body() };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                        Convert.ToBase64String(Encoding.UTF8.GetBytes(token == null ? _userName + ":" + _password : token + ":")));
                    try
                    {
                        return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        request.Dispose();
                    }
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when ((e is HttpRequestException || e is TaskCanceledException) && !cancellationToken.IsCancellationRequested)
            {
                throw new StickyPiException(StickyErrorIds.RemoteUnavailable, StickyErrorKind.ResourceUnavailable,
                    Where(route) + " could not be reached: " + e.Message, Endpoint.AbsoluteUri, e);
            }
        }

        private async Task<string> TokenAsync(CancellationToken cancellationToken)
        {
            await _tokenLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_token != null && DateTime.UtcNow + TokenMargin < _tokenExpiresUtc)
                {
                    return _token;
                }

                using (var answer = await RunAsync(() => null, "get_token", cancellationToken).ConfigureAwait(false))
                {
                    var root = answer.RootElement;
                    if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.String ||
                        !root.TryGetProperty("expiration", out var expiration) || !expiration.TryGetInt64(out long seconds))
                    {
                        throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                            Where("get_token") + " did not answer {token, expiration}.", Endpoint.AbsoluteUri);
                    }

                    _token = token.GetString();
                    _tokenExpiresUtc = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(seconds);
                    return _token;
                }
            }
            finally
            {
                _tokenLock.Release();
            }
        }

        private void ForgetToken(string token)
        {
            _tokenLock.Wait();
            try
            {
                if (_token == token)
                {
                    _token = null;
                }
            }
            finally
            {
                _tokenLock.Release();
            }
        }

        private string Where(string route) => "The Sticky Pi server at " + Endpoint.AbsoluteUri + " (" + route + ")";

        /// <summary>
        /// A refusal as an error of ours: StickyPi.Server's JSON error keeps its id and names its file; upstream's HTML
        /// 500 page becomes <c>RemoteError</c> with the page's title.
        /// </summary>
        private StickyPiException Refused(string where, HttpStatusCode status, string body, object target)
        {
            int code = (int)status;
            string message = null;
            string errorId = null;
            try
            {
                using (var json = JsonDocument.Parse(body))
                {
                    var root = json.RootElement;
                    if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                    {
                        message = error.GetString();
                        errorId = root.TryGetProperty("error_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                        if (root.TryGetProperty("file", out var file) && file.ValueKind == JsonValueKind.String)
                        {
                            target = file.GetString();
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not ours: upstream's HTML page, or a proxy's.
            }

            if (message == null)
            {
                // S3's refusals: <Error><Code>AccessDenied</Code><Message>…</Message></Error>.
                var s3 = System.Text.RegularExpressions.Regex.Match(body ?? string.Empty, "<Error>.*?<Code>(.*?)</Code>(?:.*?<Message>(.*?)</Message>)?", System.Text.RegularExpressions.RegexOptions.Singleline);
                if (s3.Success)
                {
                    message = s3.Groups[1].Value + (s3.Groups[2].Success ? " (" + s3.Groups[2].Value + ")" : string.Empty);
                }
            }

            if (message == null)
            {
                var title = System.Text.RegularExpressions.Regex.Match(body ?? string.Empty, "<title>(.*?)</title>", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline);
                message = title.Success ? title.Groups[1].Value.Trim() : (body ?? string.Empty).Trim();
                if (message.Length > 300)
                {
                    message = message.Substring(0, 300) + "…";
                }
            }

            var kind = code == 401 || code == 403 ? StickyErrorKind.PermissionDenied
                : code == 404 ? StickyErrorKind.NotFound
                : code == 409 ? StickyErrorKind.Conflict
                : code == 413 ? StickyErrorKind.LimitsExceeded
                : code == 400 || code == 415 || code == 422 ? StickyErrorKind.InvalidData
                : StickyErrorKind.ResourceUnavailable;
            if ((code == 401 || code == 403) && (errorId == null || errorId == "Unauthorized" || errorId == "Forbidden"))
            {
                errorId = StickyErrorIds.RemoteAccessDenied; // the same refusal, whichever server said it
            }

            errorId = errorId ?? (IsTransient(status) ? StickyErrorIds.RemoteUnavailable
                : StickyErrorIds.RemoteError);
            return new StickyPiException(errorId, kind, where + " answered " + code + ": " + message, target);
        }
    }
}
