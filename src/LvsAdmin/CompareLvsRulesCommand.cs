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
            var desired = ReadDesiredTable();
            WriteObject(TableDifference.Compute(Client.ReadTable(), desired), enumerateCollection: true);
        }
    }
}
