using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace StickyPi.Host
{
    /// <summary>A non-interactive console host: enough for formatting, progress, warnings and ShouldProcess.</summary>
    internal sealed class ConsoleHost : PSHost
    {
        private readonly ConsoleUserInterface _ui;
        private readonly Guid _id = Guid.NewGuid();

        public ConsoleHost(JsonLineWriter json) => _ui = new ConsoleUserInterface(json);

        public int? ExitCode { get; private set; }

        public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

        public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

        public override Guid InstanceId => _id;

        public override string Name => "StickyPi.Host";

        public override PSHostUserInterface UI => _ui;

        public override Version Version => new Version(1, 0);

        public override void EnterNestedPrompt() => throw new NotSupportedException("StickyPi.Host is non-interactive.");

        public override void ExitNestedPrompt() => throw new NotSupportedException("StickyPi.Host is non-interactive.");

        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }

        public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    }

    internal sealed class ConsoleUserInterface : PSHostUserInterface
    {
        private readonly JsonLineWriter _json;
        private readonly ConsoleRawUserInterface _raw = new ConsoleRawUserInterface();

        public ConsoleUserInterface(JsonLineWriter json) => _json = json;

        public override PSHostRawUserInterface RawUI => _raw;

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new PSInvalidOperationException("StickyPi.Host is non-interactive: " + message);

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
            throw new PSInvalidOperationException("StickyPi.Host is non-interactive and cannot confirm: " + message + " (use -Confirm:$false).");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new PSInvalidOperationException("StickyPi.Host is non-interactive: " + message);

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new PSInvalidOperationException("StickyPi.Host is non-interactive: " + message);

        public override string ReadLine() => Console.ReadLine();

        public override SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException("StickyPi.Host is non-interactive.");

        public override void Write(string value) => Console.Out.Write(Plain(value));

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Out.Write(Plain(value));

        public override void WriteLine(string value) => Console.Out.WriteLine(Plain(value));

        /// <summary>The formatter styles table headers with ANSI sequences whatever the host says; logs want plain text.</summary>
        private static string Plain(string value) => value == null ? null : AnsiSequence.Replace(value, string.Empty);

        private static readonly System.Text.RegularExpressions.Regex AnsiSequence =
            new System.Text.RegularExpressions.Regex("\x1b\\[[0-9;?]*[A-Za-z]", System.Text.RegularExpressions.RegexOptions.Compiled);

        public override void WriteErrorLine(string value) => Console.Error.WriteLine(value);

        public override void WriteDebugLine(string message) => Console.Error.WriteLine("DEBUG: " + message);

        public override void WriteVerboseLine(string message) => Console.Error.WriteLine("VERBOSE: " + message);

        public override void WriteWarningLine(string message) => Console.Error.WriteLine("WARNING: " + message);

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
            if (_json != null)
            {
                _json.WriteProgress(sourceId, record);
            }
            else if (record.RecordType != ProgressRecordType.Completed)
            {
                Console.Error.WriteLine($"[{record.Activity}] {record.StatusDescription}");
            }
        }
    }

    internal sealed class ConsoleRawUserInterface : PSHostRawUserInterface
    {
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

        public override Size BufferSize { get; set; } = new Size(140, 3000);

        public override Coordinates CursorPosition { get; set; }

        public override int CursorSize { get; set; } = 1;

        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

        public override bool KeyAvailable => false;

        public override Size MaxPhysicalWindowSize => new Size(140, 50);

        public override Size MaxWindowSize => new Size(140, 50);

        public override Coordinates WindowPosition { get; set; }

        public override Size WindowSize { get; set; } = new Size(140, 50);

        public override string WindowTitle { get; set; } = "StickyPi.Host";

        public override void FlushInputBuffer()
        {
        }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();

        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("StickyPi.Host is non-interactive.");

        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) => throw new NotSupportedException();

        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) => throw new NotSupportedException();

        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) => throw new NotSupportedException();
    }
}
