using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using SkiaSharp;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Support;
using StickyPi.SampleData;

namespace StickyPi.Core.Tests.Sync
{
    /// <summary>What one importer run produced.</summary>
    internal sealed class ImportRun
    {
        public List<ImageImportResult> Results { get; } = new List<ImageImportResult>();

        public ImportProgress Progress { get; set; }

        /// <summary>Every path the importer announced through <see cref="ImageImporter.FileOpening"/>.</summary>
        public ConcurrentBag<string> Opened { get; } = new ConcurrentBag<string>();

        public TimeSpan Elapsed { get; set; }

        public ImageImportResult For(string path) => Results.Single(r => r.Path == Path.GetFullPath(path));

        public IEnumerable<ImageImportResult> With(ImportStatus status) => Results.Where(r => r.Status == status);

        public int Count(ImportStatus status) => With(status).Count();

        public override string ToString() =>
            string.Join(Environment.NewLine, Results.Select(r => r.Status + " " + r.Path + " " + r.ErrorId + " " + r.Reason));
    }

    /// <summary>Helpers shared by the import tests: running the importer, copying fixtures, checking store consistency.</summary>
    internal static class ImportKit
    {
        public static readonly CallerIdentity Admin = CallerIdentity.LocalAdministrator;

        public static readonly DateTime SeriesStart = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        public static readonly DateTime SeriesEnd = new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>Posts the paths one by one (taking results as they come, as a pipeline would) and drains.</summary>
        public static ImportRun Run(LocalStickyStore store, IEnumerable<string> paths, ImageImportOptions options = null, Action<ImageImporter> setup = null)
        {
            var run = new ImportRun();
            var clock = Stopwatch.StartNew();
            using (var importer = new ImageImporter(store, Admin, options))
            {
                importer.FileOpening += p => run.Opened.Add(p);
                setup?.Invoke(importer);
                foreach (var p in paths)
                {
                    Assert.True(importer.Post(p));
                    while (importer.TryTake(out var r))
                    {
                        run.Results.Add(r);
                    }
                }

                run.Results.AddRange(importer.Drain());
                run.Progress = importer.Progress;
            }

            run.Elapsed = clock.Elapsed;
            return run;
        }

        /// <summary>
        /// Copies the 11 fixture images from <paramref name="source"/> (<see cref="TestPaths.RawImages"/>, the shared
        /// ones, or <see cref="StandIns.RawImages"/>), keeping their sub-folders; returns the copied paths.
        /// </summary>
        public static List<string> CopyFixtures(string destination, string source)
        {
            var result = new List<string>();
            foreach (var file in Directory.GetFiles(source, "*.jpg", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(source, file);
                string target = Path.Combine(destination, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target));
                File.Copy(file, target);
                File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(file));
                result.Add(target);
            }

            return result;
        }

        /// <summary>Small images of a few devices, in both EXIF formats, about 20 minutes apart.</summary>
        public static List<string> Generate(string directory, int count, int seed, int width = 320, int height = 240)
        {
            var devices = new[] { "0a5bb6f4", "1b74105a", "512858f4", "5c173ff2" };
            var start = new DateTime(2021, 6, 1, 0, 0, 0, DateTimeKind.Utc);
            var paths = new List<string>(count);
            for (int i = 0; i < count; i++)
            {
                string device = devices[i % devices.Length];
                var utc = start.AddMinutes(20 * (i / devices.Length)).AddSeconds(i % 60);
                var format = i % 2 == 0 ? SampleFormat.Legacy2020 : SampleFormat.Csv2022;
                paths.Add(SampleImages.WriteImage(directory, device, utc, format, width, height, seed * 100003 + i));
            }

            return paths;
        }

        public static string Md5(byte[] bytes) => TestFiles.Md5(bytes);

        public static string Md5(string path) => TestFiles.Md5(path);

