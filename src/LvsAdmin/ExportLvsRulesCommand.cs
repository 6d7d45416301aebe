using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
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
            var lines = RuleWriter.Write(Client.GetTable()).ToList();
            if (Path is null)
            {
                WriteObject(lines, enumerateCollection: true);
                return;
            }
            string resolved = GetUnresolvedProviderPathFromPSPath(Path);
            if (ShouldProcess(resolved, $"Write {lines.Count} rules"))
                File.WriteAllLines(resolved, lines, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
    }
}
