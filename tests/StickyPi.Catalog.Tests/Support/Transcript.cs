using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StickyPi.Core.Model;

namespace StickyPi.Catalog.Tests.Support
{
    /// <summary>
    /// A scripted session's answers as text lines, so one session run against two catalogs can be compared line for
    /// line: each step's result (lists item by item) or the error it raised, with its id, kind and message.
    /// </summary>
    internal sealed class Transcript
    {
        private readonly Func<object, string> _describe;

        /// <param name="describe">One result as text, or null for the default (invariant text).</param>
        public Transcript(Func<object, string> describe) => _describe = describe;

        public List<string> Lines { get; } = new List<string>();

        public void Add(string line) => Lines.Add(line);

        public void Do(string what, Func<object> step)
        {
            try
            {
                Lines.Add(what + " => " + Describe(step()));
            }
            catch (StickyPiException e)
            {
                Lines.Add(what + " => " + e.ErrorId + " (" + e.Kind + "): " + e.Message);
            }
        }

        private string Describe(object result) => result is System.Collections.IEnumerable list && !(result is string)
            ? "[" + string.Join("; ", list.Cast<object>().Select(Describe)) + "]"
            : _describe(result) ?? Convert.ToString(result, CultureInfo.InvariantCulture);
    }
}
