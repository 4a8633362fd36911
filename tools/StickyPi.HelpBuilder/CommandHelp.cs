using System.Collections.Generic;

namespace StickyPi.HelpBuilder
{
    /// <summary>The content of one platyPS (schema 2.0.0) cmdlet page, as parsed from markdown.</summary>
    public sealed class CommandHelp
    {
        public string SourcePath { get; set; }

        /// <summary>The <c># Name</c> heading, e.g. <c>Get-StickySeries</c>.</summary>
        public string Name { get; set; }

        public int NameLine { get; set; }

        /// <summary>Every key of the YAML front matter, as written (keys compared case-insensitively).</summary>
        public Dictionary<string, string> Metadata { get; } = new Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase);

        public string ExternalHelpFile => Get("external help file");

        public string ModuleName => Get("Module Name");

        public string OnlineVersion => Get("online version");

        public string Schema => Get("schema");

        public string Verb => Name.IndexOf('-') > 0 ? Name.Substring(0, Name.IndexOf('-')) : Name;

        public string Noun => Name.IndexOf('-') > 0 ? Name.Substring(Name.IndexOf('-') + 1) : string.Empty;

        /// <summary>Paragraphs of <c>## SYNOPSIS</c> (inline markdown already reduced to text).</summary>
        public List<string> Synopsis { get; } = new List<string>();

        public List<string> Description { get; } = new List<string>();

        public List<SyntaxSet> SyntaxSets { get; } = new List<SyntaxSet>();

        public List<HelpExample> Examples { get; } = new List<HelpExample>();

        public List<HelpParameter> Parameters { get; } = new List<HelpParameter>();

        /// <summary>True when the page has <c>### CommonParameters</c>.</summary>
        public bool SupportsCommonParameters { get; set; }

        public List<HelpTypeEntry> Inputs { get; } = new List<HelpTypeEntry>();

        public List<HelpTypeEntry> Outputs { get; } = new List<HelpTypeEntry>();

        public List<string> Notes { get; } = new List<string>();

        public List<HelpLink> RelatedLinks { get; } = new List<HelpLink>();

        private string Get(string key) => Metadata.TryGetValue(key, out var v) ? v : null;
    }

    /// <summary>A <c>### SetName</c> entry of <c>## SYNTAX</c> with its code block.</summary>
    public sealed class SyntaxSet
    {
        public string Name { get; set; }

        public bool IsDefault { get; set; }

        /// <summary>The syntax line(s) as written; MAML syntax is generated from parameter metadata, as platyPS does.</summary>
        public string Code { get; set; }

        public int Line { get; set; }

        /// <summary>Parameters of this set in syntax order, filled by <see cref="MarkdownHelpParser"/>.</summary>
        public List<SyntaxParameter> Parameters { get; } = new List<SyntaxParameter>();
    }

    /// <summary>A parameter as it appears in one parameter set (its metadata can differ between sets).</summary>
    public sealed class SyntaxParameter
    {
        public SyntaxParameter(HelpParameter parameter, ParameterMetadata metadata)
        {
            Parameter = parameter;
            Metadata = metadata;
        }

        public HelpParameter Parameter { get; }

        public ParameterMetadata Metadata { get; }
    }

    public sealed class HelpExample
    {
        /// <summary>The heading text, e.g. <c>Example 1: Import a season</c>.</summary>
        public string Title { get; set; }

        public int Line { get; set; }

        /// <summary>All code blocks of the example joined by a blank line (platyPS does the same).</summary>
        public string Code { get; set; }

        /// <summary>The first code block alone (the command a reader types).</summary>
        public string FirstCode { get; set; }

        /// <summary>Introduction paragraphs (before the code) followed by remarks (after it).</summary>
        public List<string> Remarks { get; } = new List<string>();
    }

    public sealed class HelpParameter
    {
        /// <summary>Name without the leading dash.</summary>
        public string Name { get; set; }

        public int Line { get; set; }

        public List<string> Description { get; } = new List<string>();

        /// <summary>One entry per <c>```yaml</c> block; the first one describes the parameter in <c>command:parameters</c>.</summary>
        public List<ParameterMetadata> Metadata { get; } = new List<ParameterMetadata>();
    }

    /// <summary>The keys of a parameter's YAML block.</summary>
    public sealed class ParameterMetadata
    {
        public const string AllParameterSets = "(All)";

        public int Line { get; set; }

        public string Type { get; set; }

        public List<string> ParameterSets { get; } = new List<string>();

        public List<string> Aliases { get; } = new List<string>();

        public List<string> AcceptedValues { get; } = new List<string>();

        public bool Required { get; set; }

        /// <summary><c>0</c>, <c>1</c>, … or <c>Named</c>.</summary>
        public string Position { get; set; } = "Named";

        public string DefaultValue { get; set; }

        /// <summary>Normalised: <c>False</c>, <c>True (ByValue)</c>, <c>True (ByPropertyName)</c>, <c>True (ByValue, ByPropertyName)</c>.</summary>
        public string PipelineInput { get; set; } = "False";

        public bool AcceptsWildcards { get; set; }

        public bool IsSwitch =>
            Type != null && (Type.Equals("switch", System.StringComparison.OrdinalIgnoreCase)
                             || Type.Equals("SwitchParameter", System.StringComparison.OrdinalIgnoreCase)
                             || Type.Equals("System.Management.Automation.SwitchParameter", System.StringComparison.OrdinalIgnoreCase));

        public bool IsPositional => int.TryParse(Position, out _);

        public bool AppliesTo(string setName)
        {
            foreach (var s in ParameterSets)
            {
                if (s == AllParameterSets || string.Equals(s, setName, System.StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>An <c>### TypeName</c> entry of <c>## INPUTS</c> or <c>## OUTPUTS</c>.</summary>
    public sealed class HelpTypeEntry
    {
        public string TypeName { get; set; }

        public List<string> Description { get; } = new List<string>();
    }

    public sealed class HelpLink
    {
        public string Text { get; set; }

        /// <summary>The link target as written (may be a relative <c>.md</c> path); MAML gets it only when absolute.</summary>
        public string Uri { get; set; }
    }
}
