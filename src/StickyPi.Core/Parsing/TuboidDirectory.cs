using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using StickyPi.Core.Model;

namespace StickyPi.Core.Parsing
{
    /// <summary>The fields of a tuboid directory name <c>device.start.end.algo_version.NNNN</c> (spec §3.4).</summary>
    public sealed class TuboidName
    {
        internal TuboidName(string tuboidId, string device, DateTime start, DateTime end, string algoVersion, int idInSeries)
        {
            TuboidId = tuboidId;
            Device = device;
            SeriesStart = start;
            SeriesEnd = end;
            AlgoVersion = algoVersion;
            IdInSeries = idInSeries;
        }

        public string TuboidId { get; }

        public string Device { get; }

        public DateTime SeriesStart { get; }

        public DateTime SeriesEnd { get; }

        public string AlgoVersion { get; }

        public int IdInSeries { get; }

        /// <summary>The name without its last field: the series directory name.</summary>
        public string SeriesId => TuboidId.Substring(0, TuboidId.LastIndexOf('.'));

        public override string ToString() => TuboidId;
    }

    /// <summary>What metadata.txt says about a tuboid: number of shots, first and last shot (UTC).</summary>
    public sealed class TuboidMetadata
    {
        internal TuboidMetadata(int shots, DateTime start, DateTime end)
        {
            NShots = shots;
            StartDateTime = start;
            EndDateTime = end;
        }

        public int NShots { get; }

        public DateTime StartDateTime { get; }

        public DateTime EndDateTime { get; }
    }

    /// <summary>
    /// Tuboid directories (spec §3.4, §3.9): the name rule, the three required files and the metadata.txt reader.
    /// Errors carry stable ids and name the directory, or the file and line.
    /// </summary>
    public static class TuboidDirectory
    {
        public const string TuboidFileName = "tuboid.jpg";
        public const string MetadataFileName = "metadata.txt";
        public const string ContextFileName = "context.jpg";

        /// <summary>The three files every tuboid directory holds, in upstream's order (metadata, tuboid, context).</summary>
        public static IReadOnlyList<string> RequiredFiles { get; } = new[] { MetadataFileName, TuboidFileName, ContextFileName };

        /// <summary>
        /// Parses a tuboid directory name (or the base name of a path). Exactly 5 dot fields, as upstream; stricter on
        /// the fields: device of 8 hex digits, two <c>YYYY-MM-DD_HH-MM-SS</c> times, a non-empty algo_version and a
        /// decimal <c>id_in_series</c>. Throws <c>InvalidTuboidName</c>.
        /// </summary>
        public static TuboidName ParseName(string pathOrName)
        {
            if (TryParseName(pathOrName, out var name, out var error))
            {
                return name;
            }

            throw new StickyPiException(TuboidErrorIds.InvalidTuboidName, StickyErrorKind.InvalidData, error, pathOrName);
        }

        public static bool TryParseName(string pathOrName, out TuboidName name, out string error)
        {
            name = null;
            string baseName = BaseName(pathOrName);
            var fields = baseName.Split('.');
            const string expected = "expected <device>.<YYYY-MM-DD_HH-MM-SS>.<YYYY-MM-DD_HH-MM-SS>.<algo_version>.<NNNN>";
            if (fields.Length != 5)
            {
                error = pathOrName + ": invalid tuboid directory name '" + baseName + "': " + expected + " (5 dot-separated fields), got " +
                        fields.Length.ToString(CultureInfo.InvariantCulture) + " field" + (fields.Length == 1 ? string.Empty : "s");
                return false;
            }

            if (!TrySeriesFields(fields, out var device, out var start, out var end, out error))
            {
                error = pathOrName + ": invalid tuboid directory name '" + baseName + "': " + error;
                return false;
            }

            if (fields[4].Length == 0 || fields[4].Length > 9 || !AllDigits(fields[4]))
            {
                error = pathOrName + ": invalid tuboid directory name '" + baseName + "': the last field '" + fields[4] + "' is not a tuboid number";
                return false;
            }

            if (baseName.Length > 100)
            {
                error = pathOrName + ": tuboid directory name '" + baseName + "' is longer than 100 characters";
                return false;
            }

            name = new TuboidName(baseName, device, start, end, fields[3],
                int.Parse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture));
            error = null;
            return true;
        }

        /// <summary>
        /// Parses a series directory name <c>device.start.end.algo_version</c> (4 fields) into device, bounds and
        /// algo_version; false for anything else.
        /// </summary>
        public static bool TryParseSeriesName(string pathOrName, out string device, out DateTime start, out DateTime end, out string algoVersion)
        {
            algoVersion = null;
            var fields = BaseName(pathOrName).Split('.');
            if (fields.Length != 4 || !TrySeriesFields(fields, out device, out start, out end, out _))
            {
                device = null;
                start = end = default;
                return false;
            }

            algoVersion = fields[3];
            return true;
        }

        /// <summary>True when the directory holds one of the three tuboid files or is named like a tuboid.</summary>
        public static bool LooksLikeTuboid(string directory)
        {
            foreach (var f in RequiredFiles)
            {
                if (File.Exists(Path.Combine(directory, f)))
                {
                    return true;
                }
            }

            return TryParseName(directory, out _, out _);
        }

