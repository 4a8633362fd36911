using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.Core.Sync;

namespace StickyPi.Core.Remote
{
    /// <summary>
    /// The remote back-end's tiled tuboids and ITC labels (spec §1.8, §3.4, §3.5, §3.9). Results are the embedded
    /// store's: the same rows, order, per-directory and per-label results and error ids. Where upstream's server would
    /// do harm or answer wrongly, the client checks first: a tuboid already stored, a full series or shots outside the
    /// series are refused here before any byte is sent (upstream's server overwrites a stored tuboid's files before it
    /// refuses the duplicate, spec §8 #6); labels are only asked for tuboids known to exist (§8 #9).
    /// </summary>
    public sealed partial class RemoteStickyBackend
    {
        /// <summary>Tuboid ids per <c>_get_itc_labels</c> request (about 110 bytes each).</summary>
        private const int TuboidIdChunk = 500;

        /// <summary>Labels per <c>put_itc_labels</c> request.</summary>
        private const int LabelChunk = 100;

        /// <summary>How long what a series window holds is trusted between uploads of one caller (others may upload too).</summary>
        private static readonly TimeSpan SeriesStateLifetime = TimeSpan.FromSeconds(30);

        private readonly object _seriesStateLock = new object();
        private readonly Dictionary<string, SeriesWindow> _seriesWindows = new Dictionary<string, SeriesWindow>(StringComparer.Ordinal);

        // ------------------------------------------------------------ reading

        public IEnumerable<TiledTuboid> GetTiledTuboidSeries(CallerIdentity caller, TuboidQuery query, bool includeFiles = false) =>
            QueryTuboids(query, includeFiles, () => new TiledTuboid());

        /// <summary>
        /// Upstream's client-side join (spec §3.9): the tuboids, then <c>_get_itc_labels</c> for their ids, joined on the
        /// tuboid's id (kept, unlike upstream, §8 #22); one row per tuboid and label, a tuboid without label once.
        /// </summary>
        public IEnumerable<LabelledTiledTuboid> GetTiledTuboidSeriesWithItcLabels(CallerIdentity caller, TuboidQuery query, bool includeFiles = false)
        {
            var tuboids = QueryTuboids(query, includeFiles, () => new LabelledTiledTuboid());
            var labels = LabelsOf(tuboids);
            var rows = new List<LabelledTiledTuboid>(tuboids.Count);
            foreach (var t in tuboids)
            {
                if (!labels.TryGetValue(t.Id ?? -1, out var own))
                {
                    rows.Add(t);
                    continue;
                }

                foreach (var label in own)
                {
                    var row = WireTuboidRow.Copy(t, new LabelledTiledTuboid());
                    row.ItcLabel = label;
                    rows.Add(row);
                }
            }

            return rows;
        }

        /// <summary>
        /// Every label of the tuboids with these ids, sorted by tuboid id then label id, as the embedded store. The ids
        /// are first found among the stored tuboids (the wire's label rows name their tuboid by number only), so an
        /// unknown id contributes nothing instead of upstream's every label of the store (§8 #9).
        /// </summary>
        public IEnumerable<ItcLabel> GetItcLabels(CallerIdentity caller, IEnumerable<string> tuboidIds)
        {
            var ids = (tuboidIds ?? throw new ArgumentNullException(nameof(tuboidIds))).Where(i => !string.IsNullOrEmpty(i)).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 0)
            {
                return new ItcLabel[0];
            }

            var found = FindTuboids(ids);
            return LabelsOf(found.Values).Values.SelectMany(l => l)
                .OrderBy(l => l.TuboidId, StringComparer.Ordinal).ThenBy(l => l.Id).ToList();
        }

        // ------------------------------------------------------------ ITC labels

