using System;
using System.IO;
using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using StickyPi.Core.Sync;
using StickyPi.Core.Tests.Access;
using StickyPi.Core.Tests.MlBundles;
using StickyPi.Core.Tests.Support;

namespace StickyPi.Core.Tests.Defects
{
    /// <summary>Core-level regression tests of issue 14 (defects found driving the module as a lab admin).</summary>
    public class LabAdminDefectTests
    {
        private static CallerIdentity Local => AccessStore.Local;

        // Item 1: a read-only user's Admin row does not count as an administrator of the project.
        [Fact]
        public void The_last_user_who_can_administer_a_project_cannot_leave_while_only_a_read_only_admin_row_remains()
        {
            using var s = new AccessStore();
            var alice = s.User("alice");
            s.User("reader", canWrite: false);
            var project = s.Store.AddProject(alice, "lab");
            s.Store.PutProjectPermission(Local, project.Id, "reader", 3);

            var revoke = Assert.ThrowsAny<StickyPiException>(() => s.Store.DeleteProjectPermission(alice, project.Id, "alice"));
            Assert.Equal(StickyUserErrorIds.LastProjectAdministrator, revoke.ErrorId);
            Assert.Equal(StickyErrorKind.Conflict, revoke.Kind);
            Assert.Contains("'lab'", revoke.Message);
            Assert.Contains("'reader'", revoke.Message);
            Assert.Contains("read-only", revoke.Message);
            Assert.Contains("grant level Admin to a read-write user first", revoke.Message);

            var downgrade = Assert.ThrowsAny<StickyPiException>(() => s.Store.PutProjectPermission(alice, project.Id, "alice", 2));
            Assert.Equal(StickyUserErrorIds.LastProjectAdministrator, downgrade.ErrorId);
            Assert.Equal(2, s.Store.GetProjectPermissions(Local).Count(p => p.ProjectId == project.Id && p.Level == ProjectLevel.Admin));

            // With a read-write administrator beside her, she may leave.
            s.User("bob");
            s.Store.PutProjectPermission(alice, project.Id, "bob", 3);
            s.Store.DeleteProjectPermission(alice, project.Id, "alice");
            Assert.DoesNotContain(s.Store.GetProjectPermissions(Local), p => p.UserName == "alice");
        }

        // Items 2 and 5: a typed denial carrying who, what and where, phrased without route names.
        [Fact]
        public void A_role_denial_is_a_typed_exception_with_user_role_and_action()
        {
            using var s = new AccessStore();
            var reader = s.User("reader", canWrite: false);
            var denied = Assert.Throws<AccessDeniedException>(() => AccessPolicy.Require(reader, ApiOperation.PutUidAnnotations));
            Assert.Equal("PermissionDenied", denied.ErrorId);
            Assert.Equal(StickyErrorKind.PermissionDenied, denied.Kind);
            Assert.Equal("reader", denied.UserName);
            Assert.Equal(UserRole.ReadOnly, denied.Role);
            Assert.Equal(ApiOperation.PutUidAnnotations, denied.Operation);
            Assert.Equal("add UID annotations", denied.Action);
            Assert.True(denied.IsRoleDenial);
            Assert.Equal("User 'reader' is read-only and cannot add UID annotations.", denied.Message);
            Assert.Equal("User 'reader' is read-only and cannot add UID annotations (Set-UidAnnotation).", denied.Describe("Set-UidAnnotation"));
            Assert.DoesNotContain("put", denied.Message);

            var writer = s.User("writer");
            var notAdmin = Assert.Throws<AccessDeniedException>(() => AccessPolicy.Require(writer, ApiOperation.DeleteUsers));
            Assert.Equal("User 'writer' is not an administrator and cannot remove users.", notAdmin.Message);
        }

        [Fact]
        public void A_project_denial_names_the_project_and_the_levels_held_and_needed()
        {
            using var s = new AccessStore();
            var bob = s.User("bob");
            var project = s.Store.AddProject(Local, "lab");
            s.Store.PutProjectPermission(Local, project.Id, "bob", 1);
            var denied = Assert.Throws<AccessDeniedException>(() => s.Store.DeleteProject(bob, project.Id));
            Assert.False(denied.IsRoleDenial);
            Assert.Equal(project.Id, denied.ProjectId);
            Assert.Equal("lab", denied.ProjectName);
            Assert.Equal(ProjectLevel.Read, denied.HeldLevel);
            Assert.Equal(ProjectLevel.Admin, denied.RequiredLevel);
            Assert.Equal("User 'bob' holds level Read on project 'lab' (id " + project.Id + ") and cannot remove projects there: that needs level Admin.", denied.Message);
        }

