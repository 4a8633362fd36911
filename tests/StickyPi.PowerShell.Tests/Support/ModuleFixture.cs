using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StickyPi.SampleData;

namespace StickyPi.PowerShell.Tests.Support
{
    /// <summary>A temp folder with generated sample images and a store path, deleted afterwards.</summary>
    public sealed class Workspace : IDisposable
    {
        public Workspace(int images = 0, int seed = 7)
        {
            Root = Path.Combine(Path.GetTempPath(), "stickypi-ps-" + Guid.NewGuid().ToString("N").Substring(0, 10));
            Images = Path.Combine(Root, "images");
            Store = Path.Combine(Root, "store");
            Directory.CreateDirectory(Images);
            ImageFiles = images > 0 ? SampleImages.WriteSeason(Images, images, seed).ToList() : new List<string>();
        }

        public string Root { get; }

        public string Images { get; }

        public string Store { get; }

        public List<string> ImageFiles { get; }

        /// <summary>A file in the image folder with the given content (for malformed inputs).</summary>
        public string WriteFile(string name, byte[] content)
        {
            var path = Path.Combine(Images, name);
            File.WriteAllBytes(path, content);
            return path;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
