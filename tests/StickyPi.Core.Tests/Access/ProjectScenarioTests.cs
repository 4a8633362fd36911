using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Core.Tests.Access
{
    /// <summary>Upstream's own project scenario (spec §3.7, confirmed by its local and remote tests), plus the §8 #10 fix.</summary>
    public class ProjectScenarioTests
    {
        [Fact]
        public void Upstream_scenario_A_creates_G_sees_all_E_sees_what_A_grants_and_only_A_deletes()
        {
            using var s = new AccessStore();
            var store = s.Store;

            // Projects 1 and 2 exist before (created by the trusted caller, so nobody holds a permission on them).
            store.AddProject(AccessStore.Local, "p1");
            store.AddProject(AccessStore.Local, "p2");
            var g = s.User("G", isAdmin: true);
            var a = s.User("A");
            var e = s.User("E");

            var p3 = store.AddProject(a, "p3", "first of A", "notes");
            var p4 = store.AddProject(a, "p4");
            Assert.Equal(new long[] { 3, 4 }, new[] { p3.Id, p4.Id });

            Assert.Equal(2, store.GetProjects(a).Count);
            Assert.Equal(4, store.GetProjects(g).Count);
            Assert.Empty(store.GetProjects(e));
            Assert.Empty(store.GetProjectPermissions(e));

            var granted = store.PutProjectPermission(a, p3.Id, "E", 1);
            Assert.Equal(ProjectLevel.Read, granted.Level);
            Assert.Equal("E", granted.UserName);

            Assert.Equal(new[] { "p3" }, store.GetProjects(e).Select(p => p.Name).ToArray());
            var rows = store.GetProjectPermissions(e);
            Assert.Equal(2, rows.Count);
            Assert.Contains(rows, r => r.UserName == "A" && r.Level == ProjectLevel.Admin && r.ProjectId == p3.Id);
            Assert.Contains(rows, r => r.UserName == "E" && r.Level == ProjectLevel.Read && r.ProjectId == p3.Id);

            Assert.Empty(store.DeleteProjects(e, new[] { StickyProjectFilter.All }));
            Assert.Equal(2, store.DeleteProjects(a, new[] { StickyProjectFilter.All }).Count);
            Assert.Empty(store.GetProjects(a));
            Assert.Empty(store.GetProjects(e));
            Assert.Empty(store.GetProjectPermissions(g));

            // §8 #10: upstream's inner join made projects without any permission row undeletable, even by admins.
            Assert.Equal(new[] { "p1", "p2" }, store.GetProjects(g).Select(p => p.Name).ToArray());
            Assert.Equal(2, store.DeleteProjects(g).Count);
            Assert.Empty(store.GetProjects(AccessStore.Local));
        }
    }
}
