using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace StickyPi.Host
{
    /// <summary>Writes pipeline records as one JSON object per line (serialised, since events come from several threads).</summary>
    internal sealed class JsonLineWriter
    {
        private readonly TextWriter _out;
        private readonly object _gate = new object();

        public JsonLineWriter(TextWriter output) => _out = output;

        public void WriteObject(PSObject obj)
        {
            Write(w =>
            {
                w.WriteString("kind", "output");
                w.WriteStartArray("typeNames");
                foreach (var t in obj?.TypeNames ?? Enumerable.Empty<string>())
                {
                    w.WriteStringValue(t);
                }

                w.WriteEndArray();
                w.WriteString("text", obj?.BaseObject?.ToString());
                w.WritePropertyName("properties");
                WriteProperties(w, obj, depth: 0);
            });
        }

        public void WriteError(ErrorRecord record, bool terminating)
        {
            Write(w =>
            {
                w.WriteString("kind", terminating ? "terminating" : "error");
                w.WriteString("errorId", record?.FullyQualifiedErrorId);
                w.WriteString("category", record?.CategoryInfo.Category.ToString());
                w.WriteString("target", record?.TargetObject?.ToString());
                w.WriteString("message", record?.ErrorDetails?.Message ?? record?.Exception?.Message);
                w.WriteString("exceptionType", record?.Exception?.GetType().FullName);
            });
        }

        public void WriteRecord(string kind, string message)
        {
            Write(w =>
            {
                w.WriteString("kind", kind);
                w.WriteString("message", message);
            });
        }

        public void WriteProgress(long sourceId, ProgressRecord record)
        {
            Write(w =>
            {
                w.WriteString("kind", "progress");
                w.WriteNumber("activityId", record.ActivityId);
                w.WriteString("activity", record.Activity);
                w.WriteString("status", record.StatusDescription);
                w.WriteNumber("percent", record.PercentComplete);
                w.WriteString("recordType", record.RecordType.ToString());
                w.WriteNumber("threadId", Environment.CurrentManagedThreadId);
            });
        }

        private void Write(Action<Utf8JsonWriter> body)
        {
            lock (_gate)
            {
                using (var buffer = new MemoryStream())
                {
                    using (var w = new Utf8JsonWriter(buffer))
                    {
                        w.WriteStartObject();
                        body(w);
                        w.WriteEndObject();
                    }

                    _out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
                    _out.Flush();
                }
            }
        }

        private static void WriteProperties(Utf8JsonWriter w, PSObject obj, int depth)
        {
            w.WriteStartObject();
            if (obj != null && !(obj.BaseObject is string) && !obj.BaseObject.GetType().IsPrimitive)
            {
                foreach (var p in obj.Properties)
                {
                    object value;
                    try
                    {
                        value = p.Value;
                    }
                    catch (Exception)
                    {
                        continue;
                    }

                    w.WritePropertyName(p.Name);
                    WriteValue(w, value, depth);
                }
            }

            w.WriteEndObject();
        }

        private static void WriteValue(Utf8JsonWriter w, object value, int depth)
        {
            if (value is PSObject pso && !(pso.BaseObject is PSCustomObject))
            {
                value = pso.BaseObject;
            }

            switch (value)
            {
                case null:
                    w.WriteNullValue();
                    break;
                case string s:
                    w.WriteStringValue(s);
                    break;
                case bool b:
                    w.WriteBooleanValue(b);
                    break;
                case DateTime dt:
                    w.WriteStringValue(dt.ToString("o"));
                    break;
                case Enum e:
                    w.WriteStringValue(e.ToString());
                    break;
                case int or long or short or byte or uint or ulong or ushort:
                    w.WriteNumberValue(Convert.ToInt64(value));
                    break;
                case double or float or decimal:
                    w.WriteNumberValue(Convert.ToDouble(value));
                    break;
                case PSObject custom when depth < 2:
                    WriteProperties(w, custom, depth + 1);
                    break;
                case IEnumerable list when depth < 2 && !(value is IDictionary):
                    w.WriteStartArray();
                    foreach (var item in list)
                    {
                        WriteValue(w, item, depth + 1);
                    }

                    w.WriteEndArray();
                    break;
                default:
                    if (depth < 1 && value.GetType().Namespace?.StartsWith("StickyPi", StringComparison.Ordinal) == true)
                    {
                        WriteProperties(w, PSObject.AsPSObject(value), depth + 1);
                    }
                    else
                    {
                        w.WriteStringValue(value.ToString());
                    }

                    break;
            }
        }
    }
}