        [Fact]
        public void Every_operation_has_a_plain_action_description()
        {
            foreach (ApiOperation operation in Enum.GetValues(typeof(ApiOperation)))
            {
                var action = AccessPolicy.DescribeAction(operation);
                Assert.NotEqual(operation.ToString(), action);
                Assert.DoesNotContain("_", action);
            }
        }

        // Item 4: one resolver, one error id, the candidates in the message.
        [Fact]
        public void An_ambiguous_project_name_lists_the_candidates_ids()
        {
            using var s = new AccessStore();
            var first = s.Store.AddProject(Local, "dup");
            var second = s.Store.AddProject(Local, "dup");
            var e = Assert.Throws<AmbiguousProjectNameException>(() => s.Store.ResolveProjectId(Local, "dup"));
            Assert.Equal("AmbiguousProjectName", e.ErrorId);
            Assert.Equal(StickyUserErrorIds.AmbiguousProjectName, e.ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.AmbiguousProjectName, e.ErrorId);
            Assert.Equal(new[] { first.Id, second.Id }, e.CandidateIds.ToArray());
            Assert.Contains(first.Id + ", " + second.Id, e.Message);
        }

        // Item 6: the name is checked before any password is hashed.
        [Fact]
        public void A_duplicate_user_is_refused_before_any_password_is_hashed()
        {
            using var s = new AccessStore();
            s.User("alice");
            long before = PasswordHash.HashesComputedOnThisThread;
            var e = Assert.ThrowsAny<StickyPiException>(() => s.Store.AddUser(Local, "alice", "another".ToCharArray()));
            Assert.Equal(StickyUserErrorIds.DuplicateUser, e.ErrorId);
            Assert.Equal(before, PasswordHash.HashesComputedOnThisThread);

            s.Store.AddUser(Local, "bob", "pw".ToCharArray());
            Assert.Equal(before + 1, PasswordHash.HashesComputedOnThisThread);
        }

        // Item 7: a caller who may not send images is refused once, before any file is read.
        [Fact]
        public void The_importer_refuses_a_read_only_caller_before_reading_anything()
        {
            using var s = new AccessStore();
            var reader = s.User("reader", canWrite: false);
            var denied = Assert.Throws<AccessDeniedException>(() => new ImageImporter(s.Store, reader));
            Assert.Equal(ApiOperation.PutImages, denied.Operation);
            Assert.True(denied.IsRoleDenial);
        }

        // Item 3: a stored key that would escape the destination is refused by name; the rest is pulled.
        [Fact]
        public void Pull_refuses_a_stored_key_that_escapes_the_destination_and_pulls_the_rest()
        {
            if (Path.DirectorySeparatorChar == '\\')
            {
                return; // a backslash cannot be part of a stored file name on Windows
            }

            using var tmp = new TempDir();
            using var store = MlKit.Store(tmp);
            var src = tmp.Combine("src");
            MlKit.Write(src, "config/a.yaml", "a: 1");
            var sync = MlKit.Sync(store);
            sync.Push("b", src);
            const string hostileKey = "data/..\\..\\x.svg";
            var dataDir = Directory.CreateDirectory(Path.Combine(store.RootDirectory, "ml", "b", "data")).FullName;
            File.WriteAllText(Path.Combine(dataDir, "..\\..\\x.svg"), "<svg/>");

            var dst = tmp.Combine("out", "b");
            var results = sync.Pull("b", dst);
            var refused = Assert.Single(results, r => r.Status == MlBundleTransferStatus.Failed);
            Assert.Equal(hostileKey, refused.Key);
            Assert.Equal(MlBundleErrorIds.InvalidKey, refused.ErrorId);
            Assert.Contains(hostileKey, refused.Error.Message);
            Assert.Single(results, r => r.Key == "config/a.yaml" && r.Status != MlBundleTransferStatus.Failed);
            Assert.True(File.Exists(Path.Combine(dst, "config", "a.yaml")));
            Assert.False(File.Exists(tmp.Combine("out", "x.svg")));
            Assert.False(File.Exists(tmp.Combine("x.svg")));
            Assert.Empty(Directory.EnumerateFiles(tmp.Combine("out"), "*x.svg", SearchOption.AllDirectories));
        }
    }
}
