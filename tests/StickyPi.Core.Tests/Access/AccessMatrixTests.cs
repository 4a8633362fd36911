using System;
using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Core.Tests.Access
{
    /// <summary>
    /// Every project/user operation × caller kind × the caller's level on the project: allowed or denied. The expected
    /// table is written out here, independently of AccessPolicy, from spec §1.3, §1.4 and §3.7 with this module's
    /// documented fixes (admin-only user deletion, users listing only themselves, read-only users capped at Read).
    /// </summary>
    public class AccessMatrixTests
    {
        public enum Kind
        {
            Admin,
            ReadWrite,
            ReadOnly,
            ReadOnlyAdmin, // is_admin but can_write false: role read-only, yet a global admin for project reads (spec §1.3)
        }

        public enum Op
        {
            GetProjects,
            GetProjectPermissions,
            DeleteProjects,
            DeleteProject,
            PutProjectPermission,
            DeleteProjectPermission,
            PutProjects,
            SeeAllUsers,
            PutUsers,
            DeleteUsers,
        }

        // Allowed ('1') or denied ('0') for the caller's level on the project: none, 1, 2, 3.
        private static readonly Dictionary<(Op, Kind), string> Expected = new Dictionary<(Op, Kind), string>
        {
            [(Op.GetProjects, Kind.Admin)] = "1111",
            [(Op.GetProjects, Kind.ReadWrite)] = "0111",
            [(Op.GetProjects, Kind.ReadOnly)] = "0111",
            [(Op.GetProjects, Kind.ReadOnlyAdmin)] = "1111",
            [(Op.GetProjectPermissions, Kind.Admin)] = "1111",
            [(Op.GetProjectPermissions, Kind.ReadWrite)] = "0111",
            [(Op.GetProjectPermissions, Kind.ReadOnly)] = "0111",
            [(Op.GetProjectPermissions, Kind.ReadOnlyAdmin)] = "1111",
            [(Op.DeleteProjects, Kind.Admin)] = "1111",
            [(Op.DeleteProjects, Kind.ReadWrite)] = "0001",
            [(Op.DeleteProjects, Kind.ReadOnly)] = "0000",
            [(Op.DeleteProjects, Kind.ReadOnlyAdmin)] = "0000",
            [(Op.DeleteProject, Kind.Admin)] = "1111",
            [(Op.DeleteProject, Kind.ReadWrite)] = "0001",
            [(Op.DeleteProject, Kind.ReadOnly)] = "0000",
            [(Op.DeleteProject, Kind.ReadOnlyAdmin)] = "0000",
            [(Op.PutProjectPermission, Kind.Admin)] = "1111",
            [(Op.PutProjectPermission, Kind.ReadWrite)] = "0001",
            [(Op.PutProjectPermission, Kind.ReadOnly)] = "0000",
            [(Op.PutProjectPermission, Kind.ReadOnlyAdmin)] = "0000",
            [(Op.DeleteProjectPermission, Kind.Admin)] = "1111",
            [(Op.DeleteProjectPermission, Kind.ReadWrite)] = "0001",
            [(Op.DeleteProjectPermission, Kind.ReadOnly)] = "0000",
            [(Op.DeleteProjectPermission, Kind.ReadOnlyAdmin)] = "0000",
            [(Op.PutProjects, Kind.Admin)] = "1111",
            [(Op.PutProjects, Kind.ReadWrite)] = "1111",
            [(Op.PutProjects, Kind.ReadOnly)] = "0000",
            [(Op.PutProjects, Kind.ReadOnlyAdmin)] = "0000",
            [(Op.SeeAllUsers, Kind.Admin)] = "1111",
            [(Op.SeeAllUsers, Kind.ReadWrite)] = "0000",
            [(Op.SeeAllUsers, Kind.ReadOnly)] = "0000",
            [(Op.SeeAllUsers, Kind.ReadOnlyAdmin)] = "1111",
            [(Op.PutUsers, Kind.Admin)] = "1111",
            [(Op.PutUsers, Kind.ReadWrite)] = "0000",
            [(Op.PutUsers, Kind.ReadOnly)] = "0000",
            [(Op.PutUsers, Kind.ReadOnlyAdmin)] = "0000",
            [(Op.DeleteUsers, Kind.Admin)] = "1111",
            [(Op.DeleteUsers, Kind.ReadWrite)] = "0000",
            [(Op.DeleteUsers, Kind.ReadOnly)] = "0000",
            [(Op.DeleteUsers, Kind.ReadOnlyAdmin)] = "0000",
        };

        public static IEnumerable<object[]> Cells()
        {
            foreach (Op op in Enum.GetValues(typeof(Op)))
            {
                foreach (Kind kind in Enum.GetValues(typeof(Kind)))
                {
                    for (int level = 0; level <= 3; level++)
                    {
                        yield return new object[] { op, kind, level, Expected[(op, kind)][level] == '1' };
                    }
                }
            }
        }

        [Fact]
        public void The_table_covers_every_operation_and_caller_kind()
        {
            Assert.Equal(Enum.GetValues(typeof(Op)).Length * Enum.GetValues(typeof(Kind)).Length, Expected.Count);
            Assert.All(Expected.Values, v => Assert.Matches("^[01]{4}$", v));
        }

        [Theory]
        [MemberData(nameof(Cells))]
        public void Operation_is_allowed_or_denied(Op op, Kind kind, int level, bool allowed)
        {
            using var s = new AccessStore();
            var store = s.Store;
            var owner = s.User("owner");
            var project = store.AddProject(owner, "trap-field");
            var other = s.User("other");
            store.PutProjectPermission(AccessStore.Local, project.Id, "other", 1);
            var subject = s.User("subject", isAdmin: kind == Kind.Admin || kind == Kind.ReadOnlyAdmin, canWrite: kind == Kind.Admin || kind == Kind.ReadWrite);
            if (level > 0)
            {
                store.PutProjectPermission(AccessStore.Local, project.Id, "subject", level);
            }

            bool did;
            StickyPiException error = null;
            try
            {
                did = Run(s, op, subject, project.Id);
            }
            catch (StickyPiException ex)
            {
                error = ex;
                did = false;
            }

            Assert.True(allowed == did, $"{op} by {kind} holding level {level}: expected {(allowed ? "allowed" : "denied")}, got {(did ? "allowed" : "denied")} {error?.ErrorId} {error?.Message}");
            if (error != null)
            {
                Assert.Contains(error.ErrorId, new[] { AccessPolicy.PermissionDeniedId, StickyUserErrorIds.ProjectNotFound });
                Assert.Contains(error.Kind, new[] { StickyErrorKind.PermissionDenied, StickyErrorKind.NotFound });
            }

            if (!did)
            {
                // A denied operation changes nothing.
                Assert.Single(store.GetProjects(AccessStore.Local, new[] { StickyProjectFilter.ById(project.Id) }));
                Assert.Contains(store.GetProjectPermissions(AccessStore.Local), p => p.UserName == "other" && p.Level == ProjectLevel.Read);
                Assert.Equal(3, store.GetUsers(AccessStore.Local).Count);
            }
        }

        private static bool Run(AccessStore s, Op op, CallerIdentity subject, long projectId)
        {
            var store = s.Store;
            var only = new[] { StickyProjectFilter.ById(projectId) };
            switch (op)
            {
                case Op.GetProjects:
                    return store.GetProjects(subject).Any(p => p.Id == projectId);
                case Op.GetProjectPermissions:
                    return store.GetProjectPermissions(subject, only).Any(p => p.ProjectId == projectId);
                case Op.DeleteProjects:
                    var deleted = store.DeleteProjects(subject, only);
                    var gone = store.GetProjects(AccessStore.Local, only).Count == 0;
                    Assert.Equal(deleted.Count == 1, gone);
                    return gone;
                case Op.DeleteProject:
                    store.DeleteProject(subject, projectId);
                    return store.GetProjects(AccessStore.Local, only).Count == 0;
                case Op.PutProjectPermission:
                    var row = store.PutProjectPermission(subject, projectId, "other", 2);
                    Assert.Equal(ProjectLevel.ReadWrite, row.Level);
                    return store.GetProjectPermissions(AccessStore.Local).Any(p => p.UserName == "other" && p.Level == ProjectLevel.ReadWrite);
                case Op.DeleteProjectPermission:
                    store.DeleteProjectPermission(subject, projectId, "other");
                    return !store.GetProjectPermissions(AccessStore.Local).Any(p => p.UserName == "other");
                case Op.PutProjects:
                    var created = store.AddProject(subject, "new");
                    Assert.Equal(subject.Id, created.ApiUserId);
                    Assert.Contains(store.GetProjectPermissions(AccessStore.Local), p => p.ProjectId == created.Id && p.UserName == "subject" && p.Level == ProjectLevel.Admin);
                    return true;
                case Op.SeeAllUsers:
                    var visible = store.GetUsers(subject);
                    Assert.Contains(visible, u => u.UserName == "subject");
                    return visible.Count == 3;
                case Op.PutUsers:
                    store.AddUser(subject, "newcomer", "secret".ToCharArray());
                    return store.GetUser(AccessStore.Local, "newcomer") != null;
                case Op.DeleteUsers:
                    return store.DeleteUsers(subject, new[] { "other" }).Count == 1 && store.GetUser(AccessStore.Local, "other") == null;
                default:
                    throw new ArgumentOutOfRangeException(nameof(op));
            }
        }
    }
}
