using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;

namespace StickyPi.HelpBuilder
{
    /// <summary>
    /// Writes MAML (the <c>*-Help.xml</c> format Get-Help reads) with the element layout platyPS's New-ExternalHelp
    /// emits: <c>helpItems</c> in the <c>http://msh</c> namespace holding one <c>command:command</c> per cmdlet, each
    /// declaring the maml/command/dev/MSHelp prefixes.
    /// </summary>
    public static class MamlWriter
    {
        public const string MshNamespace = "http://msh";
        public const string MamlNamespace = "http://schemas.microsoft.com/maml/2004/10";
        public const string CommandNamespace = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        public const string DevNamespace = "http://schemas.microsoft.com/maml/dev/2004/10";
        public const string MsHelpNamespace = "http://msdn.microsoft.com/mshelp";

        private const string ExampleTitleDashes = "--------------------------";

        /// <summary>The MAML document as a string (UTF-8 declaration, <c>\n</c> line ends, two-space indent).</summary>
        public static string ToXml(IEnumerable<CommandHelp> commands)
        {
            using (var stream = new MemoryStream())
            {
                Write(commands, stream);
                return new UTF8Encoding(false).GetString(stream.ToArray());
            }
        }

        public static void Write(IEnumerable<CommandHelp> commands, Stream output)
        {
            var settings = new XmlWriterSettings
            {
                Encoding = new UTF8Encoding(false),
                Indent = true,
                IndentChars = "  ",
                NewLineChars = "\n",
                NewLineHandling = NewLineHandling.Replace,
                CloseOutput = false,
            };

            using (XmlWriter w = XmlWriter.Create(output, settings))
            {
                w.WriteStartDocument();
                w.WriteStartElement("helpItems", MshNamespace);
                w.WriteAttributeString("schema", "maml");
                foreach (CommandHelp command in commands)
                {
                    WriteCommand(w, command);
                }

                w.WriteEndElement();
                w.WriteEndDocument();
            }
        }

        /// <summary>The example title as Get-Help shows it: <c>-------------------------- Example 1: … --------------------------</c>.</summary>
        public static string ExampleTitle(string title) => ExampleTitleDashes + " " + title + " " + ExampleTitleDashes;

