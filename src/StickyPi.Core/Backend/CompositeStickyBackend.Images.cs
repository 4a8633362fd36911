using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// Images, rows and files together. A new image's files go under their final keys at staging (nothing stored can
    /// be overwritten: no row has that key), and its row commits after. An image whose key is stored waits under
    /// staging keys until the commit decides: replaced (the stored files kept aside under trash keys until the row
    /// commits, put back if it does not). Staged files stay until their image commits, so a failed group can be
    /// committed again image by image (as the commit stage does); what a refused image leaves under the staging prefix
    /// is removed when the back-end is next opened, once an hour old.
    /// </summary>
    public sealed partial class CompositeStickyBackend
    {
        /// <summary>Where images wait for their commit, and stored files wait for theirs to succeed (hidden under upstream's prefix).</summary>
        private const string StagingPrefix = "raw_images/.staging/";

        private static readonly ImageFileKind[] FileKinds = { ImageFileKind.Image, ImageFileKind.Thumbnail, ImageFileKind.ThumbnailMini };

        /// <summary>Puts the image's three files (thumbnails first, original last) under their final or staging keys. Thread-safe.</summary>
        public StagedImage StageImage(ParsedImage parsed, byte[] originalBytes, int length)
        {
            LocalStickyStore.CheckParsed(parsed, originalBytes);
            if (length <= 0 || length > originalBytes.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(length));
            }

            var row = LocalStickyStore.BuildRow(parsed);
            var finals = FileKinds.Select(k => StorageKey.OfImage(row.Key, k)).ToArray();
            string[] targets = finals;
            if (_catalog.GetStoredMd5(row.Key) != null)
            {
                string staging = StagingPrefix + Guid.NewGuid().ToString("N") + "/";
                targets = finals.Select(k => staging + k.Substring(k.LastIndexOf('/') + 1)).ToArray();
            }

            var contents = new[] { new ArraySegment<byte>(originalBytes, 0, length), new ArraySegment<byte>(parsed.Thumbnail), new ArraySegment<byte>(parsed.ThumbnailMini) };
            var written = new List<string>();
            try
            {
                foreach (int n in new[] { 1, 2, 0 })
                {
                    using (var stream = new MemoryStream(contents[n].Array, contents[n].Offset, contents[n].Count, writable: false))
                    {
                        Files.Put(targets[n], stream);
                    }

                    written.Add(targets[n]);
                }
            }
            catch when (targets != finals)
            {
                DeleteQuietly(written);
                throw;
            }

            return new StagedImage(row, finals[0], finals[1], finals[2], targets == finals ? null : targets);
        }

        /// <summary>
        /// Commits staged images' rows in one transaction. Files of a replaced image are swapped in before the rows
        /// commit and swapped back if they do not; a refused duplicate's staged files are deleted.
        /// </summary>
        public IReadOnlyList<StickyImage> CommitStagedImages(CallerIdentity caller, IReadOnlyList<StagedImage> batch, bool replaceExisting)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutImages);
            if (batch == null)
            {
                throw new ArgumentNullException(nameof(batch));
            }

            if (batch.Any(s => s == null))
            {
                throw new ArgumentException("The batch contains a null entry.", nameof(batch));
            }

            if (batch.Count == 0)
            {
                return new StickyImage[0];
            }

            var pending = batch.Where(s => s.IsPending).ToList();
            var swapped = new List<(string Final, string Trash)>();
            try
            {
                foreach (var s in batch)
                {
                    if (s.Committed)
                    {
                        throw new InvalidOperationException("Staged image " + s + " was already committed; stage it again.");
                    }

                    if ((s.IsPending ? s.PendingPaths : s.FinalPaths).Any(k => Files.GetInfo(k) == null))
                    {
                        throw new StickyPiException(StickyErrorIds.StoreIo, StickyErrorKind.ResourceUnavailable,
                            "The staged files of " + s.Row.FileName + " are gone from " + Files.Location + "; stage the image again.", s.ImagePath);
                    }
                }

                if (replaceExisting)
                {
                    foreach (var s in pending)
                    {
                        for (int n = 0; n < 3; n++)
                        {
                            string trash = StagingPrefix + "trash-" + Guid.NewGuid().ToString("N");
                            if (Copy(s.FinalPaths[n], trash))
                            {
                                swapped.Add((s.FinalPaths[n], trash));
                            }

                            Copy(s.PendingPaths[n], s.FinalPaths[n]);
                        }
                    }
                }

                var stored = _catalog.CommitImageRows(caller, batch.Select(s => s.Row).ToList(), replaceExisting);
                foreach (var s in batch)
                {
                    s.Committed = true;
                }

                DeleteQuietly(swapped.Select(x => x.Trash).Concat(pending.SelectMany(s => s.PendingPaths)));
                return stored;
            }
            catch
            {
                foreach (var (final, trash) in swapped)
                {
                    Copy(trash, final);
                }

                DeleteQuietly(swapped.Select(x => x.Trash));
                throw;
            }
        }

        /// <summary>Removes what refused or interrupted commits left under the staging prefix, once an hour old.</summary>
        private void SweepStaging()
        {
            var cutoff = DateTime.UtcNow - TimeSpan.FromHours(1);
            try
            {
                DeleteQuietly(Files.List(StagingPrefix).Where(f => f.LastModifiedUtc < cutoff).Select(f => f.Key).ToList());
            }
            catch (StickyPiException)
            {
                // An unreachable storage is reported by the first real operation, with its context.
            }
        }

        /// <summary>Stores parsed images all or nothing: a stored key is <c>DuplicateImage</c> before anything is written.</summary>
        public IReadOnlyList<StickyImage> PutImages(CallerIdentity caller, IEnumerable<(ParsedImage parsed, byte[] bytes)> images)
        {
            AccessPolicy.Require(caller ?? throw new ArgumentNullException(nameof(caller)), ApiOperation.PutImages);
            var list = (images ?? throw new ArgumentNullException(nameof(images))).ToList();
            foreach (var (parsed, bytes) in list)
            {
                LocalStickyStore.CheckParsed(parsed, bytes);
            }

            var existing = _catalog.GetStoredMd5s(list.Select(i => i.parsed.Key));
            if (existing.Count > 0)
            {
                throw LocalStickyStore.DuplicateImage(existing.Keys.First());
            }

            var staged = list.Select(i => StageImage(i.parsed, i.bytes, i.bytes.Length)).ToList();
            return CommitStagedImages(caller, staged, replaceExisting: false);
        }

        /// <summary>Deletes the images' rows (annotations and intents with them), then their files; returns the deleted rows.</summary>
        public IReadOnlyList<StickyImage> DeleteImages(CallerIdentity caller, IEnumerable<ImageKey> keys)
        {
            var deleted = _catalog.DeleteImages(caller, keys);
            DeleteQuietly(deleted.SelectMany(i => FileKinds.Select(k => StorageKey.OfImage(i.Key, k))));
            return deleted;
        }

        /// <summary>The import pipeline (Send-StickyImage's engine) over this back-end's staging and commit.</summary>
        public IImageImportSession BeginImageImport(CallerIdentity caller, ImageImportOptions options)
        {
            Directory.CreateDirectory(CacheDirectory);
            return new ImageImportPipeline<StagedImage>(new BackendImportSink(this), caller, CacheDirectory, options);
        }

        /// <summary>Copies a stored file to another key; false when there is none.</summary>
        private bool Copy(string from, string to)
        {
            if (Files.GetInfo(from) == null)
            {
                return false;
            }

            using (var source = Files.OpenRead(from))
            {
                Files.Put(to, source);
            }

            return true;
        }

        /// <summary>Best effort: a file left behind is an orphan, never a row without its files.</summary>
        private void DeleteQuietly(IEnumerable<string> keys)
        {
            foreach (var key in keys)
            {
                try
                {
                    Files.Delete(key);
                }
                catch (StickyPiException)
                {
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
