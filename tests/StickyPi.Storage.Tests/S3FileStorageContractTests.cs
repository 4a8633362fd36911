using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;
using StickyPi.Storage.S3;

namespace StickyPi.Storage.Tests
{
    /// <summary>The contract on an S3 bucket (s3rver on 127.0.0.1), and what only S3 does: parts, presigned links, S3's refusals.</summary>
    public sealed class S3FileStorageContractTests : FileStorageContract, IClassFixture<S3rverFixture>
    {
        private readonly S3rverFixture _s3;

        public S3FileStorageContractTests(S3rverFixture s3) => _s3 = s3;

        protected override void Require() => _s3.Require();

        protected override IStickyFileStorage Create() => new S3FileStorage(_s3.Options());

        protected override string[] LocationsOf(string key) =>
            new[] { "s3://" + S3rverFixture.Bucket + "/" + key, _s3.Endpoint + S3rverFixture.Bucket + "/" + key, ((S3FileStorage)Storage).GetDownloadUrl(key, TimeSpan.FromMinutes(5)).ToString() };

        [SkippableFact]
        public void AMissingBucketIsCreatedOnceAndAnExistingOneLeftAlone()
        {
            Require();
            var options = _s3.Options();
            options.Bucket = "new-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            using (var storage = new S3FileStorage(options))
            {
                Assert.Equal(StickyErrorKind.NotFound, Assert.Throws<StickyPiException>(() => storage.List("raw_images/").ToList()).Kind);
                Assert.True(storage.EnsureBucket());
                Assert.False(storage.EnsureBucket());
                storage.Put("raw_images/x/y.jpg", new System.IO.MemoryStream(new byte[] { 1, 2, 3 }));
                Assert.Equal(new[] { "raw_images/x/y.jpg" }, storage.List("raw_images/").Select(f => f.Key));
            }

            using (var existing = new S3FileStorage(_s3.Options()))
            {
                Assert.False(existing.EnsureBucket());
            }
        }

        [SkippableFact]
        public void ALargeFileFromAStreamThatCannotSeekGoesUpInPartsAndReadsBackWhole()
        {
            Require();
            var options = _s3.Options();
            options.MultipartThresholdBytes = 5 * 1024 * 1024;
            using (var storage = new S3FileStorage(options))
            {
                var key = "ml/" + Ns + "/large.bin";
                var bytes = Bytes(11 * 1024 * 1024 + 17, 4);
                var stored = storage.Put(key, new NonSeekable(bytes), new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc));
                Assert.Equal(bytes.LongLength, stored.Length);
                // S3 gives a multipart object the MD5 of its parts' MD5s and the part count (spec §8, ML bundles, where
                // upstream's client accepts it); s3rver gives the whole object's MD5. Either way, not a part's.
                Assert.Contains(stored.ETag, new[] { MultipartETag(bytes, 5 * 1024 * 1024), Md5Hex(bytes) });
                using (var s = storage.OpenRead(key))
                using (var copy = new MemoryStream())
                {
                    s.CopyTo(copy);
                    Assert.Equal(bytes, copy.ToArray());
                }

                var small = storage.Put("ml/" + Ns + "/small.bin", new MemoryStream(bytes, 0, 1000));
                Assert.Equal(Md5Hex(bytes.Take(1000).ToArray()), small.ETag); // one request: the MD5 itself
            }
        }

        [SkippableFact]
        public void APresignedLinkReadsThatOneFileWithoutCredentialsAndExpires()
        {
            Require();
            var s3 = (S3FileStorage)Storage;
            var key = "raw_images/" + Ns + "/" + Ns + ".2020-07-05_20-00-00.jpg";
            var bytes = Bytes(4096, 5);
            s3.Put(key, new MemoryStream(bytes));
            var link = s3.GetDownloadUrl(key, TimeSpan.FromMinutes(10));
            Assert.Equal("http", link.Scheme);
            // Ten minutes from now, in whole seconds as the SDK counts them from its own clock.
            var expires = int.Parse(System.Text.RegularExpressions.Regex.Match(link.Query, "X-Amz-Expires=([0-9]+)").Groups[1].Value);
            Assert.InRange(expires, 590, 601);
            Assert.Contains("X-Amz-Signature=", link.Query);
            using (var http = new HttpClient())
            {
                Assert.Equal(bytes, http.GetByteArrayAsync(link).GetAwaiter().GetResult());
                // s3rver checks the access key of a link (AWS and MinIO check its signature too).
                var foreign = link.ToString().Replace("X-Amz-Credential=" + S3rverFixture.AccessKey, "X-Amz-Credential=SOMEONE");
                using (var response = http.GetAsync(foreign).GetAwaiter().GetResult())
                {
                    Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                }
            }

            Assert.Throws<ArgumentOutOfRangeException>(() => s3.GetDownloadUrl(key, TimeSpan.FromDays(8)));
            Assert.Throws<ArgumentOutOfRangeException>(() => s3.GetDownloadUrl(key, TimeSpan.Zero));
        }

        [SkippableFact]
        public void AnUnknownAccessKeyIsAccessDeniedAndNoServerIsUnavailableEachNamingTheKey()
        {
            Require();
            var key = "ml/" + Ns + "/model.pth";
            using (var wrong = new S3FileStorage(_s3.Options(accessKey: "SOMEONE")))
            {
                var e = Assert.Throws<StickyPiException>(() => wrong.Put(key, new MemoryStream(new byte[] { 1, 2, 3 })));
                Assert.Equal((StickyErrorIds.RemoteAccessDenied, StickyErrorKind.PermissionDenied, key), (e.ErrorId, e.Kind, e.Target));
                Assert.Contains(S3rverFixture.Bucket, e.Message);
            }

            Assert.Null(Storage.GetInfo(key)); // nothing was stored

            var nowhere = _s3.Options();
            nowhere.ServiceUrl = new Uri("http://127.0.0.1:9/");
            using (var unreachable = new S3FileStorage(nowhere))
            {
                var e = Assert.Throws<StickyPiException>(() => unreachable.GetInfo(key));
                Assert.Equal((StickyErrorIds.RemoteUnavailable, key), (e.ErrorId, e.Target));
                // A bad key is refused before any request: the same error as with a reachable server.
                Assert.Equal(StorageKey.InvalidKeyId, Assert.Throws<StickyPiException>(() => unreachable.GetInfo("ml/../x")).ErrorId);
            }
        }

        private static string Md5Hex(byte[] bytes)
        {
            using (var md5 = MD5.Create())
            {
                return string.Concat(md5.ComputeHash(bytes).Select(b => b.ToString("x2")));
            }
        }

        private static string MultipartETag(byte[] bytes, int partSize)
        {
            using (var md5 = MD5.Create())
            using (var all = new MemoryStream())
            {
                int parts = 0;
                for (int offset = 0; offset < bytes.Length; offset += partSize, parts++)
                {
                    var digest = md5.ComputeHash(bytes, offset, Math.Min(partSize, bytes.Length - offset));
                    all.Write(digest, 0, digest.Length);
                }

                return string.Concat(md5.ComputeHash(all.ToArray()).Select(b => b.ToString("x2"))) + "-" + parts;
            }
        }
    }
}
