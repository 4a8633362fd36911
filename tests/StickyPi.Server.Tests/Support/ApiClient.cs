using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace StickyPi.Server.Tests.Support
{
    /// <summary>Speaks upstream's wire protocol as its Python client does: POST, Basic auth, JSON or multipart bodies.</summary>
    public sealed class ApiClient : IDisposable
    {
        public ApiClient(HttpClient http, string user, string password)
        {
            Http = http;
            User = user;
            Password = password;
        }

        public HttpClient Http { get; }

        public string User { get; set; }

        public string Password { get; set; }

        /// <summary>Exchanges the user name and password for a token and uses it from now on (token as user name, empty password).</summary>
        public async Task<string> UseToken()
        {
            var r = await Post("get_token", null);
            Assert.Equal(200, r.Status);
            User = r.Json.GetProperty("token").GetString();
            Password = string.Empty;
            return User;
        }

        public Task<ApiResponse> Post(string route, string json) =>
            Send(route, json == null ? null : new StringContent(json, Encoding.UTF8, "application/json"));

        public async Task<ApiResponse> Send(string route, HttpContent content, HttpMethod method = null)
        {
            using var request = new HttpRequestMessage(method ?? HttpMethod.Post, route.StartsWith("/", StringComparison.Ordinal) || route.StartsWith("http", StringComparison.Ordinal) ? route : "/" + route)
            {
                Content = content,
            };
            if (User != null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password)));
            }

            using var response = await Http.SendAsync(request);
            return await ApiResponse.Read(response);
        }

        /// <summary>One image per request, as upstream's client sends it: a file part named after the file, then the md5 field.</summary>
        public Task<ApiResponse> PutImage(string path, string md5 = null, string partName = null, byte[] content = null)
        {
            var name = partName ?? Path.GetFileName(path);
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(content ?? File.ReadAllBytes(path));
            file.Headers.ContentType = new MediaTypeHeaderValue("application/jpeg");
            form.Add(file, name, name);
            if (md5 != null)
            {
                form.Add(new StringContent(md5), name + ".md5");
            }

            return Send("_put_new_images", form);
        }

        /// <summary>One tuboid directory, as upstream's client sends it: five file parts.</summary>
        public Task<ApiResponse> PutTuboid(string directory, string seriesInfoJson, string tuboidId = null)
        {
            var form = new MultipartFormDataContent();
            void Add(string name, string fileName, byte[] bytes, string type)
            {
                var part = new ByteArrayContent(bytes);
                part.Headers.ContentType = new MediaTypeHeaderValue(type);
                form.Add(part, name, fileName);
            }

            Add("metadata", "metadata.txt", File.ReadAllBytes(Path.Combine(directory, "metadata.txt")), "application/text");
            Add("tuboid", "tuboid.jpg", File.ReadAllBytes(Path.Combine(directory, "tuboid.jpg")), "application/octet-stream");
            Add("context", "context.jpg", File.ReadAllBytes(Path.Combine(directory, "context.jpg")), "application/octet-stream");
            Add("tuboid_id", "tuboid_id", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(tuboidId ?? Path.GetFileName(directory))), "application/json");
            Add("series_info", "series_info", Encoding.UTF8.GetBytes(seriesInfoJson), "application/json");
            return Send("_put_tiled_tuboids", form);
        }

        public void Dispose() => Http.Dispose();
    }

    public sealed class ApiResponse
    {
        private JsonElement? _json;

        public int Status { get; private set; }

        public string Body { get; private set; }

        public byte[] Bytes { get; private set; }

        public HttpResponseHeaders Headers { get; private set; }

        public HttpContentHeaders ContentHeaders { get; private set; }

        public string ContentType => ContentHeaders?.ContentType?.MediaType;

        public JsonElement Json => _json ??= JsonDocument.Parse(Body).RootElement.Clone();

        public int Count => Json.GetArrayLength();

        public JsonElement this[int i] => Json[i];

        /// <summary>The error body every 4xx/5xx carries.</summary>
        public string Error => Json.GetProperty("error").GetString();

        public string ErrorId => Json.TryGetProperty("error_id", out var v) ? v.GetString() : null;

        public string Field => Json.TryGetProperty("field", out var v) ? v.GetString() : null;

        public string File => Json.TryGetProperty("file", out var v) ? v.GetString() : null;

        public static async Task<ApiResponse> Read(HttpResponseMessage response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync();
            return new ApiResponse
            {
                Status = (int)response.StatusCode,
                Bytes = bytes,
                Body = Encoding.UTF8.GetString(bytes),
                Headers = response.Headers,
                ContentHeaders = response.Content.Headers,
            };
        }

        /// <summary>Asserts a JSON error answer with this status, and returns it for further checks.</summary>
        public ApiResponse AssertError(int status)
        {
            Assert.True(status == Status, "Expected " + status + ", got " + Status + ": " + Body);
            Assert.Equal("application/json", ContentType);
            Assert.False(string.IsNullOrEmpty(Error));
            return this;
        }

        public ApiResponse AssertOk()
        {
            Assert.True(Status == 200, "Expected 200, got " + Status + ": " + Body);
            Assert.Equal("application/json", ContentType);
            Assert.EndsWith("\n", Body);
            return this;
        }

        public override string ToString() => Status + " " + Body;
    }
}
