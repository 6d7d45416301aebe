using System.Management.Automation;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Commands
{
    /// <summary>Deletes virtual services with their real servers (ipvsadm -D).</summary>
    [Cmdlet(VerbsCommon.Remove, "LvsService", DefaultParameterSetName = AddressSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(LvsService))]
    public sealed class RemoveLvsServiceCommand : LvsServiceTargetCmdlet
    {
        /// <summary>Writes each removed service, as it was just before removal.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var key in TargetKeys)
            {
                if (!ShouldProcess($"virtual service {key}", "Remove"))
                    continue;
                LvsService? removed = LiveService(key);
                if (PassThru && removed is null && TryKernel(() => removed = Client.GetService(key), "Service", key) && removed is null)
                {
                    WriteServiceNotFound(key);
                    continue;
                }
                // Its real servers and connections go with it: it cannot be undone.
                QueueChange(IpvsChange.ForService(IpvsChangeKind.Delete, removed ?? LvsService.Create(key)), null, "Service", key,
                    PassThru ? () => WriteObject(removed) : null);
            }
        }
    }
}
