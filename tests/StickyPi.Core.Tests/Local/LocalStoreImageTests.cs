using System;
using System.IO;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Tests.Local
{
    public class LocalStoreImageTests
    {
        private static readonly DateTime D0 = Kit.T(2020, 6, 20, 20, 19, 15);

        [Fact]
        public void PutImagesStoresRowsAndFilesInUpstreamLayout()
        {
            using (var s = new StoreDir())
            {
                var img = Kit.Image2022("512858f4", Kit.T(2022, 5, 17, 18, 46, 57));
                var caller = new CallerIdentity(7, "alice", canWrite: true, isAdmin: false);
                var stored = s.Store.PutImages(caller, new[] { img }).Single();

                Assert.NotNull(stored.Id);
                Assert.Equal(7, stored.ApiUserId);
                Assert.Equal(LocalStickyStore.ApiVersion, stored.ApiVersion);
                Assert.True((DateTime.UtcNow - stored.DateTimeCreated).Duration() < TimeSpan.FromMinutes(1));

                string original = Path.Combine(s.Path, "raw_images", "512858f4", "512858f4.2022-05-17_18-46-57.jpg");
                Assert.Equal(img.bytes, File.ReadAllBytes(original));
                Assert.Equal(img.parsed.Thumbnail, File.ReadAllBytes(original + ".thumbnail"));
                Assert.Equal(img.parsed.ThumbnailMini, File.ReadAllBytes(original + ".thumbnail-mini"));

                // Stored values and SQLite storage classes as upstream leaves them.
                var row = Kit.Query(s.Db, "SELECT datetime, typeof(alt), alt, typeof(bat), bat, but, device_version, api_version, api_user_id, datetime_created, typeof(lat) FROM images").Single();
                Assert.Equal("2022-05-17 18:46:57.000000", row[0]);
                Assert.Equal("real", row[1]);
                Assert.Equal(97.3, row[2]);
                Assert.Equal("integer", row[3]);
                Assert.Equal(72L, row[4]);
                Assert.Equal(1L, row[5]);
                Assert.Equal("3.1.0", row[6]);
                Assert.Equal("0.1.1", row[7]);
                Assert.Equal(7L, row[8]);
                Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$", (string)row[9]);
                Assert.Equal(StickyTime.ToDatabase(stored.DateTimeCreated), row[9]);
                Assert.Equal("real", row[10]);
            }
        }

        [Fact]
        public void LegacyImageGetsDefaultDeviceVersionAndNullSensors()
        {
            using (var s = new StoreDir())
            {
                var img = Kit.Image("5c173ff2", Kit.T(2020, 6, 20, 21, 33, 24));
                Assert.Null(img.parsed.DeviceVersion);
                Kit.Put(s.Store, img);
                var got = s.Store.GetImages(Kit.Admin, new[] { img.parsed.Key }).Single();
                Assert.Equal("1.0.0", got.DeviceVersion);
                Assert.Null(got.Lat);
                Assert.Null(got.But);
                Assert.Null(got.Bat);
                Assert.Equal(21.899999618530273, got.Temp);
                Assert.Equal(img.parsed.Md5, got.Md5);
                Assert.Equal(string.Empty, got.Url);
            }
        }

        [Fact]
        public void GetImagesMatchesExactDeviceAndSecond()
        {
            using (var s = new StoreDir())
            {
                Kit.Put(s.Store, Kit.Image("0a5bb6f4", D0), Kit.Image("0a5bb6f4", D0.AddSeconds(1)), Kit.Image("1b74105a", D0));

                var got = s.Store.GetImages(Kit.Admin, new[]
                {
                    new ImageKey("0a5bb6f4", D0),
                    new ImageKey("0a5bb6f4", D0.AddMilliseconds(400)), // same second, asked twice: one row
                    new ImageKey("1b74105a", D0.AddSeconds(1)), // absent
                    new ImageKey("0A5BB6F4", D0), // device equality is exact, as upstream's '='
                    new ImageKey("ffffffff", D0),
                });
                Assert.Single(got);
                Assert.Equal("0a5bb6f4", got[0].Device);
                Assert.Equal(D0, got[0].DateTime);
                Assert.Equal(DateTimeKind.Utc, got[0].DateTime.Kind);

                Assert.Empty(s.Store.GetImages(Kit.Admin, new ImageKey[0]));
            }
        }

        [Fact]
        public void GetImagesFindsRowsStoredWithoutFraction()
        {
            using (var s = new StoreDir())
            {
                Kit.Put(s.Store, Kit.Image("0a5bb6f4", D0));
                using (var conn = Kit.Raw(s.Db))
                using (var cmd = conn.CreateCommand())
                {
                    cmd.CommandText = "UPDATE images SET datetime = '2020-06-20 20:19:15'";
                    cmd.ExecuteNonQuery();
                }

                Assert.Single(s.Store.GetImages(Kit.Admin, new[] { new ImageKey("0a5bb6f4", D0) }));
                Assert.Single(s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery("0a5bb6f4", D0, D0.AddSeconds(1))));
                Assert.Empty(s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery("0a5bb6f4", D0.AddSeconds(-1), D0)));
            }
        }

        [Fact]
        public void GetImagesManyKeysAcrossChunks()
        {
            using (var s = new StoreDir())
            {
                var images = Enumerable.Range(0, 1200).Select(i => Kit.Image("0a5bb6f4", D0.AddMinutes(i))).ToArray();
                s.Store.PutImages(Kit.Admin, images);
                var keys = images.Select(i => i.parsed.Key).Concat(new[] { new ImageKey("0a5bb6f4", D0.AddYears(1)) });
                var got = s.Store.GetImages(Kit.Admin, keys);
                Assert.Equal(1200, got.Count);
                Assert.Equal(images.Select(i => i.parsed.DateTime), got.Select(g => g.DateTime));
                Assert.Equal(1200, s.Store.GetStoredMd5s(keys).Count);
            }
        }

        [Theory]
        [InlineData(ImageFileKind.Metadata, "")]
        [InlineData(ImageFileKind.Image, "")]
        [InlineData(ImageFileKind.Thumbnail, ".thumbnail")]
        [InlineData(ImageFileKind.ThumbnailMini, ".thumbnail-mini")]
        public void UrlIsAbsolutePathOfAskedFile(ImageFileKind what, string suffix)
        {
            using (var s = new StoreDir())
            {
                var img = Kit.Image("0a5bb6f4", D0);
                Kit.Put(s.Store, img);
                var byKey = s.Store.GetImages(Kit.Admin, new[] { img.parsed.Key }, what).Single();
                var bySeries = s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery("%", D0, D0.AddDays(1)), what).Single();
                Assert.Equal(byKey.Url, bySeries.Url);
                if (what == ImageFileKind.Metadata)
                {
                    Assert.Equal(string.Empty, byKey.Url);
                    return;
                }

                string expected = Path.Combine(s.Path, "raw_images", "0a5bb6f4", "0a5bb6f4.2020-06-20_20-19-15.jpg") + suffix;
                Assert.Equal(expected, byKey.Url);
                Assert.True(Path.IsPathRooted(byKey.Url));
                Assert.True(File.Exists(byKey.Url));
            }
        }

        [Theory]
        [InlineData("%", new[] { "0A5BB6F4", "0a5bb6f4", "0a5bffff", "1b74105a", "5c173ff2" })]
        [InlineData("0a5b%", new[] { "0A5BB6F4", "0a5bb6f4", "0a5bffff" })]
        [InlineData("0A5B%", new[] { "0A5BB6F4", "0a5bb6f4", "0a5bffff" })]
        [InlineData("0a5bb6f4", new[] { "0A5BB6F4", "0a5bb6f4" })]
        [InlineData("0A5Bb6F4", new[] { "0A5BB6F4", "0a5bb6f4" })]
        [InlineData("0a5bb6f_", new[] { "0A5BB6F4", "0a5bb6f4" })]
        [InlineData("_b74105a", new[] { "1b74105a" })]
        [InlineData("%f_", new[] { "0A5BB6F4", "0a5bb6f4", "0a5bffff", "5c173ff2" })]
        [InlineData("%ff%", new[] { "0a5bffff", "5c173ff2" })]
        [InlineData("0a5b", new string[0])]
        [InlineData("0a5bb6f", new string[0])]
        [InlineData("0a5bb6f4%", new[] { "0A5BB6F4", "0a5bb6f4" })]
        [InlineData("zzz%", new string[0])]
        public void SeriesDevicePatternIsLikeCaseInsensitive(string pattern, string[] expectedDevices)
        {
            using (var s = new StoreDir())
            {
                foreach (var d in new[] { "0a5bb6f4", "0A5BB6F4", "0a5bffff", "1b74105a", "5c173ff2" })
                {
                    Kit.Put(s.Store, Kit.Image(d, D0), Kit.Image(d, D0.AddHours(1)));
                }

                var got = s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery(pattern, D0, D0.AddDays(1)));
                Assert.Equal(expectedDevices.SelectMany(d => new[] { d, d }), got.Select(g => g.Device));
                Assert.All(got.GroupBy(g => g.Device), g => Assert.Equal(new[] { D0, D0.AddHours(1) }, g.Select(x => x.DateTime)));
            }
        }

        [Fact]
        public void SeriesEscapedWildcardsAreLiteral()
        {
            using (var s = new StoreDir())
            {
                Kit.Put(s.Store, Kit.Image("0a5bb6f4", D0));
                Assert.Single(s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery(DevicePattern.FromWildcard("0a5b*"), D0, D0.AddDays(1))));
                Assert.Single(s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery(DevicePattern.FromWildcard("?a5bb6f4"), D0, D0.AddDays(1))));
                Assert.Empty(s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery("0a5b\\%", D0, D0.AddDays(1))));
                Assert.Empty(s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery("0a5bb6f\\_", D0, D0.AddDays(1))));
            }
        }

        [Fact]
        public void SeriesWindowIsHalfOpen()
        {
            using (var s = new StoreDir())
            {
                var start = D0;
                var end = D0.AddHours(2);
                Kit.Put(s.Store,
                    Kit.Image("0a5bb6f4", start.AddSeconds(-1)),
                    Kit.Image("0a5bb6f4", start),
                    Kit.Image("0a5bb6f4", start.AddHours(1)),
                    Kit.Image("0a5bb6f4", end.AddSeconds(-1)),
                    Kit.Image("0a5bb6f4", end));

                var got = s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery("0a5bb6f4", start, end));
                Assert.Equal(new[] { start, start.AddHours(1), end.AddSeconds(-1) }, got.Select(g => g.DateTime));

                Assert.Empty(s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery("%", end, start)));
                Assert.Empty(s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery("%", start, start)));

                // A local-kind bound is converted to UTC first.
                var local = start.ToLocalTime();
                Assert.Equal(3, s.Store.GetImageSeries(Kit.Admin, new ImageSeriesQuery("%", local, end)).Count);
            }
        }

        [Fact]
        public void DeleteRemovesRowsFilesAndCascades()
        {
            using (var s = new StoreDir())
            {
                var a = Kit.Image("0a5bb6f4", D0);
                var b = Kit.Image("0a5bb6f4", D0.AddMinutes(20));
                Kit.Put(s.Store, a, b);
                s.Store.PutUidAnnotations(Kit.Admin, new[] { Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5), Kit.Annotation("0a5bb6f4", D0, a.parsed.Md5, "2-x") });
                using (var conn = Kit.Raw(s.Db))
                using (var cmd = conn.CreateCommand())
                {
                    cmd.CommandText = "INSERT INTO uid_intents (datetime_created, api_version, parent_image_id) SELECT '2020-01-01 00:00:00.000000', '0.1.1', id FROM images";
                    cmd.ExecuteNonQuery();
                }

                var files = s.Store.GetImages(Kit.Admin, new[] { a.parsed.Key }, ImageFileKind.Image).Single().Url;

                var deleted = s.Store.DeleteImages(Kit.Admin, new[] { a.parsed.Key, new ImageKey("ffffffff", D0) });
                Assert.Equal(a.parsed.Key, deleted.Single().Key);
                Assert.Equal(a.parsed.Md5, deleted.Single().Md5);

                Assert.Equal(1, Kit.Count(s.Db, "images"));
                Assert.Equal(0, Kit.Count(s.Db, "uid_annotations"));
                Assert.Equal(1, Kit.Count(s.Db, "uid_intents"));
                Assert.False(File.Exists(files));
                Assert.False(File.Exists(files + ".thumbnail"));
                Assert.False(File.Exists(files + ".thumbnail-mini"));
                Assert.Single(s.Store.GetImages(Kit.Admin, new[] { b.parsed.Key }));
                Assert.Empty(s.Store.DeleteImages(Kit.Admin, new[] { a.parsed.Key }));
                Assert.Equal(new[] { "session.lock" }, Directory.GetFiles(Path.Combine(s.Path, ".stickypi-tmp"), "*", SearchOption.AllDirectories).Select(Path.GetFileName));
            }
        }

        [Fact]
        public void DeleteFailureRestoresFilesAndRows()
        {
            using (var s = new StoreDir())
            {
                var a = Kit.Image("0a5bb6f4", D0);
                Kit.Put(s.Store, a);
                string path = s.Store.GetImages(Kit.Admin, new[] { a.parsed.Key }, ImageFileKind.Image).Single().Url;
                s.Store.BeforeCommit = () => throw new InvalidOperationException("boom");
                Assert.Throws<InvalidOperationException>(() => s.Store.DeleteImages(Kit.Admin, new[] { a.parsed.Key }));
                s.Store.BeforeCommit = null;

                Assert.Equal(1, Kit.Count(s.Db, "images"));
                Assert.Equal(a.bytes, File.ReadAllBytes(path));
                Assert.True(File.Exists(path + ".thumbnail"));
                Assert.True(File.Exists(path + ".thumbnail-mini"));
            }
        }

        [Fact]
        public void DeleteCrashBeforeCommitIsRecoveredOnOpen()
        {
            using (var s = new StoreDir())
            using (var crash = new Support.TempDir("stickypi-crash"))
            {
                var a = Kit.Image("0a5bb6f4", D0);
                var b = Kit.Image("1b74105a", D0);
                Kit.Put(s.Store, a, b);
                s.Store.BeforeCommit = () => Kit.Snapshot(s.Path, crash.Path);
                Assert.Equal(2, s.Store.DeleteImages(Kit.Admin, new[] { a.parsed.Key, b.parsed.Key }).Count);

                // The snapshot holds the state at the crash: rows present, files in the trash.
                string crashedOriginal = Path.Combine(crash.Path, "raw_images", "0a5bb6f4", a.parsed.Key.FileName);
                Assert.False(File.Exists(crashedOriginal));
                using (var reopened = LocalStickyStore.Open(crash.Path, createIfMissing: false))
                {
                    var rows = reopened.GetImageSeries(Kit.Admin, new ImageSeriesQuery("%", D0, D0.AddDays(1)), ImageFileKind.Image);
                    Assert.Equal(2, rows.Count);
                    Assert.All(rows, r =>
                    {
                        Assert.True(File.Exists(r.Url));
                        Assert.True(File.Exists(r.Url + ".thumbnail"));
                        Assert.True(File.Exists(r.Url + ".thumbnail-mini"));
                        Assert.Equal(r.Md5, Kit.Md5(File.ReadAllBytes(r.Url)));
                    });
                    Assert.Empty(Directory.GetFiles(Path.Combine(crash.Path, ".stickypi-tmp"), "*", SearchOption.AllDirectories));
                }
            }
        }

        [Fact]
        public void DeleteNeedsAdministrator()
        {
            using (var s = new StoreDir())
            {
                var a = Kit.Image("0a5bb6f4", D0);
                Kit.Put(s.Store, a);
                var writer = new CallerIdentity(3, "bob", canWrite: true, isAdmin: false);
                var e = Assert.ThrowsAny<StickyPiException>(() => s.Store.DeleteImages(writer, new[] { a.parsed.Key }));
                Assert.Equal(StickyErrorKind.PermissionDenied, e.Kind);
                var reader = new CallerIdentity(4, "eve", canWrite: false, isAdmin: true);
                e = Assert.ThrowsAny<StickyPiException>(() => s.Store.PutImages(reader, new[] { Kit.Image("0a5bb6f4", D0.AddDays(1)) }));
                Assert.Equal(StickyErrorKind.PermissionDenied, e.Kind);
                Assert.Equal(1, Kit.Count(s.Db, "images"));
            }
        }

        [Fact]
        public void PutDuplicateNeverOverwritesStoredFiles()
        {
            using (var s = new StoreDir())
            {
                var original = Kit.Image("0a5bb6f4", D0, "first");
                Kit.Put(s.Store, original);
                var other = Kit.Image("0a5bb6f4", D0, "second");
                var fresh = Kit.Image("0a5bb6f4", D0.AddHours(1));

                var e = Assert.Throws<StickyPiException>(() => s.Store.PutImages(Kit.Admin, new[] { fresh, other }));
                Assert.Equal(StickyErrorIds.DuplicateImage, e.ErrorId);
                Assert.Equal(StickyErrorKind.Conflict, e.Kind);

                string path = Path.Combine(s.Path, "raw_images", "0a5bb6f4", original.parsed.Key.FileName);
                Assert.Equal(original.bytes, File.ReadAllBytes(path));
                Assert.Equal(original.parsed.Thumbnail, File.ReadAllBytes(path + ".thumbnail"));
                Assert.Equal(1, Kit.Count(s.Db, "images"));
                Assert.False(File.Exists(Path.Combine(s.Path, "raw_images", "0a5bb6f4", fresh.parsed.Key.FileName)));

                e = Assert.Throws<StickyPiException>(() => s.Store.PutImages(Kit.Admin, new[] { fresh, fresh }));
                Assert.Equal(StickyErrorIds.DuplicateImage, e.ErrorId);
            }
        }

        [Fact]
        public void PutChecksMd5OfBytes()
        {
            using (var s = new StoreDir())
            {
                var img = Kit.Image("0a5bb6f4", D0);
                img.parsed.Md5 = new string('0', 32);
                var e = Assert.Throws<StickyPiException>(() => s.Store.PutImages(Kit.Admin, new[] { img }));
                Assert.Equal(StickyErrorIds.Md5Mismatch, e.ErrorId);
            }
        }
    }
}
