using System;
using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Model;

namespace StickyPi.Core.Tests.Access
{
    /// <summary>
    /// Every API operation × every role, against a table written out here from spec §1.4 (with the deliberate fixes of
    /// §8 #3 and #4), independently of AccessPolicy's own table.
    /// </summary>
    public class RouteRoleTableTests
    {
        private const string A = "admin", W = "read-write", R = "read-only";

        private static readonly Dictionary<ApiOperation, string[]> Expected = new Dictionary<ApiOperation, string[]>
        {
            [ApiOperation.GetToken] = new[] { A, W, R },
            [ApiOperation.GetUsers] = new[] { A, W, R },
            [ApiOperation.PutUsers] = new[] { A },
            [ApiOperation.DeleteUsers] = new[] { A },                 // §8 #3: upstream also allows read-write
            [ApiOperation.GetProjects] = new[] { A, W, R },
            [ApiOperation.PutProjects] = new[] { A, W },
            [ApiOperation.DeleteProjects] = new[] { A, W },
            [ApiOperation.GetProjectPermissions] = new[] { A, W, R },
            [ApiOperation.PutProjectPermissions] = new[] { A, W },
            [ApiOperation.DeleteProjectPermissions] = new[] { A, W },
            [ApiOperation.GetProjectSeries] = new[] { A, W, R },
            [ApiOperation.PutProjectSeries] = new[] { A, W },
            [ApiOperation.DeleteProjectSeries] = new[] { A, W },
            [ApiOperation.PutProjectColumns] = new[] { A, W },
            [ApiOperation.DeleteProjectColumns] = new[] { A, W },
            [ApiOperation.GetImages] = new[] { A, W, R },
            [ApiOperation.PutImages] = new[] { A, W },
            [ApiOperation.DeleteImages] = new[] { A },
            [ApiOperation.GetImagesToAnnotate] = new[] { A, W },
            [ApiOperation.PutUidAnnotations] = new[] { A, W },
            [ApiOperation.GetUidAnnotations] = new[] { A, W, R },
            [ApiOperation.PutTiledTuboids] = new[] { A, W },
            [ApiOperation.GetTiledTuboids] = new[] { A, W, R },
            [ApiOperation.DeleteTiledTuboids] = new[] { A },
            [ApiOperation.PutItcLabels] = new[] { A, W },
            [ApiOperation.GetItcLabels] = new[] { A, W, R },
            [ApiOperation.GetMlBundleFileList] = new[] { A, W, R },
            [ApiOperation.GetMlBundleUploadLinks] = new[] { A, W },   // §8 #4: upstream also allows read-only
        };

        private static readonly Dictionary<string, CallerIdentity> Callers = new Dictionary<string, CallerIdentity>
        {
            [A] = new CallerIdentity(1, "admin", canWrite: true, isAdmin: true),
            [W] = new CallerIdentity(2, "writer", canWrite: true, isAdmin: false),
            [R] = new CallerIdentity(3, "reader", canWrite: false, isAdmin: false),
        };

        public static IEnumerable<object[]> Cells() =>
            Enum.GetValues(typeof(ApiOperation)).Cast<ApiOperation>()
                .SelectMany(op => Callers.Keys.Select(role => new object[] { op, role }));

        [Fact]
        public void The_table_covers_every_operation()
        {
            Assert.Equal(Enum.GetValues(typeof(ApiOperation)).Cast<ApiOperation>().OrderBy(o => o), Expected.Keys.OrderBy(o => o));
        }

        [Theory]
        [MemberData(nameof(Cells))]
        public void Role_may_call_operation_exactly_as_the_route_table_says(ApiOperation operation, string role)
        {
            var caller = Callers[role];
            bool expected = Expected[operation].Contains(role);
            Assert.Equal(expected, AccessPolicy.IsAllowed(caller, operation));
            if (expected)
            {
                AccessPolicy.Require(caller, operation);
            }
            else
            {
                var ex = Assert.ThrowsAny<StickyPiException>(() => AccessPolicy.Require(caller, operation));
                Assert.Equal(AccessPolicy.PermissionDeniedId, ex.ErrorId);
                Assert.Equal(StickyErrorKind.PermissionDenied, ex.Kind);
                var denied = Assert.IsType<AccessDeniedException>(ex);
                Assert.Equal(caller.UserName, denied.UserName);
                Assert.Equal(operation, denied.Operation);
                Assert.Null(ex.Target); // a role denial is about no object in particular: the caller names its item
            }
        }

        [Fact]
        public void A_read_only_administrator_is_a_read_only_user_for_routes()
        {
            var readOnlyAdmin = new CallerIdentity(4, "ro-admin", canWrite: false, isAdmin: true);
            Assert.Equal(UserRole.ReadOnly, readOnlyAdmin.Role);
            Assert.False(AccessPolicy.IsAllowed(readOnlyAdmin, ApiOperation.PutImages));
            Assert.True(AccessPolicy.IsAllowed(readOnlyAdmin, ApiOperation.GetImages));
        }
    }
}
