using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StickyPi.Core.Model;

namespace StickyPi.Core.Access
{
    /// <summary>How a project named by a user is found, the same for every back-end.</summary>
    internal static class ProjectNames
    {
        /// <summary>
        /// Among the projects the caller may see: the one with exactly this name; else the only one whose name differs in
        /// case only; else the text as a numeric id. Several candidates are <c>AmbiguousProjectName</c>, none
        /// <c>ProjectNotFound</c>.
        /// </summary>
        public static long Resolve(IReadOnlyList<StickyProject> visible, string project, CallerIdentity caller)
        {
            var exact = visible.Where(p => string.Equals(p.Name, project, StringComparison.Ordinal)).ToList();
            var candidates = exact.Count > 0 ? exact : visible.Where(p => string.Equals(p.Name, project, StringComparison.OrdinalIgnoreCase)).ToList();
            if (candidates.Count == 1)
            {
                return candidates[0].Id;
            }

            if (candidates.Count > 1)
            {
                throw new AmbiguousProjectNameException(project, candidates.Select(p => p.Id).ToList());
            }

            if (long.TryParse(project, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
            {
                return id;
            }

            throw new StickyPiException(StickyUserErrorIds.ProjectNotFound, StickyErrorKind.NotFound,
                "No project named '" + project + "' that '" + caller + "' may see.", project);
        }
    }
}
