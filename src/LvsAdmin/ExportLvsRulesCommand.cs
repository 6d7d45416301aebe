using System.IO;
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
            if (Path is null)
            {
                // Each service's lines go down the pipeline as soon as its real servers are read.
                foreach (string line in RuleWriter.Write(Client))
                    WriteObject(line);
                return;
            }
            string resolved = GetUnresolvedProviderPathFromPSPath(Path);
            if (!ShouldProcess(resolved, "Write the table's rules"))
                return;
            // Written beside the file and moved over it: a failed read leaves the old file as it was.
            string partial = resolved + ".partial";
            try
            {
                File.WriteAllLines(partial, RuleWriter.Write(Client), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                File.Move(partial, resolved, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }
        }
    }
}
