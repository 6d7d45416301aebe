using System.Management.Automation;
using LvsAdmin.Rules;

namespace LvsAdmin.Commands
{
    /// <summary>Writes the table as ipvsadm rule lines (ipvsadm -S -n), keeping the thresholds ipvsadm's save loses.</summary>
    [Cmdlet(VerbsData.Export, "LvsRules", SupportsShouldProcess = true)]
    [OutputType(typeof(string))]
    public sealed class ExportLvsRulesCommand : LvsCmdlet
    {
        /// <summary>The file to write; without it, the lines go down the pipeline.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        protected override void EndProcessing()
        {
            if (Path is null)
            {
                // Each service's lines go down the pipeline as soon as its real servers are read.
                RunKernel(() =>
                {
                    foreach (string line in RuleWriter.Write(Client))
                        WriteObject(line);
                }, "Export", null);
                return;
            }
            string resolved = GetUnresolvedProviderPathFromPSPath(Path);
            if (ShouldProcess(resolved, "Write the table's rules"))
                RunKernel(() => RuleFile.Write(resolved, RuleWriter.Write(Client)), "Export", resolved);
        }
    }
}
