using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Tests.Local
{
    /// <summary>The store queries behind argument completion, against a real SQLite catalog.</summary>
    public sealed class CompletionTests
    {
        private static readonly string[] Devices = { "5c173ff2", "5c173ff3", "5c2aaaaa", "0a5bb6f4", "ABCDEF01", "abcdef02" };

        [Fact]
        public void Device_ids_complete_by_prefix_ignoring_case_in_ordinal_order()
        {
            using (var s = new StoreDir())
            {
                PutImages(s, Devices);

                Assert.Equal(new[] { "5c173ff2", "5c173ff3" }, s.Store.CompleteImageDevices(Kit.Admin, "5c1"));
                Assert.Equal(new[] { "5c173ff2", "5c173ff3" }, s.Store.CompleteImageDevices(Kit.Admin, "5C17"));
                Assert.Equal(new[] { "ABCDEF01", "abcdef02" }, s.Store.CompleteImageDevices(Kit.Admin, "abc"));
                Assert.Equal(new[] { "5c173ff2" }, s.Store.CompleteImageDevices(Kit.Admin, "5c173ff2"));
                Assert.Empty(s.Store.CompleteImageDevices(Kit.Admin, "5c3"));
                Assert.Empty(s.Store.CompleteImageDevices(Kit.Admin, "ffff"));
            }
        }

        [Fact]
        public void Device_ids_complete_through_wildcards_and_every_distinct_device_once()
        {
            using (var s = new StoreDir())
            {
                PutImages(s, Devices);

                var all = Devices.OrderBy(d => d, StringComparer.Ordinal).ToArray();
                Assert.Equal(all, s.Store.CompleteImageDevices(Kit.Admin, ""));
                Assert.Equal(all, s.Store.CompleteImageDevices(Kit.Admin, "*"));
                Assert.Equal(new[] { "5c173ff3" }, s.Store.CompleteImageDevices(Kit.Admin, "*ff3"));
                Assert.Equal(new[] { "5c173ff2", "5c173ff3" }, s.Store.CompleteImageDevices(Kit.Admin, "5c?73"));
                Assert.Equal(new[] { "5c2aaaaa" }, s.Store.CompleteImageDevices(Kit.Admin, "*a*a"));
                Assert.Equal(new[] { "0a5bb6f4", "5c2aaaaa", "ABCDEF01", "abcdef02" }, s.Store.CompleteImageDevices(Kit.Admin, "*A"));

                // LIKE's own wildcards typed by the user are literal characters, not wildcards.
                Assert.Empty(s.Store.CompleteImageDevices(Kit.Admin, "5c_"));
                Assert.Empty(s.Store.CompleteImageDevices(Kit.Admin, "%"));
            }
        }

        [Fact]
        public void Device_completion_is_limited()
        {
            using (var s = new StoreDir())
            {
                PutImages(s, Devices);

                Assert.Equal(new[] { "0a5bb6f4", "5c173ff2" }, s.Store.CompleteImageDevices(Kit.Admin, "", limit: 2));
                Assert.Equal(new[] { "5c173ff2" }, s.Store.CompleteImageDevices(Kit.Admin, "5c", limit: 1));
                Assert.Empty(s.Store.CompleteImageDevices(Kit.Admin, "", limit: 0));
            }
        }

        [Fact]
        public void Device_completion_agrees_with_select_distinct_on_many_devices()
        {
            using (var s = new StoreDir())
            {
                var rng = new Random(9);
                var devices = Enumerable.Range(0, 400).Select(_ => RandomDevice(rng)).Distinct(StringComparer.Ordinal).ToList();
                InsertRows(s.Db, "images", devices, perDevice: 5);

                var reference = Kit.Query(s.Db, "SELECT DISTINCT device FROM images").Select(r => (string)r[0]).ToList();
                foreach (var typed in new[] { "", "0", "a", "A", "5c", "f0", "*0", "?a*", "1*2", "0123", "fffffffff" })
                {
                    var like = new LikePattern(LocalStickyStore.CompletionLike(typed));
                    var expected = reference.Where(like.IsMatch).OrderBy(d => d, StringComparer.Ordinal).Take(LocalStickyStore.DefaultCompletionLimit).ToList();
                    Assert.Equal(expected, s.Store.CompleteImageDevices(Kit.Admin, typed));
                }
            }
        }

        [Fact]
        public void Device_skip_scan_seeks_the_index_and_never_scans_the_images_table()
        {
            using (var s = new StoreDir())
            {
                InsertRows(s.Db, "images", Devices, perDevice: 50);
                string sql = LocalStickyStore.DeviceSkipScan("images")
                    .Replace("$low", "'5C1'").Replace("$high", "'5c1\uffff'").Replace("$like", "'5c1%'").Replace("$limit", "100");
                var plan = Kit.Query(s.Db, "EXPLAIN QUERY PLAN " + sql).Select(r => Convert.ToString(r[3])).ToList();

                Assert.Contains(plan, step => step.Contains("SEARCH images USING COVERING INDEX"));
                Assert.DoesNotContain(plan, step => step.StartsWith("SCAN images", StringComparison.Ordinal));
            }
        }

        [Fact]
        public void Tuboid_devices_come_from_the_tuboid_series()
        {
            using (var s = new StoreDir())
            {
                PutImages(s, "5c173ff2");
                InsertSeries(s.Db, ("08038ade", "tuboid-algo"), ("08038adf", "tuboid-algo"), ("1b74105a", "other"));

                Assert.Equal(new[] { "08038ade", "08038adf" }, s.Store.CompleteTuboidDevices(Kit.Admin, "0803"));
                Assert.Empty(s.Store.CompleteTuboidDevices(Kit.Admin, "5c"));
                Assert.Equal(new[] { "other", "tuboid-algo" }, s.Store.CompleteAlgoNames(Kit.Admin, AlgoNameSource.TuboidSeries, ""));
            }
        }

        [Fact]
        public void Algo_names_are_distinct_per_kind_of_data()
        {
            using (var s = new StoreDir())
            {
                var images = PutImages(s, "5c173ff2", "5c173ff3");
                var a = Kit.Annotation(images[0].Device, images[0].DateTime, images[0].Md5);
                var b = Kit.Annotation(images[1].Device, images[1].DateTime, images[1].Md5);
                var c = UidAnnotationSubmission.Create(images[1].Device, images[1].DateTime, images[1].Md5, "universal insect detector", "1-a", new List<object>());
                s.Store.PutUidAnnotations(Kit.Admin, new[] { a, b, c });

                Assert.Equal(new[] { "uid", "universal insect detector" }, s.Store.CompleteAlgoNames(Kit.Admin, AlgoNameSource.UidAnnotations, "u"));
                Assert.Equal(new[] { "universal insect detector" }, s.Store.CompleteAlgoNames(Kit.Admin, AlgoNameSource.UidAnnotations, "*insect"));
                Assert.Empty(s.Store.CompleteAlgoNames(Kit.Admin, AlgoNameSource.ItcLabels, ""));
                Assert.Empty(s.Store.CompleteAlgoNames(Kit.Admin, AlgoNameSource.TuboidSeries, ""));
            }
        }

        [Fact]
        public void Project_and_user_names_are_those_the_caller_may_see()
        {
            using (var s = new StoreDir())
            {
                s.Store.AddUser(Kit.Admin, "alice", "pw-alice-1".ToCharArray(), isAdmin: true);
                s.Store.AddUser(Kit.Admin, "albert", "pw-albert-1".ToCharArray());
                s.Store.AddUser(Kit.Admin, "bob", "pw-bob-1".ToCharArray());
                s.Store.AddProject(Kit.Admin, "Field season 2024");
                s.Store.AddProject(Kit.Admin, "Field_trials");
                s.Store.AddProject(Kit.Admin, "lab");

                Assert.Equal(new[] { "albert", "alice" }, s.Store.CompleteUserNames(Kit.Admin, "al"));
                Assert.Equal(new[] { "Field season 2024", "Field_trials" }, s.Store.CompleteProjectNames(Kit.Admin, "field"));
                Assert.Equal(new[] { "Field_trials" }, s.Store.CompleteProjectNames(Kit.Admin, "Field_"));

                var bob = s.Store.GetCallerIdentity("bob");
                Assert.Equal(new[] { "bob" }, s.Store.CompleteUserNames(bob, ""));
                Assert.Empty(s.Store.CompleteProjectNames(bob, ""));
            }
        }

        [Fact]
        public void Ml_bundle_names_are_the_valid_bundle_folders()
        {
            using (var s = new StoreDir())
            {
                Assert.Empty(s.Store.CompleteMlBundleNames(Kit.Admin, ""));
                foreach (var name in new[] { "insect-detector", "insect-tuboid", "universal" })
                {
                    Directory.CreateDirectory(Path.Combine(s.Store.GetMlBundleDirectory(name), "data"));
                }

                File.WriteAllText(Path.Combine(s.Path, LocalStickyStore.MlDirName, "not-a-folder"), "x");
                Directory.CreateDirectory(Path.Combine(s.Path, LocalStickyStore.MlDirName, "insect:colon"));

                // A folder whose name is no valid bundle name (':' is refused) is not offered.
                Assert.Equal(new[] { "insect-detector", "insect-tuboid" }, s.Store.CompleteMlBundleNames(Kit.Admin, "insect"));
                Assert.Equal(new[] { "insect-tuboid" }, s.Store.CompleteMlBundleNames(Kit.Admin, "*tub"));
                Assert.DoesNotContain("not-a-folder", s.Store.CompleteMlBundleNames(Kit.Admin, ""));
            }
        }

        [Fact]
        public void User_names_are_read_from_a_store_folder_without_changing_it()
        {
            using (var s = new StoreDir())
            {
                s.Store.AddUser(Kit.Admin, "alice", "pw-alice-1".ToCharArray());
                s.Store.AddUser(Kit.Admin, "o'brien", "pw-obrien-1".ToCharArray());
                s.Store.Dispose();
                var before = File.GetLastWriteTimeUtc(s.Db);

                Assert.Equal(new[] { "alice", "o'brien" }, LocalStickyStore.ReadUserNames(s.Path, ""));
                Assert.Equal(new[] { "o'brien" }, LocalStickyStore.ReadUserNames(s.Path, "O"));
                Assert.Equal(before, File.GetLastWriteTimeUtc(s.Db));
                Assert.Empty(LocalStickyStore.ReadUserNames(Path.Combine(s.Path, "absent"), ""));
                Assert.False(Directory.Exists(Path.Combine(s.Path, "absent")));
                s.Reopen();
            }
        }

        private static IReadOnlyList<StickyImage> PutImages(StoreDir s, params string[] devices) =>
            Kit.Put(s.Store, devices.Select((d, i) => Kit.Image(d, Kit.T(2020, 7, 5, 20, 33, i))).ToArray());

        private static string RandomDevice(Random rng)
        {
            const string hex = "0123456789abcdefABCDEF";
            return new string(Enumerable.Range(0, 8).Select(_ => hex[rng.Next(hex.Length)]).ToArray());
        }

        /// <summary>Catalog rows only (the completion queries never look at files): quick to make in bulk.</summary>
        private static void InsertRows(string db, string table, IEnumerable<string> devices, int perDevice)
        {
            using (var conn = Kit.Raw(db))
            using (var tx = conn.BeginTransaction())
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO images (datetime_created, device, datetime, md5, width, height) VALUES ('2024-01-01 00:00:00.000000', $d, $t, 'md5', 1, 1)";
                var d = cmd.Parameters.Add("$d", Microsoft.Data.Sqlite.SqliteType.Text);
                var t = cmd.Parameters.Add("$t", Microsoft.Data.Sqlite.SqliteType.Text);
                foreach (var device in devices)
                {
                    for (int i = 0; i < perDevice; i++)
                    {
                        d.Value = device;
                        t.Value = "2020-07-05 20:" + i.ToString("00") + ":00.000000";
                        cmd.ExecuteNonQuery();
                    }
                }

                tx.Commit();
            }
        }

        private static void InsertSeries(string db, params (string Device, string AlgoName)[] series)
        {
            using (var conn = Kit.Raw(db))
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "INSERT INTO tuboid_series (datetime_created, device, start_datetime, end_datetime, n_images, n_tuboids, algo_name, algo_version) " +
                                  "VALUES ('2024-01-01 00:00:00.000000', $d, '2020-07-08 20:00:00.000000', '2020-07-09 15:00:00.000000', 10, 6, $a, '1-a')";
                var d = cmd.Parameters.Add("$d", Microsoft.Data.Sqlite.SqliteType.Text);
                var a = cmd.Parameters.Add("$a", Microsoft.Data.Sqlite.SqliteType.Text);
                foreach (var (device, algo) in series)
                {
                    d.Value = device;
                    a.Value = algo;
                    cmd.ExecuteNonQuery();
                }
            }
        }
    }
}