        /// <summary>
        /// Stores ITC labels with the embedded store's result per label: InvalidItcLabel, TuboidNotFound and
        /// DuplicateItcLabel are decided here (upstream's server answers each with a bare 500 and aborts the rest of
        /// the request); the others go in batches, and a batch the server refuses is retried label by label so only
        /// the refused label fails. Each stored label is read back for its id (upstream echoes it null).
        /// </summary>
        public IReadOnlyList<ItcLabelResult> PutItcLabels(CallerIdentity caller, IEnumerable<ItcLabelSubmission> labels)
        {
            var list = (labels ?? throw new ArgumentNullException(nameof(labels))).ToList();
            if (list.Any(l => l == null))
            {
                throw new ArgumentException("The batch contains a null entry.", nameof(labels));
            }

            var results = list.Select(l => new ItcLabelResult { Submission = l }).ToList();
            foreach (var r in results)
            {
                try
                {
                    r.Submission.Validate();
                }
                catch (StickyPiException e)
                {
                    r.Error = e;
                }
            }

            var tuboids = FindTuboids(results.Where(r => r.Succeeded).Select(r => r.Submission.TuboidId));
            var taken = new HashSet<string>(LabelsOf(tuboids.Values).Values.SelectMany(l => l).Select(l => LabelKey(l.ParentTuboidId, l)), StringComparer.Ordinal);
            var toSend = new List<ItcLabelResult>();
            foreach (var r in results.Where(r => r.Succeeded))
            {
                var item = r.Submission;
                if (!tuboids.TryGetValue(item.TuboidId, out var tuboid))
                {
                    r.Error = new StickyPiException(TuboidErrorIds.TuboidNotFound, StickyErrorKind.NotFound,
                        "ITC label " + item + ": no stored tuboid " + item.TuboidId + ".", item.TuboidId);
                }
                else if (!taken.Add(LabelKey(tuboid.Id ?? 0, item)))
                {
                    r.Error = new StickyPiException(TuboidErrorIds.DuplicateItcLabel, StickyErrorKind.Conflict,
                        "ITC label " + item + ": tuboid " + item.TuboidId + " already has a label of " + item.AlgoName + " " + item.AlgoVersion + ".", item.TuboidId);
                }
                else
                {
                    toSend.Add(r);
                }
            }

            var sent = new List<ItcLabelResult>();
            for (int start = 0; start < toSend.Count; start += LabelChunk)
            {
                var chunk = toSend.Skip(start).Take(LabelChunk).ToList();
                try
                {
                    SendLabels(chunk);
                    sent.AddRange(chunk);
                }
                catch (StickyPiException e) when (IsRefusalOfItem(e) && chunk.Count > 1)
                {
                    // Upstream commits label by label and stops at the refused one: what is stored now stays, the rest goes one by one.
                    var stored = new HashSet<string>(LabelsOf(chunk.Select(r => tuboids[r.Submission.TuboidId]).Distinct()).Values.SelectMany(l => l)
                        .Select(l => LabelKey(l.ParentTuboidId, l)), StringComparer.Ordinal);
                    foreach (var r in chunk)
                    {
                        if (stored.Contains(LabelKey(tuboids[r.Submission.TuboidId].Id ?? 0, r.Submission)))
                        {
                            sent.Add(r);
                            continue;
                        }

                        try
                        {
                            SendLabels(new[] { r });
                            sent.Add(r);
                        }
                        catch (StickyPiException one) when (IsRefusalOfItem(one))
                        {
                            r.Error = LabelRefused(r.Submission, one);
                        }
                    }
                }
                catch (StickyPiException e) when (IsRefusalOfItem(e))
                {
                    chunk[0].Error = LabelRefused(chunk[0].Submission, e);
                }
            }

            // The stored rows, with their ids, as the embedded store returns them.
            var readBack = LabelsOf(sent.Select(r => tuboids[r.Submission.TuboidId]).Distinct()).Values.SelectMany(l => l)
                .GroupBy(l => LabelKey(l.ParentTuboidId, l), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var r in sent)
            {
                var tuboid = tuboids[r.Submission.TuboidId];
                if (readBack.TryGetValue(LabelKey(tuboid.Id ?? 0, r.Submission), out var row))
                {
                    r.Label = row;
                }
                else
                {
                    r.Error = new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                        "ITC label " + r.Submission + ": the server at " + Location + " accepted it but does not return it.", r.Submission.TuboidId);
                }
            }

