using System.Management.Automation;

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
                LvsService? removed = null;
                if (PassThru && TryKernel(() => removed = Client.GetService(key), "Service", key) && removed is null)
                {
                    WriteServiceNotFound(key);
                    continue;
                }
                if (TryKernel(() => Client.DeleteService(key), "Service", key) && removed is not null)
                    WriteObject(removed);
            }
        }
    }
}
