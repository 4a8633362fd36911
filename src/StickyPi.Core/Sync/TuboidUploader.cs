using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;

namespace StickyPi.Core.Sync
{
    /// <summary>
    /// Client side of tuboid uploads (upstream <c>put_tiled_tuboids</c>, spec §3.9): which directories are tuboids,
    /// and the series information of each, filled from its name where the caller gave none.
    /// </summary>
    public static class TuboidUploader
    {
        /// <summary>
        /// The tuboid directories an input directory stands for: itself when it looks like a tuboid (holds one of the
        /// three files or is named <c>device.start.end.algo_version.NNNN</c>), otherwise its sub-directories (a series
        /// directory), in ordinal order; itself again when it has none (it then fails as a tuboid).
        /// </summary>
        public static IReadOnlyList<string> ExpandDirectory(string directory)
        {
            if (string.IsNullOrEmpty(directory))
            {
                throw new ArgumentException("A directory is required.", nameof(directory));
            }

            if (!Directory.Exists(directory) || TuboidDirectory.LooksLikeTuboid(directory))
            {
                return new[] { directory };
            }

            var children = Directory.GetDirectories(directory).OrderBy(d => d, StringComparer.Ordinal).ToList();
            return children.Count > 0 ? (IReadOnlyList<string>)children : new[] { directory };
        }

        /// <summary>
        /// The series information for one tuboid directory: the values set in <paramref name="given"/> win; a missing
        /// device, start, end or algo_version is taken from the tuboid's name (its first four fields are the series'),
        /// or else from its parent directory's name. AlgoName and the counts are never derived.
        /// </summary>
        public static TuboidSeriesInfo ResolveSeriesInfo(string tuboidDirectory, TuboidSeriesInfo given)
        {
            var info = given?.Clone() ?? new TuboidSeriesInfo();
            if (!string.IsNullOrEmpty(info.Device) && info.StartDateTime != default && info.EndDateTime != default && !string.IsNullOrEmpty(info.AlgoVersion))
            {
                return info;
            }

            string device = null, version = null;
            DateTime start = default, end = default;
            if (TuboidDirectory.TryParseName(tuboidDirectory, out var name, out _))
            {
                device = name.Device;
                start = name.SeriesStart;
                end = name.SeriesEnd;
                version = name.AlgoVersion;
            }
            else
            {
                string parent = Path.GetDirectoryName(tuboidDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
                if (parent != null && TuboidDirectory.TryParseSeriesName(parent, out var d, out var s, out var e, out var v))
                {
                    device = d;
                    start = s;
                    end = e;
                    version = v;
                }
            }

            if (string.IsNullOrEmpty(info.Device))
            {
                info.Device = device;
            }

            if (info.StartDateTime == default)
            {
                info.StartDateTime = start;
            }

            if (info.EndDateTime == default)
            {
                info.EndDateTime = end;
            }

            if (string.IsNullOrEmpty(info.AlgoVersion))
            {
                info.AlgoVersion = version;
            }

            return info;
        }

        /// <summary>
        /// Uploads one tuboid directory with its resolved series information; every failure specific to it
        /// (including a name from which no series can be derived) comes back as a Failed result.
        /// </summary>
        public static TuboidUploadResult Upload(LocalStickyStore store, CallerIdentity caller, string tuboidDirectory, TuboidSeriesInfo given)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }

            return Upload(tuboidDirectory, given, (dir, info) => store.PutTiledTuboids(caller, new[] { dir }, info)[0]);
        }

        /// <summary>
        /// As <see cref="Upload(LocalStickyStore, CallerIdentity, string, TuboidSeriesInfo)"/> for any back-end:
        /// <paramref name="put"/> stores one directory with its resolved, valid series information.
        /// </summary>
        public static TuboidUploadResult Upload(string tuboidDirectory, TuboidSeriesInfo given, Func<string, TuboidSeriesInfo, TuboidUploadResult> put)
        {
            if (put == null)
            {
                throw new ArgumentNullException(nameof(put));
            }

            var info = ResolveSeriesInfo(tuboidDirectory, given);
            try
            {
                if (string.IsNullOrEmpty(info.Device) || info.StartDateTime == default || info.EndDateTime == default || string.IsNullOrEmpty(info.AlgoVersion))
                {
                    // Not derivable: the name itself is the problem.
                    TuboidDirectory.ParseName(tuboidDirectory);
                }

                info.Validate();
            }
            catch (StickyPiException e)
            {
                return TuboidUploadResult.Failed(tuboidDirectory, null, e);
            }

            return put(tuboidDirectory, info);
        }
    }
}