        /// <summary>Throws <c>MissingTuboidFile</c> (NotFound) naming the first missing file of the directory.</summary>
        public static void CheckFiles(string directory)
        {
            if (!Directory.Exists(directory))
            {
                throw new StickyPiException(TuboidErrorIds.MissingTuboidFile, StickyErrorKind.NotFound,
                    directory + ": the tuboid directory does not exist.", directory);
            }

            foreach (var f in RequiredFiles)
            {
                string path = Path.Combine(directory, f);
                if (!File.Exists(path))
                {
                    throw new StickyPiException(TuboidErrorIds.MissingTuboidFile, StickyErrorKind.NotFound,
                        path + ": missing; a tuboid directory holds " + string.Join(", ", RequiredFiles) + ".", directory);
                }
            }
        }

        /// <summary>Reads a metadata.txt file (see <see cref="ParseMetadata"/>); errors name the file and line.</summary>
        public static TuboidMetadata ReadMetadata(string path) => ReadMetadata(path, InputLimits.DefaultMaxMetadataFileBytes);

        /// <summary>Reads a metadata.txt file of at most <paramref name="maxBytes"/> (<c>FileTooLarge</c> above, unread).</summary>
        public static TuboidMetadata ReadMetadata(string path, long maxBytes)
        {
            string text;
            try
            {
                text = BoundedFile.ReadAllText(path, maxBytes, "tuboid metadata file");
            }
            catch (StickyPiException e) when (e.ErrorId != StickyErrorIds.FileTooLarge)
            {
                throw new StickyPiException(TuboidErrorIds.InvalidTuboidMetadata, StickyErrorKind.InvalidData,
                    path + ": cannot be read: " + e.Message, path, e);
            }

            return ParseMetadata(text, path);
        }

        /// <summary>
        /// Upstream's metadata.txt rule (spec §3.4): lines <c>&lt;device&gt;.&lt;YYYY-MM-DD_HH-MM-SS&gt;,x,y,scale</c>
        /// (exactly 4 comma fields, the first of exactly 2 dot parts); reading stops at the first line that is empty
        /// after trimming trailing whitespace; the first and last lines give the start and end; 0 lines is an error.
        /// Throws <c>InvalidTuboidMetadata</c> with <c>file(line): message</c>.
        /// </summary>
        public static TuboidMetadata ParseMetadata(string text, string fileName)
        {
            if (text == null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                text = text.Substring(1);
            }

            var lines = text.Split('\n');
            int count = 0;
            DateTime first = default, last = default;
            for (int n = 0; n < lines.Length; n++)
            {
                string line = lines[n].TrimEnd();
                if (line.Length == 0)
                {
                    break;
                }

                int lineNumber = n + 1;
                var fields = line.Split(',');
                if (fields.Length != 4)
                {
                    throw Bad(fileName, lineNumber, "expected 4 comma-separated fields <device>.<YYYY-MM-DD_HH-MM-SS>,<x>,<y>,<scale>, got " + fields.Length);
                }

                var parts = fields[0].Split('.');
                if (parts.Length != 2)
                {
                    throw Bad(fileName, lineNumber, "'" + fields[0] + "' is not <device>.<YYYY-MM-DD_HH-MM-SS>");
                }

                if (!TryFileNameTime(parts[1], out var dt))
                {
                    throw Bad(fileName, lineNumber, "invalid shot time '" + parts[1] + "': expected YYYY-MM-DD_HH-MM-SS");
                }

                if (count == 0)
                {
                    first = dt;
                }

                last = dt;
                count++;
            }

            if (count == 0)
            {
                throw Bad(fileName, 1, "no shot: a tuboid's metadata.txt lists at least one <device>.<YYYY-MM-DD_HH-MM-SS>,<x>,<y>,<scale> line");
            }

            return new TuboidMetadata(count, first, last);
        }

        private static StickyPiException Bad(string file, int line, string message) =>
            new StickyPiException(TuboidErrorIds.InvalidTuboidMetadata, StickyErrorKind.InvalidData,
                file + "(" + line.ToString(CultureInfo.InvariantCulture) + "): " + message, file);

        private static bool TrySeriesFields(string[] fields, out string device, out DateTime start, out DateTime end, out string error)
        {
            device = fields[0];
            start = end = default;
            if (!ImageFileName.IsDevice(device))
            {
                error = "device '" + device + "' is not 8 hexadecimal digits";
                return false;
            }

            if (!TryFileNameTime(fields[1], out start) || !TryFileNameTime(fields[2], out end))
            {
                error = "the series start and end must be YYYY-MM-DD_HH-MM-SS times";
                return false;
            }

            if (fields[3].Length == 0 || fields[3].Length > 46)
            {
                error = "the algo_version field must have 1 to 46 characters";
                return false;
            }

            error = null;
            return true;
        }

        private static bool TryFileNameTime(string text, out DateTime value) =>
            DateTime.TryParseExact(text, StickyTime.FileNameFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);

        private static bool AllDigits(string s)
        {
            foreach (var c in s)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            return true;
        }

        private static string BaseName(string pathOrName)
        {
            if (string.IsNullOrEmpty(pathOrName))
            {
                return string.Empty;
            }

            string trimmed = pathOrName.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            try
            {
                return Path.GetFileName(trimmed);
            }
            catch (ArgumentException)
            {
                return trimmed;
            }
        }
    }
}
