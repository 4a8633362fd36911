namespace StickyPi.Core.Access
{
    /// <summary>Every operation of the Sticky Pi API (one per upstream route, spec §1.4).</summary>
    public enum ApiOperation
    {
        GetToken,
        GetUsers,
        PutUsers,
        DeleteUsers,
        GetProjects,
        PutProjects,
        DeleteProjects,
        GetProjectPermissions,
        PutProjectPermissions,
        DeleteProjectPermissions,
        GetProjectSeries,
        PutProjectSeries,
        DeleteProjectSeries,
        PutProjectColumns,
        DeleteProjectColumns,
        GetImages,
        PutImages,
        DeleteImages,
        GetImagesToAnnotate,
        PutUidAnnotations,
        GetUidAnnotations,
        PutTiledTuboids,
        GetTiledTuboids,
        DeleteTiledTuboids,
        PutItcLabels,
        GetItcLabels,
        GetMlBundleFileList,
        GetMlBundleUploadLinks,
    }

    /// <summary>Project permission levels (spec §2.10).</summary>
    public enum ProjectLevel
    {
        None = 0,
        Read = 1,
        ReadWrite = 2,
        Admin = 3,
    }
}
