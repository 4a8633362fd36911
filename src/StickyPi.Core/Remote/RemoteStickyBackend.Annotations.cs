using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// The remote back-end's UID annotations, images to annotate, and device and algorithm-name completion, over
    /// upstream's routes (spec §3.2, §3.3, §3.9). Annotation rows carry only <c>parent_image_id</c>, so each read also
    /// asks for the parent images' rows and fills in their device and datetime, as the embedded store does; results
    /// are sorted as the embedded store sorts them (upstream's queries have no ORDER BY).
    /// </summary>
    public sealed partial class RemoteStickyBackend
    {
        /// <summary>Days before now at which device and algorithm-name completion samples the server (see <see cref="CompletionSampleJson"/>).</summary>
        private static readonly int[] CompletionSampleDaysAgo = { 0, 1, 2, 4, 7, 14, 30, 61, 91, 182, 365, 730 };

        /// <summary>Width of each sampled window: a trap takes an image every 20 minutes, so a running one shows up in any 2 hours.</summary>
        private static readonly TimeSpan CompletionSampleWidth = TimeSpan.FromHours(2);

        // ------------------------------------------------------------ images to annotate

        /// <summary>
        /// Reserves and returns up to 8 images that still need annotating (<c>get_images_to_annotate</c>; the server
        /// expires old reservations and records the new ones). Sorted by device, then time, as the embedded store.
        /// </summary>
        public IReadOnlyList<StickyImage> GetImagesToAnnotate(CallerIdentity caller, string algoName, string algoVersion, ImageSeriesQuery query, ImageFileKind what = ImageFileKind.Metadata)
        {
            if (string.IsNullOrEmpty(algoName))
            {
                throw new ArgumentException("An algorithm name is required.", nameof(algoName));
            }

            if (string.IsNullOrEmpty(algoVersion))
            {
                throw new ArgumentException("An algorithm version is required.", nameof(algoVersion));
            }

            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            var body = JsonSerializer.Serialize(new[]
            {
                new Dictionary<string, string>
                {
                    ["algo_name"] = algoName,
                    ["algo_version"] = algoVersion,
                    ["device"] = query.DeviceLikePattern,
                    ["start_datetime"] = StickyTime.ToWire(query.Start),
                    ["end_datetime"] = StickyTime.ToWire(query.End),
                },
            });
            using (var answer = _client.PostJson("get_images_to_annotate/" + What(what), body))
            {
                return InKeyOrder(RemoteImageSink.Rows(answer, "get_images_to_annotate").Select(WireImageRow.Read));
            }
        }

        // ------------------------------------------------------------ reading annotations

        /// <summary>
        /// All annotations of the images with these keys (<c>get_uid_annotations</c>), with the parents' device and
        /// datetime read by <c>get_images</c> for the same keys. Sorted by device, datetime, id.
        /// </summary>
        public IEnumerable<UidAnnotation> GetUidAnnotations(CallerIdentity caller, IEnumerable<ImageKey> keys, bool includeJson)
        {
            var list = (keys ?? throw new ArgumentNullException(nameof(keys))).Where(k => k.Device != null).Distinct().ToList();
            var result = new List<UidAnnotation>();
            for (int start = 0; start < list.Count; start += RemoteImageSink.LookupChunk)
            {
                string body = RemoteImageSink.KeysJson(list.Skip(start).Take(RemoteImageSink.LookupChunk));
                List<UidAnnotation> rows;
                using (var answer = _client.PostJson("get_uid_annotations/" + AnnotationWhat(includeJson), body))
                {
                    rows = RemoteImageSink.Rows(answer, "get_uid_annotations").Select(r => WithJson(WireAnnotationRow.Read(r), includeJson)).ToList();
                }

                if (rows.Count == 0)
                {
                    continue; // no parent to look up
                }

                Dictionary<long, StickyImage> parents;
                using (var answer = _client.PostJson("get_images/metadata", body))
                {
                    parents = ById(RemoteImageSink.Rows(answer, "get_images").Select(WireImageRow.Read));
                }

                result.AddRange(Parented(rows, parents));
            }

            return SortAnnotations(result);
        }

        /// <summary>
        /// Annotations of the images matching the query (<c>get_uid_annotations_series</c>); the parents' device and
        /// datetime come from <c>get_image_series/metadata</c> for the same query (asked only when there are annotations).
        /// </summary>
        public IEnumerable<UidAnnotation> GetUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, bool includeJson)
        {
            string body = SeriesJson(query ?? throw new ArgumentNullException(nameof(query)));
            List<UidAnnotation> rows;
            using (var answer = _client.PostJson("get_uid_annotations_series/" + AnnotationWhat(includeJson), body))
            {
                rows = RemoteImageSink.Rows(answer, "get_uid_annotations_series").Select(r => WithJson(WireAnnotationRow.Read(r), includeJson)).ToList();
            }

            if (rows.Count == 0)
            {
                return rows;
            }

            Dictionary<long, StickyImage> parents;
            using (var answer = _client.PostJson("get_image_series/metadata", body))
            {
                parents = ById(RemoteImageSink.Rows(answer, "get_image_series").Select(WireImageRow.Read));
            }

            return SortAnnotations(Parented(rows, parents).ToList());
        }

        /// <summary>
        /// Images of the query left-joined with their annotations, as upstream's client builds it (spec §3.9): the image
        /// series, then the annotation series, joined here. An image with k annotations gives k rows, one without gives
        /// one row with a null annotation; nothing matching gives an empty list (not upstream's <c>[{}]</c>).
        /// </summary>
        public IEnumerable<StickyAnnotatedImage> GetImagesWithUidAnnotationSeries(CallerIdentity caller, ImageSeriesQuery query, ImageFileKind what, bool includeJson)
        {
            string body = SeriesJson(query ?? throw new ArgumentNullException(nameof(query)));
            List<StickyImage> images;
            using (var answer = _client.PostJson("get_image_series/" + What(what), body))
            {
                images = InKeyOrder(RemoteImageSink.Rows(answer, "get_image_series").Select(WireImageRow.Read));
            }

            if (images.Count == 0)
            {
                return new StickyAnnotatedImage[0];
            }

            ILookup<long, UidAnnotation> byParent;
            using (var answer = _client.PostJson("get_uid_annotations_series/" + AnnotationWhat(includeJson), body))
            {
                byParent = RemoteImageSink.Rows(answer, "get_uid_annotations_series")
                    .Select(r => WithJson(WireAnnotationRow.Read(r), includeJson))
                    .ToLookup(a => a.ParentImageId);
            }

            var joined = new List<StickyAnnotatedImage>(images.Count);
            foreach (var image in images.GroupBy(i => i.Key).Select(g => g.First())) // several series entries may repeat an image
            {
                var annotations = image.Id.HasValue ? byParent[image.Id.Value].OrderBy(a => a.Id).ToList() : new List<UidAnnotation>();
                if (annotations.Count == 0)
                {
                    joined.Add(WireAnnotationRow.Joined(image, null));
                    continue;
                }

                foreach (var a in annotations)
                {
                    a.Device = image.Device;
                    a.DateTime = image.DateTime;
                    joined.Add(WireAnnotationRow.Joined(image, a));
                }
            }

            return joined;
        }

        // ------------------------------------------------------------ storing annotations

        /// <summary>
        /// Stores the items with <c>put_uid_annotations</c>, in one request unless their JSON exceeds 8 MiB (each
        /// request is one transaction on the server: a refusal stores nothing of it). They are first checked as <see cref="ValidateUidAnnotations"/> does, so a missing parent,
        /// an md5 mismatch or a duplicate is refused here with the embedded store's error id and message (upstream's
        /// server would only answer 500). Returns the stored rows in the items' order, <c>Json = ""</c> as upstream.
        /// </summary>
        public IReadOnlyList<UidAnnotation> PutUidAnnotations(CallerIdentity caller, IEnumerable<UidAnnotationSubmission> items)
        {
            var list = CheckAnnotationItems(items);
            if (list.Count == 0)
            {
                return new UidAnnotation[0];
            }

            var parents = new Dictionary<ImageKey, StickyImage>();
            var problems = FindAnnotationProblems(list, parents);
            if (problems.Count > 0)
            {
                var first = problems[0];
                string more = problems.Count > 1 ? " (" + (problems.Count - 1) + " more item(s) with problems; nothing was stored)" : " (nothing was stored)";
                throw new StickyPiException(first.ErrorId, first.Kind, first.Message + more, first.Submission.SourceName);
            }

            var rows = new List<UidAnnotation>(list.Count);
            int sent = 0;
            foreach (var request in AnnotationRequests(list))
            {
                try
                {
                    using (var answer = _client.PostJson("put_uid_annotations", request.Body))
                    {
                        rows.AddRange(RemoteImageSink.Rows(answer, "put_uid_annotations").Select(WireAnnotationRow.Read));
                    }
                }
                catch (StickyPiException e)
                {
                    // The server's refusal names the server; say which items it was about. A request is stored whole
                    // or not at all; only a batch too large for one request (rare) can be stored in part.
                    var first = list[sent];
                    string which = request.Count == 1 ? first.SourceName : request.Count + " annotation items (first: " + first.SourceName + ")";
                    string done = sent == 0 ? "nothing was stored" : "the " + sent + " item(s) before them were stored, these were not";
                    throw new StickyPiException(e.ErrorId, e.Kind, "Storing " + which + " failed; " + done + ". " + e.Message, first.SourceName, e);
                }

                sent += request.Count;
            }

            var stored = new List<UidAnnotation>(list.Count);
            foreach (var item in list)
            {
                var parent = parents[item.Key];
                var row = rows.FirstOrDefault(r => r.ParentImageId == parent.Id && r.AlgoName == item.AlgoName && r.AlgoVersion == item.AlgoVersion)
                    ?? throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                        "The server at " + Location + " accepted the annotation of " + item.Key.FileName + " (" + item.AlgoName + "/" + item.AlgoVersion +
                        ") but did not return its row.", item.SourceName);
                row.Device = parent.Device;
                row.DateTime = parent.DateTime;
                row.Json = string.Empty;
                stored.Add(row);
            }

            return stored;
        }

        /// <summary>
        /// What <see cref="PutUidAnnotations"/> would refuse, per item, without writing: the parents are looked up with
        /// <c>get_images</c> (missing parent, md5 mismatch) and their stored annotations with <c>get_uid_annotations</c>
        /// (already stored), then repeats within the batch; the same checks, ids and messages as the embedded store.
        /// </summary>
        public IReadOnlyList<UidAnnotationProblem> ValidateUidAnnotations(CallerIdentity caller, IReadOnlyList<UidAnnotationSubmission> items)
        {
            // Nothing reaches the server to refuse it, so the caller's role (as the server gave it at Connect) is checked here.
            AccessPolicy.Require(caller, ApiOperation.PutUidAnnotations);
            var list = CheckAnnotationItems(items);
            return list.Count == 0 ? new UidAnnotationProblem[0] : FindAnnotationProblems(list, new Dictionary<ImageKey, StickyImage>());
        }

        // ------------------------------------------------------------ completion

        /// <summary>
        /// Devices of the server's images that start with what was typed (the typed wildcard, ASCII case-insensitive),
        /// in ordinal order: StickyPi.Server answers from its whole catalog (<c>complete_image_devices</c>).
        /// </summary>
        /// <remarks>
        /// Upstream's protocol has no route that lists devices, and <c>get_image_series</c> over all time would send every
        /// image row of every matching device (a trap makes ~26,000 a year) for one Tab. So upstream's server is sampled
        /// in one request: the route takes a list of windows, and 2-hour windows ending now and 1, 2, 4, 7, 14, 30, 61,
        /// 91, 182, 365 and 730 days ago catch any trap that was running at one of those moments, with at most ~6 rows per
        /// trap per window. There, a device seen only between those windows is not offered; its full id can still be typed.
        /// </remarks>
        public IReadOnlyList<string> CompleteImageDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit)
        {
            if (limit <= 0)
            {
                return new string[0];
            }

            if (IsStickyPiServer())
            {
                return OwnCompletion("complete_image_devices", typed, limit);
            }

            string like = LocalStickyStore.CompletionLike(typed);
            var match = new LikePattern(like);
            using (var answer = _client.PostJson("get_image_series/metadata", CompletionSampleJson(like)))
            {
                return Completions(RemoteImageSink.Rows(answer, "get_image_series").Select(r => WireImageRow.Read(r).Device), match, limit);
            }
        }

        /// <summary>
        /// Algorithm names that start with what was typed, from UID annotations, tuboid series or ITC labels. StickyPi.Server
        /// answers from its whole catalog (<c>complete_uid_algo_names</c>, <c>complete_tuboid_algo_names</c>,
        /// <c>complete_itc_algo_names</c>). Upstream's server is sampled for UID annotations (the annotations of the images
        /// in the windows <see cref="CompleteImageDevices"/> samples); it has no route that could name tuboid series or
        /// ITC label algorithms without sending every series or label, so those stay NotAvailableRemotely there.
        /// </summary>
        public IReadOnlyList<string> CompleteAlgoNames(CallerIdentity caller, AlgoNameSource source, string typed, int limit = LocalStickyStore.DefaultCompletionLimit)
        {
            string route;
            switch (source)
            {
                case AlgoNameSource.UidAnnotations:
                    route = "complete_uid_algo_names";
                    break;
                case AlgoNameSource.TuboidSeries:
                    route = "complete_tuboid_algo_names";
                    break;
                case AlgoNameSource.ItcLabels:
                    route = "complete_itc_algo_names";
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(source));
            }

            if (IsStickyPiServer())
            {
                return OwnCompletion(route, typed, limit);
            }

            if (source == AlgoNameSource.TuboidSeries)
            {
                throw NotRemote("completion of tuboid series algorithm names");
            }

            if (source == AlgoNameSource.ItcLabels)
            {
                throw NotRemote("completion of ITC label algorithm names");
            }

            if (limit <= 0)
            {
                return new string[0];
            }

            var match = new LikePattern(LocalStickyStore.CompletionLike(typed));
            using (var answer = _client.PostJson("get_uid_annotations_series/metadata", CompletionSampleJson("%")))
            {
                return Completions(RemoteImageSink.Rows(answer, "get_uid_annotations_series").Select(r => WireAnnotationRow.Read(r).AlgoName), match, limit);
            }
        }

        // ------------------------------------------------------------ helpers

        /// <summary>
        /// Bytes of annotation JSON per <c>put_uid_annotations</c> request: half of StickyPi.Server's default JSON limit
        /// (16 MiB), far below upstream's nginx limit (100 MiB).
        /// </summary>
        private const int AnnotationRequestBytes = 8 * 1024 * 1024;

        /// <summary>The items as JSON lists of at most <see cref="AnnotationRequestBytes"/> (an item larger than that goes alone), in order.</summary>
        private static IEnumerable<(string Body, int Count)> AnnotationRequests(IReadOnlyList<UidAnnotationSubmission> items)
        {
            var body = new StringBuilder("[");
            int count = 0;
            foreach (var item in items)
            {
                if (count > 0 && body.Length + 2 + item.StoredJson.Length + 1 > AnnotationRequestBytes)
                {
                    yield return (body.Append(']').ToString(), count);
                    body.Clear().Append('[');
                    count = 0;
                }

                body.Append(count == 0 ? string.Empty : ", ").Append(item.StoredJson);
                count++;
            }

            if (count > 0)
            {
                yield return (body.Append(']').ToString(), count);
            }
        }

        /// <summary>Upstream's client asks <c>data</c> for the JSON; any <c>what</c> but <c>metadata</c> includes it.</summary>
        private static string AnnotationWhat(bool includeJson) => includeJson ? "data" : "metadata";

        /// <summary>The embedded store leaves <see cref="UidAnnotation.Json"/> null unless asked, whatever the server sent.</summary>
        private static UidAnnotation WithJson(UidAnnotation a, bool includeJson)
        {
            if (!includeJson)
            {
                a.Json = null;
            }

            return a;
        }

        private static string SeriesJson(ImageSeriesQuery query) => JsonSerializer.Serialize(new[]
        {
            new Dictionary<string, string>
            {
                ["device"] = query.DeviceLikePattern,
                ["start_datetime"] = StickyTime.ToWire(query.Start),
                ["end_datetime"] = StickyTime.ToWire(query.End),
            },
        });

        private static string CompletionSampleJson(string deviceLike)
        {
            var end = StickyTime.Normalize(DateTime.UtcNow).AddSeconds(1);
            return JsonSerializer.Serialize(CompletionSampleDaysAgo.Select(days => new Dictionary<string, string>
            {
                ["device"] = deviceLike,
                ["start_datetime"] = StickyTime.ToWire(end.AddDays(-days) - CompletionSampleWidth),
                ["end_datetime"] = StickyTime.ToWire(end.AddDays(-days)),
            }));
        }

        private static IReadOnlyList<string> Completions(IEnumerable<string> names, LikePattern match, int limit) =>
            names.Where(n => !string.IsNullOrEmpty(n) && match.IsMatch(n)).Distinct(StringComparer.Ordinal)
                .OrderBy(n => n, StringComparer.Ordinal).Take(limit).ToList();

        private static Dictionary<long, StickyImage> ById(IEnumerable<StickyImage> images)
        {
            var map = new Dictionary<long, StickyImage>();
            foreach (var image in images)
            {
                if (image.Id.HasValue)
                {
                    map[image.Id.Value] = image;
                }
            }

            return map;
        }

        /// <summary>Annotations with their parent's device and datetime; one whose parent has gone meanwhile is left out (it went with it).</summary>
        private static IEnumerable<UidAnnotation> Parented(IEnumerable<UidAnnotation> rows, Dictionary<long, StickyImage> parents)
        {
            foreach (var a in rows)
            {
                if (parents.TryGetValue(a.ParentImageId, out var parent))
                {
                    a.Device = parent.Device;
                    a.DateTime = parent.DateTime;
                    yield return a;
                }
            }
        }

        private static List<UidAnnotation> SortAnnotations(IEnumerable<UidAnnotation> rows) =>
            rows.GroupBy(a => a.Id).Select(g => g.First()) // several series entries may return one row twice
                .OrderBy(a => a.Device, StringComparer.Ordinal).ThenBy(a => a.DateTime).ThenBy(a => a.Id).ToList();

        private static List<UidAnnotationSubmission> CheckAnnotationItems(IEnumerable<UidAnnotationSubmission> items)
        {
            var list = (items ?? throw new ArgumentNullException(nameof(items))).ToList();
            if (list.Any(i => i == null))
            {
                throw new ArgumentException("The batch contains a null entry.", nameof(items));
            }

            return list;
        }

        /// <summary>The embedded store's checks (same order, ids and messages), with the server's rows; fills <paramref name="parents"/>.</summary>
        private List<UidAnnotationProblem> FindAnnotationProblems(IReadOnlyList<UidAnnotationSubmission> items, Dictionary<ImageKey, StickyImage> parents)
        {
            var keys = items.Select(i => i.Key).Distinct().ToList();
            var stored = new HashSet<(long, string, string)>();
            for (int start = 0; start < keys.Count; start += RemoteImageSink.LookupChunk)
            {
                string body = RemoteImageSink.KeysJson(keys.Skip(start).Take(RemoteImageSink.LookupChunk));
                using (var answer = _client.PostJson("get_images/metadata", body))
                {
                    foreach (var image in RemoteImageSink.Rows(answer, "get_images").Select(WireImageRow.Read))
                    {
                        parents[image.Key] = image;
                    }
                }

                using (var answer = _client.PostJson("get_uid_annotations/metadata", body))
                {
                    foreach (var a in RemoteImageSink.Rows(answer, "get_uid_annotations").Select(WireAnnotationRow.Read))
                    {
                        stored.Add((a.ParentImageId, a.AlgoName, a.AlgoVersion));
                    }
                }
            }

            return UidAnnotationChecks.Find(items, parents, (parentId, algoName, algoVersion) => stored.Contains((parentId, algoName, algoVersion)));
        }
    }
}
