using System.Management.Automation;

namespace LvsAdmin.Commands
{
    /// <summary>Deletes every virtual service and real server (ipvsadm -C).</summary>
    [Cmdlet(VerbsCommon.Clear, "LvsService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class ClearLvsServiceCommand : LvsCmdlet
    {
        protected override void EndProcessing()
        {
            string target = NetworkNamespace is null ? "the IPVS table" : $"the IPVS table of network namespace {NetworkNamespace}";
            if (ShouldProcess(target, "Remove every virtual service"))
                TryKernel(() => Client.Flush(), "Service", target);
        }
    }
}
