using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Sync
{
    /// <summary>
    /// The 11 fixture images: first import (the shared fixtures' Appendix A values), then incremental re-runs that must
    /// not reopen unchanged files (on generated stand-ins with the same folders and names, so they run on any clone).
    /// </summary>
    public sealed class FixtureImportTests : IDisposable
    {
        private sealed class Row
        {
            public string File;
            public string Md5;
            public int Width;
            public int Height;
            public double? Lat;
            public double? Lng;
            public double? Alt;
            public double Temp;
            public double Hum;
            public string Version = "1.0.0";
            public double? Bat;
            public double? Lum;
            public bool? But;
        }

        private static Row Legacy(string file, string md5, double? lat, double? lng, double? alt, double temp, double hum) =>
            new Row { File = file, Md5 = md5, Width = 2592, Height = 1944, Lat = lat, Lng = lng, Alt = alt, Temp = temp, Hum = hum };

        private static Row Csv(string file, string md5, double lat, double lng, double alt, double temp, double hum, double lum) =>
            new Row { File = file, Md5 = md5, Width = 4056, Height = 3040, Lat = lat, Lng = lng, Alt = alt, Temp = temp, Hum = hum, Version = "3.1.0", Bat = 72, Lum = lum, But = true };

        // Spec Appendix A.
        private static readonly Row[] AppendixA =
        {
            Legacy("0a5bb6f4.2020-06-20_20-19-15.jpg", "725a7d5c7eee7ee15533ff1c45cab6de", null, null, null, 20.700000762939453, 82.0),
            Legacy("0a5bb6f4.2020-06-20_20-37-59.jpg", "383ea0c4d38c85454aae6bfb5ec1adb4", null, null, null, 21.799999237060547, 77.30000305175781),
            Legacy("0a5bb6f4.2020-06-20_20-56-43.jpg", "63d0f80d4e2dbefe2ad79e269a9317f3", null, null, null, 21.899999618530273, 76.5999984741211),
            Legacy("0a5bb6f4.2020-06-20_21-15-27.jpg", "5a8b82012ee3b69a5b7c944ca240ab73", null, null, null, 21.200000762939453, 79.5),
            Legacy("0a5bb6f4.2020-06-20_21-23-49.jpg", "1872e05995a6b8ed06da4f202270ede6", null, null, null, 21.700000762939453, 86.30000305175781),
            Legacy("1b74105a.2020-07-05_10-07-16.jpg", "22886796080b30776c1a7f892db8c580", -121.7552, 49.243553, 22.0, 10.300000190734863, 97.5999984741211),
            Legacy("1b74105a.2020-07-05_10-26-18.jpg", "766f39c6167a03dd31659e9789fc2b6e", -121.7552, 49.243553, 22.0, 10.399999618530273, 97.5),
            Csv("512858f4.2022-05-17_18-34-50.jpg", "4743bd4d1918fc7d5bfec4cb8adf370c", 49.2614, -123.25103, 81.7, 17.0, 44.6, 1.86),
            Csv("512858f4.2022-05-17_18-37-24.jpg", "8b284e28f6fe4b009b5a3c2f51c3aa6a", 49.26066, -123.25032, 127.1, 16.4, 45.3, 1.81),
            Csv("512858f4.2022-05-17_18-46-57.jpg", "e737e84d18e778cf367ca050fb96a841", 49.26142, -123.25088, 97.3, 20.6, 42.6, 1.2),
            Legacy("5c173ff2.2020-06-20_21-33-24.jpg", "65e69135d29871e8ee0ac453583effaf", null, null, null, 21.899999618530273, 76.80000305175781),
        };

        private readonly ImportFixture _f = new ImportFixture();
        private readonly List<string> _files;

        public FixtureImportTests()
        {
            try
            {
                _files = ImportKit.CopyFixtures(_f.Input.Path, StandIns.RawImages);
            }
            catch
            {
                _f.Dispose();
                throw;
            }
        }

        public void Dispose() => _f.Dispose();

        [Fact]
        public void FixturesAreCopiedInTheirSubFolders()
        {
            Assert.Equal(11, _files.Count);
            Assert.Equal(3, _files.Count(f => Path.GetFileName(Path.GetDirectoryName(f)) == "2022"));
        }

        [FixtureFact]
        public void FirstImportStoresAppendixARowsAndFilesInUpstreamLayout()
        {
            var files = ImportKit.CopyFixtures(_f.Input.Combine("shared"), TestPaths.RawImages);
            var run = ImportKit.Run(_f.Store, files, new ImageImportOptions { MaxDegreeOfParallelism = 4 });

            Assert.True(11 == run.Count(ImportStatus.Sent), run.ToString());
            Assert.Equal(11, run.Results.Count);
            Assert.All(run.Results, r => Assert.False(r.FromCache));
            Assert.Equal(11, run.Progress.Sent);
            Assert.Equal(11, run.Progress.Completed);
            Assert.Equal(11, run.Progress.Posted);
            Assert.Equal(0, run.Progress.Failed);
            Assert.Equal(11, run.Progress.FilesOpened); // each file read exactly once
            Assert.Equal(11, run.Opened.Count);

            var rows = ImportKit.AllRows(_f.Store);
            Assert.Equal(11, rows.Count);
            foreach (var e in AppendixA)
            {
                var key = ImageFileName.Parse(e.File);
                var row = rows.Single(r => r.Key.Equals(key));
                Assert.Equal(e.File.Substring(0, 8), row.Device);
                Assert.Equal(key.DateTime, row.DateTime);
                Assert.Equal(e.Md5, row.Md5);
                Assert.Equal(e.Width, row.Width);
                Assert.Equal(e.Height, row.Height);
                Assert.Equal(e.Lat, row.Lat);
                Assert.Equal(e.Lng, row.Lng);
                Assert.Equal(e.Alt, row.Alt);
                Assert.Equal(e.Temp, row.Temp);
                Assert.Equal(e.Hum, row.Hum);
                Assert.Equal(e.Version, row.DeviceVersion);
                Assert.Equal(e.Bat, row.Bat);
                Assert.Equal(e.Lum, row.Lum);
                Assert.Equal(e.But, row.But);
                Assert.NotNull(row.Id);

                // The result of the file carries the stored row.
                var source = files.Single(f => Path.GetFileName(f) == e.File);
                var result = run.For(source);
                Assert.Equal(ImportStatus.Sent, result.Status);
                Assert.Equal(e.Md5, result.Md5);
                Assert.Equal(row.Device, result.Device);
                Assert.Equal(row.DateTime, result.DateTime);
                Assert.Equal(row.Id, result.Image.Id);
                Assert.Equal(e.Md5, result.Image.Md5);

                // Upstream's layout: raw_images/<device>/<device>.<YYYY-MM-DD_HH-MM-SS>.jpg, .thumbnail, .thumbnail-mini
                string original = Path.Combine(_f.Root, "raw_images", row.Device, e.File);
                Assert.Equal(original, row.Url);
                Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(original));
                Assert.Equal((512, 384), ImportKit.DecodeFully(original + ".thumbnail"));
                Assert.Equal((128, 96), ImportKit.DecodeFully(original + ".thumbnail-mini"));
            }

            // Nothing else: three files per image, one folder per device, no temporaries.
            Assert.Equal(33, ImportKit.FilesUnder(_f.Root, "raw_images").Length);
            Assert.Equal(new[] { "0a5bb6f4", "1b74105a", "512858f4", "5c173ff2" },
                Directory.GetDirectories(Path.Combine(_f.Root, "raw_images")).Select(Path.GetFileName).OrderBy(d => d, StringComparer.Ordinal));
            Assert.Empty(ImportKit.TempLeftovers(_f.Root));
        }

        [Fact]
        public void SecondRunSkipsEverythingFromTheCacheWithoutOpeningAFile()
        {
            ImportKit.Run(_f.Store, _files);

            var second = ImportKit.Run(_f.Store, _files, new ImageImportOptions { MaxDegreeOfParallelism = 4 });

            Assert.True(11 == second.Count(ImportStatus.Skipped), second.ToString());
            Assert.All(second.Results, r =>
            {
                Assert.True(r.FromCache, r.Path);
                Assert.Null(r.ErrorId);
                Assert.NotNull(r.Md5);
            });
            Assert.Empty(second.Opened);
            Assert.Equal(0, second.Progress.FilesOpened);
            Assert.Equal(11, second.Progress.Skipped);
            Assert.Equal(0, second.Progress.Sent);
            Assert.Equal(11, ImportKit.AllRows(_f.Store).Count);
        }

        [Fact]
        public void SecondRunTrustsTheCacheEvenWhenContentChangedBehindItsBack()
        {
            ImportKit.Run(_f.Store, _files);
            var tampered = _files[3];
            var md5 = ImportKit.Md5(tampered);
            ImportKit.TamperKeepingStat(tampered);

            var second = ImportKit.Run(_f.Store, _files);

            // Same size and mtime: the file is not read, so the change goes unnoticed (by design of a stat cache).
            var r = second.For(tampered);
            Assert.Equal(ImportStatus.Skipped, r.Status);
            Assert.True(r.FromCache);
            Assert.Equal(md5, r.Md5);
            Assert.Empty(second.Opened);
            Assert.Equal(0, second.Progress.FilesOpened);
        }

        [Fact]
        public void RunWithoutCacheFileRehashesButStillSkips()
        {
            ImportKit.Run(_f.Store, _files);
            Assert.True(Directory.GetFiles(_f.CacheDir).Length > 0);
            foreach (var file in Directory.GetFiles(_f.CacheDir))
            {
                File.Delete(file);
            }

            var third = ImportKit.Run(_f.Store, _files, new ImageImportOptions { MaxDegreeOfParallelism = 3 });
            Assert.True(11 == third.Count(ImportStatus.Skipped), third.ToString());
            Assert.All(third.Results, r => Assert.False(r.FromCache));
            Assert.Equal(11, third.Progress.FilesOpened);
            Assert.Equal(_files.Select(Path.GetFullPath).OrderBy(p => p), third.Opened.OrderBy(p => p));
            Assert.Equal(_files.Select(f => ImportKit.Md5(f)).OrderBy(m => m), third.Results.Select(r => r.Md5).OrderBy(m => m));

            // The hashes of the third run were cached again.
            var fourth = ImportKit.Run(_f.Store, _files);
            Assert.All(fourth.Results, r => Assert.True(r.Status == ImportStatus.Skipped && r.FromCache, r.ToString()));
            Assert.Equal(0, fourth.Progress.FilesOpened);
        }

        [Fact]
        public void CacheDoesNotDecideStorage_DeletedImageIsSentAgain()
        {
            ImportKit.Run(_f.Store, _files);
            var gone = ImageFileName.Parse(_files[0]);
            _f.Store.DeleteImages(ImportKit.Admin, new[] { gone });

            var again = ImportKit.Run(_f.Store, _files);
            Assert.Equal(ImportStatus.Sent, again.For(_files[0]).Status);
            Assert.Equal(10, again.Count(ImportStatus.Skipped));
            Assert.Equal(1, again.Progress.FilesOpened);
            ImportKit.AssertConsistent(_f.Store, ImportKit.Md5s(_files), allowOrphans: false);
        }

        [Fact]
        public void ImportAllGivesOneResultPerFile()
        {
            var results = ImageImporter.ImportAll(_f.Store, ImportKit.Admin, _files);
            Assert.Equal(11, results.Count);
            Assert.Equal(_files.Select(Path.GetFullPath).OrderBy(p => p), results.Select(r => r.Path).OrderBy(p => p));
            Assert.All(results, r => Assert.Equal(ImportStatus.Sent, r.Status));
        }
    }
}