        /// <summary>Upstream's layout for an image: original, thumbnail and mini thumbnail.</summary>
        public static string[] StoredPaths(string storeRoot, ImageKey key)
        {
            string original = Path.Combine(storeRoot, "raw_images", key.Device,
                key.Device + "." + key.DateTime.ToString("yyyy-MM-dd_HH-mm-ss", System.Globalization.CultureInfo.InvariantCulture) + ".jpg");
            return new[] { original, original + ".thumbnail", original + ".thumbnail-mini" };
        }

        /// <summary>Every stored image, up to the last second of year 9999.</summary>
        public static IReadOnlyList<StickyImage> AllRows(LocalStickyStore store) =>
            store.GetImageSeries(Admin, new ImageSeriesQuery("%", SeriesStart, DateTime.MaxValue), ImageFileKind.Image);

        public static string[] FilesUnder(string root, string sub)
        {
            string dir = Path.Combine(root, sub);
            return Directory.Exists(dir) ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories) : new string[0];
        }

        /// <summary>Files in the store's private temporary folder other than session locks.</summary>
        public static string[] TempLeftovers(string root) =>
            FilesUnder(root, ".stickypi-tmp").Where(f => Path.GetFileName(f) != "session.lock").ToArray();

        /// <summary>Decodes a JPEG completely (a truncated file does not decode to Success) and returns its size.</summary>
        public static (int width, int height) DecodeFully(string path)
        {
            var bytes = File.ReadAllBytes(path);
            using (var data = SKData.CreateCopy(bytes))
            using (var codec = SKCodec.Create(data))
            {
                Assert.True(codec != null, path + " is not a decodable image");
                Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
                var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
                using (var bitmap = new SKBitmap(info))
                {
                    var result = codec.GetPixels(info, bitmap.GetPixels());
                    Assert.True(result == SKCodecResult.Success, path + " decodes with " + result);
                }

                return (codec.Info.Width, codec.Info.Height);
            }
        }

        /// <summary>
        /// The invariants a crash or a cancellation must keep: every row has its three files, the original with the
        /// row's md5 and both thumbnails decodable at their sizes; every original under a final name is a complete
        /// copy of one of <paramref name="sourceMd5s"/> (never half-written) and every thumbnail decodes; no
        /// temporary leftovers. With <paramref name="allowOrphans"/> false, no file without its row either.
        /// </summary>
        public static IReadOnlyList<StickyImage> AssertConsistent(LocalStickyStore store, ISet<string> sourceMd5s, bool allowOrphans = true)
        {
            string root = store.RootDirectory;
            var rows = AllRows(store);
            var rowFiles = new HashSet<string>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                var paths = StoredPaths(root, row.Key);
                Assert.Equal(paths[0], row.Url);
                Assert.True(File.Exists(paths[0]), "row " + row + " has no original");
                Assert.True(File.Exists(paths[1]), "row " + row + " has no thumbnail");
                Assert.True(File.Exists(paths[2]), "row " + row + " has no mini thumbnail");
                Assert.Equal(row.Md5, Md5(paths[0]));
                Assert.Equal(Fit(row.Width, row.Height, 512, 384), DecodeFully(paths[1]));
                Assert.Equal(Fit(row.Width, row.Height, 128, 96), DecodeFully(paths[2]));
                rowFiles.UnionWith(paths);
            }

            foreach (var file in FilesUnder(root, "raw_images"))
            {
                if (file.EndsWith(".jpg", StringComparison.Ordinal))
                {
                    Assert.True(sourceMd5s.Contains(Md5(file)), file + " is not a complete copy of any source image");
                }
                else
                {
                    Assert.True(file.EndsWith(".thumbnail", StringComparison.Ordinal) || file.EndsWith(".thumbnail-mini", StringComparison.Ordinal),
                        "unexpected file " + file);
                    DecodeFully(file);
                }

                if (!allowOrphans)
                {
                    Assert.True(rowFiles.Contains(file), file + " has no row");
                }
            }

            Assert.Empty(TempLeftovers(root));
            return rows;
        }

        /// <summary>Thumbnail size: fitted into the box, aspect kept, never enlarged (as Pillow's thumbnail()).</summary>
        public static (int width, int height) Fit(int width, int height, int maxWidth, int maxHeight)
        {
            double scale = Math.Min(1.0, Math.Min(maxWidth / (double)width, maxHeight / (double)height));
            return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
        }

        public static HashSet<string> Md5s(IEnumerable<string> paths) => new HashSet<string>(paths.Select(Md5), StringComparer.Ordinal);

        /// <summary>
        /// Copies a live store directory as a crash at this instant would leave it: the held session lock becomes a
        /// plain (unlocked) file and SQLite's shared-memory index is dropped (rebuilt from the WAL on open).
        /// </summary>
        public static void CrashCopy(string from, string to)
        {
            foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            {
                Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
            }

            foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(to, Path.GetRelativePath(from, file));
                if (Path.GetFileName(file) == "session.lock")
                {
                    File.WriteAllText(target, string.Empty);
                }
                else if (!file.EndsWith("-shm", StringComparison.Ordinal))
                {
                    // The importer's stagers keep renaming their temporary files into place while this runs on the
                    // commit thread: a file gone since the listing was an uncommitted image's (committed files do
                    // not move during a commit), which a crash at this instant may lose as well. Skipping it, rather
                    // than stopping half-way, keeps the copy one that a crash could leave.
                    FileStream src;
                    try
                    {
                        src = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    }
                    catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
                    {
                        continue;
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(target));
                    using (src)
                    using (var dst = File.Create(target))
                    {
                        src.CopyTo(dst);
                    }
                }
            }
        }

        /// <summary>Rewrites a file with other bytes of the same length and puts its modification time back.</summary>
        public static void TamperKeepingStat(string path)
        {
            var info = new FileInfo(path);
            var mtime = info.LastWriteTimeUtc;
            var bytes = File.ReadAllBytes(path);
            for (int i = bytes.Length / 2; i < bytes.Length / 2 + 64 && i < bytes.Length - 2; i++)
            {
                bytes[i] ^= 0x5A;
            }

            File.WriteAllBytes(path, bytes);
            File.SetLastWriteTimeUtc(path, mtime);
            Assert.Equal(info.Length, new FileInfo(path).Length);
            Assert.Equal(mtime, File.GetLastWriteTimeUtc(path));
        }

        /// <summary>Replaces a file with another image of the same name (different content, later mtime).</summary>
        public static void ReplaceContent(string path, int seed)
        {
            var key = ImageFileName.Parse(path);
            var oldMtime = File.GetLastWriteTimeUtc(path);
            var dir = Path.GetDirectoryName(path);
            using (var tmp = new TempDir("stickypi-regen"))
            {
                var generated = SampleImages.WriteImage(tmp.Path, key.Device, key.DateTime, SampleFormat.Csv2022, 640, 480, seed);
                File.Copy(generated, path, overwrite: true);
            }

            File.SetLastWriteTimeUtc(path, oldMtime.AddMinutes(5));
        }
    }

    /// <summary>A store in a fresh temporary directory plus a folder for input files.</summary>
    internal sealed class ImportFixture : IDisposable
    {
        private readonly TempDir _storeDir = new TempDir("stickypi-sync-store");

        public ImportFixture()
        {
            Store = LocalStickyStore.Open(_storeDir.Path);
        }

        public TempDir Input { get; } = new TempDir("stickypi-sync-input");

        public string Root => _storeDir.Path;

        public LocalStickyStore Store { get; private set; }

        public string CacheDir => Path.Combine(Root, "cache");

        public LocalStickyStore Reopen()
        {
            Store.Dispose();
            Store = LocalStickyStore.Open(Root, createIfMissing: false);
            return Store;
        }

        public void Dispose()
        {
            Store.Dispose();
            _storeDir.Dispose();
            Input.Dispose();
        }
    }
}
