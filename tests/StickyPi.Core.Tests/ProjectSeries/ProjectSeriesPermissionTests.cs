using System;
using System.Collections.Generic;
using System.Linq;
using StickyPi.Core.Access;
using StickyPi.Core.Local;
using StickyPi.Core.Model;
using static StickyPi.Core.Tests.ProjectSeries.SeriesStore;

namespace StickyPi.Core.Tests.ProjectSeries
{
    /// <summary>
    /// Every series/column operation × caller kind × level held on the project. The expectations are written out
    /// here (spec §1.4 roles, §3.7 levels), not derived from <see cref="AccessPolicy"/>.
    /// </summary>
    public class ProjectSeriesPermissionTests
    {
        public enum Op { Get, Add, Set, Delete, AddColumn, RenameColumn, RemoveColumn }

        public enum Who { Admin, ReadWrite, ReadOnly, ReadOnlyAdmin }

        public enum Outcome { Allowed, PermissionDenied, ProjectNotFound }

        /// <summary>Level each operation needs (spec §3.7): get 1, put series / put columns 2, delete series / delete columns 3.</summary>
        private static readonly Dictionary<Op, int> Required = new Dictionary<Op, int>
        {
            [Op.Get] = 1,
            [Op.Add] = 2,
            [Op.Set] = 2,
            [Op.Delete] = 3,
            [Op.AddColumn] = 2,
            [Op.RenameColumn] = 2,
            [Op.RemoveColumn] = 3,
        };

        public static IEnumerable<object[]> Matrix()
        {
            foreach (Op op in Enum.GetValues(typeof(Op)))
            {
                foreach (Who who in Enum.GetValues(typeof(Who)))
                {
                    for (int level = 0; level <= 3; level++)
                    {
                        yield return new object[] { op, who, level, Expected(op, who, level) };
                    }
                }
            }
        }

        private static Outcome Expected(Op op, Who who, int level)
        {
            bool write = op != Op.Get;
            bool readOnlyRole = who == Who.ReadOnly || who == Who.ReadOnlyAdmin;
            if (write && readOnlyRole)
            {
                return Outcome.PermissionDenied; // route roles: read-only users never write, whatever their level
            }

            if (who == Who.Admin || who == Who.ReadOnlyAdmin)
            {
                return Outcome.Allowed; // is_admin: every project qualifies
            }

            if (level == 0)
            {
                return Outcome.ProjectNotFound; // a project the caller cannot read is not revealed
            }

            return level >= Required[op] ? Outcome.Allowed : Outcome.PermissionDenied;
        }

        [Theory]
        [MemberData(nameof(Matrix))]
        public void Operation_is_allowed_exactly_when_role_and_level_permit(Op op, Who who, int level, Outcome expected)
        {
            using var s = new SeriesStore();
            long p = s.AddProject("lab1");
            s.Store.AddProjectColumn(Sys, p, "n", ProjectColumnType.Integer);
            var existing = s.Store.AddProjectSeries(Sys, p, "aaaaaaaa", T(1), T(2), new Dictionary<string, object> { ["n"] = 1 });
            long user = s.AddUser("caller", isAdmin: who == Who.Admin || who == Who.ReadOnlyAdmin, canWrite: who == Who.Admin || who == Who.ReadWrite);
            if (level > 0)
            {
                s.Grant(p, user, level);
            }

            var caller = s.Caller("caller");
            var before = s.Fingerprint();
            Action run = op switch
            {
                Op.Get => () => Assert.Single(s.Store.GetProjectSeries(caller, p)),
                Op.Add => () => Assert.Equal("bbbbbbbb", s.Store.AddProjectSeries(caller, p, "bbbbbbbb", T(1), T(2)).Device),
                Op.Set => () => Assert.Equal(5L, s.Store.SetProjectSeries(caller, p, existing.Id, new Dictionary<string, object> { ["n"] = 5 }).Columns["n"]),
                Op.Delete => () => Assert.Equal(existing.Id, s.Store.DeleteProjectSeries(caller, p, existing.Id).Id),
                Op.AddColumn => () => Assert.Equal("m", s.Store.AddProjectColumn(caller, p, "m", ProjectColumnType.Double).Name),
                Op.RenameColumn => () => Assert.Equal("k", s.Store.RenameProjectColumn(caller, p, "n", "k").Name),
                Op.RemoveColumn => () => Assert.Equal("n", s.Store.RemoveProjectColumn(caller, p, "n").Name),
                _ => throw new ArgumentOutOfRangeException(nameof(op)),
            };

            if (expected == Outcome.Allowed)
            {
                run();
                if (op != Op.Get)
                {
                    Assert.NotEqual(before, s.Fingerprint());
                }

                return;
            }

            var ex = Assert.ThrowsAny<StickyPiException>(run);
            if (expected == Outcome.PermissionDenied)
            {
                Assert.Equal(AccessPolicy.PermissionDeniedId, ex.ErrorId);
                Assert.Equal(StickyErrorKind.PermissionDenied, ex.Kind);
            }
            else
            {
                Assert.Equal(ProjectSeriesErrorIds.ProjectNotFound, ex.ErrorId);
                Assert.Equal(StickyErrorKind.NotFound, ex.Kind);
            }

            Assert.Equal(before, s.Fingerprint());
        }

        [Fact]
        public void The_matrix_covers_every_operation_caller_and_level()
        {
            var cases = Matrix().ToList();
            Assert.Equal(7 * 4 * 4, cases.Count);
            Assert.Contains(cases, c => (Outcome)c[3] == Outcome.Allowed && (Who)c[1] == Who.ReadWrite);
            Assert.Contains(cases, c => (Outcome)c[3] == Outcome.PermissionDenied && (Who)c[1] == Who.ReadWrite);
        }

        [Fact]
        public void A_level_on_another_project_gives_nothing_on_this_one()
        {
            using var s = new SeriesStore();
            long mine = s.AddProject("mine");
            long theirs = s.AddProject("theirs");
            long user = s.AddUser("ann", false, true);
            s.Grant(mine, user, 3);
            var ann = s.Caller("ann");
            s.Store.AddProjectSeries(ann, mine, "aaaaaaaa", T(1), T(2));
            Assert.Equal(ProjectSeriesErrorIds.ProjectNotFound, Assert.Throws<StickyPiException>(() => s.Store.AddProjectSeries(ann, theirs, "aaaaaaaa", T(1), T(2))).ErrorId);
            Assert.Equal(ProjectSeriesErrorIds.ProjectNotFound, Assert.Throws<StickyPiException>(() => s.Store.GetProjectSeries(ann, theirs)).ErrorId);
        }
    }
}
