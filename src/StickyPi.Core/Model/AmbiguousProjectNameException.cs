using System.Collections.Generic;
using System.Linq;

namespace StickyPi.Core.Model
{
    /// <summary>
    /// Several projects the caller may see have the name given (upstream lets names repeat): ErrorId
    /// <c>AmbiguousProjectName</c> wherever a project is named, with the candidates' ids so the caller can pick one.
    /// </summary>
    public sealed class AmbiguousProjectNameException : StickyPiException
    {
        public const string Id = "AmbiguousProjectName";

        public AmbiguousProjectNameException(string name, IReadOnlyList<long> candidateIds)
            : base(Id, StickyErrorKind.InvalidArgument,
                candidateIds.Count + " projects you may see are named '" + name + "' (ids " + string.Join(", ", candidateIds) + "); name the project by its id.",
                name)
        {
            Name = name;
            CandidateIds = candidateIds.ToList();
        }

        public string Name { get; }

        public IReadOnlyList<long> CandidateIds { get; }
    }
}
