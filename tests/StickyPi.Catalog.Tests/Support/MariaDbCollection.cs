using StickyPi.Tests.Support;

namespace StickyPi.Catalog.Tests.Support
{
    /// <summary>
    /// Every MariaDB test class shares one server (each test makes databases of its own): one mariadbd per class, started
    /// in parallel on 2 cores, once failed to come up in time.
    /// </summary>
    [CollectionDefinition(Name)]
    public sealed class MariaDbCollection : ICollectionFixture<MariaDbFixture>
    {
        public const string Name = "mariadb";
    }
}
