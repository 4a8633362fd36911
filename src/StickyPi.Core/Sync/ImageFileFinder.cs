using System;
using System.Collections.Generic;
using System.IO;

namespace StickyPi.Core.Sync
{
    /// <summary>Lists the image files of a folder lazily, so an import starts before a large tree is walked.</summary>
    public static class ImageFileFinder
    {
        /// <summary>Every <c>*.jpg</c> / <c>*.jpeg</c> (any case) in <paramref name="directory"/>, and below it when recursing.</summary>
        public static IEnumerable<string> Enumerate(string directory, bool recurse)
        {
            var option = recurse ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
            foreach (var file in Directory.EnumerateFiles(directory, "*", option))
            {
                var ext = Path.GetExtension(file);
                if (ext.Equals(".jpg", StringComparison.OrdinalIgnoreCase) || ext.Equals(".jpeg", StringComparison.OrdinalIgnoreCase))
                {
                    yield return file;
                }
            }
        }
    }
}