        private static void WriteCommand(XmlWriter w, CommandHelp c)
        {
            w.WriteStartElement("command", "command", CommandNamespace);
            w.WriteAttributeString("xmlns", "maml", null, MamlNamespace);
            w.WriteAttributeString("xmlns", "command", null, CommandNamespace);
            w.WriteAttributeString("xmlns", "dev", null, DevNamespace);
            w.WriteAttributeString("xmlns", "MSHelp", null, MsHelpNamespace);

            w.WriteStartElement("command", "details", CommandNamespace);
            w.WriteElementString("command", "name", CommandNamespace, c.Name);
            w.WriteElementString("command", "verb", CommandNamespace, c.Verb);
            w.WriteElementString("command", "noun", CommandNamespace, c.Noun);
            WriteDescription(w, c.Synopsis);
            w.WriteEndElement();

            WriteDescription(w, c.Description);

            w.WriteStartElement("command", "syntax", CommandNamespace);
            foreach (SyntaxSet set in c.SyntaxSets)
            {
                w.WriteStartElement("command", "syntaxItem", CommandNamespace);
                w.WriteElementString("maml", "name", MamlNamespace, c.Name);
                foreach (SyntaxParameter sp in set.Parameters)
                {
                    WriteParameter(w, sp.Parameter, sp.Metadata, inSyntax: true);
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();

            w.WriteStartElement("command", "parameters", CommandNamespace);
            foreach (HelpParameter p in c.Parameters.Where(x => x.Metadata.Count > 0))
            {
                WriteParameter(w, p, p.Metadata[0], inSyntax: false);
            }

            w.WriteEndElement();

            w.WriteStartElement("command", "inputTypes", CommandNamespace);
            foreach (HelpTypeEntry t in c.Inputs)
            {
                WriteTypeEntry(w, "inputType", t);
            }

            w.WriteEndElement();

            w.WriteStartElement("command", "returnValues", CommandNamespace);
            foreach (HelpTypeEntry t in c.Outputs)
            {
                WriteTypeEntry(w, "returnValue", t);
            }

            w.WriteEndElement();

            w.WriteStartElement("maml", "alertSet", MamlNamespace);
            w.WriteStartElement("maml", "alert", MamlNamespace);
            WriteParas(w, c.Notes);
            w.WriteEndElement();
            w.WriteEndElement();

            w.WriteStartElement("command", "examples", CommandNamespace);
            foreach (HelpExample e in c.Examples)
            {
                w.WriteStartElement("command", "example", CommandNamespace);
                w.WriteElementString("maml", "title", MamlNamespace, ExampleTitle(e.Title));
                w.WriteElementString("dev", "code", DevNamespace, e.Code ?? string.Empty);
                w.WriteStartElement("dev", "remarks", DevNamespace);
                WriteParas(w, e.Remarks);
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();

            w.WriteStartElement("command", "relatedLinks", CommandNamespace);
            var links = new List<HelpLink>();
            if (MarkdownPage.IsAbsoluteUri(c.OnlineVersion) && !c.RelatedLinks.Any(l => l.Uri == c.OnlineVersion))
            {
                // Get-Help -Online opens the first link's URI; platyPS inserts the front matter's URL there.
                links.Add(new HelpLink { Text = "Online Version:", Uri = c.OnlineVersion });
            }

            links.AddRange(c.RelatedLinks);
            foreach (HelpLink link in links)
            {
                w.WriteStartElement("maml", "navigationLink", MamlNamespace);
                w.WriteElementString("maml", "linkText", MamlNamespace, link.Text);
                w.WriteElementString("maml", "uri", MamlNamespace, MarkdownPage.IsAbsoluteUri(link.Uri) ? link.Uri : string.Empty);
                w.WriteEndElement();
            }

            w.WriteEndElement();

            w.WriteEndElement(); // command:command
        }

        private static void WriteParameter(XmlWriter w, HelpParameter p, ParameterMetadata m, bool inSyntax)
        {
            string type = m.IsSwitch ? "SwitchParameter" : m.Type;
            w.WriteStartElement("command", "parameter", CommandNamespace);
            w.WriteAttributeString("required", m.Required ? "true" : "false");
            w.WriteAttributeString("variableLength", "true");
            w.WriteAttributeString("globbing", m.AcceptsWildcards ? "true" : "false");
            w.WriteAttributeString("pipelineInput", m.PipelineInput);
            w.WriteAttributeString("position", m.Position.ToLowerInvariant());
            w.WriteAttributeString("aliases", m.Aliases.Count > 0 ? string.Join(", ", m.Aliases) : "none");

            w.WriteElementString("maml", "name", MamlNamespace, p.Name);
            WriteDescription(w, p.Description);

            if (inSyntax && m.AcceptedValues.Count > 0)
            {
                w.WriteStartElement("command", "parameterValueGroup", CommandNamespace);
                foreach (string v in m.AcceptedValues)
                {
                    w.WriteStartElement("command", "parameterValue", CommandNamespace);
                    w.WriteAttributeString("required", "false");
                    w.WriteAttributeString("variableLength", "false");
                    w.WriteString(v);
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }

            // As platyPS: a switch shows no value in syntax ("[-Recurse]"), but is typed in the parameter list.
            if (!inSyntax || !m.IsSwitch)
            {
                w.WriteStartElement("command", "parameterValue", CommandNamespace);
                w.WriteAttributeString("required", m.IsSwitch ? "false" : "true");
                w.WriteAttributeString("variableLength", "false");
                w.WriteString(type);
                w.WriteEndElement();
            }

            w.WriteStartElement("dev", "type", DevNamespace);
            w.WriteElementString("maml", "name", MamlNamespace, type);
            w.WriteStartElement("maml", "uri", MamlNamespace);
            w.WriteEndElement();
            w.WriteEndElement();

            string defaultValue = m.DefaultValue;
            if (m.IsSwitch && (string.IsNullOrEmpty(defaultValue) || string.Equals(defaultValue, "None", StringComparison.OrdinalIgnoreCase)))
            {
                defaultValue = "False";
            }

            w.WriteElementString("dev", "defaultValue", DevNamespace, string.IsNullOrEmpty(defaultValue) ? "None" : defaultValue);
            w.WriteEndElement();
        }

        private static void WriteTypeEntry(XmlWriter w, string element, HelpTypeEntry t)
        {
            w.WriteStartElement("command", element, CommandNamespace);
            w.WriteStartElement("dev", "type", DevNamespace);
            w.WriteElementString("maml", "name", MamlNamespace, t.TypeName);
            w.WriteEndElement();
            WriteDescription(w, t.Description);
            w.WriteEndElement();
        }

        private static void WriteDescription(XmlWriter w, IEnumerable<string> paragraphs)
        {
            w.WriteStartElement("maml", "description", MamlNamespace);
            WriteParas(w, paragraphs);
            w.WriteEndElement();
        }

        /// <summary>One <c>maml:para</c> per paragraph; Get-Help separates paras with a blank line itself.</summary>
        private static void WriteParas(XmlWriter w, IEnumerable<string> paragraphs)
        {
            foreach (string p in paragraphs ?? Enumerable.Empty<string>())
            {
                w.WriteElementString("maml", "para", MamlNamespace, p);
            }
        }
    }
}
