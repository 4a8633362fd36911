using System;
using System.IO;
using System.Linq;
using System.Text;
using StickyPi.Core.Backend;
using StickyPi.Core.Model;

namespace StickyPi.Storage.Tests
{
    /// <summary>
    /// What every <see cref="IStickyFileStorage"/> does, run against each provider by a subclass: the embedded store's
    /// directory and an S3 bucket give the same answers for the same calls. Each test works under keys of its own.
    /// </summary>
    public abstract class FileStorageContract : IDisposable
    {
        /// <summary>A namespace for this test's keys (one bucket serves every S3 test).</summary>
        protected readonly string Ns = "t" + Guid.NewGuid().ToString("N").Substring(0, 10);

        private IStickyFileStorage _storage;

        /// <summary>The provider under test (made on first use, after <see cref="Require"/>).</summary>
        protected IStickyFileStorage Storage => _storage ??= Create();

        /// <summary>Skips or fails when the provider cannot run here.</summary>
        protected abstract void Require();

        protected abstract IStickyFileStorage Create();

        /// <summary>Locations this provider hands out for <paramref name="key"/>, which <see cref="IStickyFileStorage.KeyOf"/> maps back.</summary>
        protected abstract string[] LocationsOf(string key);

        public virtual void Dispose() => (_storage as IDisposable)?.Dispose();

        [SkippableFact]
        public void FilesArePutReadListedAndDeletedByKey()
        {
            Require();
            var model = "ml/" + Ns + "/output/model.pth";
            var config = "ml/" + Ns + "/config.yaml";
            var image = "raw_images/" + Ns + "/" + Ns + ".2020-07-05_20-00-00.jpg";
            var bytes = Bytes(70_000, 1);
            var stored = Storage.Put(model, new MemoryStream(bytes));
            Assert.Equal((model, 70_000L), (stored.Key, stored.Length));
            Assert.False(string.IsNullOrEmpty(stored.ETag));
            Storage.Put(config, new NonSeekable(Encoding.UTF8.GetBytes("lr: 0.1\n")));
            Storage.Put(image, new MemoryStream(Bytes(1234, 2)));

            var info = Storage.GetInfo(model);
            Assert.Equal((model, 70_000L, stored.ETag), (info.Key, info.Length, info.ETag));
            Assert.True(Math.Abs((info.LastModifiedUtc - DateTime.UtcNow).TotalMinutes) < 10, "modified " + info.LastModifiedUtc.ToString("o"));
            Assert.Equal(bytes, Read(model));
            Assert.Equal("lr: 0.1\n", Encoding.UTF8.GetString(Read(config)));

            Assert.Equal(new[] { config, model }, Storage.List("ml/" + Ns + "/").Select(f => f.Key).OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal(new[] { model }, Storage.List("ml/" + Ns + "/out").Select(f => f.Key));
            Assert.Equal(new[] { 8L }, Storage.List("ml/" + Ns + "/c").Select(f => f.Length));
            Assert.Equal(new[] { image }, Storage.List("raw_images/" + Ns + "/").Select(f => f.Key));
            Assert.Empty(Storage.List("ml/" + Ns + "x/"));

            Assert.True(Storage.Delete(model));
            Assert.False(Storage.Delete(model));
            Assert.Null(Storage.GetInfo(model));
            var gone = Assert.Throws<StickyPiException>(() => Storage.OpenRead(model));
            Assert.Equal((StickyErrorIds.FileNotFound, StickyErrorKind.NotFound, model), (gone.ErrorId, gone.Kind, gone.Target));
            Assert.Equal(new[] { config }, Storage.List("ml/" + Ns + "/").Select(f => f.Key));
        }

        [SkippableFact]
        public void APutReplacesTheFileAndItsETagFollowsTheContent()
        {
            Require();
            var key = "tiled_tuboids/" + Ns + "/" + Ns + ".0000/metadata.txt";
            var first = Storage.Put(key, new MemoryStream(Encoding.UTF8.GetBytes("first version\n")));
            var second = Storage.Put(key, new MemoryStream(Encoding.UTF8.GetBytes("second, longer version\n")));
            Assert.NotEqual(first.ETag, second.ETag);
            Assert.Equal("second, longer version\n", Encoding.UTF8.GetString(Read(key)));
            Assert.Single(Storage.List("tiled_tuboids/" + Ns + "/"));

            var empty = Storage.Put(key, new MemoryStream());
            Assert.Equal(0L, empty.Length);
            Assert.Empty(Read(key));
        }

        [SkippableTheory]
        [InlineData("../outside")]
        [InlineData("catalog.db")]
        [InlineData("ml/../../etc/passwd")]
        [InlineData("ml/a\\b")]
        [InlineData("raw_images/")]
        [InlineData("ml/./x")]
        [InlineData("ml//x")]
        [InlineData("ml/c:x")]
        public void KeysOutsideThePublicFilesAreRefusedNamingTheKey(string key)
        {
            Require();
            foreach (Action call in new Action[]
            {
                () => Storage.GetInfo(key),
                () => Storage.OpenRead(key),
                () => Storage.Put(key, new MemoryStream(new byte[] { 1 })),
                () => Storage.Delete(key),
            })
            {
                var e = Assert.Throws<StickyPiException>(call);
                Assert.Equal((StorageKey.InvalidKeyId, StickyErrorKind.InvalidArgument), (e.ErrorId, e.Kind));
            }
        }

        [SkippableFact]
        public void LocationsHandedOutMapBackToTheirKeysAndNothingElseDoes()
        {
            Require();
            var key = "ml/" + Ns + "/weights.bin";
            Storage.Put(key, new MemoryStream(Bytes(10, 3)));
            foreach (var location in LocationsOf(key))
            {
                Assert.Equal(key, Storage.KeyOf(location));
            }

            foreach (var other in new[] { null, "", "/etc/passwd", "s3://another-bucket/" + key, "https://example.org/" + key, "ml/" + Ns + "/weights.bin" })
            {
                Assert.Null(Storage.KeyOf(other));
            }

            foreach (var unsafeKey in new[] { "catalog.db", "ml/../catalog.db" })
            {
                foreach (var location in LocationsOf(key))
                {
                    Assert.Null(Storage.KeyOf(location.Replace(key, unsafeKey)));
                }
            }
        }

        protected byte[] Read(string key)
        {
            using (var s = Storage.OpenRead(key))
            using (var copy = new MemoryStream())
            {
                s.CopyTo(copy);
                return copy.ToArray();
            }
        }

        protected static byte[] Bytes(int length, int seed)
        {
            var b = new byte[length];
            new Random(seed).NextBytes(b);
            return b;
        }

        /// <summary>A stream that cannot seek or tell its length, as a network body.</summary>
        protected sealed class NonSeekable : ForwardOnlyStream
        {
            private readonly MemoryStream _inner;

            public NonSeekable(byte[] bytes) => _inner = new MemoryStream(bytes);

            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        }
    }
}
