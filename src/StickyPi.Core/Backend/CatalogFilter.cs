using StickyPi.Core.Local;

namespace StickyPi.Core.Backend
{
    /// <summary>Upstream's filter semantics for callers that filter rows they already hold (SQL <c>LIKE</c>, ASCII case-insensitive).</summary>
    public static class CatalogFilter
    {
        /// <summary>True when <paramref name="value"/> matches the LIKE pattern (<c>%</c> any run, <c>_</c> one character).</summary>
        public static bool Like(string pattern, string value) => new LikePattern(pattern).IsMatch(value);
    }
}
