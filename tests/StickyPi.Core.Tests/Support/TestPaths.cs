using System;
using System.IO;

namespace StickyPi.Core.Tests.Support
{
    /// <summary>A unique temporary directory deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir(string prefix = "stickypi-test")
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Combine(params string[] parts) => System.IO.Path.Combine(Path, System.IO.Path.Combine(parts));

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, true);
            }
            catch (IOException)
            {
                // Best effort: a test that failed may still hold a handle.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
