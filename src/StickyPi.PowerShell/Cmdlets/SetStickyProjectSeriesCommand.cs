using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using StickyPi.Core.Model;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>Changes values of existing project series rows (upstream put_project_series with an id).</summary>
    [Cmdlet(VerbsCommon.Set, "StickyProjectSeries", SupportsShouldProcess = true, DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(ProjectSeriesRow))]
    public sealed class SetStickyProjectSeriesCommand : StickyCmdlet
    {
        private const string InputObjectSet = "InputObject";
        private const string IdSet = "Id";

        /// <summary>Rows from Get-StickyProjectSeries (only their ProjectId and Id are used).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        public ProjectSeriesRow InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet)]
        [Alias("project_id")]
        public long ProjectId { get; set; }

        /// <summary>The row id within the project (not the project id).</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = IdSet)]
        public long Id { get; set; }

        /// <summary>New values of custom columns by name ($null empties a column).</summary>
        [Parameter]
        public IDictionary Value { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DeviceCompleter))]
        public string Device { get; set; }

        [Parameter]
        [Alias("start_datetime", "StartDateTime")]
        public DateTime StartTime { get; set; }

        [Parameter]
        [Alias("end_datetime", "EndDateTime")]
        public DateTime EndTime { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginStickyProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            if (!bound.ContainsKey(nameof(Value)) && !bound.ContainsKey(nameof(Device)) && !bound.ContainsKey(nameof(StartTime)) && !bound.ContainsKey(nameof(EndTime)))
            {
                ThrowTerminatingError(new ErrorRecord(new PSArgumentException("Nothing to set: give -Value, -Device, -StartTime or -EndTime."),
                    "NothingToSet", ErrorCategory.InvalidArgument, null));
            }
        }

        protected override void ProcessStickyRecord()
        {
            long projectId = ParameterSetName == InputObjectSet ? InputObject.ProjectId : ProjectId;
            long id = ParameterSetName == InputObjectSet ? InputObject.Id : Id;
            try
            {
                var values = ProjectSeriesOutput.ToValues(Value);
                var bound = MyInvocation.BoundParameters;
                if (bound.ContainsKey(nameof(Device)))
                {
                    Add(values, "device", Device);
                }

                if (bound.ContainsKey(nameof(StartTime)))
                {
                    Add(values, "start_datetime", StartTime);
                }

                if (bound.ContainsKey(nameof(EndTime)))
                {
                    Add(values, "end_datetime", EndTime);
                }

                string target = InputObject != null && ParameterSetName == InputObjectSet ? ProjectSeriesOutput.Describe(InputObject) : $"project {projectId}, series {id}";
                if (!ShouldProcess(target, "Set " + string.Join(", ", values.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase))))
                {
                    return;
                }

                var row = ActiveConnection.Store.SetProjectSeries(Caller, projectId, id, values);
                if (PassThru)
                {
                    WriteObject(ProjectSeriesOutput.Wrap(row));
                }
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, (object)InputObject ?? id);
            }
        }

        private static void Add(System.Collections.Generic.Dictionary<string, object> values, string column, object value)
        {
            if (values.ContainsKey(column))
            {
                throw new StickyPiException("InvalidProjectSeriesValue", StickyErrorKind.InvalidArgument,
                    "Column '" + column + "' is given both in -Value and as a parameter.", column);
            }

            values[column] = value;
        }
    }
}
