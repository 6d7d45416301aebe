using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Commands
{
    /// <summary>Completes -Service with the key text of the live table's services (quoted: it has a space).</summary>
    public sealed class ServiceCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string? networkNamespace = fakeBoundParameters["NetworkNamespace"] as string;
            List<LvsService> services;
            try
            {
                using var client = IpvsClient.Open(networkNamespace);
                services = client.GetServices();
            }
            catch (System.Exception)
            {
                // Completion must never fail the command line: no IPVS or no permission completes nothing.
                return Enumerable.Empty<CompletionResult>();
            }
            var pattern = new WildcardPattern(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return services
                .Select(service => service.ToString())
                .Where(text => pattern.IsMatch(text))
                .Select(text => new CompletionResult($"'{text}'", text, CompletionResultType.ParameterValue, text));
        }
    }
}
