using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace StickyPi.HelpBuilder
{
    /// <summary>One problem found in a markdown file, with the 1-based line it refers to.</summary>
    public sealed class HelpDiagnostic
    {
        public HelpDiagnostic(string file, int line, string code, string message)
        {
            File = file ?? string.Empty;
            Line = line < 1 ? 1 : line;
            Code = code;
            Message = message;
        }

        public string File { get; }

        public int Line { get; }

        /// <summary>A stable identifier such as <c>HB0101</c>.</summary>
        public string Code { get; }

        public string Message { get; }

        /// <summary>MSBuild canonical error format, so an Exec task reports it as a build error at file and line.</summary>
        public override string ToString() =>
            string.Format(CultureInfo.InvariantCulture, "{0}({1}): error {2}: {3}", File, Line, Code, Message);
    }

    /// <summary>Thrown when a markdown file does not follow the platyPS schema; carries every problem found.</summary>
    public sealed class HelpFormatException : Exception
    {
        public HelpFormatException(IEnumerable<HelpDiagnostic> diagnostics)
            : this(diagnostics.ToList())
        {
        }

        private HelpFormatException(List<HelpDiagnostic> diagnostics)
            : base(string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString())))
        {
            Diagnostics = diagnostics;
        }

        public IReadOnlyList<HelpDiagnostic> Diagnostics { get; }
    }

    /// <summary>Diagnostic codes (stable; documented in Program.cs).</summary>
    public static class HelpDiagnosticCodes
    {
        public const string Markdown = "HB0001";
        public const string FrontMatter = "HB0002";
        public const string Title = "HB0003";
        public const string Section = "HB0004";
        public const string Synopsis = "HB0101";
        public const string Syntax = "HB0102";
        public const string Description = "HB0103";
        public const string Examples = "HB0104";
        public const string ExampleCode = "HB0105";
        public const string Parameter = "HB0106";
        public const string ParameterYaml = "HB0107";
        public const string InputsOutputs = "HB0108";
        public const string Links = "HB0109";
        public const string Placeholder = "HB0110";
        public const string About = "HB0201";
        public const string Manifest = "HB0301";
    }
}