            return results;
        }

        // ------------------------------------------------------------ uploads

        /// <summary>
        /// Uploads tuboid directories of one series, one <c>_put_tiled_tuboids</c> request per tuboid (spec §1.8), with
        /// the embedded store's checks and result per directory: the name, the three files and metadata.txt are read
        /// here with the core's parser; a full series, shots outside the series or a tuboid id stored already fail the
        /// directory without sending it; a directory the server refuses fails alone. A refusal of the caller (403) or
        /// an unreachable server stops the batch.
        /// </summary>
        public IReadOnlyList<TuboidUploadResult> PutTiledTuboids(CallerIdentity caller, IEnumerable<string> tuboidDirectories, TuboidSeriesInfo info)
        {
            if (tuboidDirectories == null)
            {
                throw new ArgumentNullException(nameof(tuboidDirectories));
            }

            if (info == null)
            {
                throw new ArgumentNullException(nameof(info));
            }

            info.Validate();
            return tuboidDirectories.ToList().Select(dir => PutOneTuboid(dir, info)).ToList();
        }

        /// <summary>One directory with its series information resolved from its name where not given (as the embedded store).</summary>
        public TuboidUploadResult UploadTuboid(CallerIdentity caller, string tuboidDirectory, TuboidSeriesInfo given) =>
            TuboidUploader.Upload(tuboidDirectory, given, (dir, info) => PutOneTuboid(dir, info));

        /// <summary>
        /// Deletes the series the query selects (admin). Upstream's route has no algorithm filter: with one, each
        /// selected series is deleted by its own device and bounds, and refused (nothing deleted for it) when a series
        /// of another algorithm lies within those bounds, since the server would delete it too. Series without any
        /// tuboid are invisible to a client, so with an algorithm filter they stay.
        /// </summary>
        public IReadOnlyList<TuboidSeries> DeleteTiledTuboids(CallerIdentity caller, TuboidQuery query)
        {
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            var deleted = new List<TuboidSeries>();
            if (query.AlgoName == null && query.AlgoVersion == null)
            {
                deleted.AddRange(DeleteWindow(query.DeviceLikePattern, query.Start, query.End));
            }
            else
            {
                var inWindow = QueryTuboids(new TuboidQuery(query.DeviceLikePattern, query.Start, query.End), false, () => new TiledTuboid());
                var selected = inWindow.Where(t => MatchesAlgo(t, query))
                    .Select(t => (Device: t.DeviceSeries, Start: t.StartDateTimeSeries, End: t.EndDateTimeSeries)).Distinct().ToList();
                foreach (var s in selected)
                {
                    var caught = inWindow.Where(t => !MatchesAlgo(t, query) && t.DeviceSeries == s.Device &&
                                                     t.StartDateTimeSeries >= s.Start && t.EndDateTimeSeries <= s.End).ToList();
                    string name = s.Device + "." + s.Start.ToString(StickyTime.FileNameFormat, System.Globalization.CultureInfo.InvariantCulture) + "." +
                                  s.End.ToString(StickyTime.FileNameFormat, System.Globalization.CultureInfo.InvariantCulture);
                    if (caught.Count > 0)
                    {
                        throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.Conflict,
                            "Not removing the tuboid series " + name + " of " + query.AlgoName + " " + query.AlgoVersion + ": the server at " + Location +
                            " deletes by device and bounds only, and would delete the series of " +
                            string.Join(", ", caught.Select(t => t.AlgoNameSeries + " " + t.AlgoVersionSeries).Distinct()) + " too.", name);
                    }

                    deleted.AddRange(DeleteWindow(EscapeLike(s.Device), s.Start, s.End).Where(r =>
                        (query.AlgoName == null || r.AlgoName == query.AlgoName) && (query.AlgoVersion == null || r.AlgoVersion == query.AlgoVersion)));
                }
            }

            lock (_seriesStateLock)
            {
                _seriesWindows.Clear();
            }

            return deleted.OrderBy(s => s.Device, StringComparer.Ordinal).ThenBy(s => s.StartDateTime).ThenBy(s => s.Id).ToList();
        }

        // ------------------------------------------------------------ completion

        /// <summary>
        /// Series devices starting with what was typed: StickyPi.Server answers from its catalog (<c>complete_tuboid_devices</c>).
        /// Upstream has no route that lists series or devices, so there the tuboids of the matching devices are asked in
        /// their <c>metadata</c> form: the server's LIKE narrows them to the typed prefix, and no file URL is signed (the
        /// <c>data</c> form signs three per tuboid).
        /// </summary>
        public IReadOnlyList<string> CompleteTuboidDevices(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit)
        {
            if (IsStickyPiServer())
            {
                return OwnCompletion("complete_tuboid_devices", typed, limit);
            }

            return QueryTuboids(new TuboidQuery(LocalStickyStore.CompletionLike(typed), DateTime.MinValue, DateTime.MaxValue), false, () => new TiledTuboid())
                .Select(t => t.DeviceSeries).Where(d => d != null).Distinct(StringComparer.Ordinal).OrderBy(d => d, StringComparer.Ordinal)
                .Take(Math.Max(0, limit)).ToList();
        }

        // ------------------------------------------------------------ helpers

        /// <summary>Tuboids of the series the query selects, filtered by algorithm here (the wire has no such filter), in the embedded store's order.</summary>
        private List<T> QueryTuboids<T>(TuboidQuery query, bool includeFiles, Func<T> make) where T : TiledTuboid
        {
            if (query == null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            using (var answer = _client.PostJson("get_tiled_tuboid_series/" + (includeFiles ? "data" : "metadata"), WindowJson(query.DeviceLikePattern, query.Start, query.End)))
            {
                return RemoteImageSink.Rows(answer, "get_tiled_tuboid_series").Select(r => WireTuboidRow.Read(r, make()))
                    .Where(t => MatchesAlgo(t, query))
                    .OrderBy(t => t.DeviceSeries, StringComparer.Ordinal).ThenBy(t => t.StartDateTimeSeries).ThenBy(t => t.ParentSeriesId)
                    .ThenBy(t => t.IdInSeries).ThenBy(t => t.Id).ToList();
            }
        }

        private IEnumerable<TuboidSeries> DeleteWindow(string devicePattern, DateTime start, DateTime end)
        {
            using (var answer = _client.PostJson("delete_tiled_tuboids", WindowJson(devicePattern, start, end)))
            {
                return RemoteImageSink.Rows(answer, "delete_tiled_tuboids").Select(WireTuboidRow.ReadSeries).ToList();
            }
        }

        private static string WindowJson(string devicePattern, DateTime start, DateTime end) =>
            JsonSerializer.Serialize(new[]
            {
                new Dictionary<string, string>
                {
                    ["device"] = devicePattern,
                    ["start_datetime"] = StickyTime.ToWire(start),
                    ["end_datetime"] = StickyTime.ToWire(end),
                },
            });

        private static bool MatchesAlgo(TiledTuboid t, TuboidQuery query) =>
            (query.AlgoName == null || t.AlgoNameSeries == query.AlgoName) && (query.AlgoVersion == null || t.AlgoVersionSeries == query.AlgoVersion);

        /// <summary>
        /// The stored tuboids with these ids (by tuboid id). The wire finds tuboids by series only, so each id is
        /// looked for in the series window its name describes (the window uploads read, so labelling tuboid after
        /// tuboid of one series asks for it once), then among all series of its device (a tuboid uploaded with other
        /// series information); an id found in neither is not stored.
        /// </summary>
        private Dictionary<string, TiledTuboid> FindTuboids(IEnumerable<string> tuboidIds)
        {
            var pending = new HashSet<string>(tuboidIds.Where(i => !string.IsNullOrEmpty(i)), StringComparer.Ordinal);
            var found = new Dictionary<string, TiledTuboid>(StringComparer.Ordinal);
            void Look(IEnumerable<TuboidQuery> windows)
            {
                foreach (var window in windows)
                {
                    foreach (var t in QueryTuboids(window, false, () => new TiledTuboid()))
                    {
                        if (pending.Remove(t.TuboidId))
                        {
                            found[t.TuboidId] = t;
                        }
                    }
                }
            }

            // The series windows are the ones uploads read (cached briefly): a miss asks the server again before it counts.
            foreach (var g in pending.Select(id => TuboidDirectory.TryParseName(id, out var n, out _) ? n : null).Where(n => n != null)
                         .GroupBy(n => (n.Device, n.SeriesStart, n.SeriesEnd)).ToList())
            {
                for (int attempt = 0; attempt < 2 && g.Any(n => pending.Contains(n.TuboidId)); attempt++)
                {
                    var window = Window(g.Key.Device, g.Key.SeriesStart, g.Key.SeriesEnd, refresh: attempt > 0);
                    lock (_seriesStateLock)
                    {
                        foreach (var n in g)
                        {
                            if (pending.Contains(n.TuboidId) && window.Tuboids.TryGetValue(n.TuboidId, out var t))
                            {
                                pending.Remove(n.TuboidId);
                                found[n.TuboidId] = t;
                            }
                        }
                    }
                }
            }

            Look(pending.Where(id => id.IndexOf('.') > 0).Select(id => id.Substring(0, id.IndexOf('.'))).Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(device => new TuboidQuery(EscapeLike(device), DateTime.MinValue, DateTime.MaxValue)).ToList());
            return found;
        }

        /// <summary>The labels of these tuboids by tuboid (row) id, each named by its tuboid; labels of other tuboids are dropped (§8 #9).</summary>
        private Dictionary<long, List<ItcLabel>> LabelsOf(IEnumerable<TiledTuboid> tuboids)
        {
            var byId = new Dictionary<long, TiledTuboid>();
            foreach (var t in tuboids.Where(t => t.Id != null))
            {
                byId[t.Id.Value] = t;
            }

            var labels = new Dictionary<long, List<ItcLabel>>();
            var ids = byId.Values.Select(t => t.TuboidId).Distinct(StringComparer.Ordinal).ToList();
            for (int start = 0; start < ids.Count; start += TuboidIdChunk)
            {
                var body = JsonSerializer.Serialize(ids.Skip(start).Take(TuboidIdChunk).Select(i => new Dictionary<string, string> { ["tuboid_id"] = i }));
                using (var answer = _client.PostJson("_get_itc_labels", body))
                {
                    foreach (var row in RemoteImageSink.Rows(answer, "_get_itc_labels"))
                    {
                        var label = WireTuboidRow.ReadLabel(row);
                        if (byId.TryGetValue(label.ParentTuboidId, out var tuboid))
                        {
                            label.TuboidId = tuboid.TuboidId;
                            if (!labels.TryGetValue(label.ParentTuboidId, out var own))
                            {
                                labels[label.ParentTuboidId] = own = new List<ItcLabel>();
                            }

                            if (own.All(l => l.Id != label.Id))
                            {
                                own.Add(label);
                            }
                        }
                    }
                }
            }

            foreach (var own in labels.Values)
            {
                own.Sort((a, b) => Nullable.Compare(a.Id, b.Id));
            }

            return labels;
        }

        private static string LabelKey(long parentTuboidId, ItcLabelFields label) => parentTuboidId + "\n" + label.AlgoName + "\n" + label.AlgoVersion;

        private void SendLabels(IReadOnlyList<ItcLabelResult> chunk)
        {
            var body = JsonSerializer.Serialize(chunk.Select(r =>
            {
                var l = r.Submission;
                var item = new Dictionary<string, object>
                {
                    ["tuboid_id"] = l.TuboidId,
                    ["algo_name"] = l.AlgoName,
                    ["algo_version"] = l.AlgoVersion,
                    ["label"] = l.Label,
                    ["pattern"] = l.Pattern,
                    ["type"] = l.Type,
                };
                foreach (var (key, value) in new[] { ("order", l.Order), ("family", l.Family), ("genus", l.Genus), ("species", l.Species) })
                {
                    if (value != null)
                    {
                        item[key] = value;
                    }
                }

                return item;
            }));
            using (var answer = _client.PostJson("put_itc_labels", body))
            {
                RemoteImageSink.Rows(answer, "put_itc_labels");
            }
        }

        /// <summary>A refusal of what was sent (not of the caller, not an unreachable server): it fails the item alone.</summary>
        private static bool IsRefusalOfItem(StickyPiException e) =>
            e.ErrorId != StickyErrorIds.RemoteAccessDenied && e.ErrorId != StickyErrorIds.RemoteUnavailable;

        private static StickyPiException LabelRefused(ItcLabelSubmission item, StickyPiException e) =>
            new StickyPiException(e.ErrorId, e.Kind, "ITC label " + item + ": " + e.Message, item.TuboidId, e);

        private TuboidUploadResult PutOneTuboid(string dir, TuboidSeriesInfo info)
        {
            TuboidName name = null;
            try
            {
                name = TuboidDirectory.ParseName(dir);
                TuboidDirectory.CheckFiles(dir);
                var meta = TuboidDirectory.ReadMetadata(Path.Combine(dir, TuboidDirectory.MetadataFileName), Limits.MaxMetadataFileBytes);
                CheckBeforeSending(dir, name, meta, info);
                var files = TuboidDirectory.RequiredFiles.ToDictionary(f => f, f => ReadTuboidFile(dir, f));
                TiledTuboid stored;
                try
                {
                    using (var answer = _client.PutTuboid(name.TuboidId, SeriesInfoJson(info), files[TuboidDirectory.MetadataFileName],
                               files[TuboidDirectory.TuboidFileName], files[TuboidDirectory.ContextFileName]))
                    {
                        // [[row]] (spec §1.8, §8 #19); a flat [row] is read too.
                        var rows = RemoteImageSink.Rows(answer, "_put_tiled_tuboids").ToList();
                        var row = rows.Count > 0 && rows[0].ValueKind == JsonValueKind.Array ? rows[0].EnumerateArray().FirstOrDefault() : rows.FirstOrDefault();
                        if (row.ValueKind != JsonValueKind.Object)
                        {
                            throw new StickyPiException(StickyErrorIds.RemoteError, StickyErrorKind.InvalidData,
                                dir + ": the server at " + Location + " accepted tuboid " + name.TuboidId + " but did not return its row.", dir);
                        }

                        stored = WireTuboidRow.ReadTuboid(row);
                    }
                }
                catch (StickyPiException e) when (IsRefusalOfItem(e) && !(e.Target is string t && t == dir))
                {
                    throw new StickyPiException(e.ErrorId, e.Kind, dir + ": " + e.Message, dir, e);
                }

                Remember(info, name, stored);
                return new TuboidUploadResult { Path = dir, TuboidId = name.TuboidId, Status = ImportStatus.Sent, Tuboid = stored };
            }
            catch (StickyPiException e) when (IsRefusalOfItem(e) && (e.Target as string) == dir || IsPerTuboid(e))
            {
                return TuboidUploadResult.Failed(dir, name?.TuboidId, e);
            }
        }

        private static bool IsPerTuboid(StickyPiException e) =>
            e.ErrorId == TuboidErrorIds.InvalidTuboidName || e.ErrorId == TuboidErrorIds.MissingTuboidFile ||
            e.ErrorId == TuboidErrorIds.InvalidTuboidMetadata || e.ErrorId == TuboidErrorIds.SeriesFull ||
            e.ErrorId == TuboidErrorIds.TuboidOutsideSeries || e.ErrorId == TuboidErrorIds.DuplicateTuboid ||
            e.ErrorId == StickyErrorIds.FileTooLarge;

        private byte[] ReadTuboidFile(string dir, string file)
        {
            string path = Path.Combine(dir, file);
            try
            {
                // Capped as the embedded store caps them: a tuboid's files are read whole.
                return BoundedFile.ReadAllBytes(path, file == TuboidDirectory.MetadataFileName ? Limits.MaxMetadataFileBytes : Limits.MaxImageFileBytes, "tuboid file");
            }
            catch (StickyPiException e) when (e.ErrorId == StickyErrorIds.FileNotFound)
            {
                throw new StickyPiException(TuboidErrorIds.MissingTuboidFile, StickyErrorKind.NotFound, path + ": missing (" + e.Message + ").", dir, e);
            }
        }

        private static string SeriesInfoJson(TuboidSeriesInfo info) =>
            JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["device"] = info.Device,
                ["start_datetime"] = StickyTime.ToWire(info.StartDateTime),
                ["end_datetime"] = StickyTime.ToWire(info.EndDateTime),
                ["n_images"] = info.ImageCount,
                ["n_tuboids"] = info.TuboidCount,
                ["algo_name"] = info.AlgoName,
                ["algo_version"] = info.AlgoVersion,
            });

        /// <summary>
        /// The embedded store's checks, in its (upstream's) order, from what the server holds: the series already full,
        /// then shots outside the series, then the tuboid id stored already (in its series window or its name's).
        /// </summary>
        private void CheckBeforeSending(string dir, TuboidName name, TuboidMetadata meta, TuboidSeriesInfo info)
        {
            var window = Window(info.Device, info.StartDateTime, info.EndDateTime);
            var series = new TuboidSeries
            {
                Device = info.Device,
                StartDateTime = StickyTime.Normalize(info.StartDateTime),
                EndDateTime = StickyTime.Normalize(info.EndDateTime),
                AlgoName = info.AlgoName,
                AlgoVersion = info.AlgoVersion,
            };
            bool stored;
            lock (_seriesStateLock)
            {
                if (window.Series.TryGetValue(SeriesKey(info.AlgoName, info.AlgoVersion), out var counts) && counts.Stored >= counts.NTuboids)
                {
                    throw new StickyPiException(TuboidErrorIds.SeriesFull, StickyErrorKind.LimitsExceeded,
                        dir + ": series " + series + " already holds its " + counts.NTuboids + " tuboid(s); " + name.TuboidId + " was not stored.", dir);
                }

                stored = window.Tuboids.ContainsKey(name.TuboidId);
            }

            if (meta.StartDateTime < series.StartDateTime || meta.EndDateTime > series.EndDateTime)
            {
                throw new StickyPiException(TuboidErrorIds.TuboidOutsideSeries, StickyErrorKind.InvalidData,
                    dir + ": shots from " + StickyTime.ToWire(meta.StartDateTime) + " to " + StickyTime.ToWire(meta.EndDateTime) +
                    " are not within series " + series + " (" + StickyTime.ToWire(series.StartDateTime) + " to " + StickyTime.ToWire(series.EndDateTime) + ").", dir);
            }

            if (!stored && !SameWindow(info, name))
            {
                var own = Window(name.Device, name.SeriesStart, name.SeriesEnd);
                lock (_seriesStateLock)
                {
                    stored = own.Tuboids.ContainsKey(name.TuboidId);
                }
            }

            if (stored)
            {
                throw new StickyPiException(TuboidErrorIds.DuplicateTuboid, StickyErrorKind.Conflict,
                    dir + ": tuboid " + name.TuboidId + " is already stored; nothing was written.", dir);
            }
        }

        private static bool SameWindow(TuboidSeriesInfo info, TuboidName name) =>
            string.Equals(info.Device, name.Device, StringComparison.Ordinal) &&
            StickyTime.Normalize(info.StartDateTime) == StickyTime.Normalize(name.SeriesStart) &&
            StickyTime.Normalize(info.EndDateTime) == StickyTime.Normalize(name.SeriesEnd);

        /// <summary>What the server holds in a series window (device and bounds), fetched once and trusted for a short while.</summary>
        private SeriesWindow Window(string device, DateTime start, DateTime end, bool refresh = false)
        {
            string key = device + "|" + StickyTime.ToWire(start) + "|" + StickyTime.ToWire(end);
            lock (_seriesStateLock)
            {
                if (!refresh && _seriesWindows.TryGetValue(key, out var cached) && DateTime.UtcNow - cached.FetchedUtc < SeriesStateLifetime)
                {
                    return cached;
                }
            }

            var window = new SeriesWindow { FetchedUtc = DateTime.UtcNow };
            var s0 = StickyTime.Normalize(start);
            var e0 = StickyTime.Normalize(end);
            foreach (var t in QueryTuboids(new TuboidQuery(EscapeLike(device), start, end), false, () => new TiledTuboid()))
            {
                window.Tuboids[t.TuboidId] = t;
                if (t.DeviceSeries == device && t.StartDateTimeSeries == s0 && t.EndDateTimeSeries == e0)
                {
                    string sk = SeriesKey(t.AlgoNameSeries, t.AlgoVersionSeries);
                    window.Series.TryGetValue(sk, out var counts);
                    window.Series[sk] = (counts.Stored + 1, t.NTuboidsSeries);
                }
            }

            lock (_seriesStateLock)
            {
                _seriesWindows[key] = window;
            }

            return window;
        }

        /// <summary>Our own upload, counted in the cached windows so the next tuboid of the batch is checked without asking again.</summary>
        private void Remember(TuboidSeriesInfo info, TuboidName name, TiledTuboid stored)
        {
            lock (_seriesStateLock)
            {
                foreach (var key in new[]
                         {
                             info.Device + "|" + StickyTime.ToWire(info.StartDateTime) + "|" + StickyTime.ToWire(info.EndDateTime),
                             name.Device + "|" + StickyTime.ToWire(name.SeriesStart) + "|" + StickyTime.ToWire(name.SeriesEnd),
                         }.Distinct(StringComparer.Ordinal))
                {
                    if (_seriesWindows.TryGetValue(key, out var window))
                    {
                        window.Tuboids[name.TuboidId] = stored;
                    }
                }

                if (_seriesWindows.TryGetValue(info.Device + "|" + StickyTime.ToWire(info.StartDateTime) + "|" + StickyTime.ToWire(info.EndDateTime), out var own))
                {
                    string sk = SeriesKey(info.AlgoName, info.AlgoVersion);
                    own.Series.TryGetValue(sk, out var counts);
                    own.Series[sk] = (counts.Stored + 1, stored.NTuboidsSeries > 0 ? stored.NTuboidsSeries : info.TuboidCount ?? int.MaxValue);
                }
            }
        }

        private static string SeriesKey(string algoName, string algoVersion) => algoName + "\n" + algoVersion;

        private sealed class SeriesWindow
        {
            public DateTime FetchedUtc { get; set; }

            /// <summary>Every tuboid stored in a series of the window (any algorithm), by tuboid id.</summary>
            public Dictionary<string, TiledTuboid> Tuboids { get; } = new Dictionary<string, TiledTuboid>(StringComparer.Ordinal);

            /// <summary>Per algorithm name and version, the series with exactly the window's bounds: tuboids stored and its n_tuboids.</summary>
            public Dictionary<string, (int Stored, int NTuboids)> Series { get; } = new Dictionary<string, (int Stored, int NTuboids)>(StringComparer.Ordinal);
        }
    }
}
