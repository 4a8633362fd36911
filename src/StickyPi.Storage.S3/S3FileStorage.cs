using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;

namespace StickyPi.Storage.S3
{
    /// <summary>
    /// Sticky Pi's files in one S3 bucket under upstream's keys (spec §5: <c>raw_images/…</c>, <c>tiled_tuboids/…</c>,
    /// <c>ml/…</c>), as upstream's server keeps them. Every key is checked by <see cref="StorageKey.Validate"/> before a
    /// request is made, so a crafted key never names another object of the bucket.
    /// </summary>
    /// <remarks>
    /// <para>Times and checksums are S3's, as upstream reads them (spec §8, ML bundles): a file's modification time is
    /// the object's <c>Last-Modified</c> (when it was stored; S3 cannot be told another), and its ETag is S3's without
    /// quotes (the MD5 of a file stored in one request, <c>md5-n</c> of one stored in n parts). The time given to
    /// <see cref="Put"/> is kept as the object's <c>mtime</c> metadata, for reference.</para>
    /// <para>The interface is synchronous (the embedded store's files are), and the SDK on .NET Standard is asynchronous
    /// only: each call waits for its task. No synchronization context is involved in the server or the module.</para>
    /// </remarks>
    public sealed class S3FileStorage : IStickyFileStorage, IStickyFileLinks, IDisposable
    {
        private readonly IAmazonS3 _s3;
        private readonly bool _ownsClient;
        private readonly S3StorageOptions _options;
        private readonly string _pathStylePrefix;

        public S3FileStorage(S3StorageOptions options)
            : this(options, CreateClient(options), ownsClient: true)
        {
        }

        /// <summary>Over a client made elsewhere (its endpoint must be the one <paramref name="options"/> names, for <see cref="KeyOf"/>).</summary>
        public S3FileStorage(S3StorageOptions options, IAmazonS3 client, bool ownsClient = false)
        {
            options = options ?? throw new ArgumentNullException(nameof(options));
            options.Validate();
            _options = options;
            _s3 = client ?? throw new ArgumentNullException(nameof(client));
            _ownsClient = ownsClient;
            _pathStylePrefix = options.ServiceUrl == null ? null : options.ServiceUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + options.Bucket + "/";
        }

        public string Location => (_options.ServiceUrl == null ? "s3://" : _options.ServiceUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/") + _options.Bucket;

        /// <summary>A client for the options' endpoint: path-style, signed for their region, checksums only where S3 requires them (as S3-compatible servers expect).</summary>
        public static IAmazonS3 CreateClient(S3StorageOptions options)
        {
            options = options ?? throw new ArgumentNullException(nameof(options));
            options.Validate();
            var config = new AmazonS3Config
            {
                ForcePathStyle = options.ForcePathStyle,
                AuthenticationRegion = options.Region,
                // The SDK's default (a CRC32 trailer on every upload) is AWS's; MinIO, s3rver and older servers refuse it.
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            };
            if (options.ServiceUrl != null)
            {
                config.ServiceURL = options.ServiceUrl.ToString();
            }
            else
            {
                config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
            }

            if (!string.IsNullOrEmpty(options.TrustedCaBundle))
            {
                config.HttpClientFactory = new TrustedCaHttpClientFactory(options.TrustedCaBundle);
            }

            return new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
        }

        /// <summary>
        /// Creates the bucket when it does not exist yet (a first deployment); an existing bucket is left as it is.
        /// Returns true when it was created.
        /// </summary>
        public bool EnsureBucket()
        {
            // A listing under a prefix nothing uses: every S3-compatible server answers it, at once, and a missing bucket
            // is a 404 (s3rver has no bucket ACLs to ask, and fails a truncated one-key listing).
            try
            {
                Wait(_s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = ".stickypi-bucket-probe/" }), Location);
                return false;
            }
            catch (StickyPiException e) when (e.Kind == StickyErrorKind.NotFound)
            {
            }

