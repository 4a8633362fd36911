using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using StickyPi.Core.Access;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.PowerShell.Completion;

namespace StickyPi.PowerShell.Cmdlets
{
    /// <summary>
    /// Stores UID annotations (upstream put_uid_annotations). Items are gathered from the pipeline, checked one by one
    /// (bad ones are reported and left out), and the valid ones stored together in one transaction.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "UidAnnotation", SupportsShouldProcess = true, DefaultParameterSetName = ImageSet)]
    [OutputType(typeof(UidAnnotation))]
    public sealed class SetUidAnnotationCommand : StickyCmdlet
    {
        protected override ApiOperation? RequiredOperation => ApiOperation.PutUidAnnotations;

        private const string ImageSet = "Image";
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private readonly List<KeyValuePair<UidAnnotationSubmission, object>> _items = new List<KeyValuePair<UidAnnotationSubmission, object>>();

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ImageSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DeviceCompleter))]
        public string Device { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ImageSet)]
        public DateTime DateTime { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ImageSet)]
        [ValidatePattern("^[0-9a-fA-F]{32}$")]
        public string Md5 { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ImageSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AlgoNameCompleter))]
        public string AlgoName { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ImageSet)]
        [ValidateNotNullOrEmpty]
        public string AlgoVersion { get; set; }

        /// <summary>The annotation objects (contour, name, fill_colour, stroke_colour, value…), stored verbatim.</summary>
        [Parameter(ParameterSetName = ImageSet)]
        [AllowEmptyCollection]
        public object[] Annotation { get; set; } = new object[0];

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        protected override void ProcessStickyRecord()
        {
            if (ParameterSetName == ImageSet)
            {
                var plain = Annotation.Select(a => PlainObjectConverter.ToPlain(a)).ToList();
                var target = new ImageKey(Device, DateTime).ToString();
                Add(() => UidAnnotationSubmission.Create(Device, DateTime, Md5, AlgoName, AlgoVersion, plain), target);
                return;
            }

            foreach (var file in ResolveFiles())
            {
                string json;
                try
                {
                    // Capped: a huge file is refused unread instead of filling the session's memory.
                    json = BoundedFile.ReadAllText(file, ActiveConnection.Store.Limits.MaxAnnotationFileBytes, "annotation file");
                }
                catch (StickyPiException ex)
                {
                    WriteStickyError(ex, file);
                    continue;
                }

                IReadOnlyList<UidAnnotationSubmission> parsed;
                try
                {
                    parsed = UidAnnotationFile.Parse(json, file);
                }
                catch (StickyPiException ex)
                {
                    WriteStickyError(ex, file);
                    continue;
                }

                foreach (var item in parsed)
                {
                    _items.Add(new KeyValuePair<UidAnnotationSubmission, object>(item, file));
                }
            }
        }

        protected override void EndStickyProcessing()
        {
            if (_items.Count == 0)
            {
                return;
            }

            var submissions = _items.Select(i => i.Key).ToList();
            var problems = ActiveConnection.Store.ValidateUidAnnotations(Caller, submissions);
            var bad = new HashSet<int>();
            foreach (var problem in problems)
            {
                bad.Add(problem.Index);
                WriteStickyError(problem.ToException(), _items[problem.Index].Value);
            }

            var good = new List<UidAnnotationSubmission>();
            for (int i = 0; i < submissions.Count; i++)
            {
                var s = submissions[i];
                if (!bad.Contains(i) && ShouldProcess($"{s.Device}.{s.DateTime:yyyy-MM-dd_HH-mm-ss} ({s.AlgoName} {s.AlgoVersion}, {s.AnnotationCount} objects)", "Store UID annotation"))
                {
                    good.Add(s);
                }
            }

            if (good.Count == 0)
            {
                return;
            }

            try
            {
                WriteObject(ActiveConnection.Store.PutUidAnnotations(Caller, good), enumerateCollection: true);
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, ex.Target);
            }
        }

        private void Add(Func<UidAnnotationSubmission> create, object target)
        {
            try
            {
                _items.Add(new KeyValuePair<UidAnnotationSubmission, object>(create(), target));
            }
            catch (StickyPiException ex)
            {
                WriteStickyError(ex, target);
            }
        }

        private IEnumerable<string> ResolveFiles()
        {
            var inputs = ParameterSetName == PathSet ? Path : LiteralPath;
            foreach (var input in inputs)
            {
                var files = ResolveFileSystemPaths(input, literal: ParameterSetName != PathSet);
                foreach (var f in files)
                {
                    yield return f;
                }
            }
        }
    }
}
