using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using LvsAdmin.Health;
using LvsAdmin.Rules;

namespace LvsAdmin.Commands
{
    /// <summary>The base of cmdlets that read ipvsadm rule lines from -Path or from strings in the pipeline.</summary>
    public abstract class LvsRulesInputCmdlet : LvsCmdlet
    {
        protected const string PathSet = "Path";
        protected const string LinesSet = "Lines";
        private readonly List<string> _lines = new List<string>();
        private bool _receivedInput;

        /// <summary>Rule files, as ipvsadm -S writes them.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
        [Alias("PSPath", "LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = null!;

        /// <summary>Rule lines (a string with several lines is split).</summary>
        [Parameter(Mandatory = true, ParameterSetName = LinesSet, ValueFromPipeline = true)]
        [AllowEmptyString]
        [AllowNull]
        public string[] InputObject { get; set; } = null!;

        protected override void ProcessRecord()
        {
            if (ParameterSetName != LinesSet)
                return;
            _receivedInput = true;
            foreach (string? text in InputObject)
            {
                if (text is not null)
                    _lines.AddRange(text.Split('\n'));
            }
        }

        /// <summary>True when the cmdlet reads the pipeline and nothing came (not even an empty line).</summary>
        protected bool NoRulesFromPipeline() => ParameterSetName == LinesSet && UpstreamSentNothing(_receivedInput);

        /// <summary>All the input parsed; a line that does not parse ends the cmdlet before anything is applied.</summary>
        protected List<Rule> ReadRules() => WhenParsed(() => RuleParser.Parse(InputLines()));

        /// <summary>
        /// The table the input describes, parsed and played in one pass; the rules it cannot play are
        /// written as errors. A line that does not parse ends the cmdlet before anything is applied.
        /// </summary>
        /// <summary>
        /// Leaves the servers running watches hold down as they hold them (<see cref="DesiredTable.KeepHeld"/>);
        /// returns the holds still in force, with the rules' settings, and the file they are kept in.
        /// </summary>
        protected List<WatchHold> KeepWatchHolds(DesiredTable desired, out WatchHolds holds)
        {
            var file = RunKernel(() => WatchHolds.For(NetworkNamespace), "Service", null);
            holds = file;
            return RunKernel(() => desired.KeepHeld(file.Load(), server => Client.GetRealServer(server.GetServiceKey(), server.Address, server.Port)), "Service", null);
        }

        protected DesiredTable ReadDesiredTable()
        {
            List<RuleFailure> failures = null!;
            var desired = WhenParsed(() => DesiredTable.FromRules(RuleParser.Read(InputLines()), out failures));
            foreach (var failure in failures)
                WriteError(RuleError(failure));
            return desired;
        }

        private IEnumerable<string> InputLines()
        {
            if (ParameterSetName != PathSet)
                return _lines;
            var files = new List<string>();
            foreach (string path in Path)
            {
                string resolved = GetUnresolvedProviderPathFromPSPath(path);
                if (!File.Exists(resolved))
                {
                    ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"The rule file '{path}' does not exist.", resolved),
                        "RuleFileNotFound", ErrorCategory.ObjectNotFound, path));
                }
                files.Add(resolved);
            }
            // A line's carriage return (a file from Windows) is whitespace to the parser, and Rule.Text is trimmed.
            return files.SelectMany(File.ReadLines);
        }

        private T WhenParsed<T>(Func<T> parse)
        {
            try
            {
                return parse();
            }
            catch (RuleParseException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "RuleParseError", ErrorCategory.InvalidData, e.Line));
                throw;
            }
        }

        /// <summary>An error record for a rule the kernel or the table refused, its message led by the line number.</summary>
        protected static ErrorRecord RuleError(Rule rule, Exception error)
        {
            string noun = rule.Command is RuleCommand.AddRealServer or RuleCommand.EditRealServer or RuleCommand.DeleteRealServer ? "RealServer" : "Service";
            var record = ToErrorRecord(error, noun, rule.Text);
            record.ErrorDetails = new ErrorDetails($"Line {rule.LineNumber} ({rule.Text}): {record.Exception.Message}");
            return record;
        }

        protected static ErrorRecord RuleError(RuleFailure failure) =>
            new ErrorRecord(new InvalidOperationException(failure.Message), failure.Reason,
                failure.Reason.EndsWith("Exists", StringComparison.Ordinal) ? ErrorCategory.ResourceExists : ErrorCategory.ObjectNotFound, failure.Rule.Text);
    }
}