            Wait(_s3.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }), Location);
            return true;
        }

        public StoredFileInfo GetInfo(string key)
        {
            StorageKey.Validate(key);
            try
            {
                var head = Wait(_s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }), key);
                return Describe(key, head.ContentLength, head.LastModified, head.ETag);
            }
            catch (StickyPiException e) when (e.Kind == StickyErrorKind.NotFound)
            {
                return null;
            }
        }

        public Stream OpenRead(string key)
        {
            StorageKey.Validate(key);
            var response = Wait(_s3.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key }), key);
            return new ResponseStream(response);
        }

        public IEnumerable<StoredFileInfo> List(string prefix)
        {
            prefix = prefix ?? string.Empty;
            if (prefix.Length > 0)
            {
                // Any prefix of a valid key: the same rules, with a placeholder where the name would go.
                StorageKey.Validate(prefix.EndsWith("/", StringComparison.Ordinal) ? prefix + "x" : prefix);
            }

            string token = null;
            do
            {
                var page = Wait(_s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = prefix, ContinuationToken = token }), prefix);
                foreach (var o in page.S3Objects ?? new List<S3Object>())
                {
                    // Objects written by other tools may hold keys the store would refuse: they are not its files.
                    if (StorageKey.IsValid(o.Key))
                    {
                        yield return Describe(o.Key, o.Size ?? 0, o.LastModified, o.ETag);
                    }
                }

                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (token != null);
        }

        /// <summary>
        /// Stores the content in one request (or in parts above <see cref="S3StorageOptions.MultipartThresholdBytes"/>);
        /// S3 makes the new object visible only when it is complete, so readers see the old or the new file. A stream that
        /// cannot seek is first copied to a temporary file, so its length is known and a failed part can be sent again.
        /// </summary>
        public StoredFileInfo Put(string key, Stream content, DateTime? lastModifiedUtc = null)
        {
            StorageKey.Validate(key);
            if (content == null)
            {
                throw new ArgumentNullException(nameof(content));
            }

            string spooled = null;
            try
            {
                var source = content;
                if (!content.CanSeek)
                {
                    spooled = Path.Combine(Path.GetTempPath(), "stickypi-s3-" + Guid.NewGuid().ToString("N") + ".tmp");
                    source = new FileStream(spooled, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
                    content.CopyTo(source, 64 * 1024);
                    source.Position = 0;
                }

                using (spooled != null ? source : null)
                {
                    string mtime = lastModifiedUtc == null ? null : ToUnixSeconds(lastModifiedUtc.Value);
                    if (source.Length - source.Position > _options.MultipartThresholdBytes)
                    {
                        PutInParts(key, source, mtime);
                    }
                    else
                    {
                        var request = new PutObjectRequest { BucketName = _options.Bucket, Key = key, InputStream = source, AutoCloseStream = false, UseChunkEncoding = false };
                        if (mtime != null)
                        {
                            request.Metadata.Add("mtime", mtime);
                        }

                        Wait(_s3.PutObjectAsync(request), key);
                    }
                }
            }
            finally
            {
                if (spooled != null)
                {
                    try
                    {
                        File.Delete(spooled);
                    }
                    catch (IOException)
                    {
                    }
                }
            }

            return GetInfo(key) ?? throw new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                "The bucket " + Location + " did not keep '" + key + "' just stored.", key);
        }

        /// <summary>
        /// A multipart upload: parts of <see cref="S3StorageOptions.MultipartThresholdBytes"/> sent plainly (not in the SDK's
        /// aws-chunked framing, which S3-compatible servers such as s3rver store as content), then completed, which makes
        /// the object appear whole; any failure aborts the upload so no parts are left behind.
        /// </summary>
        private void PutInParts(string key, Stream source, string mtime)
        {
            var start = new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = key };
            if (mtime != null)
            {
                start.Metadata.Add("mtime", mtime);
            }

            string uploadId = Wait(_s3.InitiateMultipartUploadAsync(start), key).UploadId;
            try
            {
                var parts = new List<PartETag>();
                long remaining = source.Length - source.Position;
                for (int number = 1; remaining > 0; number++)
                {
                    long size = Math.Min(_options.MultipartThresholdBytes, remaining);
                    var part = new UploadPartRequest
                    {
                        BucketName = _options.Bucket, Key = key, UploadId = uploadId, PartNumber = number, InputStream = source,
                        FilePosition = source.Position, PartSize = size, UseChunkEncoding = false,
                    };
                    long before = source.Position;
                    var answer = Wait(_s3.UploadPartAsync(part), key);
                    source.Position = before + size; // the SDK may leave the stream anywhere inside the part
                    parts.Add(new PartETag(number, answer.ETag));
                    remaining -= size;
                }

                Wait(_s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = _options.Bucket, Key = key, UploadId = uploadId, PartETags = parts }), key);
            }
            catch
            {
                try
                {
                    Wait(_s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = key, UploadId = uploadId }), key);
                }
                catch (StickyPiException)
                {
                    // The first failure is the one to report; S3's lifecycle rules clear what an abort could not.
                }

                throw;
            }
        }

        /// <summary>Deletes the object; false when there was none (S3's delete answers the same either way, so it is looked up first).</summary>
        public bool Delete(string key)
        {
            if (GetInfo(key) == null)
            {
                return false;
            }

            Wait(_s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = key }), key);
            return true;
        }

        /// <summary>The key of <c>s3://bucket/key</c> or of the endpoint's path-style URL of this bucket; null for anything else.</summary>
        public string KeyOf(string location)
        {
            if (string.IsNullOrEmpty(location))
            {
                return null;
            }

            string key = null;
            string s3Prefix = "s3://" + _options.Bucket + "/";
            if (location.StartsWith(s3Prefix, StringComparison.Ordinal))
            {
                key = location.Substring(s3Prefix.Length);
            }
            else if (_pathStylePrefix != null && location.StartsWith(_pathStylePrefix, StringComparison.OrdinalIgnoreCase))
            {
                key = Uri.UnescapeDataString(location.Substring(_pathStylePrefix.Length).Split('?')[0]);
            }

            return key != null && StorageKey.IsValid(key) ? key : null;
        }

        /// <summary>Null: the files are not on this machine.</summary>
        public string GetPhysicalPath(string key)
        {
            StorageKey.Validate(key);
            return null;
        }

        /// <summary>
        /// A presigned GET link to the file, valid for <paramref name="lifetime"/> (upstream hands these out in every
        /// <c>url</c> field); anyone holding it can read that one file until it expires, and nothing else.
        /// </summary>
        public Uri GetDownloadUrl(string key, TimeSpan lifetime)
        {
            StorageKey.Validate(key);
            if (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(7))
            {
                throw new ArgumentOutOfRangeException(nameof(lifetime), "S3 signs links for up to 7 days.");
            }

            var request = new GetPreSignedUrlRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                Verb = HttpVerb.GET,
                Expires = DateTime.UtcNow.Add(lifetime),
                Protocol = _options.ServiceUrl != null && _options.ServiceUrl.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS,
            };
            return new Uri(Wait(_s3.GetPreSignedURLAsync(request), key));
        }

        public void Dispose()
        {
            if (_ownsClient)
            {
                _s3.Dispose();
            }
        }

        private static StoredFileInfo Describe(string key, long? length, DateTime? lastModified, string etag) =>
            new StoredFileInfo(key, length ?? 0, (lastModified ?? DateTime.MinValue).ToUniversalTime(), etag?.Trim('"'));

        private static string ToUnixSeconds(DateTime utc) =>
            ((utc.ToUniversalTime() - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).Ticks / (double)TimeSpan.TicksPerSecond).ToString("R", CultureInfo.InvariantCulture);

        /// <summary>Waits for a request and turns S3's and the network's failures into the store's errors, naming the key.</summary>
        private T Wait<T>(Task<T> task, string key)
        {
            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new StickyPiException(StickyErrorIds.FileNotFound, StickyErrorKind.NotFound, "No stored file '" + key + "' in " + Location + ".", key, e);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden || e.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new StickyPiException(StickyErrorIds.RemoteAccessDenied, StickyErrorKind.PermissionDenied,
                    "The bucket " + Location + " refused '" + key + "' (" + e.ErrorCode + "): check the access key and the bucket's policy.", key, e);
            }
            catch (AmazonS3Exception e)
            {
                throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.ResourceUnavailable,
                    "The bucket " + Location + " failed on '" + key + "': " + (int)e.StatusCode + " " + e.ErrorCode + " " + e.Message, key, e);
            }
            catch (AmazonServiceException e)
            {
                throw new StickyPiException(StickyErrorIds.RemoteUnavailable, StickyErrorKind.ResourceUnavailable,
                    "The bucket " + Location + " could not be reached for '" + key + "': " + e.Message, key, e);
            }
            catch (AmazonClientException e)
            {
                throw new StickyPiException(StickyErrorIds.RemoteUnavailable, StickyErrorKind.ResourceUnavailable,
                    "The bucket " + Location + " could not be reached for '" + key + "': " + e.Message, key, e);
            }
            catch (System.Net.Http.HttpRequestException e)
            {
                throw new StickyPiException(StickyErrorIds.RemoteUnavailable, StickyErrorKind.ResourceUnavailable,
                    "The bucket " + Location + " could not be reached for '" + key + "': " + e.Message, key, e);
            }
        }

        private void Wait(Task task, string key) => Wait(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default), key);

        /// <summary>The object's body; closing it releases the response.</summary>
        private sealed class ResponseStream : ForwardOnlyStream
        {
            private readonly GetObjectResponse _response;
            private readonly Stream _body;

            public ResponseStream(GetObjectResponse response)
            {
                _response = response;
                _body = response.ResponseStream;
                Length = response.ContentLength;
            }

            public override long Length { get; }

            public override int Read(byte[] buffer, int offset, int count) => _body.Read(buffer, offset, count);

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
                _body.ReadAsync(buffer, offset, count, cancellationToken);

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
