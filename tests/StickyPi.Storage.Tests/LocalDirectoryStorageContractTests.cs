using System.IO;
using StickyPi.Core.Backend;

namespace StickyPi.Storage.Tests
{
    /// <summary>The contract on the embedded store's directory storage, in a temporary folder.</summary>
    public sealed class LocalDirectoryStorageContractTests : FileStorageContract
    {
        private readonly string _root = TestPaths.NewTempDir("stickypi-storage-local");

        protected override void Require()
        {
        }

        protected override IStickyFileStorage Create() => new LocalDirectoryStorage(_root);

        protected override string[] LocationsOf(string key) => new[] { Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar)) };

        public override void Dispose()
        {
            base.Dispose();
            TestPaths.DeleteDir(_root);
        }
    }
}
