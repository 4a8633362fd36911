using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// A Sticky Pi server as the far side of <see cref="MlBundleSync"/> (spec §1.9): the two JSON routes through
    /// <see cref="StickyApiClient"/>, uploads as the presigned POST form the server hands out (upstream's S3, or our
    /// server's <c>/files/upload</c>), downloads by GET of the listed URL. File URLs get no credentials (they may lead to
    /// another host), every transfer streams from or to disk, and an upload whose file changed after it was listed is cut
    /// off before its last byte, so the server never stores it.
    /// </summary>
    internal sealed class RemoteMlBundles : IMlBundleRemote
    {
        /// <summary>Entries per <c>_get_ml_bundle_upload_links</c> call (keeps each request far below body limits).</summary>
        internal const int LinkChunk = 256;

        private const string FileListRoute = "_get_ml_bundle_file_list";
        private const string UploadLinksRoute = "_get_ml_bundle_upload_links";

        private readonly StickyApiClient _client;
        private readonly CallerIdentity _caller;

        // The upload forms of the last GetUploadTargets, by (bundle, key): the signature fields stay here, out of results.
        private readonly ConcurrentDictionary<(string Bundle, string Key), UploadForm> _forms = new ConcurrentDictionary<(string, string), UploadForm>();

        public RemoteMlBundles(StickyApiClient client, CallerIdentity caller)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _caller = caller;
        }

        public string Location => _client.Endpoint.AbsoluteUri;

        /// <summary>
        /// The listing, sorted by key, with <c>Url</c> the download URL and <c>Path</c> the storage key. Files of another
        /// bundle whose name merely starts with this one (upstream's S3 prefix listing, spec §8 #25) are left out.
        /// </summary>
        public IReadOnlyList<MlBundleFile> GetFileList(string bundleName, MlBundleSelection what, CancellationToken cancellationToken)
        {
            MlBundlePaths.CheckBundleName(bundleName);
            if (_caller != null)
            {
                AccessPolicy.Require(_caller, ApiOperation.GetMlBundleFileList);
            }

            string route = FileListRoute + "/" + What(what);
            var files = new List<MlBundleFile>();
            using (var answer = _client.PostJson(route, JsonSerializer.Serialize(bundleName), cancellationToken))
            {
                foreach (var row in RemoteImageSink.Rows(answer, route))
                {
                    string key = Text(row, "key");
                    string path = Text(row, "path");
                    if (key == null || row.ValueKind != JsonValueKind.Object)
                    {
                        throw Malformed(route, "a file without a key");
                    }

                    if (IsOtherBundle(bundleName, path))
                    {
                        continue;
                    }

                    if (!row.TryGetProperty("mtime", out var mtime) || mtime.ValueKind != JsonValueKind.Number)
                    {
                        throw Malformed(route, "'" + key + "' without a numeric mtime");
                    }

                    files.Add(new MlBundleFile(bundleName, key, path, Text(row, "md5") ?? string.Empty, MlBundleFile.FromUnixSeconds(mtime.GetDouble()), 0,
                        Text(row, "url")));
                }
            }

            files.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return files;
        }

        /// <summary>
        /// Asks which of the local files the server wants (its rule: absent, or another md5 and an older copy). Each
        /// returned file is the local entry with <c>Url</c> = the storage key it goes to; the upload form is kept here.
        /// The entries' <c>path</c> sent is the key: the server only echoes it, and local paths are none of its business.
        /// </summary>
        public IReadOnlyList<MlBundleFile> GetUploadTargets(IReadOnlyList<MlBundleFile> localFiles, CancellationToken cancellationToken)
        {
            if (localFiles == null)
            {
                throw new ArgumentNullException(nameof(localFiles));
            }

            if (_caller != null)
            {
                // Upstream's server hands write links to read-only users (spec §8 #4); ours refuses, and so does this client.
                AccessPolicy.Require(_caller, ApiOperation.GetMlBundleUploadLinks);
            }

            var targets = new List<MlBundleFile>();
            for (int start = 0; start < localFiles.Count; start += LinkChunk)
            {
                var chunk = localFiles.Skip(start).Take(LinkChunk).ToList();
                var byKey = new Dictionary<(string, string), MlBundleFile>();
                foreach (var f in chunk)
                {
                    MlBundlePaths.CheckBundleName(f.BundleName);
                    byKey[(f.BundleName, f.Key)] = f;
                }

                var body = JsonSerializer.Serialize(chunk.Select(f => new Dictionary<string, object>
                {
                    ["bundle_name"] = f.BundleName,
                    ["key"] = f.Key,
                    ["md5"] = f.Md5 ?? string.Empty,
                    ["mtime"] = f.MTimeSeconds,
                    ["path"] = f.Key,
                }));
                using (var answer = _client.PostJson(UploadLinksRoute, body, cancellationToken))
                {
                    foreach (var row in RemoteImageSink.Rows(answer, UploadLinksRoute))
                    {
                        string bundle = Text(row, "bundle_name"), key = Text(row, "key");
                        if (bundle == null || key == null || !byKey.TryGetValue((bundle, key), out var mine))
                        {
                            continue; // not one of ours: nothing to send for it
                        }

                        var form = UploadForm.Read(row, key);
                        _forms[(bundle, key)] = form;
                        targets.Add(mine.WithUrl(form.StorageKey ?? "ml/" + bundle + "/" + key));
                    }
                }
            }

            return targets;
        }

        /// <summary>
        /// Posts <c>target.Path</c> with the form the server gave for it (the form's fields, then the file as part
        /// <c>file</c>), streaming from disk; success is a 2xx (S3 and our server: 204). With <c>target.Md5</c>, a file
        /// that no longer has that checksum is cut off before its end (<c>Md5Mismatch</c>), so nothing is stored.
        /// </summary>
        public void Upload(MlBundleFile target, Action<long> bytesTransferred, CancellationToken cancellationToken)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            if (!_forms.TryRemove((target.BundleName, target.Key), out var form))
            {
                // Not from this instance's listing (a single store): ask for this one file.
                var fresh = GetUploadTargets(new[] { target }, cancellationToken);
                if (fresh.Count == 0 || !_forms.TryRemove((target.BundleName, target.Key), out form))
                {
                    return; // the server already has it
                }
            }

            if (form.Fields == null)
            {
                throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                    "The server at " + Location + " gave '" + target.Key + "' an upload link that is not a form (url and fields); it was not uploaded.", target.Key);
            }

            long length;
            try
            {
                length = new FileInfo(target.Path).Length;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException)
            {
                throw new StickyPiException(MlBundleErrorIds.TransferFailed, StickyErrorKind.ResourceUnavailable, "Cannot read '" + target.Path + "': " + e.Message, target.Key, e);
            }

            long sent = 0;
            StickyPiException changed = null;
            string where = Describe(form.Url);
            HttpResponseMessage response;
            try
            {
                response = _client.SendToFileUrl(moved =>
                {
                    if (changed != null)
                    {
                        throw changed; // no retry for a file that changed
                    }

                    if (sent != 0)
                    {
                        bytesTransferred?.Invoke(-sent); // a retry starts over
                        sent = 0;
                    }

                    var content = new MultipartFormDataContent();
                    foreach (var field in form.Fields)
                    {
                        var part = new StringContent(field.Value);
                        part.Headers.ContentType = null; // a plain form field, as browsers and upstream's client send it
                        content.Add(part, Quote(field.Key));
                    }

                    var file = new StreamContent(new CheckedFileStream(target, length, n =>
                    {
                        sent += n;
                        bytesTransferred?.Invoke(n);
                        moved();
                    }, e => changed = e), MlBundleCopy.BufferSize);
                    file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = Quote("file"), FileName = Quote(PartFileName(target.Key)) };
                    file.Headers.ContentLength = length; // S3 wants a length: the whole form has one, nothing is chunked
                    content.Add(file);
                    return new HttpRequestMessage(HttpMethod.Post, form.Url) { Content = content };
                }, HttpCompletionOption.ResponseContentRead, where, cancellationToken);
            }
            catch (StickyPiException) when (changed != null)
            {
                throw changed;
            }
            catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.RemoteUnavailable)
            {
                throw ForKey(e, target.Key, "uploading");
            }

            using (response)
            {
                if (changed != null)
                {
                    throw changed;
                }

                if ((int)response.StatusCode < 200 || (int)response.StatusCode > 299)
                {
                    throw Refused(where, response, target.Key, "uploading");
                }
            }
        }

        /// <summary>Opens the listed URL for reading (GET, no credentials); the stream fails when no byte arrives for the stall time.</summary>
        public Stream OpenDownload(MlBundleFile remoteFile, CancellationToken cancellationToken)
        {
            if (remoteFile == null)
            {
                throw new ArgumentNullException(nameof(remoteFile));
            }

            if (!Uri.TryCreate(remoteFile.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                    "The server at " + Location + " listed no download URL for '" + remoteFile.Key + "'.", remoteFile.Key);
            }

            string where = Describe(url);
            HttpResponseMessage response;
            try
            {
                response = _client.SendToFileUrl(_ => new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead, where, cancellationToken);
            }
            catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.RemoteUnavailable)
            {
                throw ForKey(e, remoteFile.Key, "downloading");
            }

            try
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw Refused(where, response, remoteFile.Key, "downloading");
                }

                var body = response.Content.ReadAsStreamAsync().ConfigureAwait(false).GetAwaiter().GetResult();
                return new DownloadStream(response, body, where, cancellationToken);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        /// <summary>The listed <c>what</c> segment.</summary>
        internal static string What(MlBundleSelection what) =>
            what == MlBundleSelection.Data ? "data" : what == MlBundleSelection.Model ? "model" : "all";

        /// <summary>A storage key <c>ml/&lt;other&gt;/…</c> of a bundle whose name only starts with <paramref name="bundleName"/>.</summary>
        private static bool IsOtherBundle(string bundleName, string path) =>
            path != null && path.StartsWith("ml/" + bundleName, StringComparison.Ordinal) && !path.StartsWith("ml/" + bundleName + "/", StringComparison.Ordinal);

        private static string Text(JsonElement row, string name) =>
            row.ValueKind == JsonValueKind.Object && row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private StickyPiException Malformed(string route, string what) =>
            new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData, "The server at " + Location + " (" + route + ") listed " + what + ".", Location);

        private StickyPiException Refused(string where, HttpResponseMessage response, string key, string doing)
        {
            string body;
            try
            {
                body = ReadSome(response);
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException)
            {
                body = string.Empty;
            }

            var e0 = _client.FileRefused(where, response.StatusCode, body, key);
            string errorId = response.StatusCode == HttpStatusCode.NotFound && doing == "downloading" ? MlBundleErrorIds.FileNotFound : e0.ErrorId;
            return new StickyPiException(errorId, e0.Kind, e0.Message + " (" + doing + " '" + key + "')", key);
        }

        /// <summary>The same error, naming the file it happened to.</summary>
        private static StickyPiException ForKey(StickyPiException e, string key, string doing) =>
            new StickyPiException(e.ErrorId, e.Kind, e.Message + " (" + doing + " '" + key + "')", key, e);

        /// <summary>At most 64 KiB of an error answer (a refusal is short; a wrong answer may not be).</summary>
        private static string ReadSome(HttpResponseMessage response)
        {
            if (response.Content == null)
            {
                return string.Empty;
            }

            using (var s = response.Content.ReadAsStreamAsync().ConfigureAwait(false).GetAwaiter().GetResult())
            {
                var buffer = new byte[64 * 1024];
                int total = 0, n;
                while (total < buffer.Length && (n = s.Read(buffer, total, buffer.Length - total)) > 0)
                {
                    total += n;
                }

                return Encoding.UTF8.GetString(buffer, 0, total);
            }
        }

        /// <summary>A URL for messages: scheme, host, port and path, never the query (it holds the signature).</summary>
        private static string Describe(Uri url) => url.GetLeftPart(UriPartial.Path);

        private static string Quote(string name) => "\"" + name.Replace("\"", "%22") + "\"";

        /// <summary>The file part's file name: the key's last segment in printable ASCII (S3 ignores it; headers need ASCII).</summary>
        private static string PartFileName(string key)
        {
            var sb = new StringBuilder();
            foreach (char c in key.Substring(key.LastIndexOf('/') + 1))
            {
                sb.Append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
            }

            return sb.Length == 0 ? "file" : sb.ToString();
        }

        /// <summary>An upload link: <c>{"url": "…", "fields": {…}}</c> (S3's presigned POST and ours); Fields null for anything else.</summary>
        private sealed class UploadForm
        {
            public Uri Url { get; private set; }

            public IReadOnlyList<KeyValuePair<string, string>> Fields { get; private set; }

            public string StorageKey { get; private set; }

            public static UploadForm Read(JsonElement row, string key)
            {
                var form = new UploadForm();
                if (!row.TryGetProperty("url", out var link) || link.ValueKind != JsonValueKind.Object ||
                    !link.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String ||
                    !Uri.TryCreate(url.GetString(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
                    !link.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Object)
                {
                    form.Url = new Uri("about:blank");
                    return form;
                }

                var list = new List<KeyValuePair<string, string>>();
                foreach (var p in fields.EnumerateObject())
                {
                    string value = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
                    list.Add(new KeyValuePair<string, string>(p.Name, value));
                    if (p.Name == "key")
                    {
                        form.StorageKey = value;
                    }
                }

                form.Url = uri;
                form.Fields = list;
                return form;
            }
        }

        /// <summary>
        /// Reads a file for an upload: exactly the length announced in the form's Content-Length, computing the bundle
        /// checksum on the way; at the end, a file that grew, shrank or no longer has the listed checksum throws before the
        /// last byte is handed over, so the request is aborted and the server stores nothing.
        /// </summary>
        private sealed class CheckedFileStream : ForwardOnlyStream
        {
            private readonly MlBundleFile _target;
            private readonly long _length;
            private readonly Action<int> _moved;
            private readonly Action<StickyPiException> _failed;
            private readonly FileStream _file;
            private readonly MlBundleChecksum _sum = new MlBundleChecksum();
            private long _read;
            private bool _done;

            public CheckedFileStream(MlBundleFile target, long length, Action<int> moved, Action<StickyPiException> failed)
            {
                _target = target;
                _length = length;
                _moved = moved;
                _failed = failed;
                try
                {
                    _file = new FileStream(target.Path, FileMode.Open, FileAccess.Read, FileShare.Read, MlBundleCopy.BufferSize, FileOptions.SequentialScan);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw Fail(MlBundleErrorIds.TransferFailed, "Cannot read '" + target.Path + "': " + e.Message, e);
                }
            }

            public override long Position { get => _read; set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count)
            {
                if (_done || count == 0)
                {
                    return 0;
                }

                long left = _length - _read;
                int n = left <= 0 ? 0 : _file.Read(buffer, offset, (int)Math.Min(count, left));
                if (n == 0 && left > 0)
                {
                    throw Fail(MlBundleErrorIds.ChecksumMismatch, "'" + _target.Path + "' shrank while it was uploaded as '" + _target.Key + "'; the upload was stopped, nothing was stored.");
                }

                _sum.Append(buffer, offset, n);
                _read += n;
                if (_read < _length)
                {
                    _moved(n);
                    return n;
                }

                // The last bytes are handed over only once the whole file is known to be the listed one.
                var extra = new byte[1];
                if (_file.Read(extra, 0, 1) > 0)
                {
                    throw Fail(MlBundleErrorIds.ChecksumMismatch, "'" + _target.Path + "' grew while it was uploaded as '" + _target.Key + "'; the upload was stopped, nothing was stored.");
                }

                string md5 = _sum.Finish();
                if (_target.Md5 != null && !string.Equals(md5, _target.Md5, StringComparison.OrdinalIgnoreCase))
                {
                    throw Fail(MlBundleErrorIds.ChecksumMismatch, "'" + _target.Path + "' changed while it was uploaded as '" + _target.Key + "' (checksum " + md5 +
                        ", listed " + _target.Md5 + "); the upload was stopped, nothing was stored.");
                }

                _done = true;
                _moved(n);
                return n;
            }

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                cancellationToken.ThrowIfCancellationRequested();
                return Task.FromResult(Read(buffer, offset, count));
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _file?.Dispose();
                    _sum.Dispose();
                }

                base.Dispose(disposing);
            }

            private StickyPiException Fail(string errorId, string message, Exception inner = null)
            {
                var e = new StickyPiException(errorId, errorId == MlBundleErrorIds.ChecksumMismatch ? StickyErrorKind.InvalidData : StickyErrorKind.ResourceUnavailable,
                    message, _target.Key, inner);
                _failed(e);
                return e;
            }
        }

        /// <summary>A download's body: each read fails (IOException) after the stall time without a byte; disposing ends the answer.</summary>
        private sealed class DownloadStream : ForwardOnlyStream
        {
            private readonly HttpResponseMessage _response;
            private readonly Stream _body;
            private readonly string _where;
            private readonly CancellationToken _cancellation;

            public DownloadStream(HttpResponseMessage response, Stream body, string where, CancellationToken cancellation)
            {
                _response = response;
                _body = body;
                _where = where;
                _cancellation = cancellation;
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                using (var stall = CancellationTokenSource.CreateLinkedTokenSource(_cancellation))
                {
                    stall.CancelAfter(StickyApiClient.FileStallTimeout);
                    try
                    {
                        return _body.ReadAsync(buffer, offset, count, stall.Token).ConfigureAwait(false).GetAwaiter().GetResult();
                    }
                    catch (OperationCanceledException e) when (!_cancellation.IsCancellationRequested)
                    {
                        throw new IOException("No byte came from " + _where + " for " + StickyApiClient.FileStallTimeout.TotalSeconds + " s.", e);
                    }
                    catch (HttpRequestException e)
                    {
                        throw new IOException("The download from " + _where + " broke off: " + e.Message, e);
                    }
                }
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _body.Dispose();
                    _response.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
