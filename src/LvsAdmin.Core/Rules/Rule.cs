namespace LvsAdmin.Rules
{
    /// <summary>The commands ipvsadm -R accepts on a rule line.</summary>
    public enum RuleCommand
    {
        AddService,
        EditService,
        DeleteService,
        Clear,
        AddRealServer,
        EditRealServer,
        DeleteRealServer,
        Zero,
        SetTimeouts,
        StartDaemon,
        StopDaemon,
    }

    /// <summary>One parsed rule line: what it asks for, and where it came from.</summary>
    public sealed class Rule
    {
        public Rule(int lineNumber, string text, RuleCommand command)
        {
            LineNumber = lineNumber;
            Text = text;
            Command = command;
        }

        public int LineNumber { get; }
        public string Text { get; }
        public RuleCommand Command { get; }

        /// <summary>The service the rule names (null for -C, --set and the daemon commands; optional for -Z).</summary>
        public LvsServiceKey? ServiceKey { get; set; }

        /// <summary>The whole service, for -A and -E.</summary>
        public LvsService? Service { get; set; }

        /// <summary>The real server, for -a, -e and -d (only its address and port for -d).</summary>
        public LvsRealServer? RealServer { get; set; }

        public LvsTimeout? Timeout { get; set; }
        public LvsSyncDaemon? Daemon { get; set; }

        public override string ToString() => $"line {LineNumber}: {Text}";
    }

    /// <summary>A rule line that does not parse: its number, its text and what is wrong.</summary>
    public class RuleParseException : System.FormatException
    {
        public RuleParseException(int lineNumber, string line, string problem)
            : base($"Line {lineNumber}: {problem} in '{line.Trim()}'")
        {
            LineNumber = lineNumber;
            Line = line;
            Problem = problem;
        }

        public int LineNumber { get; }
        public string Line { get; }
        public string Problem { get; }
    }
}
