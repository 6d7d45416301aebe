using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace LvsAdmin.Commands
{
    /// <summary>Completes -Scheduler with the schedulers of mainline Linux.</summary>
    public sealed class SchedulerCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = new WildcardPattern(wordToComplete + "*", WildcardOptions.IgnoreCase);
            return LvsValidation.KnownSchedulers
                .Where(name => pattern.IsMatch(name))
                .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, Describe(name)));
        }

        private static string Describe(string scheduler) => scheduler switch
        {
            "rr" => "round robin",
            "wrr" => "weighted round robin",
            "lc" => "least connection",
            "wlc" => "weighted least connection (default)",
            "lblc" => "locality-based least connection",
            "lblcr" => "locality-based least connection with replication",
            "dh" => "destination hashing",
            "sh" => "source hashing",
            "sed" => "shortest expected delay",
            "nq" => "never queue",
            "fo" => "weighted failover",
            "ovf" => "weighted overflow",
            "mh" => "maglev hashing",
            "twos" => "weighted random twos choice",
            _ => scheduler,
        };
    }
}
