using System.Management.Automation;
using LvsAdmin.Rules;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// Compares the live table with rule lines: one object per service or real server to add, remove
    /// or change, and nothing when they agree.
    /// </summary>
    [Cmdlet(VerbsData.Compare, "LvsRules", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(LvsRuleDifference))]
    public sealed class CompareLvsRulesCommand : LvsRulesInputCmdlet
    {
        protected override void EndProcessing()
        {
            if (NoRulesFromPipeline())
            {
                WriteError(new ErrorRecord(new PSArgumentException("No rule lines came from the pipeline: there is nothing to compare the table with."),
                    "NoRuleLines", ErrorCategory.InvalidData, null));
                return;
            }
            var desired = ReadDesiredTable();
            KeepWatchHolds(desired, out _);
            WriteObject(RunKernel(() => TableDifference.Compute(Client.ReadTable(), desired), "Service", null), enumerateCollection: true);
        }
    }
}
