using System;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Core.Tests.Access
{
    /// <summary>The policy's pure rules at their edges (what mutation testing found untested).</summary>
    public class AccessPolicyEdgeTests
    {
        private static readonly CallerIdentity Writer = new CallerIdentity(7, "writer", canWrite: true, isAdmin: false);
        private static readonly CallerIdentity Reader = new CallerIdentity(8, "reader", canWrite: false, isAdmin: false);

        // is_admin without can_write: a global administrator for project checks, but its role is ReadOnly.
        private static readonly CallerIdentity ReadOnlyAdmin = new CallerIdentity(9, "ro-admin", canWrite: false, isAdmin: true);

        [Fact]
        public void ANullCallerIsAProgrammingError()
        {
            Assert.Throws<ArgumentNullException>(() => AccessPolicy.IsAllowed(null, ApiOperation.GetImages));
        }

        [Fact]
        public void OnlyTheInternalCallerMayDeleteTheLastAdministrator()
        {
            Assert.True(AccessPolicy.MayDeleteLastAdministrator(CallerIdentity.LocalAdministrator));
            Assert.False(AccessPolicy.MayDeleteLastAdministrator(new CallerIdentity(1, "admin", canWrite: true, isAdmin: true)));
        }

        [Theory]
        [InlineData(ProjectLevel.ReadWrite, ApiOperation.PutProjectSeries, false)] // capped at Read
        [InlineData(ProjectLevel.Admin, ApiOperation.DeleteProjectSeries, false)]
        [InlineData(ProjectLevel.Admin, ApiOperation.GetProjectSeries, true)]
        [InlineData(ProjectLevel.Read, ApiOperation.GetProjectSeries, true)]
        [InlineData(ProjectLevel.None, ApiOperation.GetProjectSeries, false)]
        public void AReadOnlyUsersProjectLevelIsCappedAtRead(ProjectLevel held, ApiOperation operation, bool qualifies)
        {
            Assert.Equal(qualifies, AccessPolicy.QualifiesForProject(Reader, held, operation));
        }

        [Fact]
        public void ProjectChecksAlsoCheckTheRole()
        {
            // Qualifies on the project as a global administrator, yet its ReadOnly role may not write series.
            Assert.True(AccessPolicy.QualifiesForProject(ReadOnlyAdmin, ProjectLevel.None, ApiOperation.PutProjectSeries));
            var e = Assert.Throws<AccessDeniedException>(
                () => AccessPolicy.RequireProject(ReadOnlyAdmin, ProjectLevel.None, ApiOperation.PutProjectSeries, 3, "p"));
            Assert.Equal(AccessPolicy.PermissionDeniedId, e.ErrorId);
            Assert.Equal(ApiOperation.PutProjectSeries, e.Operation);

            AccessPolicy.RequireProject(ReadOnlyAdmin, ProjectLevel.None, ApiOperation.GetProjectSeries, 3, "p");
            AccessPolicy.RequireProject(Writer, ProjectLevel.ReadWrite, ApiOperation.PutProjectSeries, 3, "p");
            Assert.Throws<AccessDeniedException>(() => AccessPolicy.RequireProject(Writer, ProjectLevel.Read, ApiOperation.PutProjectSeries, 3, "p"));
        }

        [Theory]
        [InlineData(true, ProjectLevel.Admin, true)]
        [InlineData(true, ProjectLevel.ReadWrite, false)]
        [InlineData(true, ProjectLevel.None, false)]
        [InlineData(false, ProjectLevel.Admin, false)]
        [InlineData(false, ProjectLevel.Read, false)]
        public void OnlyAWriterHoldingAdminAdministersAProject(bool canWrite, ProjectLevel held, bool expected)
        {
            Assert.Equal(expected, AccessPolicy.CanAdministerProject(canWrite, held));
        }

        [Theory]
        [InlineData(-1)]
        [InlineData(0)]
        [InlineData(4)]
        [InlineData(int.MaxValue)]
        public void PermissionLevelsOutsideOneToThreeAreRefused(int level)
        {
            var e = Assert.Throws<StickyPiException>(() => AccessPolicy.CheckLevel(level));
            Assert.Equal("InvalidPermissionLevel", e.ErrorId);
            Assert.Equal(StickyErrorKind.InvalidArgument, e.Kind);
        }

        [Theory]
        [InlineData(1, ProjectLevel.Read)]
        [InlineData(2, ProjectLevel.ReadWrite)]
        [InlineData(3, ProjectLevel.Admin)]
        public void PermissionLevelsOneToThreeAreTheirLevel(int level, ProjectLevel expected)
        {
            Assert.Equal(expected, AccessPolicy.CheckLevel(level));
        }

        [Theory]
        [InlineData(ApiOperation.GetUsers, "list users")]
        [InlineData(ApiOperation.PutProjectPermissions, "grant project permissions")]
        [InlineData(ApiOperation.GetImages, "read images")]
        public void ActionsAreDescribedAsVerbPhrasesNotRouteNames(ApiOperation operation, string expected)
        {
            Assert.Equal(expected, AccessPolicy.DescribeAction(operation));
        }
    }
}
