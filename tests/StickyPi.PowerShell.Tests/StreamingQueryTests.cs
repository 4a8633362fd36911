using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;
using StickyPi.PowerShell.Tests.Support;
using static StickyPi.PowerShell.Tests.Support.HostResultExtensions;

namespace StickyPi.PowerShell.Tests
{
    /// <summary>Query cmdlets write rows as they are read and stop reading when the pipeline stops (issue 13).</summary>
    public class StreamingQueryTests
    {
        [Fact]
        public void Select_First_stops_Get_StickySeries_before_it_reads_further_rows_and_a_writer_goes_on_at_once()
        {
            using var ws = new Workspace(images: 6, seed: 13);
            var load = HostRunner.Run("$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + "\n" +
                "$null = Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + "\n@(Get-StickySeries).Count");
            Assert.True(load.ExitCode == 0, load.ToString());
            Assert.Equal("6", load.Texts.Last());

            // A row of the last device (in ordinal order) whose datetime cannot be read: a query that read everything
            // before writing (as before) fails; one that streams has written the first rows and been stopped first.
            using (var conn = new SqliteConnection("Data Source=" + Path.Combine(ws.Store, "database.db") + ";Pooling=False"))
            {
                conn.Open();
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "INSERT INTO images (datetime_created, api_version, device, datetime, md5, width, height) " +
                    "VALUES ('2024-01-01 00:00:00.000000', '0.1.1', 'zzzzzzzz', '2024-13-45 99:99:99', '" + new string('0', 32) + "', 1, 1)";
                Assert.Equal(1, cmd.ExecuteNonQuery());
            }

            // The test host has no Select-Object; 'break' out of ForEach-Object stops the pipeline the same way
            // (the cmdlet's WriteObject throws, its foreach disposes the reader).
            var r = HostRunner.Run("$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + @"
$first = [System.Collections.Generic.List[object]]::new()
foreach ($once in 1) { Get-StickySeries | ForEach-Object { $first.Add($_); if ($first.Count -eq 2) { break } } }
'first ' + $first.Count
try { $null = @(Get-StickySeries -ErrorAction Stop); 'all read' } catch { 'whole query: ' + $_.FullyQualifiedErrorId }
$first | Remove-StickyImage -Confirm:$false
'left ' + @(Get-StickySeries -EndTime 2024-01-01).Count + ' ' + @(Get-StickySeries -Device z* -StartTime 2024-01-01).Count
");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.True(r.Texts[0] == "first 2", r.ToString());
            Assert.StartsWith("whole query: StoreCorrupt", r.Texts[1]);
            Assert.Equal("left 4 0", r.Texts[2]);
        }
        [Fact]
        public void Piped_keys_give_images_and_ImageNotFound_errors_in_input_order()
        {
            using var ws = new Workspace(images: 3, seed: 14);
            var r = HostRunner.Run("$null = Connect-StickyApi -LocalDir " + HostRunner.Quote(ws.Store) + "\n" +
                "$null = Send-StickyImage -Path " + HostRunner.Quote(ws.Images) + @"
$all = @(Get-StickySeries)
$keys = @(
    [pscustomobject]@{ Device = $all[2].Device; DateTime = $all[2].DateTime }
    [pscustomobject]@{ Device = 'deadbeef'; DateTime = [datetime]'2021-01-01' }
    [pscustomobject]@{ Device = $all[0].Device; DateTime = $all[0].DateTime.AddMilliseconds(400) }
    [pscustomobject]@{ Device = $all[2].Device; DateTime = $all[2].DateTime }
)
$keys | Get-StickyImage -What Image | ForEach-Object { 'got ' + $_.FileName }
'expected ' + $all[2].FileName + ' ' + $all[0].FileName
");
            Assert.True(r.ExitCode == 0, r.ToString());
            var kinds = r.Records.Select(x => x.GetProperty("kind").GetString()).Where(k => k == "output" || k == "error").ToList();
            Assert.Equal(new[] { "output", "error", "output", "output", "output" }, kinds);
            var expected = r.Texts.Last().Split(' ');
            Assert.Equal(new[] { "got " + expected[1], "got " + expected[2], "got " + expected[1] }, r.Texts.Take(3));
            Assert.Equal("ImageNotFound", r.Errors.Single().ErrorId());
            Assert.Contains("deadbeef", r.Errors.Single().GetProperty("message").GetString());
        }
    }
}
