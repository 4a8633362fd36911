using System;
using System.Collections.Generic;
using StickyPi.Core.Backend;
using StickyPi.Core.Local;
using StickyPi.Core.Model;

namespace StickyPi.Core.Remote
{
    /// <summary>The remote back-end's projects, permissions, project series and columns: not brought over yet.</summary>
    public sealed partial class RemoteStickyBackend
    {
        public StickyProject AddProject(CallerIdentity caller, string name, string description = null, string notes = null) => throw NotRemote("projects");

        public IEnumerable<StickyProject> GetProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null) => throw NotRemote("projects");

        public IReadOnlyList<StickyProject> DeleteProjects(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null) => throw NotRemote("projects");

        public StickyProject DeleteProject(CallerIdentity caller, long projectId) => throw NotRemote("projects");

        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, string userName, int level) => throw NotRemote("project permissions");

        public ProjectPermission PutProjectPermission(CallerIdentity caller, long projectId, long userId, int level) => throw NotRemote("project permissions");

        public IEnumerable<ProjectPermission> GetProjectPermissions(CallerIdentity caller, IEnumerable<StickyProjectFilter> filters = null) => throw NotRemote("project permissions");

        public ProjectPermission DeleteProjectPermission(CallerIdentity caller, long projectId, string userName) => throw NotRemote("project permissions");

        public IEnumerable<ProjectSeriesRow> GetProjectSeries(CallerIdentity caller, long projectId) => throw NotRemote("project series");

        public IEnumerable<ProjectColumn> GetProjectColumns(CallerIdentity caller, long projectId) => throw NotRemote("project columns");

        public ProjectSeriesRow AddProjectSeries(CallerIdentity caller, long projectId, string device, DateTime start, DateTime end, IDictionary<string, object> values) =>
            throw NotRemote("project series");

        public ProjectSeriesRow SetProjectSeries(CallerIdentity caller, long projectId, long id, IDictionary<string, object> values) => throw NotRemote("project series");

        public ProjectSeriesRow DeleteProjectSeries(CallerIdentity caller, long projectId, long id) => throw NotRemote("project series");

        public ProjectColumn AddProjectColumn(CallerIdentity caller, long projectId, string name, ProjectColumnType type) => throw NotRemote("project columns");

        public ProjectColumn RenameProjectColumn(CallerIdentity caller, long projectId, string oldName, string newName) => throw NotRemote("project columns");

        public ProjectColumn RemoveProjectColumn(CallerIdentity caller, long projectId, string name) => throw NotRemote("project columns");

        public long ResolveProjectId(CallerIdentity caller, string project) => throw NotRemote("projects");

        public IReadOnlyList<string> CompleteProjectNames(CallerIdentity caller, string typed, int limit = LocalStickyStore.DefaultCompletionLimit) => throw NotRemote("completion");
    }
}
