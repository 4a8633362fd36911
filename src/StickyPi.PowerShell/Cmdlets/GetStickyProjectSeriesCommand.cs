using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Gets the series rows of projects (upstream get_project_series), custom columns as properties.</summary>
    [Cmdlet(VerbsCommon.Get, "StickyProjectSeries", DefaultParameterSetName = ProjectIdSet)]
    [OutputType(typeof(ProjectSeriesRow))]
    public sealed class GetStickyProjectSeriesCommand : ProjectsCmdlet
    {
        protected override void ProcessProject(long projectId)
        {
            IReadOnlyList<ProjectSeriesRow> rows;
            try
            {
                rows = ActiveConnection.Store.GetProjectSeries(Caller, projectId).ToList();
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, projectId);
                return;
            }

            WriteDebug($"Project {projectId}: {rows.Count} series row(s).");
            foreach (var row in rows)
            {
                WriteObject(ProjectSeriesOutput.Wrap(row));
            }
        }
    }

    /// <summary>Shared by the project series cmdlets: output objects and -Value hashtables.</summary>
    internal static class ProjectSeriesOutput
    {
        /// <summary>
        /// The row with each custom column also as a note property, so Where-Object and Format-Table see them. A custom
        /// column named like a row property (ProjectId, StartDateTime, EndDateTime, Columns) stays in Columns only.
        /// </summary>
        public static PSObject Wrap(ProjectSeriesRow row)
        {
            var pso = new PSObject(row);
            foreach (var pair in row.Columns)
            {
                if (pso.Properties[pair.Key] == null)
                {
                    pso.Properties.Add(new PSNoteProperty(pair.Key, pair.Value));
                }
            }

            return pso;
        }

        /// <summary>A -Value hashtable as plain values by column name (PSObject wrappers removed).</summary>
        public static Dictionary<string, object> ToValues(IDictionary value)
        {
            var values = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            if (value == null)
            {
                return values;
            }

            foreach (DictionaryEntry e in value)
            {
                var key = e.Key is PSObject pk ? pk.BaseObject : e.Key;
                var name = key?.ToString() ?? string.Empty;
                if (values.ContainsKey(name))
                {
                    throw new StickyPiException("InvalidProjectSeriesValue", StickyErrorKind.InvalidArgument, "Column '" + name + "' is given twice in -Value.", name);
                }

                values[name] = PlainObjectConverter.ToPlain(e.Value);
            }

            return values;
        }

        public static string Describe(ProjectSeriesRow row) =>
            $"project {row.ProjectId}, series {row.Id} ({row.Device} {row.StartDateTime:yyyy-MM-dd HH:mm:ss}..{row.EndDateTime:yyyy-MM-dd HH:mm:ss})";
    }
}
