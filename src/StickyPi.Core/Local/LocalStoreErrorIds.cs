namespace StickyPi.Core.Local
{
    /// <summary>Error ids raised only by the local store (the shared ones are in <see cref="Model.StickyErrorIds"/>).</summary>
    public static class LocalStoreErrorIds
    {
        /// <summary>The store directory (or its <c>database.db</c>) does not exist and creation was not asked for.</summary>
        public const string StoreNotFound = "StoreNotFound";

        /// <summary>The caller's role does not allow the operation (upstream's route roles, spec §1.4).</summary>
        public const string PermissionDenied = Access.AccessPolicy.PermissionDeniedId;
    }
}
