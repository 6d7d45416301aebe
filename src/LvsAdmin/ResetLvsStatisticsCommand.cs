using System.Management.Automation;

namespace LvsAdmin.Commands
{
    /// <summary>Zeroes the counters of the named services and their real servers, or of all (ipvsadm -Z).</summary>
    [Cmdlet(VerbsCommon.Reset, "LvsStatistics", DefaultParameterSetName = AllSet, SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class ResetLvsStatisticsCommand : LvsServiceTargetCmdlet
    {
        private const string AllSet = "All";

        protected override void ProcessRecord()
        {
            if (ParameterSetName == AllSet)
                return;
            foreach (var key in TargetKeys)
            {
                if (ShouldProcess($"virtual service {key}", "Zero the counters"))
                    TryKernel(() => Client.ZeroStatistics(key), "Service", key);
            }
        }

        protected override void EndProcessing()
        {
            // After an empty pipeline this set is the one left: zeroing everything then is not what was asked.
            if (ParameterSetName == AllSet && !MyInvocation.ExpectingInput && ShouldProcess("every virtual service", "Zero the counters"))
                TryKernel(() => Client.ZeroStatistics(null), "Service", "every virtual service");
        }
    }
}
